"""The report's supervision section: the share of active peer supporters meeting the
twice-a-month goal per month, and the main reason for the others, protected by the
small-number rule regionally and nationally, in a fixed number of queries."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.reports.registry import ReportChart, ReportScope, sections
from supervision import actions
from supervision.cadence import month_starts
from supervision.models import AttendanceStatus, SupervisorNote
from supervision.reports import COLUMNS, STILL_TO_COME, build, monthly_counts
from tests.factories import person_with_role, ready_workplace
from tests.supervision.state import placed_peer, supervision_group

from .expected_supervision import expected_tables

pytestmark = [pytest.mark.django_db, pytest.mark.english]

FIRST, SECOND, THIS = month_starts(timezone.localdate(), 3)
PERIOD_END = SECOND + relativedelta(months=1) - dt.timedelta(days=1)
PRESENT, ABSENT, EXCUSED = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.ABSENT,
    AttendanceStatus.EXCUSED,
)


@pytest.fixture(autouse=True)
def _threshold(settings):
    # Three is the smallest threshold the rule allows: small data then shows figures.
    settings.SMALL_NUMBER_THRESHOLD = 3


def session_on(supervisor, group, day: dt.date):
    [session] = actions.plan_series(
        actor=supervisor,
        group=group,
        first_date=day,
        until=day,
        start_time=dt.time(10, 0),
        skip_holidays=False,
    )
    return session


def record(supervisor, session, statuses: dict):
    actions.record_attendance(
        actor=supervisor,
        session=session,
        statuses={
            person.pk: (status, "Sjuk" if status == EXCUSED else "")
            for person, status in statuses.items()
        },
    )


@pytest.fixture
def stockholm_history(coordinator, unit_manager, supervisor, stockholm):
    """Five peer supporters placed from the first month in one group, and a sixth placed
    from the second month with nothing planned. First month: two sessions, three came to
    both, one was absent from the second, one excused. Second month: the first session
    cancelled, everyone at the second."""
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    people = [
        placed_peer(coordinator, unit_manager, workplace, name=f"Peer {n}", start_date=FIRST)
        for n in range(5)
    ]
    placed_peer(coordinator, unit_manager, workplace, name="Ny Peer", start_date=SECOND)
    group = supervision_group(coordinator, supervisor, people)
    record(
        supervisor,
        session_on(supervisor, group, FIRST.replace(day=10)),
        dict.fromkeys(people, PRESENT),
    )
    second = dict.fromkeys(people, PRESENT) | {people[3]: ABSENT, people[4]: EXCUSED}
    record(supervisor, session_on(supervisor, group, FIRST.replace(day=20)), second)
    actions.cancel_session(
        actor=supervisor,
        session=session_on(supervisor, group, SECOND.replace(day=10)),
        reason="Handledaren sjuk",
    )
    session = session_on(supervisor, group, SECOND.replace(day=20))
    record(supervisor, session, dict.fromkeys(people, PRESENT))
    actions.save_private_note(actor=supervisor, session=session, text="Privat anteckning")
    return people


@pytest.fixture
def skane_single(other_coordinator, skane):
    """One peer supporter in Skåne, placed from the first month, never supervised."""
    manager = person_with_role(Role.UNIT_MANAGER, skane, full_name="Sven Chef")
    workplace = ready_workplace(other_coordinator, skane, name="Skånegården", managers=[manager])
    return placed_peer(other_coordinator, manager, workplace, name="Ensam Peer", start_date=FIRST)


def table_rows(content) -> dict[str, list[tuple[str, list[str]]]]:
    return {
        str(table.caption): [
            (str(row.label), [str(cell) for cell in row.cells]) for row in table.rows
        ]
        for table in content.tables
    }


def test_regional_section_counts_the_goal_and_main_reasons_as_recounted(
    stockholm, stockholm_history, django_assert_max_num_queries
):
    """A regional section's tables are the recount from the database: per month, the
    active peer supporters, those who met the goal and the share, and the others by main
    reason (absent before excused; a cancelled session; none planned), protected by the
    small-number rule, in four queries, none of them reading the supervisor's notes."""
    scope = ReportScope(regions=(stockholm,), start=FIRST, end=PERIOD_END)

    with django_assert_max_num_queries(4) as captured:
        content = build(scope)

    assert table_rows(content) == expected_tables(stockholm, FIRST, PERIOD_END)
    by_month, by_reason = content.tables
    # Second month: six active, none met the goal; five had a session cancelled.
    assert [str(cell) for cell in by_month.rows[1].cells] == ["6", "0", "0 %"]
    assert [str(cell) for cell in by_reason.rows[1].cells][2] == "5"
    notes_table = SupervisorNote._meta.db_table
    assert not any(notes_table in query["sql"] for query in captured.captured_queries)


