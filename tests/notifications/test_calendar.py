"""Personal calendar feeds, read back with the icalendar library as a calendar app would."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar

from peersupport.accounts.models import Membership, Role
from peersupport.notifications.calendar import calendar_feed_for, revoke_calendar_feed
from programmes import actions as programme_actions
from programmes.models import EventKind
from supervision import actions as supervision_actions
from tests.factories import MembershipFactory, person_with_role, ready_workplace
from tests.programmes.course_state import accepted_applicant, default_cohort
from tests.supervision.state import placed_peer, supervision_group
from workplaces import actions as workplace_actions

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PRIVATE_NOTE = "Hemlig anteckning om gruppen"
CANCEL_REASON = "Handledaren har fått förhinder"

pytestmark = pytest.mark.django_db


def next_date(month: int, day: int) -> dt.date:
    """The next ``month``/``day`` at least a month from today: inside the feed's window."""
    today = timezone.localdate()
    candidate = dt.date(today.year, month, day)
    while candidate < today + relativedelta(months=1):
        candidate = candidate.replace(year=candidate.year + 1)
    return candidate


def feed_of(client, user) -> Calendar:
    """The user's feed, fetched without logging in and parsed."""
    response = client.get(
        reverse("notifications:calendar_feed", args=[calendar_feed_for(user).token])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events_by_uid(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def one_session(actor, group, day: dt.date, start: dt.time = dt.time(13, 0)):
    (session,) = supervision_actions.plan_series(
        actor=actor,
        group=group,
        first_date=day,
        until=day,
        start_time=start,
        skip_holidays=False,
        place="Föreningslokalen",
    )
    return session


@pytest.fixture
def workplace(coordinator, stockholm, unit_manager):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


@pytest.fixture
def peer(coordinator, unit_manager, workplace, peer_supporter):
    """The peer supporter's programme record, placed two months ago (so one follow-up is
    already past and three are ahead)."""
    return placed_peer(
        coordinator,
        unit_manager,
        workplace,
        peer_supporter,
        start_date=timezone.localdate() - relativedelta(months=2),
    )


@pytest.fixture
def group(coordinator, supervisor, peer):
    return supervision_group(coordinator, supervisor, [peer])


@pytest.fixture
def sessions(coordinator, supervisor, group):
    """A session in winter and one in summer, both at 13:00, and a cancelled one."""
    winter = one_session(coordinator, group, next_date(1, 12))
    summer = one_session(coordinator, group, next_date(7, 13))
    cancelled = one_session(coordinator, group, next_date(3, 9), dt.time(9, 30))
    supervision_actions.save_private_note(actor=supervisor, session=winter, text=PRIVATE_NOTE)
    cancelled = supervision_actions.cancel_session(
        actor=supervisor, session=cancelled, reason=CANCEL_REASON
    )
    return {"winter": winter, "summer": summer, "cancelled": cancelled}


@pytest.fixture
def reunion(coordinator, stockholm, peer):
    starts_at = dt.datetime.combine(next_date(5, 20), dt.time(17, 30), tzinfo=STOCKHOLM)
    event = programme_actions.create_event(
        actor=coordinator,
        region=stockholm,
        kind=EventKind.REUNION,
        title="Vårträff",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=3),
        venue="Kafé Kontakt",
    )
    programme_actions.invite_alumni(actor=coordinator, event=event)
    return event


@pytest.fixture
def trainee(coordinator, stockholm):
    """A trainee with an account, enrolled in a cohort that starts in a month."""
    user = person_with_role(Role.PEER_SUPPORTER, stockholm, full_name="Tova Trainee")
    participant = accepted_applicant(coordinator, stockholm, "Tova Trainee", email=user.email)
    cohort = default_cohort(coordinator, stockholm, timezone.localdate() + relativedelta(months=1))
    programme_actions.enrol(actor=coordinator, cohort=cohort, participant=participant)
    return user, cohort


def test_peer_supporter_feed_holds_their_supervision_and_reunion(
    client, peer_supporter, peer, sessions, reunion
):
    """Exactly the peer supporter's own sessions (the cancelled one too) and the reunion
    they are invited to: no follow-ups, which are the unit manager's and coordinator's."""
    events = events_by_uid(feed_of(client, peer_supporter))

    assert set(events) == {
        f"supervision-session-{sessions['winter'].pk}@peersupport",
        f"supervision-session-{sessions['summer'].pk}@peersupport",
        f"supervision-session-{sessions['cancelled'].pk}@peersupport",
        f"event-{reunion.pk}@peersupport",
    }
    reunion_event = events[f"event-{reunion.pk}@peersupport"]
    # The user's language is Swedish: the kind is shown as Swedish speakers read it.
    assert str(reunion_event["SUMMARY"]) == "Återträff: Vårträff"
    assert str(reunion_event["LOCATION"]) == "Kafé Kontakt"
    assert reunion_event.decoded("DTSTART") == dt.datetime.combine(
        reunion.starts_at.astimezone(STOCKHOLM).date(), dt.time(17, 30), tzinfo=STOCKHOLM
    )


def test_times_are_stockholm_local_time_in_winter_and_summer(client, peer_supporter, sessions):
    """A 13:00 session reads 13:00 with TZID=Europe/Stockholm, whether the offset is +1 or
    +2, and the calendar carries the Stockholm VTIMEZONE calendar apps need."""
    calendar = feed_of(client, peer_supporter)
    events = events_by_uid(calendar)

    for key in ("winter", "summer"):
        session = sessions[key]
        event = events[f"supervision-session-{session.pk}@peersupport"]
        assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
        start = event.decoded("DTSTART")
        assert (start.hour, start.minute) == (13, 0)
        assert start == session.starts_at
        assert event.decoded("DTEND") - start == dt.timedelta(minutes=session.duration_minutes)
        assert str(event["STATUS"]) == "CONFIRMED"
        assert str(event["LOCATION"]) == "Föreningslokalen"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    assert str(calendar["X-WR-CALNAME"]) == "PEER Support – Elias Peer"
    winter_offset = events[f"supervision-session-{sessions['winter'].pk}@peersupport"].decoded(
        "DTSTART"
    )
    assert winter_offset.utcoffset() == dt.timedelta(hours=1)
    summer_offset = events[f"supervision-session-{sessions['summer'].pk}@peersupport"].decoded(
        "DTSTART"
    )
    assert summer_offset.utcoffset() == dt.timedelta(hours=2)


def test_cancelled_session_stays_marked_cancelled(client, peer_supporter, supervisor, sessions):
    """A cancelled session is still in the feed, for both sides, as cancelled."""
    cancelled = sessions["cancelled"]
    uid = f"supervision-session-{cancelled.pk}@peersupport"
    for user in (peer_supporter, supervisor):
        event = events_by_uid(feed_of(client, user))[uid]
        assert str(event["STATUS"]) == "CANCELLED"
        with translation.override(user.language):
            title = gettext("Supervision: %(group)s") % {"group": cancelled.group.name}
            assert str(event["SUMMARY"]) == gettext("Cancelled: %(title)s") % {"title": title}
        assert event.decoded("DTSTART").time() == dt.time(9, 30)


def test_feed_never_carries_private_content(client, peer_supporter, supervisor, sessions):
    """Neither the supervisor's private note nor the reason for cancelling is in anyone's feed."""
    for user in (peer_supporter, supervisor):
        response = client.get(
            reverse("notifications:calendar_feed", args=[calendar_feed_for(user).token])
        )
        body = response.content.decode()
        assert PRIVATE_NOTE not in body
        assert CANCEL_REASON not in body


def test_supervisor_sees_the_sessions_they_lead_and_no_others(
    client, supervisor, other_supervisor, sessions
):
    assert set(events_by_uid(feed_of(client, supervisor))) == {
        f"supervision-session-{session.pk}@peersupport" for session in sessions.values()
    }
    assert events_by_uid(feed_of(client, other_supervisor)) == {}


def test_a_supervisor_whose_role_in_the_region_ended_loses_the_groups_sessions(
    client, supervisor, skane, sessions
):
    """The feed follows the pages: once the supervisor role in the group's region has
    ended, the sessions of the group that still names them leave their feed."""
    Membership.objects.filter(user=supervisor, role=Role.SUPERVISOR).delete()
    MembershipFactory(user=supervisor, role=Role.SUPERVISOR, region=skane)

    assert events_by_uid(feed_of(client, supervisor)) == {}


def test_course_days_for_the_enrolled_trainee_only(client, trainee, peer_supporter, sessions):
    """Every course day of the trainee's cohort at its local times; nobody else gets them."""
    user, cohort = trainee
    events = events_by_uid(feed_of(client, user))

    course_days = list(cohort.sessions.all())
    assert course_days
    assert set(events) == {f"course-session-{day.pk}@peersupport" for day in course_days}
    for day in course_days:
        event = events[f"course-session-{day.pk}@peersupport"]
        assert event.decoded("DTSTART") == dt.datetime.combine(
            day.date, day.start_time, tzinfo=STOCKHOLM
        )
        assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
        assert event.decoded("DTEND") == dt.datetime.combine(
            day.date, day.end_time, tzinfo=STOCKHOLM
        )
        assert str(event["LOCATION"]) == cohort.venue
    peer_uids = set(events_by_uid(feed_of(client, peer_supporter)))
    assert not any(uid.startswith("course-session-") for uid in peer_uids)


def test_withdrawn_trainee_loses_the_course_days(client, coordinator, trainee):
    user, cohort = trainee
    enrolment = cohort.enrolments.get()
    programme_actions.withdraw(actor=coordinator, enrolment=enrolment, reason="Flyttar")

    assert events_by_uid(feed_of(client, user)) == {}


def test_follow_ups_due_until_each_respondent_has_answered(
    client, coordinator, unit_manager, other_coordinator, peer
):
    """Follow-ups are all-day events for the unit manager and the coordinator, each until
    they have answered; another region's coordinator never sees them."""
    placement = peer.placements.get()
    reviews = list(placement.reviews.order_by("due_on"))
    assert len(reviews) == 4
    first, second = reviews[0], reviews[1]
    answers = {"role_works": 4, "role_clarity": 4, "staff_attitudes": 3}
    workplace_actions.submit_review(actor=unit_manager, review=first, **answers)
    workplace_actions.submit_review(actor=coordinator, review=second, **answers)

    manager_events = events_by_uid(feed_of(client, unit_manager))
    coordinator_events = events_by_uid(feed_of(client, coordinator))

    uid = "follow-up-review-{}@peersupport".format
    assert set(manager_events) == {uid(r.pk) for r in reviews if r != first}
    assert set(coordinator_events) == {uid(r.pk) for r in reviews if r != second}
    event = manager_events[uid(second.pk)]
    assert event.decoded("DTSTART") == second.due_on
    assert event.decoded("DTEND") == second.due_on + dt.timedelta(days=1)
    # The workplace, never the peer supporter's name: the feed needs no login.
    assert placement.workplace.name in str(event["SUMMARY"])
    raw = client.get(
        reverse("notifications:calendar_feed", args=[calendar_feed_for(unit_manager).token])
    ).content.decode()
    assert peer.full_name not in raw
    assert str(event["URL"]).endswith(reverse("workplaces:review_respond", args=[second.pk]))
    assert events_by_uid(feed_of(client, other_coordinator)) == {}


def test_revoked_address_answers_404_and_the_new_one_works(client, peer_supporter, sessions):
    old_url = reverse("notifications:calendar_feed", args=[calendar_feed_for(peer_supporter).token])
    assert client.get(old_url).status_code == 200

    feed = revoke_calendar_feed(actor=peer_supporter)

    assert client.get(old_url).status_code == 404
    new_url = reverse("notifications:calendar_feed", args=[feed.token])
    assert new_url != old_url
    assert client.get(new_url).status_code == 200


def test_settings_page_shows_the_address_and_revokes_it(client_for, peer_supporter):
    http = client_for(peer_supporter)
    old_token = calendar_feed_for(peer_supporter).token

    page = http.get(reverse("notifications:calendar_settings"))
    assert page.status_code == 200
    # The page shows a secret address: no cache may keep it.
    assert "no-store" in page["Cache-Control"]
    old_url = "http://testserver" + reverse("notifications:calendar_feed", args=[old_token])
    assert old_url in page.content.decode()

    response = http.post(reverse("notifications:calendar_settings"))
    assert response.status_code == 302
    new_token = calendar_feed_for(peer_supporter).token
    assert new_token != old_token
    assert http.get(old_url).status_code == 404
    page = http.get(reverse("notifications:calendar_settings"))
    assert new_token in page.content.decode()
    assert old_token not in page.content.decode()


def test_wrong_token_and_inactive_account_answer_404(client, peer_supporter):
    assert client.get(reverse("notifications:calendar_feed", args=["not-a-token"])).status_code == (
        404
    )
    url = reverse("notifications:calendar_feed", args=[calendar_feed_for(peer_supporter).token])
    peer_supporter.is_active = False
    peer_supporter.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("token", ["%00", "a%00b", "%C2%B2", "x" * 5000])
def test_a_malformed_token_answers_404(client, peer_supporter, token):
    """A token that could never have been issued – a NUL byte, a non-ASCII digit, far too
    long – is a plain 404, not a server error."""
    calendar_feed_for(peer_supporter)
    url = reverse("notifications:calendar_feed", args=["TOKEN"]).replace("TOKEN", token)

    assert client.get(url).status_code == 404


def test_feed_answers_get_and_head_only(client, peer_supporter):
    url = reverse("notifications:calendar_feed", args=[calendar_feed_for(peer_supporter).token])
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_feed_costs_the_same_queries_for_one_event_and_many(
    client, coordinator, group, peer_supporter, django_assert_num_queries
):
    """Feed and user, memberships, course days, supervision sessions, invitations."""
    url = reverse("notifications:calendar_feed", args=[calendar_feed_for(peer_supporter).token])
    one_session(coordinator, group, next_date(2, 2))
    with django_assert_num_queries(5):
        one = client.get(url)
    assert len(Calendar.from_ical(one.content).walk("VEVENT")) == 1

    supervision_actions.plan_series(
        actor=coordinator,
        group=group,
        first_date=timezone.localdate() + dt.timedelta(days=1),
        until=timezone.localdate() + relativedelta(months=12),
        start_time=dt.time(10, 0),
        skip_holidays=False,
    )
    with django_assert_num_queries(5):
        many = client.get(url)
    assert len(Calendar.from_ical(many.content).walk("VEVENT")) > 20


def test_unit_manager_feed_costs_a_fixed_number_of_queries(
    client, unit_manager, peer, django_assert_num_queries
):
    """Adding the manager's workplaces and the follow-ups: seven, whatever their number."""
    url = reverse("notifications:calendar_feed", args=[calendar_feed_for(unit_manager).token])
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 4


def test_the_admin_never_shows_or_filters_on_a_feeds_token(admin_user, client_for, peer_supporter):
    """The admin lists who has a feed; the token is neither on its pages nor usable as a
    filter in the address, whose count would give it away a character at a time."""
    feed = calendar_feed_for(peer_supporter)
    client = client_for(admin_user)
    changelist = reverse("admin:notifications_calendarfeed_changelist")

    listing = client.get(changelist)
    detail = client.get(reverse("admin:notifications_calendarfeed_change", args=[feed.pk]))
    probe = client.get(changelist, {"token__startswith": feed.token[:1]})

    assert listing.status_code == 200
    assert feed.token not in listing.content.decode()
    assert feed.token not in detail.content.decode()
    assert probe.status_code == 400
