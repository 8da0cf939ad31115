import datetime as dt
from decimal import Decimal

import pytest
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
from workplaces import actions
from workplaces.models import (
    Employer,
    Placement,
    PlacementEndReason,
    PlacementStatus,
    Principal,
    ReadinessItem,
    Task,
    WorkplaceType,
)

pytestmark = [pytest.mark.django_db, pytest.mark.english]
TODAY = timezone.localdate()


@pytest.fixture
def workplace(coordinator, unit_manager, stockholm):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


@pytest.fixture
def person(stockholm, peer_supporter):
    """The Stockholm peer supporter's certified programme record."""
    return certified_participant(stockholm, user=peer_supporter)


def propose(coordinator, workplace, participant, *, hours="20", start_date=TODAY):
    return actions.propose_placement(
        actor=coordinator,
        participant=participant,
        workplace=workplace,
        employer=Employer.WORKPLACE,
        hours_per_week=Decimal(hours),
        start_date=start_date,
        tasks=[Task.CONVERSATIONS],
    )


def form_data(participant, workplace, **overrides):
    data = {
        "participant": participant.pk,
        "workplace": workplace.pk,
        "employer": Employer.ASSOCIATION,
        "hours_per_week": "20",
        "start_date": TODAY.isoformat(),
        "end_date": "",
        "tasks": [Task.BRIDGE_BUILDING, Task.GROUPS],
    }
    data.update(overrides)
    return data


def test_coordinator_proposes_a_placement(coordinator, workplace, person, client_for):
    """The form creates a proposed placement with its agreed tasks and opens it."""
    response = client_for(coordinator).post(
        reverse("workplaces:placement_create"), form_data(person, workplace)
    )
    placement = Placement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workplaces:placement_detail", args=[placement.pk])
    assert placement.status == PlacementStatus.PROPOSED
    assert placement.tasks == [Task.BRIDGE_BUILDING, Task.GROUPS]
    assert placement.employer == Employer.ASSOCIATION


def test_a_workplace_that_is_not_ready_is_refused_with_what_is_missing(
    coordinator, stockholm, person, client_for
):
    """Placing someone at a workplace without readiness fails on the form with a message
    naming each missing item, and everything typed stays in the form."""
    organisation = actions.create_organisation(
        actor=coordinator,
        region=stockholm,
        name="Socialpsykiatrin",
        principal=Principal.MUNICIPALITY,
    )
    unready = actions.create_workplace(
        actor=coordinator,
        organisation=organisation,
        name="Boendestödet Söder",
        type=WorkplaceType.SOCIAL_PSYCHIATRY,
    )
    actions.confirm_readiness(
        actor=coordinator,
        workplace=unready,
        item=ReadinessItem.BUDGET,
        fte=Decimal("1"),
        period_start=TODAY,
        period_end=TODAY + dt.timedelta(days=365),
    )
    response = client_for(coordinator).post(
        reverse("workplaces:placement_create"),
        form_data(person, unready, hours_per_week="15.5", end_date="2030-06-30"),
    )
    assert response.status_code == 200
    assert not Placement.objects.exists()
    message = " ".join(response.context["form"].non_field_errors())
    assert "Boendestödet Söder is not ready" in message
    assert str(ReadinessItem.ANCHORING.label) in message
    assert str(ReadinessItem.USER_MOVEMENT_CONTACT.label) in message
    assert "0 of 3" in message
    assert str(ReadinessItem.BUDGET.label) not in message
    page = response.content.decode()
    assert "is not ready" in page
    assert 'value="15.5"' in page
    assert 'value="2030-06-30"' in page
    assert page.count("checked") == 3  # the employer and the two tasks chosen


def test_the_workplace_can_be_preselected(coordinator, other_coordinator, workplace, client_for):
    """?workplace= preselects one of the coordinator's workplaces, never another region's."""
    url = reverse("workplaces:placement_create")
    response = client_for(coordinator).get(url, {"workplace": workplace.pk})
    assert response.context["form"]["workplace"].value() == workplace.pk
    foreign = client_for(other_coordinator).get(url, {"workplace": workplace.pk})
    assert foreign.context["form"]["workplace"].value() is None


def test_only_placeable_participants_of_the_region_are_offered(
    coordinator, stockholm, skane, workplace, person, client_for
):
    """Certified, placed and alumni peer supporters of the region; not applicants or Skåne's."""
    from programmes.models import Participant, ParticipantStatus

    applicant = Participant.objects.create(
        region=stockholm, full_name="Ada Sökande", email="ada@example.org"
    )
    skane_person = certified_participant(skane, name="Sven Skåning")
    response = client_for(coordinator).get(reverse("workplaces:placement_create"))
    offered = list(response.context["form"].fields["participant"].queryset)
    assert offered == [person]
    assert applicant.status == ParticipantStatus.APPLICANT
    assert skane_person not in offered


