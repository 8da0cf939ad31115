"""The report's tables of counts: a regional table is protected as any table is, and a
national table never shows, or lets a reader work out, a figure a regional report hides –
even a reader who holds every regional report beside the national one. A national figure
is shown only as the sum of figures the regional reports show; "x" in a national table
says nothing about its size."""

from __future__ import annotations

import datetime as dt
import itertools

from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from peersupport import smallnumbers
from peersupport.accounts.models import Region
from peersupport.reports import figures
from peersupport.reports.registry import ReportScope
from peersupport.smallnumbers import Figure, Status

LIMIT = 5
START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
# Unsaved regions: the figures never read the database.
REGIONS = [Region(pk=pk, name=f"Region {pk}", code=f"r{pk}") for pk in (1, 2, 3)]
# Counts are mostly small, as at a workplace with one or two peer supporters.
counts = st.integers(min_value=0, max_value=9) | st.sampled_from([0, 1, 2, 3, 4, 5, 6])


def regional(region: Region) -> ReportScope:
    return ReportScope(regions=(region,), start=START, end=END)


def national(regions) -> ReportScope:
    return ReportScope(regions=tuple(regions), start=START, end=END, national=True)


def count_table(scope, counts_by_region):
    shape = next(iter(counts_by_region.values()))
    return figures.count_table(
        scope,
        caption="Sessions",
        row_header="Kind",
        row_labels=[f"kind {row}" for row in range(len(shape))],
        columns=[f"month {column}" for column in range(len(shape[0]))],
        counts_by_region=counts_by_region,
    )


def unit_table(scope, units_by_region, width):
    return figures.unit_table(
        scope,
        caption="Peer supporters by workplace",
        row_header="Workplace",
        columns=[f"column {column}" for column in range(width)],
        units_by_region={
            region: [(f"unit {index}", counts) for index, counts in enumerate(units)]
            for region, units in units_by_region.items()
        },
    )


def shown_tree(table):
    """A count table's figures as (cells, row totals, grand total)."""
    body, total_row = table.rows[:-1], table.rows[-1]
    return (
        [row.cells[:-1] for row in body],
        [row.cells[-1] for row in body],
        total_row.cells[-1],
    )


def domain(shown: Figure, cap: int) -> range:
    """The values a reader can hold possible for one figure from its text alone."""
    if shown.status is Status.SHOWN:
        return range(shown.value, shown.value + 1)
    if shown.status is Status.SMALL:
        return range(0, LIMIT)
    return range(LIMIT, cap + 1)


def regional_candidates(tree, cap: int) -> list[tuple[tuple[int, ...], ...]]:
    """By brute force, independent of the module: every table of counts (hidden counts
    capped at ``cap``) that shows exactly what a region's report shows."""
    cells, row_totals, total = tree
    rows_options = []
    for row, row_total in zip(cells, row_totals, strict=True):
        rows_options.append(
            [
                values
                for values in itertools.product(*(domain(cell, cap) for cell in row))
                if sum(values) in domain(row_total, cap * len(row))
            ]
        )
    return [
        rows
        for rows in itertools.product(*rows_options)
        if sum(map(sum, rows)) in domain(total, cap * 99)
    ]


def fits(shown: Figure, value: int) -> bool:
    """Whether a regional figure as shown can stand for ``value``."""
    if shown.status is Status.SHOWN:
        return shown.value == value
    if shown.status is Status.SMALL:
        return value < LIMIT
    return value >= LIMIT


def fits_national(shown: Figure, value: int) -> bool:
    """Whether a national figure as shown can stand for ``value``: "x" for any, as it
    may sum several regions' "<5"."""
    if shown.status is Status.SMALL:
        return value < LIMIT
    return shown.status is Status.HIDDEN or shown.value == value


