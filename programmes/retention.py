"""Retention rules for programme records (registered in ``dataprotection.py``).

An ended path is thinned by anonymising the participant: the row stays, with its status
and dates, so the recruitment funnel and every course count are unchanged; the name,
contact details, account and free text go.
"""

from __future__ import annotations

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import User
from peersupport.dataprotection.registry import RetentionRule
from peersupport.retention.anonymise import (
    THINNED_EMAIL_DOMAIN,
    THINNED_NAME,
    THINNED_TEXT,
    close_account,
)

from .models import (
    Attendance,
    AttendanceStatus,
    Certificate,
    Participant,
    ParticipantStatus,
    StatusChange,
)

# Someone who reached any of these took the course: leaving after it is "people who left".
COURSE_STATUSES = (
    ParticipantStatus.TRAINEE,
    ParticipantStatus.CERTIFIED,
    ParticipantStatus.PLACED,
    ParticipantStatus.ALUMNI,
)


def _took_course() -> Q:
    return Q(
        Exists(
            StatusChange.objects.filter(participant=OuterRef("pk"), to_status__in=COURSE_STATUSES)
        )
    ) | Q(Exists(Certificate.objects.filter(participant=OuterRef("pk"))))


def _ended_before(cutoff, region_ids) -> QuerySet[Participant]:
    return Participant.objects.filter(region_id__in=region_ids, status_changed_at__lt=cutoff)


def left_before(cutoff, region_ids) -> QuerySet[Participant]:
    """People who took the course and left before ``cutoff``, thinned already or not: other
    apps' rules for a leaver's records follow this one."""
    return _ended_before(cutoff, region_ids).filter(_took_course(), status=ParticipantStatus.LEFT)


def _not_thinned(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    return participants.exclude(email__endswith=f"@{THINNED_EMAIL_DOMAIN}")


def applicants_due(cutoff, region_ids) -> QuerySet[Participant]:
    """Declined applicants, and those who withdrew before the course, not yet thinned."""
    return _not_thinned(
        _ended_before(cutoff, region_ids).filter(
            Q(status=ParticipantStatus.DECLINED)
            | (Q(status=ParticipantStatus.LEFT) & ~_took_course())
        )
    )


def leavers_due(cutoff, region_ids) -> QuerySet[Participant]:
    return _not_thinned(left_before(cutoff, region_ids))


def anonymise_participants(participants: QuerySet[Participant]) -> int:
    """Name "Gallrad", a placeholder e-mail address, no phone, no account; the reasons on
    their path and for course absences emptied; their account closed unless they hold
    another role. Returns how many participants were anonymised."""
    rows = list(participants.select_for_update().values_list("pk", "user_id"))
    ids = [pk for pk, _user_id in rows]
    StatusChange.objects.filter(participant_id__in=ids).exclude(reason="").update(reason="")
    attendance = Attendance.objects.filter(enrolment__participant_id__in=ids)
    # An excused absence must have a reason (a database constraint).
    attendance.filter(status=AttendanceStatus.EXCUSED).exclude(reason=THINNED_TEXT).update(
        reason=THINNED_TEXT
    )
    attendance.exclude(status=AttendanceStatus.EXCUSED).exclude(reason="").update(reason="")
    # Their names leave the supervision cadence grid's cache too (an update sends no signal;
    # replaced again when the transaction commits).
    from supervision.cadence_cache import cadence_changed

    cadence_changed()
    Participant.objects.filter(pk__in=ids).update(
        full_name=THINNED_NAME,
        email=Concat(
            Value("participant-"),
            Cast("pk", CharField()),
            Value(f"@{THINNED_EMAIL_DOMAIN}"),
            output_field=CharField(),
        ),
        phone="",
        motivation="",
        user=None,
    )
    for user in User.objects.filter(pk__in=[user_id for _pk, user_id in rows if user_id]):
        close_account(user)
    return len(ids)


APPLICANTS = RetentionRule(
    key="programmes.applicants",
    title=_("Declined or withdrawn applicants"),
    default_months=12,
    due=applicants_due,
    thin=anonymise_participants,
    action=_(
        "Anonymised: name, contact details, account and free text removed; status and dates "
        "kept for the counts."
    ),
)

LEAVERS = RetentionRule(
    key="programmes.leavers",
    title=_("People who left"),
    default_months=24,
    due=leavers_due,
    thin=anonymise_participants,
    action=_(
        "Anonymised: name, contact details, account and free text removed; status, course "
        "attendance and certificates kept for the counts."
    ),
)
