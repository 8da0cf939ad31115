"""The N+1 guard in tests/conftest.py is on for every request the test client makes, so a page
that loads a relation row by row fails its tests, whatever its pinned query count says."""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path
from zeal import NPlusOneError

from peersupport.accounts.models import Membership, Role

from ..factories import RegionFactory, person_with_role


@login_not_required
def region_per_row(request):
    names = [membership.region.name for membership in Membership.objects.order_by("pk")]
    return HttpResponse(", ".join(names))


@login_not_required
def region_joined(request):
    memberships = Membership.objects.select_related("region").order_by("pk")
    return HttpResponse(", ".join(membership.region.name for membership in memberships))


urlpatterns = [
    path("per-row/", region_per_row),
    path("joined/", region_joined),
]


@pytest.fixture
def two_memberships(db):
    person_with_role(Role.COORDINATOR, RegionFactory(code="uppsala", name="Region Uppsala"))
    person_with_role(Role.COORDINATOR, RegionFactory(code="orebro", name="Region Örebro"))


@pytest.mark.urls(__name__)
def test_a_page_that_loads_a_relation_per_row_fails(client, two_memberships):
    """Touching ``membership.region`` for each row of a list raises during the request."""
    with pytest.raises(NPlusOneError, match="accounts.Membership.region"):
        client.get("/per-row/")


@pytest.mark.urls(__name__)
def test_the_same_page_joining_the_relation_passes(client, two_memberships):
    """The guard objects to the pattern, not to the page: with the join it renders."""
    response = client.get("/joined/")

    assert response.status_code == 200
    assert "Region Uppsala" in response.content.decode()


@pytest.mark.urls(__name__)
@pytest.mark.zeal_ignore(allowlist=[{"model": "accounts.Membership", "field": "region"}])
def test_a_marked_false_positive_is_let_through(client, two_memberships):
    """``zeal_ignore`` exempts exactly the relation it names."""
    response = client.get("/per-row/")

    assert response.status_code == 200
