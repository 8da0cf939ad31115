import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programmes.models import ParticipantStatus
from tests.factories import certified_participant, make_workplace_ready
from workplaces import actions
from workplaces.models import (
    Employer,
    PlacementEndReason,
    PlacementStatus,
    Principal,
    ReadinessItem,
    SessionKind,
    Task,
    Theme,
    WorkplaceType,
)

pytestmark = [pytest.mark.django_db, pytest.mark.english]
TODAY = timezone.localdate()


@pytest.fixture
def workplace(coordinator, unit_manager, stockholm):
    organisation = actions.create_organisation(
        actor=coordinator, region=stockholm, name="Psykiatri Nord", principal=Principal.REGION
    )
    return actions.create_workplace(
        actor=coordinator,
        organisation=organisation,
        name="Öppenvården Nord",
        type=WorkplaceType.OUTPATIENT,
        managers=[unit_manager],
    )


def propose(coordinator, workplace, participant, hours="20"):
    return actions.propose_placement(
        actor=coordinator,
        participant=participant,
        workplace=workplace,
        employer=Employer.ASSOCIATION,
        hours_per_week=Decimal(hours),
        start_date=TODAY,
        tasks=[Task.CONVERSATIONS, Task.BRIDGE_BUILDING],
    )


def test_a_workplace_that_is_not_ready_refuses_orders_and_placements(
    coordinator, workplace, stockholm
):
    """The message lists every missing readiness item."""
    actions.confirm_readiness(
        actor=coordinator,
        workplace=workplace,
        item=ReadinessItem.BUDGET,
        fte=Decimal("0.5"),
        period_start=TODAY,
        period_end=TODAY,
    )
    with pytest.raises(ValidationError) as error:
        actions.order_trainee(actor=coordinator, workplace=workplace, posts=1)
    message = str(error.value)
    assert "anchored" in message and "User-movement" in message and "0 of 3" in message
    assert "Budget" not in message
    with pytest.raises(ValidationError):
        propose(coordinator, workplace, certified_participant(stockholm))


def test_budget_needs_fte_and_period(unit_manager, workplace):
    with pytest.raises(ValidationError) as error:
        actions.confirm_readiness(
            actor=unit_manager, workplace=workplace, item=ReadinessItem.BUDGET
        )
    assert {"fte", "period_end"} <= set(error.value.message_dict)


def test_both_agree_and_the_placement_becomes_active_with_reviews(
    coordinator, unit_manager, workplace, stockholm
):
    make_workplace_ready(unit_manager, workplace)
    person = certified_participant(stockholm)
    placement = propose(coordinator, workplace, person)
    placement = actions.agree_placement(actor=coordinator, placement=placement)
    assert placement.status == PlacementStatus.PROPOSED
    placement = actions.agree_placement(actor=unit_manager, placement=placement)
    assert placement.status == PlacementStatus.ACTIVE
    person.refresh_from_db()
    assert person.status == ParticipantStatus.PLACED
    assert list(placement.reviews.values_list("months_after_start", flat=True)) == [1, 3, 6, 12]
    with pytest.raises(ValidationError):
        actions.agree_placement(actor=unit_manager, placement=placement)


def test_active_placements_never_exceed_full_time(coordinator, unit_manager, workplace, stockholm):
    make_workplace_ready(unit_manager, workplace)
    person = certified_participant(stockholm)
    first = propose(coordinator, workplace, person, hours="30")
    actions.agree_placement(actor=coordinator, placement=first)
    actions.agree_placement(actor=unit_manager, placement=first)
    with pytest.raises(ValidationError) as error:
        propose(coordinator, workplace, person, hours="12")
    assert "hours_per_week" in error.value.message_dict
    assert propose(coordinator, workplace, person, hours="10")


def test_support_session_guard_and_group_count(
    coordinator, unit_manager, workplace, stockholm, peer_supporter
):
    make_workplace_ready(unit_manager, workplace)
    placement = propose(coordinator, workplace, certified_participant(stockholm, peer_supporter))
    actions.agree_placement(actor=coordinator, placement=placement)
    placement = actions.agree_placement(actor=unit_manager, placement=placement)
    with pytest.raises(ValidationError) as error:
        actions.log_support_session(
            actor=peer_supporter,
            placement=placement,
            date=TODAY,
            minutes=30,
            kind=SessionKind.CONVERSATION,
            reflection="ring mig på 070-123 45 67",
        )
    assert "reflection" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        actions.log_support_session(
            actor=peer_supporter,
            placement=placement,
            date=TODAY,
            minutes=60,
            kind=SessionKind.GROUP_ACTIVITY,
        )
    assert "participant_count" in error.value.message_dict
    session = actions.log_support_session(
        actor=peer_supporter,
        placement=placement,
        date=TODAY,
        minutes=45,
        kind=SessionKind.CONVERSATION,
        themes=[Theme.SLEEP],
        service_user_code="b12",
        reflection="Pratade om sömn i 45 minuter.",
    )
    assert session.service_user_code == "B12" and session.participant_count == 1
    with pytest.raises(ValidationError):
        actions.log_support_session(
            actor=coordinator,
            placement=placement,
            date=TODAY,
            minutes=10,
            kind=SessionKind.CONVERSATION,
        )


def test_ending_the_last_placement_returns_the_person_to_certified(
    coordinator, unit_manager, workplace, stockholm
):
    make_workplace_ready(unit_manager, workplace)
    person = certified_participant(stockholm)
    placement = propose(coordinator, workplace, person)
    actions.agree_placement(actor=coordinator, placement=placement)
    actions.agree_placement(actor=unit_manager, placement=placement)
    with pytest.raises(ValidationError):
        actions.end_placement(
            actor=unit_manager, placement=placement, reason="", reason_category="period_ended"
        )
    with pytest.raises(ValidationError) as error:
        actions.end_placement(
            actor=unit_manager, placement=placement, reason="Projektet slut", reason_category=""
        )
    assert "reason_category" in error.value.message_dict
    actions.end_placement(
        actor=unit_manager,
        placement=placement,
        reason="Projektet slut",
        reason_category=PlacementEndReason.PERIOD_ENDED,
    )
    placement.refresh_from_db()
    assert placement.ended_reason_category == "period_ended"
    person.refresh_from_db()
    assert person.status == ParticipantStatus.CERTIFIED


def test_answering_a_review_withdraws_its_pending_reminder(
    coordinator, unit_manager, workplace, stockholm
):
    """A reminder still in the outbox goes when the person answers; the other party's stays."""
    from peersupport.notifications.models import Notification

    make_workplace_ready(unit_manager, workplace)
    placement = propose(coordinator, workplace, certified_participant(stockholm))
    actions.agree_placement(actor=coordinator, placement=placement)
    placement = actions.agree_placement(actor=unit_manager, placement=placement)
    review = placement.reviews.get(months_after_start=1)
    later = TODAY + dt.timedelta(days=40)
    assert actions.schedule_review_reminders(today=later) == 2
    actions.submit_review(
        actor=unit_manager, review=review, role_works=4, role_clarity=4, staff_attitudes=5
    )
    pending = Notification.objects.pending().filter(kind="review_due")
    assert list(pending.values_list("recipient", "occurrence")) == [(coordinator.pk, "coordinator")]
    assert actions.schedule_review_reminders(today=later) == 0
