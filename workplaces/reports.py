"""The workplaces' sections of the evaluation report: readiness of the workplaces, the
placements and their follow-ups, and the support sessions logged.

Stock figures (workplaces ready, placements active, follow-ups overdue) are counted on the
report's reference day: the period's last day, or today while the period is still running,
since nothing is known about days to come. Flows (follow-ups done, sessions) are counted
within the period. Every count becomes a table through ``peersupport.reports.figures``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import formats, timezone
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

from .models import (
    FULL_TIME_HOURS,
    Employer,
    FollowUpReview,
    Placement,
    PlacementStatus,
    ReadinessConfirmation,
    ReadinessItem,
    ReviewRespondent,
    SessionKind,
    StaffTraining,
    SupportSession,
    Theme,
    Workplace,
    WorkplaceType,
)

EMPLOYERS = (Employer.ASSOCIATION, Employer.WORKPLACE)
# The chart's category labels are not wrapped: a longer one is cut, the table has it whole.
CHART_LABEL_CHARACTERS = 18


def reference_day(scope: ReportScope) -> dt.date:
    """The day stock figures are counted on: the period's last day, or today if sooner."""
    return min(scope.end, timezone.localdate())


def day_label(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def month_label(month: dt.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _chart_label(label) -> str:
    text = str(label)
    if len(text) <= CHART_LABEL_CHARACTERS:
        return text
    return text[: CHART_LABEL_CHARACTERS - 1].rstrip() + "…"


def _described(rows: list[ReportRow], labels: list[str]) -> str:
    """The figures of a chart as words, for its alternative text."""
    return "; ".join(
        "{}: {}".format(
            row.label,
            ", ".join(f"{label} {row.cells[index]}" for index, label in enumerate(labels)),
        )
        for row in rows
    )


# Workplaces and their readiness -----------------------------------------------------------

MISSING_ITEMS = ("budget", "anchoring", "staff_trainings", "user_movement_contact")


def _missing_labels() -> list[str]:
    return [
        _("Budget for the post not confirmed"),
        _("Decision not anchored with the staff"),
        _("Fewer than %(required)s staff training sessions held")
        % {"required": settings.READINESS_STAFF_TRAININGS},
        _("No user-movement contact named"),
    ]


def workplaces_on(scope: ReportScope, day: dt.date):
    """The scope's workplaces known on ``day`` – registered by then, or with a readiness
    confirmation or a staff training dated by then – with what they had on that day."""

    def confirmed(item: str):
        return Exists(
            ReadinessConfirmation.objects.in_force(day).filter(workplace=OuterRef("pk"), item=item)
        )

    trainings = (
        StaffTraining.objects.held(day)
        .filter(workplace=OuterRef("pk"))
        .order_by()
        .values("workplace")
        .annotate(held=Count("pk"))
        .values("held")
    )
    return (
        Workplace.objects.in_regions(scope.region_ids)
        .filter(
            Q(created_at__date__lte=day)
            | Exists(
                ReadinessConfirmation.objects.filter(
                    workplace=OuterRef("pk"), confirmed_on__lte=day
                )
            )
            | Exists(StaffTraining.objects.held(day).filter(workplace=OuterRef("pk")))
        )
        .annotate(
            has_budget=confirmed(ReadinessItem.BUDGET),
            has_anchoring=confirmed(ReadinessItem.ANCHORING),
            has_contact=confirmed(ReadinessItem.USER_MOVEMENT_CONTACT),
            trainings_held=Coalesce(Subquery(trainings, output_field=IntegerField()), Value(0)),
        )
        .values_list(
            "region_id", "type", "has_budget", "has_anchoring", "trainings_held", "has_contact"
        )
    )


def build_workplaces(scope: ReportScope) -> SectionContent:
    day = reference_day(scope)
    content = SectionContent(
        title=_("Workplaces"),
        intro=_(
            "The workplaces on %(day)s: how many were ready to take peer supporters, and what "
            "those not yet ready still missed."
        )
        % {"day": day_label(day)},
        definitions=_workplace_definitions(),
        empty_text=_("No workplace was registered on %(day)s.") % {"day": day_label(day)},
    )
    rows = list(workplaces_on(scope, day))
    if not rows:
        return content
    required = settings.READINESS_STAFF_TRAININGS
    present = {workplace_type for _region, workplace_type, *_rest in rows}
    types = [workplace_type for workplace_type in WorkplaceType if workplace_type in present]
    readiness = {pk: [[0] * len(types), [0] * len(types)] for pk in scope.region_ids}
    missing = {pk: [[0] for _item in MISSING_ITEMS] for pk in scope.region_ids}
    for region_id, workplace_type, budget, anchoring, trainings, contact in rows:
        gaps = [not budget, not anchoring, trainings < required, not contact]
        readiness[region_id][1 if any(gaps) else 0][types.index(workplace_type)] += 1
        for index, gap in enumerate(gaps):
            missing[region_id][index][0] += gap
    readiness_table = figures.count_table(
        scope,
        caption=_("Workplaces on %(day)s by readiness and type") % {"day": day_label(day)},
        row_header=_("Readiness"),
        row_labels=[_("Ready"), _("Not ready")],
        columns=[workplace_type.label for workplace_type in types],
        counts_by_region=readiness,
    )
    missing_table = figures.figure_table(
        scope,
        caption=_("What the workplaces that were not ready missed on %(day)s")
        % {"day": day_label(day)},
        row_header=_("Readiness requirement"),
        row_labels=_missing_labels(),
        columns=[_("Workplaces")],
        counts_by_region=missing,
        note=_(
            "A workplace can miss several requirements, so the rows need not add up to the "
            "workplaces that were not ready."
        ),
    )
    content.blocks = [_readiness_chart(readiness_table, types, day), readiness_table, missing_table]
    return content


def _readiness_chart(table: ReportTable, types: list[str], day: dt.date) -> ReportChart:
    ready, not_ready, total = table.rows
    labels = [str(WorkplaceType(workplace_type).label) for workplace_type in types]
    svg = charts.stacked_bar_chart(
        title=_("Workplaces by readiness and type"),
        categories=[_chart_label(label) for label in labels],
        series=[
            charts.Series(str(ready.label), ready.cells[: len(types)]),
            charts.Series(str(not_ready.label), not_ready.cells[: len(types)]),
        ],
    )
    by_type = "; ".join(
        _("%(type)s: %(ready)s ready, %(not_ready)s not ready")
        % {"type": label, "ready": ready.cells[index], "not_ready": not_ready.cells[index]}
        for index, label in enumerate(labels)
    )
    alt = _(
        "Stacked bar chart of the workplaces on %(day)s, one bar per type of workplace, split "
        "into ready and not ready. %(ready)s ready and %(not_ready)s not ready of %(total)s "
        "workplaces. %(by_type)s."
    ) % {
        "day": day_label(day),
        "ready": ready.cells[-1],
        "not_ready": not_ready.cells[-1],
        "total": total.cells[-1],
        "by_type": by_type,
    }
    return ReportChart(svg=svg, alt=alt)


def _workplace_definitions() -> list[Definition]:
    required = settings.READINESS_STAFF_TRAININGS
    return [
        Definition(
            _("Reference day"),
            _(
                "Workplaces, placements and overdue follow-ups are counted as they stood on the "
                "period's last day, or on the day the report is made when the period has not "
                "ended yet."
            ),
        ),
        Definition(
            _("Workplaces"),
            _(
                "Workplaces of the region registered on or before the reference day, or with a "
                "readiness confirmation or a staff training dated on or before it. In a "
                "national report, the sum of every region's workplaces. The type is the one "
                "recorded for the workplace when the report is made."
            ),
        ),
        Definition(
            _("Ready"),
            _(
                "A workplace is ready on the reference day when, dated on or before that day, "
                "its budget for the post is confirmed, the decision is anchored with the staff, "
                "a user-movement contact is named, and at least %(required)s staff training "
                "sessions have been held – the gate the programme applies before a trainee is "
                "ordered or a peer supporter placed. A confirmation withdrawn by that day does "
                "not count, nor a budget whose period had ended, nor a training only planned. "
                "A confirmation given again keeps only its latest date. Every other workplace "
                "is not ready."
            )
            % {"required": required},
        ),
        Definition(
            _("What the workplaces that were not ready missed"),
            _(
                "For each readiness requirement, the workplaces not ready on the reference day "
                "that lacked it on that day, as in Ready. Staff training counts the sessions "
                "held on or before the reference day; fewer than %(required)s is missing."
            )
            % {"required": required},
        ),
    ]


# Placements -------------------------------------------------------------------------------


def active_on(day: dt.date, prefix: str = "") -> Q:
    """Placements active on ``day``: agreed by both sides, started by then and not ended
    before it."""
    return Q(
        Q(**{f"{prefix}status__in": [PlacementStatus.AGREED, PlacementStatus.ACTIVE]})
        | Q(
            **{
                f"{prefix}status": PlacementStatus.ENDED,
                f"{prefix}coordinator_agreed_at__isnull": False,
                f"{prefix}manager_agreed_at__isnull": False,
            }
        ),
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day}),
        **{f"{prefix}start_date__lte": day},
    )


