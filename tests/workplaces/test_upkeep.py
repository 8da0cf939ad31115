"""Correcting what was registered at workplaces: organisations, workplaces and their unit
managers, withdrawing readiness, planned staff trainings, and a placement's hours, dates and
tasks – each through an action, audit-logged, with the rules of creation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import Membership, Role
from peersupport.audit.models import AuditAction, AuditEvent
from tests.factories import (
    active_placement,
    certified_participant,
    person_with_role,
    ready_workplace,
)
from workplaces import actions
from workplaces.models import (
    Employer,
    Organisation,
    Placement,
    PlacementStatus,
    Principal,
    ReadinessConfirmation,
    ReadinessItem,
    StaffTraining,
    Task,
    TraineeOrder,
    Workplace,
    WorkplaceType,
)

pytestmark = [pytest.mark.django_db, pytest.mark.english]
TODAY = timezone.localdate()


@pytest.fixture
def workplace(coordinator, unit_manager, stockholm):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


def detail(client, workplace):
    return client.get(reverse("workplaces:workplace_detail", args=[workplace.pk]))


def events_for(obj):
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), action=AuditAction.UPDATE
    )


# Organisations and workplaces -------------------------------------------------------------


def test_coordinator_renames_an_organisation(coordinator, workplace, client_for):
    """Name and principal change; the change is audit-logged with old and new values."""
    organisation = workplace.organisation
    url = reverse("workplaces:organisation_edit", args=[organisation.pk])
    response = client_for(coordinator).post(
        url, {"name": "Region Stockholm, Psykiatri", "principal": Principal.MUNICIPALITY}
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.principal) == (
        "Region Stockholm, Psykiatri",
        Principal.MUNICIPALITY,
    )
    event = events_for(organisation).get()
    assert event.detail["changed"]["name"][1] == "Region Stockholm, Psykiatri"


def test_organisation_name_taken_in_the_region_is_refused_next_to_the_name(
    coordinator, stockholm, workplace, client_for
):
    """A name another organisation of the region has is refused with status 400; what was
    typed stays."""
    actions.create_organisation(
        actor=coordinator, region=stockholm, name="Stadsdelen", principal=Principal.MUNICIPALITY
    )
    url = reverse("workplaces:organisation_edit", args=[workplace.organisation_id])
    response = client_for(coordinator).post(
        url, {"name": "Stadsdelen", "principal": Principal.OTHER}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "name" in form.errors
    assert form["principal"].value() == Principal.OTHER


def test_organisation_edit_is_scoped(other_coordinator, unit_manager, workplace, client_for):
    """Another region's coordinator gets 404; a unit manager 403."""
    url = reverse("workplaces:organisation_edit", args=[workplace.organisation_id])
    assert client_for(other_coordinator).get(url).status_code == 404
    assert client_for(unit_manager).get(url).status_code == 403


def workplace_data(workplace, **overrides):
    data = {
        "organisation": workplace.organisation_id,
        "name": workplace.name,
        "type": workplace.type,
        "address": "Ringvägen 1",
        "contact_name": "Annelie Sjöberg",
        "contact_email": "annelie@example.org",
        "contact_phone": "08-123 450 00",
        "managers": [m.pk for m in workplace.managers.all()],
    }
    return data | overrides


def test_coordinator_edits_a_workplace_and_adds_a_manager(
    coordinator, unit_manager, stockholm, workplace, client_for
):
    """The registration fields change, and a second unit manager of the region is added: they
    now manage it (and see it on their pages)."""
    second = person_with_role(Role.UNIT_MANAGER, stockholm, full_name="Lena Chef")
    url = reverse("workplaces:workplace_edit", args=[workplace.pk])
    response = client_for(coordinator).post(
        url,
        workplace_data(
            workplace,
            name="Öppenvården Nord och Syd",
            type=WorkplaceType.ACT_TEAM,
            managers=[unit_manager.pk, second.pk],
        ),
    )
    assert response["Location"] == reverse("workplaces:workplace_detail", args=[workplace.pk])
    workplace.refresh_from_db()
    assert workplace.name == "Öppenvården Nord och Syd"
    assert workplace.type == WorkplaceType.ACT_TEAM
    assert set(workplace.managers.all()) == {unit_manager, second}
    assert detail(client_for(second), workplace).status_code == 200
    event = events_for(workplace).get()
    assert event.detail["managers_added"] == [second.email]
    assert event.detail["changed"]["name"] == ["Öppenvården Nord", "Öppenvården Nord och Syd"]


