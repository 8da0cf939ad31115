"""The dispatcher's cost per message: a batch takes a fixed number of queries."""

from smtplib import SMTPRecipientsRefused

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peersupport.notifications import actions
from peersupport.notifications.actions import dispatch_due_notifications
from peersupport.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_batch(monkeypatch):
    """Every sweep in these tests is one batch, whatever its size."""
    monkeypatch.setattr(actions, "FIRST_BATCH_SIZE", 100)
    monkeypatch.setattr(actions, "BATCH_SIZE", 100)


def queries_to_dispatch(mailbox, schedule_invitations, count: int, refused: int) -> int:
    notifications = schedule_invitations(count)
    refused_addresses = {n.recipient.email for n in notifications[:refused]}

    def refuse(attempt, message):
        [address] = message.to
        if address in refused_addresses:
            return SMTPRecipientsRefused({address: (550, b"No such user")})
        return None

    mailbox.problem = refuse
    with CaptureQueriesContext(connection) as queries:
        assert dispatch_due_notifications() == count - refused
    assert Notification.objects.filter(sent_at__isnull=False).count() == count - refused
    assert Notification.objects.filter(attempts=1, sent_at__isnull=True).count() == refused
    Notification.objects.all().delete()
    return len(queries)


def test_a_batch_costs_the_same_queries_whatever_its_size(mailbox, schedule_invitations, one_batch):
    """Claiming, loading the subjects and recipients, rendering and marking sent (and
    failed) take as many queries for 40 messages as for 2: none of them per message."""
    few = queries_to_dispatch(mailbox, schedule_invitations, 2, refused=1)
    many = queries_to_dispatch(mailbox, schedule_invitations, 40, refused=5)

    assert many == few
    # The claim, the subjects, a savepoint round the rendering, the sent and the failed
    # rows' updates, and the empty claim that ends the sweep.
    assert many <= 8
