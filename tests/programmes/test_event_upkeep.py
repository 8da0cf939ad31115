import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from peersupport.audit.models import AuditEvent
from peersupport.extracts.content import collect_content
from peersupport.notifications.actions import render_notification
from peersupport.notifications.calendar import calendar_for
from peersupport.notifications.models import Notification
from programmes import actions
from programmes.models import Event, EventInvitation, EventKind, EventResponse
from programmes.notifications import EVENT_CANCELLED, EVENT_INVITATION
from programmes.permissions import invitation_answer_token
from tests.factories import UserFactory, active_placement, certified_participant, ready_workplace
from tests.programmes.event_state import (  # noqa: F401 (an autouse fixture)
    _english_speaking_coordinator,
    event_in,
    in_days,
)

from .participant_paths import participant_at

pytestmark = pytest.mark.django_db


def alumnus_with_account(coordinator, region, name="Alva Ek", language="en"):
    account = UserFactory(
        email=f"{name.split()[0].lower()}@example.org", language=language, full_name=name
    )
    participant_at(coordinator, region, "alumni", full_name=name, email=account.email)
    return account


def network_meeting_with(coordinator, region, unit_manager):
    """A network meeting to which ``unit_manager``, who has taken on a peer supporter at
    their workplace, is invited."""
    workplace = ready_workplace(coordinator, region, managers=[unit_manager])
    active_placement(coordinator, unit_manager, workplace, certified_participant(region))
    meeting = event_in(coordinator, region, title="Nätverksträff", kind=EventKind.NETWORK_MEETING)
    actions.invite_to_event(actor=coordinator, event=meeting)
    return meeting


def edit_url(event):
    return reverse("programmes:event_edit", args=[event.pk])


def cancel_url(event):
    return reverse("programmes:event_cancel", args=[event.pk])


def answer_url(invitation):
    return reverse("programmes:event_answer", args=[invitation_answer_token(invitation)])


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def edit_data(**overrides):
    data = {
        "kind": EventKind.CONTINUING_EDUCATION,
        "title": "Höstens fortbildning",
        "start_date": (timezone.localdate() + dt.timedelta(days=40)).isoformat(),
        "start_time": "10:00",
        "end_date": "",
        "end_time": "15:30",
        "venue": "Stadsbiblioteket",
        "description": "Om återhämtning.",
    }
    return {**data, **overrides}


# Editing ---------------------------------------------------------------------------------------


def test_a_coordinator_corrects_an_event_in_swedish_time(coordinator, stockholm, client_for):
    """The edit form starts from the event as it is; saving changes it, in Swedish time,
    and the audit log says which fields changed."""
    event = event_in(coordinator, stockholm)
    client = client_for(coordinator)
    form = client.get(edit_url(event))
    assert form.status_code == 200
    assert form.context["form"].initial["title"] == "Återträff"

    response = client.post(edit_url(event), edit_data())
    assert response.status_code == 302
    event.refresh_from_db()
    start = timezone.localtime(event.starts_at)
    assert (event.title, event.kind, event.venue) == (
        "Höstens fortbildning",
        EventKind.CONTINUING_EDUCATION,
        "Stadsbiblioteket",
    )
    assert (start.date(), start.time()) == (
        timezone.localdate() + dt.timedelta(days=40),
        dt.time(10, 0),
    )
    assert timezone.localtime(event.ends_at).time() == dt.time(15, 30)
    audit = AuditEvent.objects.filter(detail__changed__isnull=False).get()
    assert "title" in audit.detail["changed"] and "venue" in audit.detail["changed"]


