"""The course section of the evaluation report: cohorts, standings, attendance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.reports.registry import ReportChart, ReportScope, ReportTable
from programmes import actions
from programmes.reports import build
from programmes.schedule import monday_of
from tests.factories import person_with_role
from tests.programmes.course_state import accepted_applicant, default_cohort, fill_attendance

from .expected_programmes import course_tables

pytestmark = pytest.mark.english

COHORTS = "Cohorts in the period: enrolled trainees by standing"
ATTENDANCE = "Attendance on course days in the period, by month (trainee days)"
SUPPRESSED = ("<5", "x")
# Five of the fifteen course days: more absences than the 80 % rule allows.
TOO_MANY_ABSENCES = {1: "", 2: "", 3: "Sjuk", 4: "", 5: ""}


def _enrol(coordinator, cohort, name):
    participant = accepted_applicant(coordinator, cohort.region, name)
    return actions.enrol(actor=coordinator, cohort=cohort, participant=participant)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def period(today):
    return today - dt.timedelta(days=180), today


@pytest.fixture
def courses(coordinator, stockholm, today):
    """Stockholm: a finished cohort (six completed, one of them with two absences, which
    the rule allows, and one at risk) and a cohort begun last week whose five trainees,
    present on its first day, are on track."""
    finished = default_cohort(
        coordinator, stockholm, monday_of(today - dt.timedelta(weeks=10)), name="Våren"
    )
    for number in range(5):
        fill_attendance(coordinator, _enrol(coordinator, finished, f"Klar Kursdeltagare{number}"))
    fill_attendance(
        coordinator, _enrol(coordinator, finished, "Risk Kursdeltagare"), TOO_MANY_ABSENCES
    )
    fill_attendance(
        coordinator, _enrol(coordinator, finished, "Borta Kursdeltagare"), {7: "", 8: "Sjuk"}
    )
    running = default_cohort(
        coordinator, stockholm, monday_of(today - dt.timedelta(weeks=1)), name="Hösten"
    )
    for number in range(5):
        enrolment = _enrol(coordinator, running, f"Ny Kursdeltagare{number}")
        first_day = running.sessions.order_by("date").first()
        actions.record_attendance(
            actor=coordinator, session=first_day, enrolment=enrolment, status="present"
        )
    return finished, running


def _table(content, caption) -> ReportTable:
    return next(table for table in content.tables if str(table.caption) == caption)


def _printed(table: ReportTable) -> list[tuple[str, list[str]]]:
    return [
        (str(row.label), ["–" if cell is None else str(cell) for cell in row.cells])
        for row in table.rows
    ]


def test_regional_tables_match_a_count_from_the_database(stockholm, courses, period):
    """Every table of a regional course section holds the figures counted straight from
    the database, protected by the small-number rule."""
    content = build(ReportScope((stockholm,), *period))

    expected = course_tables(stockholm, *period)
    assert set(expected) == {COHORTS, ATTENDANCE}
    assert [str(t.caption) for t in content.tables] == [COHORTS, ATTENDANCE]
    for caption, rows in expected.items():
        assert _printed(_table(content, caption)) == rows


def test_cohort_rows_show_standings_and_shares(stockholm, courses, period):
    """The finished cohort shows six completed, a small at-risk count as "<5" beside them,
    and its completion and attendance shares; the running cohort's trainees are on track."""
    finished, running = courses
    rows = dict(_printed(_table(build(ReportScope((stockholm,), *period)), COHORTS)))

    finished_row = rows[f"Våren ({finished.start_date} – {finished.end_date})"]
    # Completed, on track, at risk, enrolled, completion, attendance (98 of 105 days).
    assert finished_row[0] == "6"
    assert finished_row[2] == "<5"
    assert finished_row[3] == "7"
    assert finished_row[4] == "86 %"
    assert finished_row[5] == "93 %"
    running_row = rows[f"Hösten ({running.start_date} – {running.end_date})"]
    assert running_row == ["0", "5", "0", "5", "0 %", "100 %"]
    assert rows["Total"] == ["", "", "", "12", "", ""]


