"""This app's personal data, as the data-protection core knows it (see
``peersupport.dataprotection.registry``). Imported from ``AppConfig.ready()``."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection import bases
from peersupport.dataprotection.registry import (
    ConsentPurpose,
    LegalBasis,
    SubjectKind,
    register_consent_purpose,
    register_legal_basis,
    register_retention_rule,
    register_subject_kind,
)

from . import extract
from .actions import LIVED_EXPERIENCE, forget_lived_experience
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

register_legal_basis(
    LegalBasis(
        key="programmes.participants",
        title=_("Participants and their path"),
        models=("programmes.participant", "programmes.statuschange", "programmes.interview"),
        purpose=_(
            "Recruit, select and follow applicants, trainees and peer supporters from "
            "application to alumni: name, contact details, preferred language, the motivation "
            "an applicant wrote, their interviews, and each dated step on their path with who "
            "took it and why."
        ),
        article_6=bases.PUBLIC_TASK,
        article_9=bases.INDIRECT_HEALTH,
        retention=_(
            "Declined or withdrawn applicants are thinned out 12 months after their path "
            "ended, people who left 2 years after leaving (both settable per region)."
        ),
    )
)
register_legal_basis(
    LegalBasis(
        key="programmes.lived_experience",
        title=_("Self-declared lived experience"),
        models=("programmes.participant",),
        purpose=_(
            "Show that the person meets the programme's eligibility: only that they say "
            "themselves that they have own lived experience of mental ill-health, never a "
            "diagnosis."
        ),
        article_6=bases.PUBLIC_TASK,
        article_9=bases.EXPLICIT_CONSENT,
        retention=_(
            "Removed at once when the consent is withdrawn; otherwise kept and thinned with "
            "the participant record."
        ),
        consent_purpose=LIVED_EXPERIENCE,
    )
)
register_legal_basis(
    LegalBasis(
        key="programmes.course",
        title=_("Course enrolment, attendance and certificates"),
        models=("programmes.enrolment", "programmes.attendance", "programmes.certificate"),
        purpose=_(
            "Run the course: who is enrolled or on the waiting list, attendance per course "
            "day against the completion rule, and the certificate that shows the course was "
            "completed and can be verified by its code."
        ),
        article_6=bases.PUBLIC_TASK,
        article_9=bases.INDIRECT_HEALTH,
        retention=_(
            "Kept and thinned with the participant record; a certificate stays verifiable as "
            "long as the record is kept."
        ),
    )
)
register_legal_basis(
    LegalBasis(
        key="programmes.events",
        title=_("Invitations to reunions and continuing education"),
        models=("programmes.eventinvitation",),
        purpose=_(
            "Invite alumni and peer supporters to reunions and continuing education, and "
            "record who attended."
        ),
        article_6=bases.PUBLIC_TASK,
        article_9=bases.INDIRECT_HEALTH,
        retention=_("Kept and thinned with the participant record."),
    )
)

# --- Consent ------------------------------------------------------------------------------

register_consent_purpose(
    ConsentPurpose(
        key=LIVED_EXPERIENCE,
        title=_("Lived experience (self-declared)"),
        on_withdraw=forget_lived_experience,
    )
)

# --- Retention (gallring) -----------------------------------------------------------------

register_retention_rule(APPLICANTS)
register_retention_rule(LEAVERS)

# --- Register extract ---------------------------------------------------------------------

extract.register()
