"""The recruitment funnel of the evaluation report: how many people reached each step of
the path, from application to a placement that lasted, and how many paths ended.

It lives in workplaces because its last steps are placements; the steps before them come
from programmes (the dated status changes and the course's completion rule). Reasons for
leaving are counted by their kind (a ``LeavingReason`` or ``PlacementEndReason`` chosen when
the path or placement ended), never from the free text beside them, which can identify a
person."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q
from django.utils import timezone
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
from peersupport.smallnumbers import Figure, Status
from programmes.completion import Standing
from programmes.models import LeavingReason, Participant, ParticipantStatus, StatusChange
from programmes.reports import STANDINGS, cohorts_in_period, in_table_order, standings_of

from .models import Employer, Placement, PlacementEndReason, PlacementStatus

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
# Rows of the reasons tables: each kind, then the ones ended before kinds were recorded.
PATH_REASONS = (*LeavingReason.values, None)
PLACEMENT_REASONS = (*PlacementEndReason.values, None)
COMPLETED_STEP = 2


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


@dataclass
class Steps:
    """Per region: the people reaching each step in the period (applied, enrolled,
    completed the course, certified, placed, still placed at 6 and at 12 months); and the
    regions whose course table hides the Complete figure of a cohort that ended in the
    period, whose "completed the course" could give it away."""

    counts: dict[int, list[int]]
    completion_withheld: set[int]


def _withholds_completion(standings: list, ended: set[int]) -> bool:
    """Whether the course section's table, protected as it protects it (one row per cohort
    of the region, in its order, by ``STANDINGS``), hides the Complete figure of a cohort
    whose pk is in ``ended``. The funnel's "completed the course" is about the sum of those
    figures, so beside a hidden one it could pin it down."""
    ordered = in_table_order(standings)
    table = smallnumbers.protect_table(
        [[item.count(standing) for standing in STANDINGS] for item in ordered]
    )
    return any(
        row[STANDINGS.index(Standing.COMPLETE)].suppressed
        for item, row in zip(ordered, table.cells, strict=True)
        if item.cohort.pk in ended
    )


def _step_counts(scope: ReportScope, placements: Placements) -> Steps:
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
    # Every cohort of the course table, for its protection; the completers counted are
    # those of the cohorts whose last day is in the period.
    standings_by_region: dict[int, list] = {pk: [] for pk in scope.region_ids}
    ended: set[int] = set()
    for item in standings_of(cohorts_in_period(scope)):
        standings_by_region[item.cohort.region_id].append(item)
        if item.cohort.end_date is None or not scope.start <= item.cohort.end_date <= scope.end:
            continue
        ended.add(item.cohort.pk)
        people[item.cohort.region_id][COMPLETED_STEP].update(
            item.participant_ids[enrolment_id]
            for enrolment_id, progress in item.progress.items()
            if progress.standing == Standing.COMPLETE
        )
    for region_id in scope.region_ids:
        people[region_id][4] = placements.placed[region_id]
        for index, months in enumerate(RETENTION_MONTHS):
            people[region_id][5 + index] = placements.retention[region_id][months][1]
    return Steps(
        counts={pk: [len(step) for step in steps_] for pk, steps_ in people.items()},
        completion_withheld={
            pk
            for pk, standings in standings_by_region.items()
            if _withholds_completion(standings, ended)
        },
    )


@dataclass
class Ended:
    """Per region, counts of the paths or placements that ended in the period: by the step
    (or length) they ended at, and by the kind of reason; each a table of rows × columns."""

    by_step: dict[int, list[list[int]]]
    by_reason: dict[int, list[list[int]]]


def _ended_paths(scope: ReportScope) -> Ended:
    ended = Ended(
        by_step={pk: [[0] * len(ENDED_AS) for _s in ENDED_FROM] for pk in scope.region_ids},
        by_reason={pk: [[0] * len(ENDED_AS) for _r in PATH_REASONS] for pk in scope.region_ids},
    )
    for row in (
        StatusChange.objects.filter(
            participant__region_id__in=scope.region_ids,
            to_status__in=ENDED_AS,
            from_status__in=ENDED_FROM,
            changed_at__date__range=(scope.start, scope.end),
        )
        .values("participant__region_id", "from_status", "to_status", "reason_category")
        .annotate(changes=Count("pk"))
    ):
        region_id, column = row["participant__region_id"], ENDED_AS.index(row["to_status"])
        ended.by_step[region_id][ENDED_FROM.index(row["from_status"])][column] += row["changes"]
        ended.by_reason[region_id][PATH_REASONS.index(row["reason_category"])][column] += row[
            "changes"
        ]
    return ended


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


def _ended_placements(scope: ReportScope) -> Ended:
    employers = Employer.values
    ended = Ended(
        by_step={
            pk: [[0] * len(employers) for _b in range(len(LENGTH_LIMITS) + 1)]
            for pk in scope.region_ids
        },
        by_reason={
            pk: [[0] * len(employers) for _r in PLACEMENT_REASONS] for pk in scope.region_ids
        },
    )
    for region_id, employer, start, end, reason in (
        _started_placements(scope)
        .filter(status=PlacementStatus.ENDED, end_date__range=(scope.start, scope.end))
        .values_list(
            "participant__region_id", "employer", "start_date", "end_date", "ended_reason_category"
        )
    ):
        column = employers.index(employer)
        ended.by_step[region_id][_length_band(start, end)][column] += 1
        ended.by_reason[region_id][PLACEMENT_REASONS.index(reason)][column] += 1
    return ended


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


def _funnel_table(scope: ReportScope, steps: Steps) -> ReportTable:
    """The steps, each figure protected on its own; "completed the course" is hidden ("x")
    where a region's course table hides a Complete figure it sums (nationally: any region's),
    whatever its size, so the "x" itself says nothing."""
    table = figures.figure_table(
        scope,
        caption=_("Recruitment funnel: people who reached each step in the period"),
        row_header=_("Step"),
        row_labels=_step_labels(),
        columns=[_("People")],
        counts_by_region={pk: [[count] for count in counts] for pk, counts in steps.counts.items()},
    )
    if steps.completion_withheld:
        completed = table.rows[COMPLETED_STEP]
        table.rows[COMPLETED_STEP] = ReportRow(
            completed.label, [Figure(None, Status.HIDDEN, smallnumbers.threshold())]
        )
    return table


def _with_reasons(
    scope: ReportScope,
    *,
    caption: str,
    labels: list[str],
    columns: list[str],
    ended: Ended,
    beside: ReportTable,
    note: str,
) -> tuple[ReportTable, ReportTable]:
    """The table ``beside`` (the things that ended by step or length) and the table of
    ``ended.by_reason``. Their grand totals are one number, so where one table hides it and
    the other shows it (only when the protection has had to reach the total, since a small
    total is "<5" in both), the table showing it is withheld whole: its figures would give
    the other's hidden total away, and through it the figures that total protects."""
    table = figures.count_table(
        scope,
        caption=caption,
        row_header=_("Kind of reason"),
        row_labels=[*labels, _("Not given")],
        columns=columns,
        counts_by_region=ended.by_reason,
        note=note,
    )
    if beside.rows[-1].cells[-1].suppressed == table.rows[-1].cells[-1].suppressed:
        return beside, table
    withheld = Figure(None, Status.HIDDEN, smallnumbers.threshold())

    def whole(shown: ReportTable) -> ReportTable:
        return dataclasses.replace(
            shown,
            rows=[
                ReportRow(
                    row.label,
                    [withheld if isinstance(cell, Figure) else cell for cell in row.cells],
                    total=row.total,
                )
                for row in shown.rows
            ],
        )

    if beside.rows[-1].cells[-1].suppressed:
        return beside, whole(table)
    return whole(beside), table


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
        categories=labels,
        series=[charts.Series(str(_("People")), values)],
    )
    described = "; ".join(
        f"{number}. {label}: {value}"
        for number, (label, value) in enumerate(zip(labels, values, strict=True), start=1)
    )
    return ReportChart(
        svg=svg,
        alt=_(
            "Bar chart of the recruitment funnel, one bar per step in order, the height of "
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
    reached = [*steps.counts.values(), *(sum(rows, []) for rows in ended_paths.by_step.values())]
    reached += [sum(rows, []) for rows in ended_placements.by_step.values()]
    if not any(map(any, reached)):
        return content
    funnel = _funnel_table(scope, steps)
    path_columns = [ParticipantStatus(status).label for status in ENDED_AS]
    paths_by_step, paths_by_reason = _with_reasons(
        scope,
        caption=_("Paths that ended in the period, by the kind of reason"),
        labels=[LeavingReason(reason).label for reason in LeavingReason.values],
        columns=path_columns,
        ended=ended_paths,
        beside=figures.count_table(
            scope,
            caption=_("Paths that ended in the period, by the step they ended at"),
            row_header=_("Status before"),
            row_labels=[ParticipantStatus(status).label for status in ENDED_FROM],
            columns=path_columns,
            counts_by_region=ended_paths.by_step,
        ),
        note=_(
            "The kind of reason chosen when the path ended; the reason written beside it can "
            "identify a person and is not printed. Not given: paths that ended before kinds "
            "of reason were recorded."
        ),
    )
    employer_columns = [Employer(employer).label for employer in Employer.values]
    placements_by_length, placements_by_reason = _with_reasons(
        scope,
        caption=_("Placements that ended in the period, by the kind of reason"),
        labels=[PlacementEndReason(reason).label for reason in PlacementEndReason.values],
        columns=employer_columns,
        ended=ended_placements,
        beside=figures.count_table(
            scope,
            caption=_("Placements that ended in the period, by how long they had lasted"),
            row_header=_("Length"),
            row_labels=[
                _("Under 6 months"),
                _("6 to 12 months"),
                _("12 months or more"),
            ],
            columns=employer_columns,
            counts_by_region=ended_placements.by_step,
        ),
        note=_(
            "The kind of reason chosen when the placement ended; the reason written beside it "
            "can identify a person and is not printed. Not given: placements that ended before "
            "kinds of reason were recorded."
        ),
    )
    content.blocks = [
        _chart(funnel),
        funnel,
        _retention_table(scope, placements),
        paths_by_step,
        paths_by_reason,
        placements_by_length,
        placements_by_reason,
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
                "recorded when the report is made (see Standing in the course section). Shown "
                "as x, whatever its size, wherever the course section's table of cohorts hides "
                "the Complete figure of one of those cohorts (nationally: in any region's "
                "report), since the sum could give that figure away."
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
                "had before, and by the kind of reason chosen when the path ended (got work or "
                "studies elsewhere, own health, personal circumstances or moved, the role did "
                "not suit, did not complete the course, no placement available, other; not "
                "given for paths that ended before kinds were recorded). A person whose path "
                "ended twice in the period counts twice. The reasons written beside the kind "
                "are free text and are neither printed nor counted. The two tables count the "
                "same changes: where one has to hide its total and the other would show it, "
                "the other is printed with every figure as x."
            ),
        ),
        Definition(
            _("Placements that ended"),
            _(
                "Placements that began (as above) and whose end date is within the period, by "
                "their length from the start date to the end date (under 6 months, 6 months up "
                "to 12 months, 12 months or more), and by the kind of reason chosen when it "
                "ended (the agreed period ended, got other work or studies, own health, the "
                "workplace ended it or no funding, the role did not suit, other; not given for "
                "placements that ended before kinds were recorded); both by the employer of "
                "record. The reasons written beside the kind are free text and are neither "
                "printed nor counted. The two tables count the same placements: where one has "
                "to hide its total and the other would show it, the other is printed with "
                "every figure as x."
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