@pytest.mark.english
def test_an_edit_ending_before_it_starts_is_refused_and_keeps_what_was_typed(
    coordinator, stockholm, client_for
):
    event = event_in(coordinator, stockholm)
    response = client_for(coordinator).post(
        edit_url(event), edit_data(end_time="09:00", title="Ny titel")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["end_time"] == ["The event must end after it starts."]
    assert 'value="Ny titel"' in response.content.decode()
    event.refresh_from_db()
    assert event.title == "Återträff"


@pytest.mark.english
def test_the_kind_changes_to_one_for_other_people_only_before_anyone_is_invited(
    coordinator, stockholm, client_for
):
    """A reunion may become continuing education (both for the alumni), but not a network
    meeting once alumni are invited."""
    participant_at(coordinator, stockholm, "alumni", full_name="Bo Lind")
    event = event_in(coordinator, stockholm)
    actions.invite_alumni(actor=coordinator, event=event)
    client = client_for(coordinator)

    refused = client.post(edit_url(event), edit_data(kind=EventKind.NETWORK_MEETING))
    assert refused.status_code == 400
    assert "the kind can only change" in refused.context["form"].errors["kind"][0]
    assert client.post(edit_url(event), edit_data()).status_code == 302

    fresh = event_in(coordinator, stockholm, title="Tom")
    changed = client.post(edit_url(fresh), edit_data(kind=EventKind.NETWORK_MEETING))
    assert changed.status_code == 302


def test_another_regions_coordinator_cannot_edit_or_cancel(
    coordinator, other_coordinator, stockholm, client_for
):
    event = event_in(coordinator, stockholm)
    client = client_for(other_coordinator)
    assert client.get(edit_url(event)).status_code == 404
    assert client.post(cancel_url(event), {"reason": "Nej"}).status_code == 404
    assert not Event.objects.get().is_cancelled


# Cancelling ------------------------------------------------------------------------------------


@pytest.mark.english
def test_cancelling_withdraws_waiting_invitations_and_tells_every_invitee(
    coordinator, stockholm, client_for
):
    """The invitation e-mails not yet sent are withdrawn; each invitee with an account gets
    a cancellation with the reason, once; the event stays listed, cancelled."""
    alva = alumnus_with_account(coordinator, stockholm, "Alva Ek")
    bo = alumnus_with_account(coordinator, stockholm, "Bo Lind")
    participant_at(coordinator, stockholm, "alumni", full_name="Utan Konto")
    event = event_in(coordinator, stockholm, title="Vårens återträff")
    actions.invite_alumni(actor=coordinator, event=event)
    # Alva's invitation has gone out; Bo's still waits in the outbox.
    Notification.objects.filter(recipient=alva).update(sent_at=timezone.now())
    client = client_for(coordinator)

    response = client.post(cancel_url(event), {"reason": "Lokalen är inte ledig."}, follow=True)
    assert messages_of(response) == ["The event is cancelled and the invitees are told."]
    event.refresh_from_db()
    assert event.is_cancelled and event.cancelled_reason == "Lokalen är inte ledig."
    assert not Notification.objects.filter(recipient=bo, kind=EVENT_INVITATION.key).exists()
    assert Notification.objects.filter(recipient=alva, kind=EVENT_INVITATION.key).exists()
    cancelled = Notification.objects.filter(kind=EVENT_CANCELLED.key)
    assert {n.recipient for n in cancelled} == {alva, bo}
    subject_line, body = render_notification(cancelled.get(recipient=alva))
    assert subject_line.startswith("Cancelled: Vårens återträff")
    assert "Reason: Lokalen är inte ledig." in body

    listed = client.get(reverse("programmes:event_list"))
    assert list(listed.context["upcoming"]) == [event]
    assert "Cancelled" in listed.content.decode()
    again = client.post(reverse("programmes:event_invite", args=[event.pk]), follow=True)
    assert messages_of(again) == ["The event is cancelled."]
    assert client.get(edit_url(event)).context["form"] is None
    assert client.post(cancel_url(event), {"reason": "Igen"}).status_code == 200
    assert Notification.objects.filter(kind=EVENT_CANCELLED.key).count() == 2


@pytest.mark.english
def test_cancelling_needs_a_reason_and_an_event_not_yet_begun(coordinator, stockholm, client_for):
    event = event_in(coordinator, stockholm)
    client = client_for(coordinator)
    refused = client.post(cancel_url(event), {"reason": "  "})
    assert refused.status_code == 400
    assert not Event.objects.get().is_cancelled

    begun = event_in(coordinator, stockholm, days=0, title="Pågår")
    Event.objects.filter(pk=begun.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1),
        ends_at=timezone.now() + dt.timedelta(hours=1),
    )
    page = client.get(cancel_url(begun))
    assert page.context["form"] is None
    assert "The event has begun; it can't be cancelled." in page.content.decode()
    with pytest.raises(Exception, match="has begun"):
        actions.cancel_event(actor=coordinator, event=Event.objects.get(pk=begun.pk), reason="x")


# Network meetings ------------------------------------------------------------------------------


@pytest.mark.english
def test_a_network_meeting_invites_the_unit_managers_who_have_taken_on_peer_supporters(
    coordinator, other_coordinator, stockholm, skane, unit_manager
):
    """Managers of the region's workplaces with an active placement are invited, by their
    account; managers without peer supporters, another region's and the alumni are not."""
    from peersupport.accounts.models import Role
    from tests.factories import person_with_role

    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    active_placement(
        coordinator, unit_manager, workplace, certified_participant(stockholm, name="Pia Peer")
    )
    idle = person_with_role(Role.UNIT_MANAGER, stockholm, full_name="Ida Utan")
    ready_workplace(coordinator, stockholm, name="Tomma enheten", managers=[idle])
    elsewhere = person_with_role(Role.UNIT_MANAGER, skane, full_name="Sven Skåne")
    skane_workplace = ready_workplace(other_coordinator, skane, name="Malmö", managers=[elsewhere])
    active_placement(
        other_coordinator,
        elsewhere,
        skane_workplace,
        certified_participant(skane, name="Sara Skåne"),
    )
    meeting = event_in(
        coordinator, stockholm, title="Nätverksträff", kind=EventKind.NETWORK_MEETING
    )

    assert actions.invite_to_event(actor=coordinator, event=meeting) == 1
    assert actions.invite_to_event(actor=coordinator, event=meeting) == 0
    [invitation] = meeting.invitations.all()
    assert (invitation.user, invitation.participant) == (unit_manager, None)
    [notification] = Notification.objects.filter(kind=EVENT_INVITATION.key)
    assert notification.recipient == unit_manager
    with pytest.raises(Exception, match="not for the alumni"):
        actions.invite_alumni(actor=coordinator, event=meeting)


