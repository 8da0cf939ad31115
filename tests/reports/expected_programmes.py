"""The tables of the funnel and course sections of a regional report, as the report should
print them, computed straight from the database.

Written apart from the sections on purpose: every figure is counted here with its own
queries (and the completion rule re-stated), then protected with the small-number rule,
so a section that counted something else disagrees with this module."""

from __future__ import annotations

import datetime as dt
import math

from dateutil.relativedelta import relativedelta
from django.utils import formats, timezone, translation

from peersupport import smallnumbers
from programmes.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    LeavingReason,
    Participant,
    ParticipantStatus,
    StatusChange,
)
from workplaces.models import Employer, Placement, PlacementEndReason, PlacementStatus

Rows = list[tuple[str, list[str]]]
PRESENT, ABSENT, EXCUSED = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.ABSENT,
    AttendanceStatus.EXCUSED,
)


def expected_tables(region, start: dt.date, end: dt.date) -> dict[str, Rows]:
    """Caption → rows (label, cell texts) of every table the two sections print for
    ``region`` and the period ``start``–``end`` (both included), in English."""
    with translation.override("en"):
        return {**funnel_tables(region, start, end), **course_tables(region, start, end)}


# The completion rule, re-stated ----------------------------------------------------------


def standing(enrolment: Enrolment) -> str:
    """ "complete", "at_risk" or "on_track", from the enrolment's recorded attendance."""
    cohort = enrolment.cohort
    sessions = list(cohort.sessions.all())
    needed = math.ceil(len(sessions) * cohort.template.min_attendance_percent / 100)
    marks = dict(Attendance.objects.filter(enrolment=enrolment).values_list("session_id", "status"))
    present = sum(marks.get(s.pk) == PRESENT for s in sessions)
    absences = sum(marks.get(s.pk) in (ABSENT, EXCUSED) for s in sessions)
    missing = unrecoverable = False
    for module in cohort.template.modules.filter(required=True):
        days = [s.pk for s in sessions if module in s.modules.all()]
        if not any(marks.get(day) == PRESENT for day in days):
            missing = True
            unrecoverable = unrecoverable or all(day in marks for day in days)
    if present >= needed and not missing:
        return "complete"
    if absences > len(sessions) - needed or unrecoverable:
        return "at_risk"
    return "on_track"


def _text(figure) -> str:
    return str(figure)


def _share(numerator, denominator, raw_numerator: int, raw_denominator: int) -> str:
    if numerator.suppressed or denominator.suppressed:
        return "x"
    return f"{round(100 * raw_numerator / raw_denominator)} %" if raw_denominator else "–"


def _count_rows(labels: list[str], counts: list[list[int]]) -> Rows:
    """A table with row totals and a grand total, as figures.count_table prints it."""
    table = smallnumbers.protect_table(counts)
    rows = [
        (label, [*map(_text, cells), _text(total)])
        for label, cells, total in zip(labels, table.cells, table.row_totals, strict=True)
    ]
    rows.append(("Total", [*([""] * len(counts[0])), _text(table.total)]))
    return rows


def _twin_rows(first: Rows, second: Rows) -> tuple[Rows, Rows]:
    """Two tables of the same things (same grand total): where one hides the total and the
    other shows it, the one showing it is printed with every figure as "x"."""
    hidden = [rows[-1][1][-1] in ("x", "<5") for rows in (first, second)]
    if hidden[0] == hidden[1]:
        return first, second

    def withheld(rows: Rows) -> Rows:
        return [(label, ["" if cell == "" else "x" for cell in cells]) for label, cells in rows]

    return (withheld(first), second) if hidden[1] else (first, withheld(second))


def _cohorts_by_standing(region, start: dt.date, end: dt.date):
    """The cohorts with a course day in the period, in the course table's order, and their
    enrolled trainees' counts by standing (complete, on track, at risk)."""
    cohorts = [
        cohort
        for cohort in Cohort.objects.filter(region=region).order_by("start_date", "name", "pk")
        if cohort.start_date <= end and (cohort.end_date or cohort.start_date) >= start
    ]
    counts = []
    for cohort in cohorts:
        standings = [
            standing(enrolment)
            for enrolment in cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED)
        ]
        counts.append([standings.count(s) for s in ("complete", "on_track", "at_risk")])
    return cohorts, counts