def test_the_chart_describes_the_same_figures(stockholm, courses, period):
    """The chart comes first, with alternative text naming every cohort's figures."""
    content = build(ReportScope((stockholm,), *period))
    chart = content.blocks[0]

    assert isinstance(chart, ReportChart)
    assert chart.svg.startswith("<svg")
    assert "Våren" in chart.alt
    assert "complete 6" in chart.alt.lower()
    assert "at risk <5" in chart.alt.lower()


def test_at_risk_trainees_are_counted_never_named(stockholm, courses, period):
    """No trainee's name appears anywhere in the section."""
    content = build(ReportScope((stockholm,), *period))
    text = " ".join(
        [chart.alt for chart in content.blocks if isinstance(chart, ReportChart)]
        + [str(row.label) for table in content.tables for row in table.rows]
    )

    assert "Kursdeltagare" not in text


def test_national_scope_shows_one_row_per_region(stockholm, skane, courses, period, today):
    """A national report shows each region's cohorts summed into one row. A figure that a
    region's own report hides (Skåne's single trainee is "<5" there) is withheld
    nationally ("<5" or "x"), and so is the national total that holds it, with the shares
    beside them."""
    other = person_with_role(Role.COORDINATOR, skane)
    cohort = default_cohort(other, skane, monday_of(today - dt.timedelta(weeks=8)), name="Skåne")
    fill_attendance(other, _enrol(other, cohort, "Ensam Kursdeltagare"))
    scope = ReportScope((stockholm, skane), *period, national=True)

    rows = dict(_printed(_table(build(scope), COHORTS)))

    assert list(rows) == ["Region Stockholm", "Region Skåne", "Total"]
    assert course_tables(skane, *period)[COHORTS][0][1][:4] == ["<5", "0", "0", "<5"]
    completed, on_track, at_risk, enrolled, completion, attendance = rows["Region Skåne"]
    assert [on_track, at_risk] == ["0", "0"]
    assert completed in SUPPRESSED and enrolled in SUPPRESSED
    assert [completion, attendance] == ["x", "x"]
    assert rows["Total"][3] in SUPPRESSED
    # Stockholm's report shows its six completed and its twelve trainees; its at-risk
    # trainee and the on-track cell hidden beside it stay hidden here.
    assert rows["Region Stockholm"][0] == "6"
    assert rows["Region Stockholm"][1] in SUPPRESSED
    assert rows["Region Stockholm"][2] in SUPPRESSED
    assert rows["Region Stockholm"][3] == "12"


def test_an_empty_period_says_so(stockholm, courses, today):
    """A period without course days shows no tables, only the empty text."""
    long_ago = today - dt.timedelta(days=3 * 365)
    content = build(ReportScope((stockholm,), long_ago, long_ago + dt.timedelta(days=180)))

    assert content.blocks == []
    assert str(content.empty_text) == "No course cohort held a course day in this period."


def test_build_issues_a_fixed_number_of_queries(
    stockholm, skane, courses, period, django_assert_max_num_queries
):
    """One region or every region, however many cohorts and trainees: a fixed budget."""
    with django_assert_max_num_queries(7):
        build(ReportScope((stockholm,), *period))
    with django_assert_max_num_queries(7):
        build(ReportScope((stockholm, skane), *period, national=True))


@pytest.mark.swedish
def test_the_section_is_written_in_the_report_language(stockholm, courses, period):
    """In Swedish, the section's title, headers and chart text are Swedish."""
    content = build(ReportScope((stockholm,), *period))

    assert str(content.title) == "Kurs"
    assert [str(column) for column in content.tables[0].columns][:3] == [
        "Klar",
        "Följer planen",
        "I riskzonen",
    ]
    assert "klar 6" in content.blocks[0].alt
