"""A study's results as the viewer may see them: response rates, scores, paired change and
Cronbach's alpha, with the small-number rule applied.

The figures are computed in a fixed number of queries whatever the number of respondents:
one aggregate for the response counts, one list of the scored invitations, one list of
their answers, and the waves with their instruments' scoring rules.

Small numbers (``peersupport.smallnumbers``) apply to everyone, coordinators included:
survey respondents are not their records. Per wave, the response counts form one table
(each status's count per region, or per workplace for the anonymous groups, with its total
over them and the wave's total invited), protected as a whole so no hidden count can be
worked out from the totals. The region filter only chooses which lines to show: the table
is protected over all the viewer's regions, so moving the filter does not reveal a figure
that another choice hides. A figure over several lines (a region's workplaces, the
selection's scores) is shown only when the counts it adds up are themselves shown or are
a protected total. A mean, SD, interval, alpha or paired change from fewer respondents
than the threshold is not shown.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport import smallnumbers
from peersupport.accounts.models import Region, User
from peersupport.charts import percent_bar_chart
from peersupport.smallnumbers import Figure

from .models import (
    ANONYMOUS_GROUPS,
    Answer,
    InstrumentVersion,
    InvitationStatus,
    RespondentGroup,
    Study,
    Wave,
    WaveInstrument,
)
from .permissions import invitations_for_results, result_region_ids
from .scoring import TOTAL, ScoringPlan, scoring_plans
from .statistics import PairedChange, Summary, cronbach_alpha, describe, paired_change

# The statuses an invitation counted as invited can be in; together they make "invited".
RESPONSE_STATUSES = (
    InvitationStatus.PENDING,
    InvitationStatus.STARTED,
    InvitationStatus.COMPLETED,
    InvitationStatus.DECLINED,
    InvitationStatus.WITHDRAWN,
)
_COMPLETED = RESPONSE_STATUSES.index(InvitationStatus.COMPLETED)
_WITHDRAWN = RESPONSE_STATUSES.index(InvitationStatus.WITHDRAWN)

TOTAL_LABEL = _("Total score")


# Response rates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """What a wave's responses are counted by: a region, or a workplace (anonymous groups)."""

    pk: int
    name: str
    region_id: int
    region_name: str


@dataclass(frozen=True)
class ResponseLine:
    """One line of a wave's response table: a count per status in ``RESPONSE_STATUSES``,
    invited (their sum) and the response rate in percent. A figure is ``None`` ("–") where
    it cannot be shown because a count it is made of is hidden."""

    label: str
    region: str
    counts: list[Figure | None]
    invited: Figure | None
    rate: int | None

    @property
    def completed(self) -> Figure | None:
        return self.counts[_COMPLETED]

    @property
    def withdrawn(self) -> Figure | None:
        return self.counts[_WITHDRAWN]


def _known(count: Figure | None) -> bool:
    return count is not None and not count.suppressed


def _rate(completed: Figure | None, invited: Figure | None) -> int | None:
    if not (_known(completed) and _known(invited)) or not invited.value:
        return None
    return round(100 * completed.value / invited.value)


@dataclass
class WaveResponses:
    """A wave's response counts: one line per region or workplace shown, and ``summary``,
    the line for everything the filter selects."""

    wave: Wave
    lines: list[ResponseLine]
    summary: ResponseLine

    @property
    def anonymous(self) -> bool:
        return self.wave.group in ANONYMOUS_GROUPS

    @property
    def target(self) -> int:
        return self.wave.target_response_rate

    @property
    def meets_target(self) -> bool | None:
        if self.summary.rate is None:
            return None
        return self.summary.rate >= self.target


