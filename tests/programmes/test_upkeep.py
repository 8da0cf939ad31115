"""Upkeep without the admin: correcting a participant, cancelling a planned cohort, a
region's own course templates, reissuing a certificate, and moving a course day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peersupport.audit.models import AuditAction, AuditEvent
from peersupport.notifications.actions import render_notification
from peersupport.notifications.models import Notification
from programmes import actions
from programmes.actions import REMINDER_TIME
from programmes.completion import Standing
from programmes.models import (
    AttendanceStatus,
    Certificate,
    CohortStatus,
    CourseSession,
    CourseTemplate,
    EnrolmentStatus,
    ParticipantStatus,
)
from programmes.notifications import COHORT_CANCELLED, COURSE_DAY_REMINDER
from tests.factories import person_with_role

from .course_state import accepted_applicant, certified, default_cohort, default_template

pytestmark = pytest.mark.django_db

START = dt.date(2027, 9, 6)


@pytest.fixture(autouse=True)
def _english_speaking_coordinator(coordinator):
    """The coordinator reads the pages in English, so messages are compared as written."""
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])


def audit_events(obj, action):
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action
    )


# Correcting a participant's details ---------------------------------------------------------


@pytest.fixture
def applicant(coordinator, stockholm):
    return accepted_applicant(coordinator, stockholm, "Eva Ansson")


def edit_url(participant):
    return reverse("programmes:participant_edit", args=[participant.pk])


def details(**changes):
    return {
        "full_name": "Eva Andersson",
        "email": "eva.andersson@example.org",
        "phone": "070-123 45 67",
        "language": "en",
        "applied_on": "2026-11-02",
        **changes,
    }


def test_a_coordinator_corrects_a_participants_details(coordinator, applicant, client_for):
    """Name, contact details, language and application date are saved; the audit log names
    the fields changed, never their values."""
    client = client_for(coordinator)
    page = client.get(edit_url(applicant))
    assert page.status_code == 200
    assert 'value="Eva Ansson"' in page.content.decode()

    response = client.post(edit_url(applicant), details())

    assert response.status_code == 302
    applicant.refresh_from_db()
    assert (applicant.full_name, applicant.email, applicant.phone) == (
        "Eva Andersson",
        "eva.andersson@example.org",
        "070-123 45 67",
    )
    assert (applicant.language, applicant.applied_on) == ("en", dt.date(2026, 11, 2))
    [event] = audit_events(applicant, AuditAction.UPDATE)
    assert event.detail == {"fields": ["applied_on", "email", "full_name", "language", "phone"]}
    assert "Andersson" not in str(event.detail)


def test_the_participant_page_links_to_the_correction(coordinator, applicant, client_for):
    page = client_for(coordinator).get(
        reverse("programmes:participant_detail", args=[applicant.pk])
    )
    assert edit_url(applicant) in page.content.decode()


@pytest.mark.english
def test_a_name_holding_a_phone_number_is_refused_and_the_typing_kept(
    coordinator, applicant, client_for
):
    """The privacy guard of registering applies: a phone number is no part of a name."""
    response = client_for(coordinator).post(
        edit_url(applicant), details(full_name="Eva Andersson 070-123 45 67")
    )
    assert response.status_code == 400
    assert "full_name" in response.context["form"].errors
    assert 'value="Eva Andersson 070-123 45 67"' in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.full_name == "Eva Ansson"


@pytest.mark.english
def test_another_participants_e_mail_address_is_refused(
    coordinator, stockholm, applicant, client_for
):
    accepted_applicant(coordinator, stockholm, "Olle Other", email="olle@example.org")
    response = client_for(coordinator).post(edit_url(applicant), details(email="OLLE@example.org"))
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == [
        "Another participant in Region Stockholm has this e-mail address."
    ]


def test_another_regions_coordinator_cannot_correct_the_participant(
    other_coordinator, applicant, client_for
):
    client = client_for(other_coordinator)
    assert client.get(edit_url(applicant)).status_code == 404
    assert client.post(edit_url(applicant), details()).status_code == 404
    applicant.refresh_from_db()
    assert applicant.full_name == "Eva Ansson"


# Cancelling a planned cohort -----------------------------------------------------------------


@pytest.fixture
def planned_cohort(coordinator, stockholm):
    cohort = default_cohort(coordinator, stockholm, START)
    cohort.capacity = 1
    cohort.save(update_fields=["capacity"])
    return cohort


def cancel_url(cohort):
    return reverse("programmes:cohort_cancel", args=[cohort.pk])


def test_cancelling_a_planned_cohort_withdraws_its_reminders_and_tells_its_trainees(
    coordinator, stockholm, planned_cohort, client_for
):
    """The enrolled trainee (with an account) and the waiting one (without) are told by
    e-mail; the queued course-day reminder goes; the trainee is accepted again, free to
    join another cohort; the cohort is kept, cancelled."""
    account = person_with_role("peer_supporter", stockholm, full_name="Tea Trainee")
    enrolled = actions.enrol(
        actor=coordinator,
        cohort=planned_cohort,
        participant=accepted_applicant(coordinator, stockholm, "Tea Trainee", email=account.email),
    )
    waiting = actions.enrol(
        actor=coordinator,
        cohort=planned_cohort,
        participant=accepted_applicant(coordinator, stockholm, "Will Waiting", language="en"),
    )
    assert waiting.status == EnrolmentStatus.WAITLISTED
    assert actions.schedule_course_day_reminders(day=START) == 1
    client = client_for(coordinator)
    page = client.get(cancel_url(planned_cohort))
    assert page.status_code == 200
    assert "2 trainees will be told." in page.content.decode()

    response = client.post(cancel_url(planned_cohort))

    assert response.status_code == 302
    planned_cohort.refresh_from_db()
    assert planned_cohort.status == CohortStatus.CANCELLED
    assert planned_cohort.cancelled_at is not None
    assert not Notification.objects.filter(kind=COURSE_DAY_REMINDER.key).exists()
    told = Notification.objects.filter(kind=COHORT_CANCELLED.key).order_by("subject_id")
    assert [(n.recipient, n.subject_id) for n in told] == [
        (account, enrolled.pk),
        (None, waiting.pk),
    ]
    subject_line, body = render_notification(told[1])
    assert subject_line == f"Cancelled: {planned_cohort.name}"
    assert "Will Waiting" in body and "waiting list" in body
    enrolled.participant.refresh_from_db()
    assert enrolled.participant.status == ParticipantStatus.ACCEPTED
    assert audit_events(planned_cohort, AuditAction.UPDATE).count() == 1
    # Its trainee can join another cohort on the same dates.
    other = default_cohort(coordinator, stockholm, START, name="Hösten 2027 B")
    actions.enrol(actor=coordinator, cohort=other, participant=enrolled.participant)


@pytest.mark.english
def test_a_cancelled_cohort_gets_no_reminders_and_stays_locked(coordinator, planned_cohort):
    cancelled = actions.cancel_cohort(actor=coordinator, cohort=planned_cohort)
    assert actions.schedule_course_day_reminders(day=START) == 0
    with pytest.raises(ValidationError, match="cancelled"):
        actions.update_cohort(actor=coordinator, cohort=cancelled, venue="Annanstans")


@pytest.mark.english
def test_a_running_cohort_cannot_be_cancelled(coordinator, stockholm, planned_cohort, client_for):
    """Once attendance is recorded the cohort has started: refused with the reason."""
    enrolment = actions.enrol(
        actor=coordinator,
        cohort=planned_cohort,
        participant=accepted_applicant(coordinator, stockholm, "Rut Running"),
    )
    actions.record_attendance(
        actor=coordinator,
        session=planned_cohort.sessions.first(),
        enrolment=enrolment,
        status=AttendanceStatus.PRESENT,
    )
    client = client_for(coordinator)
    assert "cannot be cancelled" in client.get(cancel_url(planned_cohort)).content.decode()

    response = client.post(cancel_url(planned_cohort))

    assert response.status_code == 400
    assert "has started" in response.context["error"]
    planned_cohort.refresh_from_db()
    assert planned_cohort.status == CohortStatus.RUNNING
    assert not Notification.objects.filter(kind=COHORT_CANCELLED.key).exists()


@pytest.mark.english
def test_a_closed_cohort_cannot_be_cancelled(coordinator, planned_cohort):
    actions.close_cohort(actor=coordinator, cohort=planned_cohort)
    with pytest.raises(ValidationError, match="closed"):
        actions.cancel_cohort(actor=coordinator, cohort=planned_cohort)


def test_another_regions_coordinator_cannot_cancel(other_coordinator, planned_cohort, client_for):
    assert client_for(other_coordinator).post(cancel_url(planned_cohort)).status_code == 404
    planned_cohort.refresh_from_db()
    assert planned_cohort.status == CohortStatus.PLANNED


# A region's own course templates -------------------------------------------------------------


@pytest.fixture
def national():
    return default_template()


@pytest.fixture
def own_template(coordinator, stockholm, national):
    return actions.copy_course_template(actor=coordinator, template=national, region=stockholm)


def test_a_coordinator_copies_the_national_template_into_their_region(
    coordinator, stockholm, national, client_for
):
    """The copy has the default's days, modules and rule, belongs to Stockholm, and the
    coordinator lands on its edit page."""
    response = client_for(coordinator).post(
        reverse("programmes:template_copy", args=[national.pk]), {"region": stockholm.pk}
    )

    copy = CourseTemplate.objects.get(region=stockholm)
    assert response.url == reverse("programmes:template_edit", args=[copy.pk])
    assert (copy.copied_from, copy.is_default) == (national, False)
    assert copy.min_attendance_percent == national.min_attendance_percent
    assert sorted(copy.modules.values_list("name", "required")) == sorted(
        national.modules.values_list("name", "required")
    )
    plan = list(copy.days.values_list("number", "week", "weekday"))
    assert plan == list(national.days.values_list("number", "week", "weekday"))
    day_six = copy.days.get(number=6)
    assert {m.template_id for m in day_six.modules.all()} == {copy.pk}
    assert [m.name for m in day_six.modules.all()] == [
        m.name for m in national.days.get(number=6).modules.all()
    ]
    assert audit_events(copy, AuditAction.CREATE).count() == 1


def test_only_the_regions_coordinators_see_and_edit_its_template(
    coordinator, other_coordinator, own_template, national, client_for
):
    """Skåne's coordinator gets 404 for Stockholm's template and may not copy into
    Stockholm; neither coordinator may change the national template (admins do)."""
    other = client_for(other_coordinator)
    edit = reverse("programmes:template_edit", args=[own_template.pk])
    assert other.get(edit).status_code == 404
    assert other.post(edit, {"name": "Kapad"}).status_code == 404
    with pytest.raises(ValidationError):
        actions.copy_course_template(
            actor=other_coordinator, template=national, region=own_template.region
        )

    national_edit = reverse("programmes:template_edit", args=[national.pk])
    page = client_for(coordinator).get(national_edit)
    assert page.status_code == 200
    assert page.context["can_edit"] is False
    assert reverse("programmes:template_copy", args=[national.pk]) in page.content.decode()
    assert client_for(coordinator).post(national_edit, {"name": "Kapad"}).status_code == 403
    with pytest.raises(ValidationError, match="admin"):
        actions.update_course_template(
            actor=coordinator,
            template=national,
            name="Kapad",
            min_attendance_percent=50,
            day_start=national.day_start,
            day_end=national.day_end,
        )
    national.refresh_from_db()
    assert national.name != "Kapad"


def test_a_cohort_cannot_use_another_regions_template(other_coordinator, skane, own_template):
    with pytest.raises(ValidationError) as error:
        actions.create_cohort(
            actor=other_coordinator,
            region=skane,
            template=own_template,
            name="Skåne hösten",
            venue="Malmö",
            capacity=12,
            start_date=START,
        )
    assert "template" in error.value.message_dict


def test_a_running_cohort_keeps_the_rule_it_started_with(coordinator, stockholm, own_template):
    """Stricter rules on the template (every day, one more required module) apply to the
    planned cohort at once but not to the one that has started."""
    running, planned = (
        actions.create_cohort(
            actor=coordinator,
            region=stockholm,
            template=own_template,
            name=name,
            venue="Folkets hus",
            capacity=16,
            start_date=start,
        )
        for name, start in (("Igång", START), ("Planerad", dt.date(2028, 2, 7)))
    )
    trainees = {}
    for cohort, name in ((running, "Rita Running"), (planned, "Petra Planned")):
        trainees[cohort.pk] = actions.enrol(
            actor=coordinator,
            cohort=cohort,
            participant=accepted_applicant(coordinator, stockholm, name),
        )
    enrolment = trainees[running.pk]
    first_day = running.sessions.get(day_number=1)
    actions.record_attendance(
        actor=coordinator,
        session=first_day,
        enrolment=enrolment,
        status=AttendanceStatus.ABSENT,
    )
    optional = own_template.modules.filter(required=False).first()
    actions.update_course_template(
        actor=coordinator,
        template=own_template,
        name=own_template.name,
        min_attendance_percent=100,
        day_start=own_template.day_start,
        day_end=own_template.day_end,
        modules=[
            actions.ModulePlan(
                module=module,
                name=module.name,
                required=module.required or module == optional,
            )
            for module in own_template.modules.all()
        ],
    )

    running.refresh_from_db()
    assert running.min_attendance_percent == 80
    _sessions, _enrolments, progress = actions.cohort_standings(running)
    assert progress[enrolment.pk].days_required == 12
    assert progress[enrolment.pk].standing == Standing.ON_TRACK
    assert optional.name not in progress[enrolment.pk].missing_required_modules

    planned.refresh_from_db()
    assert planned.min_attendance_percent == 100
    _sessions, _enrolments, progress = actions.cohort_standings(planned)
    assert progress[trainees[planned.pk].pk].days_required == 15
    assert optional.name in progress[trainees[planned.pk].pk].missing_required_modules


def test_the_template_list_costs_the_same_queries_however_many_templates(
    coordinator, stockholm, national, client_for, django_assert_num_queries
):
    """National and regional templates, each with its copy form: a fixed number of
    queries."""
    client = client_for(coordinator)
    url = reverse("programmes:template_list")
    client.get(url)
    with django_assert_num_queries(6) as one:
        client.get(url)
    for _ in range(3):
        actions.copy_course_template(actor=coordinator, template=national, region=stockholm)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["templates"]) == 4


# Reissuing a certificate from the person's page ----------------------------------------------


def test_a_certificate_is_reissued_from_the_participant_page(coordinator, stockholm, client_for):
    """The page offers a reissue button for the current certificate; reissuing gives a new
    code, replaces the old one and is written to the audit log."""
    old = certified(
        coordinator,
        default_cohort(coordinator, stockholm, START),
        accepted_applicant(coordinator, stockholm, "Cilla Certifierad"),
    )
    client = client_for(coordinator)
    detail = reverse("programmes:participant_detail", args=[old.participant_id])
    reissue = reverse("programmes:certificate_reissue", args=[old.pk])
    assert reissue in client.get(detail).content.decode()

    response = client.post(reissue)

    assert response.url == detail
    old.refresh_from_db()
    new = Certificate.objects.get(participant=old.participant, replaced_at__isnull=True)
    assert old.replaced_at is not None and new.code != old.code
    [event] = audit_events(new, AuditAction.CREATE)
    assert event.detail == {"reissued": True, "replaces": old.pk}
    page = client.get(detail).content.decode()
    assert reissue not in page
    assert reverse("programmes:certificate_reissue", args=[new.pk]) in page


# Moving a course day moves its reminder -----------------------------------------------------


def reminders_of(session):
    return Notification.objects.filter(
        kind=COURSE_DAY_REMINDER.key,
        subject_type=ContentType.objects.get_for_model(CourseSession),
        subject_id=session.pk,
    )


@pytest.fixture
def trainee_with_account(coordinator, stockholm, planned_cohort):
    account = person_with_role("peer_supporter", stockholm, full_name="Mona Moved")
    actions.enrol(
        actor=coordinator,
        cohort=planned_cohort,
        participant=accepted_applicant(coordinator, stockholm, "Mona Moved", email=account.email),
    )
    return account


def test_moving_a_course_day_moves_its_queued_reminder(
    coordinator, planned_cohort, trainee_with_account, client_for
):
    """The queued reminder follows the day: the new date, due the morning before it."""
    session = planned_cohort.sessions.get(day_number=2)
    assert actions.schedule_course_day_reminders(day=session.date) == 1
    new_date = planned_cohort.end_date + dt.timedelta(days=3)

    response = client_for(coordinator).post(
        reverse("programmes:session_edit", args=[session.pk]),
        {"date": new_date.isoformat(), "start_time": "10:00", "end_time": "15:00"},
    )

    assert response.status_code == 302
    [reminder] = reminders_of(session)
    assert reminder.recipient == trainee_with_account
    assert reminder.occurrence == new_date.isoformat()
    assert timezone.localtime(reminder.due_at) == timezone.make_aware(
        dt.datetime.combine(new_date - dt.timedelta(days=1), REMINDER_TIME)
    )


def test_a_day_moved_to_tomorrow_is_reminded_of_at_once(
    coordinator, planned_cohort, trainee_with_account
):
    """The hourly scheduling has already passed tomorrow's days: the moved day is queued
    now. A day without a queued reminder that moves further ahead waits for the schedule."""
    later = planned_cohort.sessions.get(day_number=3)
    actions.update_session(
        actor=coordinator,
        session=later,
        date=planned_cohort.end_date + dt.timedelta(days=7),
        start_time=later.start_time,
        end_time=later.end_time,
    )
    assert not reminders_of(later).exists()

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    session = planned_cohort.sessions.get(day_number=1)
    actions.update_session(
        actor=coordinator,
        session=session,
        date=tomorrow,
        start_time=session.start_time,
        end_time=session.end_time,
    )
    [reminder] = reminders_of(session)
    assert reminder.occurrence == tomorrow.isoformat()
    assert reminder.due_at <= timezone.now() + dt.timedelta(days=1)