def _response(respondent: str) -> FilteredRelation:
    """A review's response from ``respondent`` (one at most), joined."""
    return FilteredRelation("responses", condition=Q(responses__respondent=respondent))


def review_counts(scope: ReportScope, day: dt.date) -> dict[int, tuple[int, int]]:
    """Per region: follow-up reviews done within the period, and overdue on ``day``."""
    not_answered_by_both_by_day = (
        Q(manager_at__isnull=True)
        | Q(manager_at__date__gt=day)
        | Q(coordinator_at__isnull=True)
        | Q(coordinator_at__date__gt=day)
    )
    rows = (
        FollowUpReview.objects.filter(placement__workplace__region_id__in=scope.region_ids)
        .annotate(
            manager_response=_response(ReviewRespondent.UNIT_MANAGER),
            coordinator_response=_response(ReviewRespondent.COORDINATOR),
            manager_at=F("manager_response__submitted_at"),
            coordinator_at=F("coordinator_response__submitted_at"),
        )
        .order_by()
        .values("placement__workplace__region_id")
        .annotate(
            done=Count(
                "pk",
                filter=Q(manager_at__date__lte=scope.end, coordinator_at__date__lte=scope.end)
                & (Q(manager_at__date__gte=scope.start) | Q(coordinator_at__date__gte=scope.start)),
            ),
            overdue=Count(
                "pk",
                filter=Q(due_on__lt=day)
                & active_on(day, prefix="placement__")
                & not_answered_by_both_by_day,
            ),
        )
        .values_list("placement__workplace__region_id", "done", "overdue")
    )
    counts = {pk: (0, 0) for pk in scope.region_ids}
    counts.update({region_id: (done, overdue) for region_id, done, overdue in rows})
    return counts


