import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import Role
from tests.factories import (
    active_placement,
    certified_participant,
    person_with_role,
    ready_workplace,
)
from workplaces.models import FollowUpReview, Likert, ReviewRespondent, ReviewResponse

pytestmark = [pytest.mark.django_db, pytest.mark.english]
TODAY = timezone.localdate()
TWO_MONTHS_AGO = TODAY - relativedelta(months=2)


@pytest.fixture
def workplace(coordinator, unit_manager, stockholm):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


@pytest.fixture
def placement(coordinator, unit_manager, workplace, stockholm, peer_supporter):
    """Active for two months: the 1-month follow-up is overdue, the 3-month one ahead."""
    person = certified_participant(stockholm, user=peer_supporter)
    return active_placement(coordinator, unit_manager, workplace, person, start_date=TWO_MONTHS_AGO)


def review_at(placement, months: int) -> FollowUpReview:
    return placement.reviews.get(months_after_start=months)


ANSWERS = {
    "role_works": Likert.GOOD,
    "role_clarity": Likert.NEUTRAL,
    "staff_attitudes": Likert.VERY_GOOD,
    "support_needs": "Mer handledning kring gränser",
    "comments": "Personalen uppskattar rollen",
}


def test_review_list_shows_the_overdue_follow_up_waiting_for_the_unit_manager(
    placement, unit_manager, client_for
):
    """The 1-month follow-up is overdue; the 3-month one, a month ahead, is not listed."""
    response = client_for(unit_manager).get(reverse("workplaces:review_list"))
    rows = list(response.context["page"])
    assert rows == [review_at(placement, 1)]
    assert rows[0].overdue
    assert "Overdue" in response.content.decode()


def test_a_follow_up_due_soon_is_listed_but_not_overdue(
    coordinator, unit_manager, workplace, stockholm, client_for
):
    person = certified_participant(stockholm, name="Nora Ek")
    soon = active_placement(
        coordinator,
        unit_manager,
        workplace,
        person,
        start_date=TODAY - relativedelta(months=1) + dt.timedelta(days=5),
    )
    rows = list(client_for(coordinator).get(reverse("workplaces:review_list")).context["page"])
    assert rows == [review_at(soon, 1)]
    assert not rows[0].overdue


def test_unit_manager_answers_a_follow_up_once(placement, unit_manager, client_for):
    """The answer is saved as the unit manager's; the form is gone afterwards and a second
    post adds nothing."""
    review = review_at(placement, 1)
    client = client_for(unit_manager)
    url = reverse("workplaces:review_respond", args=[review.pk])
    form_page = client.get(url)
    assert form_page.context["form"] is not None
    page = form_page.content.decode()
    for anchor in Likert.labels:
        assert str(anchor) in page

    response = client.post(url, ANSWERS)
    assert response.status_code == 302
    response_row = ReviewResponse.objects.get(review=review)
    assert response_row.respondent == ReviewRespondent.UNIT_MANAGER
    assert response_row.submitted_by == unit_manager
    assert response_row.role_works == Likert.GOOD

    again = client.post(url, {**ANSWERS, "comments": "En gång till"})
    assert again.status_code == 200
    assert again.context["form"] is None
    assert "already answered" in again.content.decode()
    assert ReviewResponse.objects.filter(review=review).count() == 1


def test_each_party_sees_the_others_answers_read_only(
    placement, coordinator, unit_manager, client_for
):
    """After the unit manager has answered, the coordinator sees those answers and still
    has their own form; afterwards both see both answers and no form."""
    review = review_at(placement, 1)
    url = reverse("workplaces:review_respond", args=[review.pk])
    client_for(unit_manager).post(url, ANSWERS)

    coordinator_client = client_for(coordinator)
    page = coordinator_client.get(url)
    assert page.context["form"] is not None
    assert ANSWERS["support_needs"] in page.content.decode()
    coordinator_client.post(url, {**ANSWERS, "support_needs": "Tid för reflektion"})

    for user in (coordinator, unit_manager):
        response = client_for(user).get(url)
        assert response.context["form"] is None
        respondents = [r.respondent for r in response.context["responses"]]
        assert sorted(respondents) == [ReviewRespondent.COORDINATOR, ReviewRespondent.UNIT_MANAGER]
        assert "Tid för reflektion" in response.content.decode()


