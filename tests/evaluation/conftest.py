"""Fixtures for the slip tests: a ready Stockholm workplace, a peer supporter placed there,
and open custom waves for service users and staff."""

import pytest

from evaluation.models import Anchor, RespondentGroup
from tests.factories import active_placement, certified_participant, ready_workplace

from .builders import make_instrument, make_study, make_wave


@pytest.fixture
def workplace(coordinator, stockholm, unit_manager):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


@pytest.fixture
def placed(coordinator, unit_manager, workplace, stockholm, peer_supporter):
    """The peer supporter, with an active placement at the workplace."""
    participant = certified_participant(stockholm, peer_supporter)
    active_placement(coordinator, unit_manager, workplace, participant)
    return peer_supporter


@pytest.fixture
def study(stockholm):
    return make_study(regions=[stockholm])


@pytest.fixture
def service_wave(study):
    return make_wave(
        study,
        [make_instrument("su")],
        name="Brukarenkät",
        group=RespondentGroup.SERVICE_USERS,
        anchor=Anchor.CUSTOM,
    )


@pytest.fixture
def staff_wave(study):
    return make_wave(
        study,
        [make_instrument("staff")],
        name="Personalenkät",
        group=RespondentGroup.WORKPLACE_STAFF,
        anchor=Anchor.CUSTOM,
    )
