"""The daily task that ends placements whose end date has passed, and tells both sides."""

import datetime as dt

import pytest
from django.utils import timezone

from peersupport.audit.models import AuditEvent
from peersupport.notifications.actions import render_notification
from peersupport.notifications.models import Notification
from programmes.models import ParticipantStatus
from tests.factories import active_placement, certified_participant, ready_workplace
from workplaces import actions, tasks
from workplaces.models import PlacementEndReason, PlacementStatus

pytestmark = [pytest.mark.django_db, pytest.mark.english]
TODAY = timezone.localdate()


@pytest.fixture
def workplace(coordinator, unit_manager, stockholm):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


@pytest.fixture
def placement(coordinator, unit_manager, workplace, stockholm, peer_supporter):
    """Active since 100 days, agreed to end in 30 days."""
    return active_placement(
        coordinator,
        unit_manager,
        workplace,
        certified_participant(stockholm, user=peer_supporter),
        start_date=TODAY - dt.timedelta(days=100),
        end_date=TODAY + dt.timedelta(days=30),
    )


def test_a_placement_ends_the_day_after_its_end_date_and_once_only(
    placement, peer_supporter, unit_manager
):
    """On its end date it still runs; the next day the task ends it as of its end date,
    with the kind "the agreed period ended", and the peer supporter is no longer placed.
    Running again ends nothing."""
    end = placement.end_date
    assert actions.end_placements_past_end_date(today=end) == 0
    assert actions.end_placements_past_end_date(today=end + dt.timedelta(days=1)) == 1
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ENDED
    assert placement.end_date == end
    assert placement.ended_reason_category == PlacementEndReason.PERIOD_ENDED
    assert placement.ended_reason == "Slutdatum passerat"
    assert placement.participant.status == ParticipantStatus.CERTIFIED
    assert actions.end_placements_past_end_date(today=end + dt.timedelta(days=2)) == 0
    notices = Notification.objects.filter(kind="placement_period_ended")
    assert {n.recipient for n in notices} == {peer_supporter, unit_manager}
    event = AuditEvent.objects.get(
        object_type="workplaces.placement", object_id=str(placement.pk), actor=None
    )
    assert event.detail["ended"] == "end_date_passed"


def test_the_notice_names_the_placement_and_its_end(placement, unit_manager):
    actions.end_placements_past_end_date(today=placement.end_date + dt.timedelta(days=1))
    notice = Notification.objects.get(kind="placement_period_ended", recipient=unit_manager)
    subject, body = render_notification(notice)
    assert placement.participant.full_name in subject
    assert placement.workplace.name in body
    assert f"/workplaces/placements/{placement.pk}/" in body


def test_placements_without_an_end_date_or_not_active_are_left_alone(
    coordinator, unit_manager, workplace, stockholm
):
    open_ended = active_placement(
        coordinator, unit_manager, workplace, certified_participant(stockholm, name="Ada Öppen")
    )
    later = TODAY + dt.timedelta(days=400)
    assert actions.end_placements_past_end_date(today=later) == 0
    open_ended.refresh_from_db()
    assert open_ended.status == PlacementStatus.ACTIVE


def test_the_beat_task_ends_placements_past_their_end_date(placement, settings):
    """The task beat runs is scheduled daily and ends today's due placements."""
    schedule = settings.CELERY_BEAT_SCHEDULE["end-placements-past-end-date"]
    assert schedule["task"] == "workplaces.tasks.end_placements_past_end_date_task"
    placement.end_date = TODAY - dt.timedelta(days=1)
    placement.save()
    assert tasks.end_placements_past_end_date_task() == 1


def test_an_inactive_manager_gets_no_notice(placement, unit_manager, peer_supporter):
    unit_manager.is_active = False
    unit_manager.save()
    actions.end_placements_past_end_date(today=placement.end_date + dt.timedelta(days=1))
    recipients = set(
        Notification.objects.filter(kind="placement_period_ended").values_list(
            "recipient__email", flat=True
        )
    )
    assert recipients == {peer_supporter.email}
