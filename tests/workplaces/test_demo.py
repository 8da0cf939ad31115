"""seed_demo's workplace data: ready and not-ready workplaces, placements in every state,
a year of sessions – built through the actions, and never duplicated."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import User
from peersupport.audit.models import AuditAction, AuditEvent
from programmes.models import ParticipantStatus
from workplaces import actions
from workplaces.demo import LAPSING_PLACES, PLACES
from workplaces.models import (
    GROUP_KINDS,
    FollowUpReview,
    Placement,
    PlacementStatus,
    ReviewResponse,
    SupportSession,
    TraineeOrder,
    Workplace,
)

pytestmark = pytest.mark.django_db
COUNTED = [Workplace, Placement, SupportSession, FollowUpReview, ReviewResponse, TraineeOrder]


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_seed_demo_builds_workplace_data_once(client_for):
    """Seeding twice builds the workplace demo once (the second run adds no row), and
    each region gets its ready and not-ready workplace, placements in every state and a
    year of sessions, and the upkeep states; the demo unit manager's overview shows it."""
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    assert first["Workplace"] == 6
    for code in ("stockholm", "skane"):
        assert_ready_and_not_ready_workplaces(code)
        assert_placements_and_a_year_of_sessions(code)
        assert_upkeep_states(code)
    assert_unit_manager_overview(client_for)
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    # The nightly task ends the demo placement past its end date in each region, once.
    assert actions.end_placements_past_end_date() == 2
    assert actions.end_placements_past_end_date() == 0


def assert_ready_and_not_ready_workplaces(code):
    """The ready one has everything; the other has its budget only (its anchoring was
    withdrawn). The demo unit manager manages both, and the one whose budget lapses."""
    manager = User.objects.get(email=f"enhetschef.{code}@example.org")
    ready = Workplace.objects.get(region__code=code, name=PLACES[code]["ready"]["name"])
    not_ready = Workplace.objects.get(region__code=code, name=PLACES[code]["not_ready"]["name"])
    assert actions.readiness_missing(ready) == []
    assert len(actions.readiness_missing(not_ready)) == 3
    assert set(
        not_ready.readiness.in_force(timezone.localdate()).values_list("item", flat=True)
    ) == {"budget"}
    lapsing = Workplace.objects.get(region__code=code, name=LAPSING_PLACES[code]["name"])
    assert set(manager.managed_workplaces.all()) == {ready, not_ready, lapsing}


def assert_placements_and_a_year_of_sessions(code):
    """Two active placements and an ended one, a proposal awaiting the unit manager; the
    active ones have sessions across the past year at a realistic weekly volume, with a
    few group sessions. The demo peer supporter, a trainee, is not placed."""
    today = timezone.localdate()
    placements = Placement.objects.filter(
        workplace__region__code=code, workplace__name=PLACES[code]["ready"]["name"]
    )
    statuses = sorted(placements.values_list("status", flat=True))
    assert statuses == sorted(
        [PlacementStatus.ACTIVE] * 2 + [PlacementStatus.ENDED, PlacementStatus.PROPOSED]
    )
    ended = placements.get(status=PlacementStatus.ENDED)
    assert ended.ended_reason and ended.participant.status == ParticipantStatus.CERTIFIED
    peer = User.objects.get(email=f"peer.{code}@example.org")
    assert not placements.filter(participant__user=peer).exists()
    for placement in placements.filter(status=PlacementStatus.ACTIVE):
        sessions = SupportSession.objects.filter(placement=placement)
        assert placement.participant.status == ParticipantStatus.PLACED
        assert sessions.filter(date__lt=today - dt.timedelta(days=330)).exists()
        assert sessions.filter(date__gte=today - dt.timedelta(days=14)).exists()
        per_week = sessions.count() / 52
        assert 2 <= per_week <= 10
        assert sessions.filter(kind__in=GROUP_KINDS, participant_count__gte=3).exists()
        assert set(sessions.values_list("created_by", flat=True)) == {placement.participant.user_id}
    # Reflections that mention "Söder", which the peer supporter confirmed is not a name.
    confirmed = AuditEvent.objects.filter(
        action=AuditAction.NAME_CONFIRMED,
        object_id__in=[
            str(pk)
            for pk in SupportSession.objects.filter(placement__in=placements).values_list(
                "pk", flat=True
            )
        ],
    )
    assert confirmed.exists()
    assert all(event.detail["fields"] == {"reflection": ["Söder"]} for event in confirmed)
    assert not SupportSession.objects.filter(placement=ended, date__gt=ended.end_date).exists()


def assert_upkeep_states(code):
    """A workplace whose budget lapses within 60 days, with a placement past its end date
    that the nightly task ends; the not-ready workplace's withdrawn anchoring and its
    planned staff training."""
    today = timezone.localdate()
    lapsing = Workplace.objects.readiness_lapsing(today).get(region__code=code)
    assert lapsing.name == LAPSING_PLACES[code]["name"]
    assert actions.readiness_missing(lapsing) == []
    past_end = Placement.objects.get(workplace=lapsing)
    assert past_end.status == PlacementStatus.ACTIVE and past_end.end_date < today
    not_ready = Workplace.objects.get(region__code=code, name=PLACES[code]["not_ready"]["name"])
    assert not_ready.readiness.get(item="anchoring").withdrawal_reason
    assert not_ready.staff_trainings.get().is_planned


def assert_unit_manager_overview(client_for):
    """Logging in as the demo unit manager shows both workplaces with aggregates."""
    manager = User.objects.get(email="enhetschef.stockholm@example.org")
    response = client_for(manager).get(reverse("workplaces:manager_home"))
    cards = {card["workplace"].name: card for card in response.context["cards"]}
    ready = cards[PLACES["stockholm"]["ready"]["name"]]
    assert ready["aggregates"].sessions > 300
    assert [p.awaits_you for p in ready["upcoming"]] == [True]
    assert cards[PLACES["stockholm"]["not_ready"]["name"]]["missing"]
