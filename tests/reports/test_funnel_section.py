"""The recruitment funnel section of the evaluation report."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.reports import figures
from peersupport.reports.registry import ReportChart, ReportScope, ReportTable
from programmes import actions
from programmes.models import LeavingReason, Participant, ParticipantStatus, StatusChange
from programmes.schedule import monday_of
from tests.factories import (
    active_placement,
    certified_participant,
    person_with_role,
    ready_workplace,
)
from tests.programmes.course_state import (
    accepted_applicant,
    certified,
    default_cohort,
    fill_attendance,
)
from tests.programmes.participant_paths import participant_at
from workplaces import actions as workplace_actions
from workplaces.models import PlacementEndReason
from workplaces.report_funnel import Ended, _with_reasons, build

from .expected_programmes import expected_tables, funnel_tables

pytestmark = pytest.mark.english

FUNNEL = "Recruitment funnel: people who reached each step in the period"
RETENTION = "Placements 6 and 12 months after their start"
ENDED_PATHS = "Paths that ended in the period, by the step they ended at"
ENDED_PLACEMENTS = "Placements that ended in the period, by how long they had lasted"
PATH_REASONS = "Paths that ended in the period, by the kind of reason"
PLACEMENT_REASONS = "Placements that ended in the period, by the kind of reason"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def period(today):
    return today - dt.timedelta(days=180), today


def _placed_before(coordinator, unit_manager, workplace, name, started, region):
    """A certified peer supporter, registered long before the period, placed since
    ``started``."""
    peer = certified_participant(region, name=name)
    Participant.objects.filter(pk=peer.pk).update(applied_on=started - relativedelta(years=1))
    return active_placement(coordinator, unit_manager, workplace, peer, start_date=started)


@pytest.fixture
def paths(coordinator, unit_manager, stockholm, today, period):
    """Stockholm's half-year: six trainees of a course that ended five weeks ago (five
    complete and are certified, two of them placed today; one falls behind, withdraws and
    leaves, not having completed the course), one applicant who left (personal reasons) and
    one declined before kinds of reason were recorded; before the period, one applicant and
    three placements begun 7, 7 and 13 months ago, one of which ended after a month (other
    work)."""
    cohort = default_cohort(coordinator, stockholm, monday_of(today - dt.timedelta(weeks=10)))
    graduates = [
        certified(
            coordinator, cohort, accepted_applicant(coordinator, stockholm, f"Klar Person{n}")
        )
        for n in range(5)
    ]
    behind = actions.enrol(
        actor=coordinator,
        cohort=cohort,
        participant=accepted_applicant(coordinator, stockholm, "Efter Person"),
    )
    fill_attendance(coordinator, behind, {1: "", 2: "", 3: "", 4: "", 5: ""})
    actions.withdraw(actor=coordinator, enrolment=behind, reason="Orkar inte just nu")
    actions.change_status(
        actor=coordinator,
        participant=behind.participant,
        to_status=ParticipantStatus.LEFT,
        reason="Orkar inte just nu",
        reason_category=LeavingReason.COURSE_NOT_COMPLETED,
    )
    participant_at(
        coordinator,
        stockholm,
        ParticipantStatus.LEFT,
        full_name="Gick Person",
        reason_category=LeavingReason.PERSONAL,
    )
    declined = participant_at(
        coordinator, stockholm, ParticipantStatus.DECLINED, full_name="Nej Person"
    )
    # Recorded before kinds of reason were: none is stored.
    StatusChange.objects.filter(participant=declined, to_status=ParticipantStatus.DECLINED).update(
        reason_category=None
    )
    participant_at(
        coordinator, stockholm, full_name="Tidig Person", applied_on=period[0] - dt.timedelta(1)
    )
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    for graduate in graduates[:2]:
        active_placement(coordinator, unit_manager, workplace, graduate.participant)
    seven_months_ago = today - relativedelta(months=7)
    _placed_before(coordinator, unit_manager, workplace, "Kvar Person", seven_months_ago, stockholm)
    short = _placed_before(
        coordinator, unit_manager, workplace, "Kort Person", seven_months_ago, stockholm
    )
    workplace_actions.end_placement(
        actor=coordinator,
        placement=short,
        reason="Flyttade",
        reason_category=PlacementEndReason.OTHER_WORK_OR_STUDIES,
        end_date=seven_months_ago + relativedelta(months=1, days=10),
    )
    _placed_before(
        coordinator,
        unit_manager,
        workplace,
        "Länge Person",
        today - relativedelta(months=13),
        stockholm,
    )


def _printed(table: ReportTable) -> list[tuple[str, list[str]]]:
    return [
        (str(row.label), ["–" if cell is None else str(cell) for cell in row.cells])
        for row in table.rows
    ]


def _tables(content) -> dict[str, list[tuple[str, list[str]]]]:
    return {str(table.caption): _printed(table) for table in content.tables}


def test_regional_tables_match_a_count_from_the_database(stockholm, paths, period):
    """Every table of a regional funnel holds the figures counted straight from the
    database, protected by the small-number rule."""
    tables = _tables(build(ReportScope((stockholm,), *period)))

    assert list(tables) == [
        FUNNEL,
        RETENTION,
        ENDED_PATHS,
        PATH_REASONS,
        ENDED_PLACEMENTS,
        PLACEMENT_REASONS,
    ]
    assert tables == funnel_tables(stockholm, *period)


def test_the_funnel_counts_each_step_once_per_person(stockholm, paths, period):
    """Eight applied in the period (not the one before it, nor the peer supporters who
    applied years ago); six enrolled, five completed and were certified (a placement's end
    that returns someone to certified is not a certification); two placed in the period,
    "<5"; one of two still placed at six months, and one at twelve."""
    tables = _tables(build(ReportScope((stockholm,), *period)))

    assert tables[FUNNEL] == [
        ("Applied", ["8"]),
        ("Enrolled in a course", ["6"]),
        ("Completed the course", ["5"]),
        ("Certified", ["5"]),
        ("Placed", ["<5"]),
        ("Still placed 6 months after the start", ["<5"]),
        ("Still placed 12 months after the start", ["<5"]),
    ]
    assert tables[RETENTION] == [("6", ["<5", "<5", "x"]), ("12", ["<5", "<5", "x"])]


def test_ended_paths_and_placements_are_counted_by_step_length_and_reason(stockholm, paths, period):
    """The paths that ended are counted by the status before (an applicant left, another
    was declined, an accepted trainee who withdrew left), small counts "<5", and by the kind
    of reason (the decline recorded without one as "Not given"); the placement that ended
    after a month counts as under six months and under its kind of reason. The free-text
    reasons are printed nowhere."""
    content = build(ReportScope((stockholm,), *period))
    tables = _tables(content)

    ended = dict(tables[ENDED_PATHS])
    assert ended["Applicant"] == ["<5", "<5", "<5"]
    assert ended["Accepted"] == ["0", "<5", "<5"]
    assert ended["Trainee"] == ["0", "0", "0"]
    assert ended["Total"] == ["", "", "<5"]
    lengths = dict(tables[ENDED_PLACEMENTS])
    # Employed by the association (the default of active_placement), not the workplace.
    assert lengths["Under 6 months"] == ["<5", "0", "<5"]
    assert lengths["6 to 12 months"] == ["0", "0", "0"]
    reasons = dict(tables[PATH_REASONS])
    assert list(reasons) == [
        *(str(label) for label in LeavingReason.labels),
        "Not given",
        "Total",
    ]
    assert reasons["Personal circumstances or moved"] == ["0", "<5", "<5"]
    assert reasons["Did not complete the course"] == ["0", "<5", "<5"]
    assert reasons["Not given"] == ["<5", "0", "<5"]
    assert reasons["Other"] == ["0", "0", "0"]
    assert reasons["Total"] == ["", "", "<5"]
    ended_reasons = dict(tables[PLACEMENT_REASONS])
    assert ended_reasons["Got other work or studies"] == ["<5", "0", "<5"]
    assert ended_reasons["Not given"] == ["0", "0", "0"]
    printed = repr(tables) + " ".join(str(block.alt) for block in content.blocks[:1])
    assert "Orkar" not in printed
    assert "Flyttade" not in printed


def test_the_chart_has_the_funnel_figures_in_its_alternative_text(stockholm, paths, period):
    content = build(ReportScope((stockholm,), *period))
    chart = content.blocks[0]

    assert isinstance(chart, ReportChart)
    assert chart.svg.startswith("<svg")
    assert "1. Applied: 8" in chart.alt
    assert "5. Placed: <5" in chart.alt


def test_national_scope_withholds_what_a_region_hides(stockholm, skane, paths, period):
    """Nationally each step is the regions' sum, shown only where every region's own
    report shows its figure: Skåne's two applicants are "<5" there, so the national
    applicants are withheld; its zero enrolled are shown, so the national six is."""
    other = person_with_role(Role.COORDINATOR, skane)
    for number in range(2):
        participant_at(other, skane, full_name=f"Skåne Person{number}")
    scope = ReportScope((stockholm, skane), *period, national=True)

    funnel = dict(_tables(build(scope))[FUNNEL])

    assert funnel["Applied"][0] in ("<5", "x")
    assert funnel["Enrolled in a course"] == ["6"]
    assert funnel["Certified"] == ["5"]


def test_completion_is_withheld_where_the_course_table_hides_a_figure_it_sums(
    coordinator, stockholm, skane, paths, today, period
):
    """A second course that ended in the period with one trainee who completed: the course
    table shows that cohort's Complete as "<5", so the funnel's six (five plus that one)
    would give it away; it is "x", in the regional and the national report, as the module
    that recounts it from the database says."""
    small = default_cohort(
        coordinator, stockholm, monday_of(today - dt.timedelta(weeks=12)), name="Liten kurs"
    )
    certified(coordinator, small, accepted_applicant(coordinator, stockholm, "Ensam Person"))
    regional = _tables(build(ReportScope((stockholm,), *period)))
    national = _tables(build(ReportScope((stockholm, skane), *period, national=True)))

    assert dict(regional[FUNNEL])["Completed the course"] == ["x"]
    assert dict(national[FUNNEL])["Completed the course"] == ["x"]
    assert regional == funnel_tables(stockholm, *period)


def test_a_table_that_would_give_away_its_twins_hidden_total_is_withheld(stockholm, period):
    """The tables by step and by reason count the same paths. Six left as applicants and one
    when interviewed: the table by step has to hide its total; all seven for "other" would
    show it as 7 in the table by reason, so that table is printed with every figure "x".
    Where both show their total, neither changes."""
    scope = ReportScope((stockholm,), *period)
    zeros = [[0, 0]] * 5

    def tables(by_step, by_reason):
        ended = Ended(by_step={stockholm.pk: by_step}, by_reason={stockholm.pk: by_reason})
        beside = figures.count_table(
            scope,
            caption="By step",
            row_header="Step",
            row_labels=[str(n) for n in range(7)],
            columns=["Declined", "Left"],
            counts_by_region=ended.by_step,
        )
        return [
            _printed(table)
            for table in _with_reasons(
                scope,
                caption="By reason",
                labels=[str(n) for n in range(7)],
                columns=["Declined", "Left"],
                ended=ended,
                beside=beside,
                note="",
            )
        ]

    by_step, by_reason = tables([[0, 6], [0, 1], *zeros], [[0, 0]] * 6 + [[0, 7], [0, 0]])
    assert by_step[-1] == ("Total", ["", "", "x"])
    assert by_step[0] == ("0", ["<5", "x", "x"])
    assert by_reason[6] == ("6", ["x", "x", "x"])
    assert by_reason[-1] == ("Total", ["", "", "x"])
    assert {cell for _label, cells in by_reason for cell in cells} == {"", "x"}

    by_step, by_reason = tables([[0, 6], [0, 6], *zeros], [[0, 0]] * 6 + [[0, 12], [0, 0]])
    assert by_step[-1] == ("Total", ["", "", "12"])
    assert by_reason[6] == ("6", ["0", "12", "12"])


def test_an_empty_period_says_so(stockholm, paths, today):
    """A period in which nothing happened shows no tables, only the empty text."""
    later = today + dt.timedelta(days=400)
    content = build(ReportScope((stockholm,), later, later + dt.timedelta(days=180)))

    assert content.blocks == []
    assert "No one applied" in str(content.empty_text)


def test_build_issues_a_fixed_number_of_queries(
    stockholm, skane, paths, period, django_assert_max_num_queries
):
    """One region or every region, however many people: a fixed budget."""
    with django_assert_max_num_queries(11):
        build(ReportScope((stockholm,), *period))
    with django_assert_max_num_queries(11):
        build(ReportScope((stockholm, skane), *period, national=True))


def test_the_contract_holds_on_the_shared_half_year(region_half_year):
    """The end-to-end test's data: both sections print exactly the tables that
    ``expected_tables`` computes from the database."""
    from programmes.reports import build as build_course

    data = region_half_year
    scope = ReportScope((data.region,), data.start, data.end)
    printed = {**_tables(build(scope)), **_tables(build_course(scope))}

    expected = expected_tables(data.region, data.start, data.end)
    assert len(expected) == 8
    assert printed == expected
