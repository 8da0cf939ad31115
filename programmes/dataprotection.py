"""This app's personal data, as the data-protection core knows it (see
``peersupport.dataprotection.registry``). Imported from ``AppConfig.ready()``."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.registry import (
    SubjectKind,
    register_retention_rule,
    register_subject_kind,
)

from . import extract
from .models import Participant
from .retention import APPLICANTS, LEAVERS

# --- Data subjects ------------------------------------------------------------------------


# Enough to find one person by name; a longer list asks for a more exact search.
SEARCH_LIMIT = 25


def _resolve_participant(pk: int):
    participant = Participant.objects.filter(pk=pk).first()
    return participant.data_subject() if participant else None


def _participant_of(user):
    if not user.is_authenticated:
        return None
    participant = Participant.objects.filter(user=user).first()
    return participant.data_subject() if participant else None


def _search_participants(query: str, region_ids: set[int] | None) -> list:
    participants = Participant.objects.filter(
        Q(full_name__icontains=query) | Q(email__icontains=query)
    )
    if region_ids is not None:
        participants = participants.filter(region_id__in=region_ids)
    return [participant.data_subject() for participant in participants[:SEARCH_LIMIT]]


register_subject_kind(
    SubjectKind(
        kind="programmes.participant",
        title=_("Programme record"),
        resolve=_resolve_participant,
        for_user=_participant_of,
        search=_search_participants,
    )
)

# --- Legal basis --------------------------------------------------------------------------

# --- Consent ------------------------------------------------------------------------------

# --- Retention (gallring) -----------------------------------------------------------------

register_retention_rule(APPLICANTS)
register_retention_rule(LEAVERS)

# --- Register extract ---------------------------------------------------------------------

extract.register()
