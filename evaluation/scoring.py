"""Scores from answers: reverse items, subscale and total scores by each version's rules.

The small API, for the answering flow, results pages and exports alike:

``item_score(item, value)``
    One answer as it counts: a reverse item on a 1–5 scale turns 2 into 4
    (``min + max - value``); free-text items and missing answers give ``None``.

``scoring_plan(version)``
    The version's scoring rules read once (two queries) into a plain ``ScoringPlan``:
    its scale items (``plan.items``) and one ``ScoreRule`` per subscale plus one for the
    total (``plan.rules``, total last under the key ``"total"`` when the version has a
    total score). Without queries, ``plan.score(values)`` scores one respondent and
    ``plan.scored_items(values)`` gives their reverse-scored item values;
    ``rule.item_keys`` lists the items of a subscale, e.g. for Cronbach's alpha.

``score_answers(version, values)``
    One respondent's scores, ``{subscale key or "total": float | None}``. ``values``
    maps an item key (or item id) to the raw answer (``None`` or absent: unanswered).
    ``version`` may also be a ``ScoringPlan`` to score many respondents without queries.

``scored_item_values(invitations, version)``
    ``{invitation id: {item key: reverse-scored value | None}}`` for every scale item,
    in item order, for the wide export and alpha.

``scores_for_invitations(invitations, version)``
    ``{invitation id: {key: float | None}}`` for results pages and exports.

Both of the last two take a queryset of invitations and run three queries whatever its
size (the plan and one ``values_list`` over the answers). Invitations with no answer to
the version's scale items are absent from their result.

A score exists when the share of a subscale's items answered is at least its
``min_answered`` (and at least one item is answered). A sum adds the answered items, or,
when ``prorate`` is set, is scaled to all items (``sum * n_items / n_answered``); a mean is
the mean of the answered items. Arithmetic is exact (fractions) until the final float;
nothing is rounded here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from django.db.models import QuerySet

from .models import Answer, InstrumentVersion, Invitation, Item, ItemKind, ScoringMethod

TOTAL = "total"


def item_score(item: Item, value: int | None) -> int | None:
    """The value an answer counts as: reverse items are mirrored on their scale."""
    if value is None or item.kind != ItemKind.SCALE or item.scale is None:
        return None
    if item.reverse:
        return item.scale.min_value + item.scale.max_value - value
    return value


@dataclass(frozen=True)
class ScoredItem:
    id: int
    key: str
    subscale_key: str | None
    reverse: bool
    min_value: int
    max_value: int

    def score(self, value: int | None) -> int | None:
        if value is None:
            return None
        return self.min_value + self.max_value - value if self.reverse else value


@dataclass(frozen=True)
class ScoreRule:
    key: str
    method: str
    min_answered: Fraction
    prorate: bool
    item_keys: tuple[str, ...]

    def score(self, scored: Mapping[str, int | None]) -> float | None:
        return self.score_values([scored.get(key) for key in self.item_keys])

    @cached_property
    def least_answered(self) -> int:
        """The fewest answered items that give a score: one, and ``min_answered`` of all."""
        return max(1, math.ceil(self.min_answered * len(self.item_keys)))

    def score_values(self, values: Sequence[int | None]) -> float | None:
        """The score of this rule's items' scored values, in ``item_keys`` order.

        Exact: sums of integers, and one correctly rounded division (``int / int`` is the
        float nearest the quotient, as ``float(Fraction(...))`` is)."""
        answered = [value for value in values if value is not None]
        n_answered = len(answered)
        if n_answered < self.least_answered:
            return None
        total = sum(answered)
        if self.method == ScoringMethod.MEAN:
            return total / n_answered
        if self.prorate:
            return total * len(self.item_keys) / n_answered
        return float(total)


def _share(value: Decimal | float | str) -> Fraction:
    return Fraction(str(value))


@dataclass(frozen=True)
class ScoringPlan:
    version_id: int
    items: tuple[ScoredItem, ...]
    rules: tuple[ScoreRule, ...]

    @property
    def keys(self) -> list[str]:
        """The score keys in order: subscales by position, then ``"total"``."""
        return [rule.key for rule in self.rules]

    def scored_items(self, values: Mapping[str | int, int | None]) -> dict[str, int | None]:
        """Reverse-scored values of every scale item by key (``None`` when unanswered)."""
        return dict(zip(self._item_keys, self.scored_values(values), strict=True))

    def scored_values(self, values: Mapping[str | int, int | None]) -> list[int | None]:
        """Reverse-scored values of every scale item in item order (``None`` when
        unanswered); ``values`` is keyed by item key or item id, the later winning."""
        scored: list[int | None] = [None] * len(self.items)
        slots = self._slots
        for ref, value in values.items():
            slot = slots.get(ref)
            if slot is None:
                continue
            index, mirror = slot
            if value is not None and mirror is not None:
                value = mirror - value
            scored[index] = value
        return scored

    def score(self, values: Mapping[str | int, int | None]) -> dict[str, float | None]:
        return self.scores_of(self.scored_values(values))

    def scores_of(self, scored: Sequence[int | None]) -> dict[str, float | None]:
        """The scores from ``scored_values``: by rule key, in rule order."""
        return {
            rule.key: rule.score_values([scored[index] for index in indexes])
            for rule, indexes in self.rule_indexes
        }

    @cached_property
    def rule_indexes(self) -> tuple[tuple[ScoreRule, tuple[int, ...]], ...]:
        """Each rule with the positions of its items in ``scored_values``."""
        position = {item.key: index for index, item in enumerate(self.items)}
        return tuple((rule, tuple(position[key] for key in rule.item_keys)) for rule in self.rules)

    @cached_property
    def _item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    @cached_property
    def _slots(self) -> dict[str | int, tuple[int, int | None]]:
        """Item id and item key → (position, ``min + max`` for a reverse item)."""
        slots: dict[str | int, tuple[int, int | None]] = {}
        for index, item in enumerate(self.items):
            slot = (index, item.min_value + item.max_value if item.reverse else None)
            slots[item.id] = slot
            slots[item.key] = slot
        return slots


def scoring_plan(version: InstrumentVersion) -> ScoringPlan:
    """The version's scale items and scoring rules, in two queries (one when the version's
    subscales are prefetched)."""
    return scoring_plans([version])[version.pk]


def scoring_plans(versions: Iterable[InstrumentVersion]) -> dict[int, ScoringPlan]:
    """``scoring_plan`` of several versions by id: their items in one query, and their
    subscales in one each unless prefetched."""
    versions = list(versions)
    items: dict[int, list[ScoredItem]] = {version.pk: [] for version in versions}
    for item in (
        Item.objects.filter(version__in=versions, kind=ItemKind.SCALE)
        .select_related("scale", "subscale")
        .order_by("version_id", "position")
    ):
        items[item.version_id].append(
            ScoredItem(
                id=item.pk,
                key=item.key,
                subscale_key=item.subscale.key if item.subscale else None,
                reverse=item.reverse,
                min_value=item.scale.min_value,
                max_value=item.scale.max_value,
            )
        )
    return {version.pk: _plan(version, tuple(items[version.pk])) for version in versions}


def _plan(version: InstrumentVersion, items: tuple[ScoredItem, ...]) -> ScoringPlan:
    rules = [
        ScoreRule(
            key=subscale.key,
            method=subscale.method,
            min_answered=_share(subscale.min_answered),
            prorate=subscale.prorate,
            item_keys=tuple(item.key for item in items if item.subscale_key == subscale.key),
        )
        # Sorted here, so subscales prefetched with the version are read without a query.
        for subscale in sorted(version.subscales.all(), key=lambda s: (s.position, s.pk))
    ]
    if version.total_method:
        rules.append(
            ScoreRule(
                key=TOTAL,
                method=version.total_method,
                min_answered=_share(version.total_min_answered),
                prorate=version.total_prorate,
                item_keys=tuple(item.key for item in items),
            )
        )
    return ScoringPlan(version_id=version.pk, items=items, rules=tuple(rules))


def score_answers(
    version: InstrumentVersion | ScoringPlan, values: Mapping[str | int, int | None]
) -> dict[str, float | None]:
    """One respondent's scores by subscale key and ``"total"``."""
    plan = version if isinstance(version, ScoringPlan) else scoring_plan(version)
    return plan.score(values)


