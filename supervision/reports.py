"""The supervision section of the evaluation report: the share of peer supporters meeting
the supervision goal each month, and why the others did not.

Who counts in a month, who met the goal and why someone fell short is the cadence page's
logic (``supervision.cadence``), read for every region of the scope at once: four
queries whatever the number of regions, people and months (the cadence's three, and the
regions of the placements' workplaces). The supervisor's private notes are never read.

Each month's figures form one table of counts: the peer supporters who counted that
month, split into those who met the goal and those who did not, and these split by main
reason. It is protected as a whole (``figures.protected_counts``), so the monthly table
and the reasons table never let a reader subtract a figure that either hides.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peersupport.charts import percent_bar_chart
from peersupport.reports.figures import protected_counts, share
from peersupport.reports.registry import (
    Definition,
    ReportChart,
    ReportRow,
    ReportScope,
    ReportSection,
    ReportTable,
    SectionContent,
    register_section,
)
from workplaces.models import Workplace

from .cadence import REASONS, CellState, Row, cadence_rows, placement_covers

# A month still under way where nobody has missed a session and enough are still planned:
# not (yet) a shortfall, so it has its own column beside the reasons.
STILL_TO_COME = "still_to_come"
COLUMNS = [*REASONS, STILL_TO_COME]


def _column_label(code: str) -> str:
    if code == STILL_TO_COME:
        return _("Still to come")
    return str(REASONS[code])


def month_label(month: dt.date) -> str:
    return date_format(month, "F Y")


def reported_months(scope: ReportScope, today: dt.date) -> list[dt.date]:
    """The period's months that have begun by ``today``: later ones have nothing to count."""
    return [month for month in scope.months() if month <= today.replace(day=1)]


def _column_of(row: Row, index: int) -> str | None:
    """Where a person's month goes: None when they met the goal, else its main reason (the
    first the cadence page lists) or "still to come"."""
    cell = row.cells[index]
    if cell.state == CellState.MET:
        return None
    if cell.state == CellState.ON_TRACK:
        return STILL_TO_COME
    return cell.reasons[0][0]


def monthly_counts(
    scope: ReportScope, months: list[dt.date], now: dt.datetime
) -> dict[dt.date, dict[int, list[list[int]]]]:
    """Per month and region: [[met], [one count per column of ``COLUMNS``]]."""
    rows = cadence_rows(scope.region_ids, months, active_now=False, now=now)
    workplace_ids = {p.workplace_id for row in rows for p in row.participant.cadence_placements}
    region_of = dict(Workplace.objects.filter(pk__in=workplace_ids).values_list("pk", "region_id"))
    counts: dict[dt.date, dict[int, list[list[int]]]] = {
        month: {pk: [[0], [0] * len(COLUMNS)] for pk in scope.region_ids} for month in months
    }
    for row in rows:
        for index, month in enumerate(months):
            if not row.cells[index].expected:
                continue
            column = _column_of(row, index)
            # Counted once in each region where one of their placements covers the month.
            regions = {
                region_of[placement.workplace_id]
                for placement in row.participant.cadence_placements
                if placement_covers(placement, month)
            }
            for region_id in regions & set(scope.region_ids):
                tree = counts[month][region_id]
                if column is None:
                    tree[0][0] += 1
                else:
                    tree[1][COLUMNS.index(column)] += 1
    return counts


