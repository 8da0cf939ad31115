"""The evaluation in the main menu: researchers build studies and instruments, coordinators
read their regions' results, and those who hand out slips find them."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

STUDIES = reverse("evaluation:study_list")
INSTRUMENTS = reverse("evaluation:instrument_list")
SLIPS = reverse("evaluation:slip_batches")


def menu(client_for, user) -> list[str]:
    response = client_for(user).get(reverse("home"))
    return [item["url"] for item in response.context["nav_items"]]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("researcher", {STUDIES, INSTRUMENTS}),
        ("admin_user", {STUDIES, INSTRUMENTS}),
        ("coordinator", {STUDIES, SLIPS}),
        ("peer_supporter", {SLIPS}),
        ("unit_manager", {SLIPS}),
        ("supervisor", set()),
        ("auditor", set()),
    ],
)
def test_each_role_finds_the_evaluation_pages_it_may_open(role, expected, request, client_for):
    """Every link shown opens for the role (no link to a page that answers 403)."""
    user = request.getfixturevalue(role)
    shown = set(menu(client_for, user)) & {STUDIES, INSTRUMENTS, SLIPS}
    assert shown == expected
    for url in shown:
        assert client_for(user).get(url).status_code == 200, url


def test_the_studies_link_is_marked_on_the_study_list(researcher, client_for):
    response = client_for(researcher).get(STUDIES)
    active = [item["url"] for item in response.context["nav_items"] if item["active"]]
    assert active == [STUDIES]