def feasible_hidden_values(regional_trees, national_fits, cap: int):
    """For every hidden figure of every regional report (a cell, a row total or the grand
    total), the values it takes in some set of regional tables that shows exactly what
    the regional reports and the national report show."""
    candidates = [regional_candidates(tree, cap) for tree in regional_trees]
    feasible: dict[tuple, set[int]] = {}
    for combination in itertools.product(*candidates):
        if not national_fits(combination):
            continue
        for region, (rows, tree) in enumerate(zip(combination, regional_trees, strict=True)):
            cells, row_totals, total = tree
            if total.suppressed:
                feasible.setdefault((region, "total"), set()).add(sum(map(sum, rows)))
            for row, values in enumerate(rows):
                if row_totals[row].suppressed:
                    feasible.setdefault((region, "row", row), set()).add(sum(values))
                for column, value in enumerate(values):
                    if cells[row][column].suppressed:
                        feasible.setdefault((region, row, column), set()).add(value)
    return feasible


def assert_national_figures_add_up(shown_and_parts):
    """Every national figure is the sum of its parts, each shown in its region's report,
    or hidden with only what the regional reports say: "<5" for one region's "<5" beside
    zeros, "x" (at least 5 unless it sums several "<5") otherwise."""
    for shown, parts, values in shown_and_parts:
        hidden = [part for part in parts if part.suppressed]
        if shown.status is Status.SHOWN:
            assert not hidden
            assert shown.value == sum(part.value for part in parts) == sum(values)
        elif shown.status is Status.SMALL:
            assert [part.status for part in hidden] == [Status.SMALL]
            assert sum(values) < LIMIT
        else:
            assert hidden
            if len(hidden) == 1 or any(part.status is Status.HIDDEN for part in hidden):
                assert sum(values) >= LIMIT


region_tables = st.tuples(
    st.integers(min_value=2, max_value=3),
    st.integers(min_value=1, max_value=2),
    st.integers(min_value=1, max_value=3),
).flatmap(
    lambda shape: st.lists(
        st.lists(
            st.lists(counts, min_size=shape[2], max_size=shape[2]),
            min_size=shape[1],
            max_size=shape[1],
        ),
        min_size=shape[0],
        max_size=shape[0],
    )
)


@override_settings(SMALL_NUMBER_THRESHOLD=LIMIT)
@settings(max_examples=150, deadline=None)
@given(tables=region_tables)
def test_a_regional_count_table_is_the_shared_rule_and_a_national_one_pins_no_hidden_figure(
    tables,
):
    """Random tables of counts for two or three regions: each regional report's table is
    exactly ``protect_table`` of the region's counts. Every national figure is "x" or the
    sum of figures the regional reports show, and a reader who holds every regional
    report and the national one still finds at least two values for every figure a
    regional report hides."""
    regions = REGIONS[: len(tables)]
    by_region = {region.pk: rows for region, rows in zip(regions, tables, strict=True)}
    trees = []
    for region, rows in zip(regions, tables, strict=True):
        tree = shown_tree(count_table(regional(region), {region.pk: rows}))
        expected = smallnumbers.protect_table(rows)
        assert tree == (expected.cells, expected.row_totals, expected.total)
        trees.append(tree)
    cells, row_totals, total = shown_tree(count_table(national(regions), by_region))
    height, width = len(tables[0]), len(tables[0][0])
    assert_national_figures_add_up(
        [
            (total, [tree[2] for tree in trees], [sum(map(sum, rows)) for rows in tables]),
            *(
                (row_totals[row], [tree[1][row] for tree in trees], [sum(t[row]) for t in tables])
                for row in range(height)
            ),
            *(
                (
                    cells[row][column],
                    [tree[0][row][column] for tree in trees],
                    [rows[row][column] for rows in tables],
                )
                for row in range(height)
                for column in range(width)
            ),
        ]
    )

    def national_fits(combination) -> bool:
        sums = [
            [sum(rows[row][column] for rows in combination) for column in range(width)]
            for row in range(height)
        ]
        return (
            fits_national(total, sum(map(sum, sums)))
            and all(
                fits_national(shown, sum(row)) for shown, row in zip(row_totals, sums, strict=True)
            )
            and all(
                fits_national(cells[row][column], sums[row][column])
                for row in range(height)
                for column in range(width)
            )
        )

    cap = LIMIT + max(max(map(max, rows)) for rows in tables) + 2
    feasible = feasible_hidden_values(trees, national_fits, cap)
    for figure, values in feasible.items():
        assert len(values) >= 2, (tables, figure, values)


