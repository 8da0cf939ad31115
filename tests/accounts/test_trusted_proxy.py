"""Behind our own reverse proxies, the audit log and the per-IP login throttle see the
client's address, and never one the client wrote into X-Forwarded-For itself."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from peersupport.audit.actions import client_ip
from peersupport.audit.models import AuditAction, AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
CLIENT = "203.0.113.5"
OTHER_CLIENT = "198.51.100.9"


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def _request(forwarded: str | None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=PROXY, **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, f"1.2.3.4, {CLIENT}", PROXY),  # no trusted proxy: the header is ignored
        (1, CLIENT, CLIENT),
        (1, f"1.2.3.4, {CLIENT}", CLIENT),  # the client's own entry is never believed
        (2, f"1.2.3.4, {CLIENT}, 10.0.0.7", CLIENT),
        (2, CLIENT, PROXY),  # shorter than the chain: it bypassed a proxy
        (1, None, PROXY),
        (1, "not-an-address", None),
    ],
)
def test_client_ip_is_the_nth_address_from_the_right(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(_request(forwarded)) == expected


def _login(client, email, password, forwarded):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_login_is_audited_with_the_clients_address(behind_one_proxy, client, peer_supporter):
    """A login through the proxy is logged with the client's address, though the client
    claimed another one."""
    _login(client, peer_supporter.email, TEST_PASSWORD, f"1.2.3.4, {CLIENT}")
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).ip_address == CLIENT


def test_login_throttle_counts_per_client_behind_the_proxy(behind_one_proxy, peer_supporter):
    """Ten failed logins from one client (each claiming a new address) lock that client
    out for the minute; another client behind the same proxy still logs in."""
    attacker = Client()
    for attempt in range(10):
        _login(
            attacker, f"nobody{attempt}@example.org", "wrong-password", f"1.2.3.{attempt}, {CLIENT}"
        )
    _login(attacker, peer_supporter.email, TEST_PASSWORD, f"9.9.9.9, {CLIENT}")
    assert "_auth_user_id" not in attacker.session

    colleague = Client()
    response = _login(colleague, peer_supporter.email, TEST_PASSWORD, OTHER_CLIENT)
    assert response.status_code == 302
    assert "_auth_user_id" in colleague.session


def test_without_a_trusted_proxy_everyone_behind_it_shares_one_throttle(peer_supporter):
    """The defect the setting mends: with no trusted proxy, the throttle sees only the
    proxy's address, so one client's failures lock everyone out."""
    attacker = Client()
    for attempt in range(10):
        _login(attacker, f"nobody{attempt}@example.org", "wrong-password", CLIENT)
    colleague = Client()
    _login(colleague, peer_supporter.email, TEST_PASSWORD, OTHER_CLIENT)
    assert "_auth_user_id" not in colleague.session


def test_a_request_that_bypassed_a_proxy_is_served(settings, client, peer_supporter):
    """With two trusted proxies and a header of one address (the request came past one of
    them), the login works and the connection's address is used, never a server error."""
    settings.TRUSTED_PROXY_COUNT = 2
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    response = _login(client, peer_supporter.email, TEST_PASSWORD, CLIENT)
    assert response.status_code == 302
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).ip_address == PROXY
