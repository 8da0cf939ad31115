import pytest
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from peersupport.accounts.models import Role
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, person_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.SUPERVISOR, Role.RESEARCHER])
def test_staff_role_without_mfa_is_sent_to_mfa_setup(role, stockholm, client):
    """A coordinator, supervisor or researcher without MFA is sent to set it up."""
    user = person_with_role(role, stockholm, mfa=False)
    client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # The password was just typed, so setup does not ask for it again.
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200
    assert "totp_svg" in setup.context


def test_admin_without_mfa_is_sent_to_mfa_setup(client_for):
    """Admins need MFA too, also for the admin site."""
    from tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    response = client_for(admin).get(reverse("admin:index"))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_peer_supporter_needs_no_mfa(peer_supporter, client_for):
    """Peer supporters reach their home page without a second factor."""
    assert client_for(peer_supporter).get(reverse("home")).status_code == 200


def test_enforcement_can_be_switched_off_outside_production(stockholm, client_for, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    user = person_with_role(Role.COORDINATOR, stockholm, mfa=False)
    assert client_for(user).get(reverse("home")).status_code == 200


def test_production_refuses_mfa_switched_off(settings):
    """A system check fails production when MFA enforcement is off."""
    from peersupport.accounts.checks import mfa_enforced_in_production

    settings.PRODUCTION = True
    settings.MFA_REQUIRED_FOR_STAFF = False
    errors = mfa_enforced_in_production(None)
    assert [e.id for e in errors] == ["accounts.E001"]
    settings.MFA_REQUIRED_FOR_STAFF = True
    assert mfa_enforced_in_production(None) == []


def test_totp_secret_is_encrypted_at_rest(coordinator):
    """The TOTP secret in the database is ciphertext that only our key opens."""
    authenticator = Authenticator.objects.get(user=coordinator, type=Authenticator.Type.TOTP)
    stored = authenticator.data["secret"]
    assert TEST_TOTP_SECRET not in stored
    assert Fernet(settings.MFA_ENCRYPTION_KEY.encode()).decrypt(stored.encode()).decode() == (
        TEST_TOTP_SECRET
    )


def test_seed_demo_is_idempotent_and_gives_staff_totp():
    """seed_demo can run twice; every staff-role demo login has exactly one TOTP."""
    from peersupport.accounts.models import Membership, User

    call_command("seed_demo")
    counts = (User.objects.count(), Membership.objects.count(), Authenticator.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Membership.objects.count(), Authenticator.objects.count()) == (
        counts
    )
    # Every role in Stockholm; Skåne has no log auditor of its own in the demo.
    assert Membership.objects.filter(region__code="stockholm").values(
        "role"
    ).distinct().count() == len(Role)
    assert Membership.objects.filter(region__code="skane").values("role").distinct().count() == (
        len(Role) - 1
    )
    staff = User.objects.filter(memberships__role__in=[Role.COORDINATOR, Role.AUDITOR])
    assert all(Authenticator.objects.filter(user=u).count() == 1 for u in staff)


def test_changing_mfa_later_asks_for_the_password_again(coordinator, client_for):
    """Adding another authenticator on a session without a fresh login needs the password."""
    response = client_for(coordinator).get(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
