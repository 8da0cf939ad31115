"""The cadence grid's cache: a second look costs no aggregate, and every change to what the
grid is made of (attendance, sessions, members, people), or the start of a session to come,
shows at once."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision import actions
from supervision.cadence import cadence_rows, month_starts, trend
from supervision.cadence_cache import cached_grid
from supervision.models import AttendanceStatus
from tests.factories import ready_workplace

from .state import placed_peer, supervision_group

pytestmark = [pytest.mark.django_db]

TODAY = timezone.localdate()
MONTHS = month_starts(TODAY, 7)


@pytest.fixture
def workplace(coordinator, unit_manager, stockholm):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


@pytest.fixture
def peer(coordinator, unit_manager, workplace, peer_supporter):
    return placed_peer(coordinator, unit_manager, workplace, peer_supporter, start_date=MONTHS[0])


@pytest.fixture
def group(coordinator, supervisor, peer):
    return supervision_group(coordinator, supervisor, [peer])


def plan(actor, group, day: dt.date, time: dt.time = dt.time(10, 0)):
    return actions.plan_series(
        actor=actor,
        group=group,
        first_date=day,
        until=day,
        start_time=time,
        skip_holidays=False,
    )


def test_a_second_look_reads_the_cache_and_shows_the_same(
    coordinator, peer, group, client_for, django_assert_max_num_queries
):
    client = client_for(coordinator)
    url = reverse("supervision:cadence")
    first = client.get(url)
    # session, user, memberships, MFA check, regions, group memberships
    with django_assert_max_num_queries(6):
        second = client.get(url)
    assert main_part(second) == main_part(first)


def main_part(response) -> str:
    html = response.content.decode()
    return html[html.index('<section id="short-this-month"') : html.index("</main>")]


def test_recorded_attendance_shows_at_once(coordinator, supervisor, workplace, peer, group):
    [session] = plan(supervisor, group, MONTHS[-2].replace(day=10))
    rows_before, _ = cached_grid([workplace.region_id], MONTHS, timezone.now())
    assert rows_before[0].cells[-2].not_recorded == 1
    actions.record_attendance(
        actor=supervisor,
        session=session,
        statuses={peer.pk: (AttendanceStatus.PRESENT, "")},
    )
    rows, per_month = cached_grid([workplace.region_id], MONTHS, timezone.now())
    assert (rows[0].cells[-2].attended, rows[0].cells[-2].not_recorded) == (1, 0)
    fresh = cadence_rows([workplace.region_id], MONTHS)
    assert [row.cells for row in rows] == [row.cells for row in fresh]
    assert per_month == trend(fresh, MONTHS)


def test_a_new_member_and_a_renamed_peer_show_at_once(
    coordinator, unit_manager, workplace, peer, group
):
    region = [workplace.region_id]
    cached_grid(region, MONTHS, timezone.now())
    other = placed_peer(coordinator, unit_manager, workplace, name="Olle Ny", start_date=MONTHS[0])
    rows, _ = cached_grid(region, MONTHS, timezone.now())
    assert {row.participant.pk for row in rows} == {peer.pk, other.pk}
    other.full_name = "Olle Omdöpt"
    other.save()
    rows, _ = cached_grid(region, MONTHS, timezone.now())
    assert "Olle Omdöpt" in {row.participant.full_name for row in rows}


def test_a_session_to_come_counts_as_not_recorded_once_it_starts(
    coordinator, supervisor, workplace, peer, group
):
    """Nothing is written when a session starts: the cached rows are not read past it."""
    starts = timezone.localtime() + dt.timedelta(minutes=30)
    plan(supervisor, group, starts.date(), starts.time().replace(second=0, microsecond=0))
    region = [workplace.region_id]
    month = timezone.localtime(starts).date().replace(day=1)
    months = month_starts(month, 7)
    now = timezone.now()
    rows, _ = cached_grid(region, months, now)
    assert (rows[0].cells[-1].upcoming, rows[0].cells[-1].not_recorded) == (1, 0)
    later = now + dt.timedelta(hours=1)
    rows, _ = cached_grid(region, months, later)
    assert (rows[0].cells[-1].upcoming, rows[0].cells[-1].not_recorded) == (0, 1)
