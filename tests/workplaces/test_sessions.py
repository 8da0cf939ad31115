"""Support sessions through the pages: the peer supporter logs and reads their own, the
region's coordinator reads them (audited), the unit manager never sees their content."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditAction, AuditEvent
from peersupport.privacy import validate_no_identifying_data
from tests.factories import certified_participant, person_with_role, ready_workplace
from workplaces import actions
from workplaces.models import Employer, SessionKind, SupportSession, Theme

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def active_placement(coordinator, manager, workplace, participant):
    placement = actions.propose_placement(
        actor=coordinator,
        participant=participant,
        workplace=workplace,
        employer=Employer.ASSOCIATION,
        hours_per_week=Decimal("20"),
        start_date=TODAY - dt.timedelta(days=400),
    )
    actions.agree_placement(actor=coordinator, placement=placement)
    return actions.agree_placement(actor=manager, placement=placement)


@pytest.fixture
def workplace(coordinator, unit_manager, stockholm):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


@pytest.fixture
def placement(coordinator, unit_manager, workplace, peer_supporter, stockholm):
    participant = certified_participant(stockholm, peer_supporter)
    return active_placement(coordinator, unit_manager, workplace, participant)


def log(placement, **fields):
    values = {"date": TODAY, "minutes": 30, "kind": SessionKind.CONVERSATION, **fields}
    return actions.log_support_session(
        actor=placement.participant.user, placement=placement, **values
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def guard_message(text: str) -> str:
    with pytest.raises(ValidationError) as refused:
        validate_no_identifying_data(text)
    return refused.value.messages[0]


def form_data(placement, **fields):
    return {
        "placement": placement.pk,
        "date": TODAY.isoformat(),
        "minutes": "30",
        "kind": SessionKind.CONVERSATION,
        "themes": [Theme.SLEEP, Theme.MONEY],
        **fields,
    }


# Logging ----------------------------------------------------------------------------------


def test_peer_supporter_logs_a_session_and_lands_on_their_list(
    placement, peer_supporter, client_for
):
    """One POST logs the session through the action and shows the peer supporter's list."""
    response = client_for(peer_supporter).post(
        reverse("workplaces:session_create"),
        form_data(placement, service_user_code="ab12", reflection="Vi pratade om sömn."),
        follow=True,
    )

    assert response.redirect_chain == [(reverse("workplaces:session_list"), 302)]
    session = SupportSession.objects.get()
    assert session.placement == placement
    assert session.created_by == peer_supporter
    assert (session.date, session.minutes, session.kind) == (TODAY, 30, "conversation")
    assert session.themes == ["sleep", "money"]
    assert session.participant_count == 1
    assert session.service_user_code == "AB12"
    assert session.reflection == "Vi pratade om sömn."
    assert messages_of(response) == [gettext("Your support session is logged. Thank you!")]


def test_single_placement_is_preselected_and_hidden_and_date_is_today(
    placement, peer_supporter, client_for
):
    """With one active placement the form does not ask where; the date defaults to today."""
    response = client_for(peer_supporter).get(reverse("workplaces:session_create"))

    form = response.context["form"]
    assert form["placement"].is_hidden
    assert form["placement"].value() == placement.pk
    html = response.content.decode()
    assert f'type="hidden" name="placement" value="{placement.pk}"' in html
    assert f'name="date" value="{TODAY.isoformat()}"' in html


def test_two_active_placements_are_offered_as_a_choice(
    placement, coordinator, stockholm, peer_supporter, client_for
):
    """Someone placed at two workplaces picks the workplace."""
    manager = person_with_role(Role.UNIT_MANAGER, stockholm, mfa=False)
    second = ready_workplace(coordinator, stockholm, name="Boendestöd Syd", managers=[manager])
    active_placement(coordinator, manager, second, placement.participant)

    response = client_for(peer_supporter).get(reverse("workplaces:session_create"))

    field = response.context["form"]["placement"]
    assert not field.is_hidden
    html = response.content.decode()
    assert "Öppenvården Nord" in html
    assert "Boendestöd Syd" in html


