from datetime import timedelta

import pytest
from django.utils import timezone

from peersupport.notifications.actions import dispatch_due_notifications, schedule_notification
from peersupport.notifications.kinds import ACCOUNT_INVITATION
from peersupport.notifications.models import Notification
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def schedule(membership, **options):
    return schedule_notification(
        recipient=membership.user, kind=ACCOUNT_INVITATION.key, subject=membership, **options
    )


def test_scheduling_the_same_occurrence_twice_keeps_one_row_and_another_occurrence_adds_one():
    """One row per recipient × kind × subject × occurrence, however often it is scheduled."""
    membership = MembershipFactory()

    first, first_created = schedule(membership, occurrence="2025-05-06")
    again, again_created = schedule(membership, occurrence="2025-05-06")
    other, other_created = schedule(membership, occurrence="2025-05-13")

    assert (first_created, again_created, other_created) == (True, False, True)
    assert again.pk == first.pk
    assert other.pk != first.pk
    assert set(Notification.objects.for_recipient(membership.user)) == {first, other}


def test_scheduling_again_keeps_the_time_first_scheduled():
    """A second scheduling of the same notification does not move it."""
    membership = MembershipFactory()
    tomorrow = timezone.now() + timedelta(days=1)

    first, _ = schedule(membership, due_at=tomorrow)
    again, _ = schedule(membership, due_at=timezone.now())

    again.refresh_from_db()
    assert again.due_at == first.due_at == tomorrow
    assert not Notification.objects.due().exists()


def test_a_sent_notification_is_not_sent_again_when_scheduled_again(mailbox):
    """Scheduling a notification that has already gone out sends nothing more."""
    membership = MembershipFactory()
    schedule(membership)
    assert dispatch_due_notifications() == 1

    _, created = schedule(membership)

    assert not created
    assert dispatch_due_notifications() == 0
    assert mailbox.recipients() == {membership.user.email: 1}


def test_an_unknown_kind_is_refused():
    """Only registered kinds can be scheduled, so every row can be rendered."""
    membership = MembershipFactory()

    with pytest.raises(LookupError):
        schedule_notification(recipient=membership.user, kind="no_such_kind", subject=membership)

    assert not Notification.objects.exists()