def wave_responses(
    wave: Wave, counts: dict[int, list[int]], units: dict[int, Unit], region_id: int | None
) -> WaveResponses:
    """Protect the wave's table over every unit in the viewer's scope, then keep the lines
    of the chosen region."""
    unit_ids = sorted(counts, key=lambda pk: (units[pk].region_name, units[pk].name, pk))
    # Rows are statuses and cells units, so the protected totals are each status's count
    # over the wave (what the scores' n is made of) and the wave's invited.
    table = smallnumbers.protect_table(
        [[counts[pk][index] for pk in unit_ids] for index in range(len(RESPONSE_STATUSES))]
    )
    columns = {
        pk: [table.cells[index][column] for index in range(len(RESPONSE_STATUSES))]
        for column, pk in enumerate(unit_ids)
    }
    chosen = [pk for pk in unit_ids if region_id is None or units[pk].region_id == region_id]
    lines = [_line(units[pk].name, units[pk].region_name, columns[pk]) for pk in chosen]
    if len(chosen) == len(unit_ids):
        summary = ResponseLine(
            label=str(_("Total")),
            region="",
            counts=list(table.row_totals),
            invited=table.total,
            rate=_rate(table.row_totals[_COMPLETED], table.total),
        )
    else:
        summary = _sum_of_lines(str(_("Total")), [columns[pk] for pk in chosen])
    if len(unit_ids) == 1 and lines:
        # One region (or workplace) is the whole table: its line is the protected total.
        lines = [dataclasses.replace(summary, label=lines[0].label, region=lines[0].region)]
    return WaveResponses(wave=wave, lines=lines, summary=summary)


def _sum(figures: list[Figure | None]) -> Figure | None:
    """A sum that is no protected total: shown only when every figure it adds is, so it
    tells nothing a reader could not add up (and is then 0 or at least the threshold)."""
    if not all(_known(figure) for figure in figures):
        return None
    return smallnumbers.figure(sum(figure.value for figure in figures), protect=False)


def _line(label: str, region: str, cells: list[Figure | None]) -> ResponseLine:
    invited = _sum(cells)
    return ResponseLine(
        label=label,
        region=region,
        counts=cells,
        invited=invited,
        rate=_rate(cells[_COMPLETED], invited),
    )


def _sum_of_lines(label: str, columns: list[list[Figure]]) -> ResponseLine:
    counts = [
        _sum([column[index] for column in columns]) for index in range(len(RESPONSE_STATUSES))
    ]
    return _line(label, "", counts)


# Scores, change and alpha -----------------------------------------------------------------


@dataclass(frozen=True)
class ScoreLine:
    """One subscale's (or the total's) scores in one wave. ``summary`` is ``None`` when
    they may not be shown; ``n`` is ``None`` when even the number may not."""

    wave: Wave
    version: InstrumentVersion
    key: str
    name: str
    n: Figure | None
    summary: Summary | None


@dataclass(frozen=True)
class ChangeLine:
    """The change in one score between two waves, over the respondents who answered both."""

    before: Wave
    after: Wave
    instrument_name: str
    key: str
    name: str
    n: Figure
    change: PairedChange | None
    # The raw number of pairs per region of the later answer, for reports that protect
    # the count against each region's own.
    n_by_region: dict[int, int] = field(default_factory=dict)
    # The change whatever the pairs' count: never shown as it is, only by a caller that
    # protects the count its own way (the evaluation report).
    unprotected_change: PairedChange | None = None


@dataclass(frozen=True)
class AlphaLine:
    wave: Wave
    version: InstrumentVersion
    key: str
    name: str
    items: int
    n: Figure | None
    alpha: float | None
    # The raw number of respondents with every item answered, per region.
    n_by_region: dict[int, int] = field(default_factory=dict)
    # Alpha whatever the count: never shown as it is, only by a caller that protects the
    # count its own way (the evaluation report).
    unprotected_alpha: float | None = None


@dataclass
class StudyResults:
    regions: list[Region]
    region: Region | None
    responses: list[WaveResponses]
    scores: list[ScoreLine] = field(default_factory=list)
    changes: list[ChangeLine] = field(default_factory=list)
    alphas: list[AlphaLine] = field(default_factory=list)
    # Anonymous waves: answers counted per workplace, never per person, so never paired.
    unpaired_waves: list[Wave] = field(default_factory=list)

    @property
    def threshold(self) -> int:
        return smallnumbers.threshold()

    def chart(self, title: str) -> str:
        """Each wave's response rate over the selection, drawn from the shown figures."""
        return percent_bar_chart(
            title=title,
            categories=[wave.wave.name for wave in self.responses],
            values=[wave.summary.rate for wave in self.responses],
        )


