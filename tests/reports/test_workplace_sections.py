"""The workplaces' sections of the evaluation report: readiness, placements and support
sessions, regionally and nationally, protected by the small-number rule."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import formats, timezone

from peersupport.accounts.models import Region, Role
from peersupport.reports.registry import (
    ReportRow,
    ReportScope,
    ReportTable,
    SectionContent,
    sections,
)
from peersupport.smallnumbers import Figure, Status
from tests.factories import (
    active_placement,
    certified_participant,
    person_with_role,
    ready_workplace,
)
from tests.reports.expected_workplaces import expected_tables
from workplaces import actions
from workplaces import reports as workplace_reports
from workplaces.models import (
    GROUP_KINDS,
    Employer,
    Principal,
    ReadinessItem,
    SessionKind,
    SupportSession,
    Theme,
    WorkplaceType,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
STARTED = TODAY - dt.timedelta(days=100)
LAST_MONTH = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=15)
PERIOD_START = (LAST_MONTH.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
SECTION_KEYS = ("workplaces", "placements", "sessions")


def section(key: str):
    return next(s for s in sections() if s.key == key)


def regional(region: Region, start=PERIOD_START, end=TODAY) -> ReportScope:
    return ReportScope(regions=(region,), start=start, end=end)


def national(*regions: Region, start=PERIOD_START, end=TODAY) -> ReportScope:
    ordered = tuple(sorted(regions, key=lambda region: region.name))
    return ReportScope(regions=ordered, start=start, end=end, national=True)


def printed(content: SectionContent) -> dict[str, list[tuple[str, list[str]]]]:
    """The section's tables as the PDF prints them."""
    return {
        str(table.caption): [
            (
                str(row.label),
                ["–" if cell is None else str(formats.localize(cell)) for cell in row.cells],
            )
            for row in table.rows
        ]
        for table in content.tables
    }


def table(content: SectionContent, caption_start: str) -> ReportTable:
    return next(t for t in content.tables if str(t.caption).startswith(caption_start))


def row(table: ReportTable, label: str):
    return next(r for r in table.rows if str(r.label) == label)


def place(coordinator, manager, workplace, count: int, **fields) -> list:
    """``count`` peer supporters (with logins) placed at the workplace since STARTED."""
    placements = []
    for _index in range(count):
        user = person_with_role(Role.PEER_SUPPORTER, workplace.region)
        participant = certified_participant(workplace.region, user)
        fields.setdefault("start_date", STARTED)
        placements.append(active_placement(coordinator, manager, workplace, participant, **fields))
    return placements


def log(placement, date: dt.date, kind: str, minutes: int, themes=()):
    return actions.log_support_session(
        actor=placement.participant.user,
        placement=placement,
        date=date,
        minutes=minutes,
        kind=kind,
        themes=list(themes),
        participant_count=1 if kind not in GROUP_KINDS else 3,
    )


def answer(review, coordinator, manager):
    for actor in (coordinator, manager):
        actions.submit_review(
            actor=actor, review=review, role_works=4, role_clarity=4, staff_attitudes=5
        )


