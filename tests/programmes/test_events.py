import datetime as dt

import pytest
from django.urls import reverse

from peersupport.notifications.actions import render_notification
from peersupport.notifications.models import Notification
from programmes import actions
from programmes.models import Event, EventInvitation, EventKind
from programmes.notifications import EVENT_INVITATION
from tests.factories import UserFactory
from tests.programmes.event_state import (  # noqa: F401 (an autouse fixture)
    _english_speaking_coordinator,
    event_in,
    in_days,
)

from .participant_paths import participant_at

pytestmark = pytest.mark.django_db

LIST = reverse("programmes:event_list")
CREATE = reverse("programmes:event_create")


def detail_url(event):
    return reverse("programmes:event_detail", args=[event.pk])


def invite_url(event):
    return reverse("programmes:event_invite", args=[event.pk])


def attendance_url(invitation):
    return reverse("programmes:event_attendance", args=[invitation.event_id, invitation.pk])


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# Scoping ------------------------------------------------------------------------------------


def test_a_coordinator_lists_own_regions_events_upcoming_and_past(
    coordinator, other_coordinator, stockholm, skane, client_for
):
    """Upcoming and past events of the coordinator's regions; never another region's."""
    coming = event_in(coordinator, stockholm, days=10, title="Vårens återträff")
    done = event_in(coordinator, stockholm, days=-10, title="Höstens fortbildning")
    event_in(other_coordinator, skane, days=10, title="Skånes återträff")

    response = client_for(coordinator).get(LIST)
    assert response.status_code == 200
    assert list(response.context["upcoming"]) == [coming]
    assert list(response.context["page"]) == [done]
    assert "Skånes återträff" not in response.content.decode()