def test_without_an_active_placement_the_page_explains_why(peer_supporter, client_for):
    """A peer supporter not yet placed is told so instead of getting a form."""
    response = client_for(peer_supporter).get(reverse("workplaces:session_create"))

    assert response.status_code == 200
    assert response.context["form"] is None
    assert (
        gettext(
            "You can log support sessions once you have an active placement at a workplace. "
            "Your coordinator sets it up."
        )
        in response.content.decode()
    )


def test_home_page_has_the_log_button_one_tap_away(peer_supporter, client_for):
    """The peer supporter's home page links straight to the session form."""
    response = client_for(peer_supporter).get(reverse("home"))

    assert reverse("workplaces:session_create") in response.content.decode()


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("reflection", "ring mig på 070-123 45 67"),
        ("reflection", "Hen har personnummer 19850312-1234."),
        ("reflection", "Mejla henne på anna@example.org"),
        ("service_user_code", "850312-1234"),
    ],
)
def test_guard_refuses_identifying_text_next_to_the_field_and_keeps_the_input(
    field, text, placement, peer_supporter, client_for
):
    """Identifying data is refused with a message at its field; everything typed stays."""
    data = form_data(
        placement,
        minutes="45",
        kind=SessionKind.ACCOMPANIMENT,
        service_user_code="K7",
        reflection="Följde med till Försäkringskassan.",
    )
    data[field] = text

    response = client_for(peer_supporter).post(reverse("workplaces:session_create"), data)

    assert response.status_code == 200
    assert not SupportSession.objects.exists()
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert form.errors[field] == [guard_message(text)]
    html = response.content.decode()
    assert re.search(r'<input[^>]*name="minutes" value="45"[^>]*checked', html)
    assert re.search(r'<input[^>]*name="kind" value="accompaniment"[^>]*checked', html)
    assert form["minutes"].value() == "45"
    assert form["kind"].value() == SessionKind.ACCOMPANIMENT
    assert form["themes"].value() == ["sleep", "money"]
    assert f"{text}</textarea>" in html or f'value="{text}"' in html
    if field != "reflection":
        assert "Följde med till Försäkringskassan.</textarea>" in html


def test_group_sessions_need_a_participant_count(placement, peer_supporter, client_for):
    """A group activity without a participant count (or with one person) is refused."""
    client = client_for(peer_supporter)
    url = reverse("workplaces:session_create")

    missing = client.post(url, form_data(placement, kind=SessionKind.GROUP_ACTIVITY))
    alone = client.post(
        url, form_data(placement, kind=SessionKind.STUDY_CIRCLE, participant_count="1")
    )
    group = client.post(
        url, form_data(placement, kind=SessionKind.GROUP_ACTIVITY, participant_count="6")
    )

    assert "participant_count" in missing.context["form"].errors
    assert "participant_count" in alone.context["form"].errors
    assert group.status_code == 302
    assert SupportSession.objects.get().participant_count == 6


def test_one_to_one_sessions_count_one_participant(placement, peer_supporter, client_for):
    """A participant count typed for a one-to-one session is ignored."""
    client_for(peer_supporter).post(
        reverse("workplaces:session_create"), form_data(placement, participant_count="4")
    )

    assert SupportSession.objects.get().participant_count == 1


def test_length_is_tapped_or_typed(placement, peer_supporter, client_for):
    """No length is refused; a typed length wins over a tapped one."""
    client = client_for(peer_supporter)
    url = reverse("workplaces:session_create")

    none = client.post(url, form_data(placement, minutes=""))
    typed = client.post(url, form_data(placement, minutes="30", other_minutes="25"))

    assert "minutes" in none.context["form"].errors
    assert typed.status_code == 302
    assert SupportSession.objects.get().minutes == 25


def test_a_future_date_is_refused_at_the_date(placement, peer_supporter, client_for):
    """The action's refusal of a future date appears next to the date field."""
    tomorrow = TODAY + dt.timedelta(days=1)

    response = client_for(peer_supporter).post(
        reverse("workplaces:session_create"), form_data(placement, date=tomorrow.isoformat())
    )

    assert list(response.context["form"].errors) == ["date"]
    assert not SupportSession.objects.exists()


