import pytest
from django.urls import reverse

from peersupport.audit.models import AuditAction, AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_login_and_failed_login_are_audited(client, peer_supporter):
    """A failed and a successful login each leave an audit row with the IP address."""
    _login(client, peer_supporter.email, "wrong-password")
    response = _login(client, peer_supporter.email, TEST_PASSWORD)
    assert response.status_code == 302
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.detail["email"] == peer_supporter.email
    assert failed.object_id == str(peer_supporter.pk)
    assert failed.ip_address == "127.0.0.1"
    login = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert login.actor == peer_supporter


def test_sixth_wrong_password_within_five_minutes_is_throttled(client, peer_supporter):
    """After five wrong passwords, the sixth attempt is refused – even the right password."""
    for _ in range(5):
        response = _login(client, peer_supporter.email, "wrong-password")
        assert response.status_code == 200
        assert "too many" not in response.content.decode().lower()
    response = _login(client, peer_supporter.email, TEST_PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "För många misslyckade inloggningsförsök" in response.content.decode()


def test_admin_login_goes_through_allauth_and_its_throttle(client, admin_user):
    """The admin login is allauth's: same form, same throttle, same second factor."""
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    login_url = response["Location"]
    for _ in range(5):
        client.post(login_url, {"login": admin_user.email, "password": "wrong-password"})
    response = client.post(login_url, {"login": admin_user.email, "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "För många misslyckade inloggningsförsök" in response.content.decode()


def test_admin_password_login_asks_for_second_factor(client, admin_user):
    """An admin with the right password is asked for the TOTP code before the admin opens."""
    login_url = reverse("account_login") + "?next=" + reverse("admin:index")
    response = client.post(login_url, {"login": admin_user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_login_page_is_swedish(client):
    """The login page speaks Swedish even when the browser asks for English."""
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en")
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "Logga in" in html


def test_signup_is_closed(client):
    """Nobody can sign up: accounts come by invitation."""
    response = client.get(reverse("account_signup"))
    assert "Anmälan stängd" in response.content.decode()
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "password1": "x-Long-passw0rd",
            "password2": "x-Long-passw0rd",
        },
    )
    from peersupport.accounts.models import User

    assert not User.objects.filter(email="new@example.org").exists()
