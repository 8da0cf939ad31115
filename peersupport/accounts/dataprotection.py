"""This app's personal data, as the data-protection core knows it (see
``peersupport.dataprotection.registry``). Imported from ``AppConfig.ready()``."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.registry import DataSubject, SubjectKind, register_subject_kind

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

# --- Consent ------------------------------------------------------------------------------

# --- Retention (gallring) -----------------------------------------------------------------

# --- Register extract ---------------------------------------------------------------------

extract.register()