@pytest.fixture
def stockholm_data(coordinator, unit_manager, stockholm):
    """Stockholm: Ateljén, ready, with one peer supporter; Bryggan, ready, with six placed,
    all employed by the association, and one whose placement ended;
    Hornstull, not ready (only its budget confirmed). Sessions last month and this month;
    one follow-up answered by both sides, the others overdue."""
    ateljen = ready_workplace(coordinator, stockholm, name="Ateljén", managers=[unit_manager])
    bryggan = ready_workplace(coordinator, stockholm, name="Bryggan", managers=[unit_manager])
    organisation = actions.create_organisation(
        actor=coordinator,
        region=stockholm,
        name="Stockholms stad",
        principal=Principal.MUNICIPALITY,
    )
    hornstull = actions.create_workplace(
        actor=coordinator,
        organisation=organisation,
        name="Hornstull",
        type=WorkplaceType.SOCIAL_PSYCHIATRY,
        managers=[unit_manager],
    )
    actions.confirm_readiness(
        actor=unit_manager,
        workplace=hornstull,
        item=ReadinessItem.BUDGET,
        fte=Decimal("1.0"),
        period_start=TODAY,
        period_end=TODAY + dt.timedelta(days=365),
    )
    [alone] = place(coordinator, unit_manager, ateljen, 1, hours_per_week=Decimal("20"))
    association = place(coordinator, unit_manager, bryggan, 4, hours_per_week=Decimal("20"))
    part_time = place(coordinator, unit_manager, bryggan, 2, hours_per_week=Decimal("10"))
    [leaver] = place(coordinator, unit_manager, bryggan, 1, employer=Employer.WORKPLACE)
    actions.end_placement(
        actor=coordinator,
        placement=leaver,
        reason="Flyttade",
        reason_category="other",
        end_date=TODAY - dt.timedelta(days=10),
    )
    answer(alone.reviews.order_by("due_on").first(), coordinator, unit_manager)
    log(alone, TODAY, SessionKind.CONVERSATION, 45, [Theme.SLEEP])
    log(alone, LAST_MONTH, SessionKind.PHONE_DIGITAL, 20, [Theme.MONEY, Theme.SLEEP])
    for index, placement in enumerate(association):
        log(placement, LAST_MONTH, SessionKind.CONVERSATION, 60, [Theme.RECOVERY])
        log(placement, TODAY, SessionKind.ACCOMPANIMENT, 90 + index, [Theme.CARE_AUTHORITIES])
    for placement in part_time:
        log(placement, LAST_MONTH, SessionKind.GROUP_ACTIVITY, 120, [Theme.LEISURE])
    return {"ateljen": ateljen, "bryggan": bryggan, "hornstull": hornstull}


@pytest.fixture
def skane_data(other_coordinator, skane):
    """Skåne: one ready workplace with six peer supporters, employed by it, each with a
    session."""
    manager = person_with_role(Role.UNIT_MANAGER, skane)
    workplace = ready_workplace(other_coordinator, skane, name="Dalby", managers=[manager])
    placements = place(other_coordinator, manager, workplace, 6, employer=Employer.WORKPLACE)
    for placement in placements:
        log(placement, LAST_MONTH, SessionKind.CONVERSATION, 50, [Theme.WORK_STUDIES])
    return {"dalby": workplace}


@pytest.mark.english
def test_regional_tables_are_the_figures_recounted_from_the_records(stockholm, stockholm_data):
    """Every table of the three sections holds, row for row, what the test recounts from
    the records (tests/reports/expected_workplaces.py, the end-to-end test's contract)."""
    scope = regional(stockholm)
    built: dict = {}
    for key in SECTION_KEYS:
        built.update(printed(section(key).build(scope)))
    expected = expected_tables(stockholm, PERIOD_START, TODAY)
    assert built == expected
    day = formats.date_format(TODAY, "DATE_FORMAT")
    readiness = dict(built[f"Workplaces on {day} by readiness and type"])
    assert readiness["Not ready"] == ["0", "<5", "<5"]
    missing = dict(built[f"What the workplaces that were not ready missed on {day}"])
    assert missing["Budget for the post not confirmed"] == ["0"]
    assert missing["No user-movement contact named"] == ["<5"]
    placements = dict(built[f"Placements active on {day} by workplace and employer of record"])
    assert placements["Ateljén"][-1] == "<5"
    reviews = dict(built["Follow-up reviews of placements"])
    # Ateljén's two follow-ups and Bryggan's twelve are due; one of them was answered.
    assert reviews["Done in the period"] == ["<5"]
    assert reviews[f"Overdue on {day}"] == ["13"]
    kinds = dict(built["Support sessions by month and kind"])
    assert kinds["Total"][-1] == "12"


