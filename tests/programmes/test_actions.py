import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from peersupport.notifications.models import Notification
from programmes import actions
from programmes.models import (
    AttendanceStatus,
    CohortStatus,
    CourseTemplate,
    EnrolmentStatus,
    LeavingReason,
    ParticipantStatus,
)

pytestmark = [pytest.mark.django_db, pytest.mark.english]

START = dt.date(2027, 9, 6)


def accepted(coordinator, region, name):
    participant = actions.register_applicant(
        actor=coordinator,
        region=region,
        full_name=name,
        email=f"{name.split()[0].lower()}@example.org",
        lived_experience_declared=True,
        consent_method="paper",
    )
    for status in (ParticipantStatus.INTERVIEWED, ParticipantStatus.ACCEPTED):
        actions.change_status(actor=coordinator, participant=participant, to_status=status)
    return participant


def cohort(coordinator, region, start=START, capacity=16, name="Höst 2027"):
    return actions.create_cohort(
        actor=coordinator,
        region=region,
        template=CourseTemplate.objects.get(is_default=True),
        name=name,
        venue="NSPH, Stockholm",
        capacity=capacity,
        start_date=start,
    )


def test_path_records_who_when_and_requires_a_reason_to_end(coordinator, stockholm):
    """Every step is dated and signed; declining without a reason is refused."""
    person = actions.register_applicant(
        actor=coordinator,
        region=stockholm,
        full_name="Alva Ek",
        email="alva@example.org",
        lived_experience_declared=True,
        consent_method="paper",
    )
    with pytest.raises(ValidationError) as error:
        actions.change_status(
            actor=coordinator, participant=person, to_status=ParticipantStatus.DECLINED
        )
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        actions.change_status(
            actor=coordinator,
            participant=person,
            to_status=ParticipantStatus.DECLINED,
            reason="Valde annat arbete",
        )
    assert "reason_category" in error.value.message_dict
    actions.change_status(
        actor=coordinator,
        participant=person,
        to_status=ParticipantStatus.DECLINED,
        reason="Valde annat arbete",
        reason_category=LeavingReason.WORK_OR_STUDIES,
    )
    changes = list(
        person.status_changes.values_list("to_status", "changed_by", "reason", "reason_category")
    )
    assert changes == [
        ("applicant", coordinator.pk, "", None),
        ("declined", coordinator.pk, "Valde annat arbete", "work_or_studies"),
    ]


def test_a_step_that_does_not_end_the_path_keeps_no_reason_category(coordinator, stockholm):
    """Only an ending step carries a kind of reason; one given to another step is dropped."""
    person = accepted(coordinator, stockholm, "Eli Sten")
    actions.change_status(
        actor=coordinator,
        participant=person,
        to_status=ParticipantStatus.TRAINEE,
        reason_category=LeavingReason.OTHER,
    )
    assert person.status_changes.last().reason_category is None


def test_an_applicant_cannot_jump_to_certified(coordinator, stockholm):
    person = accepted(coordinator, stockholm, "Bo Lind")
    with pytest.raises(ValidationError):
        actions.change_status(
            actor=coordinator, participant=person, to_status=ParticipantStatus.CERTIFIED
        )


def test_lived_experience_must_be_self_declared(coordinator, stockholm):
    with pytest.raises(ValidationError) as error:
        actions.register_applicant(
            actor=coordinator,
            region=stockholm,
            full_name="Cy Ros",
            email="cy@example.org",
            lived_experience_declared=False,
        )
    assert "lived_experience_declared" in error.value.message_dict


def test_another_regions_coordinator_cannot_act(coordinator, other_coordinator, stockholm):
    person = accepted(coordinator, stockholm, "Di Sand")
    with pytest.raises(ValidationError):
        actions.change_status(
            actor=other_coordinator,
            participant=person,
            to_status=ParticipantStatus.LEFT,
            reason="x",
            reason_category=LeavingReason.OTHER,
        )


def test_enrolment_beyond_capacity_goes_to_the_waiting_list_and_moves_up(coordinator, stockholm):
    """Past capacity a person waits; a withdrawal gives the first in line the place."""
    course = cohort(coordinator, stockholm, capacity=1)
    first = actions.enrol(
        actor=coordinator, cohort=course, participant=accepted(coordinator, stockholm, "Ea Berg")
    )
    second = actions.enrol(
        actor=coordinator, cohort=course, participant=accepted(coordinator, stockholm, "Fi Dahl")
    )
    assert (first.status, second.status) == (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED)
    assert first.participant.status == ParticipantStatus.TRAINEE
    moved_up = actions.withdraw(actor=coordinator, enrolment=first, reason="Flyttade")
    assert moved_up == second
    second.refresh_from_db()
    assert second.status == EnrolmentStatus.ENROLLED
    first.participant.refresh_from_db()
    assert first.participant.status == ParticipantStatus.ACCEPTED


