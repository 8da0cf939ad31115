"""The supervision section's tables for a regional report, recounted from the database
with the ORM as the section's definitions describe them (not with the section's code)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from peersupport import smallnumbers
from supervision.models import AttendanceStatus, SessionAttendance, SessionStatus
from workplaces.models import Placement, PlacementStatus

REASONS = ["absent", "excused", "cancelled", "not_recorded", "none_planned", "too_few_planned"]


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def _months(start: dt.date, end: dt.date, today: dt.date) -> list[dt.date]:
    months, month = [], start.replace(day=1)
    while month <= end and month <= today.replace(day=1):
        months.append(month)
        month = _next_month(month)
    return months


def _column(tally: dict[str, int], *, current: bool, goal: int) -> int | None:
    """None for a month that met the goal, else the column index of its main reason."""
    if tally["present"] >= goal:
        return None
    missed = tally["absent"] + tally["excused"] + tally["cancelled"] + tally["not_recorded"]
    if current and not missed and tally["present"] + tally["upcoming"] >= goal:
        return len(REASONS)
    for index, code in enumerate(REASONS[:4]):
        if tally[code]:
            return index
    planned = tally["present"] + tally["upcoming"]
    return REASONS.index("none_planned" if planned == 0 else "too_few_planned")


def monthly_trees(region, start: dt.date, end: dt.date) -> dict[dt.date, list[list[int]]]:
    """Per month: [[met], [count per reason column]]."""
    zone = ZoneInfo(settings.TIME_ZONE)
    now = timezone.now()
    today = timezone.localdate(now)
    goal = settings.SUPERVISION_SESSIONS_PER_MONTH
    trees = {}
    for month in _months(start, end, today):
        following = _next_month(month)
        people = set(
            Placement.objects.filter(
                workplace__region=region,
                status__in=[PlacementStatus.ACTIVE, PlacementStatus.ENDED],
                start_date__lt=following,
            )
            .exclude(end_date__lt=month)
            .values_list("participant_id", flat=True)
        )
        tallies: dict[int, dict[str, int]] = {pk: defaultdict(int) for pk in people}
        attendances = SessionAttendance.objects.filter(
            participant_id__in=people,
            session__starts_at__gte=dt.datetime.combine(month, dt.time.min, zone),
            session__starts_at__lt=dt.datetime.combine(following, dt.time.min, zone),
        ).select_related("session")
        for attendance in attendances:
            tally = tallies[attendance.participant_id]
            if attendance.session.status == SessionStatus.CANCELLED:
                tally["cancelled"] += 1
            elif attendance.status == AttendanceStatus.PRESENT:
                tally["present"] += 1
            elif attendance.status == AttendanceStatus.ABSENT:
                tally["absent"] += 1
            elif attendance.status == AttendanceStatus.EXCUSED:
                tally["excused"] += 1
            elif attendance.session.starts_at > now:
                tally["upcoming"] += 1
            else:
                tally["not_recorded"] += 1
        tree = [[0], [0] * (len(REASONS) + 1)]
        for tally in tallies.values():
            column = _column(tally, current=month == today.replace(day=1), goal=goal)
            if column is None:
                tree[0][0] += 1
            else:
                tree[1][column] += 1
        trees[month] = tree
    return trees


def expected_tables(region, start: dt.date, end: dt.date) -> dict[str, list[tuple[str, list[str]]]]:
    trees = monthly_trees(region, start, end)
    if not any(sum(map(sum, tree)) for tree in trees.values()):
        return {}
    by_month, by_reason = [], []
    for month, tree in trees.items():
        table = smallnumbers.protect_table(tree)
        active, met = table.total, table.row_totals[0]
        raw_active, raw_met = sum(map(sum, tree)), tree[0][0]
        if active.suppressed or met.suppressed:
            percent = "x"
        elif not raw_active:
            percent = "–"
        else:
            percent = f"{round(100 * raw_met / raw_active)} %"
        label = date_format(month, "F Y")
        by_month.append((label, [str(active), str(met), percent]))
        by_reason.append(
            (label, [*(str(cell) for cell in table.cells[1]), str(table.row_totals[1])])
        )
    return {
        "Peer supporters meeting the supervision goal, by month": by_month,
        "Peer supporters not meeting the supervision goal, by main reason": by_reason,
    }
