"""Surveys in a register extract and an erasure (registered in ``dataprotection.py``).

A peer supporter or unit manager gets their own survey invitations (study, wave, status
and dates, the information version they consented to) and their answers, with each
item's text and the label of the value they chose. Anonymous answers (service users,
staff) name no one and are in nobody's extract.

An erasure cannot remove answers already given to a study: art. 17.3 d GDPR keeps
research data whose erasure would seriously impair the study. It cuts every invitation's
link to the person, so what stays is pseudonymised, and ends the open ones so no
reminder follows.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.registry import (
    DataSubject,
    ErasureRule,
    ExtractSection,
    register_erasure_rule,
    register_extract_section,
)
from peersupport.extracts.items import field, item_from

from .actions.reminders import stop_reminders_of
from .models import OPEN_STATUSES, Answer, Invitation, InvitationStatus

PARTICIPANT = "programmes.participant"

INVITATION_FIELDS = [
    "status",
    "language",
    "opens_at",
    "closes_at",
    "consent_answered_at",
    "started_at",
    "completed_at",
    "withdrawn_at",
    "answers_deleted",
]


def invitations_of(subject: DataSubject) -> QuerySet[Invitation]:
    """The person's own invitations: by their programme record, or by their account."""
    # Both links are nullable, and ``field=None`` would match every invitation without
    # one (the anonymous ones): each condition is added only for an id.
    match = Q(pk__in=[])
    participant_id = subject.pk_if(PARTICIPANT)
    if participant_id is not None:
        match |= Q(participant_id=participant_id)
    if subject.user_id is not None:
        match |= Q(user_id=subject.user_id)
    return Invitation.objects.filter(match)


def _invitations(subject: DataSubject):
    invitations = invitations_of(subject).select_related("wave__study", "information")
    return [
        item_from(
            invitation,
            INVITATION_FIELDS,
            title=f"{invitation.wave.study.name}: {invitation.wave.name}",
            extra=[
                field(
                    "information_version",
                    _("information version consented to"),
                    invitation.information.version if invitation.information else None,
                )
            ],
        )
        for invitation in invitations.order_by("opens_at", "pk")
    ]


def _value_label(answer: Answer):
    if answer.value is None or answer.item.scale is None:
        return answer.value
    labels = dict(answer.item.scale.choices())
    label = labels.get(answer.value)
    return f"{answer.value} ({label})" if label else answer.value


def _answers(subject: DataSubject):
    answers = Answer.objects.filter(invitation__in=invitations_of(subject)).select_related(
        "invitation__wave__study", "item__scale", "item__version__instrument"
    )
    return [
        item_from(
            answer,
            ["text", "answered_at"],
            title=answer.item.text,
            extra=[
                field(
                    "survey",
                    _("survey"),
                    f"{answer.invitation.wave.study.name}: {answer.invitation.wave.name}",
                ),
                field("instrument", _("instrument"), answer.item.version.instrument.name),
                field("item", _("variable name"), answer.item.key),
                field("value", _("value"), _value_label(answer)),
            ],
        )
        for answer in answers.order_by("invitation__opens_at", "invitation_id", "item__position")
    ]


SECTIONS = [
    ExtractSection(
        key="evaluation.invitations",
        title=_("Survey invitations"),
        collect=_invitations,
        order=60,
    ),
    ExtractSection(
        key="evaluation.answers",
        title=_("Survey answers"),
        collect=_answers,
        order=61,
    ),
]

ERASED_REASON = "The person's records were erased at their request."


def _erase(subject: DataSubject, actor) -> int:
    invitations = invitations_of(subject)
    still_open = invitations.filter(status__in=OPEN_STATUSES)
    stop_reminders_of(still_open)
    still_open.update(status=InvitationStatus.CANCELLED, cancelled_reason=ERASED_REASON)
    # The row stays: it keeps the programme event's invitation made, so the person is
    # never invited to that wave again.
    return invitations.update(participant=None, user=None, placement=None)


ERASURE = ErasureRule(
    key="evaluation.surveys",
    title=_("Survey invitations and answers"),
    removes=_(
        "The link between the person and their survey invitations; invitations still open "
        "are cancelled, so no reminder follows."
    ),
    keeps=_(
        "Answers already given, pseudonymised, for the study's analyses (art. 17.3 d GDPR), "
        "so every response rate and score stays the same."
    ),
    erase=_erase,
    order=60,
)


def register() -> None:
    for section in SECTIONS:
        register_extract_section(section)
    register_erasure_rule(ERASURE)
