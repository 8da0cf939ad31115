"""A study's results: scores, alpha and paired change against an independent computation
on the same planted answers; response counts; the small-number rule; who sees which region."""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone
from scipy import stats

from evaluation.models import Answer, InvitationStatus, RespondentGroup
from evaluation.results import RESPONSE_STATUSES, study_results
from tests.factories import certified_participant

from .builders import answer, make_instrument, make_invitation, make_study, make_wave

ITEMS = ["a1", "a2", "a3", "b1", "b2", "b3"]
REVERSED = {"a2", "b3"}
SUBSCALES = {"a": ["a1", "a2", "a3"], "b": ["b1", "b2", "b3"]}
PEOPLE = 10


def _planted(seed: int) -> list[dict[str, int | None]]:
    """Answers of PEOPLE respondents, 1–5, with some items left unanswered."""
    rng = np.random.default_rng(seed)
    rows = []
    for person in range(PEOPLE):
        values = {key: int(rng.integers(1, 6)) for key in ITEMS}
        if person % 4 == 1:
            values["a3"] = None  # a still scored: two of three answered
        if person == 6:
            values["b1"] = values["b2"] = None  # b not scored: one of three
        rows.append(values)
    return rows


BEFORE = _planted(1)
AFTER = _planted(2)


# The expected figures, computed here without the app: reverse by hand, the builders'
# rule (a mean when at least half of the items are answered), numpy for the rest.


def _by_hand(values: dict[str, int | None]) -> dict[str, int | None]:
    return {
        key: (6 - value if key in REVERSED and value is not None else value)
        for key, value in values.items()
    }


def _expected_score(values, keys):
    answered = [_by_hand(values)[key] for key in keys if values[key] is not None]
    return float(np.mean(answered)) if len(answered) * 2 >= len(keys) else None


def _expected_scores(rows, keys):
    return [_expected_score(row, keys) for row in rows]


def _expected_summary(scores):
    data = np.array([score for score in scores if score is not None])
    half = stats.t.ppf(0.975, len(data) - 1) * data.std(ddof=1) / np.sqrt(len(data))
    return len(data), data.mean(), data.std(ddof=1), data.mean() - half, data.mean() + half


def _expected_alpha(rows, keys):
    matrix = np.array(
        [
            [_by_hand(row)[key] for key in keys]
            for row in rows
            if all(row[key] is not None for key in keys)
        ],
        dtype=float,
    )
    covariance = np.cov(matrix, rowvar=False)
    k = len(keys)
    mean_variance = np.trace(covariance) / k
    mean_covariance = (covariance.sum() - np.trace(covariance)) / (k * (k - 1))
    return k * mean_covariance / (mean_variance + (k - 1) * mean_covariance)


@pytest.fixture
def planted(stockholm):
    """Two waves of peer supporters answering the same instrument, ten people in both, and
    invitations in every other state beside them."""
    version = make_instrument("experience", subscales=SUBSCALES, reverse=sorted(REVERSED))
    study = make_study(regions=[stockholm])
    first = make_wave(study, [version], name="Baslinje")
    second = make_wave(study, [version], name="Kursslut")
    for index in range(PEOPLE):
        participant = certified_participant(stockholm, name=f"Person {index}")
        for wave, rows in ((first, BEFORE), (second, AFTER)):
            invitation = make_invitation(
                wave, region=stockholm, anchor_key=f"p{index}", participant=participant
            )
            answer(invitation, rows[index])
    extra = certified_participant(stockholm, name="Halvvägs")
    started = make_invitation(first, region=stockholm, anchor_key="started", participant=extra)
    answer(started, {key: 1 for key in ITEMS}, complete=False)
    deleted = make_invitation(first, region=stockholm, anchor_key="deleted")
    answer(deleted, {key: 5 for key in ITEMS})
    deleted.status = InvitationStatus.WITHDRAWN
    deleted.answers_deleted = True
    deleted.save()
    make_invitation(first, region=stockholm, anchor_key="declined", status="declined")
    make_invitation(first, region=stockholm, anchor_key="pending")
    make_invitation(first, region=stockholm, anchor_key="cancelled", status="cancelled")
    make_invitation(
        first,
        region=stockholm,
        anchor_key="later",
        opens_at=timezone.now() + dt.timedelta(days=3),
        closes_at=timezone.now() + dt.timedelta(days=30),
    )
    return study, first, second