@pytest.mark.english
def test_a_workplace_with_one_peer_supporter_shows_under_five_and_the_national_total_keeps_it(
    stockholm, skane, stockholm_data, skane_data
):
    """Ateljén has one peer supporter: Stockholm's report shows "<5" for it and hides its
    hours. Whatever a reader combines – the national table, Skåne's report and Stockholm's
    shown figures for its other workplaces – Ateljén's count keeps at least two values."""
    day = formats.date_format(TODAY, "DATE_FORMAT")
    caption = f"Placements active on {day} by workplace and employer of record"
    placements = section("placements")
    tables = {
        region.pk: table(placements.build(regional(region)), caption)
        for region in (stockholm, skane)
    }
    stockholm_table = tables[stockholm.pk]
    assert str(row(stockholm_table, "Ateljén").cells[-1]) == "<5"
    hours = table(placements.build(regional(stockholm)), "Working hours")
    assert [str(cell) for cell in row(hours, "Ateljén").cells] == ["x", "x"]
    # Skåne's figures are shown: the reader knows them.
    assert not any(cell.suppressed for r in tables[skane.pk].rows for cell in r.cells if cell != "")
    national_table = table(placements.build(national(stockholm, skane)), caption)
    labels = [str(r.label) for r in national_table.rows]
    assert labels == ["Region Skåne", "Region Stockholm", "Total"]

    order = [skane.pk, stockholm.pk]
    feasible = ateljen_values(tables, national_table, order, stockholm.pk)
    assert 1 in feasible
    assert len(feasible) >= 2, feasible
    # The check can fail: had Stockholm's report shown Bryggan's six and the total of
    # seven, 7 − 6 = 1.
    leaky = ReportTable(
        stockholm_table.caption,
        stockholm_table.row_header,
        stockholm_table.columns,
        [
            *(r for r in stockholm_table.rows if str(r.label) == "Ateljén"),
            ReportRow("Bryggan", [Figure(6), Figure(0), Figure(6)]),
            ReportRow("Total", ["", "", Figure(7)], total=True),
        ],
    )
    leaky_tables = {**tables, stockholm.pk: leaky}
    assert ateljen_values(leaky_tables, national_table, order, stockholm.pk) == {1}


def _fits(figure: Figure, value: int, *, national: bool = False) -> bool:
    """Whether ``value`` fits the figure as shown: "x" in a regional table is at least the
    threshold; in a national one it is withheld whatever its size and says nothing."""
    if figure.status is Status.SHOWN:
        return figure.value == value
    if figure.status is Status.SMALL:
        return 0 <= value < figure.limit
    return national or value >= figure.limit


def ateljen_values(regional_tables, national_table, region_order, stockholm_id) -> set[int]:
    """Every count of Ateljén's placements that fits everything the three tables show: each
    region's cells, workplace totals and grand total, and the national rows and total. The
    hidden cells are tried from 0 to 30."""
    grids = {}
    for region_id, regional_table in regional_tables.items():
        units = [r for r in regional_table.rows if not r.total]
        grids[region_id] = [r.cells[:2] for r in units], [r.cells[2] for r in units], units
    hidden = [
        (region_id, unit, column)
        for region_id, (cells, _totals, _units) in grids.items()
        for unit, unit_cells in enumerate(cells)
        for column, cell in enumerate(unit_cells)
        if cell.suppressed
    ]
    choices = [
        range(0, 5) if grids[region_id][0][unit][column].status is Status.SMALL else range(5, 31)
        for region_id, unit, column in hidden
    ]
    ateljen = next(
        index for index, unit in enumerate(grids[stockholm_id][2]) if str(unit.label) == "Ateljén"
    )
    feasible = set()
    for guess in itertools.product(*choices):
        values = {
            region_id: [
                [None if cell.suppressed else cell.value for cell in unit_cells]
                for unit_cells in cells
            ]
            for region_id, (cells, _totals, _units) in grids.items()
        }
        for (region_id, unit, column), value in zip(hidden, guess, strict=True):
            values[region_id][unit][column] = value
        if all(
            _fits(total, sum(values[region_id][unit]))
            for region_id, (_cells, totals, _units) in grids.items()
            for unit, total in enumerate(totals)
        ) and all(
            _fits(regional_tables[region_id].rows[-1].cells[-1], sum(map(sum, values[region_id])))
            for region_id in grids
        ):
            national_rows = [r for r in national_table.rows if not r.total]
            sums = [
                [sum(unit[column] for unit in values[region_id]) for column in range(2)]
                for region_id in region_order
            ]
            if (
                all(
                    _fits(national_row.cells[column], region_sums[column], national=True)
                    for national_row, region_sums in zip(national_rows, sums, strict=True)
                    for column in range(2)
                )
                and all(
                    _fits(national_row.cells[2], sum(region_sums), national=True)
                    for national_row, region_sums in zip(national_rows, sums, strict=True)
                )
                and _fits(national_table.rows[-1].cells[-1], sum(map(sum, sums)), national=True)
            ):
                feasible.add(sum(values[stockholm_id][ateljen]))
    return feasible


