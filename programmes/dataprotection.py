"""This app's personal data, as the data-protection core knows it (see
``peersupport.dataprotection.registry``). Imported from ``AppConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.registry import (
    SubjectKind,
    register_retention_rule,
    register_subject_kind,
)

from .models import Participant
from .retention import APPLICANTS, LEAVERS

# --- Data subjects ------------------------------------------------------------------------


def _resolve_participant(pk: int):
    participant = Participant.objects.filter(pk=pk).first()
    return participant.data_subject() if participant else None


def _participant_of(user):
    if not user.is_authenticated:
        return None
    participant = Participant.objects.filter(user=user).first()
    return participant.data_subject() if participant else None


register_subject_kind(
    SubjectKind(
        kind="programmes.participant",
        title=_("Programme record"),
        resolve=_resolve_participant,
        for_user=_participant_of,
    )
)

# --- Legal basis --------------------------------------------------------------------------

# --- Consent ------------------------------------------------------------------------------

# --- Retention (gallring) -----------------------------------------------------------------

register_retention_rule(APPLICANTS)
register_retention_rule(LEAVERS)

# --- Register extract ---------------------------------------------------------------------