def _score(results, wave, key):
    return next(line for line in results.scores if line.wave == wave and line.key == key)


def test_scores_alpha_and_change_equal_an_independent_computation(planted, admin_user):
    """Scores, alpha and paired change computed by the app equal an independent
    computation on the same answers (reverse items turned by hand, missing answers left
    out, started and deleted invitations not counted)."""
    study, first, second = planted
    results = study_results(admin_user, study)

    keys = {**SUBSCALES, "total": ITEMS}
    for wave, rows in ((first, BEFORE), (second, AFTER)):
        for key, items in keys.items():
            line = _score(results, wave, key)
            n, mean, sd, low, high = _expected_summary(_expected_scores(rows, items))
            assert line.n.value == n
            assert line.summary.n == n
            assert line.summary.mean == pytest.approx(mean)
            assert line.summary.sd == pytest.approx(sd)
            assert line.summary.ci_low == pytest.approx(low)
            assert line.summary.ci_high == pytest.approx(high)
            alpha = next(a for a in results.alphas if a.wave == wave and a.key == key)
            assert alpha.alpha == pytest.approx(_expected_alpha(rows, items))

    for key, items in keys.items():
        line = next(c for c in results.changes if c.key == key)
        assert (line.before, line.after) == (first, second)
        pairs = [
            (b, a)
            for b, a in zip(
                _expected_scores(BEFORE, items), _expected_scores(AFTER, items), strict=True
            )
            if b is not None and a is not None
        ]
        diffs = np.array([a - b for b, a in pairs])
        n = len(diffs)
        sd = diffs.std(ddof=1)
        t = diffs.mean() / (sd / np.sqrt(n))
        half = stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n)
        assert line.n.value == n >= 8
        assert line.change.mean_diff == pytest.approx(diffs.mean())
        assert line.change.t == pytest.approx(t)
        assert line.change.p == pytest.approx(2 * stats.t.sf(abs(t), n - 1))
        assert line.change.ci_low == pytest.approx(diffs.mean() - half)
        assert line.change.ci_high == pytest.approx(diffs.mean() + half)


def test_withdrawn_answers_kept_count_and_deleted_do_not(planted, admin_user):
    study, first, _second = planted
    kept = make_invitation(first, region=first.study.regions.get(), anchor_key="kept")
    answer(kept, {key: 3 for key in ITEMS})
    kept.status = InvitationStatus.WITHDRAWN
    kept.save()
    line = _score(study_results(admin_user, study), first, "a")
    # Two withdrawn ("<5") would be told apart by an n of 11 beside ten completed, so the
    # kept answers count only where the withdrawals can be shown.
    assert line.n.value == PEOPLE
    for index in range(5):
        more = make_invitation(first, region=kept.region, anchor_key=f"kept{index}")
        answer(more, {key: 3 for key in ITEMS})
        more.status = InvitationStatus.WITHDRAWN
        more.save()
    results = study_results(admin_user, study)
    assert str(results.responses[0].summary.withdrawn) == "7"
    line = _score(results, first, "a")
    assert line.n.value == PEOPLE + 6
    expected = _expected_scores(BEFORE, SUBSCALES["a"]) + [3.0] * 6
    assert line.summary.mean == pytest.approx(np.mean(expected))
    assert Answer.objects.filter(invitation__answers_deleted=True).exists()


