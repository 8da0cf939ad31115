"""Organisations and workplaces: the list, registering them, and who may open a workplace."""

import pytest
from django.urls import reverse

from peersupport.accounts.models import Role
from tests.factories import (
    active_placement,
    certified_participant,
    person_with_role,
    ready_workplace,
)
from workplaces import actions
from workplaces.models import Organisation, Principal, Workplace, WorkplaceType

pytestmark = pytest.mark.django_db


def bare_workplace(coordinator, region, name="Boendestödet Syd", managers=()):
    organisation = actions.create_organisation(
        actor=coordinator, region=region, name=f"{name} AB", principal=Principal.MUNICIPALITY
    )
    return actions.create_workplace(
        actor=coordinator,
        organisation=organisation,
        name=name,
        type=WorkplaceType.SOCIAL_PSYCHIATRY,
        managers=managers,
    )


@pytest.fixture
def workplace(coordinator, unit_manager, stockholm):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


def test_coordinator_lists_own_region_with_readiness_and_active_placements(
    coordinator, other_coordinator, unit_manager, stockholm, skane, workplace, client_for
):
    """The coordinator's list shows each workplace's organisation, type, readiness (what is
    missing) and active placements – and never another region's workplaces."""
    not_ready = bare_workplace(coordinator, stockholm)
    skane_workplace = bare_workplace(other_coordinator, skane, name="Mottagningen Malmö")
    active_placement(coordinator, unit_manager, workplace, certified_participant(stockholm))

    response = client_for(coordinator).get(reverse("workplaces:workplace_list"))

    assert response.status_code == 200
    rows = {w.pk: w for w in response.context["page"]}
    assert set(rows) == {workplace.pk, not_ready.pk}
    assert skane_workplace.pk not in rows
    assert rows[workplace.pk].missing == []
    assert rows[workplace.pk].active_placements == 1
    assert len(rows[not_ready.pk].missing) == 4
    assert rows[not_ready.pk].active_placements == 0
    html = response.content.decode()
    assert "Mottagningen Malmö" not in html
    assert "Boendestödet Syd AB" in html


def test_workplace_list_filters_by_readiness(coordinator, stockholm, workplace, client_for):
    """Coordinators filter the list to ready or not-ready workplaces."""
    not_ready = bare_workplace(coordinator, stockholm)
    client = client_for(coordinator)
    url = reverse("workplaces:workplace_list")
    ready_page = client.get(url, {"readiness": "ready"}).context["page"]
    assert [w.pk for w in ready_page] == [workplace.pk]
    not_ready_page = client.get(url, {"readiness": "not_ready"}).context["page"]
    assert [w.pk for w in not_ready_page] == [not_ready.pk]


def test_unit_manager_lists_only_their_workplaces(
    coordinator, unit_manager, stockholm, workplace, client_for
):
    """A unit manager's list holds their own workplaces, not the rest of the region."""
    bare_workplace(coordinator, stockholm)
    response = client_for(unit_manager).get(reverse("workplaces:workplace_list"))
    assert [w.pk for w in response.context["page"]] == [workplace.pk]
    assert response.context["export_form"] is None


def test_peer_supporter_may_not_list_workplaces(peer_supporter, client_for):
    response = client_for(peer_supporter).get(reverse("workplaces:workplace_list"))
    assert response.status_code == 403


@pytest.mark.parametrize("rows", [1, 50])
def test_workplace_list_query_count_is_constant(
    rows, coordinator, unit_manager, stockholm, client_for, django_assert_num_queries
):
    """The list costs the same number of queries for 1 and for 50 workplaces."""
    for index in range(rows):
        workplace = ready_workplace(
            coordinator, stockholm, name=f"Enhet {index}", managers=[unit_manager]
        )
        participant = certified_participant(stockholm, name=f"Peer {index}")
        active_placement(coordinator, unit_manager, workplace, participant)
    client = client_for(coordinator)
    client.get(reverse("home"))
    # session, user, memberships, MFA check, count, page, readiness, staff trainings,
    # the region choices of the filter and of the export form
    with django_assert_num_queries(10):
        response = client.get(reverse("workplaces:workplace_list"))
    assert response.context["page"].paginator.count == rows


def test_organisation_create_leads_on_to_the_workplace_form(coordinator, stockholm, client_for):
    """Creating an organisation takes the coordinator to the workplace form with it chosen."""
    client = client_for(coordinator)
    response = client.post(
        reverse("workplaces:organisation_create"),
        {"region": stockholm.pk, "name": "Stockholms stad", "principal": Principal.MUNICIPALITY},
    )
    organisation = Organisation.objects.get(name="Stockholms stad")
    assert organisation.region == stockholm
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("workplaces:workplace_create") + f"?organisation={organisation.pk}"
    )
    form = client.get(response["Location"]).context["form"]
    assert form.initial["organisation"] == organisation.pk


