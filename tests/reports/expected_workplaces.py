"""The workplaces' report tables (readiness, placements, support sessions) of one region,
recounted in the test from the records, without the section code: every row as the PDF
prints it in English, for the end-to-end test and the sections' own tests."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import formats, timezone, translation

from peersupport.smallnumbers import figure, hidden_with, protect_table
from workplaces.models import (
    Employer,
    FollowUpReview,
    Placement,
    PlacementStatus,
    ReviewRespondent,
    SessionKind,
    SupportSession,
    Theme,
    Workplace,
    WorkplaceType,
)

Rows = list[tuple[str, list[str]]]


def expected_tables(region, start: dt.date, end: dt.date) -> dict[str, Rows]:
    with translation.override("en"):
        day = min(end, timezone.localdate())
        tables: dict[str, Rows] = {}
        tables.update(_readiness(region, day))
        tables.update(_placements(region, start, end, day))
        tables.update(_sessions(region, start, end))
        return tables


def _text(cell) -> str:
    """A cell as the report's template prints it."""
    return "–" if cell is None else str(formats.localize(cell))


def _table_rows(labels, counts) -> Rows:
    """Rows of counts with their totals and a grand total, protected as a report table."""
    table = protect_table(counts)
    rows = [
        (str(label), [*map(str, cells), str(total)])
        for label, cells, total in zip(labels, table.cells, table.row_totals, strict=True)
    ]
    width = len(counts[0]) if counts else 0
    rows.append(("Total", [""] * width + [str(table.total)]))
    return rows


def _day(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _month(month: dt.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _readiness(region, day: dt.date) -> dict[str, Rows]:
    required = settings.READINESS_STAFF_TRAININGS
    known = []
    for workplace in Workplace.objects.filter(region=region).prefetch_related(
        "readiness", "staff_trainings"
    ):
        # In force on the day: not withdrawn by then, and a budget whose period had not ended.
        confirmed = {
            r.item
            for r in workplace.readiness.all()
            if r.confirmed_on <= day
            and not (r.withdrawn_on and r.withdrawn_on <= day)
            and not (r.item == "budget" and r.period_end < day)
        }
        trainings = [
            t for t in workplace.staff_trainings.all() if t.held_on <= day and t.staff_count
        ]
        registered = timezone.localdate(workplace.created_at) <= day
        if not (registered or confirmed or trainings):
            continue
        gaps = [
            "budget" not in confirmed,
            "anchoring" not in confirmed,
            len(trainings) < required,
            "user_movement_contact" not in confirmed,
        ]
        known.append((workplace.type, gaps))
    if not known:
        return {}
    types = [t for t in WorkplaceType if any(known_type == t for known_type, _g in known)]
    counts = [[0] * len(types), [0] * len(types)]
    missing = [0, 0, 0, 0]
    for workplace_type, gaps in known:
        counts[1 if any(gaps) else 0][types.index(workplace_type)] += 1
        missing = [m + gap for m, gap in zip(missing, gaps, strict=True)]
    labels = [
        "Budget for the post not confirmed",
        "Decision not anchored with the staff",
        f"Fewer than {required} staff training sessions held",
        "No user-movement contact named",
    ]
    return {
        f"Workplaces on {_day(day)} by readiness and type": _table_rows(
            ["Ready", "Not ready"], counts
        ),
        f"What the workplaces that were not ready missed on {_day(day)}": [
            (label, [str(figure(count))]) for label, count in zip(labels, missing, strict=True)
        ],
    }


def _active_on(placement: Placement, day: dt.date) -> bool:
    agreed = placement.status in (PlacementStatus.AGREED, PlacementStatus.ACTIVE) or (
        placement.status == PlacementStatus.ENDED
        and placement.coordinator_agreed_at is not None
        and placement.manager_agreed_at is not None
    )
    return (
        agreed
        and placement.start_date <= day
        and (placement.end_date is None or placement.end_date >= day)
    )


def _placements(region, start: dt.date, end: dt.date, day: dt.date) -> dict[str, Rows]:
    by_workplace: dict[Workplace, list[Placement]] = {}
    for placement in Placement.objects.filter(workplace__region=region).select_related("workplace"):
        if _active_on(placement, day):
            by_workplace.setdefault(placement.workplace, []).append(placement)
    done = overdue = 0
    for review in FollowUpReview.objects.filter(
        placement__workplace__region=region
    ).prefetch_related("responses"):
        answered = {
            r.respondent: timezone.localdate(r.submitted_at) for r in review.responses.all()
        }
        both = len(answered) == len(ReviewRespondent)
        if both and start <= max(answered.values()) <= end:
            done += 1
        answered_by_day = both and max(answered.values()) <= day
        if review.due_on < day and _active_on(review.placement, day) and not answered_by_day:
            overdue += 1
    if not by_workplace and not done and not overdue:
        return {}
    tables = {}
    if by_workplace:
        workplaces = sorted(by_workplace, key=lambda w: (w.name, w.pk))
        employers = [Employer.ASSOCIATION, Employer.WORKPLACE]
        counts = [
            [sum(p.employer == employer for p in by_workplace[w]) for employer in employers]
            for w in workplaces
        ]
        hours = [float(sum(p.hours_per_week for p in by_workplace[w])) for w in workplaces]
        hours.append(sum(hours))
        protected = protect_table(counts)
        tables[f"Placements active on {_day(day)} by workplace and employer of record"] = (
            _table_rows([w.name for w in workplaces], counts)
        )
        tables[f"Working hours of the placements active on {_day(day)}"] = [
            (
                label,
                [
                    _text(hidden_with(count, round(h, 1))),
                    _text(hidden_with(count, round(h / 40, 2))),
                ],
            )
            for label, count, h in zip(
                [w.name for w in workplaces] + ["Total"],
                [*protected.row_totals, protected.total],
                hours,
                strict=True,
            )
        ]
    tables["Follow-up reviews of placements"] = [
        ("Done in the period", [str(figure(done))]),
        (f"Overdue on {_day(day)}", [str(figure(overdue))]),
    ]
    return tables


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def _sessions(region, start: dt.date, end: dt.date) -> dict[str, Rows]:
    sessions = list(
        SupportSession.objects.filter(
            placement__workplace__region=region, date__gte=start, date__lte=end
        )
    )
    if not sessions:
        return {}
    months = _months(start, end)
    kinds = list(SessionKind)

    def in_month(session, month):
        return (session.date.year, session.date.month) == (month.year, month.month)

    counts = [
        [sum(in_month(s, month) and s.kind == kind for s in sessions) for kind in kinds]
        for month in months
    ]
    minutes = [sum(s.minutes for s in sessions if in_month(s, month)) for month in months]
    number = [sum(month_counts) for month_counts in counts]
    minutes.append(sum(minutes))
    number.append(sum(number))
    protected = protect_table(counts)
    month_labels = [_month(month) for month in months]
    themes = [
        [sum(in_month(s, month) and theme in s.themes for s in sessions) for month in months]
        for theme in Theme
    ]
    return {
        "Support sessions by month and kind": _table_rows(month_labels, counts),
        "Hours of support sessions by month": [
            (
                label,
                [
                    _text(hidden_with(count, round(m / 60, 1))),
                    _text(hidden_with(count, round(m / n) if n else None)),
                ],
            )
            for label, count, m, n in zip(
                [*month_labels, "Total"],
                [*protected.row_totals, protected.total],
                minutes,
                number,
                strict=True,
            )
        ],
        "Support sessions by theme and month": _table_rows(
            [theme.label for theme in Theme], themes
        ),
    }