def build_placements(scope: ReportScope) -> SectionContent:
    day = reference_day(scope)
    content = SectionContent(
        title=_("Placements"),
        intro=_(
            "The placements active on %(day)s at each workplace, with their employer of record "
            "and working hours, and the follow-up reviews of placements."
        )
        % {"day": day_label(day)},
        definitions=_placement_definitions(),
        empty_text=_(
            "No placement was active on %(day)s, and no follow-up review was done in the period "
            "or overdue."
        )
        % {"day": day_label(day)},
    )
    placements = (
        Placement.objects.filter(active_on(day), workplace__region_id__in=scope.region_ids)
        .order_by("workplace__name", "workplace_id")
        .values_list(
            "workplace__region_id", "workplace_id", "workplace__name", "employer", "hours_per_week"
        )
    )
    units: dict[int, dict[int, tuple[str, list[int]]]] = {pk: {} for pk in scope.region_ids}
    hours: dict[int, dict[int, float]] = {pk: {} for pk in scope.region_ids}
    for region_id, workplace_id, name, employer, hours_per_week in placements:
        _name, counts = units[region_id].setdefault(workplace_id, (name, [0] * len(EMPLOYERS)))
        counts[EMPLOYERS.index(employer)] += 1
        hours[region_id][workplace_id] = hours[region_id].get(workplace_id, 0) + float(
            hours_per_week
        )
    reviews = review_counts(scope, day)
    if not any(units.values()) and not any(map(any, reviews.values())):
        return content
    if any(units.values()):
        content.blocks = _placement_blocks(scope, units, hours, day)
    content.blocks.append(
        figures.figure_table(
            scope,
            caption=_("Follow-up reviews of placements"),
            row_header=_("Follow-up reviews"),
            row_labels=[
                _("Done in the period"),
                _("Overdue on %(day)s") % {"day": day_label(day)},
            ],
            columns=[_("Reviews")],
            counts_by_region={pk: [[done], [overdue]] for pk, (done, overdue) in reviews.items()},
        )
    )
    return content


