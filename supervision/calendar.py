"""Supervision's part of the personal calendar feeds."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Event

from peersupport.accounts.models import User
from peersupport.notifications.calendar import local_time, register_calendar_source, start_of

from .models import SupervisionSession
from .permissions import own_attendances, sessions_led_by


def supervision_sessions(
    user: User, first_day: dt.date, last_day: dt.date, site_url: str
) -> list[Event]:
    """Sessions the person is expected at or leads; a cancelled one stays, as cancelled.
    Never notes, ratings, reasons for cancelling or video links: the feed needs no login."""
    sessions = (
        SupervisionSession.objects.filter(
            Q(pk__in=own_attendances(user).values("session_id"))
            | Q(pk__in=sessions_led_by(user).values("pk")),
            starts_at__gte=start_of(first_day),
            starts_at__lt=start_of(last_day + dt.timedelta(days=1)),
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
                start=local_time(session.starts_at),
                end=local_time(session.ends_at),
                location=session.place or None,
                url=site_url + reverse("supervision:session_detail", args=[session.pk]),
                status="CANCELLED" if session.is_cancelled else "CONFIRMED",
            )
        )
    return events


register_calendar_source(supervision_sessions, order=20)
