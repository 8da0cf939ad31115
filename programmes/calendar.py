"""The programme's part of the personal calendar feeds: course days and invitations."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Event

from peersupport.accounts.models import User
from peersupport.notifications.calendar import local_time, register_calendar_source, start_of

from .models import CohortStatus, CourseSession, EnrolmentStatus, EventInvitation


def course_days(user: User, first_day: dt.date, last_day: dt.date, site_url: str) -> list[Event]:
    """Course days of the cohorts the person is enrolled in (closed cohorts included:
    their days are the person's history; a cancelled cohort's days never happen)."""
    sessions = (
        CourseSession.objects.filter(
            cohort__enrolments__participant__user=user,
            cohort__enrolments__status=EnrolmentStatus.ENROLLED,
            date__range=(first_day, last_day),
        )
        .exclude(cohort__status=CohortStatus.CANCELLED)
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


def invited_events(user: User, first_day: dt.date, last_day: dt.date, site_url: str) -> list[Event]:
    """Events the person is invited to (a cancelled one stays, marked cancelled). They
    carry no link: the event pages are the coordinators'."""
    invitations = (
        EventInvitation.objects.filter(
            Q(participant__user=user) | Q(user=user),
            event__starts_at__gte=start_of(first_day),
            event__starts_at__lt=start_of(last_day + dt.timedelta(days=1)),
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
                start=local_time(event.starts_at),
                end=local_time(event.ends_at),
                location=event.venue or None,
                status="CANCELLED" if event.is_cancelled else "CONFIRMED",
            )
        )
    return events


register_calendar_source(course_days, order=10)
register_calendar_source(invited_events, order=40)
