"""This app's personal data, as the data-protection core knows it (see
``peersupport.dataprotection.registry``). Imported from ``AppConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.registry import DataSubject, SubjectKind, register_subject_kind

from .models import User

# --- Data subjects ------------------------------------------------------------------------


def _user_subject(user: User) -> DataSubject:
    return DataSubject(kind="accounts.user", pk=user.pk, name=str(user), user_id=user.pk)


def _resolve_user(pk: int) -> DataSubject | None:
    user = User.objects.filter(pk=pk).first()
    return _user_subject(user) if user else None


register_subject_kind(
    SubjectKind(
        kind="accounts.user",
        title=_("Account"),
        resolve=_resolve_user,
        for_user=lambda user: _user_subject(user) if user.is_authenticated else None,
    )
)

# --- Legal basis --------------------------------------------------------------------------

# --- Consent ------------------------------------------------------------------------------

# --- Retention (gallring) -----------------------------------------------------------------

# --- Register extract ---------------------------------------------------------------------
