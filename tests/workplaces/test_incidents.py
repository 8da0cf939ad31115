"""Incidents (avvikelser): reported by peer supporters, supervisors and unit managers,
followed up and closed by the region's coordinators, and shown to nobody else."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from peersupport.audit.models import AuditAction, AuditEvent
from peersupport.notifications.actions import render_notification
from peersupport.notifications.models import Notification
from tests.factories import active_placement, certified_participant, ready_workplace
from workplaces import actions
from workplaces.models import Incident, IncidentKind, IncidentStatus
from workplaces.notifications import INCIDENT_CLOSED, INCIDENT_REPORTED

pytestmark = pytest.mark.django_db

# The list pages cost this many queries whatever the number of incidents.
QUERIES_REGION_LIST = 7
QUERIES_MINE = 6

CREATE = reverse("workplaces:incident_create")
LIST = reverse("workplaces:incident_list")
MINE = reverse("workplaces:my_incidents")


def detail_url(incident):
    return reverse("workplaces:incident_detail", args=[incident.pk])


def follow_up_url(incident):
    return reverse("workplaces:incident_follow_up", args=[incident.pk])


@pytest.fixture
def workplace(coordinator, unit_manager, stockholm):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


@pytest.fixture
def placed(coordinator, unit_manager, peer_supporter, workplace, stockholm):
    """The peer supporter works at the workplace."""
    participant = certified_participant(stockholm, peer_supporter)
    return active_placement(coordinator, unit_manager, workplace, participant)


def report(actor, **fields):
    fields.setdefault("occurred_on", timezone.localdate())
    fields.setdefault("kind", IncidentKind.THREAT_OR_VIOLENCE)
    fields.setdefault("description", "En besökare blev hotfull i korridoren.")
    return actions.report_incident(actor=actor, **fields)


def form_data(**overrides):
    data = {
        "occurred_on": timezone.localdate().isoformat(),
        "kind": IncidentKind.RISK_TO_SERVICE_USER,
        "description": "Risk att en besökare skadar sig själv, personalen larmades.",
        "actions_taken": "Pratade med personalen på plats.",
    }
    data.update(overrides)
    return data


# Reporting ---------------------------------------------------------------------------------


def test_a_peer_supporter_reports_an_incident_at_their_workplace_and_coordinators_are_told(
    peer_supporter, coordinator, other_coordinator, workplace, placed, stockholm, client_for
):
    """The report belongs to the workplace's region; Stockholm's coordinators get a notice
    at once (not Skåne's); the report is audit-logged."""
    client = client_for(peer_supporter)
    response = client.post(
        CREATE, form_data(workplace=workplace.pk, region=stockholm.pk, shared_with_managers="on")
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert response["Location"] == detail_url(incident)
    assert (incident.region, incident.workplace, incident.reported_by, incident.status) == (
        stockholm,
        workplace,
        peer_supporter,
        IncidentStatus.REPORTED,
    )
    assert incident.shared_with_managers
    notices = Notification.objects.filter(kind=INCIDENT_REPORTED.key)
    assert [n.recipient for n in notices] == [coordinator]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(incident.pk)).exists()


@pytest.mark.english
def test_the_coordinators_notice_leaves_what_happened_in_the_app(
    peer_supporter, coordinator, workplace, placed
):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    incident = report(peer_supporter, workplace=workplace)
    subject_line, body = render_notification(Notification.objects.get(kind=INCIDENT_REPORTED.key))
    assert subject_line == "Incident reported: Threat or violence"
    assert detail_url(incident) in body
    assert "hotfull" not in body


def test_a_supervisor_reports_without_a_workplace_in_their_region(
    supervisor, stockholm, client_for
):
    """A supervisor has no workplace of their own: the report is the region's."""
    response = client_for(supervisor).post(CREATE, form_data(region=stockholm.pk))
    assert response.status_code == 302
    assert Incident.objects.get().region == stockholm


@pytest.mark.english
def test_identifying_data_is_refused_at_the_field_and_nothing_typed_is_lost(
    peer_supporter, placed, stockholm, client_for
):
    response = client_for(peer_supporter).post(
        CREATE, form_data(region=stockholm.pk, description="Ring henne på 070-123 45 67.")
    )
    assert response.status_code == 400
    assert "description" in response.context["form"].errors
    assert "Pratade med personalen" in response.content.decode()
    assert not Incident.objects.exists()


@pytest.mark.english
def test_a_workplace_that_is_not_theirs_and_sharing_without_one_are_refused(
    peer_supporter, coordinator, stockholm, client_for
):
    """Only the reporter's own workplaces are offered and accepted; managers can be shown
    a report only when a workplace is named."""
    elsewhere = ready_workplace(coordinator, stockholm, name="Avdelning 5")
    client = client_for(peer_supporter)
    foreign = client.post(CREATE, form_data(region=stockholm.pk, workplace=elsewhere.pk))
    assert foreign.status_code == 400
    assert "workplace" in foreign.context["form"].errors
    unshared = client.post(CREATE, form_data(region=stockholm.pk, shared_with_managers="on"))
    assert unshared.status_code == 400
    assert "shared_with_managers" in unshared.context["form"].errors
    assert not Incident.objects.exists()


def test_coordinators_and_researchers_do_not_report(coordinator, researcher, client_for):
    assert client_for(coordinator).get(CREATE).status_code == 403
    assert client_for(researcher).get(CREATE).status_code == 403


def test_an_incident_in_the_future_is_refused(supervisor, stockholm, client_for):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client_for(supervisor).post(
        CREATE, form_data(region=stockholm.pk, occurred_on=tomorrow)
    )
    assert response.status_code == 400
    assert not Incident.objects.exists()


# Who sees it ---------------------------------------------------------------------------------


def test_only_the_reporter_the_coordinators_and_chosen_managers_see_an_incident(
    peer_supporter,
    coordinator,
    other_coordinator,
    supervisor,
    unit_manager,
    researcher,
    auditor,
    workplace,
    placed,
    client_for,
):
    """Not shared: the unit manager gets 404 like everyone outside; shared: they read it.
    Every reading is audit-logged."""
    private = report(peer_supporter, workplace=workplace)
    shared = report(peer_supporter, workplace=workplace, shared_with_managers=True)
    for user in (peer_supporter, coordinator):
        assert client_for(user).get(detail_url(private)).status_code == 200
    for user in (unit_manager, other_coordinator, supervisor, researcher, auditor):
        assert client_for(user).get(detail_url(private)).status_code == 404
    assert client_for(unit_manager).get(detail_url(shared)).status_code == 200
    reads = AuditEvent.objects.filter(action=AuditAction.READ, object_type="workplaces.incident")
    assert reads.count() == 3


def test_a_coordinator_follows_up_and_closes_and_the_reporter_is_told(
    peer_supporter, coordinator, supervisor, stockholm, client_for
):
    incident = report(supervisor, region=stockholm)
    client = client_for(coordinator)
    first = client.post(
        follow_up_url(incident), {"note": "Pratat med handledaren.", "status": "following_up"}
    )
    assert first.status_code == 302
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.FOLLOWING_UP
    assert not Notification.objects.filter(kind=INCIDENT_CLOSED.key).exists()

    client.post(follow_up_url(incident), {"note": "Åtgärdat, stängs.", "status": "closed"})
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED
    assert incident.closed_at is not None
    assert Notification.objects.get(kind=INCIDENT_CLOSED.key).recipient == supervisor
    page = client_for(supervisor).get(detail_url(incident)).content.decode()
    assert "Pratat med handledaren." in page and "Åtgärdat, stängs." in page
    assert 'name="note"' not in page


def test_a_note_on_a_closed_incident_reopens_it(supervisor, coordinator, stockholm):
    incident = report(supervisor, region=stockholm)
    actions.follow_up_incident(actor=coordinator, incident=incident, note="Klart.", status="closed")
    actions.follow_up_incident(
        actor=coordinator, incident=incident, note="Hände igen.", status="following_up"
    )
    incident.refresh_from_db()
    assert (incident.status, incident.closed_at) == (IncidentStatus.FOLLOWING_UP, None)


def test_only_the_regions_coordinators_follow_up(
    supervisor, other_coordinator, unit_manager, workplace, stockholm, client_for
):
    incident = report(unit_manager, workplace=workplace, shared_with_managers=True)
    data = {"note": "Följs upp.", "status": "closed"}
    assert client_for(other_coordinator).post(follow_up_url(incident), data).status_code == 404
    assert client_for(unit_manager).post(follow_up_url(incident), data).status_code == 403
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.REPORTED


@pytest.mark.english
def test_a_follow_up_without_a_note_is_refused_at_the_field(
    supervisor, coordinator, stockholm, client_for
):
    incident = report(supervisor, region=stockholm)
    response = client_for(coordinator).post(follow_up_url(incident), {"status": "closed"})
    assert response.status_code == 400
    assert "note" in response.context["follow_up_form"].errors
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.REPORTED


# Lists ---------------------------------------------------------------------------------------


def test_the_region_list_shows_open_incidents_and_its_queries_are_fixed(
    supervisor,
    coordinator,
    other_coordinator,
    skane,
    stockholm,
    client_for,
    django_assert_num_queries,
):
    """Open ones by default, closed on request, other regions' never; the page costs the
    same number of queries with 1 or 6 rows."""
    from tests.factories import person_with_role

    other_supervisor = person_with_role("supervisor", skane)
    report(other_supervisor, region=skane)
    closed = report(supervisor, region=stockholm)
    actions.follow_up_incident(actor=coordinator, incident=closed, note="Klart.", status="closed")
    open_one = report(supervisor, region=stockholm)
    client = client_for(coordinator)
    assert list(client.get(LIST).context["page"]) == [open_one]
    assert list(client.get(LIST, {"status": "closed"}).context["page"]) == [closed]
    assert len(client.get(LIST, {"status": "all"}).context["page"]) == 2

    client.get(LIST)
    with django_assert_num_queries(QUERIES_REGION_LIST):
        client.get(LIST)
    for _ in range(5):
        report(supervisor, region=stockholm)
    with django_assert_num_queries(QUERIES_REGION_LIST):
        client.get(LIST)


def test_my_incidents_lists_mine_and_those_shared_with_my_workplaces_in_fixed_queries(
    peer_supporter,
    unit_manager,
    supervisor,
    workplace,
    placed,
    stockholm,
    client_for,
    django_assert_num_queries,
):
    mine = report(peer_supporter, workplace=workplace)
    shared = report(peer_supporter, workplace=workplace, shared_with_managers=True)
    report(supervisor, region=stockholm)
    assert set(client_for(peer_supporter).get(MINE).context["page"]) == {mine, shared}
    manager = client_for(unit_manager)
    assert list(manager.get(MINE).context["page"]) == [shared]

    with django_assert_num_queries(QUERIES_MINE):
        manager.get(MINE)
    for _ in range(5):
        report(peer_supporter, workplace=workplace, shared_with_managers=True)
    with django_assert_num_queries(QUERIES_MINE):
        manager.get(MINE)


def test_the_menu_leads_coordinators_and_reporters_to_their_lists(
    coordinator, peer_supporter, researcher, client_for
):
    def menu(user):
        return [item["url"] for item in client_for(user).get(reverse("home")).context["nav_items"]]

    assert LIST in menu(coordinator)
    assert MINE in menu(peer_supporter)
    assert LIST not in menu(researcher) and MINE not in menu(researcher)
