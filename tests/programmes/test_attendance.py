"""The attendance grid: rendered read-only for no-script, saved cell by cell in JSON."""

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from programmes import actions
from programmes.models import Attendance, AttendanceStatus
from tests.programmes.course_state import accepted_applicant, default_cohort, fill_attendance

pytestmark = [pytest.mark.django_db, pytest.mark.english]

START = dt.date(2027, 9, 6)


@pytest.fixture
def cohort(coordinator, stockholm):
    return default_cohort(coordinator, stockholm, START)


@pytest.fixture
def enrolment(coordinator, cohort, stockholm):
    participant = accepted_applicant(coordinator, stockholm, "Ada Först")
    return actions.enrol(actor=coordinator, cohort=cohort, participant=participant)


def grid_url(cohort):
    return reverse("programmes:attendance_grid", kwargs={"pk": cohort.pk})


def day(cohort, number):
    return cohort.sessions.get(day_number=number)


def save_cell(client, cohort, session, enrolment, status, reason=""):
    return client.post(
        grid_url(cohort),
        {"session": session.pk, "enrolment": enrolment.pk, "status": status, "reason": reason},
    )


@pytest.mark.swedish
def test_grid_shows_trainees_by_course_days_with_states(coordinator, cohort, enrolment, client_for):
    """Rows are trainees, columns the course days with Swedish short dates; each cell
    shows its state with the full text for screen readers; without script it is read-only."""
    actions.record_attendance(
        actor=coordinator, session=day(cohort, 1), enrolment=enrolment, status="present"
    )
    actions.record_attendance(
        actor=coordinator,
        session=day(cohort, 2),
        enrolment=enrolment,
        status="excused",
        reason="Läkarbesök",
    )

    response = client_for(coordinator).get(grid_url(cohort))

    content = response.content.decode()
    assert '<time datetime="2027-09-06">mån 6 sep</time>' in content
    (row,) = response.context["rows"]
    assert [cell.status for cell in row.cells[:3]] == ["present", "excused", ""]
    assert row.cells[1].reason == "Läkarbesök"
    cells = re.findall(r"<button[^>]*attendance-cell[^>]*>", content)
    assert len(cells) == 15
    assert all(" disabled" in cell for cell in cells)
    present, excused = AttendanceStatus.PRESENT.label, AttendanceStatus.EXCUSED.label
    assert f'{present}</span>, <span class="attendance-context">måndag 6 september' in content
    assert f"{excused}: Läkarbesök" in content
    assert 'data-locked="false"' in content