def test_answered_follow_ups_leave_the_waiting_list_but_stay_under_all(
    placement, unit_manager, client_for
):
    review = review_at(placement, 1)
    client = client_for(unit_manager)
    client.post(reverse("workplaces:review_respond", args=[review.pk]), ANSWERS)
    url = reverse("workplaces:review_list")
    assert list(client.get(url).context["page"]) == []
    everything = client.get(url, {"show": "all"})
    rows = list(everything.context["page"])
    assert rows == [review]
    assert rows[0].manager_answered_at is not None
    assert rows[0].coordinator_answered_at is None
    assert not rows[0].overdue


def test_the_coordinator_still_waits_after_the_unit_manager_answered(
    placement, coordinator, unit_manager, client_for
):
    review = review_at(placement, 1)
    client_for(unit_manager).post(reverse("workplaces:review_respond", args=[review.pk]), ANSWERS)
    rows = list(client_for(coordinator).get(reverse("workplaces:review_list")).context["page"])
    assert rows == [review]
    assert rows[0].overdue


def test_a_phone_number_in_support_needs_is_refused_and_the_form_kept(
    placement, unit_manager, client_for
):
    review = review_at(placement, 1)
    url = reverse("workplaces:review_respond", args=[review.pk])
    typed = {**ANSWERS, "support_needs": "Ring mig på 070-123 45 67"}
    response = client_for(unit_manager).post(url, typed)
    assert response.status_code == 200
    assert response.context["form"].errors["support_needs"]
    page = response.content.decode()
    assert ANSWERS["comments"] in page
    assert not ReviewResponse.objects.exists()


def test_follow_ups_are_closed_to_other_workplaces_regions_and_roles(
    placement, coordinator, other_coordinator, peer_supporter, stockholm, client_for
):
    """Another workplace's unit manager and Skåne's coordinator get 404; a peer supporter
    403 – also on the list, which shows them nothing of this placement."""
    review = review_at(placement, 1)
    other_manager = person_with_role(Role.UNIT_MANAGER, stockholm, full_name="Olle Annan")
    ready_workplace(coordinator, stockholm, name="Akutpsykiatrin", managers=[other_manager])
    url = reverse("workplaces:review_respond", args=[review.pk])
    assert client_for(other_manager).get(url).status_code == 404
    assert client_for(other_manager).post(url, ANSWERS).status_code == 404
    assert client_for(other_coordinator).get(url).status_code == 404
    assert client_for(peer_supporter).get(url).status_code == 403
    other_list = client_for(other_manager).get(reverse("workplaces:review_list"))
    assert list(other_list.context["page"]) == []
    assert not ReviewResponse.objects.exists()


@pytest.mark.parametrize("user_fixture", ["coordinator", "unit_manager"])
def test_review_list_query_count_is_the_same_for_1_and_50(
    user_fixture, request, coordinator, unit_manager, workplace, stockholm, client_for
):
    """The follow-up list costs the same number of queries for 1 and 50 rows."""
    client = client_for(request.getfixturevalue(user_fixture))
    url = reverse("workplaces:review_list")

    def count_queries(rows: int) -> int:
        n = FollowUpReview.objects.filter(due_on__lte=TODAY).count()
        while n < rows:
            person = certified_participant(stockholm, name=f"Peer {n}")
            active_placement(
                coordinator, unit_manager, workplace, person, start_date=TWO_MONTHS_AGO
            )
            n += 1
        client.get(url)  # warm up the session and the memberships
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert len(response.context["page"]) == rows
        return len(queries)

    assert count_queries(1) == count_queries(50)
