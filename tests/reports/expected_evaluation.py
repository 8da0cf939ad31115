"""The survey section's tables for a regional report, recounted from the database with
the ORM as the section's definitions describe them (not with the section's code). Scores
use the instruments' scoring plans and ``evaluation.statistics`` on answers read here.

Scored answers are the completed surveys': the data this is used with has no withdrawn
respondent who kept their answers.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from evaluation.models import (
    ANONYMOUS_GROUPS,
    Answer,
    Invitation,
    InvitationStatus,
    Study,
    Wave,
)
from evaluation.scoring import TOTAL, scoring_plan
from evaluation.statistics import cronbach_alpha, paired_change
from peersupport import smallnumbers

STATUSES = ["pending", "started", "completed", "declined", "withdrawn"]


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    return (
        dt.datetime.combine(start, dt.time.min, zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, zone),
    )


def _studies(region, start: dt.date, end: dt.date) -> list[Study]:
    first, after = _bounds(start, end)
    opened = (
        Invitation.objects.filter(region=region, opens_at__gte=first, opens_at__lt=after)
        .exclude(status=InvitationStatus.CANCELLED)
        .values("wave__study_id")
    )
    return list(
        Study.objects.filter(Q(regions__isnull=True) | Q(regions=region), pk__in=opened)
        .distinct()
        .order_by("name", "pk")
    )


def _invited(region, wave: Wave, after: dt.datetime):
    invitations = Invitation.objects.filter(
        wave=wave, region=region, opens_at__lt=after, status__in=STATUSES
    )
    if wave.group in ANONYMOUS_GROUPS:
        return invitations.filter(code__isnull=False)
    return invitations.filter(opens_at__lte=timezone.now())


def _decimal(value: float) -> str:
    return f"{value:.2f}"


def _count_and_figure(n: int, value: float | None) -> tuple[str, str]:
    count = smallnumbers.figure(n)
    if count.suppressed:
        return str(count), "x"
    if value is None or n < smallnumbers.threshold():
        return str(count), "–"
    return str(count), _decimal(value)


def _latest_scores(invitations, version, scores) -> dict[int, dict[str, float | None]]:
    """Each person's scores from their latest completed invitation with answers."""
    latest = {}
    for invitation in invitations:
        if (invitation.pk, version.pk) in scores:
            latest[invitation.participant_id or invitation.user_id] = scores[
                (invitation.pk, version.pk)
            ]
    return latest


def _score_name(version, key: str) -> str:
    if key == TOTAL:
        return "Total score"
    return version.subscales.get(key=key).name_en


def _label(wave, version, key: str) -> str:
    """The score's name, after the instrument's where the wave uses several."""
    if wave.instruments.count() > 1:
        return f"{version.instrument.name_en}, {_score_name(version, key)}"
    return _score_name(version, key)


def expected_tables(region, start: dt.date, end: dt.date) -> dict[str, list[tuple[str, list[str]]]]:
    _first, after = _bounds(start, end)
    tables: dict[str, list[tuple[str, list[str]]]] = {}
    for study in _studies(region, start, end):
        waves = list(study.waves.order_by("position", "pk"))
        response_rows = []
        completed = {}
        answered_by_wave = {}
        for wave in waves:
            invited = _invited(region, wave, after)
            counts = [invited.filter(status=status).count() for status in STATUSES]
            if not sum(counts):
                continue
            table = smallnumbers.protect_table([counts])
            total, answered = table.total, table.cells[0][STATUSES.index("completed")]
            if total.suppressed or answered.suppressed:
                rate = "x"
            else:
                rate = f"{round(100 * counts[2] / sum(counts))} %"
            response_rows.append((wave.name, [str(total), str(answered), rate]))
            answered_by_wave[wave.pk] = answered
            completed[wave.pk] = list(
                invited.filter(status=InvitationStatus.COMPLETED).order_by("opens_at", "pk")
            )
        if not response_rows:
            continue
        tables[f"Response rates: {study.name}"] = response_rows

        scores: dict[tuple[int, int], dict[str, float | None]] = {}
        alpha_rows = []
        for wave in waves:
            if wave.pk not in completed:
                continue
            for version in [
                link.instrument_version for link in wave.wave_instruments.order_by("position", "pk")
            ]:
                plan = scoring_plan(version)
                scored = []
                for invitation in completed[wave.pk]:
                    values = dict(
                        Answer.objects.filter(
                            invitation=invitation, item__version=version, value__isnull=False
                        ).values_list("item_id", "value")
                    )
                    if values:
                        scores[(invitation.pk, version.pk)] = plan.score(values)
                        scored.append(plan.scored_items(values))
                for rule in plan.rules:
                    matrix = [[items[key] for key in rule.item_keys] for items in scored]
                    n = sum(all(value is not None for value in row) for row in matrix)
                    shown_n, alpha = _count_and_figure(n, cronbach_alpha(matrix))
                    # A shown count of scored answers needs a shown count of answers.
                    if n >= smallnumbers.threshold() and answered_by_wave[wave.pk].suppressed:
                        shown_n = alpha = "x"
                    label = f"{wave.name}: {_label(wave, version, rule.key)}"
                    alpha_rows.append((label, [str(len(rule.item_keys)), shown_n, alpha]))

        change_rows = []
        personal = [w for w in waves if w.group not in ANONYMOUS_GROUPS and w.pk in completed]
        for before, after_wave in zip(personal, personal[1:], strict=False):
            if before.group != after_wave.group:
                continue
            [version_before] = before.instruments.all()
            [version_after] = after_wave.instruments.all()

            earlier = _latest_scores(completed[before.pk], version_before, scores)
            later = _latest_scores(completed[after_wave.pk], version_after, scores)
            people = [person for person in earlier if person in later]
            for rule in scoring_plan(version_after).rules:
                both = [
                    (earlier[p][rule.key], later[p][rule.key])
                    for p in people
                    if earlier[p][rule.key] is not None and later[p][rule.key] is not None
                ]
                change = paired_change([b for b, _a in both], [a for _b, a in both])
                shown_n, mean = _count_and_figure(len(both), change.mean_diff)
                interval = mean
                if mean not in ("x", "–"):
                    interval = f"{_decimal(change.ci_low)} to {_decimal(change.ci_high)}"
                label = (
                    f"{_label(after_wave, version_after, rule.key)}: "
                    f"{before.name} to {after_wave.name}"
                )
                change_rows.append((label, [shown_n, mean, interval]))
        if change_rows:
            tables[f"Change in scores between waves: {study.name}"] = change_rows
        if alpha_rows:
            tables[f"Cronbach's alpha: {study.name}"] = alpha_rows
    return tables
