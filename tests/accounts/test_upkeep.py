"""Upkeep of people without the admin: corrections, ending roles, closing and reopening
accounts, sending an invitation again; and the to-do list of invitations not accepted."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts import actions
from peersupport.accounts.invitations import invitation_path, invitations_not_accepted
from peersupport.accounts.models import Membership, Role, User
from peersupport.audit.models import AuditEvent
from peersupport.notifications.actions import dispatch_due_notifications, schedule_notification
from peersupport.notifications.models import Notification
from peersupport.todo import todo_lists_for
from tests.factories import TEST_PASSWORD, MembershipFactory, person_with_role

pytestmark = pytest.mark.django_db

PERSON_PAGE_QUERIES = 9


def _detail(person):
    return reverse("accounts:person_detail", args=[person.pk])


def _invited(coordinator, region, email="nora@example.org"):
    return actions.invite_person(
        actor=coordinator, email=email, full_name="Nora Ny", role=Role.PEER_SUPPORTER, region=region
    ).user


# --- Correcting details -------------------------------------------------------------------


def test_coordinator_corrects_name_address_and_language(coordinator, peer_supporter, client_for):
    """The correction is saved, the login address follows and the audit log has old and new."""
    response = client_for(coordinator).post(
        reverse("accounts:person_edit", args=[peer_supporter.pk]),
        {"full_name": "Elias Rättad", "email": "Elias.New@Example.org", "language": "en"},
    )
    assert response["Location"] == _detail(peer_supporter)
    peer_supporter.refresh_from_db()
    assert (peer_supporter.full_name, peer_supporter.email, peer_supporter.language) == (
        "Elias Rättad",
        "elias.new@example.org",
        "en",
    )
    assert EmailAddress.objects.get(user=peer_supporter).email == "elias.new@example.org"
    event = AuditEvent.objects.get(action="update", object_id=str(peer_supporter.pk))
    assert event.detail["email"]["to"] == "elias.new@example.org"
    assert event.actor == coordinator


@pytest.mark.english
def test_an_address_in_use_is_refused_next_to_the_field(
    coordinator, peer_supporter, supervisor, client_for
):
    """Another account's address is refused at the e-mail field; what was typed stays."""
    response = client_for(coordinator).post(
        reverse("accounts:person_edit", args=[peer_supporter.pk]),
        {"full_name": "Typed Name", "email": supervisor.email.upper(), "language": "sv"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["email"] == ["Another account already uses this e-mail address."]
    assert form["full_name"].value() == "Typed Name"
    peer_supporter.refresh_from_db()
    assert peer_supporter.full_name == "Elias Peer"


def test_a_name_holding_a_personal_number_is_refused(coordinator, peer_supporter, client_for):
    response = client_for(coordinator).post(
        reverse("accounts:person_edit", args=[peer_supporter.pk]),
        {"full_name": "Elias 19850101-1234", "email": peer_supporter.email, "language": "sv"},
    )
    assert response.status_code == 400
    assert "full_name" in response.context["form"].errors


def test_staff_of_another_region_cannot_be_corrected(coordinator, stockholm, skane, client_for):
    """A person who also holds a role in a region the coordinator does not run is not theirs
    to correct (403); a person of another region only is not even found (404)."""
    shared = person_with_role(Role.SUPERVISOR, stockholm)
    MembershipFactory(user=shared, role=Role.COORDINATOR, region=skane)
    skane_only = person_with_role(Role.PEER_SUPPORTER, skane)
    client = client_for(coordinator)
    assert client.get(reverse("accounts:person_edit", args=[shared.pk])).status_code == 403
    assert client.get(reverse("accounts:person_edit", args=[skane_only.pk])).status_code == 404
    assert client.get(reverse("accounts:person_edit", args=[coordinator.pk])).status_code == 403


# --- Ending roles -------------------------------------------------------------------------


def test_ending_a_role_removes_it_and_is_logged(coordinator, stockholm, client_for):
    person = person_with_role(Role.PEER_SUPPORTER, stockholm)
    supervisor_role = MembershipFactory(user=person, role=Role.SUPERVISOR, region=stockholm)
    client = client_for(coordinator)
    url = reverse("accounts:membership_end", args=[person.pk, supervisor_role.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "close_account" not in page.context["form"].fields
    assert client.post(url)["Location"] == _detail(person)
    assert list(person.memberships.values_list("role", flat=True)) == [Role.PEER_SUPPORTER]
    event = AuditEvent.objects.get(action="delete", object_id=str(person.pk))
    assert event.detail == {"role": Role.SUPERVISOR, "region": "stockholm", "ended": True}


@pytest.mark.english
def test_the_last_coordinator_of_a_region_keeps_the_role(coordinator, client_for):
    """Ending the region's only coordinator role is refused with a message saying why."""
    membership = coordinator.memberships.get()
    response = client_for(coordinator).post(
        reverse("accounts:membership_end", args=[coordinator.pk, membership.pk])
    )
    assert response.status_code == 400
    assert "is the last coordinator of Region Stockholm" in response.context["error"]
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_second_coordinator_may_be_ended(coordinator, stockholm, client_for):
    second = person_with_role(Role.COORDINATOR, stockholm)
    membership = second.memberships.get()
    client_for(coordinator).post(
        reverse("accounts:membership_end", args=[second.pk, membership.pk]),
        {"close_account": ""},
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()
    second.refresh_from_db()
    assert second.is_active


def test_ending_the_last_role_may_close_the_account(coordinator, peer_supporter, client_for):
    """The form offers to close the account with the last role; the person then drops out
    of the coordinator's list and cannot log in."""
    membership = peer_supporter.memberships.get()
    url = reverse("accounts:membership_end", args=[peer_supporter.pk, membership.pk])
    client = client_for(coordinator)
    assert "close_account" in client.get(url).context["form"].fields
    response = client.post(url, {"close_account": "on"})
    assert response["Location"] == reverse("accounts:person_list")
    peer_supporter.refresh_from_db()
    assert not peer_supporter.is_active


def test_roles_in_another_region_cannot_be_ended(coordinator, stockholm, skane, client_for):
    person = person_with_role(Role.PEER_SUPPORTER, stockholm)
    skane_role = MembershipFactory(user=person, role=Role.SUPERVISOR, region=skane)
    url = reverse("accounts:membership_end", args=[person.pk, skane_role.pk])
    assert client_for(coordinator).post(url).status_code == 404
    assert Membership.objects.filter(pk=skane_role.pk).exists()


# --- Closing and reopening ----------------------------------------------------------------


def _logged_in_through_allauth(user) -> Client:
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return client


def test_closing_ends_every_session_and_withdraws_pending_messages(
    coordinator, peer_supporter, client_for
):
    """The person is logged out everywhere at once, cannot log in again, and nothing
    waiting in the outbox reaches them; sent rows stay as history."""
    phone, laptop = (
        _logged_in_through_allauth(peer_supporter),
        _logged_in_through_allauth(peer_supporter),
    )
    assert UserSession.objects.filter(user=peer_supporter).count() == 2
    sent, _ = schedule_notification(recipient=peer_supporter, kind="account_invitation")
    Notification.objects.filter(pk=sent.pk).update(sent_at=timezone.now())
    schedule_notification(
        recipient=peer_supporter,
        kind="account_invitation",
        subject=peer_supporter.memberships.get(),
    )

    response = client_for(coordinator).post(
        reverse("accounts:person_close", args=[peer_supporter.pk])
    )
    assert response["Location"] == _detail(peer_supporter)
    peer_supporter.refresh_from_db()
    assert not peer_supporter.is_active
    assert not UserSession.objects.filter(user=peer_supporter).exists()
    assert not Session.objects.exists() or all(
        s.get_decoded().get("_auth_user_id") != str(peer_supporter.pk)
        for s in Session.objects.all()
    )
    for client in (phone, laptop):
        assert client.get(reverse("home"))["Location"].startswith(reverse("account_login"))
    assert list(Notification.objects.filter(recipient=peer_supporter)) == [sent]
    login = Client().post(
        reverse("account_login"), {"login": peer_supporter.email, "password": TEST_PASSWORD}
    )
    assert login.status_code != 302 or "/inactive" in login["Location"]
    event = AuditEvent.objects.filter(object_id=str(peer_supporter.pk), action="update").get()
    assert event.detail["account"] == "closed" and event.detail["sessions_ended"] == 2


def test_reopening_lets_the_person_log_in_again(coordinator, peer_supporter, client_for):
    actions.close_account(actor=coordinator, person=peer_supporter)
    client = client_for(coordinator)
    page = client.get(_detail(peer_supporter))
    assert reverse("accounts:person_reopen", args=[peer_supporter.pk]) in page.content.decode()
    client.post(reverse("accounts:person_reopen", args=[peer_supporter.pk]))
    peer_supporter.refresh_from_db()
    assert peer_supporter.is_active
    _logged_in_through_allauth(peer_supporter)


def test_nobody_closes_their_own_account(coordinator, stockholm, client_for):
    person_with_role(Role.COORDINATOR, stockholm)
    url = reverse("accounts:person_close", args=[coordinator.pk])
    assert client_for(coordinator).post(url).status_code == 403
    coordinator.refresh_from_db()
    assert coordinator.is_active


def test_staff_of_another_region_cannot_be_closed(coordinator, stockholm, skane, client_for):
    """A supervisor in Stockholm who also coordinates Skåne is not Stockholm's to close."""
    shared = person_with_role(Role.SUPERVISOR, stockholm)
    MembershipFactory(user=shared, role=Role.COORDINATOR, region=skane)
    client = client_for(coordinator)
    assert client.post(reverse("accounts:person_close", args=[shared.pk])).status_code == 403
    page = client.get(_detail(shared)).content.decode()
    assert reverse("accounts:person_close", args=[shared.pk]) not in page
    shared.refresh_from_db()
    assert shared.is_active


# --- Invitations again --------------------------------------------------------------------


def _link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/invitation/\S+)", message.body).group(1)


def test_resending_gives_a_new_link_and_the_old_one_stops_working(
    coordinator, stockholm, client_for, client
):
    nora = _invited(coordinator, stockholm)
    dispatch_due_notifications()
    old_link = _link_in(mail.outbox[-1])
    assert client.get(old_link).status_code == 200

    response = client_for(coordinator).post(reverse("accounts:invitation_resend", args=[nora.pk]))
    assert response["Location"] == _detail(nora)
    assert dispatch_due_notifications() == 1
    new_link = _link_in(mail.outbox[-1])
    assert mail.outbox[-1].to == ["nora@example.org"]
    assert new_link != old_link
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200
    assert AuditEvent.objects.filter(action="invite", detail__resent=True).count() == 1


def test_an_unsent_invitation_is_replaced_not_doubled(coordinator, stockholm):
    nora = _invited(coordinator, stockholm)
    actions.resend_invitation(actor=coordinator, person=nora)
    assert dispatch_due_notifications() == 1


@pytest.mark.english
def test_someone_who_chose_a_password_gets_no_new_invitation(
    coordinator, peer_supporter, client_for
):
    response = client_for(coordinator).post(
        reverse("accounts:invitation_resend", args=[peer_supporter.pk]), follow=True
    )
    assert "has already chosen a password" in response.content.decode()
    assert not Notification.objects.filter(recipient=peer_supporter).exists()


def test_invitations_not_accepted_after_seven_days(coordinator, stockholm, skane):
    """Listed from a week after the latest invitation; a resent one waits a week again;
    an accepted one, a closed account or another region's never."""
    today = timezone.localdate()
    week_ago = timezone.now() - dt.timedelta(days=8)
    waiting = _invited(coordinator, stockholm, "waiting@example.org")
    recent = _invited(coordinator, stockholm, "recent@example.org")
    accepted = _invited(coordinator, stockholm, "accepted@example.org")
    closed = _invited(coordinator, stockholm, "closed@example.org")
    Membership.objects.exclude(user=recent).update(created_at=week_ago)
    Notification.objects.exclude(recipient=recent).update(created_at=week_ago)
    accepted.set_password(TEST_PASSWORD)
    accepted.save()
    closed.is_active = False
    closed.save()
    assert list(invitations_not_accepted([stockholm.pk], today=today)) == [waiting]
    assert not invitations_not_accepted([skane.pk], today=today).exists()
    later = today + dt.timedelta(days=8)
    assert set(invitations_not_accepted([stockholm.pk], today=later)) == {recent, waiting}

    actions.resend_invitation(actor=coordinator, person=waiting)
    assert not invitations_not_accepted([stockholm.pk], today=today).exists()


def test_the_to_do_page_lists_unaccepted_invitations(coordinator, stockholm):
    nora = _invited(coordinator, stockholm)
    Membership.objects.filter(user=nora).update(created_at=timezone.now() - dt.timedelta(days=9))
    Notification.objects.filter(recipient=nora).update(
        created_at=timezone.now() - dt.timedelta(days=9)
    )
    [todo] = [
        todo
        for todo in todo_lists_for(coordinator, today=timezone.localdate())
        if todo.kind.key == "invitations_not_accepted"
    ]
    assert [item.url for item in todo.items] == [_detail(nora)]


def test_the_person_page_costs_the_same_queries_whatever_the_roles(
    coordinator, stockholm, client_for, django_assert_num_queries
):
    """The page with its upkeep buttons issues a fixed number of queries."""
    person = person_with_role(Role.PEER_SUPPORTER, stockholm)
    client = client_for(coordinator)
    client.get(_detail(person))
    with django_assert_num_queries(PERSON_PAGE_QUERIES):
        client.get(_detail(person))
    for role in (Role.SUPERVISOR, Role.UNIT_MANAGER, Role.RESEARCHER):
        MembershipFactory(user=person, role=role, region=stockholm)
    with django_assert_num_queries(PERSON_PAGE_QUERIES):
        client.get(_detail(person))


def test_an_invitation_link_made_before_resending_is_refused(coordinator, stockholm, client):
    nora = _invited(coordinator, stockholm)
    old = invitation_path(nora)
    actions.resend_invitation(actor=coordinator, person=nora)
    nora = User.objects.get(pk=nora.pk)
    assert client.get(old).status_code == 404
    assert client.get(invitation_path(nora)).status_code == 200
