"""The course section of the evaluation report: the cohorts that ran in the period, their
trainees' standing against the completion rule, and attendance on the course days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peersupport import charts, smallnumbers
from peersupport.reports import figures
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

from .completion import Progress, Standing, cohort_progress
from .models import Attendance, AttendanceStatus, Cohort, CourseSession, Enrolment, EnrolmentStatus

STANDINGS = (Standing.COMPLETE, Standing.ON_TRACK, Standing.AT_RISK)
ATTENDANCE_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED)


@dataclass
class CohortStandings:
    """A cohort with the progress of each trainee enrolled in it (by enrolment id), and the
    participant of each of those enrolments."""

    cohort: Cohort
    progress: dict[int, Progress]
    participant_ids: dict[int, int]

    def count(self, standing: str) -> int:
        return sum(progress.standing == standing for progress in self.progress.values())

    @property
    def days_present(self) -> int:
        return sum(progress.present for progress in self.progress.values())

    @property
    def days_recorded(self) -> int:
        return sum(progress.present + progress.absences for progress in self.progress.values())


def standings_of(cohorts) -> list[CohortStandings]:
    """Every trainee's standing (``completion.cohort_progress``, the rule the attendance
    grid and the certificates use) in the given cohorts, in six queries however many."""
    cohorts = list(
        cohorts.select_related("template").prefetch_related(
            "template__modules",
            Prefetch("sessions", queryset=CourseSession.objects.prefetch_related("modules")),
        )
    )
    enrolments = list(
        Enrolment.objects.filter(cohort__in=cohorts, status=EnrolmentStatus.ENROLLED).only(
            "pk", "cohort_id", "participant_id"
        )
    )
    enrolments_by_cohort: dict[int, list[Enrolment]] = {}
    for enrolment in enrolments:
        enrolments_by_cohort.setdefault(enrolment.cohort_id, []).append(enrolment)
    attendances_by_cohort: dict[int, list[Attendance]] = {}
    for attendance in (
        Attendance.objects.filter(
            enrolment__cohort__in=cohorts, enrolment__status=EnrolmentStatus.ENROLLED
        )
        .annotate(cohort_id=F("enrolment__cohort_id"))
        .only("enrolment_id", "session_id", "status")
    ):
        attendances_by_cohort.setdefault(attendance.cohort_id, []).append(attendance)
    return [
        CohortStandings(
            cohort=cohort,
            progress=cohort_progress(
                cohort,
                list(cohort.sessions.all()),
                enrolments_by_cohort.get(cohort.pk, []),
                attendances_by_cohort.get(cohort.pk, []),
            ),
            participant_ids={
                enrolment.pk: enrolment.participant_id
                for enrolment in enrolments_by_cohort.get(cohort.pk, [])
            },
        )
        for cohort in cohorts
    ]


def cohorts_in_period(scope: ReportScope):
    """Cohorts of the scope's regions with at least one course day in the period."""
    return Cohort.objects.in_regions(scope.region_ids).filter(
        Q(end_date__gte=scope.start) | Q(end_date__isnull=True, start_date__gte=scope.start),
        start_date__lte=scope.end,
    )


def cohort_label(cohort: Cohort) -> str:
    last_day = cohort.end_date or cohort.start_date
    return f"{cohort.name} ({cohort.start_date.isoformat()} – {last_day.isoformat()})"


