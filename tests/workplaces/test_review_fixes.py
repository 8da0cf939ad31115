"""Regression tests for defects found in review of the workplaces app."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peersupport.privacy import validate_no_identifying_data
from tests.factories import active_placement, certified_participant, ready_workplace
from workplaces import actions
from workplaces.models import SessionKind, SupportSession

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.mark.parametrize(
    ("url_name", "parameter"),
    [("placement_create", "workplace"), ("workplace_create", "organisation")],
)
def test_a_preselection_in_non_ascii_digits_is_ignored(
    coordinator, client_for, url_name, parameter
):
    """A preselected id written in digits int() refuses ("²") shows the form, not a 500."""
    response = client_for(coordinator).get(reverse(f"workplaces:{url_name}"), {parameter: "²"})

    assert response.status_code == 200


def test_an_edited_session_cannot_move_before_the_placement_started(
    coordinator, unit_manager, peer_supporter, stockholm, client_for
):
    """Editing a session refuses a date before its placement started, as logging does."""
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    placement = active_placement(
        coordinator,
        unit_manager,
        workplace,
        certified_participant(stockholm, peer_supporter),
        start_date=TODAY - dt.timedelta(days=30),
    )
    session = actions.log_support_session(
        actor=peer_supporter,
        placement=placement,
        date=TODAY,
        minutes=30,
        kind=SessionKind.CONVERSATION,
    )

    response = client_for(peer_supporter).post(
        reverse("workplaces:session_edit", args=[session.pk]),
        {"date": "2000-01-01", "minutes": "30", "kind": SessionKind.CONVERSATION},
    )

    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    assert SupportSession.objects.get(pk=session.pk).date == TODAY


@pytest.mark.parametrize(
    "text",
    ["Ring (08) 123 45 67", "Hans nummer är 070–123 45 67", "Personnummer 850101–1234"],
)
def test_the_privacy_guard_reads_other_dashes_and_bracketed_area_codes(text):
    """A phone number with its area code in brackets, or written with an en dash, and an
    identity number with an en dash are refused like their plain forms."""
    with pytest.raises(ValidationError):
        validate_no_identifying_data(text)


def _queries_for(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_placement_and_review_lists_cost_the_same_queries_for_1_and_4_placements(
    coordinator, unit_manager, stockholm, client_for
):
    """The placement list and the follow-up list issue a fixed number of queries whatever
    the number of rows, for the coordinator and the unit manager alike."""
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])

    def add_placement(number):
        active_placement(
            coordinator,
            unit_manager,
            workplace,
            certified_participant(stockholm, name=f"Person {number}"),
            hours_per_week=5,
            start_date=TODAY - dt.timedelta(days=400),
        )

    add_placement(0)
    urls = [reverse("workplaces:placement_list"), reverse("workplaces:review_list") + "?show=all"]
    clients = [client_for(coordinator), client_for(unit_manager)]
    before = [_queries_for(client, url) for client in clients for url in urls]
    for number in range(1, 4):
        add_placement(number)
    after = [_queries_for(client, url) for client in clients for url in urls]

    assert after == before
    reviews = clients[1].get(urls[1]).context["page"].paginator.count
    assert reviews >= 4
