"""Every change to accounts and roles goes through here."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.usersessions.adapter import get_adapter as get_sessions_adapter
from allauth.usersessions.models import UserSession
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.notifications.actions import schedule_notification
from peersupport.notifications.kinds import ACCOUNT_INVITATION
from peersupport.notifications.models import Notification
from peersupport.privacy import validate_person_name

from .models import Membership, Region, Role, User
from .permissions import can_end_membership, can_invite_to_region, can_manage_account
from .scoping import coordinated_region_ids, forget_memberships


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


# --- Upkeep: corrections, roles, closing accounts, invitations again ---------------------


@transaction.atomic
def correct_person(
    *, actor: User, person: User, full_name: str, email: str, language: str, request=None
) -> User:
    """Correct a person's name, e-mail address and language. An address already in use by
    another account is refused."""
    if not can_manage_account(actor, person):
        raise ValidationError(
            _("You can only correct people whose every role is in regions you coordinate.")
        )
    validate_person_name(full_name, field="full_name")
    email = email.strip().lower()
    if (
        User.objects.filter(email__iexact=email).exclude(pk=person.pk).exists()
        or EmailAddress.objects.filter(email__iexact=email).exclude(user=person).exists()
    ):
        raise ValidationError({"email": _("Another account already uses this e-mail address.")})
    changed = {
        field: {"from": getattr(person, field), "to": value}
        for field, value in (("full_name", full_name), ("email", email), ("language", language))
        if getattr(person, field) != value
    }
    if not changed:
        return person
    person.full_name, person.email, person.language = full_name, email, language
    person.save(update_fields=["full_name", "email", "language"])
    if "email" in changed:
        # The address was typed by someone else: it is verified once the person uses it.
        EmailAddress.objects.filter(user=person).delete()
        EmailAddress.objects.create(user=person, email=email, primary=True, verified=False)
    record_event(
        actor=actor, action=AuditAction.UPDATE, obj=person, request=request, detail=changed
    )
    return person


def _active_coordinators(region_id: int, *, excluding_user: User | None = None):
    coordinators = Membership.objects.filter(
        region_id=region_id, role=Role.COORDINATOR, user__is_active=True
    )
    if excluding_user is not None:
        coordinators = coordinators.exclude(user=excluding_user)
    return coordinators


@transaction.atomic
def end_membership(
    *, actor: User, membership: Membership, close_account: bool = False, request=None
) -> None:
    """End a role. A coordinator ends roles in their own regions only, and a region never
    loses its last coordinator. ``close_account`` closes the account as well when this was
    the person's last role."""
    if not can_end_membership(actor, membership):
        raise ValidationError(_("You can only end roles in regions you coordinate."))
    if (
        membership.role == Role.COORDINATOR
        and not _active_coordinators(membership.region_id, excluding_user=membership.user).exists()
    ):
        raise ValidationError(
            _(
                "%(name)s is the last coordinator of %(region)s. Give someone else the "
                "coordinator role there first."
            )
            % {"name": membership.user, "region": membership.region}
        )
    person = membership.user
    last_role = not person.memberships.exclude(pk=membership.pk).exists()
    record_event(
        actor=actor,
        action=AuditAction.DELETE,
        obj=person,
        request=request,
        detail={"role": membership.role, "region": membership.region.code, "ended": True},
    )
    membership.delete()
    forget_memberships(person)
    if close_account and last_role and person.is_active and person.pk != actor.pk:
        _close(actor=actor, person=person, request=request)


def _close(*, actor: User, person: User, request) -> None:
    person.is_active = False
    person.save(update_fields=["is_active"])
    sessions = list(UserSession.objects.filter(user=person))
    get_sessions_adapter().end_sessions(sessions)
    withdrawn = Notification.objects.pending().filter(recipient=person).delete()[0]
    record_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=person,
        request=request,
        detail={
            "account": "closed",
            "sessions_ended": len(sessions),
            "notifications_withdrawn": withdrawn,
        },
    )


@transaction.atomic
def close_account(*, actor: User, person: User, request=None) -> User:
    """Close an account: the person can no longer log in, every session of theirs ends and
    messages still waiting for them in the outbox are withdrawn. Nobody closes their own
    account here, and a coordinator only closes accounts whose every role is in their
    regions."""
    if actor.pk == person.pk:
        raise ValidationError(_("You cannot close your own account."))
    if not can_manage_account(actor, person):
        raise ValidationError(
            _("You can only close the accounts of people whose every role is in your regions.")
        )
    if not person.is_active:
        raise ValidationError(_("This account is already closed."))
    for region_id in person.memberships.filter(role=Role.COORDINATOR).values_list(
        "region_id", flat=True
    ):
        if not _active_coordinators(region_id, excluding_user=person).exists():
            raise ValidationError(
                _("%(name)s is the last coordinator of a region and cannot be closed.")
                % {"name": person}
            )
    _close(actor=actor, person=person, request=request)
    return person


@transaction.atomic
def reopen_account(*, actor: User, person: User, request=None) -> User:
    """Open a closed account again; the person logs in with their old password."""
    if not can_manage_account(actor, person):
        raise ValidationError(
            _("You can only reopen the accounts of people whose every role is in your regions.")
        )
    if person.is_active:
        raise ValidationError(_("This account is open."))
    person.is_active = True
    person.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=person,
        request=request,
        detail={"account": "reopened"},
    )
    return person


@transaction.atomic
def resend_invitation(*, actor: User, person: User, request=None) -> Notification:
    """Send the invitation again with a new link; earlier links stop working.

    The link's token is made from the password hash, and a fresh unusable password gives
    a new hash, so every link sent before is invalid from now on.
    """
    if person.has_usable_password():
        raise ValidationError(_("%(name)s has already chosen a password.") % {"name": person})
    if not person.is_active:
        raise ValidationError(_("The account is closed. Reopen it first."))
    regions = None if actor.is_superuser else coordinated_region_ids(actor)
    memberships = person.memberships.select_related("region").order_by("-created_at")
    if regions is not None:
        memberships = memberships.filter(region_id__in=regions)
    membership = memberships.first()
    if membership is None:
        raise ValidationError(_("You can only invite people to regions you coordinate."))
    person.set_unusable_password()
    person.save(update_fields=["password"])
    Notification.objects.pending().filter(recipient=person, kind=ACCOUNT_INVITATION.key).delete()
    notification, _created = schedule_notification(
        recipient=person,
        kind=ACCOUNT_INVITATION.key,
        subject=membership,
        occurrence=f"resent {timezone.now():%Y-%m-%dT%H:%M:%S.%f}",
    )
    record_event(
        actor=actor,
        action=AuditAction.INVITE,
        obj=person,
        request=request,
        detail={"role": membership.role, "region": membership.region.code, "resent": True},
    )
    return notification