@pytest.mark.english
def test_national_sections_show_one_row_per_region_and_charts_with_alt_text(
    stockholm, skane, stockholm_data, skane_data
):
    """A national report sums the regions: the placements table has a row per region, the
    session tables the months, and every chart has a sentence for readers who cannot see
    it that names the figures."""
    scope = national(stockholm, skane)
    for key in SECTION_KEYS:
        content = section(key).build(scope)
        charts = [block for block in content.blocks if not isinstance(block, ReportTable)]
        assert charts, key
        for chart in charts:
            assert chart.svg.startswith("<svg")
            assert str(chart.alt).startswith("Stacked bar chart of the")
    sessions = section("sessions").build(scope)
    kinds = table(sessions, "Support sessions by month and kind")
    assert str(kinds.rows[-1].cells[-1]) == "18"
    assert "18 sessions in all" in str(sessions.blocks[0].alt)
    hours = table(sessions, "Hours of support sessions by month")
    assert hours.rows[-1].cells == [
        round((45 + 20 + 4 * 60 + sum(90 + i for i in range(4)) + 2 * 120 + 6 * 50) / 60, 1),
        round((45 + 20 + 4 * 60 + sum(90 + i for i in range(4)) + 2 * 120 + 6 * 50) / 18),
    ]


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_a_period_with_nothing_says_so(key, stockholm, skane, stockholm_data):
    """Two years back nothing was registered, placed or logged: each section, regional or
    national, shows no table and says so."""
    start = dt.date(TODAY.year - 2, 1, 1)
    end = dt.date(TODAY.year - 2, 6, 30)
    scopes = [regional(stockholm, start, end), national(stockholm, skane, start=start, end=end)]
    for scope in scopes:
        content = section(key).build(scope)
        assert content.blocks == []
        assert content.empty_text


def test_sessions_counted_in_the_database_are_those_counted_one_by_one(
    stockholm, skane, stockholm_data, skane_data
):
    """The sessions section's counts made in SQL are what counting each session gives,
    regionally and nationally, with a theme ticked twice on one session counted once."""
    ticked_twice = SupportSession.objects.filter(themes=[Theme.SLEEP]).first()
    ticked_twice.themes = [Theme.SLEEP, Theme.MONEY, Theme.SLEEP]
    ticked_twice.save(update_fields=["themes"])
    for scope in (regional(stockholm), national(stockholm, skane)):
        counted_one_by_one = workplace_reports._session_aggregates_in_python(
            SupportSession.objects.filter(
                placement__workplace__region_id__in=scope.region_ids,
                date__range=(scope.start, scope.end),
            ),
            {
                pk: {month: workplace_reports.MonthOfSessions() for month in scope.months()}
                for pk in scope.region_ids
            },
        )
        assert workplace_reports.session_aggregates(scope) == counted_one_by_one
    this_month = workplace_reports.session_aggregates(regional(stockholm))[stockholm.pk][
        TODAY.replace(day=1)
    ]
    assert (this_month.themes[Theme.SLEEP], this_month.themes[Theme.MONEY]) == (1, 1)
    assert this_month.sessions == 5


QUERIES = [("workplaces", 1), ("placements", 2), ("sessions", 1)]


@pytest.mark.parametrize(("key", "queries"), QUERIES)
def test_each_section_costs_a_fixed_number_of_queries(
    key, queries, stockholm, skane, stockholm_data, skane_data, django_assert_max_num_queries
):
    """However many workplaces, placements and sessions, regionally and nationally."""
    for scope in (regional(stockholm), national(stockholm, skane)):
        with django_assert_max_num_queries(queries):
            section(key).build(scope)


@pytest.mark.english
def test_stock_figures_are_counted_on_the_last_day_of_a_past_period(
    coordinator, unit_manager, stockholm, stockholm_data
):
    """On a day before Bryggan's leaver ended and before the follow-ups answered today, the
    leaver is still active and nothing was done yet; Hornstull, registered today, is not
    counted."""
    end = TODAY - dt.timedelta(days=20)
    scope = regional(stockholm, start=PERIOD_START, end=end)
    day = formats.date_format(end, "DATE_FORMAT")
    built: dict = {}
    for key in SECTION_KEYS:
        built.update(printed(section(key).build(scope)))
    assert built == expected_tables(stockholm, PERIOD_START, end)
    placements = dict(built[f"Placements active on {day} by workplace and employer of record"])
    assert placements["Total"][-1] == "8"
    readiness = dict(built[f"Workplaces on {day} by readiness and type"])
    assert "Not ready" in readiness and readiness["Total"][-1] == "<5"
    reviews = dict(built["Follow-up reviews of placements"])
    assert reviews["Done in the period"] == ["0"]