@dataclass(frozen=True)
class _Respondent:
    """A scored invitation: completed, or withdrawn with the answers kept."""

    pk: int
    wave_id: int
    region_id: int
    person: tuple[str, int] | None
    completed: bool


def _name_of(plan_key: str, names: dict[str, str]) -> str:
    return str(TOTAL_LABEL) if plan_key == TOTAL else names.get(plan_key, plan_key)


def study_results(user: User, study: Study, *, region_id: int | None = None) -> StudyResults:
    """Everything on the results page for ``user``, optionally for one of their regions."""
    regions = _regions_for(user, study)
    region = next((r for r in regions if r.pk == region_id), None)
    waves = _waves_of(Wave.objects.filter(study=study))
    loaded = _load(invitations_for_results(user, study), waves)
    return _study_results(regions, region, waves, loaded)


@dataclass(frozen=True)
class RegionalStudyResults:
    """A study's results over given regions, with the raw response counts behind them:
    ``counts[wave id][region id]`` holds one count per status in ``RESPONSE_STATUSES``."""

    study: Study
    results: StudyResults
    counts: dict[int, dict[int, list[int]]]


def results_for_regions(
    studies: list[Study], regions: list[Region], *, invitations
) -> list[RegionalStudyResults]:
    """What ``study_results`` computes for a viewer of exactly ``regions`` (their figures
    over all of them, none chosen), from ``invitations`` (of these studies and regions),
    for several studies in one go: the same queries as one study's page, and the scoring
    plan's per instrument version."""
    waves = _waves_of(Wave.objects.filter(study__in=studies))
    loaded = _load(invitations, waves)
    by_region: dict[int, dict[int, list[int]]] = defaultdict(dict)
    for wave_id, by_unit in loaded.counts.items():
        for unit_pk, cells in by_unit.items():
            region_id = loaded.units[wave_id][unit_pk].region_id
            summed = by_region[wave_id].setdefault(region_id, [0] * len(RESPONSE_STATUSES))
            for index, count in enumerate(cells):
                summed[index] += count
    return [
        RegionalStudyResults(
            study=study,
            results=_study_results(
                list(regions), None, [wave for wave in waves if wave.study_id == study.pk], loaded
            ),
            counts={wave.pk: by_region[wave.pk] for wave in waves if wave.study_id == study.pk},
        )
        for study in studies
    ]


def _waves_of(waves) -> list[Wave]:
    return list(
        waves.order_by("study_id", "position", "pk").prefetch_related(
            Prefetch(
                "wave_instruments",
                queryset=WaveInstrument.objects.select_related(
                    "instrument_version__instrument"
                ).prefetch_related("instrument_version__subscales"),
            )
        )
    )


@dataclass(frozen=True)
class _Loaded:
    counts: dict[int, dict[int, list[int]]]
    units: dict[int, dict[int, Unit]]
    respondents: dict[int, _Respondent]
    plans: dict[int, ScoringPlan]
    values: dict[tuple[int, int], dict[int, int]]


def _load(invitations, waves: list[Wave]) -> _Loaded:
    counts, units = response_counts(invitations, waves)
    # Everyone in the viewer's scope: the pairs are counted per region over all of it.
    scored = _scored_invitations(invitations)
    respondents = _respondents(scored, waves)
    versions = {
        link.instrument_version_id: link.instrument_version
        for wave in waves
        for link in wave.wave_instruments.all()
    }
    plans = scoring_plans(versions.values())
    values = _answers(scored, plans)
    return _Loaded(counts, units, respondents, plans, values)