def test_response_counts_per_status(planted, admin_user):
    """Invited: opened and not cancelled. Statuses as planted, small ones as "<5"."""
    study, first, second = planted
    results = study_results(admin_user, study)
    by_wave = {wave.wave: wave for wave in results.responses}
    baseline = by_wave[first]
    assert [str(c) for c in baseline.lines[0].counts] == ["<5", "<5", "10", "<5", "<5"]
    # Four small counts summing to four: none of them can be told from the total.
    assert str(baseline.lines[0].invited) == "14"
    assert baseline.summary.rate == round(100 * 10 / 14)
    assert baseline.meets_target is True
    follow_up = by_wave[second]
    assert [str(c) for c in follow_up.summary.counts] == ["0", "0", "10", "0", "0"]
    assert str(follow_up.summary.invited) == "10"
    assert follow_up.summary.rate == 100
    assert follow_up.meets_target is True


def test_fewer_than_five_respondents_show_no_score(stockholm, admin_user):
    """Four respondents: the count is "<5" and no mean, SD, interval or alpha is shown."""
    version = make_instrument()
    study = make_study(regions=[stockholm])
    wave = make_wave(study, [version])
    for index in range(4):
        invitation = make_invitation(wave, region=stockholm, anchor_key=f"p{index}")
        answer(invitation, {key: index + 1 for key in ITEMS})
    results = study_results(admin_user, study)
    line = _score(results, wave, "a")
    assert str(line.n) == "<5"
    assert line.summary is None
    assert all(alpha.alpha is None for alpha in results.alphas)
    assert str(results.responses[0].summary.completed) == "<5"
    assert results.responses[0].summary.rate is None


def _two_regions(stockholm, skane, *, skane_people=6):
    version = make_instrument()
    study = make_study(regions=[stockholm, skane])
    wave = make_wave(study, [version])
    for region, people, value in ((stockholm, 7, 2), (skane, skane_people, 4)):
        for index in range(people):
            invitation = make_invitation(wave, region=region, anchor_key=f"{region.code}{index}")
            answer(invitation, {key: value for key in ITEMS})
    return study, wave


def test_a_coordinator_sees_only_their_region(stockholm, skane, other_coordinator):
    """The Skåne coordinator's figures hold no Stockholm respondent."""
    study, wave = _two_regions(stockholm, skane)
    results = study_results(other_coordinator, study)
    assert [region.pk for region in results.regions] == [skane.pk]
    assert [line.label for line in results.responses[0].lines] == ["Region Skåne"]
    assert str(results.responses[0].summary.completed) == "6"
    assert _score(results, wave, "a").summary.mean == pytest.approx(4.0)


def test_a_researcher_sees_their_regions_and_can_filter(stockholm, skane, researcher):
    study, wave = _two_regions(stockholm, skane)
    from tests.factories import MembershipFactory

    MembershipFactory(user=researcher, role="researcher", region=skane)
    both = study_results(researcher, study)
    assert {line.label for line in both.responses[0].lines} == {"Region Skåne", "Region Stockholm"}
    assert _score(both, wave, "a").summary.mean == pytest.approx((7 * 2 + 6 * 4) / 13)
    only = study_results(researcher, study, region_id=stockholm.pk)
    assert [line.label for line in only.responses[0].lines] == ["Region Stockholm"]
    assert _score(only, wave, "a").summary.mean == pytest.approx(2.0)


def test_a_hidden_region_cannot_be_worked_out_from_the_total(stockholm, skane, admin_user):
    """Skåne's three answers are "<5"; beside the total of ten, Stockholm's seven would give
    them away, so Stockholm's count is hidden too ("x"). Filtering to Stockholm shows no
    figure the whole table hides, and no score whose n would be Stockholm's count."""
    study, wave = _two_regions(stockholm, skane, skane_people=3)
    results = study_results(admin_user, study)
    lines = {line.label: line for line in results.responses[0].lines}
    assert str(lines["Region Skåne"].completed) == "<5"
    assert str(lines["Region Stockholm"].completed) == "x"
    assert lines["Region Stockholm"].rate is None
    assert str(results.responses[0].summary.completed) == "10"
    assert _score(results, wave, "a").n.value == 10

    only = study_results(admin_user, study, region_id=stockholm.pk)
    assert [str(line.completed) for line in only.responses[0].lines] == ["x"]
    assert only.responses[0].summary.completed is None
    line = _score(only, wave, "a")
    assert line.n is None and line.summary is None