def test_a_coordinator_of_another_region_gets_404_on_a_stockholm_event(
    coordinator, other_coordinator, stockholm, client_for
):
    """Skåne's coordinator can neither see, invite to nor record attendance at a Stockholm
    event."""
    event = event_in(coordinator, stockholm)
    participant_at(coordinator, stockholm, "certified", full_name="Alva Ek")
    actions.invite_alumni(actor=coordinator, event=event)
    invitation = event.invitations.get()
    client = client_for(other_coordinator)
    assert client.get(detail_url(event)).status_code == 404
    assert client.post(invite_url(event)).status_code == 404
    assert client.post(attendance_url(invitation), {"attended": "yes"}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.attended is None


def test_a_peer_supporter_is_refused_the_event_pages(
    coordinator, peer_supporter, stockholm, client_for
):
    event = event_in(coordinator, stockholm)
    client = client_for(peer_supporter)
    for url in (LIST, CREATE, detail_url(event)):
        assert client.get(url).status_code == 403
    assert client.post(invite_url(event)).status_code == 403


# Creating -------------------------------------------------------------------------------------


def test_an_event_is_created_in_swedish_time(coordinator, stockholm, client_for):
    """Date and times are typed in Swedish time and stored as the right moment."""
    response = client_for(coordinator).post(
        CREATE,
        {
            "region": stockholm.pk,
            "kind": EventKind.CONTINUING_EDUCATION,
            "title": "Fortbildning: svåra samtal",
            "start_date": "2027-06-10",
            "start_time": "13:00",
            "end_time": "16:30",
            "venue": "Folkets hus",
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(event)
    assert event.starts_at == dt.datetime(2027, 6, 10, 11, 0, tzinfo=dt.UTC)
    assert event.ends_at == dt.datetime(2027, 6, 10, 14, 30, tzinfo=dt.UTC)
    assert (event.region, event.kind) == (stockholm, EventKind.CONTINUING_EDUCATION)


def test_an_event_over_two_days_ends_on_its_end_date(coordinator, stockholm, client_for):
    client_for(coordinator).post(
        CREATE,
        {
            "region": stockholm.pk,
            "kind": EventKind.REUNION,
            "title": "Internat",
            "start_date": "2027-01-14",
            "start_time": "10:00",
            "end_date": "2027-01-15",
            "end_time": "15:00",
        },
    )
    event = Event.objects.get()
    assert event.ends_at == dt.datetime(2027, 1, 15, 14, 0, tzinfo=dt.UTC)


def test_an_event_that_ends_before_it_starts_is_refused_next_to_the_end(
    coordinator, stockholm, client_for
):
    """The action's message shows at the end time and what was typed is kept."""
    response = client_for(coordinator).post(
        CREATE,
        {
            "region": stockholm.pk,
            "kind": EventKind.REUNION,
            "title": "Baklänges",
            "start_date": "2027-06-10",
            "start_time": "16:00",
            "end_time": "13:00",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_time"] == ["The event must end after it starts."]
    assert 'value="Baklänges"' in response.content.decode()
    assert not Event.objects.exists()


def test_an_event_cannot_be_created_in_another_region(coordinator, skane, client_for):
    response = client_for(coordinator).post(
        CREATE,
        {
            "region": skane.pk,
            "kind": EventKind.REUNION,
            "title": "Fel region",
            "start_date": "2027-06-10",
            "start_time": "13:00",
            "end_time": "16:00",
        },
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not Event.objects.exists()


# Inviting -------------------------------------------------------------------------------------


def test_inviting_reaches_only_the_regions_alumni_and_is_idempotent(
    coordinator, other_coordinator, stockholm, skane, client_for
):
    """Certified, placed and alumni participants of the region are invited, nobody else;
    inviting again adds only those who were not yet invited."""
    invited = {
        participant_at(coordinator, stockholm, status, full_name=f"Person {status}")
        for status in ("certified", "placed", "alumni")
    }
    for status in ("applicant", "accepted", "trainee", "declined", "left"):
        participant_at(coordinator, stockholm, status, full_name=f"Person {status}")
    participant_at(other_coordinator, skane, "alumni", full_name="Bengt Berg")
    event = event_in(coordinator, stockholm)
    client = client_for(coordinator)

    response = client.post(invite_url(event), follow=True)
    assert {i.participant for i in event.invitations.all()} == invited
    assert messages_of(response) == ["3 alumni are invited."]

    again = client.post(invite_url(event), follow=True)
    assert event.invitations.count() == 3
    assert messages_of(again) == ["Every alumnus of the region is already invited."]

    latecomer = participant_at(coordinator, stockholm, "certified", full_name="Sen Ankomst")
    third = client.post(invite_url(event), follow=True)
    assert messages_of(third) == ["1 alumnus is invited."]
    assert event.invitations.filter(participant=latecomer).exists()


def test_invited_alumni_with_an_account_are_told_in_their_language(coordinator, stockholm):
    """An invitation is queued for each invited person with an account, once, about the
    invitation; the e-mail names the event and its time in the recipient's language."""
    account = UserFactory(email="alva@example.org", language="en", full_name="Alva Ek")
    participant_at(coordinator, stockholm, "alumni", full_name="Alva Ek", email=account.email)
    participant_at(coordinator, stockholm, "alumni", full_name="Utan Konto")
    event = actions.create_event(
        actor=coordinator,
        region=stockholm,
        kind=EventKind.REUNION,
        title="Vårens återträff",
        starts_at=dt.datetime(2099, 5, 20, 11, tzinfo=dt.UTC),
        ends_at=dt.datetime(2099, 5, 20, 14, tzinfo=dt.UTC),
        venue="Folkets hus",
    )
    actions.invite_alumni(actor=coordinator, event=event)
    actions.invite_alumni(actor=coordinator, event=event)

    [notification] = Notification.objects.all()
    assert notification.recipient == account
    assert notification.kind == EVENT_INVITATION.key
    assert notification.subject == event.invitations.get(participant__user=account)
    subject_line, body = render_notification(notification)
    assert subject_line == "Invitation: Vårens återträff, 20 May"
    assert body.startswith("Hello Alva,")
    assert "Wednesday 20 May 2099, 13:00–16:00" in body
    assert "Folkets hus" in body


def test_no_e_mail_goes_out_for_an_event_that_has_begun(coordinator, stockholm):
    """Inviting to a past event records the invitations but sends nobody an e-mail."""
    account = UserFactory(email="alva@example.org")
    participant_at(coordinator, stockholm, "alumni", full_name="Alva Ek", email=account.email)
    event = event_in(coordinator, stockholm, days=-3)
    assert actions.invite_alumni(actor=coordinator, event=event) == 1
    assert not Notification.objects.exists()


# Attendance -----------------------------------------------------------------------------------


def test_attendance_is_recorded_and_shows_on_the_persons_record(coordinator, stockholm, client_for):
    """Marking someone as attended puts the event on their record; 'did not attend' and
    nonsense input behave as they say."""
    alva = participant_at(coordinator, stockholm, "certified", full_name="Alva Ek")
    event = event_in(coordinator, stockholm, days=-1, title="Vinterns återträff")
    actions.invite_alumni(actor=coordinator, event=event)
    invitation = EventInvitation.objects.get()
    client = client_for(coordinator)

    response = client.post(attendance_url(invitation), {"attended": "yes"})
    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(event)}#invitation-{invitation.pk}"
    invitation.refresh_from_db()
    assert invitation.attended is True
    record = client.get(reverse("programmes:participant_detail", args=[alva.pk]))
    assert [i.event for i in record.context["events_attended"]] == [event]
    assert "Vinterns återträff" in record.content.decode()

    did_not = client.post(attendance_url(invitation), {"attended": "no"}, follow=True)
    assert messages_of(did_not) == ["Attendance of Alva Ek is saved."]
    invitation.refresh_from_db()
    assert invitation.attended is False

    refused = client.post(attendance_url(invitation), {"attended": "maybe"}, follow=True)
    assert messages_of(refused) == ["Choose whether the person attended."]
    invitation.refresh_from_db()
    assert invitation.attended is False


def test_the_event_page_lists_invitations_with_attendance(coordinator, stockholm, client_for):
    participant_at(coordinator, stockholm, "certified", full_name="Alva Ek")
    participant_at(coordinator, stockholm, "alumni", full_name="Bo Lind")
    event = event_in(coordinator, stockholm, days=-1)
    actions.invite_alumni(actor=coordinator, event=event)
    actions.record_event_attendance(
        actor=coordinator,
        invitation=event.invitations.get(participant__full_name="Bo Lind"),
        attended=True,
    )
    response = client_for(coordinator).get(detail_url(event))
    assert response.status_code == 200
    assert [(i.participant.full_name, i.attended) for i in response.context["invitations"]] == [
        ("Alva Ek", None),
        ("Bo Lind", True),
    ]
    assert response.context["attended_count"] == 1


def test_an_invitation_to_another_event_is_not_found(coordinator, stockholm, client_for):
    """The invitation must belong to the event in the address."""
    participant_at(coordinator, stockholm, "certified", full_name="Alva Ek")
    first = event_in(coordinator, stockholm, title="Första")
    second = event_in(coordinator, stockholm, title="Andra")
    actions.invite_alumni(actor=coordinator, event=first)
    invitation = first.invitations.get()
    url = reverse("programmes:event_attendance", args=[second.pk, invitation.pk])
    assert client_for(coordinator).post(url, {"attended": "yes"}).status_code == 404
