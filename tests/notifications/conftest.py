import pytest

from peersupport.notifications.actions import schedule_notification
from peersupport.notifications.kinds import ACCOUNT_INVITATION
from tests.celery_worker import celery_worker_process  # noqa: F401
from tests.factories import MembershipFactory

from .mailbox import BACKEND_PATH, Mailbox, RecordingBackend


@pytest.fixture
def mailbox(settings, monkeypatch):
    """E-mail sent by the code under test lands here instead of at an SMTP server."""
    box = Mailbox()
    settings.EMAIL_BACKEND = BACKEND_PATH
    monkeypatch.setattr(RecordingBackend, "mailbox", box)
    return box


@pytest.fixture
def schedule_invitations():
    """Schedule ``count`` due invitations, each to a new person about their new membership."""

    def schedule(count: int, **user_fields):
        user_fields = {f"user__{name}": value for name, value in user_fields.items()}
        return [
            schedule_notification(
                recipient=membership.user, kind=ACCOUNT_INVITATION.key, subject=membership
            )[0]
            for membership in MembershipFactory.create_batch(count, **user_fields)
        ]

    return schedule