def test_nobody_is_in_two_overlapping_cohorts(coordinator, stockholm):
    person = accepted(coordinator, stockholm, "Gun Holm")
    actions.enrol(actor=coordinator, cohort=cohort(coordinator, stockholm), participant=person)
    overlapping = cohort(coordinator, stockholm, start=START + dt.timedelta(weeks=2), name="B")
    with pytest.raises(ValidationError) as error:
        actions.enrol(actor=coordinator, cohort=overlapping, participant=person)
    assert "Höst 2027" in str(error.value)
    later = cohort(coordinator, stockholm, start=START + dt.timedelta(weeks=8), name="C")
    assert actions.enrol(actor=coordinator, cohort=later, participant=person)


def test_only_accepted_applicants_are_enrolled(coordinator, stockholm):
    person = actions.register_applicant(
        actor=coordinator,
        region=stockholm,
        full_name="Ho Ek",
        email="ho@example.org",
        lived_experience_declared=True,
        consent_method="paper",
    )
    with pytest.raises(ValidationError):
        actions.enrol(actor=coordinator, cohort=cohort(coordinator, stockholm), participant=person)


def _fill(coordinator, course, enrolment, absent_days=0):
    sessions = list(course.sessions.order_by("date"))
    for index, session in enumerate(sessions):
        status = AttendanceStatus.ABSENT if index < absent_days else AttendanceStatus.PRESENT
        actions.record_attendance(
            actor=coordinator, session=session, enrolment=enrolment, status=status
        )


def test_standing_certify_and_at_risk_notice(coordinator, stockholm):
    """Four absences of fifteen is below 80 %: at risk, coordinators told once, not certifiable."""
    course = cohort(coordinator, stockholm)
    good = actions.enrol(
        actor=coordinator, cohort=course, participant=accepted(coordinator, stockholm, "Ida Ros")
    )
    poor = actions.enrol(
        actor=coordinator, cohort=course, participant=accepted(coordinator, stockholm, "Jon Ek")
    )
    _fill(coordinator, course, good)
    _fill(coordinator, course, poor, absent_days=4)
    _sessions, _enrolled, progress = actions.cohort_standings(course)
    assert progress[good.pk].standing == "complete"
    assert progress[good.pk].present == 15
    assert progress[poor.pk].standing == "at_risk"
    notices = Notification.objects.filter(kind="trainee_at_risk")
    assert list(notices.values_list("recipient", flat=True)) == [coordinator.pk]

    with pytest.raises(ValidationError) as error:
        actions.certify(actor=coordinator, cohort=course, enrolments=[good, poor])
    assert "Jon Ek" in str(error.value)
    [certificate] = actions.certify(actor=coordinator, cohort=course, enrolments=[good])
    assert (certificate.days_attended, certificate.days_total) == (15, 15)
    good.participant.refresh_from_db()
    assert good.participant.status == ParticipantStatus.CERTIFIED


def test_excused_absence_needs_a_reason_and_closed_cohort_is_locked(coordinator, stockholm):
    course = cohort(coordinator, stockholm)
    enrolment = actions.enrol(
        actor=coordinator, cohort=course, participant=accepted(coordinator, stockholm, "Kim Lo")
    )
    session = course.sessions.first()
    with pytest.raises(ValidationError):
        actions.record_attendance(
            actor=coordinator, session=session, enrolment=enrolment, status=AttendanceStatus.EXCUSED
        )
    actions.record_attendance(
        actor=coordinator,
        session=session,
        enrolment=enrolment,
        status=AttendanceStatus.EXCUSED,
        reason="Sjuk",
    )
    course.refresh_from_db()
    assert course.status == CohortStatus.RUNNING
    actions.close_cohort(actor=coordinator, cohort=course)
    with pytest.raises(ValidationError) as error:
        actions.record_attendance(
            actor=coordinator, session=session, enrolment=enrolment, status=AttendanceStatus.PRESENT
        )
    assert "closed" in str(error.value)


def test_reissue_keeps_history(coordinator, stockholm):
    course = cohort(coordinator, stockholm)
    enrolment = actions.enrol(
        actor=coordinator, cohort=course, participant=accepted(coordinator, stockholm, "Lo Strand")
    )
    _fill(coordinator, course, enrolment)
    [old] = actions.certify(actor=coordinator, cohort=course, enrolments=[enrolment])
    new = actions.reissue_certificate(actor=coordinator, certificate=old)
    old.refresh_from_db()
    assert not old.is_valid and new.is_valid and new.code != old.code
    assert enrolment.participant.certificates.count() == 2


def test_regenerating_the_schedule_is_refused_once_attendance_exists(coordinator, stockholm):
    course = cohort(coordinator, stockholm)
    enrolment = actions.enrol(
        actor=coordinator, cohort=course, participant=accepted(coordinator, stockholm, "Mo Vik")
    )
    actions.record_attendance(
        actor=coordinator,
        session=course.sessions.first(),
        enrolment=enrolment,
        status=AttendanceStatus.PRESENT,
    )
    with pytest.raises(ValidationError):
        actions.generate_schedule(actor=coordinator, cohort=course)
