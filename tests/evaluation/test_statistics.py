"""The results' statistics against the same figures computed another way: the standard
library's ``statistics`` module, the textbook formulas written out, and published values."""

import math
import statistics as stdlib

import pytest
from scipy import stats

from evaluation.statistics import complete_cases, cronbach_alpha, describe, paired_change

SCORES = [3.2, 4.0, 2.8, 3.6, 4.4, 3.0, 2.6, 3.8, 4.2, 3.4]


def test_describe_equals_the_textbook_mean_sd_and_t_interval():
    """Mean, sample SD (n − 1) and mean ± t(0.975, n − 1) · SD / √n."""
    summary = describe(SCORES)
    n = len(SCORES)
    mean = math.fsum(SCORES) / n
    sd = math.sqrt(math.fsum((x - mean) ** 2 for x in SCORES) / (n - 1))
    half_width = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    assert summary.n == n
    assert summary.mean == pytest.approx(mean)
    assert summary.sd == pytest.approx(stdlib.stdev(SCORES))
    assert summary.sd == pytest.approx(sd)
    assert summary.ci_low == pytest.approx(mean - half_width)
    assert summary.ci_high == pytest.approx(mean + half_width)


def test_describe_with_a_known_t_quantile():
    """For n = 10 the 97.5th percentile of t(9) is 2.262 (printed t tables)."""
    summary = describe(SCORES)
    half_width = (summary.ci_high - summary.ci_low) / 2
    assert half_width == pytest.approx(2.262 * stdlib.stdev(SCORES) / math.sqrt(10), rel=1e-3)


def test_describe_leaves_out_missing_values():
    assert describe([None, 2, 4, float("nan")]) == describe([2, 4])


def test_describe_of_too_little_data():
    """No values: nothing. One value: a mean but no SD or interval. No spread: the interval
    is the mean itself."""
    assert describe([]).mean is None
    one = describe([3])
    assert (one.n, one.mean, one.sd, one.ci_low) == (1, 3.0, None, None)
    flat = describe([2, 2, 2])
    assert (flat.sd, flat.ci_low, flat.ci_high) == (0.0, 2.0, 2.0)


def test_paired_change_equals_the_paired_t_test_written_out():
    before = [2.0, 3.0, 2.5, 3.5, 4.0, 2.0, 3.0, 2.5]
    after = [2.5, 3.5, 3.5, 3.0, 4.5, 3.0, 3.5, 3.5]
    change = paired_change(before, after)
    diffs = [b - a for a, b in zip(before, after, strict=True)]
    n = len(diffs)
    mean = stdlib.mean(diffs)
    sd = stdlib.stdev(diffs)
    t = mean / (sd / math.sqrt(n))
    half_width = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    assert change.n == n
    assert change.mean_diff == pytest.approx(mean)
    assert change.sd_diff == pytest.approx(sd)
    assert change.t == pytest.approx(t)
    assert change.p == pytest.approx(2 * stats.t.sf(abs(t), n - 1))
    assert change.ci_low == pytest.approx(mean - half_width)
    assert change.ci_high == pytest.approx(mean + half_width)


def test_paired_change_with_a_published_value():
    """Differences 1, 1, 1, 2: mean 1.25, t(3) = 5.0, p = 0.0154 (two-sided)."""
    change = paired_change([1, 2, 3, 4], [2, 3, 4, 6])
    assert change.t == pytest.approx(5.0)
    assert change.p == pytest.approx(0.0154, abs=1e-4)


def test_paired_change_leaves_out_respondents_missing_either_wave():
    change = paired_change([1, None, 3, 4, 2], [2, 5, None, 6, 4])
    assert change.n == 3
    assert change.mean_diff == pytest.approx((1 + 2 + 2) / 3)


def test_paired_change_without_spread_has_no_t_test():
    change = paired_change([1, 2, 3], [2, 3, 4])
    assert (change.mean_diff, change.ci_low, change.ci_high) == (1.0, 1.0, 1.0)
    assert change.t is None and change.p is None


def test_paired_change_needs_one_value_per_respondent_in_each():
    with pytest.raises(ValueError):
        paired_change([1, 2], [1, 2, 3])


def _alpha_from_covariances(rows):
    """Alpha as k · mean covariance / (mean variance + (k − 1) · mean covariance), the
    covariance form of the formula, with the standard library."""
    columns = list(zip(*rows, strict=True))
    k = len(columns)
    variances = [stdlib.variance(column) for column in columns]
    covariances = [
        stdlib.covariance(columns[i], columns[j]) for i in range(k) for j in range(k) if i != j
    ]
    mean_variance = stdlib.mean(variances)
    mean_covariance = stdlib.mean(covariances)
    return k * mean_covariance / (mean_variance + (k - 1) * mean_covariance)


RESPONSES = [
    [4, 5, 4, 3],
    [3, 4, 3, 3],
    [5, 5, 4, 5],
    [2, 3, 2, 2],
    [4, 4, 5, 4],
    [3, 2, 3, 3],
    [5, 4, 5, 4],
    [1, 2, 2, 1],
]


def test_alpha_equals_the_covariance_form():
    assert cronbach_alpha(RESPONSES) == pytest.approx(_alpha_from_covariances(RESPONSES))


def test_alpha_of_an_example_worked_by_hand():
    """Three items, five respondents: item variances 1.3, 1.3, 1.7 and total variance 11
    give alpha = 3/2 · (1 − 4.3/11) = 0.914."""
    rows = [[1, 2, 1], [2, 1, 2], [3, 3, 3], [4, 3, 4], [3, 4, 4]]
    columns = list(zip(*rows, strict=True))
    assert [stdlib.variance(c) for c in columns] == pytest.approx([1.3, 1.3, 1.7])
    assert stdlib.variance([sum(r) for r in rows]) == pytest.approx(11)
    assert cronbach_alpha(rows) == pytest.approx(1.5 * (1 - 4.3 / 11))
    assert cronbach_alpha(rows) == pytest.approx(0.914, abs=1e-3)


def test_alpha_of_identical_items_is_one():
    rows = [[value] * 3 for value in (1, 3, 2, 5, 4)]
    assert cronbach_alpha(rows) == pytest.approx(1.0)


def test_alpha_uses_complete_cases_only():
    with_gaps = [*RESPONSES, [None, 1, 5, 5], [5, None, None, 1]]
    assert cronbach_alpha(with_gaps) == pytest.approx(cronbach_alpha(RESPONSES))
    assert len(complete_cases(with_gaps)) == len(RESPONSES)


def test_alpha_does_not_exist_for_too_little_data():
    assert cronbach_alpha([[1], [2], [3]]) is None  # one item
    assert cronbach_alpha([[1, 2, 3]]) is None  # one respondent
    assert cronbach_alpha([[1, 2], [None, 3]]) is None  # one complete respondent
    assert cronbach_alpha([[2, 2], [3, 1]]) is None  # every total the same
    assert cronbach_alpha([]) is None
