"""Supervisors, supervision groups and individual arrangements, and planning a series."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import Membership, Role
from supervision import actions
from supervision.models import (
    ArrangementKind,
    AttendanceStatus,
    SessionAttendance,
    SupervisionGroup,
    SupervisionSession,
    Supervisor,
)
from tests.factories import MembershipFactory, person_with_role, ready_workplace

from .state import placed_peer, supervision_group

pytestmark = [pytest.mark.django_db, pytest.mark.english]


@pytest.fixture
def workplace(coordinator, unit_manager, stockholm):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


@pytest.fixture
def peer(coordinator, unit_manager, workplace, peer_supporter):
    """The Stockholm peer supporter, placed at the workplace."""
    return placed_peer(coordinator, unit_manager, workplace, peer_supporter)


@pytest.fixture
def group(coordinator, supervisor, peer):
    return supervision_group(coordinator, supervisor, [peer])


def group_data(region, supervisor, members, **overrides):
    data = {
        "region": region.pk,
        "kind": ArrangementKind.GROUP,
        "name": "Onsdagsgruppen",
        "supervisor": supervisor.pk,
        "members": [member.pk for member in members],
        "weekday": "2",
        "start_time": "13:00",
        "duration_minutes": "90",
        "place": "Lokalen på Götgatan",
        "video_link": "",
    }
    data.update(overrides)
    return data


# Supervisors ------------------------------------------------------------------------------


def test_supervisor_list_shows_the_regions_supervisors_registered_or_not(
    coordinator, supervisor, other_supervisor, skane, stockholm, client_for
):
    """Everyone with the supervisor role in the coordinator's regions is listed, with
    whether they are registered and experience-based; Skåne's supervisors are not."""
    actions.register_supervisor(
        actor=coordinator, user=supervisor, region=stockholm, experience_based=False
    )
    skane_supervisor = person_with_role(Role.SUPERVISOR, skane, full_name="Sven Skåne")

    response = client_for(coordinator).get(reverse("supervision:supervisor_list"))

    rows = {row["user"]: row for row in response.context["rows"]}
    assert set(rows) == {supervisor, other_supervisor}
    assert rows[supervisor]["supervisor"].experience_based is False
    assert rows[other_supervisor]["supervisor"] is None
    assert skane_supervisor not in response.context["form"].fields["user"].queryset
    assert "Sven Skåne" not in response.content.decode()


def test_coordinator_registers_and_then_changes_a_supervisor(
    coordinator, supervisor, stockholm, client_for
):
    """Registering makes the person available for groups; posting again changes whether
    their supervision is experience-based."""
    client = client_for(coordinator)
    url = reverse("supervision:supervisor_list")

    response = client.post(
        url, {"user": supervisor.pk, "region": stockholm.pk, "experience_based": "on"}
    )
    assert response.status_code == 302
    assert Supervisor.objects.get(user=supervisor, region=stockholm).experience_based is True

    form = client.get(url, {"user": supervisor.pk, "region": stockholm.pk}).context["form"]
    assert form.initial == {"user": supervisor.pk, "region": stockholm.pk, "experience_based": True}
    client.post(url, {"user": supervisor.pk, "region": stockholm.pk})
    assert Supervisor.objects.get(user=supervisor, region=stockholm).experience_based is False
    assert Supervisor.objects.count() == 1


def test_a_person_without_the_role_in_that_region_is_refused_at_the_field(
    coordinator, supervisor, stockholm, skane, client_for
):
    """A coordinator of two regions cannot register a Stockholm supervisor for Skåne: the
    message stands next to the person and the page shows again."""
    MembershipFactory(user=coordinator, role=Role.COORDINATOR, region=skane)
    response = client_for(coordinator).post(
        reverse("supervision:supervisor_list"),
        {"user": supervisor.pk, "region": skane.pk, "experience_based": "on"},
    )
    assert response.status_code == 200
    assert "has no supervisor role in Region Skåne" in " ".join(
        response.context["form"].errors["user"]
    )
    assert not Supervisor.objects.exists()


def test_supervisor_list_is_for_coordinators(supervisor, peer_supporter, client_for):
    for user in (supervisor, peer_supporter):
        assert client_for(user).get(reverse("supervision:supervisor_list")).status_code == 403


# The list ---------------------------------------------------------------------------------


