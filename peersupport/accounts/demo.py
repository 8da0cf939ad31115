"""Demo accounts: two regions with one person of every role in each.

Staff roles get a TOTP authenticator from a fixed, published secret so anyone can log
in with an authenticator app. Never run this against real data.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db.models import QuerySet

from .models import Membership, Region, Role, User
from .scoping import requires_mfa

DEMO_PASSWORD = "peer-demo-2026"  # noqa: S105 - published demo login
DEMO_TOTP_SECRET = "PEERSUPPORTDEMOTOTPSECRET234567A"  # noqa: S105 - published demo secret
DEMO_DOMAIN = "example.org"

REGIONS = [("stockholm", "Region Stockholm"), ("skane", "Region Skåne")]

ROLE_PEOPLE = {
    "stockholm": {
        Role.COORDINATOR: ("koordinator.stockholm", "Karin Lindqvist"),
        Role.PEER_SUPPORTER: ("peer.stockholm", "Elias Berg"),
        Role.SUPERVISOR: ("handledare.stockholm", "Maria Holm"),
        Role.UNIT_MANAGER: ("enhetschef.stockholm", "Johan Ek"),
        Role.RESEARCHER: ("forskare.stockholm", "Sara Nyström"),
        Role.AUDITOR: ("granskare.stockholm", "Greta Sjöberg"),
    },
    "skane": {
        Role.COORDINATOR: ("koordinator.skane", "Anders Persson"),
        Role.PEER_SUPPORTER: ("peer.skane", "Lina Svensson"),
        Role.SUPERVISOR: ("handledare.skane", "Ola Nilsson"),
        Role.UNIT_MANAGER: ("enhetschef.skane", "Eva Larsson"),
        Role.RESEARCHER: ("forskare.skane", "Nils Åberg"),
    },
}


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def demo_users() -> QuerySet[User]:
    """Every login the demo seed makes, and nobody else: each of them, and each demo
    participant, is on the demo domain, which is reserved for examples (RFC 2606) and so
    is no real person's address."""
    return User.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}")


def _ensure_user(email: str, full_name: str, password: str, *, staff: bool = False) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "is_staff": staff, "is_superuser": staff}
    )
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _ensure_totp(user: User) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)


def seed(*, password: str = DEMO_PASSWORD) -> dict[str, Region]:
    regions = {}
    for code, name in REGIONS:
        regions[code], _ = Region.objects.get_or_create(code=code, defaults={"name": name})
    admin = _ensure_user(demo_email("admin"), "Admin Demo", password, staff=True)
    _ensure_totp(admin)
    for code, people in ROLE_PEOPLE.items():
        for role, (local, full_name) in people.items():
            user = _ensure_user(demo_email(local), full_name, password)
            Membership.objects.get_or_create(user=user, role=role, region=regions[code])
            if requires_mfa(user):
                _ensure_totp(user)
    return regions
