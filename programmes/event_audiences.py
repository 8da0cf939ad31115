"""Who an event of each kind invites, when the invitees are accounts rather than the
region's alumni.

Reunions and continuing education invite the region's alumni (participants). Other kinds
invite people the programme app does not know about: a network meeting invites the unit
managers who have taken on peer supporters, and workplaces (which imports programmes,
never the other way round) registers that audience here from its ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from peersupport.accounts.models import Region, User


@dataclass(frozen=True)
class EventAudience:
    # Told to the coordinator beside the invite button, e.g. "unit managers with peer
    # supporters in the region".
    label: Any
    # The accounts to invite to an event of the region (active accounts only).
    accounts: Callable[[Region], QuerySet[User]]


_AUDIENCES: dict[str, EventAudience] = {}


def register_event_audience(kind: str, audience: EventAudience) -> EventAudience:
    _AUDIENCES[kind] = audience
    return audience


def audience_for(kind: str) -> EventAudience | None:
    """The registered audience of accounts for events of ``kind``; None: the alumni."""
    return _AUDIENCES.get(kind)