@override_settings(SMALL_NUMBER_THRESHOLD=LIMIT)
def test_a_national_sum_of_hidden_cells_is_hidden_though_it_pins_no_single_one():
    """Each of two regions shows "<5", "x", 5 and a total of 13 for 3, 5 and 5: its
    hidden 3 can only be 0 to 3, as the "x" is at least 5. A national 6 for the first
    column would give both 3s away, though 6 alone leaves each of them 2 to 4."""
    tables = {1: [[3, 5, 5]], 2: [[3, 5, 5]]}
    regional_rows = [count_table(regional(region), tables) for region in REGIONS[:2]]
    national_row = count_table(national(REGIONS[:2]), tables).rows[0]

    assert [[str(cell) for cell in table.rows[0].cells] for table in regional_rows] == [
        ["<5", "x", "5", "13"],
        ["<5", "x", "5", "13"],
    ]
    assert [str(cell) for cell in national_row.cells] == ["x", "x", "10", "26"]


@override_settings(SMALL_NUMBER_THRESHOLD=LIMIT)
def test_a_national_figure_hidden_because_of_a_region_does_not_say_it_is_small():
    """Two regions each show "<5", "<5" and 6 for 2 and 4 – so each hidden figure is 2 to
    4. A national "<5" for the first column (2 + 2) would pin both at 2: it is "x",
    which for a sum of "<5"s says nothing of its size."""
    tables = {1: [[2, 4]], 2: [[2, 4]]}

    national_row = count_table(national(REGIONS[:2]), tables).rows[0]

    assert [str(cell) for cell in national_row.cells] == ["x", "x", "12"]


unit_tables = st.tuples(
    st.integers(min_value=2, max_value=3), st.integers(min_value=1, max_value=2)
).flatmap(
    lambda shape: st.tuples(
        st.just(shape[1]),
        st.lists(
            st.lists(
                st.lists(counts, min_size=shape[1], max_size=shape[1]), min_size=0, max_size=2
            ),
            min_size=shape[0],
            max_size=shape[0],
        ),
    )
)


@override_settings(SMALL_NUMBER_THRESHOLD=LIMIT)
@settings(max_examples=150, deadline=None)
@given(shape_and_units=unit_tables)
def test_a_national_row_per_region_never_shows_what_the_region_hides(shape_and_units):
    """Units (workplaces) of two or three regions, some with none: a regional report's
    table is ``protect_table`` of its units. The national report's row for a region shows
    a column's sum only when the regional report shows every unit's figure in it, and the
    region's total only when the regional report shows it; no figure of the national
    table pins down one a regional report hides."""
    width, units = shape_and_units
    regions = REGIONS[: len(units)]
    by_region = dict(zip((region.pk for region in regions), units, strict=True))
    trees = []
    for region, rows in zip(regions, units, strict=True):
        table = unit_table(regional(region), {region.pk: rows}, width)
        if not rows:
            assert not table.rows
            trees.append(([], [], Figure(0)))
            continue
        tree = shown_tree(table)
        expected = smallnumbers.protect_table(rows)
        assert tree == (expected.cells, expected.row_totals, expected.total)
        trees.append(tree)
    cells, row_totals, total = shown_tree(unit_table(national(regions), by_region, width))
    assert_national_figures_add_up(
        [
            (total, [tree[2] for tree in trees], [sum(map(sum, rows)) for rows in units]),
            *(
                (region_total, [tree[2]], [sum(map(sum, rows))])
                for region_total, tree, rows in zip(row_totals, trees, units, strict=True)
            ),
            *(
                (
                    region_cells[column],
                    [unit[column] for unit in tree[0]],
                    [unit[column] for unit in rows],
                )
                for region_cells, tree, rows in zip(cells, trees, units, strict=True)
                for column in range(width)
            ),
        ]
    )

    def national_fits(combination) -> bool:
        return fits_national(total, sum(sum(map(sum, rows)) for rows in combination)) and all(
            fits_national(region_total, sum(map(sum, rows)))
            and all(
                fits_national(shown, sum(row[column] for row in rows))
                for column, shown in enumerate(region_cells)
            )
            for rows, region_cells, region_total in zip(combination, cells, row_totals, strict=True)
        )

    cap = LIMIT + max((max(map(max, rows)) for rows in units if rows), default=0) + 2
    feasible = feasible_hidden_values(trees, national_fits, cap)
    for figure, values in feasible.items():
        assert len(values) >= 2, (units, figure, values)