def test_removing_the_last_manager_is_allowed_and_shown_as_missing(
    coordinator, unit_manager, workplace, client_for
):
    """Without managers the workplace page says so; the former manager keeps the role but no
    longer sees the workplace."""
    url = reverse("workplaces:workplace_edit", args=[workplace.pk])
    client_for(coordinator).post(url, workplace_data(workplace, managers=[]))
    assert not workplace.managers.exists()
    assert Membership.objects.filter(user=unit_manager, role=Role.UNIT_MANAGER).exists()
    html = detail(client_for(coordinator), workplace).content.decode()
    assert 'id="no-managers"' in html
    assert detail(client_for(unit_manager), workplace).status_code == 404
    removal = events_for(workplace).get(detail__manager_removed=unit_manager.email)
    assert removal.actor == coordinator


def test_a_workplace_cannot_move_to_another_regions_organisation(
    coordinator, other_coordinator, skane, workplace, client_for
):
    """The organisations offered are the workplace's region's only: another is refused next
    to the field, status 400, and nothing changes."""
    skane_organisation = actions.create_organisation(
        actor=other_coordinator, region=skane, name="Malmö stad", principal=Principal.MUNICIPALITY
    )
    url = reverse("workplaces:workplace_edit", args=[workplace.pk])
    response = client_for(coordinator).post(
        url, workplace_data(workplace, organisation=skane_organisation.pk, name="Ny")
    )
    assert response.status_code == 400
    assert "organisation" in response.context["form"].errors
    assert response.context["form"]["name"].value() == "Ny"
    workplace.refresh_from_db()
    assert workplace.region_id != skane.pk and workplace.name != "Ny"


def test_update_workplace_refuses_another_regions_organisation(
    coordinator, other_coordinator, skane, workplace
):
    skane_organisation = actions.create_organisation(
        actor=other_coordinator, region=skane, name="Malmö stad", principal=Principal.MUNICIPALITY
    )
    with pytest.raises(Exception, match="own region"):
        actions.update_workplace(
            actor=coordinator,
            workplace=workplace,
            organisation=skane_organisation,
            name=workplace.name,
            type=workplace.type,
        )


def test_workplace_edit_is_for_the_regions_coordinators(
    other_coordinator, unit_manager, workplace, client_for
):
    url = reverse("workplaces:workplace_edit", args=[workplace.pk])
    assert client_for(other_coordinator).get(url).status_code == 404
    assert client_for(unit_manager).get(url).status_code == 403


# Withdrawing readiness --------------------------------------------------------------------


def withdraw_url(workplace, item):
    return reverse("workplaces:readiness_withdraw", args=[workplace.pk, item])


def test_unit_manager_withdraws_the_budget_and_the_workplace_stops_being_ready(
    unit_manager, workplace, client_for
):
    """The reason is kept and audit-logged; the page shows the item as withdrawn; trainees
    can no longer be ordered."""
    client = client_for(unit_manager)
    response = client.post(
        withdraw_url(workplace, "budget"), {"reason": "Budgeten drogs in i nya budgeten"}
    )
    assert response.status_code == 302
    confirmation = ReadinessConfirmation.objects.get(workplace=workplace, item="budget")
    assert confirmation.withdrawn_on == TODAY
    assert confirmation.withdrawn_by == unit_manager
    assert not actions.is_ready(workplace)
    assert "Budget for the post confirmed" in actions.readiness_missing(workplace)
    event = events_for(confirmation).get()
    assert event.detail == {"withdrawn": "budget", "reason": "Budgeten drogs in i nya budgeten"}
    html = detail(client, workplace).content.decode()
    assert "Budgeten drogs in i nya budgeten" in html
    assert "Withdrawn" in html
    refused = client.post(
        reverse("workplaces:trainee_order_create", args=[workplace.pk]), {"posts": "1"}
    )
    assert "Budget for the post confirmed" in refused.context["form"].non_field_errors()[0]
    assert not TraineeOrder.objects.exists()