def _placement_blocks(
    scope: ReportScope,
    units: dict[int, dict[int, tuple[str, list[int]]]],
    hours: dict[int, dict[int, float]],
    day: dt.date,
) -> list[ReportTable | ReportChart]:
    placements_table = figures.unit_table(
        scope,
        caption=_("Placements active on %(day)s by workplace and employer of record")
        % {"day": day_label(day)},
        row_header=_("Workplace"),
        columns=[Employer(employer).label for employer in EMPLOYERS],
        units_by_region={pk: list(by_workplace.values()) for pk, by_workplace in units.items()},
    )
    if scope.national:
        row_hours = [sum(hours[pk].values()) for pk in scope.region_ids]
    else:
        row_hours = list(hours[scope.region_ids[0]].values())
    return [
        _placements_chart(scope, placements_table, day),
        placements_table,
        _hours_table(placements_table, [*row_hours, sum(row_hours)], day),
    ]


def _hours_table(placements: ReportTable, hours: list[float], day: dt.date) -> ReportTable:
    """Hours and full-time equivalents beside each row of the placements table, hidden
    where its number of placements is."""
    rows = []
    for row, row_hours in zip(placements.rows, hours, strict=True):
        count = row.cells[-1]
        rows.append(
            ReportRow(
                row.label,
                [
                    smallnumbers.hidden_with(count, round(row_hours, 1)),
                    smallnumbers.hidden_with(count, round(row_hours / float(FULL_TIME_HOURS), 2)),
                ],
                total=row.total,
            )
        )
    return ReportTable(
        caption=_("Working hours of the placements active on %(day)s") % {"day": day_label(day)},
        row_header=placements.row_header,
        columns=[_("Hours per week"), _("Full-time equivalents")],
        rows=rows,
    )


def _placements_chart(scope: ReportScope, table: ReportTable, day: dt.date) -> ReportChart:
    rows = [row for row in table.rows if not row.total]
    labels = [str(Employer(employer).label) for employer in EMPLOYERS]
    svg = charts.stacked_bar_chart(
        title=_("Placements by employer of record"),
        categories=[_chart_label(row.label) for row in rows],
        series=[
            charts.Series(label, [row.cells[index] for row in rows])
            for index, label in enumerate(labels)
        ],
    )
    alt = (
        _(
            "Stacked bar chart of the placements active on %(day)s, one bar per region, split "
            "by employer of record: %(employers)s. %(total)s placements in all. %(figures)s."
        )
        if scope.national
        else _(
            "Stacked bar chart of the placements active on %(day)s, one bar per workplace, "
            "split by employer of record: %(employers)s. %(total)s placements in all. "
            "%(figures)s."
        )
    )
    return ReportChart(
        svg=svg,
        alt=alt
        % {
            "day": day_label(day),
            "employers": ", ".join(label.lower() for label in labels),
            "total": table.rows[-1].cells[-1],
            "figures": _described(rows, [label.lower() for label in labels]),
        },
    )


def _placement_definitions() -> list[Definition]:
    return [
        Definition(
            _("Active placements"),
            _(
                "Placements at the region's workplaces agreed by both the coordinator and the "
                "unit manager (status agreed or active, or ended after both had agreed), whose "
                "start date is on or before the reference day and whose end date is empty or "
                "on or after it. Each placement counts once, at its workplace. In a national "
                "report, one row per region sums its workplaces."
            ),
        ),
        Definition(
            _("Employer of record"),
            _(
                "As recorded on the placement: the regional user association or the workplace "
                "itself."
            ),
        ),
        Definition(
            _("Hours per week and full-time equivalents"),
            _(
                "The sum of the agreed hours per week of the active placements. Full-time "
                "equivalents are those hours divided by %(full)s, the full-time working week "
                "the programme uses (no placement may exceed it). Hidden when the number of "
                "placements they describe is."
            )
            % {"full": FULL_TIME_HOURS},
        ),
        Definition(
            _("Follow-up reviews done in the period"),
            _(
                "Follow-up reviews of the region's placements that both the unit manager and "
                "the coordinator have answered, the later of the two answers falling within "
                "the period."
            ),
        ),
        Definition(
            _("Follow-up reviews overdue"),
            _(
                "Follow-up reviews of placements active on the reference day, due before that "
                "day, that the unit manager and the coordinator had not both answered by the "
                "end of it."
            ),
        ),
    ]


