"""Supervision tasks on the home pages (``peersupport.todo``).

Coordinators: peer supporters short of supervision this month (the cadence rule).
Supervisors: sessions whose attendance is not recorded, and their sessions in the next two
weeks. Peer supporters: recent sessions they attended and may confirm and rate.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from peersupport.accounts.models import Role
from peersupport.todo import ITEMS_SHOWN, TodoItem, TodoKind, TodoPage, register_todo

from .cadence import CellState
from .cadence_cache import cached_grid
from .models import AttendanceStatus, SessionStatus
from .permissions import own_attendances, sessions_led_by

# A supervisor's planned sessions this many days ahead are on their home page.
SESSIONS_AHEAD_DAYS = 14
# A peer supporter is asked to confirm and rate sessions of this many days back.
CONFIRM_WITHIN_DAYS = 30


def _when(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F H:i")


def supervision_shortfalls(user, region_ids, today) -> TodoPage:
    """Peer supporters with an active placement who fall short of supervision this month,
    and why (absent, cancelled, none or too few planned); the reasons are put into words
    only for those the home page shows."""
    now = timezone.now()
    # Through the cadence cache, as the cadence page: the aggregate over a large region's
    # attendance is most of the home page's cost otherwise.
    rows, _trend = cached_grid(region_ids, [today.replace(day=1)], now)
    short = [row for row in rows if row.current.state == CellState.SHORT]
    url = reverse("supervision:cadence")
    return TodoPage(
        items=[
            TodoItem(
                text=row.participant.full_name,
                url=url,
                detail=", ".join(row.current.reason_texts()),
            )
            for row in short[:ITEMS_SHOWN]
        ],
        total=len(short),
    )


def attendance_to_record(user, region_ids, today) -> list[TodoItem]:
    """The supervisor's sessions that have started but whose attendance is not recorded."""
    sessions = (
        sessions_led_by(user).missing_attendance().select_related("group").order_by("starts_at")
    )
    return [
        TodoItem(
            text=session.group.name,
            url=reverse("supervision:session_attendance", args=[session.pk]),
            date=timezone.localdate(session.starts_at),
            detail=_when(session.starts_at),
            late=True,
        )
        for session in sessions
    ]


def sessions_ahead(user, region_ids, today) -> list[TodoItem]:
    """The supervisor's planned sessions in the next two weeks."""
    now = timezone.now()
    sessions = (
        sessions_led_by(user)
        .upcoming(now)
        .filter(starts_at__lt=now + dt.timedelta(days=SESSIONS_AHEAD_DAYS))
        .select_related("group")
        .order_by("starts_at", "pk")
    )
    return [
        TodoItem(
            text=session.group.name,
            url=reverse("supervision:session_detail", args=[session.pk]),
            date=timezone.localdate(session.starts_at),
            detail=_when(session.starts_at),
        )
        for session in sessions
    ]


def sessions_to_confirm(user, region_ids, today) -> list[TodoItem]:
    """Sessions of the last month the peer supporter was expected at and has not yet
    confirmed, unless the supervisor recorded them absent or the session was cancelled."""
    now = timezone.now()
    attendances = (
        own_attendances(user)
        .filter(
            confirmed_at__isnull=True,
            session__status=SessionStatus.PLANNED,
            session__starts_at__lte=now,
            session__starts_at__gte=now - dt.timedelta(days=CONFIRM_WITHIN_DAYS),
        )
        .exclude(status__in=[AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED])
        .select_related("session__group")
        .order_by("session__starts_at", "pk")
    )
    return [
        TodoItem(
            text=attendance.session.group.name,
            url=reverse("supervision:session_confirm", args=[attendance.session_id]),
            date=timezone.localdate(attendance.session.starts_at),
            detail=_when(attendance.session.starts_at),
        )
        for attendance in attendances
    ]


register_todo(
    TodoKind(
        key="supervision_shortfalls",
        title=gettext_lazy("Short of supervision this month"),
        roles=frozenset({Role.COORDINATOR}),
        order=40,
        collect=supervision_shortfalls,
        more_url="supervision:cadence",
    )
)
register_todo(
    TodoKind(
        key="supervision_attendance_to_record",
        title=gettext_lazy("Attendance to record"),
        roles=frozenset({Role.SUPERVISOR}),
        order=10,
        collect=attendance_to_record,
        more_url="supervision:supervisor_home",
    )
)
register_todo(
    TodoKind(
        key="supervision_sessions_ahead",
        title=gettext_lazy("Your next supervision sessions"),
        roles=frozenset({Role.SUPERVISOR}),
        order=20,
        collect=sessions_ahead,
        more_url="supervision:session_list",
        empty_text=gettext_lazy("No sessions planned in the next two weeks."),
    )
)
register_todo(
    TodoKind(
        key="supervision_sessions_to_confirm",
        title=gettext_lazy("Supervision sessions to confirm"),
        roles=frozenset({Role.PEER_SUPPORTER}),
        order=20,
        collect=sessions_to_confirm,
        more_url="supervision:session_list",
    )
)
