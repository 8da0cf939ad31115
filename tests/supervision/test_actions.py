"""The rules of supervision: supervisors, groups, planning, attendance, confirmation,
private notes, and the cadence of twice a month."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

from peersupport.accounts.models import Region, Role
from supervision import actions
from supervision.actions import MAX_SERIES_SESSIONS, series_dates
from supervision.cadence import CellState, cadence_rows, month_starts
from supervision.models import (
    ArrangementKind,
    AttendanceStatus,
    SessionStatus,
    SupervisorNote,
)
from tests.factories import certified_participant, person_with_role, ready_workplace

from .state import placed_peer, supervision_group

pytestmark = [pytest.mark.django_db, pytest.mark.english]

TODAY = timezone.localdate()
PRESENT = (AttendanceStatus.PRESENT, "")
ABSENT = (AttendanceStatus.ABSENT, "")


def month_ago(months: int) -> dt.date:
    """The first day of the month ``months`` before this one (negative: ahead)."""
    return TODAY.replace(day=1) - relativedelta(months=months)


def at(day: dt.date, time: dt.time = dt.time(13, 0)) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def session_on(actor, group, day: dt.date, time: dt.time = dt.time(13, 0)):
    (session,) = actions.plan_series(
        actor=actor, group=group, first_date=day, until=day, start_time=time, skip_holidays=False
    )
    return session


def record(actor, session, statuses):
    return actions.record_attendance(
        actor=actor,
        session=session,
        statuses={member.pk: value for member, value in statuses.items()},
    )


@pytest.fixture
def workplace(coordinator, unit_manager, stockholm):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


@pytest.fixture
def peer(coordinator, unit_manager, workplace):
    """A placed peer supporter (placed since six months back), optionally with a login."""

    def make(name: str, user=None, start_date: dt.date | None = None):
        return placed_peer(
            coordinator,
            unit_manager,
            workplace,
            user,
            name=name,
            start_date=start_date or month_ago(6),
        )

    return make


@pytest.fixture
def anna(peer, stockholm):
    user = person_with_role(Role.PEER_SUPPORTER, stockholm, full_name="Anna Ahl")
    return peer("Anna Ahl", user)


@pytest.fixture
def bo(peer):
    return peer("Bo Berg")


@pytest.fixture
def group(coordinator, supervisor, anna, bo):
    return supervision_group(coordinator, supervisor, [anna, bo])


# Supervisors -----------------------------------------------------------------------------


def test_only_a_person_with_the_supervisor_role_in_the_region_is_registered(
    coordinator, stockholm, skane, supervisor, peer_supporter
):
    """A peer supporter, or a supervisor of another region, is refused; registering the
    same supervisor again updates them instead of adding a second row."""
    skane_supervisor = person_with_role(Role.SUPERVISOR, skane)
    for user in (peer_supporter, skane_supervisor):
        with pytest.raises(ValidationError, match="has no supervisor role in Region Stockholm"):
            actions.register_supervisor(actor=coordinator, user=user, region=stockholm)

    first = actions.register_supervisor(actor=coordinator, user=supervisor, region=stockholm)
    again = actions.register_supervisor(
        actor=coordinator, user=supervisor, region=stockholm, experience_based=False
    )
    assert again.pk == first.pk
    assert again.experience_based is False


def test_only_the_regions_coordinator_registers_supervisors(
    other_coordinator, supervisor, stockholm
):
    with pytest.raises(ValidationError, match="Only the region's coordinators"):
        actions.register_supervisor(actor=other_coordinator, user=supervisor, region=stockholm)
    with pytest.raises(ValidationError, match="Only the region's coordinators"):
        actions.register_supervisor(actor=supervisor, user=supervisor, region=stockholm)


# Groups and individual arrangements -----------------------------------------------------


def test_individual_supervision_is_for_exactly_one_peer_supporter(
    coordinator, supervisor, anna, bo
):
    """Two members, or none, are refused for an individual arrangement, when created and
    when changed."""
    for members in ([anna, bo], []):
        with pytest.raises(ValidationError, match="exactly one peer supporter") as refused:
            supervision_group(
                coordinator,
                supervisor,
                members,
                region=anna.region,
                name="Enskilt",
                kind=ArrangementKind.INDIVIDUAL,
            )
        assert "members" in refused.value.message_dict
    individual = supervision_group(
        coordinator, supervisor, [anna], name="Anna enskilt", kind=ArrangementKind.INDIVIDUAL
    )
    with pytest.raises(ValidationError, match="exactly one peer supporter"):
        actions.update_group(actor=coordinator, group=individual, members=[anna, bo])
    assert list(individual.members.all()) == [anna]


def test_a_member_must_belong_to_the_groups_region(coordinator, supervisor, anna, skane):
    with pytest.raises(ValidationError, match="group's region"):
        supervision_group(
            coordinator, supervisor, [anna, certified_participant(skane)], region=anna.region
        )


def test_members_who_join_or_leave_change_who_is_expected_at_upcoming_sessions(
    coordinator, supervisor, group, anna, bo, peer
):
    """Bo leaves and Cecilia joins: the sessions to come expect Anna and Cecilia; the
    session already held keeps its record of Anna and Bo."""
    held = session_on(supervisor, group, TODAY - dt.timedelta(days=7))
    record(supervisor, held, {anna: PRESENT, bo: ABSENT})
    upcoming = actions.plan_series(
        actor=supervisor,
        group=group,
        first_date=TODAY + dt.timedelta(days=7),
        until=TODAY + dt.timedelta(days=21),
        start_time=dt.time(13, 0),
        skip_holidays=False,
    )
    cecilia = peer("Cecilia Cedersund")

    actions.update_group(actor=coordinator, group=group, members=[anna, cecilia])

    for session in upcoming:
        expected = set(session.attendances.values_list("participant", flat=True))
        assert expected == {anna.pk, cecilia.pk}
    assert dict(held.attendances.values_list("participant", "status")) == {
        anna.pk: AttendanceStatus.PRESENT,
        bo.pk: AttendanceStatus.ABSENT,
    }


def test_only_coordinators_change_a_group(supervisor, group, anna):
    with pytest.raises(ValidationError, match="Only the region's coordinators"):
        actions.update_group(actor=supervisor, group=group, members=[anna])


# Planning --------------------------------------------------------------------------------


def test_a_series_is_every_other_week_leaving_out_public_holidays():
    """Thursdays from 10 December: Christmas Eve is left out, not moved."""
    dates = series_dates(
        first=dt.date(2026, 12, 10),
        until=dt.date(2027, 1, 21),
        interval_weeks=2,
        skip_holidays=True,
    )
    assert dates == [dt.date(2026, 12, 10), dt.date(2027, 1, 7), dt.date(2027, 1, 21)]
    assert dt.date(2026, 12, 24) in series_dates(
        first=dt.date(2026, 12, 10),
        until=dt.date(2027, 1, 21),
        interval_weeks=2,
        skip_holidays=False,
    )


def test_planning_a_series_expects_every_member_at_every_session(
    coordinator, supervisor, group, anna, bo
):
    """Every other week at the group's place, each member expected; planning the same
    series again adds nothing."""
    actions.update_group(actor=coordinator, group=group, members=[anna, bo], place="Rum Lärkan")
    plan = dict(
        actor=supervisor,
        group=group,
        first_date=dt.date(2026, 12, 10),
        until=dt.date(2027, 1, 21),
        start_time=dt.time(13, 0),
    )
    sessions = actions.plan_series(**plan)

    assert [timezone.localtime(s.starts_at) for s in sessions] == [
        at(dt.date(2026, 12, 10)),
        at(dt.date(2027, 1, 7)),
        at(dt.date(2027, 1, 21)),
    ]
    assert {s.place for s in sessions} == {"Rum Lärkan"}
    for session in sessions:
        assert set(session.attendances.values_list("participant", flat=True)) == {anna.pk, bo.pk}
    assert actions.plan_series(**plan) == []
    assert group.sessions.count() == 3


def test_a_series_has_at_most_a_year_of_weekly_sessions(supervisor, group):
    first = dt.date(2027, 1, 7)
    plan = dict(
        actor=supervisor, group=group, first_date=first, start_time=dt.time(9), skip_holidays=False
    )
    with pytest.raises(ValidationError, match=f"at most {MAX_SERIES_SESSIONS} sessions"):
        actions.plan_series(**plan, interval_weeks=1, until=first + dt.timedelta(weeks=60))
    for weeks in (0, 9):
        with pytest.raises(ValidationError, match="every week and every 8 weeks"):
            actions.plan_series(**plan, interval_weeks=weeks, until=first)
    with pytest.raises(ValidationError, match="on or after the first date"):
        actions.plan_series(**plan, until=first - dt.timedelta(days=1))

    sessions = actions.plan_series(
        **plan, interval_weeks=1, until=first + dt.timedelta(weeks=MAX_SERIES_SESSIONS - 1)
    )
    assert len(sessions) == MAX_SERIES_SESSIONS


def test_a_series_only_of_holidays_is_refused(supervisor, group):
    with pytest.raises(ValidationError, match="falls on a public holiday"):
        actions.plan_series(
            actor=supervisor,
            group=group,
            first_date=dt.date(2026, 12, 24),
            until=dt.date(2026, 12, 24),
            start_time=dt.time(9),
        )


def test_another_supervisor_does_not_plan_the_groups_sessions(other_supervisor, group):
    with pytest.raises(ValidationError, match="Only the group's supervisor and coordinators"):
        session_on(other_supervisor, group, TODAY + dt.timedelta(days=7))


def test_a_session_with_attendance_recorded_is_neither_moved_nor_cancelled(
    supervisor, group, anna, bo
):
    session = session_on(supervisor, group, TODAY - dt.timedelta(days=1))
    record(supervisor, session, {anna: PRESENT, bo: PRESENT})

    with pytest.raises(ValidationError, match="can't be moved"):
        actions.reschedule_session(
            actor=supervisor,
            session=session,
            starts_at=at(TODAY + dt.timedelta(days=1)),
            duration_minutes=90,
        )
    with pytest.raises(ValidationError, match="can't be cancelled"):
        actions.cancel_session(actor=supervisor, session=session, reason="Sjuk")
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED


def test_cancelling_needs_a_reason_and_happens_once(supervisor, group):
    session = session_on(supervisor, group, TODAY + dt.timedelta(days=7))
    with pytest.raises(ValidationError, match="Say why"):
        actions.cancel_session(actor=supervisor, session=session, reason="  ")

    cancelled = actions.cancel_session(actor=supervisor, session=session, reason="Sjuk")

    assert cancelled.status == SessionStatus.CANCELLED
    assert cancelled.cancelled_reason == "Sjuk"
    with pytest.raises(ValidationError, match="already cancelled"):
        actions.cancel_session(actor=supervisor, session=session, reason="Igen")
    with pytest.raises(ValidationError, match="plan a new one"):
        actions.reschedule_session(
            actor=supervisor,
            session=session,
            starts_at=at(TODAY + dt.timedelta(days=8)),
            duration_minutes=90,
        )


def test_a_session_is_moved_to_a_new_time_and_place(supervisor, group):
    session = session_on(supervisor, group, TODAY + dt.timedelta(days=7))
    new_start = at(TODAY + dt.timedelta(days=9), dt.time(10, 30))

    actions.reschedule_session(
        actor=supervisor,
        session=session,
        starts_at=new_start,
        duration_minutes=60,
        video_link="https://meet.example.org/grupp",
    )

    session.refresh_from_db()
    assert (session.starts_at, session.duration_minutes) == (new_start, 60)
    assert (session.place, session.video_link) == ("", "https://meet.example.org/grupp")


# Attendance ------------------------------------------------------------------------------


def test_attendance_is_recorded_from_the_day_of_the_session(supervisor, group, anna, bo):
    """Tomorrow's session is refused; today's, even before it starts, is accepted."""
    tomorrow = session_on(supervisor, group, TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="from the day of the session"):
        record(supervisor, tomorrow, {anna: PRESENT, bo: PRESENT})

    today = session_on(supervisor, group, TODAY, dt.time(23, 59))
    record(supervisor, today, {anna: PRESENT, bo: PRESENT})
    today.refresh_from_db()
    assert today.attendance_recorded_at is not None


def test_a_session_moved_to_tomorrow_meanwhile_takes_no_attendance(supervisor, group, anna, bo):
    """Through a copy loaded before the move, the session's new day still counts."""
    session = session_on(supervisor, group, TODAY - dt.timedelta(days=1))
    actions.reschedule_session(
        actor=supervisor,
        session=session,
        starts_at=at(TODAY + dt.timedelta(days=1)),
        duration_minutes=90,
    )
    with pytest.raises(ValidationError, match="from the day of the session"):
        record(supervisor, session, {anna: PRESENT, bo: PRESENT})