def month_label(month: dt.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _percent(numerator: int, denominator: int) -> str:
    return f"{round(100 * numerator / denominator)} %" if denominator else "–"


def in_table_order(standings: list[CohortStandings]) -> list[CohortStandings]:
    return sorted(standings, key=lambda s: (s.cohort.start_date, s.cohort.name, s.cohort.pk))


def _cohort_table(scope: ReportScope, standings: list[CohortStandings]) -> ReportTable:
    """One row per cohort (per region in a national report): its trainees by standing, then
    the completion share and the attendance share, each hidden with the counts behind it."""
    units: dict[int, list[tuple[str, list[int]]]] = {pk: [] for pk in scope.region_ids}
    # (completed, enrolled, days present, days recorded) behind each row of the table.
    behind: dict[int, list[tuple[int, int, int, int]]] = {pk: [] for pk in scope.region_ids}
    for item in in_table_order(standings):
        counts = [item.count(standing) for standing in STANDINGS]
        units[item.cohort.region_id].append((cohort_label(item.cohort), counts))
        behind[item.cohort.region_id].append(
            (counts[0], sum(counts), item.days_present, item.days_recorded)
        )
    if scope.national:
        raw_rows = [tuple(map(sum, zip(*behind[pk], strict=True))) or (0,) * 4 for pk in behind]
    else:
        raw_rows = behind[scope.region_ids[0]]
    table = figures.unit_table(
        scope,
        caption=_("Cohorts in the period: enrolled trainees by standing"),
        row_header=_("Cohort"),
        columns=[Standing.LABELS[standing] for standing in STANDINGS],
        units_by_region=units,
    )
    rows = []
    for row, raw in zip(table.rows, [*raw_rows, None], strict=True):
        if row.total:
            # The column sums are not shown (see figures.count_table), so neither are the
            # shares that would give them away.
            rows.append(ReportRow(row.label, [*row.cells, "", ""], total=True))
            continue
        completed, enrolled, present, recorded = raw
        rows.append(
            ReportRow(
                row.label,
                [
                    *row.cells,
                    figures.share(row.cells[0], row.cells[-1], completed, enrolled),
                    smallnumbers.hidden_with(row.cells[-1], _percent(present, recorded)),
                ],
            )
        )
    return ReportTable(
        caption=table.caption,
        row_header=table.row_header,
        columns=[*table.columns, _("Completion"), _("Attendance")],
        rows=rows,
    )


def _attendance_table(scope: ReportScope) -> ReportTable:
    months = scope.months()
    counts = {pk: [[0] * len(ATTENDANCE_STATUSES) for _m in months] for pk in scope.region_ids}
    rows = (
        Attendance.objects.filter(
            session__cohort__region_id__in=scope.region_ids,
            session__date__range=(scope.start, scope.end),
            enrolment__status=EnrolmentStatus.ENROLLED,
        )
        .annotate(month=TruncMonth("session__date"))
        .values("session__cohort__region_id", "month", "status")
        .annotate(days=Count("pk"))
    )
    for row in rows:
        counts[row["session__cohort__region_id"]][months.index(row["month"])][
            ATTENDANCE_STATUSES.index(row["status"])
        ] = row["days"]
    return figures.count_table(
        scope,
        caption=_("Attendance on course days in the period, by month (trainee days)"),
        row_header=_("Month"),
        row_labels=[month_label(month) for month in months],
        columns=[AttendanceStatus(status).label for status in ATTENDANCE_STATUSES],
        counts_by_region=counts,
    )


def _chart(scope: ReportScope, table: ReportTable, standings: list[CohortStandings]) -> ReportChart:
    """The table's counts by standing as stacked bars, one bar per row: a cohort's bar
    named by the cohort alone (its dates would crowd the axis)."""
    rows = [row for row in table.rows if not row.total]
    labels = [str(Standing.LABELS[standing]) for standing in STANDINGS]
    svg = charts.stacked_bar_chart(
        title=_("Enrolled trainees by standing"),
        categories=(
            [str(row.label) for row in rows]
            if scope.national
            else [item.cohort.name for item in in_table_order(standings)]
        ),
        series=[
            charts.Series(label, [row.cells[index] for row in rows])
            for index, label in enumerate(labels)
        ],
    )
    described = "; ".join(
        "{}: {}".format(
            row.label,
            ", ".join(f"{label.lower()} {row.cells[index]}" for index, label in enumerate(labels)),
        )
        for row in rows
    )
    alt = (
        _(
            "Stacked bar chart of the enrolled trainees of each region's cohorts in the period "
            "by their standing against the completion rule. %(figures)s."
        )
        if scope.national
        else _(
            "Stacked bar chart of the enrolled trainees of each cohort in the period by their "
            "standing against the completion rule. %(figures)s."
        )
    )
    return ReportChart(svg=svg, alt=alt % {"figures": described})


def build(scope: ReportScope) -> SectionContent:
    standings = standings_of(cohorts_in_period(scope))
    content = SectionContent(
        title=_("Course"),
        intro=_(
            "The course cohorts that held at least one course day in the period, the standing "
            "of their trainees against the course's completion rule, and attendance."
        ),
        definitions=_definitions(),
        empty_text=_("No course cohort held a course day in this period."),
    )
    if not standings:
        return content
    cohort_table = _cohort_table(scope, standings)
    content.blocks = [
        _chart(scope, cohort_table, standings),
        cohort_table,
        _attendance_table(scope),
    ]
    return content


def _definitions() -> list[Definition]:
    return [
        Definition(
            _("Cohorts in the period"),
            _(
                "Course cohorts of the region whose course days overlap the period: the first "
                "course day is on or before the period's last day and the last course day on or "
                "after its first day. In a national report, one row per region sums its cohorts."
            ),
        ),
        Definition(
            _("Enrolled trainees"),
            _(
                "Enrolments in the cohort with the status Enrolled when the report is made. "
                "Places on the waiting list and withdrawn enrolments are not counted."
            ),
        ),
        Definition(
            _("Standing (complete, on track, at risk)"),
            _(
                "Each enrolled trainee measured against the cohort's completion rule, from the "
                "attendance recorded when the report is made, as on the attendance grid. "
                "Complete: present on at least the template's minimum share of the cohort's "
                "course days (rounded up to whole days) and present on at least one day of every "
                "required module. At risk: not complete, and either absent (with or without a "
                "valid reason) on more days than the rule allows, or a required module was "
                "missed with no course day left to attend it. On track: everyone else."
            ),
        ),
        Definition(
            _("Completion"),
            _("Complete trainees as a share of the cohort's enrolled trainees."),
        ),
        Definition(
            _("Attendance (cohorts)"),
            _(
                "Course days with an enrolled trainee marked present, as a share of the course "
                "days recorded for the cohort's enrolled trainees (present, absent or excused "
                "absence), over all of the cohort's days, also those outside the period. Hidden "
                "when the number of enrolled trainees is."
            ),
        ),
        Definition(
            _("Attendance on course days in the period"),
            _(
                "Attendance records of enrolled trainees on the course days dated within the "
                "period, by the month of the course day and by what was recorded: present, "
                "absent, or excused absence. One trainee on one day counts once."
            ),
        ),
    ]


register_section(ReportSection(key="course", title=gettext_lazy("Course"), order=20, build=build))