def test_a_placement_cannot_be_agreed_at_a_workplace_whose_readiness_was_withdrawn(
    coordinator, unit_manager, stockholm, workplace
):
    """The existing gate: agreeing needs a ready workplace; a running placement goes on."""
    running = active_placement(
        coordinator, unit_manager, workplace, certified_participant(stockholm, name="Ada Aktiv")
    )
    proposal = actions.propose_placement(
        actor=coordinator,
        participant=certified_participant(stockholm, name="Bo Bud"),
        workplace=workplace,
        employer=Employer.ASSOCIATION,
        hours_per_week=Decimal("10"),
        start_date=TODAY,
    )
    actions.agree_placement(actor=coordinator, placement=proposal)
    confirmation = workplace.readiness.get(item=ReadinessItem.ANCHORING)
    actions.withdraw_readiness(actor=unit_manager, confirmation=confirmation, reason="Omorg")
    with pytest.raises(Exception, match="is not ready"):
        actions.agree_placement(actor=unit_manager, placement=proposal)
    running.refresh_from_db()
    assert running.status == PlacementStatus.ACTIVE


def test_withdrawal_needs_a_reason_without_identifying_data(coordinator, workplace, client_for):
    """An empty reason or a phone number is refused next to the reason (status 400)."""
    client = client_for(coordinator)
    empty = client.post(withdraw_url(workplace, "anchoring"), {"reason": ""})
    assert empty.status_code == 400 and "reason" in empty.context["form"].errors
    phone = client.post(withdraw_url(workplace, "anchoring"), {"reason": "ring 070-123 45 67"})
    assert phone.status_code == 400
    assert phone.context["form"]["reason"].value() == "ring 070-123 45 67"
    assert not ReadinessConfirmation.objects.filter(withdrawn_on__isnull=False).exists()


def test_confirming_again_after_a_withdrawal_makes_the_workplace_ready(
    coordinator, unit_manager, workplace
):
    confirmation = workplace.readiness.get(item=ReadinessItem.ANCHORING)
    actions.withdraw_readiness(actor=unit_manager, confirmation=confirmation, reason="Ny chef")
    assert not actions.is_ready(workplace)
    actions.confirm_readiness(actor=coordinator, workplace=workplace, item="anchoring")
    confirmation.refresh_from_db()
    assert confirmation.withdrawn_on is None and confirmation.withdrawal_reason == ""
    assert actions.is_ready(workplace)


def test_a_withdrawn_item_cannot_be_withdrawn_again_and_others_get_404(
    coordinator, other_coordinator, peer_supporter, unit_manager, workplace, client_for
):
    confirmation = workplace.readiness.get(item=ReadinessItem.BUDGET)
    actions.withdraw_readiness(actor=unit_manager, confirmation=confirmation, reason="Slut")
    assert client_for(coordinator).get(withdraw_url(workplace, "budget")).status_code == 404
    url = withdraw_url(workplace, "anchoring")
    assert client_for(other_coordinator).post(url, {"reason": "x"}).status_code == 404
    assert client_for(peer_supporter).post(url, {"reason": "x"}).status_code == 403
    assert client_for(coordinator).get(withdraw_url(workplace, "money")).status_code == 404


def test_the_ready_filter_of_the_list_follows_withdrawals(
    coordinator, unit_manager, workplace, client_for
):
    """The workplace list's ready/not-ready filter counts as readiness_missing does."""
    confirmation = workplace.readiness.get(item=ReadinessItem.USER_MOVEMENT_CONTACT)
    actions.withdraw_readiness(actor=unit_manager, confirmation=confirmation, reason="Bytt")
    client = client_for(coordinator)
    url = reverse("workplaces:workplace_list")
    assert [w.pk for w in client.get(url, {"readiness": "ready"}).context["page"]] == []
    assert [w.pk for w in client.get(url, {"readiness": "not_ready"}).context["page"]] == [
        workplace.pk
    ]


# Planned staff trainings ------------------------------------------------------------------


@pytest.fixture
def new_workplace(coordinator, unit_manager, stockholm):
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