def test_an_excused_absence_needs_a_reason_and_everyone_is_recorded(
    supervisor, group, anna, bo, stockholm
):
    session = session_on(supervisor, group, TODAY - dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="Give a reason for Bo Berg's excused absence"):
        record(supervisor, session, {anna: PRESENT, bo: (AttendanceStatus.EXCUSED, " ")})
    with pytest.raises(ValidationError, match="Record attendance for everyone"):
        record(supervisor, session, {anna: PRESENT})
    with pytest.raises(ValidationError, match="not expected at this session"):
        record(
            supervisor,
            session,
            {anna: PRESENT, bo: PRESENT, certified_participant(stockholm): PRESENT},
        )
    with pytest.raises(ValidationError, match="present, absent or excused"):
        record(supervisor, session, {anna: PRESENT, bo: ("", "")})
    session.refresh_from_db()
    assert session.attendance_recorded_at is None

    record(supervisor, session, {anna: PRESENT, bo: (AttendanceStatus.EXCUSED, "Sjuk")})
    assert dict(session.attendances.values_list("participant", "reason")) == {
        anna.pk: "",
        bo.pk: "Sjuk",
    }


def test_recording_again_corrects_the_record_and_keeps_themes_from_the_list(
    supervisor, group, anna, bo
):
    session = session_on(supervisor, group, TODAY - dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="Choose themes from the list"):
        actions.record_attendance(
            actor=supervisor,
            session=session,
            statuses={anna.pk: PRESENT, bo.pk: PRESENT},
            themes=["gossip"],
        )
    record(supervisor, session, {anna: PRESENT, bo: PRESENT})

    actions.record_attendance(
        actor=supervisor,
        session=session,
        statuses={anna.pk: ABSENT, bo.pk: PRESENT},
        themes=["ethics", "ethics", "workplace"],
    )

    assert session.attendances.get(participant=anna).status == AttendanceStatus.ABSENT
    session.refresh_from_db()
    assert session.themes == ["ethics", "workplace"]


