"""The survey section of the evaluation report: per study that ran in the period, the
response rate of each wave, the change in scores between waves with its confidence
interval, and Cronbach's alpha.

The figures are the results page's (``evaluation.results``), computed for the scope's
regions instead of a viewer's, for every study at once: a fixed number of queries
whatever the number of regions, waves and respondents (two per instrument version for its
scoring plan). The counts are protected as every count of the report is
(``peersupport.reports.figures``), nationally against each region's own report; a mean
change, interval or alpha is shown only where its count is shown and reaches the
small-number threshold, as on the results page.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peersupport import smallnumbers
from peersupport.charts import percent_bar_chart
from peersupport.reports.figures import protected_counts, share, standalone_figures
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
from peersupport.smallnumbers import Figure

from .models import Invitation, InvitationStatus, Study
from .results import RESPONSE_STATUSES, RegionalStudyResults, results_for_regions

_COMPLETED = RESPONSE_STATUSES.index(InvitationStatus.COMPLETED)


def _period_bounds(scope: ReportScope) -> tuple[dt.datetime, dt.datetime]:
    """The period's first moment and the moment after its last day, in Stockholm."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return (
        dt.datetime.combine(scope.start, dt.time.min, zone),
        dt.datetime.combine(scope.end + dt.timedelta(days=1), dt.time.min, zone),
    )


def reported_studies(scope: ReportScope) -> list[Study]:
    """The studies covering the scope's regions with an invitation to someone in them
    whose window opened in the period (cancelled ones aside)."""
    start, after = _period_bounds(scope)
    opened = Invitation.objects.filter(
        region_id__in=scope.region_ids, opens_at__gte=start, opens_at__lt=after
    ).exclude(status=InvitationStatus.CANCELLED)
    return list(
        Study.objects.filter(Q(regions__isnull=True) | Q(regions__in=scope.region_ids))
        .filter(pk__in=opened.values("wave__study_id"))
        .distinct()
        .order_by("name", "pk")
    )


def _count(scope: ReportScope, by_region: dict[int, int]) -> Figure:
    """One count standing alone, protected (nationally, against each region's own)."""
    [[figure]] = standalone_figures(
        scope, {pk: [[by_region.get(pk, 0)]] for pk in scope.region_ids}
    )
    return figure


def _decimal(value: float) -> str:
    # Rounded first: number_format cuts off the digits beyond decimal_pos.
    return number_format(round(value, 2), decimal_pos=2)


def _shown(n: Figure, value: float | None) -> bool:
    """Whether a figure about ``n`` respondents may be shown: from the threshold on, and
    only when their number is."""
    return value is not None and not n.suppressed and n.value >= smallnumbers.threshold()


def _described(n: Figure, value: float | None) -> Figure | str:
    """A figure about ``n`` respondents: hidden ("x") with a hidden count, "–" where it
    may not be shown or does not exist."""
    if n.suppressed:
        return smallnumbers.hidden_with(n, "")
    return _decimal(value) if _shown(n, value) else "–"


def _response_table(scope: ReportScope, entry: RegionalStudyResults):
    """The wave's response counts, their rates for the chart, and each wave's answered
    count as shown (what the scores' counts are made of)."""
    rows, rates, answered_by_wave = [], [], {}
    for wave in entry.results.responses:
        by_region = entry.counts[wave.wave.pk]
        raw = {pk: [by_region.get(pk, [0] * len(RESPONSE_STATUSES))] for pk in scope.region_ids}
        table = protected_counts(scope, raw)
        invited, answered = table.total, table.cells[0][_COMPLETED]
        raw_invited = sum(sum(rows[0]) for rows in raw.values())
        raw_answered = sum(rows[0][_COMPLETED] for rows in raw.values())
        rate = share(answered, invited, raw_answered, raw_invited)
        rows.append(ReportRow(wave.wave.name, [invited, answered, rate]))
        answered_by_wave[wave.wave.pk] = answered
        rates.append(
            round(100 * raw_answered / raw_invited)
            if raw_invited and not (invited.suppressed or answered.suppressed)
            else None
        )
    table = ReportTable(
        caption=_("Response rates: %(study)s") % {"study": entry.study.name},
        row_header=_("Wave"),
        columns=[_("Number invited"), _("Number answered"), _("Response rate")],
        rows=rows,
    )
    return table, rates, answered_by_wave


def _score_name(wave, instrument: str, score: str) -> str:
    """A score's name, after its instrument's only where the wave uses several: short
    labels keep the table readable."""
    if len(wave.wave_instruments.all()) > 1:
        return _("%(instrument)s, %(score)s") % {"instrument": instrument, "score": score}
    return score


def _change_table(scope: ReportScope, entry: RegionalStudyResults) -> ReportTable:
    rows = []
    for line in entry.results.changes:
        # A pair of waves no one answered both of says nothing: left out, not listed as 0.
        if not any(line.n_by_region.get(pk) for pk in scope.region_ids):
            continue
        n = _count(scope, line.n_by_region)
        change = line.unprotected_change
        mean = _described(n, change.mean_diff if change else None)
        interval = mean
        if change and change.ci_low is not None and _shown(n, change.mean_diff):
            interval = _("%(low)s to %(high)s") % {
                "low": _decimal(change.ci_low),
                "high": _decimal(change.ci_high),
            }
        label = _("%(score)s: %(before)s to %(after)s") % {
            "score": _score_name(line.after, line.instrument_name, line.name),
            "before": line.before.name,
            "after": line.after.name,
        }
        rows.append(ReportRow(label, [n, mean, interval]))
    # The catalogue holds this header as a format string (the results page formats it).
    interval_header = _("95 %% confidence interval") % {}
    return ReportTable(
        caption=_("Change in scores between waves: %(study)s") % {"study": entry.study.name},
        row_header=_("Score"),
        columns=[_("Pairs"), _("Mean change"), interval_header],
        rows=rows,
        note="" if rows else _("No one has answered two waves of this study in a row yet."),
    )


