from pathlib import Path

import pytest
from django.utils import translation

from peersupport.notifications import kinds
from peersupport.notifications.actions import dispatch_due_notifications, schedule_notification
from peersupport.notifications.kinds import NotificationKind
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEST_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture
def language_probe(settings, monkeypatch):
    """A test-only kind whose subject line is the language it was rendered in."""
    monkeypatch.setattr(kinds, "_KINDS", dict(kinds._KINDS))
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [TEST_TEMPLATES, *engine["DIRS"]]}]
    return kinds.register(NotificationKind("language_probe", "Language probe"))


@pytest.mark.parametrize(("recipient_language", "active_language"), [("sv", "en"), ("en", "sv")])
def test_a_notification_is_rendered_in_the_recipients_language_not_the_senders(
    mailbox, language_probe, recipient_language, active_language
):
    """Whatever language the dispatcher runs in, each message is in its recipient's."""
    recipient = UserFactory(language=recipient_language)
    schedule_notification(recipient=recipient, kind=language_probe.key)

    with translation.override(active_language):
        dispatch_due_notifications()

    [message] = mailbox.messages
    assert message.subject == recipient_language
    assert message.body == f"Rendered in {recipient_language} for {recipient.email}.\n"


def test_an_english_speaker_is_invited_in_english(mailbox, schedule_invitations):
    """A person whose language is English gets the invitation with an English subject line."""
    [invitation] = schedule_invitations(1, language="en", full_name="Alice Smith")

    with translation.override("sv"):
        dispatch_due_notifications()

    [message] = mailbox.messages
    assert message.to == [invitation.recipient.email]
    assert message.subject == "You are invited to PEER Support"
    assert message.body.startswith("Hello Alice,")
    invitation.refresh_from_db()
    assert invitation.title == "You are invited to PEER Support"
