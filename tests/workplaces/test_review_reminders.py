"""Follow-ups fall due and remind through the outbox; agreed placements start on their day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from peersupport.notifications.models import Notification
from peersupport.notifications.tasks import dispatch_notifications
from programmes.models import ParticipantStatus
from tests.celery_worker import celery_worker_process  # noqa: F401
from tests.factories import active_placement, certified_participant, ready_workplace
from workplaces import actions
from workplaces.models import Employer, Likert, PlacementStatus
from workplaces.notifications import REVIEW_DUE
from workplaces.tasks import placement_daily_task


def _body(message) -> str:
    return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")


def _run_daily_tasks_and_dispatch(worker) -> None:
    """Beat's daily placement task twice (a duplicate delivery), then the dispatcher."""
    first = worker.send(placement_daily_task)
    second = worker.send(placement_daily_task)
    worker.wait_for_task(first)
    worker.wait_for_task(second)
    worker.wait_for_task(worker.send(dispatch_notifications))


@pytest.fixture
def due_placement(coordinator, unit_manager, stockholm, peer_supporter):
    """Active since a month ago, so its 1-month follow-up is due today (at a month's end,
    when the earlier month is shorter, a day or two ago); the others lie ahead."""
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    person = certified_participant(stockholm, user=peer_supporter)
    placement = active_placement(
        coordinator,
        unit_manager,
        workplace,
        person,
        start_date=timezone.localdate() - relativedelta(months=1),
    )
    due = placement.reviews.get(months_after_start=1)
    assert due.due_on <= timezone.localdate()
    assert not placement.reviews.filter(due_on__lte=timezone.localdate()).exclude(pk=due.pk)
    return placement


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_due_follow_up_sends_one_reminder_each_to_unit_manager_and_coordinator(
    celery_worker_process,  # noqa: F811
    due_placement,
    coordinator,
    unit_manager,
):
    """Scheduling twice and dispatching through a real worker: exactly one e-mail to the
    unit manager and one to the coordinator, both about the due 1-month follow-up; none
    about the follow-ups not yet due."""
    _run_daily_tasks_and_dispatch(celery_worker_process)

    mail = celery_worker_process.sent_mail()
    assert sorted(message["To"] for message in mail) == sorted(
        [unit_manager.email, coordinator.email]
    )
    due = due_placement.reviews.get(months_after_start=1)
    for message in mail:
        assert reverse("workplaces:review_respond", args=[due.pk]) in _body(message)
    assert Notification.objects.filter(kind=REVIEW_DUE.key, sent_at__isnull=False).count() == 2
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_no_reminder_goes_to_the_unit_manager_who_has_answered(
    celery_worker_process,  # noqa: F811
    due_placement,
    coordinator,
    unit_manager,
):
    """Once the unit manager has answered, only the coordinator is reminded."""
    actions.submit_review(
        actor=unit_manager,
        review=due_placement.reviews.get(months_after_start=1),
        role_works=Likert.GOOD,
        role_clarity=Likert.GOOD,
        staff_attitudes=Likert.NEUTRAL,
    )
    _run_daily_tasks_and_dispatch(celery_worker_process)

    assert [message["To"] for message in celery_worker_process.sent_mail()] == [coordinator.email]


@pytest.mark.django_db
def test_an_agreed_placement_becomes_active_on_its_start_day_with_its_follow_ups(
    coordinator, unit_manager, stockholm, peer_supporter
):
    """On the start day the daily run activates the agreed placement, places the peer
    supporter and plans follow-ups 1, 3, 6 and 12 months on; a later one waits."""
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    start = timezone.localdate() + dt.timedelta(days=7)

    def agreed(participant, start_date):
        placement = actions.propose_placement(
            actor=coordinator,
            participant=participant,
            workplace=workplace,
            employer=Employer.ASSOCIATION,
            hours_per_week=Decimal("20"),
            start_date=start_date,
        )
        actions.agree_placement(actor=coordinator, placement=placement)
        return actions.agree_placement(actor=unit_manager, placement=placement)

    person = certified_participant(stockholm, user=peer_supporter)
    starting = agreed(person, start)
    later = agreed(certified_participant(stockholm, name="Nora Ek"), start + dt.timedelta(days=1))
    assert starting.status == later.status == PlacementStatus.AGREED

    assert actions.activate_due_placements(today=start) == 1

    starting.refresh_from_db()
    later.refresh_from_db()
    person.refresh_from_db()
    assert starting.status == PlacementStatus.ACTIVE
    assert person.status == ParticipantStatus.PLACED
    assert [(r.months_after_start, r.due_on) for r in starting.reviews.order_by("due_on")] == [
        (months, start + relativedelta(months=months)) for months in (1, 3, 6, 12)
    ]
    assert later.status == PlacementStatus.AGREED
    assert not later.reviews.exists()
    assert actions.activate_due_placements(today=start) == 0
