"""Outbox messages to people without an account, and messages no longer wanted."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from peersupport.notifications import kinds
from peersupport.notifications.actions import dispatch_due_notifications, schedule_notification
from peersupport.notifications.kinds import NotificationKind
from peersupport.notifications.models import Notification
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db

TEST_TEMPLATES = Path(__file__).parent / "templates"
# Who the test kind writes to: a region's code stands in for a person without an account.
WANTED: set[int] = set()


def _region_address(notification) -> tuple[str, str]:
    return f"{notification.subject.code}@example.org", "en"


@pytest.fixture
def probe_kinds(settings, monkeypatch):
    """Test-only kinds: one addressed through its subject and asked whether it is still
    wanted, one with neither."""
    monkeypatch.setattr(kinds, "_KINDS", dict(kinds._KINDS))
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [TEST_TEMPLATES, *engine["DIRS"]]}]
    WANTED.clear()
    addressed = kinds.register(
        NotificationKind(
            "language_probe",
            "Language probe",
            address=_region_address,
            still_wanted=lambda notification: notification.subject_id in WANTED,
        )
    )
    plain = kinds.register(NotificationKind("plain_probe", "Plain probe"))
    return addressed, plain


def test_a_message_without_a_recipient_goes_to_the_kinds_address_once(mailbox, probe_kinds):
    """Scheduled twice and dispatched twice, it is one row and one e-mail, to the address
    and in the language the kind names."""
    addressed, _plain = probe_kinds
    region = RegionFactory(code="gotland")
    WANTED.add(region.pk)

    first, created = schedule_notification(recipient=None, kind=addressed.key, subject=region)
    again, created_again = schedule_notification(recipient=None, kind=addressed.key, subject=region)

    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert dispatch_due_notifications() == 1
    assert dispatch_due_notifications() == 0
    [message] = mailbox.messages
    assert message.to == ["gotland@example.org"]
    assert message.subject == "en"


def test_the_database_keeps_a_message_without_a_recipient_once(probe_kinds):
    """Even written past ``schedule_notification``, a second row is refused."""
    addressed, _plain = probe_kinds
    region = RegionFactory()
    schedule_notification(recipient=None, kind=addressed.key, subject=region)
    first = Notification.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            kind=first.kind,
            subject_type=first.subject_type,
            subject_id=first.subject_id,
            occurrence=first.occurrence,
            due_at=timezone.now(),
        )


def test_a_kind_without_an_address_needs_a_recipient(probe_kinds):
    _addressed, plain = probe_kinds
    with pytest.raises(ValueError, match="without a recipient"):
        schedule_notification(recipient=None, kind=plain.key, subject=RegionFactory())


def test_a_message_no_longer_wanted_is_given_up_unsent_and_says_why(mailbox, probe_kinds):
    """The kind's check runs when the message is sent: what it is about has ended, so
    nothing is sent and the row records why."""
    addressed, _plain = probe_kinds
    region = RegionFactory()
    notification, _ = schedule_notification(recipient=None, kind=addressed.key, subject=region)

    assert dispatch_due_notifications() == 0

    notification.refresh_from_db()
    assert notification.failed_at is not None
    assert notification.last_error.startswith("No longer wanted")
    assert mailbox.messages == []


def test_the_dispatcher_can_send_what_is_due_at_a_later_moment(mailbox, probe_kinds):
    """``now`` lets a test see what a later sweep sends."""
    addressed, _plain = probe_kinds
    region = RegionFactory()
    WANTED.add(region.pk)
    schedule_notification(
        recipient=None,
        kind=addressed.key,
        subject=region,
        due_at=timezone.now() + timedelta(days=10),
    )

    assert dispatch_due_notifications() == 0
    assert dispatch_due_notifications(now=timezone.now() + timedelta(days=11)) == 1
    assert len(mailbox.messages) == 1


def test_the_outbox_admin_lists_messages_without_a_recipient(probe_kinds, admin_user, client_for):
    addressed, _plain = probe_kinds
    notification, _ = schedule_notification(
        recipient=None, kind=addressed.key, subject=RegionFactory()
    )
    client = client_for(admin_user, reauthenticated=True)

    listing = client.get(reverse("admin:notifications_notification_changelist"))
    detail = client.get(reverse("admin:notifications_notification_change", args=[notification.pk]))

    assert (listing.status_code, detail.status_code) == (200, 200)
