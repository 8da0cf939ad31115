"""Demo supervision: in each demo region the demo supervisor leads a group of the placed
peer supporters every other week and an individual arrangement every four weeks, from
five months back to six weeks ahead.

Everything goes through ``supervision.actions``: the demo coordinator registers the
supervisor and forms the groups, the supervisor plans, cancels one session and records
attendance (with an absence and an excused absence), and the peer supporters confirm and
rate some sessions. The cadence grid thus shows months met, months short (a cancelled
session, absences) and, before supervision began, none planned. In Stockholm an evening
group planned for the coming weeks has been ended: inactive, its sessions cancelled. Runs
after the workplace seed, whose placed peer supporters it supervises. Running it again
adds nothing. Fictitious people; never run this against real data.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from peersupport.accounts.demo import ROLE_PEOPLE, demo_email
from peersupport.accounts.models import Region, Role, User
from programmes.models import Participant
from workplaces.models import PlacementStatus

from . import actions
from .models import (
    ArrangementKind,
    AttendanceStatus,
    SessionStatus,
    SupervisionGroup,
    SupervisionSession,
    SupervisionTheme,
    Weekday,
)

GROUPS = {
    "stockholm": {
        "group": {
            "name": "Handledningsgrupp Södermalm",
            "weekday": Weekday.WEDNESDAY,
            "start_time": dt.time(13, 0),
            "place": "Mötesplats Sveavägen, rum Ljuset",
        },
        "individual": {
            "weekday": Weekday.MONDAY,
            "start_time": dt.time(10, 0),
            "video_link": "https://meet.example.org/handledning-stockholm",
        },
    },
    "skane": {
        "group": {
            "name": "Handledningsgrupp Malmö",
            "weekday": Weekday.THURSDAY,
            "start_time": dt.time(13, 30),
            "place": "Hälsans hus, rum 3",
        },
        "individual": {
            "weekday": Weekday.TUESDAY,
            "start_time": dt.time(9, 30),
            "video_link": "https://meet.example.org/handledning-skane",
        },
    },
}

# A group the coordinator ended: listed as inactive, its planned sessions cancelled.
ENDED_GROUP = {
    "region": "stockholm",
    "group": {
        "name": "Kvällsgruppen",
        "weekday": Weekday.TUESDAY,
        "start_time": dt.time(17, 30),
        "place": "Mötesplats Sveavägen, rum Ljuset",
    },
    "reason": "För få kunde komma på kvällstid; medlemmarna går i dagsgruppen.",
}
CANCELLED_REASON = "Handledaren var sjuk och ingen vikarie fanns."
EXCUSED_REASON = "Läkarbesök"
THEMES = [
    [SupervisionTheme.ROLE_BOUNDARIES, SupervisionTheme.HARD_SITUATIONS],
    [SupervisionTheme.WORKPLACE],
    [SupervisionTheme.OWN_RECOVERY, SupervisionTheme.ETHICS],
    [SupervisionTheme.HARD_SITUATIONS],
    [SupervisionTheme.WORKPLACE, SupervisionTheme.ROLE_BOUNDARIES],
]
PRIVATE_NOTES = [
    "Gruppen delade mycket om gränsdragning. Följ upp hur det går på arbetsplatsen.",
    "Bra energi. Fråga nästa gång om stödet från enhetschefen.",
]
# (rating, comment) for the peer supporters' own confirmations of their latest sessions.
CONFIRMATIONS = [(5, "Skönt att få prata om ett svårt samtal."), (4, ""), (None, "")]


def _month_start(today: dt.date, months_back: int) -> dt.date:
    return today.replace(day=1) - relativedelta(months=months_back)


def _first_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _plan(supervisor: User, group: SupervisionGroup, today: dt.date, interval_weeks: int):
    return actions.plan_series(
        actor=supervisor,
        group=group,
        first_date=_first_on_or_after(_month_start(today, 5), group.weekday),
        until=today + dt.timedelta(weeks=6),
        start_time=group.start_time,
        interval_weeks=interval_weeks,
    )


def _by_month(sessions: list[SupervisionSession]) -> dict[dt.date, list[SupervisionSession]]:
    by_month = defaultdict(list)
    for session in sessions:
        by_month[timezone.localtime(session.starts_at).date().replace(day=1)].append(session)
    return by_month


def _disruptions(sessions: list[SupervisionSession], members: list[Participant], today):
    """What leaves people short some months: the first session of a month with only two
    (two to four months back) cancelled, and in the latest earlier month with two or more
    the first member absent once and excused once, the second absent from the last one.

    Returns the absences as {session pk: {participant pk: (status, reason)}} and the
    session to cancel."""
    by_month = _by_month(sessions)
    past = [by_month[_month_start(today, back)] for back in range(1, 5)]
    cancelled_month = next((month for month in past[1:] if len(month) == 2), past[1])
    missed_month = next(m for m in past if len(m) >= 2 and m is not cancelled_month)
    absences: dict[int, dict[int, tuple[str, str]]] = defaultdict(dict)
    absences[missed_month[0].pk][members[0].pk] = (AttendanceStatus.ABSENT, "")
    absences[missed_month[1].pk][members[0].pk] = (AttendanceStatus.EXCUSED, EXCUSED_REASON)
    if len(members) > 1:
        absences[missed_month[-1].pk][members[1].pk] = (AttendanceStatus.ABSENT, "")
    return absences, cancelled_month[0]


def _hold(
    supervisor: User, sessions, members, *, absences=None, cancelled=None, leave_latest=False
) -> None:
    """Record attendance for every session that has started, except ``cancelled``, which
    is cancelled before it was held, and (with ``leave_latest``) the latest one, which the
    supervisor has still to record."""
    absences = absences or {}
    now = timezone.now()
    started = [s for s in sessions if s.starts_at <= now]
    if leave_latest:
        started = started[:-1]
    for number, session in enumerate(started):
        if session == cancelled:
            actions.cancel_session(actor=supervisor, session=session, reason=CANCELLED_REASON)
            continue
        statuses = {
            member.pk: absences.get(session.pk, {}).get(member.pk, (AttendanceStatus.PRESENT, ""))
            for member in members
        }
        actions.record_attendance(
            actor=supervisor,
            session=session,
            statuses=statuses,
            themes=THEMES[number % len(THEMES)],
        )


def _confirm_latest(participant: Participant) -> None:
    """The peer supporter confirms their latest attended sessions, rating most of them."""
    attended = (
        participant.supervision_attendances.filter(
            status=AttendanceStatus.PRESENT,
            session__status=SessionStatus.PLANNED,
            confirmed_at__isnull=True,
        )
        .select_related("session")
        .order_by("-session__starts_at")
    )
    for attendance, (rating, comment) in zip(attended, CONFIRMATIONS, strict=False):
        actions.confirm_attendance(
            actor=participant.user, attendance=attendance, rating=rating, comment=comment
        )


def _supervise(coordinator: User, supervisor_user: User, region: Region, today: dt.date) -> None:
    placed = list(
        Participant.objects.filter(
            region=region, placements__status=PlacementStatus.ACTIVE, user__isnull=False
        )
        .distinct()
        .order_by("full_name")
    )
    if not placed:
        return
    config = GROUPS[region.code]
    supervisor = actions.register_supervisor(actor=coordinator, user=supervisor_user, region=region)
    group = actions.create_group(
        actor=coordinator, region=region, supervisor=supervisor, members=placed, **config["group"]
    )
    individual_member = placed[-1]
    individual = actions.create_group(
        actor=coordinator,
        region=region,
        name=f"Enskild handledning – {individual_member.full_name}",
        kind=ArrangementKind.INDIVIDUAL,
        supervisor=supervisor,
        members=[individual_member],
        duration_minutes=60,
        **config["individual"],
    )

    sessions = _plan(supervisor_user, group, today, interval_weeks=2)
    absences, cancelled = _disruptions(sessions, placed, today)
    _hold(supervisor_user, sessions, placed, absences=absences, cancelled=cancelled)
    _hold(
        supervisor_user,
        _plan(supervisor_user, individual, today, interval_weeks=4),
        [individual_member],
        leave_latest=True,
    )
    held = [s for s in sessions if s.attendance_recorded_at]
    for session, text in zip(reversed(held), PRIVATE_NOTES, strict=False):
        actions.save_private_note(actor=supervisor_user, session=session, text=text)
    for participant in placed:
        _confirm_latest(participant)


def _ended_group(coordinator: User, supervisor_user: User, region: Region, today: dt.date) -> None:
    """An evening group planned for the coming weeks, then ended by the coordinator: its
    sessions show cancelled and the group is listed as inactive."""
    members = list(
        Participant.objects.filter(region=region, supervision_groups__isnull=False)
        .distinct()
        .order_by("full_name")[:2]
    )
    if not members:
        return
    supervisor = actions.register_supervisor(actor=coordinator, user=supervisor_user, region=region)
    group = actions.create_group(
        actor=coordinator,
        region=region,
        supervisor=supervisor,
        members=members,
        **ENDED_GROUP["group"],
    )
    actions.plan_series(
        actor=coordinator,
        group=group,
        first_date=_first_on_or_after(today + dt.timedelta(days=7), group.weekday),
        until=today + dt.timedelta(weeks=5),
        start_time=group.start_time,
    )
    actions.deactivate_group(actor=coordinator, group=group, reason=ENDED_GROUP["reason"])


def seed(*, today: dt.date | None = None) -> None:
    """Add the supervision demo data to the demo regions (after the workplace seed)."""
    today = today or timezone.localdate()
    for code, config in GROUPS.items():
        region = Region.objects.get(code=code)
        coordinator = User.objects.get(email=demo_email(ROLE_PEOPLE[code][Role.COORDINATOR][0]))
        supervisor = User.objects.get(email=demo_email(ROLE_PEOPLE[code][Role.SUPERVISOR][0]))
        groups = SupervisionGroup.objects.filter(region=region)
        if not groups.filter(name=config["group"]["name"]).exists():
            _supervise(coordinator, supervisor, region, today)
        if (
            code == ENDED_GROUP["region"]
            and not groups.filter(name=ENDED_GROUP["group"]["name"]).exists()
        ):
            _ended_group(coordinator, supervisor, region, today)
