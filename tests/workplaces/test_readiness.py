"""Readiness on the workplace page: the checklist, confirming items, staff trainings, and the
gate that refuses trainee orders until the workplace is ready."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import ready_workplace
from workplaces import actions
from workplaces.models import (
    Principal,
    ReadinessConfirmation,
    ReadinessItem,
    StaffTraining,
    TraineeOrder,
    WorkplaceType,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def sv(text: str, **values) -> str:
    """``text`` as the Swedish pages show it (the test users read Swedish)."""
    with translation.override("sv"):
        translated = translation.gettext(text)
    return translated % values if values else translated


@pytest.fixture
def workplace(coordinator, unit_manager, stockholm):
    """A new workplace with nothing confirmed yet."""
    organisation = actions.create_organisation(
        actor=coordinator, region=stockholm, name="Stockholms stad", principal=Principal.REGION
    )
    return actions.create_workplace(
        actor=coordinator,
        organisation=organisation,
        name="Träffpunkten Hornstull",
        type=WorkplaceType.MEETING_PLACE,
        managers=[unit_manager],
    )


def detail(client, workplace):
    return client.get(reverse("workplaces:workplace_detail", args=[workplace.pk]))


def confirm_url(workplace, item):
    return reverse("workplaces:readiness_confirm", args=[workplace.pk, item])


def test_new_workplace_shows_not_ready_with_everything_missing(coordinator, workplace, client_for):
    """The banner says "Not ready" and lists every missing item, staff trainings 0 of 3."""
    response = detail(client_for(coordinator), workplace)
    html = response.content.decode()
    trainings = sv("Staff trainings held: %(held)s of %(required)s", held=0, required=3)
    assert response.context["missing"] == [
        sv("Budget for the post confirmed"),
        sv("Decision anchored with the staff"),
        sv("User-movement contact named"),
        trainings,
    ]
    assert 'class="alert alert-warning" role="status" id="readiness-banner"' in html
    assert f"{sv('missing:')} {'; '.join(response.context['missing'])}" in html
    assert trainings in html


def test_unit_manager_confirms_budget_with_fte_and_period(unit_manager, workplace, client_for):
    """The budget item records FTE and period, the date and who confirmed it."""
    client = client_for(unit_manager)
    response = client.post(
        confirm_url(workplace, "budget"),
        {
            "confirmed_on": "2026-03-02",
            "fte": "0.75",
            "period_start": "2026-04-01",
            "period_end": "2027-03-31",
            "note": "Beslut i ledningsgruppen",
        },
    )
    assert response["Location"] == reverse("workplaces:workplace_detail", args=[workplace.pk])
    confirmation = ReadinessConfirmation.objects.get(workplace=workplace, item="budget")
    assert confirmation.fte == Decimal("0.75")
    assert confirmation.period_end == dt.date(2027, 3, 31)
    assert confirmation.confirmed_on == dt.date(2026, 3, 2)
    assert confirmation.confirmed_by == unit_manager
    html = detail(client, workplace).content.decode()
    assert "2 mars 2026" in html
    assert unit_manager.full_name in html
    assert "0,75" in html


def test_budget_without_fte_and_period_is_refused_next_to_the_fields(
    coordinator, workplace, client_for
):
    response = client_for(coordinator).post(
        confirm_url(workplace, "budget"),
        {"confirmed_on": TODAY.isoformat(), "note": "Klart"},
    )
    assert response.status_code == 200
    assert {"fte", "period_start", "period_end"} <= set(response.context["form"].errors)
    assert response.context["form"]["note"].value() == "Klart"
    assert not ReadinessConfirmation.objects.exists()


def test_budget_period_must_end_after_it_starts(coordinator, workplace, client_for):
    response = client_for(coordinator).post(
        confirm_url(workplace, "budget"),
        {
            "confirmed_on": TODAY.isoformat(),
            "fte": "1",
            "period_start": "2027-01-01",
            "period_end": "2026-01-01",
        },
    )
    assert "period_end" in response.context["form"].errors


def test_confirmation_date_defaults_to_today_and_cannot_be_in_the_future(
    coordinator, workplace, client_for
):
    client = client_for(coordinator)
    form = client.get(confirm_url(workplace, "anchoring")).context["form"]
    assert form.initial["confirmed_on"] == TODAY
    assert set(form.fields) == {"confirmed_on", "note"}
    response = client.post(
        confirm_url(workplace, "anchoring"),
        {"confirmed_on": (TODAY + dt.timedelta(days=1)).isoformat()},
    )
    assert "confirmed_on" in response.context["form"].errors


def test_user_movement_contact_needs_a_name(coordinator, workplace, client_for):
    client = client_for(coordinator)
    url = confirm_url(workplace, "user_movement_contact")
    refused = client.post(url, {"confirmed_on": TODAY.isoformat(), "contact_name": ""})
    assert "contact_name" in refused.context["form"].errors
    client.post(url, {"confirmed_on": TODAY.isoformat(), "contact_name": "RSMH Södermalm"})
    confirmation = ReadinessConfirmation.objects.get(item=ReadinessItem.USER_MOVEMENT_CONTACT)
    assert confirmation.contact_name == "RSMH Södermalm"


def test_privacy_guard_refuses_a_phone_number_in_the_note_and_keeps_the_rest(
    coordinator, workplace, client_for
):
    """A phone number in the note is refused next to the note; what was typed stays."""
    response = client_for(coordinator).post(
        confirm_url(workplace, "user_movement_contact"),
        {
            "confirmed_on": TODAY.isoformat(),
            "contact_name": "RSMH Södermalm",
            "note": "ring mig på 070-123 45 67",
        },
    )
    form = response.context["form"]
    assert sv("a phone number") in form.errors["note"][0]
    assert form["contact_name"].value() == "RSMH Södermalm"
    assert form["note"].value() == "ring mig på 070-123 45 67"
    assert not ReadinessConfirmation.objects.exists()


def test_unknown_readiness_item_is_404(coordinator, workplace, client_for):
    response = client_for(coordinator).get(confirm_url(workplace, "money"))
    assert response.status_code == 404


def test_readiness_confirm_is_scoped(other_coordinator, peer_supporter, workplace, client_for):
    """Another region's coordinator gets 404, a peer supporter 403 – also on POST."""
    url = confirm_url(workplace, "anchoring")
    data = {"confirmed_on": TODAY.isoformat()}
    assert client_for(other_coordinator).post(url, data).status_code == 404
    assert client_for(peer_supporter).post(url, data).status_code == 403
    assert not ReadinessConfirmation.objects.exists()


