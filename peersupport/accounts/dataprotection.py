"""This app's personal data, as the data-protection core knows it (see
``peersupport.dataprotection.registry``). Imported from ``AppConfig.ready()``."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection import bases
from peersupport.dataprotection.registry import (
    DataSubject,
    LegalBasis,
    SubjectKind,
    register_legal_basis,
    register_subject_kind,
)

from . import extract
from .models import User

# --- Data subjects ------------------------------------------------------------------------


# Enough to find one person by name; a longer list asks for a more exact search.
SEARCH_LIMIT = 25


def _user_subject(user: User) -> DataSubject:
    return DataSubject(kind="accounts.user", pk=user.pk, name=str(user), user_id=user.pk)


def _resolve_user(pk: int) -> DataSubject | None:
    user = User.objects.filter(pk=pk).first()
    return _user_subject(user) if user else None


def _search_users(query: str, region_ids: set[int] | None) -> list[DataSubject]:
    users = User.objects.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    if region_ids is not None:
        users = users.filter(memberships__region_id__in=region_ids).distinct()
    return [_user_subject(user) for user in users.order_by("full_name", "email")[:SEARCH_LIMIT]]


register_subject_kind(
    SubjectKind(
        kind="accounts.user",
        title=_("Account"),
        resolve=_resolve_user,
        for_user=lambda user: _user_subject(user) if user.is_authenticated else None,
        search=_search_users,
    )
)

# --- Legal basis --------------------------------------------------------------------------

register_legal_basis(
    LegalBasis(
        key="accounts.accounts",
        title=_("Accounts and logins"),
        models=(
            "accounts.user",
            "account.emailaddress",
            "mfa.authenticator",
            "sessions.session",
            "usersessions.usersession",
        ),
        purpose=_(
            "Let staff and peer supporters log in with their e-mail address, a password and, "
            "for staff roles, a second factor; send the invitation link; know their name and "
            "language for pages and messages."
        ),
        article_6=bases.PUBLIC_TASK_ACCESS,
        retention=_(
            "Deactivated when the person no longer holds any role; the audit log keeps the "
            "e-mail address as text for its own retention period."
        ),
    )
)
register_legal_basis(
    LegalBasis(
        key="accounts.memberships",
        title=_("Roles by region"),
        models=("accounts.membership",),
        purpose=_(
            "Decide what each person may see and do: a role (coordinator, peer supporter, "
            "supervisor, unit manager, researcher, auditor) in a region, and who gave it."
        ),
        article_6=bases.PUBLIC_TASK_ACCESS,
        article_9=_(
            "The peer supporter role can reveal own lived experience of mental ill-health; it "
            "is shown only to the person, the region's coordinators and admins."
        ),
        retention=_("Removed when the role ends."),
    )
)

# --- Consent ------------------------------------------------------------------------------

# --- Retention (gallring) -----------------------------------------------------------------

# --- Register extract ---------------------------------------------------------------------

extract.register()
