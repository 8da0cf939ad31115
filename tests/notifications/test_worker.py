import pytest

from peersupport.notifications.models import Notification
from peersupport.notifications.tasks import dispatch_notifications


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_each_due_notification_once_however_often_the_dispatch_is_queued(
    celery_worker_process, schedule_invitations
):
    """Queuing the dispatch twice to a real worker sends every due e-mail exactly once."""
    invitations = schedule_invitations(3)

    first = celery_worker_process.send(dispatch_notifications)
    second = celery_worker_process.send(dispatch_notifications)
    celery_worker_process.wait_for_task(first)
    celery_worker_process.wait_for_task(second)

    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    recipients = [message["To"] for message in celery_worker_process.sent_mail()]
    assert sorted(recipients) == sorted(n.recipient.email for n in invitations)
