"""Supervision cadence: every peer supporter with a placement should attend supervision
twice a calendar month. Who falls short, in which month, and why.

A month counts for a person while one of their placements (active or since ended) covers
part of it. The whole grid costs three queries whatever the number of people and months:
the people, their placements, and one aggregate over their attendance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, DateField, Min, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programmes.models import Participant
from workplaces.models import Placement, PlacementStatus

from .models import AttendanceStatus, SessionAttendance, SessionStatus

REASONS = {
    "absent": _("Absent"),
    "excused": _("Excused absence"),
    "cancelled": _("Session cancelled"),
    "not_recorded": _("Attendance not recorded"),
    "none_planned": _("None planned"),
    "too_few_planned": _("Too few planned"),
}


class CellState:
    MET = "met"
    ON_TRACK = "on_track"
    SHORT = "short"
    NOT_EXPECTED = "not_expected"


@dataclass
class Cell:
    month: dt.date
    expected: bool
    current: bool
    attended: int = 0
    absent: int = 0
    excused: int = 0
    cancelled: int = 0
    upcoming: int = 0
    not_recorded: int = 0
    goal: int = 2

    @property
    def planned(self) -> int:
        """Sessions not cancelled that the person was, or is, expected at this month."""
        return self.attended + self.absent + self.excused + self.upcoming + self.not_recorded

    @property
    def state(self) -> str:
        if not self.expected:
            return CellState.NOT_EXPECTED
        if self.attended >= self.goal:
            return CellState.MET
        missed = self.absent + self.excused + self.cancelled + self.not_recorded
        if self.current and not missed and self.attended + self.upcoming >= self.goal:
            return CellState.ON_TRACK
        return CellState.SHORT

    @property
    def reasons(self) -> list[tuple[str, str, int]]:
        """Why the person falls short: (code, label, how many sessions)."""
        if self.state != CellState.SHORT:
            return []
        counted = [
            ("absent", self.absent),
            ("excused", self.excused),
            ("cancelled", self.cancelled),
            ("not_recorded", self.not_recorded),
        ]
        reasons = [(code, REASONS[code], n) for code, n in counted if n]
        if self.planned == 0 and not self.cancelled:
            reasons.append(("none_planned", REASONS["none_planned"], 0))
        elif self.planned < self.goal:
            reasons.append(("too_few_planned", REASONS["too_few_planned"], self.planned))
        return reasons

    def reason_texts(self) -> list[str]:
        """The reasons as a person reads them: "Absent: 1", "Too few planned: 1 of 2"."""
        texts = []
        for code, label, count in self.reasons:
            if code == "none_planned":
                texts.append(str(label))
            elif code == "too_few_planned":
                texts.append(
                    gettext("%(reason)s: %(planned)d of %(goal)d")
                    % {"reason": label, "planned": count, "goal": self.goal}
                )
            else:
                texts.append(gettext("%(reason)s: %(count)d") % {"reason": label, "count": count})
        return texts


@dataclass
class Row:
    participant: Participant
    cells: list[Cell] = field(default_factory=list)

    @property
    def current(self) -> Cell:
        return self.cells[-1]


@dataclass
class MonthTrend:
    month: dt.date
    expected: int
    met: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.met / self.expected) if self.expected else None


def month_starts(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` months up to and including ``today``'s, oldest first."""
    first = today.replace(day=1)
    return [first - relativedelta(months=back) for back in range(count - 1, -1, -1)]


def placement_covers(placement: Placement, month: dt.date) -> bool:
    return _covers(placement, month, _month_end(month))


def _month_end(month: dt.date) -> dt.date:
    return month + relativedelta(months=1) - dt.timedelta(days=1)


def _covers(placement: Placement, month: dt.date, month_end: dt.date) -> bool:
    return placement.start_date <= month_end and (
        placement.end_date is None or placement.end_date >= month
    )


def _participants(region_ids, months: list[dt.date], *, active_now: bool):
    window_end = months[-1] + relativedelta(months=1)
    placements = Placement.objects.filter(
        workplace__region_id__in=region_ids,
        status__in=[PlacementStatus.ACTIVE, PlacementStatus.ENDED],
        start_date__lt=window_end,
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=months[0]))
    people = Participant.objects.filter(
        pk__in=(placements.active() if active_now else placements).values("participant_id")
    )
    # Only what a row shows: the cadence cache keeps these rows, and nothing else about the
    # person (e-mail, phone, motivation) belongs there.
    return (
        people.only("pk", "full_name", "region_id")
        .order_by("full_name", "pk")
        .prefetch_related(Prefetch("placements", queryset=placements, to_attr="cadence_placements"))
    )