def _study_results(
    regions: list[Region], region: Region | None, waves: list[Wave], loaded: _Loaded
) -> StudyResults:
    chosen_region = region.pk if region else None
    counts, units = loaded.counts, loaded.units
    respondents, plans, values = loaded.respondents, loaded.plans, loaded.values
    responses = [
        wave_responses(wave, counts[wave.pk], units[wave.pk], chosen_region)
        for wave in waves
        if counts[wave.pk]
    ]
    results = StudyResults(regions=regions, region=region, responses=responses)
    results.unpaired_waves = [wave for wave in waves if wave.group in ANONYMOUS_GROUPS]

    summaries = {wave.wave.pk: wave.summary for wave in responses}
    by_wave: dict[int, list[_Respondent]] = defaultdict(list)
    for r in respondents.values():
        if chosen_region in (None, r.region_id):
            by_wave[r.wave_id].append(r)
    for wave in waves:
        if wave.pk not in summaries:
            continue
        in_wave = by_wave[wave.pk]
        for link in wave.wave_instruments.all():
            _score_wave(
                results,
                wave,
                link.instrument_version,
                plans[link.instrument_version_id],
                in_wave,
                values,
                summaries[wave.pk],
            )
    _pair_waves(results, waves, respondents, plans, values, chosen_region)
    return results


def _regions_for(user: User, study: Study) -> list[Region]:
    """The regions the user may filter by: their result regions that the study covers."""
    allowed = result_region_ids(user)
    regions = Region.objects.order_by("name")
    if allowed is not None:
        regions = regions.filter(pk__in=allowed)
    covered = list(study.regions.all())
    if covered:
        regions = regions.filter(pk__in=[r.pk for r in covered])
    return list(regions)


def response_counts(invitations, waves: list[Wave]):
    """Per wave, per unit (region or workplace), the invitations in each status, in one
    query. Invited: personal invitations whose window has opened, and printed slips;
    cancelled ones are not counted."""
    now = timezone.now()
    anonymous = [wave.pk for wave in waves if wave.group in ANONYMOUS_GROUPS]
    rows = (
        invitations.filter(
            Q(wave_id__in=anonymous, code__isnull=False)
            | (~Q(wave_id__in=anonymous) & Q(opens_at__lte=now))
        )
        .filter(status__in=RESPONSE_STATUSES)
        .order_by()
        .values("wave_id", "region_id", "region__name", "workplace_id", "workplace__name", "status")
        .annotate(count=Count("pk"))
    )
    counts: dict[int, dict[int, list[int]]] = defaultdict(dict)
    units: dict[int, dict[int, Unit]] = defaultdict(dict)
    anonymous_ids = set(anonymous)
    for row in rows:
        wave_id = row["wave_id"]
        if wave_id in anonymous_ids:
            unit = Unit(
                pk=row["workplace_id"] or 0,
                name=row["workplace__name"] or str(_("No workplace")),
                region_id=row["region_id"],
                region_name=row["region__name"],
            )
        else:
            unit = Unit(
                pk=row["region_id"],
                name=row["region__name"],
                region_id=row["region_id"],
                region_name=row["region__name"],
            )
        units[wave_id][unit.pk] = unit
        cells = counts[wave_id].setdefault(unit.pk, [0] * len(RESPONSE_STATUSES))
        cells[RESPONSE_STATUSES.index(row["status"])] += row["count"]
    return counts, units


def _scored_invitations(invitations):
    """Completed invitations, and withdrawn ones whose answers were kept. Started but not
    completed ones are left out, as are withdrawn ones whose answers were deleted."""
    return invitations.filter(
        Q(status=InvitationStatus.COMPLETED)
        | Q(status=InvitationStatus.WITHDRAWN, answers_deleted=False)
    )


