"""Every change to accounts and roles goes through here."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.notifications.actions import schedule_notification
from peersupport.notifications.kinds import ACCOUNT_INVITATION
from peersupport.privacy import validate_person_name

from .models import Membership, Region, User
from .permissions import can_invite_to_region
from .scoping import forget_memberships


@transaction.atomic
def invite_person(
    *,
    actor: User,
    email: str,
    full_name: str,
    role: str,
    region: Region,
    language: str = "sv",
    request=None,
) -> Membership:
    """Give a person a role in a region and, if they have no account yet, invite them.

    A person who already has an account gets the new role only; everyone else gets an
    invitation e-mail with a single-use link to choose a password.
    """
    if not can_invite_to_region(actor, region):
        raise ValidationError(_("You can only invite people to regions you coordinate."))
    validate_person_name(full_name, field="full_name")
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    is_new = user is None
    if is_new:
        user = User.objects.create_user(email=email, full_name=full_name, language=language)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    elif Membership.objects.filter(user=user, role=role, region=region).exists():
        raise ValidationError(
            _("%(email)s already has this role in %(region)s.") % {"email": email, "region": region}
        )
    membership = Membership.objects.create(user=user, role=role, region=region, created_by=actor)
    forget_memberships(user)
    if is_new or not user.has_usable_password():
        schedule_notification(
            recipient=user,
            kind=ACCOUNT_INVITATION.key,
            subject=membership,
        )
    record_event(
        actor=actor,
        action=AuditAction.INVITE,
        obj=user,
        request=request,
        detail={"role": role, "region": region.code, "new_account": is_new},
    )
    return membership


@transaction.atomic
def accept_invitation(*, user: User, password: str, request=None) -> User:
    """The invited person chooses a password; their e-mail address is thereby verified."""
    user.set_password(password)
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    record_event(
        actor=user,
        action=AuditAction.UPDATE,
        obj=user,
        request=request,
        detail={"invitation": "accepted"},
    )
    return user


def update_profile(*, user: User, full_name: str, language: str) -> User:
    validate_person_name(full_name, field="full_name")
    user.full_name = full_name
    user.language = language
    user.save(update_fields=["full_name", "language"])
    return user