def test_a_cancelled_session_takes_no_attendance(supervisor, group, anna, bo):
    """Not even through a copy of the session loaded before it was cancelled."""
    session = session_on(supervisor, group, TODAY - dt.timedelta(days=2))
    actions.cancel_session(actor=supervisor, session=session, reason="Sjuk")
    with pytest.raises(ValidationError, match="cancelled"):
        record(supervisor, session, {anna: PRESENT, bo: PRESENT})


# The peer supporter's confirmation and rating ---------------------------------------------


def test_a_peer_supporter_confirms_once_the_session_has_started(supervisor, group, anna):
    upcoming = session_on(supervisor, group, TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="once the session has started"):
        actions.confirm_attendance(
            actor=anna.user, attendance=upcoming.attendances.get(participant=anna)
        )

    started = session_on(supervisor, group, TODAY - dt.timedelta(days=1))
    attendance = started.attendances.get(participant=anna)
    confirmed = actions.confirm_attendance(
        actor=anna.user, attendance=attendance, rating=5, comment=" Bra samtal. "
    )

    assert confirmed.confirmed_at is not None
    assert (confirmed.rating, confirmed.comment) == (5, "Bra samtal.")


def test_the_rating_is_from_one_to_five(supervisor, group, anna):
    attendance = session_on(supervisor, group, TODAY - dt.timedelta(days=1)).attendances.get(
        participant=anna
    )
    for rating in (0, 6):
        with pytest.raises(ValidationError, match="Rate from 1 to 5"):
            actions.confirm_attendance(actor=anna.user, attendance=attendance, rating=rating)
    attendance.refresh_from_db()
    assert attendance.confirmed_at is None