def test_over_full_time_is_refused_next_to_the_hours(
    coordinator, unit_manager, workplace, person, client_for
):
    """With 30 hours already placed, 12 more is refused on the hours field."""
    active_placement(coordinator, unit_manager, workplace, person, hours_per_week=Decimal("30"))
    response = client_for(coordinator).post(
        reverse("workplaces:placement_create"), form_data(person, workplace, hours_per_week="12")
    )
    assert response.status_code == 200
    assert "full time" in " ".join(response.context["form"].errors["hours_per_week"])
    assert Placement.objects.count() == 1


def test_both_agree_and_the_placement_becomes_active(
    coordinator, unit_manager, workplace, person, client_for
):
    """The coordinator's agreement alone leaves it proposed; the unit manager's makes it
    agreed and, as it starts today, active – and the message says so."""
    placement = propose(coordinator, workplace, person)
    url = reverse("workplaces:placement_agree", args=[placement.pk])

    response = client_for(coordinator).post(url, follow=True)
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.PROPOSED
    assert placement.coordinator_agreed_by == coordinator
    assert "once the unit manager agrees" in response.content.decode()
    assert not response.context["can_agree"]

    manager = client_for(unit_manager)
    detail = manager.get(reverse("workplaces:placement_detail", args=[placement.pk]))
    assert detail.context["can_agree"]
    response = manager.post(url, follow=True)
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACTIVE
    assert placement.manager_agreed_by == unit_manager
    assert "The placement is active from" in response.content.decode()
    assert placement.reviews.count() == 4


def test_a_future_placement_agreed_by_both_waits_for_its_start(
    coordinator, unit_manager, workplace, person, client_for
):
    """Agreed before its start date, the placement is agreed, not yet active."""
    start = TODAY + dt.timedelta(days=10)
    placement = propose(coordinator, workplace, person, start_date=start)
    url = reverse("workplaces:placement_agree", args=[placement.pk])
    client_for(unit_manager).post(url)
    response = client_for(coordinator).post(url, follow=True)
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.AGREED
    assert "becomes active on" in response.content.decode()