def test_coordinator_lists_the_regions_groups_with_supervisor_members_and_next_session(
    coordinator, other_coordinator, supervisor, group, client_for
):
    """Groups come with their supervisor, member count and next planned session; another
    region's coordinator sees none of them."""
    first = timezone.localdate() + dt.timedelta(days=7)
    actions.plan_series(
        actor=coordinator,
        group=group,
        first_date=first,
        until=first + dt.timedelta(weeks=4),
        start_time=dt.time(13, 0),
        skip_holidays=False,
    )

    response = client_for(coordinator).get(reverse("supervision:group_list"))

    [row] = response.context["page"]
    assert row == group
    assert row.next_session == timezone.make_aware(dt.datetime.combine(first, dt.time(13, 0)))
    html = response.content.decode()
    assert 'data-members="1"' in html
    assert "Maria Handledare" in html
    assert reverse("supervision:group_create") in html

    skane = client_for(other_coordinator).get(reverse("supervision:group_list"))
    assert list(skane.context["page"]) == []


def test_supervisor_lists_only_the_groups_they_lead(
    coordinator, supervisor, other_supervisor, peer, group, client_for
):
    """Another supervisor's group in the same region is not on the list."""
    others = supervision_group(coordinator, other_supervisor, [peer], name="Olles grupp")

    mine = client_for(supervisor).get(reverse("supervision:group_list"))
    theirs = client_for(other_supervisor).get(reverse("supervision:group_list"))

    assert list(mine.context["page"]) == [group]
    assert list(theirs.context["page"]) == [others]
    assert reverse("supervision:group_create") not in mine.content.decode()


def test_individual_arrangements_show_the_person(coordinator, supervisor, peer, client_for):
    """An individual arrangement names its one peer supporter instead of a count."""
    supervision_group(
        coordinator, supervisor, [peer], name="Elias enskilt", kind=ArrangementKind.INDIVIDUAL
    )
    html = client_for(coordinator).get(reverse("supervision:group_list")).content.decode()
    assert "Individual supervision" in html
    assert peer.full_name in html


@pytest.mark.parametrize("groups", [1, 12])
def test_group_list_query_count_is_constant(
    groups,
    coordinator,
    supervisor,
    unit_manager,
    workplace,
    client_for,
    django_assert_num_queries,
):
    """The list costs the same queries for 1 and for 12 groups with members and sessions."""
    first = timezone.localdate() + dt.timedelta(days=1)
    for index in range(groups):
        members = [
            placed_peer(coordinator, unit_manager, workplace, name=f"Peer {index}-{n}")
            for n in range(2)
        ]
        group = supervision_group(coordinator, supervisor, members, name=f"Grupp {index}")
        actions.plan_series(
            actor=coordinator,
            group=group,
            first_date=first,
            until=first + dt.timedelta(weeks=6),
            start_time=dt.time(10, 0),
            skip_holidays=False,
        )
    client = client_for(coordinator)
    client.get(reverse("home"))
    # session, user, memberships, MFA check, count, page, members
    with django_assert_num_queries(7):
        response = client.get(reverse("supervision:group_list"))
    assert response.context["page"].paginator.count == groups


# Creating and editing ---------------------------------------------------------------------


def test_coordinator_creates_a_group_with_members(
    coordinator, supervisor, stockholm, peer, client_for
):
    supervisor_profile = actions.register_supervisor(
        actor=coordinator, user=supervisor, region=stockholm
    )
    response = client_for(coordinator).post(
        reverse("supervision:group_create"), group_data(stockholm, supervisor_profile, [peer])
    )
    group = SupervisionGroup.objects.get(name="Onsdagsgruppen")
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:group_detail", args=[group.pk])
    assert list(group.members.all()) == [peer]
    assert group.supervisor == supervisor_profile
    assert (group.weekday, group.start_time) == (2, dt.time(13, 0))