@pytest.mark.english
def test_the_network_meeting_e_mail_names_it_and_links_to_the_answer(
    coordinator, stockholm, unit_manager, client
):
    unit_manager.language = "en"
    unit_manager.save(update_fields=["language"])
    network_meeting_with(coordinator, stockholm, unit_manager)

    _subject, body = render_notification(Notification.objects.get())
    assert "a network meeting for the unit managers" in body
    path = re.search(r"https?://[^/\s]+(/\S*/events/answer/\S+/)", body).group(1)
    assert client.get(path).status_code == 200


# Answering -------------------------------------------------------------------------------------


@pytest.mark.english
def test_an_invitee_answers_from_the_e_mail_link_without_logging_in(coordinator, stockholm, client):
    """The signed link shows the event; opening it changes nothing, sending records the
    answer, and sending again changes it."""
    alumnus_with_account(coordinator, stockholm)
    event = event_in(coordinator, stockholm, title="Vårens återträff")
    actions.invite_alumni(actor=coordinator, event=event)
    invitation = EventInvitation.objects.get()

    page = client.get(answer_url(invitation))
    assert page.status_code == 200
    assert "Vårens återträff" in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    invitation.refresh_from_db()
    assert invitation.response == ""

    answered = client.post(answer_url(invitation), {"response": "coming"}, follow=True)
    assert messages_of(answered) == ["Thank you, your answer is saved."]
    invitation.refresh_from_db()
    assert invitation.response == EventResponse.COMING and invitation.responded_at
    client.post(answer_url(invitation), {"response": "not_coming"})
    invitation.refresh_from_db()
    assert invitation.response == EventResponse.NOT_COMING
    assert AuditEvent.objects.filter(detail__response="not_coming").exists()

    nonsense = client.post(answer_url(invitation), {"response": "maybe"})
    assert nonsense.status_code == 400