def test_a_placement_of_someone_else_cannot_be_chosen(
    placement, stockholm, coordinator, unit_manager, workplace, client_for
):
    """A peer supporter cannot log sessions in another person's placement."""
    other = person_with_role(Role.PEER_SUPPORTER, stockholm)
    own = active_placement(
        coordinator, unit_manager, workplace, certified_participant(stockholm, other, name="Ove")
    )

    data = {**form_data(own), "placement": placement.pk}

    response = client_for(other).post(reverse("workplaces:session_create"), data)

    assert "placement" in response.context["form"].errors
    assert not SupportSession.objects.exists()


# Editing ----------------------------------------------------------------------------------


def test_author_changes_a_session_within_the_edit_window(placement, peer_supporter, client_for):
    """Within seven days the author changes their session; the form starts from it."""
    session = log(placement, minutes=25, themes=[Theme.RIGHTS], reflection="Först.")
    client = client_for(peer_supporter)
    url = reverse("workplaces:session_edit", args=[session.pk])

    form = client.get(url).context["form"]
    assert form["other_minutes"].value() == 25
    assert form["themes"].value() == ["rights"]

    response = client.post(
        url,
        {
            "date": TODAY.isoformat(),
            "minutes": "60",
            "kind": SessionKind.BRIDGE_BUILDING,
            "themes": [Theme.LEISURE],
            "reflection": "Ändrad.",
        },
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.minutes, session.kind, session.themes) == (60, "bridge_building", ["leisure"])
    assert session.reflection == "Ändrad."


def test_after_the_edit_window_the_session_is_read_only(placement, peer_supporter, client_for):
    """After seven days the author is told the session can no longer change, and it does not."""
    session = log(placement, reflection="Original.")
    SupportSession.objects.filter(pk=session.pk).update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    client = client_for(peer_supporter)
    url = reverse("workplaces:session_edit", args=[session.pk])

    response = client.post(
        url, {"date": TODAY.isoformat(), "minutes": "90", "kind": SessionKind.CONVERSATION}
    )
    followed = client.get(url, follow=True)

    assert response.status_code == 302
    assert response["Location"] == reverse("workplaces:session_detail", args=[session.pk])
    session.refresh_from_db()
    assert session.minutes == 30
    refusal = gettext(
        "Sessions can be changed for %(days)s days after they are logged. This one "
        "can no longer be changed."
    ) % {"days": 7}
    assert messages_of(followed) == [refusal, refusal]  # once for the POST, once for the GET
    assert not followed.context["can_edit"]
    assert url not in followed.content.decode()


def test_coordinator_may_read_but_not_change_a_session(placement, coordinator, client_for):
    """Changing a session is the author's; the coordinator gets 403 on the edit page."""
    session = log(placement)

    url = reverse("workplaces:session_edit", args=[session.pk])

    response = client_for(coordinator).get(url)

    assert response.status_code == 403


# Who reads what ---------------------------------------------------------------------------


def test_unit_manager_never_reaches_session_content(placement, unit_manager, client_for):
    """The workplace's own unit manager gets 404 on a session and 403 on the list."""
    session = log(placement, reflection="Privat.")
    client = client_for(unit_manager)

    assert client.get(reverse("workplaces:session_detail", args=[session.pk])).status_code == 404
    assert client.get(reverse("workplaces:session_edit", args=[session.pk])).status_code == 404
    assert client.get(reverse("workplaces:session_list")).status_code == 403


def test_coordinator_of_another_region_gets_404(placement, other_coordinator, client_for):
    """Skåne's coordinator cannot open a Stockholm session, nor find it in their list."""
    session = log(placement, reflection="Stockholmshemlighet.")
    client = client_for(other_coordinator)

    assert client.get(reverse("workplaces:session_detail", args=[session.pk])).status_code == 404
    listing = client.get(reverse("workplaces:session_list"))
    assert list(listing.context["page"]) == []
    assert "Stockholmshemlighet" not in listing.content.decode()


