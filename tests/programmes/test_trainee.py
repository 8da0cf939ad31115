"""The trainee's own page: schedule, own attendance and standing, own certificates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes import actions
from programmes.models import AttendanceStatus, CourseModule, CourseTemplate, TemplateDay

from .course_state import accepted_applicant, certified, default_cohort

pytestmark = [pytest.mark.django_db, pytest.mark.english]

MY_COURSE = reverse("programmes:my_course")
START = dt.date(2027, 9, 6)


@pytest.fixture
def trainee(coordinator, stockholm, peer_supporter):
    """The Stockholm peer supporter's programme record, accepted for the course."""
    return accepted_applicant(coordinator, stockholm, "Elias Peer", email=peer_supporter.email)


def test_a_person_without_a_programme_record_gets_a_friendly_page(supervisor, client_for):
    """No record yet: a page that says so, not an error."""
    response = client_for(supervisor).get(MY_COURSE)
    assert response.status_code == 200
    assert response.context["participant"] is None
    assert "courses" not in response.context


@pytest.mark.swedish
def test_the_trainee_sees_the_schedule_and_own_attendance_only(
    coordinator, stockholm, trainee, peer_supporter, client_for
):
    """Every course day with date, times, venue and modules; own attendance with the
    reason for an excused day; nothing of a classmate's."""
    cohort = default_cohort(coordinator, stockholm, START)
    enrolment = actions.enrol(actor=coordinator, cohort=cohort, participant=trainee)
    classmate = accepted_applicant(coordinator, stockholm, "Greta Grannsson")
    classmate_enrolment = actions.enrol(actor=coordinator, cohort=cohort, participant=classmate)
    sessions = list(cohort.sessions.order_by("date"))
    for session, status, reason in [
        (sessions[0], AttendanceStatus.PRESENT, ""),
        (sessions[1], AttendanceStatus.EXCUSED, "Läkarbesök"),
        (sessions[2], AttendanceStatus.ABSENT, ""),
    ]:
        actions.record_attendance(
            actor=coordinator, session=session, enrolment=enrolment, status=status, reason=reason
        )
    actions.record_attendance(
        actor=coordinator,
        session=sessions[0],
        enrolment=classmate_enrolment,
        status=AttendanceStatus.EXCUSED,
        reason="Tandläkartid",
    )

    response = client_for(peer_supporter).get(MY_COURSE)

    assert response.status_code == 200
    (course,) = response.context["courses"]
    assert course["cohort"] == cohort
    assert [day["session"] for day in course["days"]] == sessions
    statuses = [day["attendance"].status if day["attendance"] else None for day in course["days"]]
    assert statuses[:4] == ["present", "excused", "absent", None]
    assert (course["progress"].present, course["progress"].days_required) == (1, 12)
    page = response.content.decode()
    assert "Läkarbesök" in page
    assert "Folkets hus, Stockholm" in page
    assert "09:00–16:00" in page
    assert "Återhämtning" in page
    assert "6 september 2027" in page
    assert "måndag" in page
    assert "Greta Grannsson" not in page
    assert "Tandläkartid" not in page


def test_a_withdrawn_enrolment_is_not_shown(
    coordinator, stockholm, trainee, peer_supporter, client_for
):
    """A cohort the trainee was withdrawn from is no longer their course."""
    cohort = default_cohort(coordinator, stockholm, START)
    enrolment = actions.enrol(actor=coordinator, cohort=cohort, participant=trainee)
    actions.withdraw(actor=coordinator, enrolment=enrolment, reason="Flyttar")
    response = client_for(peer_supporter).get(MY_COURSE)
    assert response.context["courses"] == []


def test_the_trainee_downloads_own_current_certificate_only(
    coordinator, stockholm, trainee, peer_supporter, client_for
):
    """The page links the current certificate; a replaced one is not offered."""
    cohort = default_cohort(coordinator, stockholm, START)
    old = certified(coordinator, cohort, trainee)
    new = actions.reissue_certificate(actor=coordinator, certificate=old)

    response = client_for(peer_supporter).get(MY_COURSE)

    assert response.context["certificates"] == [new]
    page = response.content.decode()
    assert reverse("programmes:certificate_pdf", args=[new.pk]) in page
    assert reverse("programmes:certificate_pdf", args=[old.pk]) not in page
    assert response.context["courses"][0]["progress"].is_complete


def test_a_coordinator_who_is_no_trainee_sees_no_one_elses_record(
    coordinator, stockholm, trainee, client_for
):
    """Coordinating the region does not make the trainee's record the coordinator's own."""
    actions.enrol(
        actor=coordinator,
        cohort=default_cohort(coordinator, stockholm, START),
        participant=trainee,
    )
    response = client_for(coordinator).get(MY_COURSE)
    assert response.context["participant"] is None


def short_template(days: int) -> CourseTemplate:
    """A course template of ``days`` course days (templates are data, edited in admin)."""
    template = CourseTemplate.objects.create(name=f"Kort kurs {days}", min_attendance_percent=80)
    module = CourseModule.objects.create(template=template, name="Rollen", required=True)
    for number in range(1, days + 1):
        day = TemplateDay.objects.create(
            template=template, number=number, week=(number - 1) // 5, weekday=(number - 1) % 5
        )
        day.modules.add(module)
    return template


@pytest.mark.parametrize("days", [1, 15])
def test_my_course_query_count_does_not_grow_with_course_days(
    days, coordinator, stockholm, trainee, peer_supporter, client_for, django_assert_num_queries
):
    """The page costs the same queries for a 1-day and a 15-day course, attendance filled
    in and a certificate issued."""
    template = short_template(days) if days != 15 else CourseTemplate.objects.get(is_default=True)
    cohort = actions.create_cohort(
        actor=coordinator,
        region=stockholm,
        template=template,
        name="Mätkursen",
        venue="Ett rum",
        capacity=4,
        start_date=timezone.localdate() - dt.timedelta(days=60),
    )
    assert cohort.sessions.count() == days
    certified(coordinator, cohort, trainee)
    client = client_for(peer_supporter)
    client.get(MY_COURSE)
    # session, user, memberships, participant, enrolments, sessions, session modules,
    # template modules, attendances, certificates
    with django_assert_num_queries(10):
        response = client.get(MY_COURSE)
    assert len(response.context["courses"][0]["days"]) == days


def test_the_nav_and_home_page_link_my_course_for_peer_supporters(
    peer_supporter, supervisor, client_for
):
    """Peer supporters find "My course" in the menu; other roles do not get the item."""
    peer_home = client_for(peer_supporter).get(reverse("home"))
    assert MY_COURSE in [item["url"] for item in peer_home.context["nav_items"]]
    assert peer_home.content.decode().count(f'href="{MY_COURSE}"') == 2
    supervisor_home = client_for(supervisor).get(reverse("home"))
    assert MY_COURSE not in [item["url"] for item in supervisor_home.context["nav_items"]]


def test_a_peer_supporter_in_another_region_sees_only_their_own(
    coordinator, stockholm, trainee, other_peer_supporter, client_for
):
    """Skåne's peer supporter, without a record, never sees the Stockholm trainee's."""
    actions.enrol(
        actor=coordinator,
        cohort=default_cohort(coordinator, stockholm, START),
        participant=trainee,
    )
    response = client_for(other_peer_supporter).get(MY_COURSE)
    assert response.context["participant"] is None
    assert "Elias Peer" not in response.content.decode()