def build(scope: ReportScope) -> SectionContent:
    now = timezone.now()
    goal = settings.SUPERVISION_SESSIONS_PER_MONTH
    months = reported_months(scope, timezone.localdate(now))
    content = SectionContent(
        title=_("Supervision"),
        intro=_(
            "Every active peer supporter should have supervision %(goal)d times a month. "
            "Per month: how many peer supporters had a placement, how many attended "
            "supervision at least %(goal)d times, and the main reason for the others."
        )
        % {"goal": goal},
        definitions=definitions(goal),
        empty_text=_("No peer supporter had a placement in this period."),
    )
    counts = monthly_counts(scope, months, now) if months else {}
    if not any(
        sum(tree[0]) + sum(tree[1]) for by_region in counts.values() for tree in by_region.values()
    ):
        return content
    month_rows, reason_rows, chart_values = [], [], []
    for month in months:
        by_region = counts[month]
        table = protected_counts(scope, by_region)
        raw_active = sum(sum(t[0]) + sum(t[1]) for t in by_region.values())
        raw_met = sum(t[0][0] for t in by_region.values())
        active, met = table.total, table.row_totals[0]
        percent = share(met, active, raw_met, raw_active)
        month_rows.append(ReportRow(month_label(month), [active, met, percent]))
        reason_rows.append(ReportRow(month_label(month), [*table.cells[1], table.row_totals[1]]))
        chart_values.append(
            round(100 * raw_met / raw_active)
            if raw_active and not (met.suppressed or active.suppressed)
            else None
        )
    chart_title = _("Share of active peer supporters meeting the supervision goal, by month")
    content.blocks = [
        ReportChart(
            svg=percent_bar_chart(
                title=chart_title,
                categories=[month_label(month) for month in months],
                values=chart_values,
            ),
            alt=_chart_alt(goal, months, month_rows),
        ),
        ReportTable(
            caption=_("Peer supporters meeting the supervision goal, by month"),
            row_header=_("Month"),
            columns=[
                _("Active peer supporters"),
                _("Met the goal"),
                _("Share meeting the goal"),
            ],
            rows=month_rows,
        ),
        ReportTable(
            caption=_("Peer supporters not meeting the supervision goal, by main reason"),
            row_header=_("Month"),
            columns=[*(_column_label(code) for code in COLUMNS), _("Total")],
            rows=reason_rows,
            note=_(
                "Each peer supporter is counted once a month, under the first reason that "
                "applies, in the order of the columns."
            ),
        ),
    ]
    return content


def _chart_alt(goal: int, months: list[dt.date], rows: list[ReportRow]) -> str:
    values = "; ".join(f"{row.label}: {row.cells[2]}" for row in rows)
    return _(
        "Bar chart of the share of active peer supporters who attended supervision at "
        "least %(goal)d times, per month from %(first)s to %(last)s (x: hidden to protect "
        "small numbers; –: nobody to count). %(values)s."
    ) % {
        "goal": goal,
        "first": month_label(months[0]),
        "last": month_label(months[-1]),
        "values": values,
    }


def definitions(goal: int) -> list[Definition]:
    return [
        Definition(
            _("Active peer supporters"),
            _(
                "Per calendar month (Europe/Stockholm) of the period that has begun when the "
                "report is made: the peer supporters with a placement at a workplace in the "
                "region, active or since ended (proposed and agreed placements do not "
                "count), whose start date is on or before the month's last day and whose "
                "end date is empty or on or after its first day. A person placed in two "
                "regions counts in each; the national figure is the sum of the regions'."
            ),
        ),
        Definition(
            _("Met the goal"),
            _(
                "Marked present at %(goal)d or more supervision sessions (individual or "
                "group, in any region) that start in the month and were not cancelled."
            )
            % {"goal": goal},
        ),
        Definition(
            _("Main reason"),
            _(
                "For an active peer supporter who did not meet the goal: marked absent at a "
                "session; else excused; else a session of theirs that month was cancelled; "
                "else a past session with no attendance recorded; else no session planned "
                "for them at all; else fewer sessions planned than the goal. In the month "
                "under way, someone who has missed nothing and has enough sessions still "
                'planned is counted under "Still to come", not as a shortfall. Attendance '
                "is as recorded when the report is made."
            ),
        ),
        Definition(
            _("Share meeting the goal"),
            _(
                "Met the goal divided by active peer supporters, in whole percent; hidden "
                "(x) when either count is hidden."
            ),
        ),
    ]


register_section(
    ReportSection(key="supervision", title=gettext_lazy("Supervision"), order=50, build=build)
)