def _raw_values(
    invitations: QuerySet[Invitation] | Iterable[int], plan: ScoringPlan
) -> dict[int, dict[str | int, int | None]]:
    raw: dict[int, dict[str | int, int | None]] = {}
    rows = Answer.objects.filter(
        invitation__in=invitations,
        item__version_id=plan.version_id,
        item__kind=ItemKind.SCALE,
        value__isnull=False,
    ).values_list("invitation_id", "item_id", "value")
    for invitation_id, item_id, value in rows:
        raw.setdefault(invitation_id, {})[item_id] = value
    return raw


def scored_item_values(
    invitations: QuerySet[Invitation] | Iterable[int],
    version: InstrumentVersion | ScoringPlan,
) -> dict[int, dict[str, int | None]]:
    """Per invitation, every scale item's reverse-scored value by item key."""
    plan = version if isinstance(version, ScoringPlan) else scoring_plan(version)
    return {
        invitation_id: plan.scored_items(values)
        for invitation_id, values in _raw_values(invitations, plan).items()
    }


def scores_for_invitations(
    invitations: QuerySet[Invitation] | Iterable[int],
    version: InstrumentVersion | ScoringPlan,
) -> dict[int, dict[str, float | None]]:
    """Per invitation, its scores by subscale key and ``"total"``."""
    plan = version if isinstance(version, ScoringPlan) else scoring_plan(version)
    return {
        invitation_id: plan.score(values)
        for invitation_id, values in _raw_values(invitations, plan).items()
    }
