"""The results page and its CSV: who may see them, small numbers on the page and in the
file, the region filter, and a fixed number of queries whatever the number of answers."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Invitation, InvitationStatus, RespondentGroup
from evaluation.results_cache import LONGEST_SECONDS, seconds_to_keep
from peersupport.accounts.models import Role
from tests.factories import MembershipFactory, certified_participant

from .builders import answer, make_instrument, make_invitation, make_study, make_wave

pytestmark = pytest.mark.django_db

ITEMS = ["a1", "a2", "a3", "b1", "b2", "b3"]


def _plant(wave, region, people: int, *, start: int = 0, group_key: str = "p", value=None):
    for index in range(start, start + people):
        participant = certified_participant(
            region, name=f"Person {group_key} {region.code} {index}"
        )
        invitation = make_invitation(
            wave,
            region=region,
            anchor_key=f"{group_key}{region.code}{index}",
            participant=participant,
        )
        answer(invitation, {key: value or (index % 5) + 1 for key in ITEMS})


@pytest.fixture
def study(stockholm):
    """Stockholm: two waves of peer supporters, six answering both."""
    version = make_instrument("upplevelse", reverse=["a2"])
    study = make_study(name="Uppföljning 2026", regions=[stockholm])
    first = make_wave(study, [version], name="Baslinje")
    second = make_wave(study, [version], name="Kursslut")
    participants = [certified_participant(stockholm, name=f"Deltagare {i}") for i in range(6)]
    for wave in (first, second):
        for index, participant in enumerate(participants):
            invitation = make_invitation(
                wave, region=stockholm, anchor_key=f"p{index}", participant=participant
            )
            answer(invitation, {key: (index + wave.position) % 5 + 1 for key in ITEMS})
    return study


def results_url(study, **query) -> str:
    url = reverse("evaluation:study_results", args=[study.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def csv_url(study) -> str:
    return reverse("evaluation:study_results_csv", args=[study.pk])


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("researcher", 200),
        ("coordinator", 200),
        ("admin_user", 200),
        ("other_coordinator", 404),
        ("peer_supporter", 403),
        ("supervisor", 403),
        ("unit_manager", 403),
        ("auditor", 403),
    ],
)
def test_who_may_see_the_results(request, role, expected, study, client_for):
    """Researchers and coordinators of a covered region (and admins) see the page and the
    CSV; a coordinator of a region the study does not cover gets 404; other roles 403."""
    user = request.getfixturevalue(role)
    client = client_for(user)
    assert client.get(results_url(study)).status_code == expected
    assert client.get(csv_url(study)).status_code == expected


def test_without_login_the_page_asks_to_log_in(client, study):
    response = client.get(results_url(study))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_page_shows_rates_scores_change_and_alpha(study, researcher, client_for):
    response = client_for(researcher).get(results_url(study))
    html = response.content.decode()
    for section in ("response-table", "scores-table", "change-table", "alpha-table"):
        assert f'id="{section}"' in html
    assert "100 %" in html  # six of six answered
    assert "<svg" in html
    assert "Baslinje → Kursslut" in html


@pytest.mark.english
def test_four_respondents_show_less_than_five_and_no_mean(stockholm, researcher, client_for):
    version = make_instrument()
    study = make_study(regions=[stockholm])
    wave = make_wave(study, [version])
    _plant(wave, stockholm, 4)
    response = client_for(researcher).get(results_url(study))
    html = response.content.decode()
    assert "&lt;5" in html
    assert "fewer than 5 answers" in html
    scores = response.context["results"].scores
    assert all(line.summary is None for line in scores)

    rows = list(
        csv.reader(
            io.StringIO(client_for(researcher).get(csv_url(study)).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    completed = [row for row in rows if row[5] == "Completed"]
    assert completed and all(row[6] == "<5" for row in completed)
    means = [row for row in rows if row[0] == "Scores" and row[5] == "Mean"]
    assert means and all(row[6] == "–" for row in means)


@pytest.mark.english
def test_the_csv_holds_the_page_figures(study, researcher, client_for):
    content = client_for(researcher).get(csv_url(study)).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0] == [
        "Table",
        "Wave",
        "Region or workplace",
        "Instrument",
        "Measure",
        "Figure",
        "Value",
    ]
    rates = [row for row in rows if row[0] == "Response rate" and row[5] == "Response rate"]
    assert ["Baslinje", "100 %"] in [[row[1], row[6]] for row in rates]
    pairs = [row for row in rows if row[0] == "Change between waves" and row[5] == "Pairs"]
    assert pairs and all(row[6] == "6" for row in pairs)


def test_a_skane_coordinator_sees_no_stockholm_figures(
    stockholm, skane, other_coordinator, client_for
):
    """A study covering both regions: the Skåne coordinator's page holds Skåne's line only."""
    version = make_instrument()
    study = make_study(regions=[stockholm, skane])
    wave = make_wave(study, [version])
    _plant(wave, stockholm, 7, value=1)
    _plant(wave, skane, 6, value=5)
    response = client_for(other_coordinator).get(results_url(study))
    html = response.content.decode()
    assert "Region Skåne" in html
    assert "Region Stockholm" not in html
    results = response.context["results"]
    assert [line.label for line in results.responses[0].lines] == ["Region Skåne"]
    assert {line.summary.mean for line in results.scores if line.summary} == {5.0}


def test_a_researcher_filters_by_region_and_cannot_pick_another(
    stockholm, skane, researcher, client_for
):
    version = make_instrument()
    study = make_study(regions=[stockholm, skane])
    wave = make_wave(study, [version])
    _plant(wave, stockholm, 7, value=1)
    _plant(wave, skane, 6, value=5)
    client = client_for(researcher)
    # Only Stockholm: no filter offered, and asking for Skåne shows Stockholm's figures.
    response = client.get(results_url(study, region=skane.pk))
    assert 'id="region-filter"' not in response.content.decode()
    assert [line.label for line in response.context["results"].responses[0].lines] == [
        "Region Stockholm"
    ]

    MembershipFactory(user=researcher, role=Role.RESEARCHER, region=skane)
    response = client_for(researcher).get(results_url(study, region=skane.pk))
    assert 'id="region-filter"' in response.content.decode()
    results = response.context["results"]
    assert results.region == skane
    assert [line.label for line in results.responses[0].lines] == ["Region Skåne"]
    assert {line.summary.mean for line in results.scores if line.summary} == {5.0}


def test_anonymous_waves_are_said_to_be_unpaired(stockholm, researcher, client_for):
    version = make_instrument()
    study = make_study(regions=[stockholm])
    make_wave(study, [version], name="Personal före", group=RespondentGroup.WORKPLACE_STAFF)
    html = client_for(researcher).get(results_url(study)).content.decode()
    assert 'id="unpaired-note"' in html
    assert "Personal före" in html


def _get_with_queries(client, url, django_assert_num_queries, count):
    with django_assert_num_queries(count):
        response = client.get(url)
    assert response.status_code == 200
    return response


# Session, user, memberships, MFA; the study, its regions and the filter's; waves, their
# instruments and subscales; response counts; scored invitations; the scoring plans' items
# (all versions at once; their subscales come with the waves); answers; when the next
# invitation opens (how long the figures are cached).
RESULTS_PAGE_QUERIES = 15
# From the cache: session, user, memberships, MFA; the study.
CACHED_RESULTS_PAGE_QUERIES = 5


def test_the_page_takes_a_fixed_number_of_queries(
    study, stockholm, researcher, client_for, django_assert_num_queries
):
    """Doubling the respondents adds no query."""
    client = client_for(researcher)
    _get_with_queries(client, results_url(study), django_assert_num_queries, RESULTS_PAGE_QUERIES)
    for wave in study.waves.all():
        _plant(wave, stockholm, 6, start=100, group_key=f"w{wave.pk}")
    response = _get_with_queries(
        client, results_url(study), django_assert_num_queries, RESULTS_PAGE_QUERIES
    )
    assert {line.n.value for line in response.context["results"].scores} == {12}


def test_a_second_look_reads_the_figures_from_the_cache(
    study, researcher, client_for, django_assert_num_queries
):
    """Nothing changed: the figures come from the cache, the same as computed."""
    client = client_for(researcher)
    first = _get_with_queries(
        client, results_url(study), django_assert_num_queries, RESULTS_PAGE_QUERIES
    )
    again = _get_with_queries(
        client, results_url(study), django_assert_num_queries, CACHED_RESULTS_PAGE_QUERIES
    )

    def figures(response):
        return response.content.decode().split('class="lead"')[1].split("</main>")[0]

    assert figures(again) == figures(first)
    assert 'id="response-table"' in figures(again)


def test_the_cached_figures_follow_every_change(
    study, stockholm, skane, researcher, client_for, django_assert_num_queries
):
    """A new answer, a cancelled invitation (a bulk update, which sends no signal), or a
    wider scope: the next look computes the figures afresh."""
    client = client_for(researcher)
    url = results_url(study)
    assert client.get(url).context["results"].responses[1].summary.invited.value == 6
    wave = study.waves.get(name="Kursslut")
    invitation = make_invitation(
        wave,
        region=stockholm,
        anchor_key="ny",
        participant=certified_participant(stockholm, name="Ny deltagare"),
    )
    answer(invitation, dict.fromkeys(ITEMS, 3))
    response = _get_with_queries(client, url, django_assert_num_queries, RESULTS_PAGE_QUERIES)
    assert response.context["results"].responses[1].summary.invited.value == 7
    scored = {line.n.value for line in response.context["results"].scores if line.wave == wave}
    assert scored == {7}

    pending = [make_invitation(wave, region=stockholm, anchor_key=f"v{n}") for n in range(5)]
    assert client.get(url).context["results"].responses[1].summary.invited.value == 12
    # The bulk update the cancelling actions make.
    Invitation.objects.filter(pk__in=[invitation.pk for invitation in pending]).update(
        status=InvitationStatus.CANCELLED, cancelled_reason="Placeringen avslutades"
    )
    response = _get_with_queries(client, url, django_assert_num_queries, RESULTS_PAGE_QUERIES)
    assert response.context["results"].responses[1].summary.invited.value == 7

    study.regions.add(skane)
    MembershipFactory(user=researcher, role=Role.RESEARCHER, region=skane)
    html = client_for(researcher).get(url).content.decode()
    assert 'id="region-filter"' in html


def test_the_figures_are_kept_until_the_next_invitation_opens(study, stockholm, researcher):
    """An invitation counts once it opens, so cached figures last until then at most."""
    assert seconds_to_keep(researcher, study) == LONGEST_SECONDS
    wave = study.waves.get(name="Kursslut")
    now = timezone.now()
    make_invitation(
        wave,
        region=stockholm,
        anchor_key="senare",
        opens_at=now + dt.timedelta(minutes=10),
        closes_at=now + dt.timedelta(days=30),
    )
    assert 590 <= seconds_to_keep(researcher, study) <= 600


@pytest.mark.english
def test_the_csv_keeps_typed_names_as_text_and_figures_as_numbers(
    stockholm, researcher, client_for
):
    """A wave named like a formula is written as text; a negative change stays a number."""
    version = make_instrument()
    study = make_study(regions=[stockholm])
    first = make_wave(study, [version], name="=Före")
    second = make_wave(study, [version], name="Efter")
    for index in range(6):
        participant = certified_participant(stockholm, name=f"Svarare {index}")
        for wave, value in ((first, 4), (second, 2 + index % 2)):
            invitation = make_invitation(
                wave, region=stockholm, anchor_key=f"s{index}", participant=participant
            )
            answer(invitation, {key: value for key in ITEMS})
    content = client_for(researcher).get(csv_url(study)).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert "=Före" not in [row[1] for row in rows]
    assert "'=Före" in [row[1] for row in rows]
    change = next(r for r in rows if r[0] == "Change between waves" and r[5] == "Mean change")
    assert change[6] == "-1.50"
