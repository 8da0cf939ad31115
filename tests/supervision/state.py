"""Supervision test state built through the apps' own actions."""

from __future__ import annotations

from django.utils import timezone

from programmes.models import Participant
from supervision import actions
from supervision.models import ArrangementKind, SupervisionGroup
from tests.factories import active_placement, certified_participant


def placed_peer(
    coordinator, unit_manager, workplace, user=None, *, name: str = "", start_date=None
) -> Participant:
    """A certified peer supporter (with ``user`` as account, if given) placed at
    ``workplace`` from ``start_date`` (today by default)."""
    participant = certified_participant(workplace.region, user, name=name)
    active_placement(
        coordinator,
        unit_manager,
        workplace,
        participant,
        start_date=start_date or timezone.localdate(),
    )
    return participant


def supervision_group(
    coordinator,
    supervisor_user,
    members,
    *,
    region=None,
    name: str = "Tisdagsgruppen",
    kind: str = ArrangementKind.GROUP,
    experience_based: bool = True,
    **fields,
) -> SupervisionGroup:
    """A group in ``region`` (the first member's by default) led by ``supervisor_user``."""
    members = list(members)
    region = region or members[0].region
    supervisor = actions.register_supervisor(
        actor=coordinator, user=supervisor_user, region=region, experience_based=experience_based
    )
    return actions.create_group(
        actor=coordinator,
        region=region,
        name=name,
        supervisor=supervisor,
        members=members,
        kind=kind,
        **fields,
    )
