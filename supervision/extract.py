"""Supervision in a register extract and an erasure (registered in ``dataprotection.py``).

A peer supporter gets their groups and their own attendance, ratings and comments. A
supervisor gets the groups they lead and, in the extract they ask for themselves, their
private notes: a note is written by the supervisor about a session, it is theirs, and only
its author ever reads it, so it never appears in an extract a coordinator produces (nor in
a peer supporter's: it is not filed about them).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.registry import (
    DataSubject,
    ErasureRule,
    ExtractSection,
    register_erasure_rule,
    register_extract_section,
)
from peersupport.extracts.items import field, item_from

from .models import SessionAttendance, SupervisionGroup, Supervisor, SupervisorNote

PARTICIPANT = "programmes.participant"


def _memberships(subject: DataSubject):
    groups = SupervisionGroup.objects.filter(members=subject.pk_if(PARTICIPANT))
    return [
        item_from(group, ["name", "kind", "supervisor", "active"], title=group.name)
        for group in groups.select_related("supervisor__user")
    ]


def _attendance(subject: DataSubject):
    rows = SessionAttendance.objects.filter(participant_id=subject.pk_if(PARTICIPANT))
    return [
        item_from(
            row,
            ["status", "reason", "confirmed_at", "rating", "comment"],
            title=str(row.session),
            extra=[field("starts_at", _("starts"), row.session.starts_at)],
        )
        for row in rows.select_related("session__group").order_by("session__starts_at")
    ]


def _supervising(subject: DataSubject):
    if subject.user_id is None:
        return []
    items = [
        item_from(profile, ["region", "experience_based", "created_at"], title=_("Supervisor"))
        for profile in Supervisor.objects.filter(user_id=subject.user_id).select_related("region")
    ]
    groups = SupervisionGroup.objects.filter(supervisor__user_id=subject.user_id)
    items += [
        item_from(group, ["name", "kind", "region", "active"], title=group.name)
        for group in groups.select_related("region")
    ]
    return items


def _notes(subject: DataSubject):
    if subject.user_id is None:
        return []
    notes = SupervisorNote.objects.filter(author_id=subject.user_id)
    return [
        item_from(note, ["text", "created_at", "updated_at"], title=str(note.session))
        for note in notes.select_related("session__group").order_by("session__starts_at")
    ]


SECTIONS = [
    ExtractSection(
        key="supervision.groups",
        title=_("Supervision groups"),
        collect=_memberships,
        order=50,
    ),
    ExtractSection(
        key="supervision.attendance",
        title=_("Supervision attendance, ratings and comments"),
        collect=_attendance,
        order=51,
    ),
    ExtractSection(
        key="supervision.supervising",
        title=_("Supervision given"),
        collect=_supervising,
        order=52,
    ),
    ExtractSection(
        key="supervision.notes",
        title=_("Private notes"),
        collect=_notes,
        order=53,
        own_only=True,
    ),
]


def _refusals(subject: DataSubject) -> list:
    if subject.user_id is None:
        return []
    groups = SupervisionGroup.objects.active().filter(supervisor__user_id=subject.user_id)
    return [
        _("Leads the active supervision group %(group)s: give it another supervisor first.")
        % {"group": name}
        for name in groups.values_list("name", flat=True)
    ]


def _erase(subject: DataSubject, actor) -> int:
    changed = (
        SessionAttendance.objects.filter(participant_id=subject.pk_if(PARTICIPANT))
        .exclude(reason="", comment="")
        .update(reason="", comment="")
    )
    if subject.user_id is not None:
        deleted, _per_model = SupervisorNote.objects.filter(author_id=subject.user_id).delete()
        changed += deleted
    return changed


ERASURE = ErasureRule(
    key="supervision.supervision",
    title=_("Supervision"),
    removes=_("Reasons for absence, comments on sessions and the person's private notes."),
    keeps=_("Attendance and ratings, so the cadence and every average stay the same."),
    erase=_erase,
    refusals=_refusals,
    order=30,
)


def register() -> None:
    for section in SECTIONS:
        register_extract_section(section)
    register_erasure_rule(ERASURE)