def test_someone_recorded_absent_cannot_confirm(supervisor, group, anna, bo):
    session = session_on(supervisor, group, TODAY - dt.timedelta(days=1))
    for status in (ABSENT, (AttendanceStatus.EXCUSED, "Sjuk")):
        record(supervisor, session, {anna: status, bo: PRESENT})
        with pytest.raises(ValidationError, match="recorded you as absent"):
            actions.confirm_attendance(
                actor=anna.user, attendance=session.attendances.get(participant=anna), rating=4
            )


def test_only_the_peer_supporter_confirms_their_own_attendance(supervisor, coordinator, group, bo):
    session = session_on(supervisor, group, TODAY - dt.timedelta(days=1))
    for actor in (supervisor, coordinator):
        with pytest.raises(ValidationError, match="only confirm your own"):
            actions.confirm_attendance(
                actor=actor, attendance=session.attendances.get(participant=bo)
            )


# Private notes ---------------------------------------------------------------------------


def test_only_the_groups_supervisor_keeps_a_private_note(
    supervisor, other_supervisor, coordinator, group
):
    """Not the coordinator, not another supervisor; an empty note deletes it."""
    session = session_on(supervisor, group, TODAY - dt.timedelta(days=1))
    for actor in (coordinator, other_supervisor):
        with pytest.raises(ValidationError, match="Only the session's supervisor"):
            actions.save_private_note(actor=actor, session=session, text="Min anteckning")

    actions.save_private_note(actor=supervisor, session=session, text=" Första ")
    note = actions.save_private_note(actor=supervisor, session=session, text="Ändrad")
    assert SupervisorNote.objects.get().text == "Ändrad" == note.text

    actions.save_private_note(actor=supervisor, session=session, text="")
    assert not SupervisorNote.objects.exists()


