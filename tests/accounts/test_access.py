import pytest
from django.urls import reverse

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditAction, AuditEvent
from tests.factories import person_with_role

pytestmark = pytest.mark.django_db


def test_peer_supporter_is_denied_coordinator_pages(peer_supporter, client_for):
    """A peer supporter gets 403 on the coordinator's pages, and the denial is audited."""
    client = client_for(peer_supporter)
    for url in (reverse("accounts:person_list"), reverse("accounts:person_invite")):
        response = client.get(url)
        assert response.status_code == 403
    denials = AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, actor=peer_supporter)
    assert denials.count() == 2
    assert denials.first().path in {
        reverse("accounts:person_list"),
        reverse("accounts:person_invite"),
    }


def test_coordinator_sees_only_own_region(
    coordinator, other_peer_supporter, peer_supporter, client_for
):
    """A coordinator lists the people of their own region and never another region's."""
    client = client_for(coordinator)
    response = client.get(reverse("accounts:person_list"))
    assert response.status_code == 200
    people = list(response.context["page"])
    assert peer_supporter in people
    assert other_peer_supporter not in people
    assert other_peer_supporter.email not in response.content.decode()
    detail = client.get(reverse("accounts:person_detail", args=[other_peer_supporter.pk]))
    assert detail.status_code == 404


def test_person_with_roles_in_two_regions_shows_only_visible_roles(
    coordinator, stockholm, skane, client_for
):
    """A person who is in both regions shows only the coordinator's region's role."""
    person = person_with_role(Role.PEER_SUPPORTER, stockholm)
    from tests.factories import MembershipFactory

    MembershipFactory(user=person, role=Role.SUPERVISOR, region=skane)
    response = client_for(coordinator).get(reverse("accounts:person_detail", args=[person.pk]))
    assert [m.region for m in response.context["memberships"]] == [stockholm]


def test_reading_a_person_is_audited(coordinator, peer_supporter, client_for):
    """Opening a person's record writes a read event with the actor and the record."""
    client_for(coordinator).get(reverse("accounts:person_detail", args=[peer_supporter.pk]))
    event = AuditEvent.objects.get(action=AuditAction.READ)
    assert event.actor == coordinator
    assert event.object_id == str(peer_supporter.pk)
    assert event.ip_address == "127.0.0.1"


def test_person_list_filters_by_role_and_search(
    coordinator, peer_supporter, supervisor, client_for
):
    """The coordinator's list filters by role and searches names."""
    client = client_for(coordinator)
    by_role = client.get(reverse("accounts:person_list"), {"role": Role.SUPERVISOR})
    assert list(by_role.context["page"]) == [supervisor]
    by_name = client.get(reverse("accounts:person_list"), {"q": "elias"})
    assert list(by_name.context["page"]) == [peer_supporter]


@pytest.mark.parametrize("rows", [1, 50])
def test_person_list_query_count_is_constant(
    rows, coordinator, stockholm, client_for, django_assert_num_queries
):
    """The people list costs the same number of queries for 1 and 50 people."""
    for _ in range(rows):
        person_with_role(Role.PEER_SUPPORTER, stockholm, mfa=False)
    client = client_for(coordinator)
    client.get(reverse("home"))
    # session, user, memberships, MFA check, region filter, count, page, prefetched roles
    with django_assert_num_queries(8):
        response = client.get(reverse("accounts:person_list"))
    assert response.context["page"].paginator.count == rows + 1