def test_coordinator_reading_a_session_is_audited(placement, coordinator, client_for):
    """A coordinator opening a session's content writes a read event for that session."""
    session = log(placement, reflection="Innehåll.")

    response = client_for(coordinator).get(reverse("workplaces:session_detail", args=[session.pk]))

    assert "Innehåll." in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.READ)
    assert event.actor == coordinator
    assert (event.object_type, event.object_id) == ("workplaces.supportsession", str(session.pk))


def test_author_reading_own_session_is_not_audited(placement, peer_supporter, client_for):
    """The author reading their own session is not a read by someone else."""
    session = log(placement)

    response = client_for(peer_supporter).get(
        reverse("workplaces:session_detail", args=[session.pk])
    )

    assert response.status_code == 200
    assert response.context["can_edit"]
    assert not AuditEvent.objects.filter(action=AuditAction.READ).exists()


def test_coordinator_list_shows_the_region_with_content_and_audits_the_read(
    placement, coordinator, other_coordinator, skane, client_for
):
    """The coordinator's list shows the region's sessions with their content, and the read
    of the page is one audit event naming the sessions shown."""
    first = log(placement, reflection="Första samtalet.", service_user_code="X1")
    second = log(placement, kind=SessionKind.PHONE_DIGITAL)

    response = client_for(coordinator).get(reverse("workplaces:session_list"))

    assert list(response.context["page"]) == [second, first]
    html = response.content.decode()
    assert "Första samtalet." in html
    assert "X1" in html
    event = AuditEvent.objects.get(action=AuditAction.READ)
    assert event.actor == coordinator
    assert sorted(event.detail["ids"]) == sorted([first.pk, second.pk])


def test_coordinator_filters_the_sessions(placement, coordinator, stockholm, client_for):
    """Workplace, peer supporter, kind, theme and month each narrow the list."""
    other_person = person_with_role(Role.PEER_SUPPORTER, stockholm)
    manager = person_with_role(Role.UNIT_MANAGER, stockholm, mfa=False)
    other_workplace = ready_workplace(
        coordinator, stockholm, name="Boendestöd Syd", managers=[manager]
    )
    other_placement = active_placement(
        coordinator,
        manager,
        other_workplace,
        certified_participant(stockholm, other_person, name="Ove Annan"),
    )
    last_month = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    mine = log(placement, kind=SessionKind.CONVERSATION, themes=[Theme.SLEEP])
    earlier = log(placement, date=last_month, kind=SessionKind.CONVERSATION)
    theirs = log(other_placement, kind=SessionKind.GROUP_ACTIVITY, participant_count=5)
    client = client_for(coordinator)
    url = reverse("workplaces:session_list")

    def shown(**filters):
        return set(client.get(url, filters).context["page"])

    assert shown() == {mine, earlier, theirs}
    assert shown(workplace=other_workplace.pk) == {theirs}
    assert shown(peer_supporter=placement.participant.pk) == {mine, earlier}
    assert shown(kind=SessionKind.GROUP_ACTIVITY) == {theirs}
    assert shown(theme=Theme.SLEEP) == {mine}
    assert shown(month=last_month.strftime("%Y-%m")) == {earlier}


def test_peer_supporter_sees_own_sessions_and_totals(
    placement, coordinator, unit_manager, workplace, stockholm, peer_supporter, client_for
):
    """A peer supporter's list holds only their sessions, with this month's and this year's
    totals by kind."""
    other = person_with_role(Role.PEER_SUPPORTER, stockholm)
    others_placement = active_placement(
        coordinator, unit_manager, workplace, certified_participant(stockholm, other, name="Ove")
    )
    log(others_placement, minutes=600)
    mine = [
        log(placement, minutes=30),
        log(placement, minutes=90, kind=SessionKind.ACCOMPANIMENT),
    ]
    start_of_year = TODAY.replace(month=1, day=1)
    earlier_this_year = log(placement, date=start_of_year, minutes=60) if TODAY.month > 1 else None
    log(placement, date=start_of_year - dt.timedelta(days=1), minutes=45)  # last year

    response = client_for(peer_supporter).get(reverse("workplaces:session_list"))

    shown = list(response.context["page"])
    assert set(mine) <= set(shown)
    assert all(s.placement == placement for s in shown)
    totals = response.context["totals"]
    assert totals["month_sessions"] == 2
    assert totals["month_hours"] == 2.0
    assert totals["year_sessions"] == (3 if earlier_this_year else 2)
    assert totals["year_hours"] == (3.0 if earlier_this_year else 2.0)
    by_kind = {row["label"]: row for row in totals["by_kind"]}
    assert by_kind[SessionKind.ACCOMPANIMENT.label]["month_hours"] == 1.5