def _respondents(scored, waves: list[Wave]) -> dict[int, _Respondent]:
    """The scored invitations in one query, oldest first, with the person they belong to
    where the group is answered by name (peer supporters by participant, unit managers by
    account)."""
    groups = {wave.pk: wave.group for wave in waves}
    rows = scored.order_by("opens_at", "pk").values_list(
        "pk", "wave_id", "region_id", "participant_id", "user_id", "status"
    )
    respondents = {}
    for pk, wave_id, region_id, participant, user, status in rows:
        person = None
        if groups[wave_id] == RespondentGroup.PEER_SUPPORTERS and participant:
            person = ("participant", participant)
        elif groups[wave_id] == RespondentGroup.UNIT_MANAGERS and user:
            person = ("user", user)
        respondents[pk] = _Respondent(
            pk=pk,
            wave_id=wave_id,
            region_id=region_id,
            person=person,
            completed=status == InvitationStatus.COMPLETED,
        )
    return respondents


def _answers(scored, plans: dict[int, ScoringPlan]) -> dict[tuple[int, int], dict[int, int]]:
    """Raw answers by (invitation, version), item by item, in one query."""
    version_of_item = {item.id: pk for pk, plan in plans.items() for item in plan.items}
    values: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    # No ordering: the answers' default one joins invitations and items to sort every row.
    rows = (
        Answer.objects.filter(
            invitation__in=scored.values("pk"),
            item_id__in=list(version_of_item),
            value__isnull=False,
        )
        .order_by()
        .values_list("invitation_id", "item_id", "value")
    )
    for invitation_id, item_id, value in rows:
        values[(invitation_id, version_of_item[item_id])][item_id] = value
    return values


def _score_wave(
    results: StudyResults,
    wave: Wave,
    version: InstrumentVersion,
    plan: ScoringPlan,
    respondents: list[_Respondent],
    values: dict[tuple[int, int], dict[int, int]],
    summary: ResponseLine,
) -> None:
    names = {subscale.key: subscale.name for subscale in version.subscales.all()}
    # Withdrawn respondents who kept their answers count only where the number of
    # withdrawals is shown: otherwise the scores' n, above the completed count, would tell
    # how many of the few who withdrew kept their answers.
    with_withdrawn = _known(summary.withdrawn)
    answered = [
        r for r in respondents if (r.pk, version.pk) in values and (r.completed or with_withdrawn)
    ]
    rows = [plan.scored_values(values[(r.pk, version.pk)]) for r in answered]
    for rule, indexes in plan.rule_indexes:
        name = _name_of(rule.key, names)
        matrix = [[row[index] for index in indexes] for row in rows]
        data = [score for score in map(rule.score_values, matrix) if score is not None]
        n = _count_shown(len(data), summary)
        results.scores.append(
            ScoreLine(
                wave=wave,
                version=version,
                key=rule.key,
                name=name,
                n=n,
                summary=describe(data) if _enough(n) else None,
            )
        )
        complete_by_region: dict[int, int] = defaultdict(int)
        complete_rows = []
        for respondent, row in zip(answered, matrix, strict=True):
            if None not in row:
                complete_by_region[respondent.region_id] += 1
                complete_rows.append(row)
        complete = sum(complete_by_region.values())
        complete_n = _count_shown(complete, summary)
        # Alpha is over the respondents who answered every item: these rows, in order.
        alpha = cronbach_alpha(complete_rows)
        results.alphas.append(
            AlphaLine(
                wave=wave,
                version=version,
                key=rule.key,
                name=name,
                items=len(rule.item_keys),
                n=complete_n,
                alpha=alpha if _enough(complete_n) else None,
                n_by_region=dict(complete_by_region),
                unprotected_alpha=alpha,
            )
        )


def _count_shown(n: int, summary: ResponseLine) -> Figure | None:
    """How many respondents a score is from, as it may be shown; ``None`` ("–") when the
    number would reveal a count the response table hides. A small number is "<5", which
    tells no count; any other is shown only when the selection's completed count is (and
    its withdrawn count, which the scores then include)."""
    if 0 < n < smallnumbers.threshold():
        return smallnumbers.figure(n)
    if not _known(summary.completed):
        return None
    return smallnumbers.figure(n)


def _enough(n: Figure | None) -> bool:
    return n is not None and not n.suppressed and n.value >= smallnumbers.threshold()