# Support sessions -------------------------------------------------------------------------


@dataclass
class MonthOfSessions:
    """The support sessions of one region and month: how many of each kind (in
    ``SessionKind`` order), how many took up each theme, and their minutes."""

    kinds: list[int] = field(default_factory=lambda: [0] * len(SessionKind))
    themes: dict[str, int] = field(default_factory=dict)
    sessions: int = 0
    minutes: int = 0

    def add(self, kind: str, sessions: int, minutes: int) -> None:
        if kind in SessionKind.values:
            self.kinds[SessionKind.values.index(kind)] += sessions
        self.sessions += sessions
        self.minutes += minutes


def _theme_ticked(theme: str) -> Q:
    return Q(themes__contains=[theme])


def session_aggregates(scope: ReportScope) -> dict[int, dict[dt.date, MonthOfSessions]]:
    """Per region and month, the sessions logged at the region's workplaces within the
    period, counted in the database (one query, one row per region, month and kind): a
    theme counts a session once, however often it was ticked."""
    result = {pk: {month: MonthOfSessions() for month in scope.months()} for pk in scope.region_ids}
    sessions = SupportSession.objects.filter(
        placement__workplace__region_id__in=scope.region_ids,
        date__range=(scope.start, scope.end),
    )
    if connection.vendor != "postgresql":
        # JSON containment is PostgreSQL's (jsonb @>); elsewhere (the SQLite demo) the
        # sessions are counted here instead.
        return _session_aggregates_in_python(sessions, result)
    rows = (
        sessions.annotate(month=TruncMonth("date"))
        .order_by()
        .values("placement__workplace__region_id", "month", "kind")
        .annotate(
            sessions=Count("pk"),
            total_minutes=Sum("minutes"),
            **{
                f"theme_{index}": Count("pk", filter=_theme_ticked(theme))
                for index, theme in enumerate(Theme.values)
            },
        )
    )
    for row in rows:
        month = result[row["placement__workplace__region_id"]][row["month"]]
        month.add(row["kind"], row["sessions"], row["total_minutes"])
        for index, theme in enumerate(Theme.values):
            if row[f"theme_{index}"]:
                month.themes[theme] = month.themes.get(theme, 0) + row[f"theme_{index}"]
    return result


def _session_aggregates_in_python(
    sessions, result: dict[int, dict[dt.date, MonthOfSessions]]
) -> dict[int, dict[dt.date, MonthOfSessions]]:
    rows = sessions.values_list(
        "placement__workplace__region_id", "date", "kind", "themes", "minutes"
    )
    for region_id, date, kind, themes, minutes in rows:
        month = result[region_id][date.replace(day=1)]
        month.add(kind, 1, minutes)
        for theme in set(themes or []):
            month.themes[theme] = month.themes.get(theme, 0) + 1
    return result


def build_sessions(scope: ReportScope) -> SectionContent:
    content = SectionContent(
        title=_("Support sessions"),
        intro=_(
            "The support sessions peer supporters logged in the period, by month: how many, "
            "of which kind, how long, and the themes they took up."
        ),
        definitions=_session_definitions(),
        empty_text=_("No support session was logged in this period."),
    )
    aggregates = session_aggregates(scope)
    if not any(month.sessions for by_month in aggregates.values() for month in by_month.values()):
        return content
    months = scope.months()
    kinds_table = figures.count_table(
        scope,
        caption=_("Support sessions by month and kind"),
        row_header=_("Month"),
        row_labels=[month_label(month) for month in months],
        columns=[kind.label for kind in SessionKind],
        counts_by_region={
            pk: [by_month[month].kinds for month in months] for pk, by_month in aggregates.items()
        },
    )
    minutes = [sum(aggregates[pk][month].minutes for pk in scope.region_ids) for month in months]
    sessions = [sum(aggregates[pk][month].sessions for pk in scope.region_ids) for month in months]
    themes_table = figures.count_table(
        scope,
        caption=_("Support sessions by theme and month"),
        row_header=_("Theme"),
        row_labels=[theme.label for theme in Theme],
        columns=[month_label(month) for month in months],
        counts_by_region={
            pk: [
                [by_month[month].themes.get(theme.value, 0) for month in months] for theme in Theme
            ]
            for pk, by_month in aggregates.items()
        },
        note=_(
            "A session can take up several themes, so the total counts themes taken up, not "
            "sessions."
        ),
    )
    content.blocks = [
        _sessions_chart(scope, kinds_table, months),
        kinds_table,
        _session_hours_table(kinds_table, [*minutes, sum(minutes)], [*sessions, sum(sessions)]),
        themes_table,
    ]
    return content


