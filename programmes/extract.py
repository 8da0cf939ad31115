"""The programme's part of a register extract and of an erasure (registered in
``dataprotection.py``): the participant record, its status history, enrolments and
course attendance, certificates and event invitations."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.registry import (
    DataSubject,
    ErasureRule,
    ExtractSection,
    register_erasure_rule,
    register_extract_section,
)
from peersupport.extracts.items import field, item_from

from .models import Attendance, Certificate, Enrolment, EventInvitation, Participant, StatusChange
from .retention import anonymise_participants

PARTICIPANT = "programmes.participant"
USER = "accounts.user"


def _record(subject: DataSubject):
    participant = (
        Participant.objects.filter(pk=subject.pk_if(PARTICIPANT)).select_related("region").first()
    )
    if participant is None:
        return []
    names = ["full_name", "email", "phone", "language", "region", "lived_experience_declared"]
    names += ["status", "status_changed_at", "applied_on", "created_at"]
    return [item_from(participant, names, title=_("Programme record"))]


def _status_history(subject: DataSubject):
    changes = StatusChange.objects.filter(participant_id=subject.pk_if(PARTICIPANT))
    return [
        item_from(
            change,
            ["changed_at", "from_status", "to_status", "reason_category", "reason"],
            title=change.get_to_status_display(),
            extra=[field("changed_by", _("changed by"), change.changed_by or _("The system"))],
        )
        for change in changes.select_related("changed_by")
    ]


def _enrolments(subject: DataSubject):
    enrolments = Enrolment.objects.filter(participant_id=subject.pk_if(PARTICIPANT))
    return [
        item_from(enrolment, ["cohort", "status", "created_at"], title=enrolment.cohort.name)
        for enrolment in enrolments.select_related("cohort").order_by("created_at")
    ]


def _attendance(subject: DataSubject):
    rows = Attendance.objects.filter(enrolment__participant_id=subject.pk_if(PARTICIPANT))
    return [
        item_from(
            row,
            ["status", "reason"],
            title=f"{row.session.cohort.name}, {row.session.date:%Y-%m-%d}",
            extra=[field("date", _("date"), row.session.date)],
        )
        for row in rows.select_related("session__cohort").order_by("session__date")
    ]


def _certificates(subject: DataSubject):
    certificates = Certificate.objects.filter(participant_id=subject.pk_if(PARTICIPANT))
    return [
        item_from(
            certificate,
            ["cohort", "code", "issued_at", "days_attended", "days_total", "replaced_at"],
            title=certificate.code,
        )
        for certificate in certificates.select_related("cohort")
    ]


def _invitations(subject: DataSubject):
    # A participant's invitations, or those to an account (a unit manager's network meetings).
    invitations = EventInvitation.objects.filter(
        Q(participant_id=subject.pk_if(PARTICIPANT)) | Q(user_id=subject.pk_if(USER))
    )
    return [
        item_from(
            invitation,
            ["invited_at", "response", "responded_at", "attended"],
            title=invitation.event.title,
            extra=[
                field("event_kind", _("kind"), invitation.event.get_kind_display()),
                field("event_starts_at", _("starts"), invitation.event.starts_at),
            ],
        )
        for invitation in invitations.select_related("event").order_by("event__starts_at")
    ]


SECTIONS = [
    ExtractSection(key="programmes.record", title=_("Programme record"), collect=_record, order=10),
    ExtractSection(
        key="programmes.status_history",
        title=_("Status history"),
        collect=_status_history,
        order=20,
    ),
    ExtractSection(
        key="programmes.enrolments", title=_("Course cohorts"), collect=_enrolments, order=30
    ),
    ExtractSection(
        key="programmes.attendance",
        title=_("Course attendance"),
        collect=_attendance,
        order=31,
    ),
    ExtractSection(
        key="programmes.certificates",
        title=_("Certificates"),
        collect=_certificates,
        order=32,
    ),
    ExtractSection(
        key="programmes.events",
        title=_("Events"),
        collect=_invitations,
        order=33,
    ),
]


def _refusals(subject: DataSubject) -> list:
    certificates = Certificate.objects.filter(
        participant_id=subject.pk_if(PARTICIPANT), replaced_at__isnull=True
    )
    return [
        _(
            "Certificate %(code)s was issued to the person and must stay verifiable, so "
            "their programme record is kept."
        )
        % {"code": code}
        for code in certificates.values_list("code", flat=True)
    ]


def _erase(subject: DataSubject, actor) -> int:
    participants = Participant.objects.filter(pk=subject.pk_if(PARTICIPANT))
    participants.update(lived_experience_declared=False)
    return anonymise_participants(participants)


ERASURE = ErasureRule(
    key="programmes.participant",
    title=_("Programme record"),
    removes=_(
        "Name, e-mail address, phone, the self-declaration, the link to the account and the "
        "reasons given on the path and for course absences."
    ),
    keeps=_("Status, dates, enrolments and attendance, so every count stays the same."),
    erase=_erase,
    refusals=_refusals,
    order=10,
)


def register() -> None:
    for section in SECTIONS:
        register_extract_section(section)
    register_erasure_rule(ERASURE)
