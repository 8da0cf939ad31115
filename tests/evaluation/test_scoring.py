"""Scores by each version's rules, checked against numbers worked out by hand."""

import pytest

from evaluation.models import Item, ItemKind, ScoringMethod, Subscale
from evaluation.scoring import (
    item_score,
    score_answers,
    scored_item_values,
    scores_for_invitations,
    scoring_plan,
)

from .builders import answer, make_instrument, make_invitation, make_study, make_wave

pytestmark = pytest.mark.django_db


def test_reverse_item_is_mirrored_on_its_scale():
    """On a 1–5 scale a reverse item's 2 counts as 4; a plain item's 2 as 2."""
    version = make_instrument(reverse=["a2"])
    items = {item.key: item for item in version.items.select_related("scale")}
    assert item_score(items["a2"], 2) == 4
    assert item_score(items["a2"], 5) == 1
    assert item_score(items["a1"], 2) == 2
    assert item_score(items["a1"], None) is None


def test_mean_of_answered_items_with_reverse_item():
    """Subscale a: 4, reverse(2)=4, 3 → mean 11/3; b: 1, 2, 3 → 2; total mean of 6 = 17/6."""
    version = make_instrument(reverse=["a2"], min_answered=0.5)
    scores = score_answers(version, {"a1": 4, "a2": 2, "a3": 3, "b1": 1, "b2": 2, "b3": 3})
    assert scores == {"a": 11 / 3, "b": 2.0, "total": 17 / 6}


def test_sum_without_and_with_prorating():
    """a1=4, a2=5, a3 missing: the plain sum is 9; pro-rated to three items it is 13.5."""
    plain = make_instrument("plain", method=ScoringMethod.SUM, min_answered=0.5)
    prorated = make_instrument("prorated", method=ScoringMethod.SUM, min_answered=0.5, prorate=True)
    values = {"a1": 4, "a2": 5, "a3": None}
    assert score_answers(plain, values)["a"] == 9.0
    assert score_answers(prorated, values)["a"] == 13.5


def test_mean_is_not_changed_by_prorating():
    version = make_instrument(method=ScoringMethod.MEAN, min_answered=0.5, prorate=True)
    assert score_answers(version, {"a1": 4, "a2": 5})["a"] == 4.5


def test_too_few_answered_gives_no_score():
    """Two of three answered is a share of 2/3: enough when 0.66 is required, too few when
    0.67 is; one of three is too few for either."""
    met = make_instrument("met", min_answered=0.66)
    unmet = make_instrument("unmet", min_answered=0.67)
    assert score_answers(met, {"a1": 3})["a"] is None
    assert score_answers(met, {"a1": 3, "a2": 5})["a"] == 4.0
    assert score_answers(unmet, {"a1": 3, "a2": 5})["a"] is None
    assert score_answers(unmet, {"a1": 3, "a2": 5, "a3": 1})["a"] == 3.0


def test_nothing_answered_gives_no_score_even_when_no_share_is_required():
    version = make_instrument(min_answered=0)
    assert score_answers(version, {}) == {"a": None, "b": None, "total": None}


def test_total_follows_its_own_rule():
    """The total is a sum over all six items, pro-rated, with half required: 5 answered
    summing to 15 → 15 * 6 / 5 = 18."""
    version = make_instrument(min_answered=1)
    version.total_method = ScoringMethod.SUM
    version.total_prorate = True
    version.total_min_answered = 0.5
    scores = score_answers(version, {"a1": 1, "a2": 2, "a3": 3, "b1": 4, "b2": 5})
    assert scores == {"a": 2.0, "b": None, "total": 18.0}


def test_no_total_when_the_version_has_none():
    version = make_instrument(total_method="")
    assert "total" not in score_answers(version, {"a1": 1})


def test_text_items_are_never_scored():
    """A free-text item in a subscale is not counted, and its key in the values is ignored."""
    version = make_instrument(subscales={"a": ["a1", "a2"]}, min_answered=1)
    Item.objects.create(
        version=version,
        key="note",
        position=99,
        kind=ItemKind.TEXT,
        text_sv="Något mer?",
        text_en="Anything else?",
        subscale=Subscale.objects.get(version=version, key="a"),
    )
    note = version.items.select_related("scale").get(key="note")
    assert item_score(note, 3) is None
    assert score_answers(version, {"a1": 2, "a2": 4, "note": 5}) == {"a": 3.0, "total": 3.0}


def test_values_may_be_given_by_item_id():
    version = make_instrument(subscales={"a": ["a1", "a2"]}, reverse=["a2"])
    ids = dict(version.items.values_list("key", "pk"))
    assert score_answers(version, {ids["a1"]: 5, ids["a2"]: 1})["a"] == 5.0


def test_scores_and_item_values_for_many_invitations_in_fixed_queries(
    stockholm, django_assert_num_queries
):
    """Three queries for any number of invitations; reverse items come back mirrored."""
    version = make_instrument(reverse=["a3"], min_answered=0.5)
    other = make_instrument("other")
    wave = make_wave(make_study(), [version, other])
    first = make_invitation(wave, region=stockholm, anchor_key="p1")
    second = make_invitation(wave, region=stockholm, anchor_key="p2")
    unanswered = make_invitation(wave, region=stockholm, anchor_key="p3")
    answer(first, {"a1": 5, "a2": 4, "a3": 1, "b1": 2})
    answer(second, {"a1": 1, "b1": 3, "b2": 3, "b3": 3})
    invitations = wave.invitations.all()

    with django_assert_num_queries(3):
        scores = scores_for_invitations(invitations, version)
    with django_assert_num_queries(3):
        values = scored_item_values(invitations, version)

    assert scores == {
        first.pk: {"a": 14 / 3, "b": None, "total": 16 / 4},
        second.pk: {"a": None, "b": 3.0, "total": 10 / 4},
    }
    assert unanswered.pk not in scores
    assert values[first.pk] == {"a1": 5, "a2": 4, "a3": 5, "b1": 2, "b2": None, "b3": None}


def test_a_plan_scores_without_queries(django_assert_num_queries):
    version = make_instrument()
    plan = scoring_plan(version)
    assert plan.keys == ["a", "b", "total"]
    assert [rule.item_keys for rule in plan.rules][0] == ("a1", "a2", "a3")
    with django_assert_num_queries(0):
        assert score_answers(plan, {"a1": 2, "a2": 4})["a"] == 3.0