def test_anonymous_groups_are_counted_per_workplace_and_never_paired(stockholm, admin_user):
    from workplaces.models import Organisation, Principal, Workplace, WorkplaceType

    version = make_instrument()
    study = make_study(regions=[stockholm])
    first = make_wave(study, [version], name="Före", group=RespondentGroup.WORKPLACE_STAFF)
    second = make_wave(study, [version], name="Efter", group=RespondentGroup.WORKPLACE_STAFF)
    organisation = Organisation.objects.create(
        name="Vården", region=stockholm, principal=Principal.REGION
    )
    workplace = Workplace.objects.create(
        organisation=organisation,
        region=stockholm,
        name="Avdelning 7",
        type=WorkplaceType.INPATIENT,
    )
    for wave in (first, second):
        for index in range(6):
            invitation = make_invitation(
                wave,
                region=stockholm,
                anchor_key=f"slip{index}",
                workplace=workplace,
                code=f"{wave.pk}CODE{index}",
            )
            answer(invitation, {key: 3 for key in ITEMS})
        make_invitation(wave, region=stockholm, anchor_key="unprinted", workplace=workplace)
    results = study_results(admin_user, study)
    assert [line.label for line in results.responses[0].lines] == ["Avdelning 7"]
    assert str(results.responses[0].summary.invited) == "6"
    assert results.changes == []
    assert results.unpaired_waves == [first, second]


def test_response_statuses_are_the_table_columns():
    assert InvitationStatus.CANCELLED not in RESPONSE_STATUSES
    assert len(RESPONSE_STATUSES) == 5


def test_unit_managers_are_paired_by_account(stockholm, admin_user):
    """Unit managers answering two waves are matched by their account; the change is their
    later score minus the earlier."""
    from tests.factories import person_with_role

    version = make_instrument()
    study = make_study(regions=[stockholm])
    first = make_wave(study, [version], name="Före", group=RespondentGroup.UNIT_MANAGERS)
    second = make_wave(study, [version], name="Efter", group=RespondentGroup.UNIT_MANAGERS)
    for index in range(6):
        manager = person_with_role("unit_manager", stockholm, mfa=False)
        for wave, value in ((first, 2), (second, 3 + index % 2)):
            invitation = make_invitation(
                wave, region=stockholm, anchor_key=f"m{index}", user=manager
            )
            answer(invitation, {key: value for key in ITEMS})
    line = next(c for c in study_results(admin_user, study).changes if c.key == "a")
    assert line.n.value == 6
    assert line.change.mean_diff == pytest.approx(1.5)


def test_pair_counts_per_region_cannot_be_subtracted(stockholm, skane, researcher):
    """Seven pairs in Stockholm and three in Skåne: all ten are shown with their change,
    but neither region alone, since ten minus one of them would give the other."""
    from tests.factories import MembershipFactory

    MembershipFactory(user=researcher, role="researcher", region=skane)
    version = make_instrument()
    study = make_study(regions=[stockholm, skane])
    first = make_wave(study, [version], name="Före")
    second = make_wave(study, [version], name="Efter")
    for region, people in ((stockholm, 7), (skane, 3)):
        for index in range(people):
            participant = certified_participant(region, name=f"Par {region.code} {index}")
            for wave, value in ((first, 2), (second, 2 + index % 3)):
                invitation = make_invitation(
                    wave, region=region, anchor_key=f"{region.code}{index}", participant=participant
                )
                answer(invitation, {key: value for key in ITEMS})

    def change_line(**filters):
        results = study_results(researcher, study, **filters)
        return next(c for c in results.changes if c.key == "a")

    everyone = change_line()
    assert str(everyone.n) == "10" and everyone.change.n == 10
    assert str(change_line(region_id=skane.pk).n) == "<5"
    stockholm_only = change_line(region_id=stockholm.pk)
    assert str(stockholm_only.n) == "x" and stockholm_only.change is None
