import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected

import pytest
from django.db import connection, transaction
from django.utils import timezone

from peersupport.notifications.actions import dispatch_due_notifications, schedule_notification
from peersupport.notifications.kinds import ACCOUNT_INVITATION
from peersupport.notifications.models import Notification
from tests.services import require_postgres

THREAD_TIMEOUT = 60


class ProcessDied(BaseException):
    """The dispatcher's process ending abruptly (a kill, an OOM); no ``except Exception``
    in the dispatcher catches it."""


def dispatch_in_threads(count: int) -> list[int]:
    """Run ``count`` dispatchers at the same moment, each in its own thread and connection."""
    start = threading.Barrier(count, timeout=THREAD_TIMEOUT)

    def dispatch() -> int:
        try:
            start.wait()
            return dispatch_due_notifications()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        running = [pool.submit(dispatch) for _ in range(count)]
        return [future.result(timeout=THREAD_TIMEOUT) for future in running]


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_running_at_once_send_each_due_notification_exactly_once(
    mailbox, schedule_invitations
):
    """Two dispatchers running at once share the due notifications and send each once.

    Each dispatcher holds its first message until the other is also mid-send, so both are
    working at the same time: a dispatcher that waited for the other's locked row instead
    of skipping it would never get there.
    """
    require_postgres()
    notifications = schedule_invitations(30)
    mailbox.rendezvous_of(2)
    mailbox.delay = 0.02

    sent_by_each = dispatch_in_threads(2)

    assert sum(sent_by_each) == 30
    assert all(sent > 0 for sent in sent_by_each)
    assert mailbox.recipients() == {n.recipient.email: 1 for n in notifications}
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db(transaction=True)
def test_a_dispatcher_dying_mid_send_leaves_the_rest_for_the_next_sweep_to_send_once(
    mailbox, schedule_invitations
):
    """A crash while sending the 3rd message keeps the first two sent and loses nothing:
    the next sweep sends the 3rd and later ones, and nobody gets a message twice."""
    require_postgres()
    notifications = schedule_invitations(5)
    mailbox.problem = lambda attempt, message: ProcessDied() if attempt == 3 else None

    with pytest.raises(ProcessDied):
        dispatch_due_notifications()

    delivered_before_crash = set(mailbox.recipients())
    assert len(delivered_before_crash) == 2
    assert (
        set(
            Notification.objects.filter(sent_at__isnull=False).values_list(
                "recipient__email", flat=True
            )
        )
        == delivered_before_crash
    )

    mailbox.problem = lambda attempt, message: None
    assert dispatch_due_notifications() == 3

    assert mailbox.recipients() == {n.recipient.email: 1 for n in notifications}
    assert not Notification.objects.pending().exists()


@pytest.mark.django_db
def test_a_failing_notification_is_retried_with_growing_backoff_then_given_up(
    settings, mailbox, schedule_invitations
):
    """A failed send is recorded and retried later, each time after a longer wait; after
    the last allowed attempt the notification is given up and never tried again."""
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    mailbox.problem = lambda attempt, message: SMTPServerDisconnected("Connection lost")
    [notification] = schedule_invitations(1)
    rows = Notification.objects.filter(pk=notification.pk)

    for attempt, wait in [(1, timedelta(minutes=1)), (2, timedelta(minutes=2))]:
        started = timezone.now()
        assert dispatch_due_notifications() == 0
        finished = timezone.now()

        notification.refresh_from_db()
        assert notification.attempts == attempt
        assert notification.last_error == "SMTPServerDisconnected: Connection lost"
        assert started + wait <= notification.due_at <= finished + wait
        assert notification.status == "pending"
        assert dispatch_due_notifications() == 0, "not due again before the backoff has passed"
        assert mailbox.attempts == attempt
        rows.update(due_at=timezone.now())

    assert dispatch_due_notifications() == 0
    notification.refresh_from_db()
    assert notification.attempts == 3
    assert notification.failed_at is not None
    assert notification.status == "failed"

    rows.update(due_at=timezone.now())
    assert dispatch_due_notifications() == 0
    assert mailbox.attempts == 3
    assert mailbox.messages == []


@pytest.mark.django_db
def test_a_notification_that_fails_does_not_hold_back_the_others(mailbox, schedule_invitations):
    """One refused address is recorded as a failure while the other messages go out."""
    refused, *others = schedule_invitations(3)
    refused_address = refused.recipient.email

    def refuse(attempt, message):
        if refused_address in message.to:
            return SMTPRecipientsRefused({refused_address: (550, b"No such user")})
        return None

    mailbox.problem = refuse

    assert dispatch_due_notifications() == 2

    assert mailbox.recipients() == {n.recipient.email: 1 for n in others}
    refused.refresh_from_db()
    assert refused.attempts == 1
    assert refused.last_error.startswith("SMTPRecipientsRefused:")
    assert refused.sent_at is None


@pytest.mark.django_db
def test_a_notification_whose_subject_was_deleted_is_given_up_unsent(mailbox, schedule_invitations):
    """An invitation about a role that no longer exists is not sent, and says why."""
    [notification] = schedule_invitations(1)
    notification.subject.delete()
    assert dispatch_due_notifications() == 0
    notification.refresh_from_db()
    assert notification.failed_at is not None
    assert "no longer exists" in notification.last_error
    assert mailbox.messages == []


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_does_not_break_scheduling(settings, stockholm, monkeypatch):
    """With the broker unreachable, the notification is still saved for beat's sweep."""
    from kombu.exceptions import OperationalError

    from peersupport.notifications import tasks
    from tests.factories import MembershipFactory

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    settings.NOTIFICATIONS_DISPATCH_ON_SCHEDULE = True
    monkeypatch.setattr(tasks.dispatch_notifications, "delay", broker_down)
    membership = MembershipFactory(region=stockholm)
    with transaction.atomic():
        schedule_notification(
            recipient=membership.user, kind=ACCOUNT_INVITATION.key, subject=membership
        )
    assert Notification.objects.filter(recipient=membership.user, sent_at=None).exists()
