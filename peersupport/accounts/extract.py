"""The account in a register extract and an erasure (registered in ``dataprotection.py``):
the account itself and the roles held."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.registry import (
    DataSubject,
    ErasureRule,
    ExtractSection,
    register_erasure_rule,
    register_extract_section,
)
from peersupport.extracts.items import item_from
from peersupport.retention.anonymise import close_account

from .models import Membership, Role, User


def _account(subject: DataSubject):
    user = User.objects.filter(pk=subject.user_id).first() if subject.user_id else None
    if user is None:
        return []
    names = ["email", "full_name", "language", "is_active", "date_joined", "last_login"]
    return [item_from(user, names, title=_("Account"))]


def _roles(subject: DataSubject):
    memberships = Membership.objects.filter(user_id=subject.user_id).select_related("region")
    return [
        item_from(membership, ["role", "region", "created_at"], title=str(membership))
        for membership in memberships
    ]


SECTIONS = [
    ExtractSection(key="accounts.account", title=_("Account"), collect=_account, order=5),
    ExtractSection(key="accounts.roles", title=_("Roles"), collect=_roles, order=6),
]


def _refusals(subject: DataSubject) -> list:
    if subject.user_id is None:
        return []
    user = User.objects.filter(pk=subject.user_id).first()
    if user is None:
        return []
    reasons = []
    if user.is_staff or user.is_superuser:
        reasons.append(_("The account is an administrator's: an administrator closes it."))
    staff_roles = (
        Membership.objects.filter(user=user)
        .exclude(role=Role.PEER_SUPPORTER)
        .select_related("region")
    )
    reasons += [
        _("Holds the role %(role)s in %(region)s: a role in the organisation ends first.")
        % {"role": membership.get_role_display().lower(), "region": membership.region}
        for membership in staff_roles
    ]
    return reasons


def _erase(subject: DataSubject, actor) -> int:
    user = User.objects.filter(pk=subject.user_id).first() if subject.user_id else None
    return int(user is not None and user.is_active and close_account(user))


ERASURE = ErasureRule(
    key="accounts.account",
    title=_("Account"),
    removes=_(
        "The account is closed: name, e-mail address, password, two-factor devices, "
        "sessions, roles, calendar feed and unsent notifications."
    ),
    erase=_erase,
    refusals=_refusals,
    order=80,
)


def register() -> None:
    for section in SECTIONS:
        register_extract_section(section)
    register_erasure_rule(ERASURE)
