"""Regressions found in review: input that gave a server error instead of an answer."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from peersupport.accounts.models import Role
from programmes import actions
from programmes.models import Cohort, Event, Participant
from tests.factories import MembershipFactory, UserFactory
from tests.programmes.course_state import default_cohort, default_template

pytestmark = [pytest.mark.django_db, pytest.mark.english]


def test_a_cohort_starting_at_the_end_of_the_calendar_is_refused_not_a_server_error(
    client, coordinator, stockholm
):
    """A start date so late that the course days would run past year 9999 is a form error."""
    client.force_login(coordinator)
    response = client.post(
        reverse("programmes:cohort_create"),
        {
            "region": stockholm.pk,
            "template": default_template().pk,
            "name": "Far future",
            "venue": "Folkets hus",
            "capacity": 5,
            "start_date": "9999-12-27",
        },
    )
    assert response.status_code == 200
    assert "start_date" in response.context["form"].errors
    assert not Cohort.objects.exists()


def test_an_event_in_year_one_is_refused_so_the_event_list_keeps_working(
    client, coordinator, stockholm
):
    """An event on 1 January of year 1 (before year 1 in UTC) is refused, so it cannot be
    stored and break the event list for the whole region."""
    client.force_login(coordinator)
    response = client.post(
        reverse("programmes:event_create"),
        {
            "region": stockholm.pk,
            "kind": "reunion",
            "title": "Early",
            "start_date": "0001-01-01",
            "start_time": "00:00",
            "end_time": "23:59",
        },
    )
    assert response.status_code == 200
    assert "start_date" in response.context["form"].errors
    assert not Event.objects.exists()
    assert client.get(reverse("programmes:event_list")).status_code == 200


def test_a_course_day_cannot_be_moved_to_a_date_far_outside_the_programme(
    client, coordinator, stockholm
):
    """Moving a course day to year 9999 is a form error, and the day keeps its date."""
    cohort = default_cohort(coordinator, stockholm, dt.date(2027, 9, 6))
    session = cohort.sessions.order_by("day_number").first()
    original = session.date
    client.force_login(coordinator)
    response = client.post(
        reverse("programmes:session_edit", kwargs={"pk": session.pk}),
        {"date": "9999-12-31", "start_time": "09:00", "end_time": "16:00"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        "Choose a date between 1 January 2000 and 31 December 2099."
    ]
    session.refresh_from_db()
    assert session.date == original


def test_an_applicant_with_an_overlong_email_address_is_a_form_error(
    client, coordinator, stockholm
):
    """An e-mail address longer than the database column holds is refused by the form."""
    client.force_login(coordinator)
    response = client.post(
        reverse("programmes:participant_create"),
        {
            "full_name": "Long Address",
            "email": "a" * 250 + "@example.org",
            "region": stockholm.pk,
            "language": "sv",
            "lived_experience_declared": "on",
            "consent_method": "paper",
        },
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not Participant.objects.exists()


def test_an_applicant_registered_in_a_second_region_is_not_linked_to_the_taken_account(
    client, coordinator, stockholm, skane
):
    """The same person registered in two regions: the second record is created unlinked,
    because the account already belongs to the first."""
    MembershipFactory(user=coordinator, region=skane, role=Role.COORDINATOR)
    account = UserFactory(email="moved@example.org")
    client.force_login(coordinator)
    for region in (stockholm, skane):
        response = client.post(
            reverse("programmes:participant_create"),
            {
                "full_name": "Moved Person",
                "email": "moved@example.org",
                "region": region.pk,
                "language": "sv",
                "lived_experience_declared": "on",
                "consent_method": "paper",
            },
        )
        assert response.status_code == 302
    assert Participant.objects.get(region=stockholm).user == account
    assert Participant.objects.get(region=skane).user is None


def test_giving_an_account_already_linked_to_another_record_is_refused(
    coordinator, stockholm, skane
):
    """An account holds at most one programme record; linking a second one is refused with
    an explanation instead of a database error."""
    MembershipFactory(user=coordinator, region=skane, role=Role.COORDINATOR)
    UserFactory(email="moved@example.org")
    records = [
        actions.register_applicant(
            actor=coordinator,
            region=region,
            full_name="Moved Person",
            email="moved@example.org",
            lived_experience_declared=True,
            consent_method="paper",
        )
        for region in (stockholm, skane)
    ]
    with pytest.raises(ValidationError, match="already belongs to another programme record"):
        actions.give_account(actor=coordinator, participant=records[1])
    records[1].refresh_from_db()
    assert records[1].user is None
