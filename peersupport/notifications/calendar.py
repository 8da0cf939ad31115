"""Personal calendar feeds: a secret, revocable iCalendar address per person.

The feed holds the person's course days, supervision sessions (those they are expected
at and those they lead; a cancelled one stays, marked cancelled), follow-ups waiting for
their answer and the reunions they are invited to. Calendar apps fetch it without logging
in, so it carries only what a calendar needs – times, titles, places and a link back –
never notes, ratings, support-session content, reasons for cancelling or video links:
the link leads to the page behind the login, where those are shown to whoever may see
them. Each app adds its events through ``register_calendar_source`` (the core imports no
app).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from peersupport.accounts.models import User
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction

from .models import CalendarFeed, new_calendar_token

# What a calendar app shows is near in time: half a year of history, a year and a half ahead.
WINDOW_BEFORE = relativedelta(months=6)
WINDOW_AFTER = relativedelta(months=18)
# Calendar apps may poll this often; Google and Outlook decide for themselves.
REFRESH_INTERVAL = dt.timedelta(hours=6)
PRODID = "-//PEER Support//Programme manager//EN"

# ``source(user, first_day, last_day, site_url)`` returns the person's events of one kind
# between the two days (both included), with links into ``site_url`` (no trailing slash).
# It runs inside the person's language and issues a fixed number of queries.
CalendarSource = Callable[[User, dt.date, dt.date, str], list[Event]]

_SOURCES: dict[CalendarSource, int] = {}


def register_calendar_source(source: CalendarSource, *, order: int = 100) -> CalendarSource:
    """Add an app's events to every feed; apps call this from ``AppConfig.ready()``.

    Sources run by ``order`` (then in registration order), so the feed's bytes do not
    depend on the order the apps are installed in.
    """
    _SOURCES[source] = order
    return source


def calendar_feed_for(user: User) -> CalendarFeed:
    """The person's feed, made on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def revoke_calendar_feed(*, actor: User) -> CalendarFeed:
    """Give the person's feed a new secret address; the old one answers 404 from now on."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=actor)
    if not created:
        feed.token = new_calendar_token()
        feed.save(update_fields=["token"])
    record_event(actor=actor, action=AuditAction.UPDATE, obj=feed, detail={"revoked": True})
    return feed


def calendar_for(user: User, *, site_url: str, now: dt.datetime | None = None) -> bytes:
    """The person's calendar as iCalendar bytes, in their language and Stockholm time.

    Links point into ``site_url``. A fixed number of queries whatever the number of events.
    """
    now = now or timezone.now()
    local_now = timezone.localtime(now)
    first_day = local_now.date() - WINDOW_BEFORE
    last_day = local_now.date() + WINDOW_AFTER
    site_url = site_url.rstrip("/")
    with translation.override(user.language):
        calendar = Calendar.new(
            prodid=PRODID,
            name=_("PEER Support – %(name)s") % {"name": user.full_name or user.email},
            refresh_interval=REFRESH_INTERVAL,
            uid=f"calendar-{user.pk}@peersupport",
        )
        # RFC 7986 requires VALUE=DURATION; Outlook reads its own X-PUBLISHED-TTL instead.
        calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
        calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
        events = [
            event
            for source in sorted(_SOURCES, key=_SOURCES.__getitem__)
            for event in source(user, first_day, last_day, site_url)
        ]
    for event in events:
        event.stamp = now
        calendar.add_component(event)
    # The VTIMEZONE covers the window only (a day either side), not the default 1970–2038.
    calendar.add_missing_timezones(
        first_date=first_day - dt.timedelta(days=1), last_date=last_day + dt.timedelta(days=2)
    )
    return calendar.to_ical()


def local_time(moment: dt.datetime) -> dt.datetime:
    """In Stockholm time, so the feed says TZID=Europe/Stockholm rather than UTC."""
    return timezone.localtime(moment, timezone.get_default_timezone())


def start_of(day: dt.date) -> dt.datetime:
    """Midnight starting ``day`` in Stockholm, to bound a window of aware datetimes."""
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_default_timezone())