def _pair_waves(
    results: StudyResults,
    waves: list[Wave],
    respondents: dict[int, _Respondent],
    plans: dict[int, ScoringPlan],
    values: dict[tuple[int, int], dict[int, int]],
    region_id: int | None,
) -> None:
    """Consecutive waves of the same personal group, per instrument they share (by key)."""
    by_group: dict[str, list[Wave]] = defaultdict(list)
    for wave in waves:
        if wave.group not in ANONYMOUS_GROUPS:
            by_group[wave.group].append(wave)
    for group_waves in by_group.values():
        for before, after in zip(group_waves, group_waves[1:], strict=False):
            for link in after.wave_instruments.all():
                earlier = next(
                    (
                        e
                        for e in before.wave_instruments.all()
                        if e.instrument_version.instrument.key
                        == link.instrument_version.instrument.key
                    ),
                    None,
                )
                if earlier is not None:
                    _pair(
                        results,
                        (before, after),
                        (plans[earlier.instrument_version_id], plans[link.instrument_version_id]),
                        link.instrument_version,
                        respondents,
                        values,
                        region_id,
                    )


def _latest_by_person(
    wave: Wave, respondents: dict[int, _Respondent], version_id: int, values
) -> dict[tuple[str, int], _Respondent]:
    """Each person's invitation in the wave with answers to the version; the latest when
    they had several (e.g. two placements)."""
    latest = {}
    wave_id = wave.pk
    for r in respondents.values():
        if r.wave_id == wave_id and r.person and (r.pk, version_id) in values:
            latest[r.person] = r
    return latest


def _pair(
    results: StudyResults,
    waves: tuple[Wave, Wave],
    plans: tuple[ScoringPlan, ScoringPlan],
    version: InstrumentVersion,
    respondents: dict[int, _Respondent],
    values: dict[tuple[int, int], dict[int, int]],
    region_id: int | None,
) -> None:
    """One line per score both versions have. A pair belongs to the region of its later
    answer; the pair counts per region and their total are protected as one table, so the
    count for one region and the count for all cannot be subtracted into a small one."""
    before, after = waves
    plan_before, plan_after = plans
    earlier = _latest_by_person(before, respondents, plan_before.version_id, values)
    later = _latest_by_person(after, respondents, plan_after.version_id, values)
    pairs = [
        (
            later[person].region_id,
            plan_before.score(values[(earlier[person].pk, plan_before.version_id)]),
            plan_after.score(values[(later[person].pk, plan_after.version_id)]),
        )
        for person in earlier
        if person in later
    ]
    names = {subscale.key: subscale.name for subscale in version.subscales.all()}
    for key in plan_after.keys:
        if key not in plan_before.keys:
            continue
        both = [
            (region, first[key], second[key])
            for region, first, second in pairs
            if first[key] is not None and second[key] is not None
        ]
        n = _pair_count(both, region_id)
        chosen = [pair for pair in both if region_id in (None, pair[0])]
        change = paired_change([pair[1] for pair in chosen], [pair[2] for pair in chosen])
        results.changes.append(
            ChangeLine(
                before=before,
                after=after,
                instrument_name=version.instrument.name,
                key=key,
                name=_name_of(key, names),
                n=n,
                change=change if _enough(n) else None,
                n_by_region=_per_region(chosen),
                unprotected_change=change,
            )
        )


def _per_region(pairs: list[tuple[int, float, float]]) -> dict[int, int]:
    per_region: dict[int, int] = defaultdict(int)
    for region, _before, _after in pairs:
        per_region[region] += 1
    return dict(per_region)


def _pair_count(pairs: list[tuple[int, float, float]], region_id: int | None) -> Figure:
    per_region = _per_region(pairs)
    if region_id is not None and region_id not in per_region:
        return smallnumbers.figure(0)
    regions = sorted(per_region)
    table = smallnumbers.protect_table([[per_region[region] for region in regions]])
    if region_id is None:
        return table.total
    return table.cells[0][regions.index(region_id)]