def test_staff_trainings_are_recorded_with_date_and_staff_count(
    unit_manager, workplace, client_for
):
    """Each training shows its date and staff count; the page counts N of 3."""
    client = client_for(unit_manager)
    url = reverse("workplaces:staff_training_create", args=[workplace.pk])
    for days_ago, staff in ((40, 14), (25, 11)):
        held_on = (TODAY - dt.timedelta(days=days_ago)).isoformat()
        response = client.post(url, {"held_on": held_on, "staff_count": staff})
        assert response.status_code == 302
    assert StaffTraining.objects.filter(workplace=workplace).count() == 2
    html = detail(client, workplace).content.decode()
    assert sv("Staff trainings held: %(held)s of %(required)s", held=2, required=3) in html
    assert ">14<" in html and ">11<" in html


def test_staff_training_in_the_future_is_refused(coordinator, workplace, client_for):
    response = client_for(coordinator).post(
        reverse("workplaces:staff_training_create", args=[workplace.pk]),
        {"held_on": (TODAY + dt.timedelta(days=3)).isoformat(), "staff_count": 9},
    )
    assert "held_on" in response.context["form"].errors
    assert response.context["form"]["staff_count"].value() == "9"


def test_ordering_a_trainee_at_a_not_ready_workplace_lists_what_is_missing(
    coordinator, workplace, client_for
):
    """The order is refused with the missing items on the form; what was typed is kept."""
    actions.confirm_readiness(actor=coordinator, workplace=workplace, item="anchoring")
    response = client_for(coordinator).post(
        reverse("workplaces:trainee_order_create", args=[workplace.pk]),
        {"posts": "2", "note": "Två tjänster på halvtid"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    message = form.non_field_errors()[0]
    assert "Träffpunkten Hornstull" in message
    assert sv("Budget for the post confirmed") in message
    assert sv("User-movement contact named") in message
    assert sv("Staff trainings held: %(held)s of %(required)s", held=0, required=3) in message
    assert sv("Decision anchored with the staff") not in message
    assert form["posts"].value() == "2"
    assert form["note"].value() == "Två tjänster på halvtid"
    assert sv("Budget for the post confirmed") in response.content.decode()
    assert not TraineeOrder.objects.exists()


def test_ordering_a_trainee_at_a_ready_workplace(coordinator, unit_manager, stockholm, client_for):
    """Once ready, the unit manager's order is taken and shown on the workplace page."""
    ready = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    client = client_for(unit_manager)
    response = client.post(
        reverse("workplaces:trainee_order_create", args=[ready.pk]),
        {"posts": "1", "note": "Start till hösten"},
    )
    assert response["Location"] == reverse("workplaces:workplace_detail", args=[ready.pk])
    order = TraineeOrder.objects.get()
    assert (order.posts, order.ordered_by) == (1, unit_manager)
    html = detail(client, ready).content.decode()
    assert "Start till hösten" in html
    assert 'class="alert alert-success" role="status" id="readiness-banner"' in html


def test_confirming_everything_makes_the_workplace_ready(coordinator, workplace, client_for):
    """Through the pages alone: three items and three trainings turn the banner to Ready."""
    client = client_for(coordinator)
    today = TODAY.isoformat()
    client.post(
        confirm_url(workplace, "budget"),
        {
            "confirmed_on": today,
            "fte": "1",
            "period_start": today,
            "period_end": (TODAY + dt.timedelta(days=365)).isoformat(),
        },
    )
    client.post(confirm_url(workplace, "anchoring"), {"confirmed_on": today})
    client.post(
        confirm_url(workplace, "user_movement_contact"),
        {"confirmed_on": today, "contact_name": "Hjärnkoll"},
    )
    for days_ago in (21, 14, 7):
        client.post(
            reverse("workplaces:staff_training_create", args=[workplace.pk]),
            {"held_on": (TODAY - dt.timedelta(days=days_ago)).isoformat(), "staff_count": 10},
        )
    response = detail(client, workplace)
    assert response.context["missing"] == []
    assert actions.is_ready(workplace)
