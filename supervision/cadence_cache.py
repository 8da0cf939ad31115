"""The coordinator's cadence grid, kept in the cache while nothing it is made of changes.

A large region's grid aggregates every attendance of its peer supporters over seven months
(~15,000 rows nationally) and builds a cell per person and month. So the rows and the trend
are cached, keyed on a version token that every write to what they are made of replaces:
attendance, sessions, groups and their members, peer supporters, placements and workplaces
(a placement's region is its workplace's). The models' signals replace it, and so do the
bulk writes in ``supervision.actions`` (which send no signal) through ``cadence_changed``.
It is replaced at once and again when the transaction commits: a request that read the new
token before the data was committed may have cached the old rows under it, and the second
replacement retires them.

The rows also move with the clock: a session to come becomes "not recorded" once it starts,
and the current month changes with the date. So the key holds the local date, and an entry
lives only until the next session (of these people, in these months) starts, an hour at
most. Only data is cached, never text, so the language plays no part.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from peersupport.cacheversion import CacheVersion

from .cadence import MonthTrend, Row, cadence_rows_until, trend

VERSION = CacheVersion("supervision:cadence-version")
LONGEST_SECONDS = 3600


def cadence_changed(**_signal) -> None:
    """Something the grid is made of changed: no cached grid is read again."""
    VERSION.replace()


def _key(region_ids, months: list[dt.date], now: dt.datetime) -> str:
    parts = [
        VERSION.current(),
        sorted(region_ids),
        [f"{month:%Y-%m}" for month in months],
        timezone.localdate(now).isoformat(),
    ]
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"supervision:cadence-grid:{digest}"


def cached_grid(
    region_ids, months: list[dt.date], now: dt.datetime
) -> tuple[list[Row], list[MonthTrend]]:
    """``cadence_rows`` (people with an active placement now) and their ``trend``, from the
    cache when nothing they are made of has changed since and ``now`` is still before the
    next of their sessions starts (and not before the moment they were computed for)."""
    key = _key(region_ids, months, now)
    found = cache.get(key)
    if found is not None:
        valid_from, valid_until, rows, per_month = found
        if valid_from <= now and (valid_until is None or now < valid_until):
            return rows, per_month
    rows, valid_until = cadence_rows_until(region_ids, months, now=now)
    per_month = trend(rows, months)
    for row in rows:
        # Read only to compute the cells: not kept (unpickling them doubled a hit's cost).
        row.participant.__dict__.pop("cadence_placements", None)
    seconds = LONGEST_SECONDS
    if valid_until is not None:
        seconds = min(LONGEST_SECONDS, int((valid_until - now).total_seconds()))
    if seconds >= 1:
        cache.set(key, (now, valid_until, rows, per_month), timeout=seconds)
    return rows, per_month


def connect_signals() -> None:
    """From ``SupervisionConfig.ready()``, so the worker's writes count as well as the web's."""
    from programmes.models import Participant
    from workplaces.models import Placement, Workplace

    from .models import SessionAttendance, SupervisionGroup, SupervisionSession

    for model in [
        SessionAttendance,
        SupervisionSession,
        SupervisionGroup,
        Participant,
        Placement,
        Workplace,
    ]:
        name = model._meta.label_lower
        post_save.connect(cadence_changed, sender=model, dispatch_uid=f"cadence-saved-{name}")
        post_delete.connect(cadence_changed, sender=model, dispatch_uid=f"cadence-gone-{name}")
    m2m_changed.connect(
        cadence_changed,
        sender=SupervisionGroup.members.through,
        dispatch_uid="cadence-group-members",
    )