def _session_hours_table(
    kinds: ReportTable, minutes: list[int], sessions: list[int]
) -> ReportTable:
    """Hours and the average length beside each month of the kinds table, hidden where its
    number of sessions is."""
    rows = []
    for row, row_minutes, row_sessions in zip(kinds.rows, minutes, sessions, strict=True):
        count = row.cells[-1]
        average = round(row_minutes / row_sessions) if row_sessions else None
        rows.append(
            ReportRow(
                row.label,
                [
                    smallnumbers.hidden_with(count, round(row_minutes / 60, 1)),
                    smallnumbers.hidden_with(count, average),
                ],
                total=row.total,
            )
        )
    return ReportTable(
        caption=_("Hours of support sessions by month"),
        row_header=kinds.row_header,
        columns=[_("Hours"), _("Average length (minutes)")],
        rows=rows,
    )


def _sessions_chart(scope: ReportScope, table: ReportTable, months: list[dt.date]) -> ReportChart:
    rows = [row for row in table.rows if not row.total]
    series = [
        charts.Series(str(kind.label), [row.cells[index] for row in rows])
        for index, kind in enumerate(SessionKind)
        if any(row.cells[index].suppressed or row.cells[index].value for row in rows)
    ]
    svg = charts.stacked_bar_chart(
        title=_("Support sessions by month and kind"),
        categories=[formats.date_format(month, "M") for month in months],
        series=series,
    )
    alt = _(
        "Stacked bar chart of the support sessions logged in each month from %(first)s to "
        "%(last)s, one colour per kind of session: %(kinds)s. %(total)s sessions in all. "
        "Sessions per month: %(by_month)s."
    ) % {
        "first": month_label(months[0]),
        "last": month_label(months[-1]),
        "kinds": ", ".join(s.label.lower() for s in series),
        "total": table.rows[-1].cells[-1],
        "by_month": "; ".join(f"{row.label} {row.cells[-1]}" for row in rows),
    }
    return ReportChart(svg=svg, alt=alt)


def _session_definitions() -> list[Definition]:
    return [
        Definition(
            _("Support sessions"),
            _(
                "Support sessions logged by peer supporters in placements at the region's "
                "workplaces and dated within the period, by the month of their date and the "
                "kind chosen when logging. A group activity or study circle counts once, "
                "whatever the number of participants. In a national report, the sum of every "
                "region's sessions."
            ),
        ),
        Definition(
            _("Hours and average length"),
            _(
                "The minutes logged for the month's sessions, summed and divided by 60 "
                "(rounded to a tenth of an hour); the average length is those minutes divided "
                "by the number of sessions, rounded to whole minutes. Both are hidden when the "
                "number of sessions is."
            ),
        ),
        Definition(
            _("Themes"),
            _(
                "For each theme, the sessions of the month for which it was ticked. A session "
                "with several themes counts once under each of them; a session without themes "
                "counts under none."
            ),
        ),
    ]


register_section(
    ReportSection(
        key="workplaces", title=gettext_lazy("Workplaces"), order=30, build=build_workplaces
    )
)
register_section(
    ReportSection(
        key="placements", title=gettext_lazy("Placements"), order=40, build=build_placements
    )
)
register_section(
    ReportSection(
        key="sessions", title=gettext_lazy("Support sessions"), order=60, build=build_sessions
    )
)