def test_grid_page_has_no_inline_script(coordinator, cohort, enrolment, client_for):
    """Under the strict CSP the page carries only data and a script file, no inline code."""
    response = client_for(coordinator).get(grid_url(cohort))
    content = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", content)
    assert all('src="' in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert 'src="/static/js/attendance-grid.js"' in content
    assert not re.search(r"\son[a-z]+=", content), "inline event handler"
    assert ' style="' not in content
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_a_cell_saves_and_answers_with_the_trainees_standing(
    coordinator, cohort, enrolment, client_for
):
    """Saving a cell answers with its new state and the trainee's standing and days."""
    response = save_cell(client_for(coordinator), cohort, day(cohort, 1), enrolment, "present")

    assert response.status_code == 200
    assert response.json() == {
        "session": day(cohort, 1).pk,
        "enrolment": enrolment.pk,
        "status": "present",
        "reason": "",
        "standing": "on_track",
        "standing_label": "On track",
        "present": 1,
        "days_required": 12,
        "days_total": 15,
        "summary": "1 of 12 days",
    }
    attendance = Attendance.objects.get()
    assert (attendance.status, attendance.recorded_by) == ("present", coordinator)


def test_the_fourth_absence_puts_the_trainee_at_risk(coordinator, cohort, enrolment, client_for):
    """With 12 of 15 days required, the fourth absence answers 'at risk'."""
    client = client_for(coordinator)
    for number in (1, 2, 3):
        third = save_cell(client, cohort, day(cohort, number), enrolment, "absent")
    assert third.json()["standing"] == "on_track"

    fourth = save_cell(client, cohort, day(cohort, 4), enrolment, "excused", "Sjuk")

    assert (fourth.json()["standing"], fourth.json()["standing_label"]) == ("at_risk", "At risk")
    assert fourth.json()["reason"] == "Sjuk"


def test_completing_the_days_answers_complete(coordinator, cohort, enrolment, client_for):
    """The twelfth day present (and the required modules) answers 'complete'."""
    fill_attendance(coordinator, enrolment, {n: "" for n in range(12, 16)})
    actions.record_attendance(
        actor=coordinator, session=day(cohort, 12), enrolment=enrolment, status=None
    )
    response = save_cell(client_for(coordinator), cohort, day(cohort, 12), enrolment, "present")
    assert response.json()["standing"] == "complete"
    assert response.json()["summary"] == "12 of 12 days"


def test_an_empty_status_clears_the_cell(coordinator, cohort, enrolment, client_for):
    """Saving with no status removes what was recorded."""
    actions.record_attendance(
        actor=coordinator, session=day(cohort, 1), enrolment=enrolment, status="absent"
    )
    response = save_cell(client_for(coordinator), cohort, day(cohort, 1), enrolment, "")
    assert response.json()["status"] == ""
    assert not Attendance.objects.exists()


def test_excused_absence_without_a_reason_is_refused(coordinator, cohort, enrolment, client_for):
    """An excused absence without a reason gets a 400 with a message; nothing is saved."""
    response = save_cell(client_for(coordinator), cohort, day(cohort, 1), enrolment, "excused")
    assert response.status_code == 400
    assert response.json() == {"error": "Give a reason for the excused absence."}
    assert not Attendance.objects.exists()


def test_attendance_on_a_closed_cohort_is_refused_clearly(
    coordinator, cohort, enrolment, client_for
):
    """Once closed, saving a cell answers 400 saying the cohort is closed, and the grid is
    shown locked with its cells disabled."""
    actions.close_cohort(actor=coordinator, cohort=cohort)
    client = client_for(coordinator)

    response = save_cell(client, cohort, day(cohort, 1), enrolment, "present")

    assert response.status_code == 400
    assert response.json() == {
        "error": "The cohort is closed; its attendance and enrolments are locked."
    }
    assert not Attendance.objects.exists()
    page = client.get(grid_url(cohort)).content.decode()
    assert 'id="attendance-locked"' in page
    assert "The cohort is closed." in page
    assert 'data-locked="true"' in page


def test_a_withdrawn_trainee_or_another_cohorts_day_is_refused(
    coordinator, cohort, enrolment, stockholm, client_for
):
    """Only the cohort's own days and enrolled trainees can be recorded."""
    client = client_for(coordinator)
    other = default_cohort(coordinator, stockholm, START + dt.timedelta(weeks=10), name="Annan")
    foreign_day = save_cell(client, cohort, day(other, 1), enrolment, "present")
    assert foreign_day.status_code == 400
    assert "not part of this cohort" in foreign_day.json()["error"]

    actions.withdraw(actor=coordinator, enrolment=enrolment, reason="Flyttar")
    withdrawn = save_cell(client, cohort, day(cohort, 1), enrolment, "present")
    assert withdrawn.status_code == 400
    assert withdrawn.json()["error"] == "The trainee is not enrolled in this cohort."
    assert not Attendance.objects.exists()


def test_a_refused_reason_answers_with_the_forms_message(
    coordinator, cohort, enrolment, client_for
):
    """A reason the form refuses comes back with the form's own message."""
    response = save_cell(
        client_for(coordinator), cohort, day(cohort, 1), enrolment, "excused", "x" * 301
    )
    assert response.status_code == 400
    # Django's own message, in Swedish: "… som mest 300 tecken (den har 301)."
    assert "300" in response.json()["error"]
    assert not Attendance.objects.exists()


def test_unknown_status_is_refused(coordinator, cohort, enrolment, client_for):
    """A status that is not one of the grid's states is refused."""
    response = save_cell(client_for(coordinator), cohort, day(cohort, 1), enrolment, "late")
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_saving_works_with_the_csrf_token_the_page_gives_the_script(coordinator, cohort, enrolment):
    """The script's token (from the page's data) passes Django's CSRF check."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    page = client.get(grid_url(cohort)).content.decode()
    config = json.loads(
        re.search(r'id="attendance-grid-config" type="application/json">(.*?)</script>', page)[1]
    )
    data = {"session": day(cohort, 1).pk, "enrolment": enrolment.pk, "status": "present"}

    refused = client.post(config["url"], data)
    accepted = client.post(config["url"], data, headers={"X-CSRFToken": config["csrfToken"]})

    assert refused.status_code == 403
    assert accepted.status_code == 200


def test_another_regions_coordinator_cannot_record(
    other_coordinator, peer_supporter, cohort, enrolment, client_for
):
    """Skåne's coordinator gets 404 and a peer supporter 403; nothing is recorded."""
    for user, status in ((other_coordinator, 404), (peer_supporter, 403)):
        client = client_for(user)
        assert client.get(grid_url(cohort)).status_code == status
        response = save_cell(client, cohort, day(cohort, 1), enrolment, "present")
        assert response.status_code == status
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("trainees", [1, 50])
def test_grid_query_count_is_constant(
    trainees, coordinator, cohort, stockholm, client_for, django_assert_num_queries
):
    """The grid costs the same queries with 1 and with 50 trainees."""
    cohort.capacity = 60
    cohort.save()
    for number in range(trainees):
        participant = accepted_applicant(coordinator, stockholm, f"Deltagare {number}")
        enrolment = actions.enrol(actor=coordinator, cohort=cohort, participant=participant)
        actions.record_attendance(
            actor=coordinator,
            session=day(cohort, 1),
            enrolment=enrolment,
            status=AttendanceStatus.EXCUSED,
            reason="Sjuk",
        )
    client = client_for(coordinator)
    client.get(reverse("home"))
    # session, user, memberships, MFA check, cohort; sessions, their modules, enrolments,
    # attendance, required modules
    with django_assert_num_queries(10):
        response = client.get(grid_url(cohort))
    assert len(response.context["rows"]) == trainees
