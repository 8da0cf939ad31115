"""Ending a supervision group and making it active again."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peersupport.audit.models import AuditEvent
from peersupport.notifications.actions import render_notification
from peersupport.notifications.models import Notification
from supervision import actions
from supervision.models import SessionStatus, SupervisionSession
from supervision.notifications import SUPERVISION_GROUP_ENDED, SUPERVISION_REMINDER
from tests.factories import ready_workplace

from .state import placed_peer, supervision_group

pytestmark = [pytest.mark.django_db, pytest.mark.english]


@pytest.fixture
def workplace(coordinator, unit_manager, stockholm):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


@pytest.fixture
def peer(coordinator, unit_manager, workplace, peer_supporter):
    """The Stockholm peer supporter, placed at the workplace."""
    return placed_peer(coordinator, unit_manager, workplace, peer_supporter)


@pytest.fixture
def group(coordinator, supervisor, peer):
    """A group with a past session (attendance recorded) and four planned to come."""
    group = supervision_group(coordinator, supervisor, [peer])
    today = timezone.localdate()
    [past] = actions.plan_series(
        actor=coordinator,
        group=group,
        first_date=today - dt.timedelta(days=7),
        until=today - dt.timedelta(days=7),
        start_time=dt.time(10, 0),
        skip_holidays=False,
    )
    actions.record_attendance(
        actor=coordinator, session=past, statuses={peer.pk: ("present", "")}, themes=[]
    )
    actions.plan_series(
        actor=coordinator,
        group=group,
        first_date=today + dt.timedelta(days=1),
        until=today + dt.timedelta(weeks=6),
        start_time=dt.time(10, 0),
        skip_holidays=False,
    )
    return group


def deactivate_url(group):
    return reverse("supervision:group_deactivate", args=[group.pk])


def reactivate_url(group):
    return reverse("supervision:group_reactivate", args=[group.pk])


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_ending_a_group_cancels_its_planned_sessions_and_withdraws_their_reminders(
    coordinator, supervisor, peer_supporter, group, client_for
):
    """Sessions to come are cancelled with the reason and their waiting reminders go; the
    past session keeps its attendance; members and the supervisor are told; the group is
    listed as inactive."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert actions.schedule_supervision_reminders(day=tomorrow) == 1
    client = client_for(coordinator)
    page = client.get(deactivate_url(group))
    assert page.status_code == 200
    assert page.context["planned"] == 3

    response = client.post(deactivate_url(group), {"reason": "Handledaren slutar."}, follow=True)
    assert messages_of(response) == ["The group has ended; its planned sessions are cancelled."]
    group.refresh_from_db()
    assert not group.active
    sessions = SupervisionSession.objects.filter(group=group)
    future = sessions.filter(starts_at__gte=timezone.now())
    assert {s.status for s in future} == {SessionStatus.CANCELLED}
    assert {s.cancelled_reason for s in future} == {"Handledaren slutar."}
    [past] = sessions.filter(starts_at__lt=timezone.now())
    assert past.status == SessionStatus.PLANNED and past.attendance_recorded_at
    assert not Notification.objects.filter(kind=SUPERVISION_REMINDER.key).exists()
    told = Notification.objects.filter(kind=SUPERVISION_GROUP_ENDED.key)
    assert {n.recipient for n in told} == {peer_supporter, supervisor}
    _subject, body = render_notification(told.get(recipient=peer_supporter))
    assert "Tisdagsgruppen has ended" in body
    assert AuditEvent.objects.filter(detail__sessions_cancelled=3).exists()

    listed = client.get(reverse("supervision:group_list"))
    assert 'data-active="false"' in listed.content.decode()
    detail = client.get(reverse("supervision:group_detail", args=[group.pk]))
    assert 'id="group-reactivate-form"' in detail.content.decode()
    assert detail.context["can_plan"] is False


def test_a_reactivated_group_keeps_its_cancelled_sessions_and_can_plan_again(
    coordinator, group, client_for
):
    actions.deactivate_group(actor=coordinator, group=group, reason="Paus")
    client = client_for(coordinator)

    response = client.post(reactivate_url(group), follow=True)
    assert messages_of(response) == ["The group is active again. Plan its sessions."]
    group.refresh_from_db()
    assert group.active
    assert not group.sessions.upcoming().exists()
    again = client.post(reactivate_url(group), follow=True)
    assert messages_of(again) == ["The group is already active."]
    planned = actions.plan_series(
        actor=coordinator,
        group=group,
        first_date=timezone.localdate() + dt.timedelta(days=2),
        until=timezone.localdate() + dt.timedelta(days=2),
        start_time=dt.time(14, 0),
        skip_holidays=False,
    )
    assert len(planned) == 1


def test_ending_needs_a_reason_and_an_active_group(coordinator, group, client_for):
    client = client_for(coordinator)
    refused = client.post(deactivate_url(group), {"reason": ""})
    assert refused.status_code == 400
    group.refresh_from_db()
    assert group.active
    actions.deactivate_group(actor=coordinator, group=group, reason="Slut")
    assert client.get(deactivate_url(group)).context["form"] is None
    with pytest.raises(ValidationError, match="already inactive"):
        actions.deactivate_group(actor=coordinator, group=group, reason="Igen")


def test_only_the_regions_coordinators_end_or_reactivate_a_group(
    coordinator, other_coordinator, supervisor, group, client_for
):
    """The group's supervisor sees the group but may not end it; another region's
    coordinator does not find it."""
    assert client_for(supervisor).get(deactivate_url(group)).status_code == 403
    assert client_for(supervisor).post(reactivate_url(group)).status_code == 403
    other = client_for(other_coordinator)
    assert other.post(deactivate_url(group), {"reason": "Nej"}).status_code == 404
    group.refresh_from_db()
    assert group.active
    with pytest.raises(ValidationError):
        actions.deactivate_group(actor=supervisor, group=group, reason="Nej")
