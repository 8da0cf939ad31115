"""The supervision cadence register sheet for the region's coordinators. Registered from
``AppConfig.ready()``.

A row per peer supporter and month, read from the cadence grid (``supervision.cadence``)
over twelve months: sessions attended against the goal and, for a month that fell short,
why – as the coordinator's cadence page shows it. Never a supervisor's private notes,
the reasons given for an absence or the peer supporters' own comments. A fixed number of
queries whatever the number of people."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peersupport.reports.registers import RegisterSheet, SheetContent, register_sheet

from .cadence import CellState, cadence_rows, month_starts

# This month and the eleven before it.
REGISTER_MONTHS = 12

STATE_LABELS = {
    CellState.MET: gettext_lazy("Met"),
    CellState.ON_TRACK: gettext_lazy("On track"),
    CellState.SHORT: gettext_lazy("Short"),
}


def cadence_sheet(region, actor) -> SheetContent:
    """A row per peer supporter with a placement in the region and per month that one of
    their placements covers (this month and the eleven before it, oldest first)."""
    now = timezone.now()
    months = month_starts(timezone.localdate(now), REGISTER_MONTHS)
    rows = []
    for row in cadence_rows([region.pk], months, active_now=False, now=now):
        for cell in row.cells:
            if not cell.expected:
                continue
            rows.append(
                [
                    row.participant.full_name,
                    date_format(cell.month, "Y-m"),
                    cell.attended,
                    cell.goal,
                    cell.planned,
                    str(STATE_LABELS[cell.state]),
                    "; ".join(cell.reason_texts()),
                ]
            )
    return SheetContent(
        headers=[
            _("Peer supporter"),
            _("Month"),
            _("Sessions attended"),
            _("Goal"),
            _("Sessions planned"),
            _("Result"),
            _("Why it fell short"),
        ],
        rows=rows,
    )


register_sheet(
    RegisterSheet(
        key="supervision_cadence",
        title=gettext_lazy("Supervision cadence"),
        order=40,
        description=gettext_lazy(
            "A row per peer supporter and month over the past year: supervision sessions "
            "attended against the goal, and why a month fell short."
        ),
        build=cadence_sheet,
    )
)
