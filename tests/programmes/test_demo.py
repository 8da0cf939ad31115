"""seed_demo's programme data: current-looking, complete, and never duplicated."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts import demo as accounts_demo
from peersupport.accounts.models import User
from peersupport.notifications.models import Notification
from programmes import actions, demo
from programmes.models import (
    Attendance,
    Certificate,
    Cohort,
    CohortStatus,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Event,
    EventInvitation,
    EventResponse,
    Participant,
    ParticipantStatus,
    StatusChange,
)
from programmes.notifications import EVENT_CANCELLED, TRAINEE_AT_RISK

pytestmark = pytest.mark.django_db

COUNTED = [
    User,
    Participant,
    StatusChange,
    Cohort,
    CourseSession,
    Enrolment,
    Attendance,
    Certificate,
    Event,
    EventInvitation,
    Notification,
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_seed_demo_twice_adds_nothing_the_second_time(client_for):
    """The second run finds everything in place and creates no row of any kind; the demo
    peer supporters still see their one running course."""
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    assert first["Cohort"] == 5
    assert first["Certificate"] == 14
    for code in ("stockholm", "skane"):
        assert_peer_sees_the_running_course(code, client_for)
        assert_cancelled_event_and_answered_network_meeting(code)


def assert_cancelled_event_and_answered_network_meeting(code):
    """A cancelled continuing-education day whose invitees were told, and a network meeting
    to which the unit manager is invited and has answered that they are coming."""
    cancelled = Event.objects.get(region__code=code, title=demo.CANCELLED_EVENT_TITLE)
    assert cancelled.is_cancelled and cancelled.invitations.exists()
    assert Notification.objects.filter(
        kind=EVENT_CANCELLED.key, subject_id__in=cancelled.invitations.values("pk")
    ).exists()
    meeting = Event.objects.get(region__code=code, title=demo.NETWORK_MEETING_TITLE)
    (invitation,) = meeting.invitations.all()
    assert invitation.user.email == f"enhetschef.{code}@example.org"
    assert invitation.response == EventResponse.COMING


def assert_peer_sees_the_running_course(code, client_for):
    """Logging in as the demo peer supporter shows "My course" with the running cohort."""
    peer = User.objects.get(email=f"peer.{code}@example.org")
    assert peer.participant.status == ParticipantStatus.TRAINEE
    response = client_for(peer).get(reverse("programmes:my_course"))
    assert response.status_code == 200
    (course,) = response.context["courses"]
    assert course["cohort"].name == demo.RUNNING_COHORT_NAME
    assert course["progress"].standing == "on_track"
    assert reverse("programmes:my_course") in [
        item["url"] for item in response.context["nav_items"]
    ]


def seed_as_of(today: dt.date) -> None:
    accounts_demo.seed()
    demo.seed(today=today)


# A Sunday (the most course days behind), and a day whose course weeks meet Christmas and
# New Year (the most days moved by holidays).
@pytest.mark.parametrize("today", [dt.date(2027, 9, 19), dt.date(2027, 1, 8)])
def test_each_region_gets_a_closed_and_a_running_cohort(today):
    """Closed: ended months ago, 7 certified alumni (one with an English certificate) and
    one who left. Running: past days recorded for all 8 trainees, the rest to come,
    exactly one trainee at risk and the coordinator told."""
    seed_as_of(today)
    for code in ("stockholm", "skane"):
        closed = Cohort.objects.get(region__code=code, name=demo.CLOSED_COHORT_NAME)
        running = Cohort.objects.get(region__code=code, name=demo.RUNNING_COHORT_NAME)

        assert closed.status == CohortStatus.CLOSED
        assert today - dt.timedelta(days=150) < closed.end_date < today - dt.timedelta(days=60)
        certificates = Certificate.objects.filter(cohort=closed, replaced_at=None)
        assert certificates.count() == 7
        assert all(c.days_attended >= 12 and c.issued_at.date() < today for c in certificates)
        assert certificates.filter(participant__language="en").count() == 1
        closed_attendance = Attendance.objects.filter(session__cohort=closed)
        assert closed_attendance.filter(status="absent").exists()
        assert not closed_attendance.filter(status="excused", reason="").exists()
        assert closed_attendance.filter(status="excused").count() >= 2
        (leaver,) = Participant.objects.filter(region__code=code, status=ParticipantStatus.LEFT)
        assert leaver.status_changes.last().reason == demo.LEAVING_REASON

        assert running.status == CohortStatus.RUNNING
        assert running.start_date < today - dt.timedelta(days=13)
        past = running.sessions.filter(date__lt=today)
        assert 5 <= past.count() <= 10
        assert running.sessions.filter(date__gt=today).count() >= 5
        assert running.enrolments.filter(status=EnrolmentStatus.ENROLLED).count() == 8
        assert Attendance.objects.filter(session__cohort=running).count() == 8 * past.count()
        _sessions, _enrolments, progress = actions.cohort_standings(running)
        at_risk = [pk for pk, p in progress.items() if p.standing == "at_risk"]
        assert len(at_risk) == 1
        notice = Notification.objects.get(kind=TRAINEE_AT_RISK.key, subject_id=at_risk[0])
        assert notice.recipient.email == f"koordinator.{code}@example.org"


def test_applicants_at_every_step_and_a_reunion():
    """Applicants, interviewed, accepted and declined (with a reason); a past reunion to
    which the alumni were invited, with attendance."""
    today = timezone.localdate()
    seed_as_of(today)
    for code in ("stockholm", "skane"):
        assert_applicants_and_reunion(code, today)


def assert_applicants_and_reunion(code, today):
    statuses = set(Participant.objects.filter(region__code=code).values_list("status", flat=True))
    assert {"applicant", "interviewed", "accepted", "declined", "trainee", "certified"} <= (
        statuses
    )
    declined = Participant.objects.filter(region__code=code, status=ParticipantStatus.DECLINED)
    assert all(person.status_changes.last().reason for person in declined)
    assert all(
        p.email.endswith("@example.org") for p in Participant.objects.filter(region__code=code)
    )
    assert not StatusChange.objects.filter(
        participant__region__code=code, changed_at__gt=timezone.now()
    ).exists()

    event = Event.objects.get(region__code=code, title=demo.REUNION_TITLE)
    assert event.starts_at.date() < today
    invitations = event.invitations.all()
    assert invitations.count() == 7
    assert invitations.filter(attended=True).exists()
    assert invitations.filter(attended=False).exists()


def test_stockholm_has_its_own_template_and_a_cancelled_cohort():
    """Stockholm's copy of the national template; a cohort planned on it was cancelled and
    its one trainee told, and is accepted again."""
    seed_as_of(dt.date(2027, 9, 19))
    cancelled = Cohort.objects.get(name=demo.CANCELLED_COHORT_NAME)
    assert cancelled.status == CohortStatus.CANCELLED
    assert cancelled.template.region.code == "stockholm"
    assert cancelled.template.copied_from.is_default
    (enrolment,) = cancelled.enrolments.all()
    assert enrolment.participant.status == ParticipantStatus.ACCEPTED
    assert Notification.objects.filter(kind="cohort_cancelled", subject_id=enrolment.pk).exists()
