"""Log follow-up (loggkontroll): the questions a region asks of its access log.

Who read or exported records about a person, what one user read, and the unusual patterns:
one user reading many different people's records in a short time, and reads of records
that belong to a region where the reader holds no role.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, deque
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from peersupport.accounts.models import Membership
from peersupport.dataprotection.registry import DataSubject, registry

from .models import AuditAction, AuditEvent

# Reading and exporting is what log follow-up looks at; the rest is the system's own trail.
ACCESS_ACTIONS = (AuditAction.READ, AuditAction.EXPORT)


@dataclass(frozen=True)
class Burst:
    """One user reading ``subjects`` different people's records between ``start`` and ``end``."""

    actor_id: int
    actor_email: str
    start: dt.datetime
    end: dt.datetime
    subjects: int


def read_bursts(
    events: QuerySet[AuditEvent],
    *,
    threshold: int | None = None,
    minutes: int | None = None,
) -> list[Burst]:
    """Every stretch in which one user read or exported the records of at least
    ``threshold`` different people within ``minutes`` (settings by default); overlapping
    windows of one user merge into one burst. One query, whatever the number of events."""
    threshold = threshold or settings.AUDIT_MANY_SUBJECTS_COUNT
    window = dt.timedelta(minutes=minutes or settings.AUDIT_MANY_SUBJECTS_MINUTES)
    rows = (
        events.filter(action__in=ACCESS_ACTIONS, actor__isnull=False, subject_id__isnull=False)
        .order_by("actor_id", "at")
        .values_list("actor_id", "actor_email", "at", "subject_kind", "subject_id")
    )
    bursts: list[Burst] = []
    current_actor = None
    recent: deque[tuple[dt.datetime, tuple[str, int]]] = deque()
    in_window: Counter[tuple[str, int]] = Counter()
    open_burst: dict | None = None

    def close() -> None:
        if open_burst is not None:
            bursts.append(Burst(**open_burst))

    for actor_id, email, at, kind, subject_id in rows.iterator(chunk_size=2000):
        if actor_id != current_actor:
            close()
            current_actor, open_burst = actor_id, None
            recent.clear()
            in_window.clear()
        recent.append((at, (kind, subject_id)))
        in_window[(kind, subject_id)] += 1
        while recent[0][0] < at - window:
            _old, subject = recent.popleft()
            in_window[subject] -= 1
            if not in_window[subject]:
                del in_window[subject]
        distinct = len(in_window)
        if distinct < threshold:
            continue
        start = recent[0][0]
        if open_burst is not None and start <= open_burst["end"]:
            open_burst["end"] = at
            open_burst["subjects"] = max(open_burst["subjects"], distinct)
        else:
            close()
            open_burst = {
                "actor_id": actor_id,
                "actor_email": email,
                "start": start,
                "end": at,
                "subjects": distinct,
            }
    close()
    return sorted(bursts, key=lambda burst: burst.start, reverse=True)


def reads_outside_region(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """Reads and exports of records that belong to a region where the reader holds no role."""
    member_there = Membership.objects.filter(
        user_id=OuterRef("actor_id"), region_id=OuterRef("region_id")
    )
    return events.filter(
        action__in=ACCESS_ACTIONS, actor__isnull=False, region__isnull=False
    ).exclude(Exists(member_there))


def search_subjects(query: str, region_ids: set[int] | None) -> list[DataSubject]:
    """People of every registered kind whose name or e-mail address matches, within the
    regions (``None``: every region). A person with a programme record is found as that
    record, not a second time as their account: the audit log names them by that record."""
    found: list[DataSubject] = []
    for kind in registry.subject_kinds.values():
        if kind.search is not None:
            found.extend(kind.search(query, region_ids))
    with_records = {subject.user_id for subject in found if subject.kind != "accounts.user"}
    return sorted(
        (
            subject
            for subject in found
            if subject.kind != "accounts.user" or subject.pk not in with_records
        ),
        key=lambda subject: (subject.name.casefold(), subject.key),
    )


def subject_visible(subject: DataSubject, region_ids: set[int] | None) -> bool:
    """Whether an auditor of ``region_ids`` follows up the log about this person: their
    record is in the regions, or (an account with no region of its own) they hold a role
    there."""
    if region_ids is None:
        return True
    if subject.region_id is not None:
        return subject.region_id in region_ids
    return (
        subject.user_id is not None
        and Membership.objects.filter(user_id=subject.user_id, region_id__in=region_ids).exists()
    )
