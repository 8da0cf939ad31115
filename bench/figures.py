"""One measured figure, as every benchmark module returns it and ``bench/run.py`` writes it
into ``bench/results.md``.

A measuring module (``bench/reports.py``, ``bench/exports.py``, ``bench/reminders.py``)
has ``measure(*, smoke: bool) -> list[Figure]``. With ``smoke`` it runs at the tiny scale
CI uses and sets no targets (``target=None``, ``passed=None``): the smoke only proves the
benchmark still runs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    # What was measured, in a few words: "Region-year report (Stockholm 2026)".
    name: str
    value: float
    # "s", "MB", "req/s", "ms", "×floor", "count"…
    unit: str
    # The target as written in the issue, e.g. "≤ 3 s"; None in a smoke run.
    target: str | None = None
    passed: bool | None = None
    # What a reader needs to judge the figure: sizes, how it was measured, why it misses.
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def at_most(name: str, value: float, unit: str, limit: float, *, smoke: bool, note: str = ""):
    """A figure whose target is an upper limit (seconds, megabytes, duplicates)."""
    if smoke:
        return Figure(name, value, unit, note=note)
    return Figure(name, value, unit, f"≤ {limit:g} {unit}", value <= limit, note)


def at_least(name: str, value: float, unit: str, limit: float, *, smoke: bool, note: str = ""):
    """A figure whose target is a lower limit (throughput as a ratio to the floor)."""
    if smoke:
        return Figure(name, value, unit, note=note)
    return Figure(name, value, unit, f"≥ {limit:g} {unit}", value >= limit, note)