# Cadence: twice a month ------------------------------------------------------------------


def cells_by_name(months, now=None):
    rows = cadence_rows([the_region_id()], months, now=now)
    return {row.participant.full_name: row.cells for row in rows}


def the_region_id():
    return Region.objects.get(code="stockholm").pk


def reason_codes(cell) -> list[str]:
    return [code for code, _label, _count in cell.reasons]


def test_the_cadence_of_each_month_with_its_reasons(supervisor, group, anna, bo):
    """Twice attended is met; one absence, one excused absence, a cancelled session, too
    few planned or none planned leave a person short, and say so."""

    def month_of_two(months_back, first, second, cancel_second=False):
        month = month_ago(months_back)
        early = session_on(supervisor, group, month + dt.timedelta(days=2))
        late = session_on(supervisor, group, month + dt.timedelta(days=16))
        record(supervisor, early, first)
        if cancel_second:
            actions.cancel_session(actor=supervisor, session=late, reason="Sjuk")
        else:
            record(supervisor, late, second)

    record(
        supervisor,
        session_on(supervisor, group, month_ago(5) + dt.timedelta(days=2)),
        {anna: PRESENT, bo: PRESENT},
    )
    month_of_two(4, {anna: PRESENT, bo: PRESENT}, {anna: PRESENT, bo: ABSENT})
    month_of_two(
        3, {anna: PRESENT, bo: PRESENT}, {anna: (AttendanceStatus.EXCUSED, "Sjuk"), bo: PRESENT}
    )
    month_of_two(2, {anna: PRESENT, bo: PRESENT}, None, cancel_second=True)
    months = [month_ago(back) for back in (5, 4, 3, 2, 1)]

    cells = cells_by_name(months)

    assert [cell.state for cell in cells["Anna Ahl"]] == [
        CellState.SHORT,
        CellState.MET,
        CellState.SHORT,
        CellState.SHORT,
        CellState.SHORT,
    ]
    assert [reason_codes(cell) for cell in cells["Anna Ahl"]] == [
        ["too_few_planned"],
        [],
        ["excused"],
        ["cancelled", "too_few_planned"],
        ["none_planned"],
    ]
    assert [reason_codes(cell) for cell in cells["Bo Berg"]] == [
        ["too_few_planned"],
        ["absent"],
        [],
        ["cancelled", "too_few_planned"],
        ["none_planned"],
    ]
    assert cells["Bo Berg"][2].state == CellState.MET
    assert [cell.attended for cell in cells["Bo Berg"]] == [1, 1, 2, 1, 0]
    assert cells["Anna Ahl"][2].reasons[0][2] == 1


