"""The report's survey section: per study that sent invitations in the period, each
wave's response rate, the change in scores between waves with its confidence interval and
Cronbach's alpha, protected by the small-number rule regionally and nationally, in a fixed
number of queries."""

import datetime as dt

import pytest
from django.utils import timezone

from evaluation.models import Anchor, InvitationStatus, RespondentGroup
from evaluation.reports import build
from peersupport.reports.registry import ReportChart, ReportScope, sections
from tests.evaluation.builders import (
    answer,
    make_instrument,
    make_invitation,
    make_study,
    make_wave,
)
from tests.factories import UserFactory

from .expected_evaluation import expected_tables

pytestmark = [pytest.mark.django_db, pytest.mark.english]

TODAY = timezone.localdate()
START, END = TODAY - dt.timedelta(days=60), TODAY
# Unit managers' answers to items a1–a3 and b1–b3, at baseline and at follow-up.
BASELINE = [
    {"a1": 2, "a2": 2, "a3": 3, "b1": 1, "b2": 2, "b3": 2},
    {"a1": 3, "a2": 2, "a3": 3, "b1": 2, "b2": 2, "b3": 3},
    {"a1": 1, "a2": 1, "a3": 2, "b1": 3, "b2": 3, "b3": 3},
    {"a1": 4, "a2": 3, "a3": 4, "b1": 2, "b2": 1, "b3": 2},
]
FOLLOW_UP = [
    {"a1": 3, "a2": 3, "a3": 4, "b1": 2, "b2": 2, "b3": 2},
    {"a1": 4, "a2": 4, "a3": 3, "b1": 2, "b2": 3, "b3": 3},
    {"a1": 2, "a2": 2, "a3": 2, "b1": 4, "b2": 3, "b3": 4},
    {"a1": 5, "a2": 4, "a3": 5, "b1": 2, "b2": 2, "b3": 1},
]


@pytest.fixture(autouse=True)
def _threshold(settings):
    # Three is the smallest threshold the rule allows: small data then shows figures.
    settings.SMALL_NUMBER_THRESHOLD = 3


@pytest.fixture
def study(stockholm, skane):
    """A national study of unit managers with a baseline and a follow-up wave. In
    Stockholm four managers answered both, a fifth was invited to the follow-up and has
    not answered, a sixth declined it. In Skåne one manager answered the baseline."""
    version = make_instrument()
    study = make_study(name="Chefsuppföljning")
    waves = [
        make_wave(
            study,
            [version],
            name=name,
            group=RespondentGroup.UNIT_MANAGERS,
            anchor=Anchor.PLACEMENT_START,
        )
        for name in ("Baslinje", "Uppföljning")
    ]
    managers = [UserFactory() for _ in range(6)]
    for index, manager in enumerate(managers[:4]):
        for wave, answers in zip(waves, (BASELINE, FOLLOW_UP), strict=True):
            invitation = make_invitation(
                wave, region=stockholm, anchor_key=f"m{index}", user=manager
            )
            answer(invitation, answers[index])
    make_invitation(waves[1], region=stockholm, anchor_key="m4", user=managers[4])
    make_invitation(
        waves[1],
        region=stockholm,
        anchor_key="m5",
        user=managers[5],
        status=InvitationStatus.DECLINED,
    )
    answer(
        make_invitation(waves[0], region=skane, anchor_key="s0", user=UserFactory()), BASELINE[0]
    )
    return study


def table_rows(content) -> dict[str, list[tuple[str, list[str]]]]:
    return {
        str(table.caption): [
            (str(row.label), [str(cell) for cell in row.cells]) for row in table.rows
        ]
        for table in content.tables
    }


# The studies; the waves, their instruments and subscales; the response counts; the
# scored invitations; the scoring plan (items, subscales) of the one instrument version;
# the answers.
QUERIES = 9


def test_regional_section_shows_rates_changes_and_alpha_as_recounted(
    stockholm, study, django_assert_max_num_queries
):
    """A regional section's tables are the recount from the database: invited, answered
    and the response rate per wave; the mean change per score with its 95 % interval over
    the four pairs (subscale a: +11/12); alpha per wave and score over those with every
    item answered."""
    scope = ReportScope(regions=(stockholm,), start=START, end=END)

    with django_assert_max_num_queries(QUERIES):
        content = build(scope)

    assert table_rows(content) == expected_tables(stockholm, START, END)
    rates, changes, alphas = content.tables
    assert [str(cell) for cell in rates.rows[1].cells] == ["6", "4", "67 %"]
    assert [str(cell) for cell in changes.rows[0].cells][:2] == ["4", "0.92"]
    assert len(alphas.rows) == 6


def test_the_chart_draws_the_response_rates_and_says_them(stockholm, study):
    """One chart per study draws each wave's response rate, and its alternative text says
    the study and every rate the table shows."""
    content = build(ReportScope(regions=(stockholm,), start=START, end=END))

    [chart] = [block for block in content.blocks if isinstance(block, ReportChart)]
    assert "Chefsuppföljning" in str(chart.alt)
    for row in content.tables[0].rows:
        assert f"{row.label}: {row.cells[2]}" in str(chart.alt)
    assert "67 %" in chart.svg


def test_national_section_never_reveals_a_regions_hidden_count(
    stockholm, skane, study, django_assert_max_num_queries
):
    """Nationally the counts add the regions', and a count that would give away Skåne's
    single baseline answer beside Stockholm's shown figures is hidden, with the rate and
    the figures about it; the queries are the regional ones."""
    national = ReportScope(regions=(skane, stockholm), start=START, end=END, national=True)

    with django_assert_max_num_queries(QUERIES):
        content = build(national)

    skane_rates = build(ReportScope(regions=(skane,), start=START, end=END)).tables[0]
    assert [str(cell) for cell in skane_rates.rows[0].cells] == ["<3", "<3", "x"]
    baseline = content.tables[0].rows[0]
    assert [str(cell) for cell in baseline.cells] == ["x", "x", "x"]
    alphas = content.tables[2]
    baseline_alphas = [row for row in alphas.rows if str(row.label).startswith("Baslinje")]
    assert all(str(row.cells[1]) == "x" and str(row.cells[2]) == "x" for row in baseline_alphas)


def test_a_period_without_invitations_says_so(stockholm, study):
    """A period before the study sent anything shows no tables and says why."""
    start = START - dt.timedelta(days=400)
    content = build(
        ReportScope(regions=(stockholm,), start=start, end=start + dt.timedelta(days=90))
    )

    assert content.blocks == []
    assert str(content.empty_text) == "No survey invitation opened in this period."
    assert expected_tables(stockholm, start, start + dt.timedelta(days=90)) == {}


def test_the_section_is_registered_last():
    """The section is registered as "surveys", order 70."""
    [section] = [section for section in sections() if section.key == "surveys"]
    assert section.order == 70
