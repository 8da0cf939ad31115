"""Retention rules for supervision records (registered in ``dataprotection.py``).

Attendance rows and ratings stay, so the cadence grid and every average are unchanged; a
leaver's reasons and comments are emptied, and supervisors' private notes are deleted.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.registry import RetentionRule
from programmes.retention import LEAVERS, left_before

from .models import SessionAttendance, SupervisorNote


def leaver_attendance_due(cutoff, region_ids) -> QuerySet[SessionAttendance]:
    return SessionAttendance.objects.filter(
        participant__in=left_before(cutoff, region_ids)
    ).exclude(Q(reason="") & Q(comment=""))


def private_notes_due(cutoff, region_ids) -> QuerySet[SupervisorNote]:
    return SupervisorNote.objects.filter(
        session__group__region_id__in=region_ids, session__starts_at__lt=cutoff
    )


def delete_notes(notes: QuerySet[SupervisorNote]) -> int:
    deleted, _per_model = notes.delete()
    return deleted


LEAVER_ATTENDANCE = RetentionRule(
    key="supervision.leaver_attendance",
    title=_("Supervision attendance of people who left: reasons and comments"),
    default_months=LEAVERS.default_months,
    due=leaver_attendance_due,
    thin=lambda attendances: attendances.update(reason="", comment=""),
    action=_("Reasons and comments emptied; attendance and ratings kept."),
    follows=LEAVERS.key,
)

PRIVATE_NOTES = RetentionRule(
    key="supervision.private_notes",
    title=_("Supervisors' private notes"),
    default_months=12,
    due=private_notes_due,
    thin=delete_notes,
    action=_("Deleted."),
)
