"""The coordinator's cadence grid: this month and the past six, who falls short and why."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peersupport.accounts.models import Role
from peersupport.accounts.permissions import role_required
from peersupport.accounts.scoping import regions_for
from peersupport.charts import percent_bar_chart

from ..cadence import Cell, CellState, Row, month_starts
from ..cadence_cache import cached_grid
from ..models import SupervisionGroup

# This month and the six before it.
CADENCE_MONTHS = 7
# Peer supporters per page of the grid.
GRID_PAGE_SIZE = 50


@dataclass(frozen=True)
class StateLook:
    """How a cell's state reads in the grid: its words first, a colour only beside them."""

    label: str
    css: str


STATE_LOOKS = {
    CellState.MET: StateLook(gettext_lazy("Met"), "text-bg-success"),
    CellState.ON_TRACK: StateLook(gettext_lazy("On track"), "text-bg-primary"),
    CellState.SHORT: StateLook(gettext_lazy("Short"), "text-bg-danger"),
    CellState.NOT_EXPECTED: StateLook(gettext_lazy("Not expected"), "text-bg-light"),
}


def _display_cell(cell: Cell) -> dict:
    # The cell's words are put together here, once per cell, rather than by template tags:
    # a large region's grid has thousands of cells.
    tally = _("%(attended)s of %(goal)s") % {"attended": cell.attended, "goal": cell.goal}
    if cell.upcoming:
        tally += ", " + _("%(upcoming)s to come") % {"upcoming": cell.upcoming}
    return {
        "cell": cell,
        "month_key": f"{cell.month:%Y-%m}",
        "state": cell.state,
        "look": STATE_LOOKS[cell.state],
        "tally": tally,
        "reasons": cell.reason_texts(),
    }


def _group_names(rows: list[Row]) -> dict[int, list[str]]:
    """The active supervision groups each person is in (one query for everyone)."""
    memberships = (
        SupervisionGroup.members.through.objects.filter(
            participant_id__in={row.participant.pk for row in rows},
            supervisiongroup__active=True,
        )
        .order_by("supervisiongroup__name")
        .values_list("participant_id", "supervisiongroup__name")
    )
    names = defaultdict(list)
    for participant_id, name in memberships:
        names[participant_id].append(name)
    return names


def _chosen_region(request, regions):
    """The region picked in the filter; every region when none (or another) is picked."""
    chosen = request.GET.get("region", "")
    return next((region for region in regions if str(region.pk) == chosen), None)


@role_required(Role.COORDINATOR)
def cadence(request):
    """Every peer supporter with an active placement in the coordinator's regions, and per
    month whether they attended supervision often enough – and if not, why."""
    regions = list(regions_for(request.user, Role.COORDINATOR).order_by("name"))
    region = _chosen_region(request, regions)
    region_ids = [region.pk] if region else [r.pk for r in regions]
    now = timezone.now()
    months = month_starts(timezone.localdate(now), CADENCE_MONTHS)
    rows, per_month = cached_grid(region_ids, months, now)
    # Everyone counts in the trend and the list of who falls short; the grid shows a page.
    page = Paginator(rows, GRID_PAGE_SIZE).get_page(request.GET.get("page"))
    short_rows = [row for row in rows if row.current.state == CellState.SHORT]
    groups = _group_names([*page, *short_rows])
    grid = [
        {
            "participant": row.participant,
            "groups": groups.get(row.participant.pk, []),
            "cells": [_display_cell(cell) for cell in row.cells],
        }
        for row in page
    ]
    short_now = [
        {
            "participant": row.participant,
            "groups": groups.get(row.participant.pk, []),
            "current": row.current,
            "reasons": row.current.reason_texts(),
        }
        for row in short_rows
    ]
    chart = percent_bar_chart(
        title=_("Share of peer supporters meeting the supervision goal, per month"),
        categories=[date_format(month, "b") for month in months],
        values=[point.percent for point in per_month],
    )
    return render(
        request,
        "supervision/cadence.html",
        {
            "regions": regions,
            "region": region,
            "months": months,
            "grid": grid,
            "page": page,
            "short_now": short_now,
            "trend": per_month,
            "chart": chart,
            "goal": settings.SUPERVISION_SESSIONS_PER_MONTH,
        },
    )
