"""Tables of counts for the report, protected by the small-number rule in one place.

A section counts, per region, plain integers; these functions turn them into report
tables. In a regional report the region's own counts are protected as any table is
(``smallnumbers.protect_table``). In a national report every figure is the sum of the
regions' figures at the same place, and it is shown only when every region's report
shows its own figure there.

So every figure a national report shows is a sum of figures the regional reports show:
anyone can check it by adding them up, and it tells a reader nothing the regional reports
do not. A hidden national figure tells nothing either: where the regional reports do not
already say whether it is small, it is "x" whatever its size, since "<5" would say that
the hidden parts add up to at most 4, which beside the regions' own tables can pin them
down. A sharper rule that shows a national sum whenever it pins no single hidden part is
not safe: two regions each showing "<5", "x", 5 (total 13) for 3, 5, 5 have hidden 3s
that can only be 0 to 3, and a national 6 would give both away."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from peersupport import smallnumbers
from peersupport.smallnumbers import Figure, ProtectedTable, Status

from .registry import ReportRow, ReportScope, ReportTable, Text

Counts = Sequence[Sequence[int]]


def _national(values: Sequence[int], parts: Sequence[Figure]) -> Figure:
    """A national figure: the sum of the regions' ``values``, shown only when each
    region's report shows its part (``parts``). Hidden, it says only what the regional
    reports say already: "x" when a part is "x" or the shown parts reach the threshold
    (so the sum does too), "<5" when it is one region's "<5" beside zeros, and "x" whatever
    its size when it sums several regions' "<5"."""
    limit = smallnumbers.threshold()
    hidden = [part for part in parts if part.suppressed]
    if not hidden:
        return Figure(sum(values), limit=limit)
    shown_sum = sum(part.value for part in parts if not part.suppressed)
    if len(hidden) == 1 and hidden[0].status is Status.SMALL and shown_sum < limit:
        return Figure(None, Status.SMALL, limit)
    return Figure(None, Status.HIDDEN, limit)


def protected_counts(scope: ReportScope, counts_by_region: dict[int, Counts]) -> ProtectedTable:
    """The scope's table of counts (rows × columns, the same shape in every region) with
    row totals and a grand total, as the report may show it."""
    regional = [counts_by_region[region_id] for region_id in scope.region_ids]
    if not scope.national:
        return smallnumbers.protect_table(regional[0])
    shown = [smallnumbers.protect_table(rows) for rows in regional]
    return ProtectedTable(
        cells=[
            [
                _national(
                    [rows[row][column] for rows in regional],
                    [table.cells[row][column] for table in shown],
                )
                for column in range(len(regional[0][row]))
            ]
            for row in range(len(regional[0]))
        ],
        row_totals=[
            _national(
                [sum(rows[row]) for rows in regional], [table.row_totals[row] for table in shown]
            )
            for row in range(len(regional[0]))
        ],
        total=_national([sum(map(sum, rows)) for rows in regional], [t.total for t in shown]),
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
    """Each count protected on its own (primary suppression); a national one is shown
    only when every region shows its own."""
    regional = [counts_by_region[region_id] for region_id in scope.region_ids]
    if not scope.national:
        return [[smallnumbers.figure(value) for value in row] for row in regional[0]]
    columns_by_row = [
        [[rows[row][column] for rows in regional] for column in range(len(regional[0][row]))]
        for row in range(len(regional[0]))
    ]
    return [
        [_national(values, [smallnumbers.figure(value) for value in values]) for values in row]
        for row in columns_by_row
    ]


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
    its units, each shown only when the regional report shows every unit's figure in it."""
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
    cells, row_totals, totals, values = [], [], [], []
    for region in scope.regions:
        units = [list(counts) for _label, counts in units_by_region.get(region.pk, [])]
        table = smallnumbers.protect_table(units) if units else None
        cells.append(
            [
                _national(
                    [unit[column] for unit in units],
                    [row[column] for row in table.cells] if table else [],
                )
                for column in range(width)
            ]
        )
        total = sum(map(sum, units))
        row_totals.append(_national([total], [table.total] if table else []))
        totals.append(table.total if table else Figure(0))
        values.append(total)
    national = ProtectedTable(cells, row_totals, _national(values, totals))
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
