"""Small numbers: counts under the threshold are shown as "<5", zeros as 0, and enough other
figures are hidden that no hidden figure can be worked out from what a table shows."""

import itertools

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from peersupport import smallnumbers
from peersupport.smallnumbers import Status, protect_table

# Counts are mostly small, as at a workplace with one or two peer supporters.
counts = st.integers(min_value=0, max_value=9) | st.sampled_from([0, 1, 2, 4, 5, 6])
tables = st.integers(min_value=1, max_value=3).flatmap(
    lambda width: st.lists(st.lists(counts, min_size=width, max_size=width), min_size=1, max_size=3)
)


def domain(shown, limit: int, cap: int) -> range:
    """The values a reader can hold possible for one figure from its text alone."""
    if shown.status is Status.SHOWN:
        return range(shown.value, shown.value + 1)
    if shown.status is Status.SMALL:
        return range(0, limit)
    return range(limit, cap + 1)


def feasible_cell_values(table, limit: int, cap: int) -> dict[tuple[int, int], set[int]]:
    """By brute force, independent of the module: every value each cell takes in some table
    that shows exactly the same (hidden figures capped at ``cap``, which can only remove
    possibilities, so two values found here are two values a reader cannot tell apart)."""
    rows_options = []
    for cells, row_total in zip(table.cells, table.row_totals, strict=True):
        by_sum: dict[int, list[tuple[int, ...]]] = {}
        for values in itertools.product(*(domain(c, limit, cap) for c in cells)):
            if sum(values) in domain(row_total, limit, cap * len(cells)):
                by_sum.setdefault(sum(values), []).append(values)
        rows_options.append(by_sum)
    grand = domain(table.total, limit, cap * 9)
    feasible: dict[tuple[int, int], set[int]] = {}
    for sums in itertools.product(*(sorted(options) for options in rows_options)):
        if sum(sums) not in grand:
            continue
        for row, row_sum in enumerate(sums):
            for values in rows_options[row][row_sum]:
                for column, value in enumerate(values):
                    feasible.setdefault((row, column), set()).add(value)
    return feasible


def feasible_totals(table, limit: int, cap: int) -> tuple[dict[int, set[int]], set[int]]:
    """The same for the row totals and the grand total."""
    rows = []
    for cells, row_total in zip(table.cells, table.row_totals, strict=True):
        sums = {
            sum(values)
            for values in itertools.product(*(domain(c, limit, cap) for c in cells))
            if sum(values) in domain(row_total, limit, cap * len(cells))
        }
        rows.append(sorted(sums))
    grand = domain(table.total, limit, cap * 9)
    row_values: dict[int, set[int]] = {}
    totals = set()
    for sums in itertools.product(*rows):
        if sum(sums) in grand:
            totals.add(sum(sums))
            for row, value in enumerate(sums):
                row_values.setdefault(row, set()).add(value)
    return row_values, totals


@pytest.mark.parametrize("limit", [3, 5])
@settings(max_examples=300, deadline=None)
@given(rows=tables)
def test_no_hidden_figure_can_be_worked_out(limit, rows):
    """For random small tables with row totals and a grand total: shown figures are true,
    every count from 1 to 4 is "<5" (and "<5" is never more than 4), "x" is never less than
    5, and every hidden cell and total keeps at least two values that fit everything the
    table shows."""
    with override_settings(SMALL_NUMBER_THRESHOLD=limit):
        table = protect_table(rows)
    cap = limit + max(max(row) for row in rows) + sum(map(sum, rows)) + 2

    pairs = [(table.total, sum(map(sum, rows)))]
    for cells, row_total, row in zip(table.cells, table.row_totals, rows, strict=True):
        pairs += [(row_total, sum(row)), *zip(cells, row, strict=True)]
    for shown, true in pairs:
        if 0 < true < limit:
            assert shown.status is Status.SMALL
        if shown.status is Status.SMALL:
            assert true < limit
        if shown.status is Status.SHOWN:
            assert shown.value == true
        if shown.status is Status.HIDDEN:
            assert true >= limit
    cells = feasible_cell_values(table, limit, cap)
    for (row, column), values in cells.items():
        assert rows[row][column] in values
        if table.cells[row][column].suppressed:
            assert len(values) >= 2, (rows, table)
    row_values, totals = feasible_totals(table, limit, cap)
    for row, values in row_values.items():
        if table.row_totals[row].suppressed:
            assert len(values) >= 2, (rows, table)
    if table.total.suppressed:
        assert len(totals) >= 2


@override_settings(SMALL_NUMBER_THRESHOLD=5)
def test_a_single_small_cell_beside_its_row_total_is_hidden_with_a_partner():
    """Three sessions in one month, seven in the next and none in the third, with the
    total shown: the zero is shown as "<5" too, or 10 − 7 would give the 3 away; with no
    zero beside it, the 7 is hidden."""
    with_zero = protect_table([[3, 7, 0]])
    without = protect_table([[3, 7, 6]])

    assert [str(cell) for cell in with_zero.cells[0]] == ["<5", "7", "<5"]
    assert str(with_zero.row_totals[0]) == "10"
    assert [str(cell) for cell in without.cells[0]] == ["<5", "x", "6"]
    assert str(without.row_totals[0]) == "16"


@override_settings(SMALL_NUMBER_THRESHOLD=5)
def test_the_coordinator_sees_every_figure():
    """Unprotected, the table is the numbers themselves."""
    table = protect_table([[3, 7, 0]], protect=False)

    assert [str(cell) for cell in table.cells[0]] == ["3", "7", "0"]
    assert not table.total.suppressed


@override_settings(SMALL_NUMBER_MIN_ANSWERS=3)
def test_an_average_is_shown_from_the_minimum_number_of_answers():
    assert not smallnumbers.average_may_be_shown(2)
    assert smallnumbers.average_may_be_shown(3)


def test_a_threshold_under_three_is_refused_at_start():
    """'<2' could only mean 1."""
    with override_settings(SMALL_NUMBER_THRESHOLD=2):
        errors = smallnumbers.small_number_settings_are_safe(None)

    assert [error.id for error in errors] == ["peersupport.E020"]
