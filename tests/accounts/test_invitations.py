import re

import pytest
from django.core import mail
from django.urls import reverse

from peersupport.accounts.models import Membership, Role, User
from peersupport.notifications.actions import dispatch_due_notifications
from peersupport.notifications.models import Notification
from tests.factories import person_with_role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ny-lösenfras-2026"


def _invite(client, region, **overrides):
    data = {
        "full_name": "Nora Ny",
        "email": "nora@example.org",
        "role": Role.PEER_SUPPORTER,
        "region": region.pk,
        "language": "sv",
        **overrides,
    }
    return client.post(reverse("accounts:person_invite"), data)


def test_invited_person_sets_password_and_logs_in(coordinator, stockholm, client_for, client):
    """An invitation e-mail links to a single-use page where the person chooses a password."""
    response = _invite(client_for(coordinator), stockholm)
    nora = User.objects.get(email="nora@example.org")
    assert response["Location"] == reverse("accounts:person_detail", args=[nora.pk])
    assert not nora.has_usable_password()
    assert Notification.objects.filter(recipient=nora, kind="account_invitation").count() == 1

    assert dispatch_due_notifications() == 1
    [message] = mail.outbox
    assert message.to == ["nora@example.org"]
    path = re.search(r"https?://[^/\s]+(/invitation/\S+)", message.body).group(1)

    page = client.get(path)
    assert page.status_code == 200
    done = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done["Location"] == reverse("account_login")
    assert client.get(path).status_code == 404  # single use

    login = client.post(reverse("account_login"), {"login": nora.email, "password": NEW_PASSWORD})
    assert login.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_existing_person_gets_the_new_role_without_a_new_invitation(
    coordinator, peer_supporter, stockholm, client_for
):
    """Inviting someone who has an account adds the role; no invitation e-mail is queued."""
    _invite(
        client_for(coordinator), stockholm, email=peer_supporter.email.upper(), role=Role.SUPERVISOR
    )
    assert set(peer_supporter.memberships.values_list("role", flat=True)) == {
        Role.PEER_SUPPORTER,
        Role.SUPERVISOR,
    }
    assert not Notification.objects.filter(recipient=peer_supporter).exists()


def test_inviting_the_same_role_twice_is_refused_next_to_the_field(
    coordinator, peer_supporter, stockholm, client_for
):
    """A role the person already holds gives a clear message and keeps what was typed."""
    response = _invite(
        client_for(coordinator), stockholm, email=peer_supporter.email, full_name="Typed Name"
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "email" in form.errors
    assert form["full_name"].value() == "Typed Name"
    assert Membership.objects.filter(user=peer_supporter).count() == 1


def test_bad_email_is_refused_and_keeps_the_rest(coordinator, stockholm, client_for):
    response = _invite(client_for(coordinator), stockholm, email="not-an-address")
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert response.context["form"]["full_name"].value() == "Nora Ny"
    assert not User.objects.filter(full_name="Nora Ny").exists()


def test_coordinator_cannot_invite_to_another_region(coordinator, skane, client_for):
    """The region field offers only the coordinator's regions; another is refused."""
    response = _invite(client_for(coordinator), skane)
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not User.objects.filter(email="nora@example.org").exists()


def test_invalid_invitation_link_answers_404(client, stockholm):
    person = person_with_role(Role.PEER_SUPPORTER, stockholm)
    url = reverse("accounts:invitation_accept", kwargs={"uidb64": "MQ", "token": "bad-token"})
    assert client.get(url).status_code == 404
    url = reverse("accounts:invitation_accept", kwargs={"uidb64": "!!", "token": "x"})
    assert client.get(url).status_code == 404
    assert person.has_usable_password()


def test_mismatched_passwords_keep_the_form(client, stockholm):
    from peersupport.accounts.invitations import invitation_path
    from tests.factories import UserFactory

    person = UserFactory(password=None)
    path = invitation_path(person)
    response = client.post(path, {"password1": NEW_PASSWORD, "password2": "something-else-1"})
    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
