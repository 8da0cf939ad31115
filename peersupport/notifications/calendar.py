"""Personal calendar feeds: a secret, revocable iCalendar address per person.

The feed holds the person's course days, supervision sessions (those they are expected
at and those they lead; a cancelled one stays, marked cancelled), follow-ups waiting for
their answer and the reunions they are invited to. Calendar apps fetch it without logging
in, so it carries only what a calendar needs – times, titles, places and a link back –
never notes, ratings, support-session content, reasons for cancelling or video links:
the link leads to the page behind the login, where those are shown to whoever may see
them.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from peersupport.accounts.models import User
from peersupport.accounts.scoping import coordinated_region_ids
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from programmes.models import CourseSession, EnrolmentStatus, EventInvitation
from supervision.models import SupervisionSession
from supervision.permissions import own_attendances, sessions_led_by
from workplaces.models import FollowUpReview, PlacementStatus, ReviewRespondent, ReviewResponse
from workplaces.permissions import managed_workplace_ids

from .models import CalendarFeed, new_calendar_token

# What a calendar app shows is near in time: half a year of history, a year and a half ahead.
WINDOW_BEFORE = relativedelta(months=6)
WINDOW_AFTER = relativedelta(months=18)
# Calendar apps may poll this often; Google and Outlook decide for themselves.
REFRESH_INTERVAL = dt.timedelta(hours=6)
PRODID = "-//PEER Support//Programme manager//EN"


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
            *_course_days(user, first_day, last_day, site_url),
            *_supervision_sessions(user, first_day, last_day, site_url),
            *_reviews_due(user, first_day, last_day, site_url),
            *_invited_events(user, first_day, last_day),
        ]
    for event in events:
        event.stamp = now
        calendar.add_component(event)
    # The VTIMEZONE covers the window only (a day either side), not the default 1970–2038.
    calendar.add_missing_timezones(
        first_date=first_day - dt.timedelta(days=1), last_date=last_day + dt.timedelta(days=2)
    )
    return calendar.to_ical()


def _local(moment: dt.datetime) -> dt.datetime:
    """In Stockholm time, so the feed says TZID=Europe/Stockholm rather than UTC."""
    return timezone.localtime(moment, timezone.get_default_timezone())


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_default_timezone())


def _course_days(user: User, first_day, last_day, site_url: str) -> list[Event]:
    """Course days of the cohorts the person is enrolled in (closed cohorts included:
    their days are the person's history)."""
    sessions = (
        CourseSession.objects.filter(
            cohort__enrolments__participant__user=user,
            cohort__enrolments__status=EnrolmentStatus.ENROLLED,
            date__range=(first_day, last_day),
        )
        .select_related("cohort")
        .order_by("date")
    )
    stockholm = timezone.get_default_timezone()
    url = site_url + reverse("programmes:my_course")
    return [
        Event.new(
            uid=f"course-session-{session.pk}@peersupport",
            summary=_("Course day %(day)d: %(cohort)s")
            % {"day": session.day_number, "cohort": session.cohort.name},
            start=dt.datetime.combine(session.date, session.start_time, tzinfo=stockholm),
            end=dt.datetime.combine(session.date, session.end_time, tzinfo=stockholm),
            location=session.cohort.venue or None,
            url=url,
        )
        for session in sessions
    ]


def _supervision_sessions(user: User, first_day, last_day, site_url: str) -> list[Event]:
    """Sessions the person is expected at or leads; a cancelled one stays, as cancelled."""
    sessions = (
        SupervisionSession.objects.filter(
            Q(pk__in=own_attendances(user).values("session_id"))
            | Q(pk__in=sessions_led_by(user).values("pk")),
            starts_at__gte=_start_of(first_day),
            starts_at__lt=_start_of(last_day + dt.timedelta(days=1)),
        )
        .select_related("group")
        .order_by("starts_at", "pk")
    )
    events = []
    for session in sessions:
        title = _("Supervision: %(group)s") % {"group": session.group.name}
        if session.is_cancelled:
            title = _("Cancelled: %(title)s") % {"title": title}
        events.append(
            Event.new(
                uid=f"supervision-session-{session.pk}@peersupport",
                summary=title,
                start=_local(session.starts_at),
                end=_local(session.ends_at),
                location=session.place or None,
                url=site_url + reverse("supervision:session_detail", args=[session.pk]),
                status="CANCELLED" if session.is_cancelled else "CONFIRMED",
            )
        )
    return events


def _reviews_due(user: User, first_day, last_day, site_url: str) -> list[Event]:
    """Follow-ups of active placements still waiting for this person's answer, on the day
    they fall due. As on the follow-up list, a unit manager answers for the workplaces they
    manage and a coordinator for the rest of their regions."""
    managed = managed_workplace_ids(user)
    coordinated = coordinated_region_ids(user)
    if not managed and not coordinated:
        return []

    def answered_by(respondent: str) -> Exists:
        return Exists(ReviewResponse.objects.filter(review=OuterRef("pk"), respondent=respondent))

    reviews = (
        FollowUpReview.objects.filter(
            placement__status=PlacementStatus.ACTIVE, due_on__range=(first_day, last_day)
        )
        .filter(
            Q(placement__workplace_id__in=managed) & ~answered_by(ReviewRespondent.UNIT_MANAGER)
            | ~Q(placement__workplace_id__in=managed)
            & Q(placement__workplace__region_id__in=coordinated)
            & ~answered_by(ReviewRespondent.COORDINATOR)
        )
        .select_related("placement__workplace")
        .order_by("due_on", "pk")
    )
    return [
        Event.new(
            uid=f"follow-up-review-{review.pk}@peersupport",
            # No name: being a peer supporter says something about the person's health,
            # and a feed address can travel further than its owner meant.
            summary=_("Follow-up of a placement due: %(workplace)s")
            % {"workplace": review.placement.workplace.name},
            start=review.due_on,
            end=review.due_on + dt.timedelta(days=1),
            url=site_url + reverse("workplaces:review_respond", args=[review.pk]),
            transparency="TRANSPARENT",
        )
        for review in reviews
    ]


def _invited_events(user: User, first_day, last_day) -> list[Event]:
    """Reunions and continuing-education days the person is invited to. They carry no
    link: the event pages are the coordinators'."""
    invitations = (
        EventInvitation.objects.filter(
            participant__user=user,
            event__starts_at__gte=_start_of(first_day),
            event__starts_at__lt=_start_of(last_day + dt.timedelta(days=1)),
        )
        .select_related("event")
        .order_by("event__starts_at", "pk")
    )
    events = []
    for invitation in invitations:
        event = invitation.event
        events.append(
            Event.new(
                uid=f"event-{event.pk}@peersupport",
                summary=f"{event.get_kind_display()}: {event.title}",
                description=event.description or None,
                start=_local(event.starts_at),
                end=_local(event.ends_at),
                location=event.venue or None,
            )
        )
    return events
