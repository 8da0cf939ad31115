"""seed_demo's supervision data: a group and an individual arrangement per region, six
months of sessions with attendance, a cancellation and absences – never duplicated."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from peersupport.accounts.models import Region, User
from peersupport.notifications.models import Notification
from supervision.cadence import CellState, cadence_rows, month_starts
from supervision.demo import CANCELLED_REASON, ENDED_GROUP, EXCUSED_REASON, GROUPS
from supervision.models import (
    ArrangementKind,
    AttendanceStatus,
    SessionAttendance,
    SessionStatus,
    SupervisionGroup,
    SupervisionSession,
    Supervisor,
    SupervisorNote,
)
from workplaces.models import Placement, PlacementStatus

pytestmark = pytest.mark.django_db
COUNTED = [
    Supervisor,
    SupervisionGroup,
    SupervisionSession,
    SessionAttendance,
    SupervisorNote,
    Notification,
]


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_seed_demo_builds_supervision_once():
    """Seeding twice builds the supervision demo once (the second run adds no row); each
    region's demo supervisor leads a group of the placed peer supporters and an
    individual arrangement, with sessions held, cancelled and to come, and a cadence
    grid with months both met and short."""
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    for code in GROUPS:
        assert_groups_and_sessions(code)
        assert_cadence_has_met_and_short_months(code)
    assert_ended_group()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first


def assert_groups_and_sessions(code):
    now = timezone.now()
    supervisor = Supervisor.objects.get(region__code=code)
    assert supervisor.user.email == f"handledare.{code}@example.org"
    placed = set(
        Placement.objects.filter(
            workplace__region__code=code, status=PlacementStatus.ACTIVE
        ).values_list("participant", flat=True)
    )
    active = SupervisionGroup.objects.filter(region__code=code, active=True)
    group = active.get(kind=ArrangementKind.GROUP)
    individual = active.get(kind=ArrangementKind.INDIVIDUAL)
    assert set(group.members.values_list("pk", flat=True)) == placed
    assert individual.members.get().pk in placed
    assert group.supervisor == individual.supervisor == supervisor

    sessions = SupervisionSession.objects.filter(group__region__code=code, group__active=True)
    past, upcoming = sessions.filter(starts_at__lte=now), sessions.filter(starts_at__gt=now)
    first, last = sessions.earliest("starts_at"), sessions.latest("starts_at")
    assert 150 <= (last.starts_at - first.starts_at).days <= 230
    assert upcoming.filter(group=group).count() >= 2
    # The supervisor's home has one session to record: the individual arrangement's
    # latest; every group session that has started is recorded or cancelled.
    assert list(sessions.missing_attendance(now)) == [
        individual.sessions.filter(starts_at__lte=now).latest("starts_at")
    ]
    (cancelled,) = past.filter(status=SessionStatus.CANCELLED)
    assert cancelled.cancelled_reason == CANCELLED_REASON
    assert cancelled.group == group

    attendance = SessionAttendance.objects.filter(session__in=past.planned())
    assert attendance.filter(status=AttendanceStatus.ABSENT).exists()
    excused = attendance.get(status=AttendanceStatus.EXCUSED)
    assert excused.reason == EXCUSED_REASON
    assert list(attendance.filter(status="").values_list("session", flat=True)) == [
        individual.sessions.filter(starts_at__lte=now).latest("starts_at").pk
    ]
    assert not SessionAttendance.objects.filter(session__in=upcoming).exclude(status="").exists()
    confirmed = attendance.filter(confirmed_at__isnull=False)
    assert confirmed.filter(rating__isnull=False).exists()
    assert not confirmed.exclude(status=AttendanceStatus.PRESENT).exists()
    assert set(
        SupervisorNote.objects.filter(session__group=group).values_list("author", flat=True)
    ) == {User.objects.get(email=f"handledare.{code}@example.org").pk}


def assert_ended_group():
    """Stockholm's evening group is inactive, every session of it cancelled with the
    reason the coordinator gave."""
    ended = SupervisionGroup.objects.get(name=ENDED_GROUP["group"]["name"])
    assert not ended.active and ended.region.code == ENDED_GROUP["region"]
    assert ended.sessions.exists()
    assert set(ended.sessions.values_list("status", "cancelled_reason")) == {
        (SessionStatus.CANCELLED, ENDED_GROUP["reason"])
    }


def assert_cadence_has_met_and_short_months(code):
    """The coordinator's grid (this month and the six before) shows met months, and short
    ones for a cancelled session, an absence and before supervision began."""
    rows = cadence_rows([Region.objects.get(code=code).pk], month_starts(timezone.localdate(), 7))
    assert len(rows) == 2
    cells = [cell for row in rows for cell in row.cells]
    assert {CellState.MET, CellState.SHORT} <= {cell.state for cell in cells}
    reasons = {code for cell in cells for code, _label, _count in cell.reasons}
    assert {"none_planned", "absent", "excused", "cancelled"} <= reasons