def test_a_forged_link_or_a_closed_account_finds_nothing(coordinator, stockholm, client):
    account = alumnus_with_account(coordinator, stockholm)
    event = event_in(coordinator, stockholm)
    actions.invite_alumni(actor=coordinator, event=event)
    invitation = EventInvitation.objects.get()
    forged = reverse("programmes:event_answer", args=[f"{invitation.pk}:forged"])
    assert client.get(forged).status_code == 404
    account.is_active = False
    account.save(update_fields=["is_active"])
    assert client.post(answer_url(invitation), {"response": "coming"}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.response == ""


@pytest.mark.english
def test_a_cancelled_event_takes_no_answers(coordinator, stockholm, client):
    alumnus_with_account(coordinator, stockholm)
    event = event_in(coordinator, stockholm)
    actions.invite_alumni(actor=coordinator, event=event)
    invitation = EventInvitation.objects.get()
    actions.cancel_event(actor=coordinator, event=event, reason="Sjukdom")

    response = client.post(answer_url(invitation), {"response": "coming"})
    assert response.status_code == 200
    assert "The event is cancelled." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == ""


@pytest.mark.english
def test_a_peer_supporter_sees_and_answers_their_invitations_in_the_app(
    coordinator, stockholm, peer_supporter, other_peer_supporter, client_for
):
    participant_at(
        coordinator, stockholm, "alumni", full_name="Elias Peer", email=peer_supporter.email
    )
    participant_at(coordinator, stockholm, "alumni", full_name="Bo Lind")
    event = event_in(coordinator, stockholm, title="Vårens återträff")
    actions.invite_alumni(actor=coordinator, event=event)
    mine = EventInvitation.objects.get(participant__full_name="Elias Peer")
    theirs = EventInvitation.objects.get(participant__full_name="Bo Lind")
    client = client_for(peer_supporter)

    page = client.get(reverse("programmes:my_events"))
    assert list(page.context["upcoming"]) == [mine]
    response = client.post(
        reverse("programmes:my_event_answer", args=[mine.pk]), {"response": "coming"}, follow=True
    )
    assert messages_of(response) == ["Your answer is saved."]
    mine.refresh_from_db()
    assert mine.response == EventResponse.COMING
    other = reverse("programmes:my_event_answer", args=[theirs.pk])
    assert client.post(other, {"response": "coming"}).status_code == 404
    assert client_for(other_peer_supporter).get(reverse("programmes:my_events")).status_code == 200


def test_the_coordinators_event_page_shows_who_answered(
    coordinator, stockholm, unit_manager, client_for
):
    """Counts of coming and not coming, and each invitee's answer, unit managers included."""
    meeting = network_meeting_with(coordinator, stockholm, unit_manager)
    actions.answer_event_invitation(
        actor=unit_manager, invitation=meeting.invitations.get(), response=EventResponse.COMING
    )
    response = client_for(coordinator).get(reverse("programmes:event_detail", args=[meeting.pk]))
    assert response.status_code == 200
    assert (response.context["coming_count"], response.context["not_coming_count"]) == (1, 0)
    [invitation] = response.context["invitations"]
    assert (invitation.invitee_name, invitation.response) == ("Johan Enhetschef", "coming")
    assert 'data-response="coming"' in response.content.decode()


@pytest.mark.english
def test_a_unit_manager_answers_only_their_own_invitation(coordinator, stockholm, unit_manager):
    participant_at(coordinator, stockholm, "alumni", full_name="Bo Lind")
    event = event_in(coordinator, stockholm)
    actions.invite_alumni(actor=coordinator, event=event)
    with pytest.raises(Exception, match="only answer your own"):
        actions.answer_event_invitation(
            actor=unit_manager, invitation=event.invitations.get(), response="coming"
        )


def test_the_calendar_holds_the_network_meeting_and_marks_it_cancelled(
    coordinator, stockholm, unit_manager
):
    meeting = network_meeting_with(coordinator, stockholm, unit_manager)
    actions.cancel_event(actor=coordinator, event=meeting, reason="Sjukdom")
    feed = calendar_for(unit_manager, site_url="https://peer.example.org").decode()
    assert "Nätverksträff" in feed
    assert "STATUS:CANCELLED" in feed


def test_a_unit_managers_register_extract_holds_their_network_meeting(
    coordinator, stockholm, unit_manager
):
    """An invitation to an account is the person's data too: it is in their extract, with
    their answer."""
    meeting = network_meeting_with(coordinator, stockholm, unit_manager)
    actions.answer_event_invitation(
        actor=unit_manager, invitation=meeting.invitations.get(), response=EventResponse.COMING
    )
    content = collect_content(unit_manager.data_subject(), language="en", own=True)
    [section] = [s for s in content.sections if s.key == "programmes.events"]
    [record] = section.records
    assert record.title == "Nätverksträff"
    assert dict((key, value) for key, _label, value, _shown in record.fields)["response"] == (
        "Coming"
    )


# Query budgets ---------------------------------------------------------------------------------


@pytest.mark.parametrize("events", [1, 6])
def test_the_own_events_page_costs_the_same_whatever_the_number(
    events, coordinator, stockholm, peer_supporter, client_for, django_assert_num_queries
):
    participant_at(
        coordinator, stockholm, "alumni", full_name="Elias Peer", email=peer_supporter.email
    )
    for index in range(events):
        event = event_in(coordinator, stockholm, days=10 + index, title=f"Träff {index}")
        actions.invite_alumni(actor=coordinator, event=event)
        past = event_in(coordinator, stockholm, days=-10 - index, title=f"Förr {index}")
        actions.invite_alumni(actor=coordinator, event=past)
    client = client_for(peer_supporter)
    client.get(reverse("programmes:my_events"))
    with django_assert_num_queries(QUERIES_OWN_EVENTS):
        response = client.get(reverse("programmes:my_events"))
    assert len(response.context["upcoming"]) == events


QUERIES_OWN_EVENTS = 5


@pytest.mark.parametrize("events", [1, 6])
def test_the_event_list_costs_the_same_with_cancelled_and_answered_events(
    events, coordinator, stockholm, client_for, django_assert_num_queries
):
    alumnus_with_account(coordinator, stockholm)
    for index in range(events):
        event = event_in(coordinator, stockholm, days=10 + index, title=f"Träff {index}")
        actions.invite_alumni(actor=coordinator, event=event)
        actions.answer_event_invitation(
            invitation=event.invitations.get(), response=EventResponse.COMING
        )
        if index % 2:
            actions.cancel_event(actor=coordinator, event=event, reason="Inställt")
    client = client_for(coordinator)
    client.get(reverse("programmes:event_list"))
    with django_assert_num_queries(QUERIES_EVENT_LIST):
        response = client.get(reverse("programmes:event_list"))
    assert [e.coming for e in response.context["upcoming"]] == [1] * events


QUERIES_EVENT_LIST = 6