# Course -------------------------------------------------------------------------------


def course_tables(region, start: dt.date, end: dt.date) -> dict[str, Rows]:
    cohorts, counts = _cohorts_by_standing(region, start, end)
    if not cohorts:
        return {}
    labels, behind = [], []
    for cohort in cohorts:
        enrolments = list(cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED))
        marks = Attendance.objects.filter(enrolment__in=enrolments)
        behind.append((marks.filter(status=PRESENT).count(), marks.count()))
        last_day = cohort.end_date or cohort.start_date
        labels.append(f"{cohort.name} ({cohort.start_date.isoformat()} – {last_day.isoformat()})")
    table = smallnumbers.protect_table(counts)
    cohort_rows = []
    for label, raw, cells, total, (present, recorded) in zip(
        labels, counts, table.cells, table.row_totals, behind, strict=True
    ):
        attendance = (
            "x"
            if total.suppressed
            else (f"{round(100 * present / recorded)} %" if recorded else "–")
        )
        cohort_rows.append(
            (
                label,
                [
                    *map(_text, cells),
                    _text(total),
                    _share(cells[0], total, raw[0], sum(raw)),
                    attendance,
                ],
            )
        )
    cohort_rows.append(("Total", ["", "", "", _text(table.total), "", ""]))
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month += relativedelta(months=1)
    by_month = []
    for month in months:
        marks = Attendance.objects.filter(
            session__cohort__region=region,
            session__date__range=(max(start, month), min(end, month + relativedelta(day=31))),
            enrolment__status=EnrolmentStatus.ENROLLED,
        )
        by_month.append([marks.filter(status=s).count() for s in (PRESENT, ABSENT, EXCUSED)])
    return {
        "Cohorts in the period: enrolled trainees by standing": cohort_rows,
        "Attendance on course days in the period, by month (trainee days)": _count_rows(
            [formats.date_format(month, "YEAR_MONTH_FORMAT") for month in months], by_month
        ),
    }


# Funnel -------------------------------------------------------------------------------


def _people_with_change(region, start, end, **filters) -> int:
    changes = StatusChange.objects.filter(participant__region=region, **filters)
    return len(
        {
            change.participant_id
            for change in changes
            if start <= timezone.localdate(change.changed_at) <= end
        }
    )


def _started(placement: Placement) -> bool:
    return placement.status == PlacementStatus.ACTIVE or (
        placement.status == PlacementStatus.ENDED
        and placement.coordinator_agreed_at is not None
        and placement.manager_agreed_at is not None
    )


