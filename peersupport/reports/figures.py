"""Tables of counts for the report, protected by the small-number rule in one place.

A section counts, per region, plain integers; these functions turn them into report
tables. In a regional report the region's own counts are protected as any table is
(``smallnumbers.protect_table``). In a national report every figure is the sum of the
regions' figures, and is also protected against its parts: each region's table is
protected as in that region's report, and a national figure that would pin down a part
its regional report hides is hidden from the start. So a national report never shows, or
lets a reader work out, a figure a regional report suppresses.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from peersupport import smallnumbers
from peersupport.smallnumbers import Figure, ProtectedTable, Status

from .registry import ReportRow, ReportScope, ReportTable, Text

Counts = Sequence[Sequence[int]]


def _tree_order(table: ProtectedTable) -> list[Figure]:
    return [table.total, *table.row_totals, *(cell for row in table.cells for cell in row)]


def _raw_tree_order(rows: Counts) -> list[int]:
    return [
        sum(sum(row) for row in rows),
        *(sum(row) for row in rows),
        *(value for row in rows for value in row),
    ]


def protected_counts(scope: ReportScope, counts_by_region: dict[int, Counts]) -> ProtectedTable:
    """The scope's table of counts (rows × columns, the same shape in every region) with
    row totals and a grand total, as the report may show it."""
    regional = [counts_by_region[region_id] for region_id in scope.region_ids]
    if not scope.national:
        return smallnumbers.protect_table(regional[0])
    summed = [
        [sum(rows[row][column] for rows in regional) for column in range(len(regional[0][row]))]
        for row in range(len(regional[0]))
    ]
    shown = [_tree_order(smallnumbers.protect_table(rows)) for rows in regional]
    values = [_raw_tree_order(rows) for rows in regional]
    return smallnumbers.protect_table(
        summed,
        parts=[list(figures) for figures in zip(*shown, strict=True)],
        part_values=[list(numbers) for numbers in zip(*values, strict=True)],
    )


def count_table(
    scope: ReportScope,
    *,
    caption: Text,
    row_header: Text,
    row_labels: Sequence[Text],
    columns: Sequence[Text],
    counts_by_region: dict[int, Counts],
    note: Text = "",
) -> ReportTable:
    """A table of additive counts with a total column and a grand total: kinds by month,
    reasons for leaving, themes. Every region has the same rows and columns."""
    table = protected_counts(scope, counts_by_region)
    rows = [
        ReportRow(label, [*cells, total])
        for label, cells, total in zip(row_labels, table.cells, table.row_totals, strict=True)
    ]
    # Column totals would make a two-way table, which the rule's exact check does not
    # cover: only the grand total is shown.
    rows.append(ReportRow(_("Total"), [*([""] * len(columns)), table.total], total=True))
    return ReportTable(
        caption=caption,
        row_header=row_header,
        columns=[*columns, _("Total")],
        rows=rows,
        note=note,
    )


def _hidden(figure: Figure) -> Figure:
    status = Status.SMALL if (figure.value or 0) < smallnumbers.threshold() else Status.HIDDEN
    return Figure(None, status, smallnumbers.threshold())


def figure_table(
    scope: ReportScope,
    *,
    caption: Text,
    row_header: Text,
    row_labels: Sequence[Text],
    columns: Sequence[Text],
    counts_by_region: dict[int, Counts],
    note: Text = "",
) -> ReportTable:
    """A table of counts that do not add up (the steps of a funnel, each month's share of
    people): every figure stands alone, "<5" when small, and a national figure is hidden
    when it would pin down a region's hidden one."""
    return ReportTable(
        caption=caption,
        row_header=row_header,
        columns=list(columns),
        rows=[
            ReportRow(label, cells)
            for label, cells in zip(
                row_labels, standalone_figures(scope, counts_by_region), strict=True
            )
        ],
        note=note,
    )


def standalone_figures(
    scope: ReportScope, counts_by_region: dict[int, Counts]
) -> list[list[Figure]]:
    """Each count protected on its own (primary suppression), and nationally against the
    regions' own figures."""
    regional = [counts_by_region[region_id] for region_id in scope.region_ids]
    if not scope.national:
        return [[smallnumbers.figure(value) for value in row] for row in regional[0]]
    result = []
    for row_index, row in enumerate(regional[0]):
        shown_row = []
        for column in range(len(row)):
            values = [rows[row_index][column] for rows in regional]
            parts = [smallnumbers.figure(value) for value in values]
            total = sum(values)
            shown = smallnumbers.figure(total)
            if not shown.suppressed and smallnumbers.reveals_a_part(total, parts, values):
                shown = _hidden(shown)
            shown_row.append(shown)
        result.append(shown_row)
    return result


def unit_table(
    scope: ReportScope,
    *,
    caption: Text,
    row_header: Text,
    columns: Sequence[Text],
    units_by_region: dict[int, Sequence[tuple[Text, Sequence[int]]]],
    note: Text = "",
) -> ReportTable:
    """Counts per unit (workplace, cohort) in a regional report, with totals. A national
    report shows one row per region instead, each region's row being the column sums of
    its units, protected so that it never reveals a unit its regional report hides."""
    if not scope.national:
        units = units_by_region[scope.region_ids[0]]
        return (
            count_table(
                scope,
                caption=caption,
                row_header=row_header,
                row_labels=[label for label, _counts in units],
                columns=columns,
                counts_by_region={
                    scope.region_ids[0]: [list(counts) for _l, counts in units] or []
                },
                note=note,
            )
            if units
            else ReportTable(caption, row_header, [*columns, _("Total")], [], note)
        )
    width = len(columns)
    regional_tables = {}
    summed = []
    for region in scope.regions:
        units = [list(counts) for _label, counts in units_by_region.get(region.pk, [])]
        regional_tables[region.pk] = (units, smallnumbers.protect_table(units) if units else None)
        summed.append([sum(unit[column] for unit in units) for column in range(width)])
    # The tree of the national table: the grand total, one total per region, the cells.
    parts: list[list[Figure]] = []
    part_values: list[list[int]] = []
    all_totals = [table.total for _units, table in regional_tables.values() if table]
    all_values = [sum(map(sum, units)) for units, table in regional_tables.values() if table]
    parts.append(all_totals)
    part_values.append(all_values)
    for units, table in regional_tables.values():
        parts.append([table.total] if table else [])
        part_values.append([sum(map(sum, units))] if table else [])
    for units, table in regional_tables.values():
        for column in range(width):
            parts.append([row[column] for row in table.cells] if table else [])
            part_values.append([unit[column] for unit in units])
    national = smallnumbers.protect_table(summed, parts=parts, part_values=part_values)
    rows = [
        ReportRow(region.name, [*cells, total])
        for region, cells, total in zip(
            scope.regions, national.cells, national.row_totals, strict=True
        )
    ]
    rows.append(ReportRow(_("Total"), [*([""] * width), national.total], total=True))
    return ReportTable(
        caption=caption,
        row_header=_("Region"),
        columns=[*columns, _("Total")],
        rows=rows,
        note=note,
    )


def share(numerator: Figure, denominator: Figure, raw_numerator: int, raw_denominator: int) -> str:
    """A percentage of two counts as text: hidden ("x") when either count is, a dash
    when there is nothing to divide by."""
    if numerator.suppressed or denominator.suppressed:
        return smallnumbers.HIDDEN_SYMBOL
    if not raw_denominator:
        return "–"
    return f"{round(100 * raw_numerator / raw_denominator)} %"
