"""The recruitment funnel of the evaluation report: how many people reached each step of
the path, from application to a placement that lasted, and how many paths ended.

It lives in workplaces because its last steps are placements; the steps before them come
from programmes (the dated status changes and the course's completion rule)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peersupport import charts
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
from programmes.completion import Standing
from programmes.models import Cohort, Participant, ParticipantStatus, StatusChange
from programmes.reports import standings_of

from .models import Employer, Placement, PlacementStatus

RETENTION_MONTHS = (6, 12)
# The stages a path can end from, in the order of the path.
ENDED_FROM = (
    ParticipantStatus.APPLICANT,
    ParticipantStatus.INTERVIEWED,
    ParticipantStatus.ACCEPTED,
    ParticipantStatus.TRAINEE,
    ParticipantStatus.CERTIFIED,
    ParticipantStatus.PLACED,
    ParticipantStatus.ALUMNI,
)
ENDED_AS = (ParticipantStatus.DECLINED, ParticipantStatus.LEFT)
# Ended placements by how long they lasted: under 6 months, 6 to 12, 12 or more.
LENGTH_LIMITS = (6, 12)


@dataclass
class Placements:
    """Per region: the people whose placement began in the period; and per number of
    months, the people with a placement whose mark (start + months) fell in the period and
    had come by the day of the report, and of them those whose placement had not ended
    before the mark."""

    placed: dict[int, set[int]]
    retention: dict[int, dict[int, tuple[set[int], set[int]]]]


def _started_placements(scope: ReportScope):
    """Placements that began: active, or ended after both sides had agreed them."""
    return Placement.objects.filter(
        Q(status=PlacementStatus.ACTIVE)
        | Q(
            status=PlacementStatus.ENDED,
            coordinator_agreed_at__isnull=False,
            manager_agreed_at__isnull=False,
        ),
        participant__region_id__in=scope.region_ids,
    )


def _placements(scope: ReportScope, today: dt.date) -> Placements:
    result = Placements(
        placed={pk: set() for pk in scope.region_ids},
        retention={pk: {m: (set(), set()) for m in RETENTION_MONTHS} for pk in scope.region_ids},
    )
    last_mark = min(scope.end, today)
    # A few days' slack: a month added to the 29th to 31st may land on the same day.
    earliest_start = scope.start - relativedelta(months=max(RETENTION_MONTHS), days=3)
    for region_id, participant_id, start, end in (
        _started_placements(scope)
        .filter(start_date__range=(earliest_start, scope.end))
        .values_list("participant__region_id", "participant_id", "start_date", "end_date")
    ):
        if start >= scope.start:
            result.placed[region_id].add(participant_id)
        for months in RETENTION_MONTHS:
            mark = start + relativedelta(months=months)
            if not scope.start <= mark <= last_mark:
                continue
            reached, still = result.retention[region_id][months]
            reached.add(participant_id)
            if end is None or end >= mark:
                still.add(participant_id)
    return result


def _step_counts(scope: ReportScope, placements: Placements) -> dict[int, list[int]]:
    """People per region reaching, in the period: applied, enrolled, completed the course,
    certified, placed, still placed at 6 and at 12 months."""
    people: dict[int, list[set[int]]] = {pk: [set() for _s in range(7)] for pk in scope.region_ids}
    period = (scope.start, scope.end)
    for region_id, participant_id in Participant.objects.filter(
        region_id__in=scope.region_ids, applied_on__range=period
    ).values_list("region_id", "pk"):
        people[region_id][0].add(participant_id)
    steps = {ParticipantStatus.TRAINEE: 1, ParticipantStatus.CERTIFIED: 3}
    for region_id, participant_id, to_status in (
        StatusChange.objects.filter(
            Q(to_status=ParticipantStatus.TRAINEE)
            | Q(to_status=ParticipantStatus.CERTIFIED, from_status=ParticipantStatus.TRAINEE),
            participant__region_id__in=scope.region_ids,
            changed_at__date__range=period,
        )
        .values_list("participant__region_id", "participant_id", "to_status")
        .distinct()
    ):
        people[region_id][steps[to_status]].add(participant_id)
    ended_cohorts = Cohort.objects.in_regions(scope.region_ids).filter(end_date__range=period)
    for item in standings_of(ended_cohorts):
        people[item.cohort.region_id][2].update(
            item.participant_ids[enrolment_id]
            for enrolment_id, progress in item.progress.items()
            if progress.standing == Standing.COMPLETE
        )
    for region_id in scope.region_ids:
        people[region_id][4] = placements.placed[region_id]
        for index, months in enumerate(RETENTION_MONTHS):
            people[region_id][5 + index] = placements.retention[region_id][months][1]
    return {pk: [len(step) for step in steps_] for pk, steps_ in people.items()}


def _ended_paths(scope: ReportScope) -> dict[int, list[list[int]]]:
    counts = {pk: [[0, 0] for _s in ENDED_FROM] for pk in scope.region_ids}
    for row in (
        StatusChange.objects.filter(
            participant__region_id__in=scope.region_ids,
            to_status__in=ENDED_AS,
            from_status__in=ENDED_FROM,
            changed_at__date__range=(scope.start, scope.end),
        )
        .values("participant__region_id", "from_status", "to_status")
        .annotate(changes=Count("pk"))
    ):
        counts[row["participant__region_id"]][ENDED_FROM.index(row["from_status"])][
            ENDED_AS.index(row["to_status"])
        ] = row["changes"]
    return counts


def _length_band(start: dt.date, end: dt.date) -> int:
    """0, 1 or 2 for a placement that ran from ``start`` to ``end``: the first of
    ``LENGTH_LIMITS`` it fell short of, or past both."""
    return next(
        (
            band
            for band, months in enumerate(LENGTH_LIMITS)
            if end < start + relativedelta(months=months)
        ),
        len(LENGTH_LIMITS),
    )


def _ended_placements(scope: ReportScope) -> dict[int, list[list[int]]]:
    employers = Employer.values
    counts = {
        pk: [[0] * len(employers) for _b in range(len(LENGTH_LIMITS) + 1)]
        for pk in scope.region_ids
    }
    for region_id, employer, start, end in (
        _started_placements(scope)
        .filter(status=PlacementStatus.ENDED, end_date__range=(scope.start, scope.end))
        .values_list("participant__region_id", "employer", "start_date", "end_date")
    ):
        counts[region_id][_length_band(start, end)][employers.index(employer)] += 1
    return counts


def _step_labels() -> list[str]:
    return [
        _("Applied"),
        _("Enrolled in a course"),
        _("Completed the course"),
        _("Certified"),
        _("Placed"),
        _("Still placed 6 months after the start"),
        _("Still placed 12 months after the start"),
    ]


def _funnel_table(scope: ReportScope, steps: dict[int, list[int]]) -> ReportTable:
    return figures.figure_table(
        scope,
        caption=_("Recruitment funnel: people who reached each step in the period"),
        row_header=_("Step"),
        row_labels=_step_labels(),
        columns=[_("People")],
        counts_by_region={pk: [[count] for count in counts] for pk, counts in steps.items()},
    )


def _retention_table(scope: ReportScope, placements: Placements) -> ReportTable:
    counts = {
        pk: [[len(by_months[m][0]), len(by_months[m][1])] for m in RETENTION_MONTHS]
        for pk, by_months in placements.retention.items()
    }
    table = figures.figure_table(
        scope,
        caption=_("Placements 6 and 12 months after their start"),
        row_header=_("Months after the start"),
        row_labels=[str(months) for months in RETENTION_MONTHS],
        columns=[_("People reaching the mark"), _("Still placed")],
        counts_by_region=counts,
    )
    rows = []
    for index, row in enumerate(table.rows):
        reached, still = (sum(counts[pk][index][c] for pk in counts) for c in (0, 1))
        shown = figures.share(row.cells[1], row.cells[0], still, reached)
        rows.append(ReportRow(row.label, [*row.cells, shown]))
    return ReportTable(
        caption=table.caption,
        row_header=table.row_header,
        columns=[*table.columns, _("Share still placed")],
        rows=rows,
    )


def _chart(table: ReportTable) -> ReportChart:
    labels = [str(row.label) for row in table.rows]
    values = [row.cells[0] for row in table.rows]
    svg = charts.stacked_bar_chart(
        title=_("Recruitment funnel"),
        categories=[str(number) for number in range(1, len(labels) + 1)],
        series=[charts.Series(str(_("People")), values)],
    )
    described = "; ".join(
        f"{number}. {label}: {value}"
        for number, (label, value) in enumerate(zip(labels, values, strict=True), start=1)
    )
    return ReportChart(
        svg=svg,
        alt=_(
            "Bar chart of the recruitment funnel, one numbered bar per step, the height of "
            "each bar the number of people who reached that step in the period. %(figures)s."
        )
        % {"figures": described},
    )


def build(scope: ReportScope) -> SectionContent:
    placements = _placements(scope, timezone.localdate())
    steps = _step_counts(scope, placements)
    ended_paths = _ended_paths(scope)
    ended_placements = _ended_placements(scope)
    content = SectionContent(
        title=_("Recruitment funnel"),
        intro=_(
            "How many people reached each step of the path in the period, from application to "
            "a placement that lasted, and how many paths and placements ended. Each step counts "
            "the people who reached it within the period, so the steps describe the period's "
            "flow, not one group of people followed from application onwards."
        ),
        definitions=_definitions(),
        empty_text=_("No one applied, took a step on the path or left it in this period."),
    )
    reached = [*steps.values(), *(sum(rows, []) for rows in ended_paths.values())]
    reached += [sum(rows, []) for rows in ended_placements.values()]
    if not any(map(any, reached)):
        return content
    funnel = _funnel_table(scope, steps)
    content.blocks = [
        _chart(funnel),
        funnel,
        _retention_table(scope, placements),
        figures.count_table(
            scope,
            caption=_("Paths that ended in the period, by the step they ended at"),
            row_header=_("Status before"),
            row_labels=[ParticipantStatus(status).label for status in ENDED_FROM],
            columns=[ParticipantStatus(status).label for status in ENDED_AS],
            counts_by_region=ended_paths,
        ),
        figures.count_table(
            scope,
            caption=_("Placements that ended in the period, by how long they had lasted"),
            row_header=_("Length"),
            row_labels=[
                _("Under 6 months"),
                _("6 to 12 months"),
                _("12 months or more"),
            ],
            columns=[Employer(employer).label for employer in Employer.values],
            counts_by_region=ended_placements,
            note=_(
                "The reasons for ending are written as free text, which can identify a "
                "person, so they are not printed or counted here."
            ),
        ),
    ]
    return content


def _definitions() -> list[Definition]:
    return [
        Definition(
            _("Applied"),
            _(
                "Participants of the region whose application date (applied on) is within the "
                "period. A person who applies again after leaving keeps the date of their first "
                "application."
            ),
        ),
        Definition(
            _("Enrolled in a course"),
            _(
                "People whose status changed to Trainee within the period (the change made when "
                "an accepted applicant gets a place in a cohort). Each person counts once."
            ),
        ),
        Definition(
            _("Completed the course"),
            _(
                "People enrolled (status Enrolled) in a cohort whose last course day is within "
                "the period and who meet the cohort's completion rule from the attendance "
                "recorded when the report is made (see Standing in the course section)."
            ),
        ),
        Definition(
            _("Certified"),
            _(
                "People whose status changed from Trainee to Certified within the period (the "
                "change made when the course certificate is issued). A placement that ends also "
                "returns a person to Certified; that change is not counted."
            ),
        ),
        Definition(
            _("Placed"),
            _(
                "People with a placement that began (active, or ended after the coordinator and "
                "the unit manager had agreed it) whose start date is within the period."
            ),
        ),
        Definition(
            _("Still placed 6 (12) months after the start"),
            _(
                "People with a placement that began (as for Placed) whose date six (twelve) "
                "months after its start date is within the period and not after the day the "
                "report is made, and whose placement had not ended before that date (no end "
                "date, or an end date on or after it). People reaching the mark: the same "
                "people, whether or not their placement had ended before it. Share still "
                "placed: the first as a share of the second. Each person counts once."
            ),
        ),
        Definition(
            _("Paths that ended"),
            _(
                "Status changes to Declined or Left within the period, by the status the person "
                "had before. A person whose path ended twice in the period counts twice. The "
                "reasons given are free text and are not printed."
            ),
        ),
        Definition(
            _("Placements that ended"),
            _(
                "Placements that began (as above) and whose end date is within the period, by "
                "their length from the start date to the end date (under 6 months, 6 months up "
                "to 12 months, 12 months or more) and by the employer of record."
            ),
        ),
        Definition(
            _("Dates"),
            _(
                "Status changes are dated by the day they were made, in Swedish time. All "
                "figures are counted per region of the participant."
            ),
        ),
    ]


register_section(
    ReportSection(key="funnel", title=gettext_lazy("Recruitment funnel"), order=10, build=build)
)