def test_agreeing_twice_is_refused_with_a_message(coordinator, workplace, person, client_for):
    placement = propose(coordinator, workplace, person)
    client = client_for(coordinator)
    url = reverse("workplaces:placement_agree", args=[placement.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "already agreed" in response.content.decode()


def test_the_detail_page_shows_the_placement(
    coordinator, unit_manager, workplace, person, client_for
):
    """Who, where, employer, hours, tasks, who agreed and the follow-ups with due dates."""
    placement = active_placement(coordinator, unit_manager, workplace, person)
    response = client_for(unit_manager).get(
        reverse("workplaces:placement_detail", args=[placement.pk])
    )
    page = response.content.decode()
    assert person.full_name in page and workplace.name in page
    assert str(Employer.ASSOCIATION.label) in page
    assert str(Task.CONVERSATIONS.label) in page
    assert coordinator.full_name in page and unit_manager.full_name in page
    assert [r.months_after_start for r in response.context["reviews"]] == [1, 3, 6, 12]
    for review in placement.reviews.all():
        assert reverse("workplaces:review_respond", args=[review.pk]) in page
    assert response.context["can_end"]


def test_unit_manager_of_another_workplace_gets_404(
    coordinator, unit_manager, stockholm, workplace, person, client_for
):
    """A unit manager sees only their own workplaces' placements."""
    placement = active_placement(coordinator, unit_manager, workplace, person)
    other_manager = person_with_role(Role.UNIT_MANAGER, stockholm, full_name="Olle Annan")
    ready_workplace(coordinator, stockholm, name="Akutpsykiatrin", managers=[other_manager])
    client = client_for(other_manager)
    for name in ("placement_detail", "placement_end"):
        url = reverse(f"workplaces:{name}", args=[placement.pk])
        assert client.get(url).status_code == 404
    agree = client.post(reverse("workplaces:placement_agree", args=[placement.pk]))
    assert agree.status_code == 404
    listed = client.get(reverse("workplaces:placement_list"))
    assert list(listed.context["page"]) == []


def test_peer_supporter_sees_only_their_own_placement(
    coordinator, unit_manager, stockholm, workplace, person, peer_supporter, client_for
):
    """Their own placement, without the follow-ups or buttons; someone else's is 404."""
    own = active_placement(coordinator, unit_manager, workplace, person, hours_per_week=10)
    someone = certified_participant(stockholm, name="Nora Nilsson")
    theirs = active_placement(coordinator, unit_manager, workplace, someone)
    client = client_for(peer_supporter)
    listed = client.get(reverse("workplaces:placement_list"))
    assert list(listed.context["page"]) == [own]
    detail = client.get(reverse("workplaces:placement_detail", args=[own.pk]))
    assert detail.status_code == 200
    assert not detail.context["may_manage"] and not detail.context["can_end"]
    assert detail.context["reviews"] == []
    assert "/reviews/" not in detail.content.decode()
    assert client.get(reverse("workplaces:placement_detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("workplaces:placement_agree", args=[own.pk])).status_code == 403


def test_placement_list_filters_by_status_workplace_and_name(
    coordinator, unit_manager, stockholm, workplace, person, client_for
):
    other_place = ready_workplace(coordinator, stockholm, name="Akutpsykiatrin")
    active = active_placement(coordinator, unit_manager, workplace, person, hours_per_week=10)
    proposed = propose(coordinator, other_place, certified_participant(stockholm, name="Nora Ek"))
    client = client_for(coordinator)
    url = reverse("workplaces:placement_list")
    assert list(client.get(url, {"status": "active"}).context["page"]) == [active]
    assert list(client.get(url, {"workplace": other_place.pk}).context["page"]) == [proposed]
    assert list(client.get(url, {"q": "nora"}).context["page"]) == [proposed]
    assert set(client.get(url).context["page"]) == {active, proposed}


def test_placement_list_query_count_is_the_same_for_1_and_50(
    coordinator, stockholm, workplace, client_for
):
    """The coordinator's placement list costs the same number of queries for 1 and 50 rows."""
    client = client_for(coordinator)
    url = reverse("workplaces:placement_list")

    def count_queries(rows: int) -> int:
        while Placement.objects.count() < rows:
            n = Placement.objects.count()
            propose(coordinator, workplace, certified_participant(stockholm, name=f"Peer {n}"))
        client.get(url)  # warm up the session and the memberships
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert len(response.context["page"]) == rows
        return len(queries)

    assert count_queries(1) == count_queries(50)


def test_a_placement_is_ended_with_a_reason(
    coordinator, unit_manager, workplace, person, client_for
):
    """The unit manager ends it; the peer supporter is certified (not placed) again."""
    placement = active_placement(coordinator, unit_manager, workplace, person)
    client = client_for(unit_manager)
    url = reverse("workplaces:placement_end", args=[placement.pk])
    assert client.get(url).context["form"]["end_date"].value() == TODAY
    response = client.post(
        url,
        {
            "reason_category": "workplace_or_funding",
            "reason": "Projektet avslutades",
            "end_date": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    person.refresh_from_db()
    assert placement.status == PlacementStatus.ENDED
    assert placement.ended_reason == "Projektet avslutades"
    assert placement.ended_reason_category == "workplace_or_funding"
    detail = client.get(reverse("workplaces:placement_detail", args=[placement.pk]))
    assert str(PlacementEndReason.WORKPLACE_OR_FUNDING.label) in detail.content.decode()
    assert person.status == "certified"
    assert not client.get(url).context["can_end"]


def test_an_end_reason_with_a_phone_number_is_refused_next_to_the_reason(
    coordinator, unit_manager, workplace, person, client_for
):
    placement = active_placement(coordinator, unit_manager, workplace, person)
    url = reverse("workplaces:placement_end", args=[placement.pk])
    reason = "Flyttade, ring 070-123 45 67"
    response = client_for(coordinator).post(
        url, {"reason_category": "other", "reason": reason, "end_date": TODAY.isoformat()}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert reason in response.content.decode()
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACTIVE


@pytest.mark.english
def test_ending_a_placement_without_a_kind_of_reason_is_refused_at_the_field(
    coordinator, unit_manager, workplace, person, client_for
):
    """The kind of reason is required: the message stands at that field, the typed reason is
    kept and the placement goes on."""
    placement = active_placement(coordinator, unit_manager, workplace, person)
    url = reverse("workplaces:placement_end", args=[placement.pk])
    response = client_for(coordinator).post(
        url, {"reason_category": "", "reason": "Min text", "end_date": TODAY.isoformat()}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reason_category": ["Choose the kind of reason for ending the placement."]
    }
    assert "Min text</textarea>" in response.content.decode()
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACTIVE
