"""Thinning out (gallring): every registered retention rule, in every region, with the
period a region (or the country) has set or else the rule's default."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.utils import timezone

from peersupport.accounts.models import Region, User
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.dataprotection.registry import RetentionRule, registry

from .models import RetentionSetting

# Any fixed number: two runs (the nightly task and someone's command) never overlap.
ADVISORY_LOCK = 0x6761_6C6C  # "gall"


@dataclass(frozen=True)
class RuleRun:
    """One rule in one region (or nationally): its period, its cutoff and how many
    records were due (in a dry run) or thinned."""

    rule: RetentionRule
    region: Region | None
    months: int
    cutoff: dt.datetime
    count: int


def period_rules() -> list[RetentionRule]:
    """The rules whose period can be set: those that follow no other rule."""
    return sorted(
        (rule for rule in registry.retention_rules.values() if not rule.follows),
        key=lambda rule: rule.key,
    )


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    return moment - relativedelta(months=months)


def _periods() -> dict[tuple[str, int | None], int]:
    return {
        (rule, region_id): months
        for rule, region_id, months in RetentionSetting.objects.values_list(
            "rule", "region_id", "months"
        )
    }


def period_months(
    rule: RetentionRule, region_id: int | None, periods: dict[tuple[str, int | None], int]
) -> int:
    """The region's own setting, else the national one, else the default."""
    key = rule.follows or rule.key
    default = registry.retention_rules[key].default_months
    national = periods.get((key, None), default)
    if region_id is None:
        return national
    return periods.get((key, region_id), national)


def _batches(now: dt.datetime) -> Iterator[tuple[RetentionRule, Region | None, int, dt.datetime]]:
    periods = _periods()
    regions = list(Region.objects.order_by("name"))
    for rule in sorted(registry.retention_rules.values(), key=lambda rule: rule.key):
        for region in regions if rule.regional else [None]:
            months = period_months(rule, region.pk if region else None, periods)
            yield rule, region, months, months_before(now, months)


def _count(due) -> int:
    return len(due) if isinstance(due, list | tuple | set) else due.count()


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])


@transaction.atomic
def thin_due_records(
    *, now: dt.datetime | None = None, dry_run: bool = False, actor: User | None = None
) -> list[RuleRun]:
    """Thin out what is due at ``now`` under every rule in every region; in a dry run,
    only count it. A real run is audit-logged with the counts per rule and region, never
    with what the records held."""
    now = now or timezone.now()
    if not dry_run:
        _lock()
    runs = []
    for rule, region, months, cutoff in _batches(now):
        due = rule.due(cutoff, {region.pk} if region else None)
        count = _count(due) if dry_run else rule.thin(due)
        runs.append(RuleRun(rule=rule, region=region, months=months, cutoff=cutoff, count=count))
    if not dry_run:
        record_event(
            actor=actor,
            action=AuditAction.THIN,
            detail={
                "as_of": now.isoformat(),
                "total": sum(run.count for run in runs),
                "counts": [
                    {
                        "rule": run.rule.key,
                        "region": run.region.code if run.region else None,
                        "months": run.months,
                        "count": run.count,
                    }
                    for run in runs
                    if run.count
                ],
            },
        )
    return runs


@transaction.atomic
def save_retention_setting(*, actor: User, setting: RetentionSetting) -> RetentionSetting:
    """Set a period, in one region or nationally; audit-logged."""
    created = setting._state.adding
    setting.changed_by = actor
    setting.changed_at = timezone.now()
    setting.save()
    record_event(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=setting,
        detail={
            "rule": setting.rule,
            "region": setting.region.code if setting.region else None,
            "months": setting.months,
        },
    )
    return setting


@transaction.atomic
def delete_retention_setting(*, actor: User, setting: RetentionSetting) -> None:
    """Remove a setting, so the national setting or the default applies again."""
    record_event(
        actor=actor,
        action=AuditAction.DELETE,
        obj=setting,
        detail={"rule": setting.rule, "region": setting.region.code if setting.region else None},
    )
    setting.delete()
