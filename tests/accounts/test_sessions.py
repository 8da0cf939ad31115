"""Sessions: an idle timeout on top of the absolute limit, each person's list of their
sessions on other devices, and re-authentication before exports and private notes."""

import time

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.test import Client
from django.urls import reverse

from peersupport.accounts.middleware import LAST_ACTIVITY_KEY, LOGIN_AT_KEY
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _idle_for(client: Client, minutes: float) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time() - minutes * 60)
    session.save()


def test_sessions_end_after_30_idle_minutes(peer_supporter, client_for):
    """After more than 30 minutes without a request the person is logged out and sent to
    the login page; the absolute limit stays 8 hours after login."""
    assert settings.SESSION_IDLE_TIMEOUT_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    client = client_for(peer_supporter)
    _idle_for(client, 31)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_activity_keeps_the_session_alive(peer_supporter, client_for):
    """A request within the idle limit is served and starts the idle clock again."""
    client = client_for(peer_supporter)
    _idle_for(client, 29)
    assert client.get(reverse("home")).status_code == 200
    assert time.time() - client.session[LAST_ACTIVITY_KEY] < 5


def test_sessions_end_8_hours_after_login_however_active(peer_supporter, client_for):
    """A person active all day is logged out 8 hours after logging in (Django's own expiry
    moves forward with every save, so this limit counts from the login)."""
    client = client_for(peer_supporter)
    session = client.session
    session[LOGIN_AT_KEY] = int(time.time() - settings.SESSION_COOKIE_AGE - 60)
    session.save()
    _idle_for(client, 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.english
def test_idle_logout_says_why(peer_supporter, client_for, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    client = client_for(peer_supporter)
    _idle_for(client, 6)
    response = client.get(reverse("home"), follow=True)
    assert "You were logged out after 5 minutes without activity." in response.content.decode()


def _login(email: str) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


# allauth's session list (a library view) loads each of the person's sessions, and the user
# in it, to drop the ended ones; it is bounded by one person's devices: the fix is upstream.
@pytest.mark.zeal_ignore(
    allowlist=[
        {"model": "sessions.Session", "field": "get()"},
        {"model": "accounts.User", "field": "get()"},
    ]
)
def test_a_person_lists_and_ends_their_sessions_on_other_devices(peer_supporter):
    """Logged in on two devices, the person sees both sessions and ends the other one,
    which is then logged out; the menu and the profile page lead there."""
    laptop, phone = _login(peer_supporter.email), _login(peer_supporter.email)
    listing = laptop.get(reverse("usersessions_list"))
    assert listing.status_code == 200
    assert len(listing.context["sessions"]) == 2
    assert reverse("usersessions_list") in listing.content.decode()
    profile = laptop.get(reverse("accounts:profile_edit")).content.decode()
    assert reverse("usersessions_list") in profile

    laptop.post(reverse("usersessions_list"))

    assert UserSession.objects.filter(user=peer_supporter).count() == 1
    assert phone.get(reverse("home")).status_code == 302
    assert laptop.get(reverse("home")).status_code == 200


def test_private_note_asks_for_the_password_again(supervisor, client_for):
    """The note page sends a supervisor who has not just typed their password to
    re-authenticate, before the session (and its note) is even looked up."""
    response = client_for(supervisor).get(reverse("supervision:session_note", args=[1]))
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