def test_organisation_in_another_region_is_refused(coordinator, skane, client_for):
    """A coordinator cannot create an organisation in a region they do not coordinate."""
    response = client_for(coordinator).post(
        reverse("workplaces:organisation_create"),
        {"region": skane.pk, "name": "Malmö stad", "principal": Principal.MUNICIPALITY},
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not Organisation.objects.filter(name="Malmö stad").exists()


def test_coordinator_registers_a_workplace_with_its_unit_manager(
    coordinator, unit_manager, stockholm, client_for
):
    """The workplace gets its organisation's region, contact person and unit managers."""
    organisation = actions.create_organisation(
        actor=coordinator, region=stockholm, name="Region Stockholm", principal=Principal.REGION
    )
    response = client_for(coordinator).post(
        reverse("workplaces:workplace_create"),
        {
            "organisation": organisation.pk,
            "name": "Psykiatriska mottagningen Söder",
            "type": WorkplaceType.OUTPATIENT,
            "address": "Ringvägen 52, Stockholm",
            "contact_name": "Lena Lind",
            "contact_email": "lena.lind@example.org",
            "contact_phone": "08-123 456 78",
            "managers": [unit_manager.pk],
        },
    )
    workplace = Workplace.objects.get(name="Psykiatriska mottagningen Söder")
    assert response["Location"] == reverse("workplaces:workplace_detail", args=[workplace.pk])
    assert workplace.region == stockholm
    assert workplace.contact_email == "lena.lind@example.org"
    assert list(workplace.managers.all()) == [unit_manager]


def test_workplace_form_offers_only_own_regions_organisations_and_managers(
    coordinator, other_coordinator, unit_manager, stockholm, skane, client_for
):
    """Organisations and unit managers of other regions are neither offered nor accepted."""
    skane_manager = person_with_role(Role.UNIT_MANAGER, skane)
    skane_organisation = actions.create_organisation(
        actor=other_coordinator, region=skane, name="Region Skåne", principal=Principal.REGION
    )
    client = client_for(coordinator)
    form = client.get(reverse("workplaces:workplace_create")).context["form"]
    assert list(form.fields["managers"].queryset) == [unit_manager]
    assert skane_organisation not in form.fields["organisation"].queryset
    response = client.post(
        reverse("workplaces:workplace_create"),
        {
            "organisation": skane_organisation.pk,
            "name": "Smygehamn",
            "type": WorkplaceType.OTHER,
            "managers": [skane_manager.pk],
        },
    )
    assert set(response.context["form"].errors) == {"organisation", "managers"}
    assert response.context["form"]["name"].value() == "Smygehamn"
    assert not Workplace.objects.filter(name="Smygehamn").exists()


def test_manager_must_hold_the_role_in_the_organisations_region(
    coordinator, stockholm, skane, client_for
):
    """A coordinator of two regions cannot make a Skåne unit manager manage a Stockholm unit."""
    from tests.factories import MembershipFactory

    MembershipFactory(user=coordinator, role=Role.COORDINATOR, region=skane)
    skane_manager = person_with_role(Role.UNIT_MANAGER, skane, full_name="Eva Skåne")
    organisation = actions.create_organisation(
        actor=coordinator, region=stockholm, name="Region Stockholm", principal=Principal.REGION
    )
    response = client_for(coordinator).post(
        reverse("workplaces:workplace_create"),
        {
            "organisation": organisation.pk,
            "name": "Norrmalm",
            "type": WorkplaceType.OTHER,
            "managers": [skane_manager.pk],
        },
    )
    assert "Eva Skåne" in response.context["form"].errors["managers"][0]
    assert not Workplace.objects.filter(name="Norrmalm").exists()


def test_workplace_form_guards_free_text_but_takes_the_contact_persons_details(
    coordinator, stockholm, client_for
):
    """The contact person is staff: their e-mail and phone are kept. A personal identity
    number typed in the address is refused next to it, and the rest stays typed."""
    organisation = actions.create_organisation(
        actor=coordinator, region=stockholm, name="Region Stockholm", principal=Principal.REGION
    )
    data = {
        "organisation": organisation.pk,
        "name": "Mottagningen Väst",
        "type": WorkplaceType.OUTPATIENT,
        "address": "Hos 19850312-1234, Fridhemsgatan 2",
        "contact_name": "Lena Lind",
        "contact_email": "lena.lind@example.org",
        "contact_phone": "070-123 45 67",
    }
    client = client_for(coordinator)
    form = client.post(reverse("workplaces:workplace_create"), data).context["form"]
    assert set(form.errors) == {"address"}
    assert form["contact_phone"].value() == "070-123 45 67"
    data["address"] = "Fridhemsgatan 2, Stockholm"
    client.post(reverse("workplaces:workplace_create"), data)
    assert Workplace.objects.get(name="Mottagningen Väst").contact_phone == "070-123 45 67"


def test_workplace_create_without_organisations_links_to_creating_one(coordinator, client_for):
    response = client_for(coordinator).get(reverse("workplaces:workplace_create"))
    assert reverse("workplaces:organisation_create") in response.content.decode()
    assert response.context["has_organisations"] is False


def test_workplace_detail_scoping(
    coordinator,
    other_coordinator,
    unit_manager,
    peer_supporter,
    stockholm,
    workplace,
    client_for,
):
    """The region's coordinator and the workplace's unit manager open it; the other region's
    coordinator and a unit manager of another workplace get 404; a peer supporter 403."""
    other_manager = person_with_role(Role.UNIT_MANAGER, stockholm)
    bare_workplace(coordinator, stockholm, managers=[other_manager])
    url = reverse("workplaces:workplace_detail", args=[workplace.pk])
    assert client_for(coordinator).get(url).status_code == 200
    assert client_for(unit_manager).get(url).status_code == 200
    assert client_for(other_coordinator).get(url).status_code == 404
    assert client_for(other_manager).get(url).status_code == 404
    assert client_for(peer_supporter).get(url).status_code == 403


def test_workplace_detail_shows_placements_with_links(
    coordinator, unit_manager, stockholm, workplace, client_for
):
    """The placements at the workplace link to their pages."""
    placement = active_placement(
        coordinator, unit_manager, workplace, certified_participant(stockholm, name="Kim Kamrat")
    )
    html = (
        client_for(unit_manager)
        .get(reverse("workplaces:workplace_detail", args=[workplace.pk]))
        .content.decode()
    )
    assert "Kim Kamrat" in html
    assert reverse("workplaces:placement_detail", args=[placement.pk]) in html
