"""Small numbers: what a figure shown outside the coordinator role may reveal.

Every count shown to someone who is not the records' coordinator – on a page, in a chart,
a CSV file or a PDF – goes through this module, so that no figure lets a reader work out
that one or a few people did something.

- A count from 1 to ``SMALL_NUMBER_THRESHOLD`` − 1 (setting, default 5) is shown as "<5"
  (primary suppression). **0 is shown as 0**: that nothing happened says nothing about
  anyone, and hiding every zero would blank most of a small workplace's table. So "<5"
  means 0 to 4: a zero beside a small count may be shown as "<5" too (below).
- Where totals are shown beside their parts, more figures are hidden (secondary
  suppression) until no hidden figure can be worked out from what is shown: every hidden
  figure keeps at least two values that fit everything on the table. The first choice is
  a zero beside it, shown as "<5" (it costs the reader least); then the largest figure
  beside it, shown as "x" (a hidden figure of at least the threshold: the reader may know
  that, and the test assumes they do); then its total.
- A table whose figures sum other tables' figures (a national report summing the
  regions') shows a sum only where every table shows its part
  (``peersupport.reports.figures``); there an "x" that sums several "<5" may be small.
- An average of individual answers (a rating) is shown only from
  ``SMALL_NUMBER_MIN_ANSWERS`` answers (default 3), so no single answer is recognisable.

Tables are trees of sums (a grand total, row totals, cells). For a tree, interval
propagation is exact: sums and intersections of integer intervals are integer intervals,
and a node's feasible values given its parent's are independent of the rest of the tree.
So the check below finds exactly the values each hidden figure may take. The reader is
taken to know every shown figure and what "<5" and "x" mean, as in ordinary cell
suppression; not to re-run this rule on every table that might lie behind a page.
"""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core import checks

HIDDEN_SYMBOL = "x"
V = TypeVar("V")


def threshold() -> int:
    return settings.SMALL_NUMBER_THRESHOLD


def min_answers() -> int:
    return settings.SMALL_NUMBER_MIN_ANSWERS


def average_may_be_shown(answers: int) -> bool:
    """Whether an average (and the free-text answers) of ``answers`` people may be shown."""
    return answers >= min_answers()


class Status(enum.Enum):
    SHOWN = "shown"
    SMALL = "small"  # under the threshold, 0 included: "<5"
    HIDDEN = "hidden"  # at least the threshold, hidden so a small one stays hidden: "x"


@dataclass(frozen=True)
class Figure:
    """A figure as it may be shown: its value, or "<5", or "x". ``str()`` gives the text."""

    value: int | None
    status: Status = Status.SHOWN
    limit: int = 0

    @property
    def suppressed(self) -> bool:
        return self.status is not Status.SHOWN

    def __str__(self) -> str:
        if self.status is Status.SMALL:
            return f"<{self.limit}"
        if self.status is Status.HIDDEN:
            return HIDDEN_SYMBOL
        return str(self.value)


def figure(value: int, *, protect: bool = True) -> Figure:
    """One count with no total beside it: "<5" when small (primary suppression only)."""
    limit = threshold()
    if protect and 0 < value < limit:
        return Figure(None, Status.SMALL, limit)
    return Figure(value, limit=limit)


def hidden_with(count: Figure, value: V) -> V | Figure:
    """A figure that is not a count (minutes, hours) but describes the things ``count``
    counts: hidden whenever the count is, since it would tell about those few."""
    if count.suppressed:
        return Figure(None, Status.HIDDEN, threshold())
    return value


@dataclass(frozen=True)
class ProtectedTable:
    """A table of counts with a total per row and a grand total, as it may be shown."""

    cells: list[list[Figure]]
    row_totals: list[Figure]
    total: Figure


def protect_table(rows: Sequence[Sequence[int]], *, protect: bool = True) -> ProtectedTable:
    """Rows of counts with their row totals and grand total, with small counts shown as
    "<5" and enough other figures hidden that no hidden figure can be worked out."""
    tree = _Tree.of_table(rows)
    limit = threshold()
    if protect:
        statuses = _protected_statuses(tuple(tuple(row) for row in rows), limit)
    else:
        statuses = (Status.SHOWN,) * len(tree.values)
    figures = [
        Figure(None if status is not Status.SHOWN else value, status, limit)
        for value, status in zip(tree.values, statuses, strict=True)
    ]
    return ProtectedTable(
        cells=[[figures[node] for node in tree.children[row]] for row in tree.children[0]],
        row_totals=[figures[row] for row in tree.children[0]],
        total=figures[0],
    )


