"""What a thinned record is left with, shared by every app's retention rules.

A thinned person keeps their row (so every count that includes them stays the same) but
loses what identifies them: their name becomes "Gallrad", their e-mail address a unique
address under a reserved domain that no mail can reach, their free text is emptied.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession

from peersupport.accounts.models import Role, User
from peersupport.notifications.models import CalendarFeed, Notification

THINNED_NAME = "Gallrad"
# Put where the database requires some text (an excused absence, an ended placement).
THINNED_TEXT = "Gallrad"
# A reserved top-level domain (RFC 2606): mail to it can never be delivered.
THINNED_EMAIL_DOMAIN = "gallrad.invalid"


def thinned_email(kind: str, pk: int) -> str:
    """A unique placeholder address (e-mail addresses are unique per region or account)."""
    return f"{kind}-{pk}@{THINNED_EMAIL_DOMAIN}"


def close_account(user: User) -> bool:
    """Anonymise and close the account of a person whose programme record is thinned.

    Someone who still holds another role (a former peer supporter who now supervises, an
    admin) keeps their account. Returns whether the account was closed.
    """
    if (
        user.is_staff
        or user.is_superuser
        or user.memberships.exclude(role=Role.PEER_SUPPORTER).exists()
    ):
        return False
    for session in UserSession.objects.filter(user=user):
        session.end()
    user.memberships.all().delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    Notification.objects.filter(recipient=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
    user.full_name = THINNED_NAME
    user.email = thinned_email("user", user.pk)
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["full_name", "email", "is_active", "password"])
    return True