def test_a_planned_training_does_not_count_until_it_is_recorded_as_held(
    unit_manager, new_workplace, client_for
):
    """Planned with a future date and no staff count; the page shows it planned and 0 of 3
    held; from its date the attendance can be recorded and then it counts."""
    client = client_for(unit_manager)
    planned_on = TODAY + dt.timedelta(days=10)
    response = client.post(
        reverse("workplaces:staff_training_create", args=[new_workplace.pk]),
        {"held_on": planned_on.isoformat(), "staff_count": ""},
    )
    assert response.status_code == 302
    training = StaffTraining.objects.get(workplace=new_workplace)
    assert training.is_planned
    html = detail(client, new_workplace).content.decode()
    assert "Staff trainings held: 0 of 3" in html and "Planned" in html
    assert "Staff trainings held: 0 of 3" in actions.readiness_missing(new_workplace)
    held_url = reverse("workplaces:staff_training_held", args=[new_workplace.pk, training.pk])
    early = client.post(held_url, {"staff_count": "12"})
    assert early.status_code == 400 and "staff_count" in early.context["form"].errors
    training.held_on = TODAY
    training.save()
    assert client.post(held_url, {"staff_count": "12"}).status_code == 302
    training.refresh_from_db()
    assert training.staff_count == 12
    assert "Staff trainings held: 1 of 3" in actions.readiness_missing(new_workplace)
    assert events_for(training).get().detail == {"staff_count": 12}
    assert client.get(held_url).status_code == 404


def test_a_past_training_needs_its_staff_count(coordinator, new_workplace, client_for):
    response = client_for(coordinator).post(
        reverse("workplaces:staff_training_create", args=[new_workplace.pk]),
        {"held_on": (TODAY - dt.timedelta(days=3)).isoformat(), "staff_count": ""},
    )
    assert response.status_code == 200
    assert "staff_count" in response.context["form"].errors
    assert not StaffTraining.objects.exists()


def test_a_planned_training_whose_day_passed_unrecorded_does_not_count(coordinator, new_workplace):
    training = actions.record_staff_training(
        actor=coordinator, workplace=new_workplace, held_on=TODAY
    )
    StaffTraining.objects.filter(pk=training.pk).update(held_on=TODAY - dt.timedelta(days=5))
    assert "Staff trainings held: 0 of 3" in actions.readiness_missing(new_workplace)


# Editing a placement ----------------------------------------------------------------------


@pytest.fixture
def person(stockholm, peer_supporter):
    return certified_participant(stockholm, user=peer_supporter)


def edit_url(placement):
    return reverse("workplaces:placement_edit", args=[placement.pk])


def test_coordinator_edits_hours_tasks_and_end_of_an_active_placement(
    coordinator, unit_manager, workplace, person, client_for
):
    placement = active_placement(coordinator, unit_manager, workplace, person)
    end = TODAY + dt.timedelta(days=180)
    response = client_for(coordinator).post(
        edit_url(placement),
        {
            "hours_per_week": "30",
            "end_date": end.isoformat(),
            "tasks": [Task.GROUPS, Task.LEISURE],
        },
    )
    assert response["Location"] == reverse("workplaces:placement_detail", args=[placement.pk])
    placement.refresh_from_db()
    assert placement.hours_per_week == Decimal("30")
    assert placement.end_date == end
    assert placement.tasks == [Task.GROUPS, Task.LEISURE]
    assert placement.start_date == TODAY
    assert events_for(placement).get().detail["changed"]["hours_per_week"] == ["20.0", "30"]