@functools.lru_cache(maxsize=1024)
def _protected_statuses(rows: tuple[tuple[int, ...], ...], limit: int) -> tuple[Status, ...]:
    """The statuses of a table's nodes (``_Tree.of_table`` order). A pure function of the
    counts and the threshold, so it is kept: the survey results and the to-do page protect
    the same tables on every view until an answer changes a count, and a wide table takes
    a hundred passes of the check."""
    return tuple(_Tree.of_table(rows).protect(limit))


class _Tree:
    """Nodes 0..n-1; node 0 is the root; every non-leaf node is the sum of its children."""

    def __init__(self, values: list[int], children: list[list[int]]):
        self.values = values
        self.children = children
        self.parent: list[int | None] = [None] * len(values)
        for node, kids in enumerate(children):
            for kid in kids:
                self.parent[kid] = node

    @classmethod
    def of_table(cls, rows: Sequence[Sequence[int]]) -> _Tree:
        values = [sum(sum(row) for row in rows), *(sum(row) for row in rows)]
        children: list[list[int]] = [list(range(1, len(rows) + 1))] + [[] for _ in rows]
        for index, row in enumerate(rows, start=1):
            for value in row:
                children[index].append(len(values))
                values.append(value)
                children.append([])
        return cls(values, children)

    def feasible(self, statuses: list[Status], limit: int) -> list[tuple[float, float]]:
        """Exactly the range of values each node can take, given the shown values, "<5"
        meaning 0 to limit − 1 and "x" meaning at least ``limit``."""
        own = [
            (value, value)
            if status is Status.SHOWN
            else (0, limit - 1)
            if status is Status.SMALL
            else (limit, math.inf)
            for value, status in zip(self.values, statuses, strict=True)
        ]
        up = list(own)
        for node in reversed(range(len(self.values))):  # children have higher numbers
            if self.children[node]:
                low = sum(up[kid][0] for kid in self.children[node])
                high = sum(up[kid][1] for kid in self.children[node])
                up[node] = (max(own[node][0], low), min(own[node][1], high))
        ranges = list(up)
        for node in range(len(self.values)):
            kids = self.children[node]
            if not kids:
                continue
            # The siblings' sums once per node rather than once per kid (a wide table's
            # rows have hundreds of cells). Lows are finite, so subtracting one is exact;
            # highs may be infinite and inf − inf has no value, so the infinite ones are
            # counted apart from the sum of the finite ones.
            lows = sum(up[kid][0] for kid in kids)
            finite_highs = sum(up[kid][1] for kid in kids if up[kid][1] != math.inf)
            infinite_highs = sum(1 for kid in kids if up[kid][1] == math.inf)
            for kid in kids:
                others_low = lows - up[kid][0]
                if up[kid][1] == math.inf:
                    others_high = math.inf if infinite_highs > 1 else finite_highs
                else:
                    others_high = math.inf if infinite_highs else finite_highs - up[kid][1]
                ranges[kid] = (
                    max(up[kid][0], ranges[node][0] - others_high),
                    min(up[kid][1], ranges[node][1] - others_low),
                )
        return ranges

    def protect(self, limit: int) -> list[Status]:
        statuses = [Status.SMALL if 0 < value < limit else Status.SHOWN for value in self.values]
        while True:
            ranges = self.feasible(statuses, limit)
            exposed = next(
                (
                    node
                    for node, status in enumerate(statuses)
                    if status is not Status.SHOWN and ranges[node][0] == ranges[node][1]
                ),
                None,
            )
            if exposed is None:
                return statuses
            partner = self._partner_for(exposed, statuses)
            if partner is None:
                return statuses
            statuses[partner] = Status.SMALL if self.values[partner] < limit else Status.HIDDEN

    def _partner_for(self, node: int, statuses: list[Status]) -> int | None:
        """The figure to hide next so that ``node`` can trade with it: a zero beside it
        (the nearest), else the largest figure beside it (most room to give and take), else
        its total, else the same one level up."""
        current: int | None = node
        while current is not None:
            parent = self.parent[current]
            if parent is None:
                break
            siblings = [
                kid
                for kid in self.children[parent]
                if kid != current and statuses[kid] is Status.SHOWN
            ]
            zeros = [kid for kid in siblings if not self.values[kid]]
            if zeros:
                return min(zeros, key=lambda kid: abs(kid - current))
            if siblings:
                return max(siblings, key=lambda kid: (self.values[kid], -kid))
            if statuses[parent] is Status.SHOWN:
                return parent
            current = parent
        return next(
            (other for other, status in enumerate(statuses) if status is Status.SHOWN), None
        )


@checks.register(checks.Tags.security)
def small_number_settings_are_safe(app_configs, **kwargs):
    """Under 3, "<threshold" would name the one value it hides."""
    if threshold() < 3:
        return [
            checks.Error(
                "SMALL_NUMBER_THRESHOLD must be at least 3.",
                hint="With 2, '<2' can only mean 1. The default is 5.",
                id="peersupport.E020",
            )
        ]
    return []
