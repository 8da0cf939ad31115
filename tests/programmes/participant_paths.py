"""Participants at a given point of their path, built through programmes.actions."""

from __future__ import annotations

from collections import deque

from programmes import actions
from programmes.models import (
    ENDING_STATUSES,
    STATUS_TRANSITIONS,
    LeavingReason,
    Participant,
    ParticipantStatus,
)


def path_to(status: str) -> list[str]:
    """The shortest path of statuses from applicant to ``status`` (applicant excluded)."""
    paths = {ParticipantStatus.APPLICANT: []}
    queue = deque([ParticipantStatus.APPLICANT])
    while queue:
        current = queue.popleft()
        if current == status:
            return paths[current]
        for following in sorted(STATUS_TRANSITIONS[current]):
            if following not in paths:
                paths[following] = [*paths[current], following]
                queue.append(following)
    raise ValueError(f"{status} cannot be reached")


def participant_at(
    coordinator,
    region,
    status: str = ParticipantStatus.APPLICANT,
    *,
    full_name: str,
    reason: str = "Test",
    reason_category: str = LeavingReason.OTHER,
    **fields,
) -> Participant:
    """A participant registered by ``coordinator`` and walked step by step to ``status``; an
    ending step gives ``reason`` and ``reason_category``."""
    email = fields.pop("email", None) or f"{full_name.replace(' ', '.').lower()}@example.org"
    participant = actions.register_applicant(
        actor=coordinator,
        region=region,
        full_name=full_name,
        email=email,
        lived_experience_declared=True,
        consent_method="paper",
        **fields,
    )
    for step in path_to(status):
        actions.change_status(
            actor=coordinator,
            participant=participant,
            to_status=step,
            reason=reason if step in ENDING_STATUSES else "",
            reason_category=reason_category if step in ENDING_STATUSES else None,
        )
    return participant