def test_editing_hours_beyond_full_time_is_refused_next_to_the_hours(
    coordinator, unit_manager, workplace, person, stockholm, client_for
):
    """With 20 hours elsewhere, 25 more is refused (status 400), what was typed stays."""
    other = ready_workplace(
        coordinator, stockholm, name="Mottagningen Syd", managers=[unit_manager]
    )
    active_placement(coordinator, unit_manager, other, person)
    placement = active_placement(coordinator, unit_manager, workplace, person, hours_per_week=10)
    response = client_for(coordinator).post(
        edit_url(placement), {"hours_per_week": "25", "tasks": [Task.CONVERSATIONS]}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "full time" in form.errors["hours_per_week"][0]
    assert form["hours_per_week"].value() == "25"
    placement.refresh_from_db()
    assert placement.hours_per_week == Decimal("10")
    assert (
        client_for(coordinator).post(edit_url(placement), {"hours_per_week": "20"}).status_code
        == 302
    )


def test_end_before_start_is_refused_and_a_proposal_may_move_its_start(
    coordinator, workplace, person, client_for
):
    proposal = actions.propose_placement(
        actor=coordinator,
        participant=person,
        workplace=workplace,
        employer=Employer.ASSOCIATION,
        hours_per_week=Decimal("20"),
        start_date=TODAY + dt.timedelta(days=30),
    )
    client = client_for(coordinator)
    refused = client.post(
        edit_url(proposal),
        {
            "hours_per_week": "20",
            "start_date": (TODAY + dt.timedelta(days=30)).isoformat(),
            "end_date": TODAY.isoformat(),
        },
    )
    assert refused.status_code == 400 and "end_date" in refused.context["form"].errors
    moved = TODAY + dt.timedelta(days=45)
    client.post(edit_url(proposal), {"hours_per_week": "20", "start_date": moved.isoformat()})
    proposal.refresh_from_db()
    assert proposal.start_date == moved


def test_an_active_placement_keeps_its_start_date(coordinator, unit_manager, workplace, person):
    placement = active_placement(coordinator, unit_manager, workplace, person)
    with pytest.raises(Exception, match="keeps its start date"):
        actions.update_placement(
            actor=coordinator,
            placement=placement,
            hours_per_week=Decimal("20"),
            start_date=TODAY - dt.timedelta(days=10),
        )


def test_placement_edit_is_for_the_regions_coordinators_and_open_placements(
    coordinator, other_coordinator, unit_manager, peer_supporter, workplace, person, client_for
):
    """Another region's coordinator 404, the unit manager and the peer supporter 403; an
    ended placement sends the coordinator back with a message and shows no edit button."""
    placement = active_placement(coordinator, unit_manager, workplace, person)
    assert client_for(other_coordinator).get(edit_url(placement)).status_code == 404
    assert client_for(unit_manager).get(edit_url(placement)).status_code == 403
    assert client_for(peer_supporter).get(edit_url(placement)).status_code == 403
    page = client_for(coordinator).get(reverse("workplaces:placement_detail", args=[placement.pk]))
    assert edit_url(placement) in page.content.decode()
    actions.end_placement(
        actor=coordinator, placement=placement, reason="Slut", reason_category="other"
    )
    assert client_for(coordinator).get(edit_url(placement)).status_code == 302
    page = client_for(coordinator).get(reverse("workplaces:placement_detail", args=[placement.pk]))
    assert edit_url(placement) not in page.content.decode()


def test_workplace_detail_costs_the_same_with_more_trainings_and_withdrawals(
    coordinator, unit_manager, workplace, client_for, django_assert_max_num_queries
):
    """Planned trainings and withdrawn items add no query per row to the workplace page."""
    client = client_for(coordinator)
    detail(client, workplace)
    with CaptureQueriesContext(connection) as before:
        detail(client, workplace)
    for days in (5, 10, 15):
        actions.record_staff_training(
            actor=coordinator, workplace=workplace, held_on=TODAY + dt.timedelta(days=days)
        )
    actions.withdraw_readiness(
        actor=unit_manager,
        confirmation=workplace.readiness.get(item=ReadinessItem.ANCHORING),
        reason="Ny chef",
    )
    with django_assert_max_num_queries(len(before)):
        detail(client, workplace)


def test_models_are_unchanged_by_a_no_op_edit(coordinator, workplace, client_for):
    """Saving the workplace form unchanged writes no audit event."""
    url = reverse("workplaces:workplace_edit", args=[workplace.pk])
    form = client_for(coordinator).get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    client_for(coordinator).post(url, data)
    assert not events_for(workplace).exists()
    assert Workplace.objects.get(pk=workplace.pk).name == workplace.name
    assert Organisation.objects.count() == 1
    assert Placement.objects.count() == 0
