"""Messages to groups: who may write to which group, the copy kept in the app, one e-mail
per recipient through the outbox (a person without an account too), the privacy guard and
the hourly limit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.actions import close_account
from peersupport.accounts.models import Role
from peersupport.audit.models import AuditEvent
from peersupport.messaging.actions import send_group_message
from peersupport.messaging.audiences import get_audience
from peersupport.messaging.models import Message, MessageRecipient
from peersupport.notifications.actions import dispatch_due_notifications
from peersupport.notifications.models import Notification
from programmes import actions as programme_actions
from tests.factories import certified_participant, person_with_role, ready_workplace
from tests.programmes.course_state import accepted_applicant, default_cohort
from tests.supervision.state import supervision_group

pytestmark = pytest.mark.django_db

SUBJECT = "Kursstart på måndag"
BODY = "Välkomna! Vi ses klockan nio i Folkets hus."


@pytest.fixture
def cohort(coordinator, stockholm, peer_supporter):
    """A planned Stockholm cohort with two trainees: Elias (the peer supporter's account)
    and Nora, who has no account."""
    cohort = default_cohort(coordinator, stockholm, timezone.localdate() + dt.timedelta(days=30))
    elias = accepted_applicant(coordinator, stockholm, "Elias Peer", email=peer_supporter.email)
    nora = accepted_applicant(
        coordinator, stockholm, "Nora Utan", email="nora@example.org", language="en"
    )
    for participant in (elias, nora):
        programme_actions.enrol(actor=coordinator, cohort=cohort, participant=participant)
    return cohort


def _write_url(audience: str, group_id: int) -> str:
    return reverse("messaging:message_write", args=[audience, group_id])


def _send(client, audience, group_id, **data):
    return client.post(_write_url(audience, group_id), {"subject": SUBJECT, "body": BODY, **data})


def test_a_coordinator_writes_to_a_cohort_by_e_mail_with_a_copy_in_the_app(
    coordinator, peer_supporter, cohort, client_for
):
    """Each trainee gets one e-mail through the outbox – the one without an account at the
    programme's address, in their language, without a link – and the trainee with an
    account finds the message under Messages."""
    client = client_for(coordinator)
    page = client.get(_write_url("cohort", cohort.pk))
    assert page.context["recipient_count"] == 2 and page.context["without_account"] == 1

    response = _send(client, "cohort", cohort.pk)
    message = Message.objects.get()
    assert response["Location"] == reverse("messaging:message_detail", args=[message.pk])
    assert (message.author, message.region_id, message.group_name) == (
        coordinator,
        cohort.region_id,
        cohort.name,
    )
    rows = {row.user_id: row for row in message.recipients.all()}
    assert set(rows) == {peer_supporter.pk, None}
    assert rows[None].email == "nora@example.org" and rows[None].language == "en"
    assert Notification.objects.filter(kind="group_message").count() == 2

    assert dispatch_due_notifications() == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {peer_supporter.email, "nora@example.org"}
    to_elias, to_nora = by_address[peer_supporter.email], by_address["nora@example.org"]
    assert to_elias.subject == to_nora.subject == SUBJECT
    assert BODY in to_elias.body and BODY in to_nora.body
    assert reverse("messaging:message_detail", args=[message.pk]) in to_elias.body
    assert "/messages/" not in to_nora.body
    assert "Hello Nora" in to_nora.body and coordinator.email in to_nora.body

    inbox = client_for(peer_supporter).get(reverse("messaging:message_inbox"))
    assert [row.message for row in inbox.context["page"]] == [message]
    event = AuditEvent.objects.get(action="create", object_type="messaging.message")
    assert event.detail == {
        "audience": "cohort",
        "group": cohort.pk,
        "recipients": 2,
        "without_account": 1,
    }


def test_a_supervisor_writes_to_their_own_group_only(
    coordinator, supervisor, other_supervisor, peer_supporter, stockholm, client_for
):
    """The group's supervisor and the region's coordinator may write to it; another
    supervisor gets 404, a peer supporter 403."""
    member = certified_participant(stockholm, peer_supporter)
    group = supervision_group(coordinator, supervisor, [member])
    supervision_group(coordinator, other_supervisor, [member], name="Torsdagsgruppen")

    writer = client_for(supervisor)
    listing = writer.get(reverse("messaging:message_groups"))
    [section] = listing.context["sections"]
    assert [g.pk for g in section["groups"]] == [group.pk]
    assert _send(writer, "supervision_group", group.pk).status_code == 302
    assert MessageRecipient.objects.get().user == peer_supporter

    assert _send(client_for(other_supervisor), "supervision_group", group.pk).status_code == 404
    assert client_for(coordinator).get(_write_url("supervision_group", group.pk)).status_code == 200
    peer = client_for(peer_supporter)
    assert peer.get(_write_url("supervision_group", group.pk)).status_code == 403
    assert peer.get(reverse("messaging:message_groups")).status_code == 403
    assert Message.objects.count() == 1


def test_another_regions_coordinator_cannot_write_to_the_group(
    other_coordinator, cohort, client_for
):
    client = client_for(other_coordinator)
    assert client.get(_write_url("cohort", cohort.pk)).status_code == 404
    assert _send(client, "cohort", cohort.pk).status_code == 404
    assert client.get(_write_url("no-such-audience", cohort.pk)).status_code == 404
    assert not Message.objects.exists()


def test_a_workplaces_managers_and_the_regions_alumni(
    coordinator, unit_manager, stockholm, skane, peer_supporter
):
    """The managers of the workplace, and the region's certified, placed and former peer
    supporters (not another region's)."""
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    to_managers = send_group_message(
        actor=coordinator,
        audience=get_audience("workplace_managers"),
        group=workplace,
        subject=SUBJECT,
        body=BODY,
    )
    assert [row.user for row in to_managers.recipients.all()] == [unit_manager]

    certified_participant(stockholm, peer_supporter)
    certified_participant(skane, name="Lina Skåne")
    to_alumni = send_group_message(
        actor=coordinator,
        audience=get_audience("alumni"),
        group=stockholm,
        subject=SUBJECT,
        body=BODY,
    )
    assert [row.user for row in to_alumni.recipients.all()] == [peer_supporter]
    assert to_alumni.region == stockholm


@pytest.mark.english
def test_identifying_data_is_refused_next_to_the_field_and_nothing_is_sent(
    coordinator, cohort, client_for
):
    response = _send(
        client_for(coordinator), "cohort", cohort.pk, body="Ring mig på 070-123 45 67."
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "body" in form.errors
    assert form["subject"].value() == SUBJECT
    assert not Message.objects.exists() and not Notification.objects.exists()


@pytest.mark.english
def test_an_author_may_send_only_so_many_messages_an_hour(
    coordinator, cohort, client_for, settings
):
    """Beyond GROUP_MESSAGES_PER_HOUR the message is refused with a clear message, and
    kept on the page; an hour later the author may write again."""
    settings.GROUP_MESSAGES_PER_HOUR = 2
    client = client_for(coordinator)
    for _ in range(2):
        assert _send(client, "cohort", cohort.pk).status_code == 302
    refused = _send(client, "cohort", cohort.pk)
    assert refused.status_code == 400
    assert "2 messages in the last hour" in refused.content.decode()
    assert refused.context["form"]["body"].value() == BODY
    assert Message.objects.count() == 2

    Message.objects.update(created_at=timezone.now() - dt.timedelta(minutes=61))
    assert _send(client, "cohort", cohort.pk).status_code == 302


def test_a_closed_account_gets_no_message(coordinator, peer_supporter, cohort):
    close_account(actor=coordinator, person=peer_supporter)
    message = send_group_message(
        actor=coordinator, audience=get_audience("cohort"), group=cohort, subject=SUBJECT, body=BODY
    )
    assert [row.email for row in message.recipients.all()] == ["nora@example.org"]


def test_only_author_and_recipients_read_the_message(
    coordinator, other_coordinator, peer_supporter, supervisor, cohort, client_for
):
    """Anyone else gets 404; opening it marks the recipient's copy read."""
    message = send_group_message(
        actor=coordinator, audience=get_audience("cohort"), group=cohort, subject=SUBJECT, body=BODY
    )
    url = reverse("messaging:message_detail", args=[message.pk])
    author_page = client_for(coordinator).get(url)
    assert author_page.status_code == 200 and len(author_page.context["recipients"]) == 2
    reader_page = client_for(peer_supporter).get(url)
    assert reader_page.status_code == 200 and reader_page.context["recipients"] is None
    assert MessageRecipient.objects.get(user=peer_supporter).read_at is not None
    for outsider in (other_coordinator, supervisor):
        assert client_for(outsider).get(url).status_code == 404


def test_everyone_has_messages_in_the_menu(peer_supporter, unit_manager, client_for):
    for user in (peer_supporter, unit_manager):
        response = client_for(user).get(reverse("messaging:message_inbox"))
        urls = [item["url"] for item in response.context["nav_items"]]
        assert reverse("messaging:message_inbox") in urls


def _messages_to(coordinator, cohort, count: int) -> None:
    for number in range(count):
        send_group_message(
            actor=coordinator,
            audience=get_audience("cohort"),
            group=cohort,
            subject=f"{SUBJECT} {number}",
            body=BODY,
        )


@pytest.mark.parametrize(
    ("user_fixture", "url_name"),
    [("peer_supporter", "messaging:message_inbox"), ("coordinator", "messaging:message_sent")],
)
def test_message_lists_cost_the_same_queries_for_one_message_and_many(
    user_fixture,
    url_name,
    request,
    coordinator,
    cohort,
    client_for,
    settings,
    django_assert_num_queries,
):
    settings.GROUP_MESSAGES_PER_HOUR = 50
    client = client_for(request.getfixturevalue(user_fixture))
    _messages_to(coordinator, cohort, 1)
    client.get(reverse(url_name))
    with django_assert_num_queries(LIST_QUERIES[url_name]):
        client.get(reverse(url_name))
    _messages_to(coordinator, cohort, 12)
    with django_assert_num_queries(LIST_QUERIES[url_name]):
        client.get(reverse(url_name))


def test_the_group_list_and_the_message_cost_a_fixed_number_of_queries(
    coordinator, cohort, stockholm, client_for, settings, django_assert_num_queries
):
    settings.GROUP_MESSAGES_PER_HOUR = 50
    client = client_for(coordinator)
    _messages_to(coordinator, cohort, 1)
    message = Message.objects.get()
    detail = reverse("messaging:message_detail", args=[message.pk])
    client.get(detail)
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(detail)
    with django_assert_num_queries(GROUPS_QUERIES):
        client.get(reverse("messaging:message_groups"))
    default_cohort(coordinator, stockholm, timezone.localdate(), name="Våren 2027")
    for _ in range(3):
        nobody = person_with_role(Role.PEER_SUPPORTER, stockholm)
        certified_participant(stockholm, nobody)
    with django_assert_num_queries(GROUPS_QUERIES):
        client.get(reverse("messaging:message_groups"))


LIST_QUERIES = {"messaging:message_inbox": 5, "messaging:message_sent": 6}
DETAIL_QUERIES = 7
GROUPS_QUERIES = 8