@override_settings(SMALL_NUMBER_THRESHOLD=LIMIT)
def test_a_workplace_with_one_peer_supporter_is_hidden_in_the_national_report_too():
    """A Stockholm workplace with one peer supporter shows "<5"; Skåne's two workplaces
    have 6 and 7. Stockholm's national row says "<5" as its own report does, and the
    national total does not give the 1 away beside Skåne's 13."""
    stockholm, skane = REGIONS[:2]
    units = {stockholm.pk: [[1]], skane.pk: [[6], [7]]}

    regional_table = unit_table(regional(stockholm), {stockholm.pk: units[stockholm.pk]}, 1)
    national_table = unit_table(national([stockholm, skane]), units, 1)

    assert [str(cell) for cell in regional_table.rows[0].cells] == ["<5", "<5"]
    assert [[str(cell) for cell in row.cells] for row in national_table.rows] == [
        ["<5", "<5"],
        ["13", "13"],
        ["", "x"],
    ]


@override_settings(SMALL_NUMBER_THRESHOLD=LIMIT)
@settings(max_examples=200, deadline=None)
@given(values=st.lists(counts, min_size=2, max_size=4))
def test_a_standalone_national_figure_pins_no_regional_one(values):
    """``figure_table``: one figure per region (a funnel step), "<5" from 1 to 4 (a zero
    is shown, so a reader knows "<5" is at least 1). The national figure is "x" or the sum
    of the regions' shown figures, and every "<5" keeps two values beside it."""
    regions = [*REGIONS, Region(pk=4, name="Region 4", code="r4")][: len(values)]
    by_region = {region.pk: [[value]] for region, value in zip(regions, values, strict=True)}
    shown_regional = [
        figures.standalone_figures(regional(region), by_region)[0][0] for region in regions
    ]
    assert shown_regional == [smallnumbers.figure(value) for value in values]
    shown_national = figures.standalone_figures(national(regions), by_region)[0][0]
    assert_national_figures_add_up([(shown_national, shown_regional, values)])
    cap = LIMIT + max(values) + 2
    possible = [
        combination
        for combination in itertools.product(
            *(
                range(1, LIMIT) if shown.status is Status.SMALL else domain(shown, cap)
                for shown in shown_regional
            )
        )
        if fits_national(shown_national, sum(combination))
    ]
    for index, shown in enumerate(shown_regional):
        if shown.suppressed:
            assert len({combination[index] for combination in possible}) >= 2


def test_a_share_is_hidden_when_a_count_is():
    """A percentage of a hidden count would tell the count."""
    small, shown = smallnumbers.figure(3), smallnumbers.figure(8)

    assert figures.share(small, shown, 3, 8) == "x"
    assert figures.share(shown, shown, 8, 8) == "100 %"
    assert figures.share(Figure(0), Figure(0), 0, 0) == "–"