def funnel_tables(region, start: dt.date, end: dt.date) -> dict[str, Rows]:
    today = timezone.localdate()
    applied = Participant.objects.filter(region=region, applied_on__range=(start, end)).count()
    enrolled = _people_with_change(region, start, end, to_status=ParticipantStatus.TRAINEE)
    completed = len(
        {
            enrolment.participant_id
            for enrolment in Enrolment.objects.filter(
                cohort__region=region,
                cohort__end_date__range=(start, end),
                status=EnrolmentStatus.ENROLLED,
            )
            if standing(enrolment) == "complete"
        }
    )
    cohorts, by_standing = _cohorts_by_standing(region, start, end)
    course_table = smallnumbers.protect_table(by_standing)
    # The course table hides a Complete figure that "completed the course" sums.
    completion_withheld = any(
        cells[0].suppressed
        for cohort, cells in zip(cohorts, course_table.cells, strict=True)
        if cohort.end_date is not None and start <= cohort.end_date <= end
    )
    certified = _people_with_change(
        region,
        start,
        end,
        from_status=ParticipantStatus.TRAINEE,
        to_status=ParticipantStatus.CERTIFIED,
    )
    placements = [p for p in Placement.objects.filter(participant__region=region) if _started(p)]
    placed = len({p.participant_id for p in placements if start <= p.start_date <= end})
    retention = {}
    for months in (6, 12):
        reached, still = set(), set()
        for placement in placements:
            mark = placement.start_date + relativedelta(months=months)
            if start <= mark <= min(end, today):
                reached.add(placement.participant_id)
                if placement.end_date is None or placement.end_date >= mark:
                    still.add(placement.participant_id)
        retention[months] = (len(reached), len(still))
    steps = [applied, enrolled, completed, certified, placed, retention[6][1], retention[12][1]]

    ended_from = [
        "applicant",
        "interviewed",
        "accepted",
        "trainee",
        "certified",
        "placed",
        "alumni",
    ]
    ended = [[0, 0] for _status in ended_from]
    path_kinds = [*LeavingReason.values, None]
    path_reasons = [[0, 0] for _kind in path_kinds]
    for change in StatusChange.objects.filter(
        participant__region=region, to_status__in=("declined", "left")
    ):
        if start <= timezone.localdate(change.changed_at) <= end:
            column = ("declined", "left").index(change.to_status)
            ended[ended_from.index(change.from_status)][column] += 1
            path_reasons[path_kinds.index(change.reason_category)][column] += 1
    employers = list(Employer.values)
    lengths = [[0] * len(employers) for _band in range(3)]
    placement_kinds = [*PlacementEndReason.values, None]
    placement_reasons = [[0] * len(employers) for _kind in placement_kinds]
    for placement in placements:
        if placement.status != PlacementStatus.ENDED or not start <= placement.end_date <= end:
            continue
        begun = placement.start_date
        band = (
            0
            if placement.end_date < begun + relativedelta(months=6)
            else 1
            if placement.end_date < begun + relativedelta(months=12)
            else 2
        )
        lengths[band][employers.index(placement.employer)] += 1
        placement_reasons[placement_kinds.index(placement.ended_reason_category)][
            employers.index(placement.employer)
        ] += 1

    if not any(steps) and not any(map(any, ended)) and not any(map(any, lengths)):
        return {}
    retention_rows = []
    for months in (6, 12):
        reached, still = retention[months]
        shown_reached, shown_still = smallnumbers.figure(reached), smallnumbers.figure(still)
        retention_rows.append(
            (
                str(months),
                [
                    _text(shown_reached),
                    _text(shown_still),
                    _share(shown_still, shown_reached, still, reached),
                ],
            )
        )
    step_labels = [
        "Applied",
        "Enrolled in a course",
        "Completed the course",
        "Certified",
        "Placed",
        "Still placed 6 months after the start",
        "Still placed 12 months after the start",
    ]
    funnel_rows = [
        (label, [_text(smallnumbers.figure(count))])
        for label, count in zip(step_labels, steps, strict=True)
    ]
    if completion_withheld:
        funnel_rows[2] = ("Completed the course", ["x"])
    paths_by_step, paths_by_reason = _twin_rows(
        _count_rows([str(ParticipantStatus(status).label) for status in ended_from], ended),
        _count_rows(
            [*(str(LeavingReason(kind).label) for kind in LeavingReason.values), "Not given"],
            path_reasons,
        ),
    )
    placements_by_length, placements_by_reason = _twin_rows(
        _count_rows(["Under 6 months", "6 to 12 months", "12 months or more"], lengths),
        _count_rows(
            [
                *(str(PlacementEndReason(kind).label) for kind in PlacementEndReason.values),
                "Not given",
            ],
            placement_reasons,
        ),
    )
    return {
        "Recruitment funnel: people who reached each step in the period": funnel_rows,
        "Placements 6 and 12 months after their start": retention_rows,
        "Paths that ended in the period, by the step they ended at": paths_by_step,
        "Paths that ended in the period, by the kind of reason": paths_by_reason,
        "Placements that ended in the period, by how long they had lasted": placements_by_length,
        "Placements that ended in the period, by the kind of reason": placements_by_reason,
    }