def test_bad_group_input_is_shown_at_the_field_and_kept(
    coordinator, supervisor, stockholm, peer, unit_manager, workplace, client_for
):
    """An individual arrangement with two people and a too short length are refused next
    to their fields; what was typed stays, and nothing is created."""
    second = placed_peer(coordinator, unit_manager, workplace, name="Nora Nilsson")
    profile = actions.register_supervisor(actor=coordinator, user=supervisor, region=stockholm)
    response = client_for(coordinator).post(
        reverse("supervision:group_create"),
        group_data(
            stockholm,
            profile,
            [peer, second],
            kind=ArrangementKind.INDIVIDUAL,
            name="Enskild handledning Elias",
            duration_minutes="5",
        ),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "exactly one peer supporter" in " ".join(form.errors["members"])
    assert "duration_minutes" in form.errors
    assert form["name"].value() == "Enskild handledning Elias"
    assert 'value="Enskild handledning Elias"' in response.content.decode()
    assert not SupervisionGroup.objects.exists()


def test_a_taken_name_is_refused_at_the_name(
    coordinator, supervisor, stockholm, peer, group, client_for
):
    """The action's refusal (a duplicate name, in any case) lands next to the name."""
    response = client_for(coordinator).post(
        reverse("supervision:group_create"),
        group_data(stockholm, group.supervisor, [peer], name=group.name.upper()),
    )
    assert response.status_code == 200
    assert "already has a group with this name" in " ".join(response.context["form"].errors["name"])
    assert SupervisionGroup.objects.count() == 1


def test_the_create_form_offers_only_own_regions_supervisors_and_peer_supporters(
    coordinator, other_coordinator, supervisor, skane, stockholm, client_for
):
    skane_supervisor = person_with_role(Role.SUPERVISOR, skane)
    skane_profile = actions.register_supervisor(
        actor=other_coordinator, user=skane_supervisor, region=skane
    )
    actions.register_supervisor(actor=coordinator, user=supervisor, region=stockholm)
    form = client_for(coordinator).get(reverse("supervision:group_create")).context["form"]
    assert [s.user for s in form.fields["supervisor"].queryset] == [supervisor]
    assert skane_profile not in form.fields["supervisor"].queryset
    assert list(form.fields["region"].queryset) == [stockholm]


def test_a_supervisor_whose_role_ended_is_not_given_a_group(
    coordinator, supervisor, other_supervisor, stockholm, peer, group, client_for
):
    """A registered supervisor whose role in the region has ended would not see a group
    given to them: the forms no longer offer them, and a posted choice of them is refused
    at the field. The group they lead already keeps them until another is chosen."""
    other_profile = actions.register_supervisor(
        actor=coordinator, user=other_supervisor, region=stockholm
    )
    Membership.objects.filter(user=other_supervisor, role=Role.SUPERVISOR).delete()
    client = client_for(coordinator)

    create = client.get(reverse("supervision:group_create")).context["form"]
    edit = client.get(reverse("supervision:group_edit", args=[group.pk])).context["form"]
    assert list(create.fields["supervisor"].queryset) == [group.supervisor]
    assert list(edit.fields["supervisor"].queryset) == [group.supervisor]
    for url in [
        reverse("supervision:group_create"),
        reverse("supervision:group_edit", args=[group.pk]),
    ]:
        response = client.post(url, group_data(stockholm, other_profile, [peer], name="Ny"))
        assert response.status_code == 200
        assert "supervisor" in response.context["form"].errors
    with pytest.raises(ValidationError) as refusal:
        actions.create_group(
            actor=coordinator,
            region=stockholm,
            name="Ny",
            supervisor=Supervisor.objects.get(pk=other_profile.pk),
        )
    assert "supervisor" in refusal.value.error_dict
    group.refresh_from_db()
    assert group.supervisor.user == supervisor
    assert SupervisionGroup.objects.count() == 1


def test_a_group_keeps_its_supervisor_whose_role_ended_while_members_change(
    coordinator, supervisor, stockholm, peer, group, client_for
):
    """Until another supervisor is found, the coordinator can still change the members of
    a group whose supervisor's role has ended."""
    Membership.objects.filter(user=supervisor, role=Role.SUPERVISOR).delete()

    response = client_for(coordinator).post(
        reverse("supervision:group_edit", args=[group.pk]),
        group_data(stockholm, group.supervisor, [], name=group.name),
    )

    assert response.status_code == 302
    assert not group.members.exists()


def test_without_a_registered_supervisor_the_form_says_so(coordinator, client_for):
    response = client_for(coordinator).get(reverse("supervision:group_create"))
    html = response.content.decode()
    assert 'id="no-supervisors"' in html
    assert reverse("supervision:supervisor_list") in html


def test_coordinator_edits_members_and_settings(
    coordinator, group, peer, unit_manager, workplace, skane, client_for
):
    """Editing changes settings and members; the region stays the group's even if another
    is posted."""
    newcomer = placed_peer(coordinator, unit_manager, workplace, name="Nora Nilsson")
    response = client_for(coordinator).post(
        reverse("supervision:group_edit", args=[group.pk]),
        group_data(
            skane, group.supervisor, [peer, newcomer], name="Tisdag och torsdag", weekday="3"
        ),
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "Tisdag och torsdag"
    assert group.weekday == 3
    assert group.region.code == "stockholm"
    assert set(group.members.all()) == {peer, newcomer}


def test_edit_form_shows_the_group_as_it_is(coordinator, group, peer, client_for):
    form = (
        client_for(coordinator)
        .get(reverse("supervision:group_edit", args=[group.pk]))
        .context["form"]
    )
    assert form.initial["name"] == group.name
    assert form.initial["members"] == [peer.pk]
    assert form.fields["region"].disabled


def test_bad_edit_input_is_shown_at_the_field_and_kept(coordinator, group, client_for):
    response = client_for(coordinator).post(
        reverse("supervision:group_edit", args=[group.pk]),
        group_data(group.region, group.supervisor, [], name="Nytt namn", video_link="inte en länk"),
    )
    assert response.status_code == 200
    assert "video_link" in response.context["form"].errors
    assert response.context["form"]["name"].value() == "Nytt namn"
    group.refresh_from_db()
    assert group.name == "Tisdagsgruppen"


def test_only_the_regions_coordinator_edits_a_group(
    supervisor, other_coordinator, group, client_for
):
    """The group's own supervisor may not change who is in it (403); Skåne's coordinator
    does not even find it (404)."""
    url = reverse("supervision:group_edit", args=[group.pk])
    assert client_for(supervisor).get(url).status_code == 403
    assert client_for(supervisor).post(url, {"name": "Mitt namn"}).status_code == 403
    assert client_for(other_coordinator).get(url).status_code == 404
    group.refresh_from_db()
    assert group.name == "Tisdagsgruppen"


# The group page ---------------------------------------------------------------------------


def test_group_page_shows_members_settings_and_sessions_with_attendance(
    coordinator, supervisor, group, peer, client_for
):
    """Sessions to come and past ones, the past with their attendance summary."""
    today = timezone.localdate()
    past = actions.plan_series(
        actor=coordinator,
        group=group,
        first_date=today - dt.timedelta(weeks=4),
        until=today - dt.timedelta(weeks=2),
        start_time=dt.time(10, 0),
        skip_holidays=False,
    )
    actions.record_attendance(
        actor=supervisor,
        session=past[0],
        statuses={peer.pk: (AttendanceStatus.PRESENT, "")},
    )
    upcoming = actions.plan_series(
        actor=supervisor,
        group=group,
        first_date=today + dt.timedelta(days=7),
        until=today + dt.timedelta(days=7),
        start_time=dt.time(10, 0),
        skip_holidays=False,
    )

    response = client_for(supervisor).get(reverse("supervision:group_detail", args=[group.pk]))

    assert response.status_code == 200
    assert response.context["upcoming"] == upcoming
    assert response.context["past"] == [past[1], past[0]]
    assert response.context["can_plan"] is True
    assert response.context["can_edit"] is False
    html = response.content.decode()
    assert peer.full_name in html
    assert "1 of 1 present, 0 absent, 0 excused" in html
    assert "Attendance not recorded" in html
    assert reverse("supervision:group_plan", args=[group.pk]) in html
    assert reverse("supervision:group_edit", args=[group.pk]) not in html


def test_coordinator_gets_the_edit_link(coordinator, group, client_for):
    html = (
        client_for(coordinator)
        .get(reverse("supervision:group_detail", args=[group.pk]))
        .content.decode()
    )
    assert reverse("supervision:group_edit", args=[group.pk]) in html


def test_group_page_is_404_to_other_regions_and_other_supervisors(
    other_coordinator, other_supervisor, group, client_for
):
    url = reverse("supervision:group_detail", args=[group.pk])
    assert client_for(other_coordinator).get(url).status_code == 404
    assert client_for(other_supervisor).get(url).status_code == 404


# Planning a series ------------------------------------------------------------------------


def test_supervisor_plans_every_other_tuesday_for_a_term_skipping_public_holidays(
    supervisor, group, peer, client_for
):
    """Every other Tuesday from 3 April to 3 July 2029: 1 May is a public holiday and is
    left out, so six sessions are planned, each expecting every member; the message says
    how many and which holiday was skipped."""
    client = client_for(supervisor)
    response = client.post(
        reverse("supervision:group_plan", args=[group.pk]),
        {
            "first_date": "2029-04-03",
            "until": "2029-07-03",
            "start_time": "13:00",
            "interval_weeks": "2",
            "duration_minutes": "90",
            "skip_holidays": "on",
            "place": "Lokalen",
            "video_link": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:group_detail", args=[group.pk])
    sessions = list(SupervisionSession.objects.filter(group=group))
    dates = [timezone.localtime(s.starts_at).date() for s in sessions]
    assert dates == [
        dt.date(2029, 4, 3),
        dt.date(2029, 4, 17),
        dt.date(2029, 5, 15),
        dt.date(2029, 5, 29),
        dt.date(2029, 6, 12),
        dt.date(2029, 6, 26),
    ]
    assert {timezone.localtime(s.starts_at).time() for s in sessions} == {dt.time(13, 0)}
    assert SessionAttendance.objects.filter(session__group=group, participant=peer).count() == 6
    page = client.get(response["Location"]).content.decode()
    assert "6 sessions planned, from 3 April 2029 to 26 June 2029." in page
    assert "Public holidays left out: 1 May 2029." in page


def test_planning_the_same_series_again_adds_nothing(coordinator, group, client_for):
    data = {
        "first_date": "2029-04-03",
        "until": "2029-04-17",
        "start_time": "13:00",
        "interval_weeks": "1",
        "duration_minutes": "60",
        "skip_holidays": "on",
    }
    client = client_for(coordinator)
    url = reverse("supervision:group_plan", args=[group.pk])
    client.post(url, data)
    response = client.post(url, data, follow=True)
    assert SupervisionSession.objects.filter(group=group).count() == 3
    assert "nothing new was planned" in response.content.decode()


def test_bad_series_input_is_shown_at_the_field_and_kept(supervisor, group, client_for):
    """A last date before the first is refused next to it; the dates typed stay."""
    response = client_for(supervisor).post(
        reverse("supervision:group_plan", args=[group.pk]),
        {
            "first_date": "2029-04-03",
            "until": "2029-03-01",
            "start_time": "25:00",
            "interval_weeks": "2",
            "duration_minutes": "90",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "on or after the first date" in " ".join(form.errors["until"])
    assert "start_time" in form.errors
    assert form["first_date"].value() == "2029-04-03"
    assert not SupervisionSession.objects.exists()


def test_an_inactive_group_cannot_be_planned(coordinator, group, peer, client_for):
    actions.update_group(actor=coordinator, group=group, members=[peer], active=False)
    response = client_for(coordinator).post(
        reverse("supervision:group_plan", args=[group.pk]),
        {
            "first_date": "2029-04-03",
            "until": "2029-04-17",
            "start_time": "13:00",
            "interval_weeks": "1",
            "duration_minutes": "60",
        },
    )
    assert response.status_code == 200
    assert "no longer active" in " ".join(response.context["form"].non_field_errors())
    assert not SupervisionSession.objects.exists()


def test_only_the_groups_supervisor_and_coordinators_plan(
    other_coordinator, other_supervisor, peer_supporter, group, client_for
):
    url = reverse("supervision:group_plan", args=[group.pk])
    assert client_for(other_coordinator).get(url).status_code == 404
    assert client_for(other_supervisor).post(url, {}).status_code == 404
    assert client_for(peer_supporter).get(url).status_code == 403


def test_menu_leads_to_supervision(coordinator, supervisor, peer_supporter, client_for):
    """Coordinators find the groups and the cadence, supervisors their groups, peer
    supporters their supervision."""

    def menu(user):
        items = client_for(user).get(reverse("home")).context["nav_items"]
        return {item["url"] for item in items}

    assert {reverse("supervision:group_list"), reverse("supervision:cadence")} <= menu(coordinator)
    assert reverse("supervision:supervisor_home") in menu(supervisor)
    assert reverse("supervision:cadence") not in menu(supervisor)
    assert reverse("supervision:session_list") in menu(peer_supporter)