def test_this_month_is_on_track_while_enough_sessions_lie_ahead(supervisor, group, anna, bo):
    """At the start of a month with two sessions ahead, everyone is on track; once the
    first has passed without attendance recorded, they are short until it is."""
    month = month_ago(-1)
    first = session_on(supervisor, group, month + dt.timedelta(days=2))
    session_on(supervisor, group, month + dt.timedelta(days=16))

    at_start = cells_by_name([month], now=at(month, dt.time(0, 30)))
    after_first = cells_by_name([month], now=at(month + dt.timedelta(days=3)))

    assert {cells[0].state for cells in at_start.values()} == {CellState.ON_TRACK}
    assert {cells[0].state for cells in after_first.values()} == {CellState.SHORT}
    assert reason_codes(after_first["Anna Ahl"][0]) == ["not_recorded"]
    assert first.attendances.count() == 2


def test_one_session_ahead_is_not_on_track(coordinator, supervisor, anna):
    group = supervision_group(coordinator, supervisor, [anna], name="Anna ensam")
    month = month_ago(-1)
    session_on(supervisor, group, month + dt.timedelta(days=2))

    (cell,) = cells_by_name([month], now=at(month, dt.time(0, 30)))["Anna Ahl"]

    assert cell.state == CellState.SHORT
    assert reason_codes(cell) == ["too_few_planned"]


def test_months_before_a_placement_started_are_not_expected(peer):
    """Placed on the 10th two months back: that month counts, the one before does not."""
    peer("Dora Dahl", start_date=month_ago(2) + dt.timedelta(days=9))

    before, started = cells_by_name([month_ago(3), month_ago(2)])["Dora Dahl"]

    assert not before.expected
    assert before.state == CellState.NOT_EXPECTED
    assert before.reasons == []
    assert started.expected
    assert reason_codes(started) == ["none_planned"]


def test_the_grid_costs_three_queries_whatever_its_size(
    supervisor, group, anna, bo, peer, django_assert_num_queries
):
    for name in ("Eva Ek", "Frans Fur", "Gun Gran"):
        peer(name)
    for back in range(6):
        session_on(supervisor, group, month_ago(back) + dt.timedelta(days=1))
    months = month_starts(TODAY, 7)
    region_ids = [the_region_id()]

    with django_assert_num_queries(3):
        rows = cadence_rows(region_ids, months)

    assert len(rows) == 5
    assert all(len(row.cells) == 7 for row in rows)