def _alpha_table(
    scope: ReportScope, entry: RegionalStudyResults, answered_by_wave: dict[int, Figure]
) -> ReportTable:
    rows = []
    for line in entry.results.alphas:
        n = _count(scope, line.n_by_region)
        if not n.suppressed and n.value:
            # As on the results page: a count of scored answers is shown only beside a
            # shown count of answers, which it could otherwise narrow down.
            n = smallnumbers.hidden_with(answered_by_wave[line.wave.pk], n)
        label = _("%(wave)s: %(score)s") % {
            "wave": line.wave.name,
            "score": _score_name(line.wave, line.version.instrument.name, line.name),
        }
        rows.append(ReportRow(label, [line.items, n, _described(n, line.unprotected_alpha)]))
    return ReportTable(
        caption=_("Cronbach's alpha: %(study)s") % {"study": entry.study.name},
        row_header=_("Score"),
        columns=[_("Items"), _("Respondents with every item answered"), _("Cronbach's alpha")],
        rows=rows,
    )


def _chart_alt(entry: RegionalStudyResults, table: ReportTable) -> str:
    values = "; ".join(f"{row.label}: {row.cells[2]}" for row in table.rows)
    return _(
        "Bar chart of the response rate of each wave of the study %(study)s, in percent of "
        "those invited (x: hidden to protect small numbers; –: nobody invited). %(values)s."
    ) % {"study": entry.study.name, "values": values}


def build(scope: ReportScope) -> SectionContent:
    content = SectionContent(
        title=_("Survey results"),
        intro=_(
            "The follow-up surveys of the studies that sent invitations in the period: how "
            "many answered each wave, how scores changed between waves, and how consistent "
            "each score's items are."
        ),
        definitions=definitions(),
        empty_text=_("No survey invitation opened in this period."),
    )
    studies = reported_studies(scope)
    if not studies:
        return content
    _start, after = _period_bounds(scope)
    invitations = Invitation.objects.filter(
        wave__study__in=studies, region_id__in=scope.region_ids, opens_at__lt=after
    )
    for entry in results_for_regions(studies, list(scope.regions), invitations=invitations):
        if not entry.results.responses:
            continue
        responses, rates, answered_by_wave = _response_table(scope, entry)
        content.blocks.append(
            ReportChart(
                svg=percent_bar_chart(
                    title=_("Response rate per wave: %(study)s") % {"study": entry.study.name},
                    categories=[str(row.label) for row in responses.rows],
                    values=rates,
                ),
                alt=_chart_alt(entry, responses),
            )
        )
        content.blocks.append(responses)
        for table in (
            _change_table(scope, entry),
            _alpha_table(scope, entry, answered_by_wave),
        ):
            if not table.is_empty():
                content.blocks.append(table)
    return content


def definitions() -> list[Definition]:
    threshold = smallnumbers.threshold()
    return [
        Definition(
            _("Studies reported"),
            _(
                "A study is reported when it covers the region (a study for no particular "
                "region covers all) and at least one of its invitations to a respondent in "
                "the region, not cancelled, opened for answering within the period "
                "(Europe/Stockholm dates, both days included)."
            ),
        ),
        Definition(
            _("Number invited"),
            _(
                "Per wave, the study's invitations to respondents in the region that opened "
                "on or before the period's last day: personal invitations whose answering "
                "window has opened when the report is made, and, for the anonymous groups "
                "(service users, workplace staff), printed survey slips. Cancelled "
                "invitations are not counted. A national figure adds the regions'."
            ),
        ),
        Definition(
            _("Number answered"),
            _(
                "Invited, and the survey was completed (its status when the report is "
                "made). Started but not completed, declined, withdrawn and unanswered "
                "invitations are not answered. Response rate: answered divided by invited, "
                "in whole percent."
            ),
        ),
        Definition(
            _("Change in scores"),
            _(
                "For consecutive waves of the same personal group (peer supporters, unit "
                "managers) that use the same instrument: per score, the mean of the later "
                "score minus the earlier one over the respondents with both (a respondent's "
                "latest answer in each wave), with the 95 %% confidence interval of the "
                "paired t-test (t distribution, pairs − 1 degrees of freedom). A pair counts "
                "in the region of its later answer. Answers of the anonymous groups are "
                "never paired. Shown from %(threshold)d pairs."
            )
            % {"threshold": threshold},
        ),
        Definition(
            _("Cronbach's alpha"),
            _(
                "Per wave and score, over the respondents who answered every item of the "
                "score (reverse-scored items reversed). Scores use completed surveys, and "
                "those of respondents who withdrew but let their answers be kept where the "
                "number who withdrew may be shown. Their number is shown only beside a shown "
                "number answered; alpha from %(threshold)d such respondents, with at least "
                "two items and some spread in the sums."
            )
            % {"threshold": threshold},
        ),
    ]


register_section(
    ReportSection(key="surveys", title=gettext_lazy("Survey results"), order=70, build=build)
)
