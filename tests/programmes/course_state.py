"""Programme state for tests, built through programmes.actions as a coordinator would."""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps

from programmes import actions
from programmes.models import (
    AttendanceStatus,
    Certificate,
    Cohort,
    CourseTemplate,
    Enrolment,
    Participant,
    ParticipantStatus,
)


def accepted_applicant(
    coordinator, region, full_name: str, *, email: str | None = None, language: str = "sv"
) -> Participant:
    """An applicant moved to accepted. Linked to an existing account with the same e-mail."""
    participant = actions.register_applicant(
        actor=coordinator,
        region=region,
        full_name=full_name,
        email=email or f"{full_name.replace(' ', '.').lower()}@example.org",
        language=language,
        lived_experience_declared=True,
        consent_method="paper",
    )
    for status in (ParticipantStatus.INTERVIEWED, ParticipantStatus.ACCEPTED):
        actions.change_status(actor=coordinator, participant=participant, to_status=status)
    return participant


def default_template() -> CourseTemplate:
    """NSPH's default template, which a migration creates.

    A transactional test (a live server, a Celery worker) ends with a flush that also
    removes migration data, so a later transactional test re-creates it the migration's way.
    """
    template = CourseTemplate.objects.filter(is_default=True).first()
    if template is None:
        migration = importlib.import_module("programmes.migrations.0002_default_course_template")
        migration.create_default_template(apps, None)
        template = CourseTemplate.objects.get(is_default=True)
    return template


def default_cohort(coordinator, region, start: dt.date, *, name: str = "Hösten 2027") -> Cohort:
    return actions.create_cohort(
        actor=coordinator,
        region=region,
        template=default_template(),
        name=name,
        venue="Folkets hus, Stockholm",
        capacity=16,
        start_date=start,
    )


def fill_attendance(coordinator, enrolment: Enrolment, absent_days: dict[int, str] = None):
    """Present on every course day except ``absent_days`` ({day number: reason}); an empty
    reason records an absence, a reason an excused absence."""
    absent_days = absent_days or {}
    for session in enrolment.cohort.sessions.all():
        reason = absent_days.get(session.day_number)
        if session.day_number not in absent_days:
            status = AttendanceStatus.PRESENT
        else:
            status = AttendanceStatus.EXCUSED if reason else AttendanceStatus.ABSENT
        actions.record_attendance(
            actor=coordinator,
            session=session,
            enrolment=enrolment,
            status=status,
            reason=reason or "",
        )


def certified(
    coordinator, cohort: Cohort, participant: Participant, absent_days: dict[int, str] = None
) -> Certificate:
    """Enrol, attend (all days but ``absent_days``) and certify; returns the certificate."""
    enrolment = actions.enrol(actor=coordinator, cohort=cohort, participant=participant)
    fill_attendance(coordinator, enrolment, absent_days)
    (certificate,) = actions.certify(actor=coordinator, cohort=cohort, enrolments=[enrolment])
    return certificate