def _counts(participant_ids, months: list[dt.date], now: dt.datetime):
    """Per (person, month), their sessions counted by what became of them, in SQL: one row
    per person and month whatever the number of sessions."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = timezone.make_aware(dt.datetime.combine(months[0], dt.time.min), zone)
    end = timezone.make_aware(
        dt.datetime.combine(months[-1] + relativedelta(months=1), dt.time.min), zone
    )
    cancelled = Q(session__status=SessionStatus.CANCELLED)
    unrecorded = ~cancelled & ~Q(
        status__in=[AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED]
    )
    rows = (
        SessionAttendance.objects.filter(
            participant_id__in=participant_ids,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
        )
        .annotate(month=TruncMonth("session__starts_at", tzinfo=zone, output_field=DateField()))
        .order_by()
        .values("participant_id", "month")
        .annotate(
            cancelled=Count("session_id", filter=cancelled),
            attended=Count("session_id", filter=~cancelled & Q(status=AttendanceStatus.PRESENT)),
            absent=Count("session_id", filter=~cancelled & Q(status=AttendanceStatus.ABSENT)),
            excused=Count("session_id", filter=~cancelled & Q(status=AttendanceStatus.EXCUSED)),
            upcoming=Count("session_id", filter=unrecorded & Q(session__starts_at__gt=now)),
            not_recorded=Count("session_id", filter=unrecorded & Q(session__starts_at__lte=now)),
            # When the grid next changes by the clock alone (a session to come starts).
            next_start=Min("session__starts_at", filter=Q(session__starts_at__gt=now)),
        )
    )
    counts = {(row.pop("participant_id"), row.pop("month")): row for row in rows}
    starts = [row.pop("next_start") for row in counts.values()]
    return counts, min((start for start in starts if start is not None), default=None)


def cadence_rows(
    region_ids, months: list[dt.date], *, active_now: bool = True, now: dt.datetime | None = None
) -> list[Row]:
    """A row per peer supporter (with an active placement now, or with any placement in
    the months when ``active_now`` is false), a cell per month in ``months``."""
    return cadence_rows_until(region_ids, months, active_now=active_now, now=now)[0]


def cadence_rows_until(
    region_ids, months: list[dt.date], *, active_now: bool = True, now: dt.datetime | None = None
) -> tuple[list[Row], dt.datetime | None]:
    """``cadence_rows``, and when the next of their sessions in ``months`` starts (the rows
    stay as they are until then unless the data changes; None: none to come)."""
    now = now or timezone.now()
    this_month = timezone.localtime(now).date().replace(day=1)
    people = list(_participants(region_ids, months, active_now=active_now))
    counts, next_start = _counts([p.pk for p in people], months, now)
    goal = settings.SUPERVISION_SESSIONS_PER_MONTH
    month_ends = [_month_end(month) for month in months]
    rows = []
    for person in people:
        row = Row(participant=person)
        for month, month_end in zip(months, month_ends, strict=True):
            row.cells.append(
                Cell(
                    month=month,
                    expected=any(_covers(p, month, month_end) for p in person.cadence_placements),
                    current=month == this_month,
                    goal=goal,
                    **counts.get((person.pk, month), {}),
                )
            )
        rows.append(row)
    return rows, next_start


def trend(rows: list[Row], months: list[dt.date]) -> list[MonthTrend]:
    """Per month: how many people were expected, and how many met the goal."""
    result = []
    for index, month in enumerate(months):
        cells = [row.cells[index] for row in rows if row.cells[index].expected]
        met = sum(cell.state == CellState.MET for cell in cells)
        result.append(MonthTrend(month=month, expected=len(cells), met=met))
    return result


def _month_of(month: dt.date | str) -> dt.date:
    if isinstance(month, str):
        return dt.date.fromisoformat(f"{month}-01")
    return month.replace(day=1)


def shortfall_rows(*, region, month: dt.date | str) -> list[Row]:
    """The people who fell short of supervision in ``region`` in ``month``."""
    months = [_month_of(month)]
    rows = cadence_rows([region.pk], months, active_now=False)
    return [row for row in rows if row.cells[0].state == CellState.SHORT]


def shortfalls_by_region(month: dt.date) -> set[int]:
    """Ids of the regions where someone fell short in ``month``."""
    from peersupport.accounts.models import Region

    return {
        region.pk for region in Region.objects.all() if shortfall_rows(region=region, month=month)
    }