@pytest.mark.parametrize("rows", [1, 50])
def test_session_lists_cost_the_same_queries_for_1_and_50_sessions(
    rows, placement, coordinator, peer_supporter, client_for, django_assert_num_queries
):
    """Both lists issue a fixed number of queries whatever the number of sessions."""
    for day in range(rows):
        log(placement, date=TODAY - dt.timedelta(days=day % 300), themes=[Theme.SLEEP])
    own, region = client_for(peer_supporter), client_for(coordinator)
    url = reverse("workplaces:session_list")

    # session, user, memberships, count, page, totals
    with django_assert_num_queries(6):
        own.get(url)
    # session, user, memberships, MFA check, count, page, audit event, filter choices (2)
    with django_assert_num_queries(9):
        region.get(url)


def test_menu_leads_to_the_sessions(coordinator, peer_supporter, unit_manager, client_for):
    """Peer supporters find "My sessions" and coordinators "Support sessions" in the menu;
    unit managers, who only get aggregates, find neither."""
    url = reverse("workplaces:session_list")

    def menu(user):
        items = client_for(user).get(reverse("home")).context["nav_items"]
        return {item["url"]: str(item["label"]) for item in items}

    assert menu(peer_supporter)[url] == gettext("My sessions")
    assert menu(coordinator)[url] == gettext("Support sessions")
    assert url not in menu(unit_manager)


# The coordinator's list at national scale ---------------------------------------------------


@pytest.mark.english
def test_coordinator_list_counts_only_as_far_as_it_needs(
    placement, coordinator, client_for, monkeypatch
):
    """Past the counting cap the caption says "more than" and the pages go on one at a time;
    under it the count is exact."""
    from peersupport import paging
    from workplaces.views import sessions

    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    monkeypatch.setattr(sessions, "PAGE_SIZE", 2)
    logged = [log(placement, date=TODAY - dt.timedelta(days=day)) for day in range(7)]
    client = client_for(coordinator)
    url = reverse("workplaces:session_list")

    first = client.get(url)
    assert not first.context["page"].paginator.exact
    assert "More than 4 sessions" in first.content.decode()
    assert first.context["page"].has_next()

    third = client.get(url, {"page": 3})
    assert list(third.context["page"]) == logged[4:6]
    assert third.context["page"].has_next()
    fourth = client.get(url, {"page": 4})
    assert list(fourth.context["page"]) == logged[6:]
    assert not fourth.context["page"].has_next()

    narrowed = client.get(url, {"month": logged[0].date.strftime("%Y-%m"), "page": "x"})
    assert narrowed.context["page"].number == 1
    assert narrowed.context["page"].paginator.exact == (
        narrowed.context["page"].paginator.count <= 4
    )


@pytest.mark.english
def test_coordinator_list_explains_bad_filters(placement, coordinator, client_for):
    """A filter that makes no sense is shown next to its field, and the list stays unfiltered."""
    log(placement)
    response = client_for(coordinator).get(
        reverse("workplaces:session_list"), {"month": "maj", "workplace": "99999"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_month_error"' in html and "Enter a valid date." in html
    assert 'id="id_workplace_error"' in html and "Select a valid choice." in html
    assert 'aria-describedby="id_month_error"' in html
    assert len(response.context["page"]) == 1


def test_filter_options_are_escaped(coordinator, unit_manager, stockholm, client_for):
    """Names in the filters' options are escaped like any other text on the page."""
    ready_workplace(coordinator, stockholm, name="<b>Enhet & Co</b>", managers=[unit_manager])

    html = client_for(coordinator).get(reverse("workplaces:session_list")).content.decode()

    assert "&lt;b&gt;Enhet &amp; Co&lt;/b&gt;</option>" in html
    assert "<b>Enhet" not in html
