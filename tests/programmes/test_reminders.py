"""Reminders through the outbox: the day before each course day, and when a trainee
falls at risk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.notifications.actions import render_notification
from peersupport.notifications.models import Notification
from peersupport.notifications.tasks import dispatch_notifications
from programmes import actions
from programmes.actions import REMINDER_TIME
from programmes.models import AttendanceStatus
from programmes.notifications import COURSE_DAY_REMINDER, TRAINEE_AT_RISK
from programmes.tasks import schedule_course_day_reminders_task
from tests.celery_worker import celery_worker_process  # noqa: F401
from tests.factories import person_with_role

from .course_state import accepted_applicant, default_cohort

START = dt.date(2027, 9, 6)


def trainee_with_account(coordinator, region, full_name):
    user = person_with_role(Role.PEER_SUPPORTER, region, full_name=full_name)
    return accepted_applicant(coordinator, region, full_name, email=user.email)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_one_reminder_per_trainee_for_tomorrows_course_day(
    celery_worker_process,  # noqa: F811
    coordinator,
    stockholm,
):
    """Scheduling twice and dispatching through a real worker: each enrolled trainee with
    an account gets exactly one e-mail about tomorrow's day, none about the day after;
    no one without an account or withdrawn gets one."""
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    cohort = default_cohort(coordinator, stockholm, today + dt.timedelta(days=30))
    first, second = cohort.sessions.order_by("day_number")[:2]
    actions.update_session(
        actor=coordinator,
        session=first,
        date=tomorrow,
        start_time=first.start_time,
        end_time=first.end_time,
    )
    actions.update_session(
        actor=coordinator,
        session=second,
        date=tomorrow + dt.timedelta(days=1),
        start_time=second.start_time,
        end_time=second.end_time,
    )
    trainees = [
        trainee_with_account(coordinator, stockholm, name)
        for name in ("Alva Andersson", "Bo Björk", "Cecilia Carlsson")
    ]
    without_account = accepted_applicant(coordinator, stockholm, "Dan Utankonto")
    leaving = trainee_with_account(coordinator, stockholm, "Eva Slutat")
    for participant in [*trainees, without_account, leaving]:
        actions.enrol(actor=coordinator, cohort=cohort, participant=participant)
    actions.withdraw(
        actor=coordinator,
        enrolment=leaving.enrolments.get(cohort=cohort),
        reason="Har fått ett arbete",
    )
    scheduled_from = timezone.now()

    for _ in range(2):
        celery_worker_process.wait_for_task(
            celery_worker_process.send(schedule_course_day_reminders_task)
        )

    reminders = Notification.objects.filter(kind=COURSE_DAY_REMINDER.key)
    assert sorted(reminders.values_list("recipient_id", flat=True)) == sorted(
        t.user_id for t in trainees
    )
    assert {n.subject for n in reminders} == {first}
    morning_before = timezone.make_aware(dt.datetime.combine(today, REMINDER_TIME))
    for reminder in reminders:
        assert reminder.due_at == morning_before or (
            morning_before < reminder.due_at and scheduled_from <= reminder.due_at
        )
    # Due from nine in the morning: before nine, bring them forward rather than wait.
    reminders.filter(due_at__gt=timezone.now()).update(due_at=timezone.now())

    for _ in range(2):
        celery_worker_process.wait_for_task(celery_worker_process.send(dispatch_notifications))

    mail = celery_worker_process.sent_mail()
    assert sorted(message["To"] for message in mail) == sorted(t.email for t in trainees)
    for message in mail:
        body = message.get_payload(decode=True).decode()
        assert cohort.name in body
        assert "09:00" in body
    assert not reminders.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_scheduling_skips_closed_cohorts_and_other_days(coordinator, stockholm):
    """Only tomorrow's days of open cohorts are reminded of, and only once."""
    trainee = trainee_with_account(coordinator, stockholm, "Fia Framtid")
    cohort = default_cohort(coordinator, stockholm, START)
    actions.enrol(actor=coordinator, cohort=cohort, participant=trainee)
    day_before_first = START - dt.timedelta(days=1)

    assert actions.schedule_course_day_reminders(day=START + dt.timedelta(days=5)) == 0
    assert actions.schedule_course_day_reminders(day=START) == 1
    assert actions.schedule_course_day_reminders(day=START) == 0
    (reminder,) = Notification.objects.filter(kind=COURSE_DAY_REMINDER.key)
    assert timezone.localtime(reminder.due_at).date() in {day_before_first, timezone.localdate()}

    actions.close_cohort(actor=coordinator, cohort=cohort)
    assert actions.schedule_course_day_reminders(day=START + dt.timedelta(days=1)) == 0


