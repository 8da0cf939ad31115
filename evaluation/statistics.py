"""The statistics of a study's results, on plain numbers: no models, no small-number rule.

Everything is computed by numpy and scipy; what is written here is only which of their
functions to call and what to return when there is too little data for a figure to exist.
Missing values are ``None`` (or NaN) and are left out, pair by pair or respondent by
respondent, as each function says.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# numpy is imported in each function: every process loads this module at start-up (the
# report registry), and numpy costs it ~14 MB that only the one computing results needs.

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Summary:
    """n, mean, sample SD and the t-based 95 % confidence interval of the mean."""

    n: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class PairedChange:
    """The mean of after − before over the respondents with both, and its paired t-test."""

    n: int
    mean_diff: float | None
    sd_diff: float | None
    ci_low: float | None
    ci_high: float | None
    t: float | None
    p: float | None


def _floats(values: Iterable[float | None]) -> np.ndarray:
    import numpy as np

    return np.array([np.nan if value is None else value for value in values], dtype=float)


def describe(values: Iterable[float | None]) -> Summary:
    """A sample's summary. With one value there is a mean but no SD or interval."""
    import numpy as np

    data = _floats(values)
    data = data[~np.isnan(data)]
    n = int(data.size)
    if n == 0:
        return Summary(0, None, None, None, None)
    mean = float(np.mean(data))
    if n < 2:
        return Summary(n, mean, None, None, None)
    sd = float(np.std(data, ddof=1))
    if sd == 0:
        # scipy needs a positive scale; with no spread the interval is the mean itself.
        return Summary(n, mean, 0.0, mean, mean)
    from scipy import stats  # imported here: it takes seconds, and only results need it

    low, high = stats.t.interval(CONFIDENCE, n - 1, loc=mean, scale=stats.sem(data))
    return Summary(n, mean, sd, float(low), float(high))


def paired_change(before: Sequence[float | None], after: Sequence[float | None]) -> PairedChange:
    """Change from ``before`` to ``after``, respondent by respondent (the two sequences are
    in the same order); a respondent missing either value is left out."""
    import numpy as np

    first, second = _floats(before), _floats(after)
    if first.shape != second.shape:
        raise ValueError("before and after must hold one value per respondent each")
    both = ~np.isnan(first) & ~np.isnan(second)
    first, second = first[both], second[both]
    n = int(first.size)
    if n == 0:
        return PairedChange(0, None, None, None, None, None, None)
    differences = second - first
    mean_diff = float(np.mean(differences))
    if n < 2:
        return PairedChange(n, mean_diff, None, None, None, None, None)
    sd_diff = float(np.std(differences, ddof=1))
    if sd_diff == 0:
        # Everyone changed by the same amount: no t-test exists (scipy would say ±inf).
        return PairedChange(n, mean_diff, 0.0, mean_diff, mean_diff, None, None)
    from scipy import stats

    test = stats.ttest_rel(second, first)
    interval = test.confidence_interval(CONFIDENCE)
    return PairedChange(
        n=n,
        mean_diff=mean_diff,
        sd_diff=sd_diff,
        ci_low=float(interval.low),
        ci_high=float(interval.high),
        t=float(test.statistic),
        p=float(test.pvalue),
    )


def complete_cases(matrix: Sequence[Sequence[float | None]]) -> np.ndarray:
    """The rows (respondents) of a respondents × items matrix that answered every item."""
    import numpy as np

    # ``None`` (unanswered) becomes NaN.
    data = np.array(matrix, dtype=float)
    if data.ndim != 2:
        return np.empty((0, 0))
    return data[~np.isnan(data).any(axis=1)]


def cronbach_alpha(matrix: Sequence[Sequence[float | None]]) -> float | None:
    """Cronbach's alpha of a respondents × items matrix, over the respondents who answered
    every item. ``None`` when it does not exist: fewer than two items or two complete
    respondents, or no spread in the total scores."""
    import numpy as np

    data = complete_cases(matrix)
    if data.ndim != 2 or data.shape[0] < 2 or data.shape[1] < 2:
        return None
    items = data.shape[1]
    total_variance = float(np.var(data.sum(axis=1), ddof=1))
    if total_variance == 0:
        return None
    item_variances = float(np.var(data, axis=0, ddof=1).sum())
    return items / (items - 1) * (1 - item_variances / total_variance)