def test_the_chart_has_the_shares_and_says_them_in_its_alternative_text(
    stockholm, stockholm_history
):
    """The chart draws the monthly shares the table shows, and its alternative text says
    them month by month."""
    content = build(ReportScope(regions=(stockholm,), start=FIRST, end=PERIOD_END))

    [chart] = [block for block in content.blocks if isinstance(block, ReportChart)]
    by_month = content.tables[0]
    for row in by_month.rows:
        assert f"{row.label}: {row.cells[2]}" in str(chart.alt)
    assert "<svg" in chart.svg and "0 %" in chart.svg


def test_national_section_sums_regions_without_revealing_a_small_one(
    stockholm, skane, stockholm_history, skane_single, django_assert_max_num_queries
):
    """Nationally each month adds the regions' counts; Skåne's single peer supporter is
    "<3" in its own report, so the national count of active peer supporters, which would
    give it away beside Stockholm's, is hidden, and the share with it. The query count is
    the regional one."""
    national = ReportScope(regions=(skane, stockholm), start=FIRST, end=PERIOD_END, national=True)
    skane_only = ReportScope(regions=(skane,), start=FIRST, end=PERIOD_END)

    with django_assert_max_num_queries(4):
        content = build(national)

    skane_month = build(skane_only).tables[0].rows[1]
    assert str(skane_month.cells[0]) == "<3"
    second_month = content.tables[0].rows[1]
    assert str(second_month.cells[0]) == "x"
    assert second_month.cells[2] == "x"


def test_a_period_without_placements_says_so(stockholm, stockholm_history):
    """A period before anyone was placed has no tables, and the section says why."""
    start = FIRST - relativedelta(years=2)
    content = build(
        ReportScope(regions=(stockholm,), start=start, end=start + dt.timedelta(days=90))
    )

    assert content.blocks == []
    assert str(content.empty_text) == "No peer supporter had a placement in this period."
    assert expected_tables(stockholm, start, start + dt.timedelta(days=90)) == {}


def test_the_section_is_registered_after_placements():
    """The section is registered as "supervision", order 50."""
    [section] = [section for section in sections() if section.key == "supervision"]
    assert section.order == 50


def test_the_month_under_way_counts_planned_sessions_as_still_to_come(
    coordinator, unit_manager, supervisor, stockholm
):
    """In the month under way, a peer supporter who has missed nothing and has the goal's
    sessions still ahead is counted in its own column, not under a shortfall's reason;
    one with nothing planned is a shortfall ("None planned")."""
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    people = [
        placed_peer(coordinator, unit_manager, workplace, name=f"Peer {n}", start_date=FIRST)
        for n in range(3)
    ]
    placed_peer(coordinator, unit_manager, workplace, name="Utan grupp", start_date=FIRST)
    group = supervision_group(coordinator, supervisor, people)
    session_on(supervisor, group, THIS.replace(day=10))
    session_on(supervisor, group, THIS.replace(day=20))
    zone = timezone.get_current_timezone()
    start_of_month = dt.datetime.combine(THIS, dt.time(0, 30), zone)
    scope = ReportScope(regions=(stockholm,), start=THIS, end=THIS)

    [[met], reasons] = monthly_counts(scope, [THIS], start_of_month)[THIS][stockholm.pk]

    assert met == 0
    assert reasons[COLUMNS.index(STILL_TO_COME)] == 3
    assert reasons[COLUMNS.index("none_planned")] == 1
    assert sum(reasons) == 4