# The coordinator is told when a trainee falls at risk -----------------------------------

# Days whose modules are all optional, so only the number of absences decides.
OPTIONAL_MODULE_DAYS = [1, 8, 9, 11]


@pytest.fixture
def enrolment(coordinator, stockholm):
    cohort = default_cohort(coordinator, stockholm, START)
    return actions.enrol(
        actor=coordinator,
        cohort=cohort,
        participant=accepted_applicant(coordinator, stockholm, "Gustav Gles"),
    )


def absent(coordinator, enrolment, day_number, reason=""):
    actions.record_attendance(
        actor=coordinator,
        session=enrolment.cohort.sessions.get(day_number=day_number),
        enrolment=enrolment,
        status=AttendanceStatus.EXCUSED if reason else AttendanceStatus.ABSENT,
        reason=reason,
    )


@pytest.mark.django_db
def test_the_regions_coordinators_are_told_once_when_absences_pass_the_threshold(
    coordinator, other_coordinator, stockholm, enrolment
):
    """Three absences of fifteen are allowed at 80 %; the fourth puts the trainee at risk
    and tells every Stockholm coordinator once; a fifth tells no one again."""
    second_coordinator = person_with_role(Role.COORDINATOR, stockholm)
    at_risk = Notification.objects.filter(kind=TRAINEE_AT_RISK.key)

    absent(coordinator, enrolment, 1)
    absent(coordinator, enrolment, 8, reason="Sjuk")
    absent(coordinator, enrolment, 9)
    assert not at_risk.exists()

    absent(coordinator, enrolment, 11)
    assert sorted(at_risk.values_list("recipient_id", flat=True)) == sorted(
        [coordinator.pk, second_coordinator.pk]
    )
    assert {n.subject for n in at_risk} == {enrolment}
    enrolment.refresh_from_db()
    assert enrolment.at_risk_notified_at is not None

    absent(coordinator, enrolment, 7)
    absent(coordinator, enrolment, 6, reason="Vård av barn")
    assert at_risk.count() == 2


@pytest.mark.django_db
def test_the_at_risk_notice_names_the_trainee_and_the_cohort(coordinator, enrolment):
    for day in OPTIONAL_MODULE_DAYS:
        absent(coordinator, enrolment, day)
    notice = Notification.objects.get(kind=TRAINEE_AT_RISK.key)
    subject_line, body = render_notification(notice)
    assert "Gustav Gles" in subject_line
    assert enrolment.cohort.name in subject_line
    assert f"/cohorts/{enrolment.cohort_id}/" in body


@pytest.mark.django_db
def test_marking_absences_present_again_before_the_threshold_tells_no_one(coordinator, enrolment):
    """Corrected entries that never pass the threshold send nothing."""
    for day in OPTIONAL_MODULE_DAYS[:3]:
        absent(coordinator, enrolment, day)
    actions.record_attendance(
        actor=coordinator,
        session=enrolment.cohort.sessions.get(day_number=1),
        enrolment=enrolment,
        status=AttendanceStatus.PRESENT,
    )
    absent(coordinator, enrolment, OPTIONAL_MODULE_DAYS[3])
    assert not Notification.objects.filter(kind=TRAINEE_AT_RISK.key).exists()
