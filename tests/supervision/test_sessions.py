"""Supervision sessions through the pages: the supervisor's home, the lists for each role,
the session page, moving, cancelling, attendance and themes, and the peer supporter's
confirmation and rating."""

import datetime as dt
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from peersupport.accounts.models import Membership, Role
from supervision import actions
from supervision.models import (
    AttendanceStatus,
    SessionAttendance,
    SessionStatus,
    SupervisionSession,
    SupervisionTheme,
)
from supervision.views import sessions as sessions_views
from tests.factories import (
    TEST_TOTP_SECRET,
    MembershipFactory,
    certified_participant,
    person_with_role,
)

from .state import supervision_group

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
TIME = dt.time(13, 0)
# A Tuesday far enough ahead to be in the future whenever the tests run.
FUTURE_TUESDAY = dt.date(2030, 3, 5)


@pytest.fixture
def elias(stockholm, peer_supporter):
    return certified_participant(stockholm, peer_supporter)


@pytest.fixture
def nora_user(stockholm):
    return person_with_role(Role.PEER_SUPPORTER, stockholm, full_name="Nora Nilsson")


@pytest.fixture
def nora(stockholm, nora_user):
    return certified_participant(stockholm, nora_user)


@pytest.fixture
def group(coordinator, supervisor, elias, nora):
    return supervision_group(coordinator, supervisor, [elias, nora])


def plan(actor, group, first_date, *, weeks=0, start_time=TIME, **fields):
    """Sessions every week from ``first_date`` for ``weeks`` more weeks."""
    return actions.plan_series(
        actor=actor,
        group=group,
        first_date=first_date,
        until=first_date + dt.timedelta(weeks=weeks),
        start_time=start_time,
        interval_weeks=1,
        skip_holidays=False,
        **fields,
    )


def one_session(actor, group, day, **fields):
    return plan(actor, group, day, **fields)[0]


def record(actor, session, statuses, themes=()):
    return actions.record_attendance(
        actor=actor,
        session=session,
        statuses={p.pk: value for p, value in statuses.items()},
        themes=themes,
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def past_session(coordinator, group):
    return one_session(coordinator, group, TODAY - dt.timedelta(days=7))


@pytest.fixture
def future_session(coordinator, group):
    return one_session(coordinator, group, FUTURE_TUESDAY, place="Föreningshuset, rum 3")


# The supervisor's home --------------------------------------------------------------------


def test_supervisor_home_shows_groups_next_sessions_and_attendance_to_record(
    coordinator, supervisor, group, past_session, future_session, client_for
):
    """The supervisor sees their group, the next session, and the past session whose
    attendance is missing, with a link to record it."""
    response = client_for(supervisor).get(reverse("supervision:supervisor_home"))

    assert response.status_code == 200
    assert list(response.context["groups"]) == [group]
    assert response.context["upcoming"] == [future_session]
    assert response.context["missing"] == [past_session]
    html = html_of(response)
    assert reverse("supervision:session_attendance", args=[past_session.pk]) in html
    assert reverse("supervision:session_detail", args=[future_session.pk]) in html
    assert "tisdag 5 mars 2030, 13:00–14:30" in html


def test_recorded_and_cancelled_sessions_are_not_missing_attendance(
    coordinator, supervisor, group, elias, nora, client_for
):
    """Once attendance is recorded, or the session cancelled, it leaves the to-do list."""
    recorded, cancelled = plan(coordinator, group, TODAY - dt.timedelta(days=14), weeks=1)
    record(
        supervisor,
        recorded,
        {elias: (AttendanceStatus.PRESENT, ""), nora: (AttendanceStatus.ABSENT, "")},
    )
    actions.cancel_session(actor=coordinator, session=cancelled, reason="Handledaren sjuk")

    response = client_for(supervisor).get(reverse("supervision:supervisor_home"))

    assert response.context["missing"] == []


def test_supervisor_home_leaves_out_another_supervisors_groups(
    coordinator, supervisor, other_supervisor, group, past_session, client_for
):
    """Another supervisor in the region sees none of the first one's groups or sessions."""
    response = client_for(other_supervisor).get(reverse("supervision:supervisor_home"))

    assert list(response.context["groups"]) == []
    assert response.context["missing"] == []
    assert group.name not in html_of(response)


def test_supervisor_home_shows_a_few_groups_and_links_to_them_all(
    coordinator, supervisor, group, elias, client_for, monkeypatch
):
    """Beyond the first few active groups, the home links to the group list instead; a
    group the supervisor no longer runs is not listed, nor are its sessions forgotten."""
    monkeypatch.setattr(sessions_views, "GROUPS_SHOWN", 1)
    second = supervision_group(coordinator, supervisor, [elias], name="Torsdagsgruppen")
    ended = supervision_group(coordinator, supervisor, [elias], name="Avslutad grupp")
    missing = one_session(coordinator, ended, TODAY - dt.timedelta(days=3))
    actions.deactivate_group(actor=coordinator, group=ended, reason="Alla har gått vidare")

    response = client_for(supervisor).get(reverse("supervision:supervisor_home"))

    assert response.context["groups"] == [group]
    assert 'id="more-groups"' in html_of(response)
    assert response.context["missing"] == [missing]
    monkeypatch.setattr(sessions_views, "GROUPS_SHOWN", 2)
    response = client_for(supervisor).get(reverse("supervision:supervisor_home"))
    assert response.context["groups"] == [group, second]
    assert 'id="more-groups"' not in html_of(response)


def test_home_page_leads_each_role_to_supervision(
    coordinator, supervisor, peer_supporter, client_for
):
    """The home page's cards link supervisors to their home, peer supporters to their
    supervision, and coordinators to groups and cadence."""

    def home(user):
        return html_of(client_for(user).get(reverse("home")))

    assert reverse("supervision:supervisor_home") in home(supervisor)
    assert reverse("supervision:group_list") in home(supervisor)
    assert reverse("supervision:session_list") in home(peer_supporter)
    assert reverse("supervision:group_list") in home(coordinator)
    assert reverse("supervision:cadence") in home(coordinator)


# Lists ------------------------------------------------------------------------------------


@pytest.fixture
def skane_session(other_coordinator, skane):
    supervisor = person_with_role(Role.SUPERVISOR, skane, full_name="Sven Skåne")
    member = certified_participant(skane, name="Sara Skåne")
    group = supervision_group(other_coordinator, supervisor, [member], name="Malmögruppen")
    return one_session(other_coordinator, group, TODAY)


def test_coordinator_lists_the_regions_sessions_only(
    coordinator, group, past_session, future_session, skane_session, client_for
):
    """A coordinator sees their region's sessions, newest first, never another region's."""
    response = client_for(coordinator).get(reverse("supervision:session_list"))

    assert list(response.context["page"]) == [future_session, past_session]
    assert "Malmögruppen" not in html_of(response)


def test_coordinator_filters_by_group_month_and_status(
    coordinator, supervisor, group, elias, nora, past_session, future_session, client_for
):
    """Filters narrow the list to a group, a month, cancelled sessions, or sessions still
    missing attendance."""
    second = supervision_group(coordinator, supervisor, [elias], name="Torsdagsgruppen")
    other_groups = one_session(coordinator, second, TODAY - dt.timedelta(days=1))
    cancelled = one_session(coordinator, group, FUTURE_TUESDAY + dt.timedelta(weeks=1))
    actions.cancel_session(actor=coordinator, session=cancelled, reason="Lokalen är upptagen")
    client = client_for(coordinator)
    url = reverse("supervision:session_list")

    def listed(**filters):
        return set(client.get(url, filters).context["page"])

    assert listed(group=second.pk) == {other_groups}
    assert listed(month="2030-03") == {future_session, cancelled}
    assert listed(status=SessionStatus.CANCELLED) == {cancelled}
    assert listed(status="missing") == {past_session, other_groups}


def test_a_filter_value_that_makes_no_sense_is_shown_at_its_field(
    coordinator, past_session, client_for
):
    """An unknown group or a malformed month gives the list unfiltered with the message at
    the field, not an error page."""
    response = client_for(coordinator).get(
        reverse("supervision:session_list"), {"group": "999999", "month": "mars"}
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"group", "month"}
    assert list(response.context["page"]) == [past_session]


def test_supervisor_lists_their_own_groups_sessions(
    coordinator, supervisor, other_supervisor, group, past_session, elias, client_for
):
    """A supervisor sees the sessions of the groups they lead, not another supervisor's."""
    others = supervision_group(coordinator, other_supervisor, [elias], name="Olles grupp")
    one_session(coordinator, others, TODAY)

    mine = client_for(supervisor).get(reverse("supervision:session_list"))
    theirs = client_for(other_supervisor).get(reverse("supervision:session_list"))

    assert list(mine.context["page"]) == [past_session]
    assert past_session not in list(theirs.context["page"])


def test_list_shows_attendance_counts_once_recorded(
    coordinator, supervisor, group, elias, nora, past_session, client_for
):
    """The list says how many of those expected came."""
    record(
        supervisor,
        past_session,
        {elias: (AttendanceStatus.PRESENT, ""), nora: (AttendanceStatus.EXCUSED, "Sjuk")},
    )

    response = client_for(coordinator).get(reverse("supervision:session_list"))

    row = response.context["page"][0]
    assert (row.present, row.expected) == (1, 2)


def test_peer_supporter_sees_their_supervision_with_own_attendance(
    coordinator, supervisor, group, elias, nora, past_session, future_session, client_for
):
    """ "My supervision" lists the sessions the peer supporter is expected at, coming and
    past, with their own attendance and a link to confirm and rate the past one."""
    record(
        supervisor,
        past_session,
        {elias: (AttendanceStatus.PRESENT, ""), nora: (AttendanceStatus.EXCUSED, "Tandläkare")},
    )

    response = client_for(elias.user).get(reverse("supervision:session_list"))

    assert response.status_code == 200
    assert [a.session for a in response.context["upcoming"]] == [future_session]
    assert [a.session for a in response.context["page"]] == [past_session]
    html = html_of(response)
    assert reverse("supervision:session_confirm", args=[past_session.pk]) in html
    assert reverse("supervision:session_confirm", args=[future_session.pk]) not in html
    assert "Föreningshuset, rum 3" in html
    assert gettext("Present") in html
    # Another member's attendance and reason are theirs alone.
    assert "Nora Nilsson" not in html
    assert "Tandläkare" not in html


def test_a_supervisor_who_is_also_a_peer_supporter_reaches_their_own_list(
    stockholm, supervisor, group, elias, past_session, client_for
):
    """Someone who supervises and is also a peer supporter gets the staff list, with a link
    to the sessions they take part in themselves; a supervisor who is not gets no link."""
    MembershipFactory(user=elias.user, role=Role.SUPERVISOR, region=stockholm)
    TOTP.activate(elias.user, TEST_TOTP_SECRET)  # a staff role signs in with a second factor
    http = client_for(elias.user)

    staff = http.get(reverse("supervision:session_list"))
    assert 'id="own-supervision-link"' in html_of(staff)
    own = http.get(reverse("supervision:session_list"), {"view": "own"})
    assert [a.session for a in own.context["page"]] == [past_session]
    assert reverse("supervision:session_confirm", args=[past_session.pk]) in html_of(own)

    only_supervisor = client_for(supervisor)
    assert 'id="own-supervision-link"' not in html_of(
        only_supervisor.get(reverse("supervision:session_list"))
    )
    assert (
        "form" in only_supervisor.get(reverse("supervision:session_list"), {"view": "own"}).context
    )


def test_a_rating_from_someone_recorded_absent_does_not_count(
    coordinator, supervisor, rated_session, nora, client_for
):
    """When the supervisor corrects a rater to absent, their rating leaves the average."""
    record(
        supervisor,
        rated_session,
        {
            attendance.participant: (
                AttendanceStatus.ABSENT if attendance.participant == nora else attendance.status,
                "",
            )
            for attendance in rated_session.attendances.select_related("participant")
        },
    )
    response = client_for(coordinator).get(
        reverse("supervision:session_detail", args=[rated_session.pk])
    )
    assert response.context["ratings"] == {"average": 5.0, "count": 1}


def test_peer_supporter_never_sees_a_group_they_are_not_in(
    coordinator, supervisor, group, nora, past_session, client_for, stockholm
):
    """A session of a group the peer supporter is not expected at is neither listed nor
    readable."""
    outsider = person_with_role(Role.PEER_SUPPORTER, stockholm, full_name="Ute Utanför")
    certified_participant(stockholm, outsider)
    client = client_for(outsider)

    listing = client.get(reverse("supervision:session_list"))
    detail = client.get(reverse("supervision:session_detail", args=[past_session.pk]))

    assert list(listing.context["page"]) == []
    assert listing.context["upcoming"] == []
    assert detail.status_code == 404


def test_a_cancelled_session_shows_its_reason_to_the_peer_supporter(
    coordinator, group, elias, future_session, client_for
):
    """The peer supporter sees that the session is cancelled, and why, in their list."""
    actions.cancel_session(actor=coordinator, session=future_session, reason="Handledaren sjuk")

    response = client_for(elias.user).get(reverse("supervision:session_list"))

    assert "Handledaren sjuk" in html_of(response)
    assert gettext("Cancelled") in html_of(response)


# The session page -------------------------------------------------------------------------


def test_session_page_shows_time_in_stockholm_place_and_video_link(coordinator, group, client_for):
    """The time is shown in Swedish format in Europe/Stockholm, with place and video link."""
    session = one_session(
        coordinator,
        group,
        dt.date(2030, 7, 2),
        place="Föreningshuset",
        video_link="https://meet.example.org/handledning",
    )
    assert session.starts_at.astimezone(dt.UTC).hour == 11  # stored in UTC, summer time

    response = client_for(coordinator).get(reverse("supervision:session_detail", args=[session.pk]))

    html = html_of(response)
    assert "tisdag 2 juli 2030, 13:00–14:30" in html
    assert "Föreningshuset" in html
    assert 'href="https://meet.example.org/handledning"' in html


def test_a_cancelled_session_page_shows_the_reason_and_offers_no_changes(
    coordinator, group, future_session, client_for
):
    """A cancelled session says why, and can be neither moved, cancelled nor recorded."""
    actions.cancel_session(actor=coordinator, session=future_session, reason="Lokalen stängd")

    response = client_for(coordinator).get(
        reverse("supervision:session_detail", args=[future_session.pk])
    )

    html = html_of(response)
    assert 'id="session-cancelled"' in html
    assert "Lokalen stängd" in html
    assert reverse("supervision:session_edit", args=[future_session.pk]) not in html
    assert reverse("supervision:session_attendance", args=[future_session.pk]) not in html


@pytest.fixture
def rated_session(coordinator, supervisor, elias, nora, past_session, settings):
    """Both came; Elias rated 5 with a comment, Nora 2 with a comment. Ratings show from
    two (the product waits for three, see the test of that)."""
    settings.SMALL_NUMBER_MIN_ANSWERS = 2
    record(
        supervisor,
        past_session,
        {elias: (AttendanceStatus.PRESENT, ""), nora: (AttendanceStatus.PRESENT, "")},
        themes=[SupervisionTheme.ETHICS],
    )
    for participant, rating, comment in [
        (elias, 5, "Mycket givande samtal."),
        (nora, 2, "För lite tid för mig."),
    ]:
        actions.confirm_attendance(
            actor=participant.user,
            attendance=SessionAttendance.objects.get(session=past_session, participant=participant),
            rating=rating,
            comment=comment,
        )
    return past_session


def test_coordinator_sees_average_rating_and_comments_without_names(
    coordinator, rated_session, client_for
):
    """The coordinator sees the average and count, and the comments with no names next to
    them."""
    response = client_for(coordinator).get(
        reverse("supervision:session_detail", args=[rated_session.pk])
    )

    assert response.context["ratings"] == {"average": 3.5, "count": 2}
    assert response.context["comments"] == ["För lite tid för mig.", "Mycket givande samtal."]
    html = html_of(response)
    assert "3,5" in html
    comments = re.search(r'<ul id="rating-comments">(.*?)</ul>', html, re.S).group(1)
    assert "Mycket givande samtal." in comments
    assert "Elias" not in comments
    assert "Nora" not in comments
    assert gettext("Ethics") in html


def test_ratings_stay_hidden_until_enough_people_have_rated(
    coordinator, supervisor, rated_session, client_for, settings
):
    """With fewer ratings than the threshold, neither the supervisor nor the coordinator
    sees the average or the comments: a single rating could be recognised."""
    settings.SMALL_NUMBER_MIN_ANSWERS = 3
    for user in (coordinator, supervisor):
        response = client_for(user).get(
            reverse("supervision:session_detail", args=[rated_session.pk])
        )
        html = html_of(response)
        assert 'id="ratings-withheld"' in html
        assert "3,5" not in html
        assert "Mycket givande samtal." not in html
        assert "För lite tid för mig." not in html


def test_supervisor_sees_average_rating_but_no_comments(supervisor, rated_session, client_for):
    """The supervisor sees how the session was rated on average, never the comments."""
    response = client_for(supervisor).get(
        reverse("supervision:session_detail", args=[rated_session.pk])
    )

    assert response.context["ratings"] == {"average": 3.5, "count": 2}
    html = html_of(response)
    assert "Mycket givande samtal." not in html
    assert "För lite tid för mig." not in html


def test_peer_supporter_sees_only_their_own_attendance_and_rating(elias, rated_session, client_for):
    """A peer supporter sees their own attendance and rating – not the others', nor the
    average."""
    response = client_for(elias.user).get(
        reverse("supervision:session_detail", args=[rated_session.pk])
    )

    assert response.status_code == 200
    assert "ratings" not in response.context
    html = html_of(response)
    assert "Mycket givande samtal." in html
    assert "För lite tid för mig." not in html
    assert "Nora Nilsson" not in html
    assert "3,5" not in html
    assert reverse("supervision:session_confirm", args=[rated_session.pk]) in html


# Moving and cancelling --------------------------------------------------------------------


def test_supervisor_moves_a_session(supervisor, future_session, client_for):
    """The form starts from the session's local time; saving moves it and says so."""
    client = client_for(supervisor)
    url = reverse("supervision:session_edit", args=[future_session.pk])

    form = client.get(url).context["form"]
    assert (form["date"].value(), form["start_time"].value()) == (FUTURE_TUESDAY, TIME)

    response = client.post(
        url,
        {
            "date": "2030-03-06",
            "start_time": "09:30",
            "duration_minutes": "60",
            "place": "Biblioteket",
            "video_link": "",
        },
        follow=True,
    )

    assert response.redirect_chain == [
        (reverse("supervision:session_detail", args=[future_session.pk]), 302)
    ]
    future_session.refresh_from_db()
    starts = timezone.localtime(future_session.starts_at)
    assert (starts.date(), starts.time()) == (dt.date(2030, 3, 6), dt.time(9, 30))
    assert (future_session.duration_minutes, future_session.place) == (60, "Biblioteket")
    assert messages_of(response) == [gettext("The supervision session is saved.")]


def test_bad_input_when_moving_keeps_what_was_typed(coordinator, future_session, client_for):
    """A length out of range is refused at the field; the rest stays as typed."""
    response = client_for(coordinator).post(
        reverse("supervision:session_edit", args=[future_session.pk]),
        {
            "date": "2030-03-06",
            "start_time": "09:30",
            "duration_minutes": "5",
            "place": "Biblioteket",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["duration_minutes"]
    html = html_of(response)
    assert 'value="Biblioteket"' in html
    assert 'value="2030-03-06"' in html
    future_session.refresh_from_db()
    assert future_session.place == "Föreningshuset, rum 3"


def test_a_session_with_recorded_attendance_cannot_be_moved_or_cancelled(
    coordinator, supervisor, elias, nora, past_session, client_for
):
    """After attendance is recorded, the pages explain why instead of offering a form."""
    record(
        supervisor,
        past_session,
        {elias: (AttendanceStatus.PRESENT, ""), nora: (AttendanceStatus.PRESENT, "")},
    )
    client = client_for(coordinator)

    for name in ("supervision:session_edit", "supervision:session_cancel"):
        response = client.get(reverse(name, args=[past_session.pk]))
        assert response.status_code == 200
        assert response.context["form"] is None


def test_cancelling_needs_a_reason_next_to_the_field(supervisor, future_session, client_for):
    """Without a reason the session stays planned and the form says what is missing."""
    response = client_for(supervisor).post(
        reverse("supervision:session_cancel", args=[future_session.pk]), {"reason": "  "}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reason"]
    future_session.refresh_from_db()
    assert future_session.status == SessionStatus.PLANNED


def test_supervisor_cancels_a_session_with_a_reason(supervisor, elias, future_session, client_for):
    """Cancelling keeps the session as cancelled with its reason, shown on its page."""
    response = client_for(supervisor).post(
        reverse("supervision:session_cancel", args=[future_session.pk]),
        {"reason": "Handledaren är sjuk"},
        follow=True,
    )

    future_session.refresh_from_db()
    assert future_session.status == SessionStatus.CANCELLED
    assert future_session.cancelled_reason == "Handledaren är sjuk"
    assert messages_of(response) == [gettext("The session is cancelled.")]
    assert "Handledaren är sjuk" in html_of(response)
    peer_view = client_for(elias.user).get(
        reverse("supervision:session_detail", args=[future_session.pk])
    )
    assert "Handledaren är sjuk" in html_of(peer_view)


def test_peer_supporter_cannot_move_cancel_or_record(elias, past_session, client_for):
    """Planning and attendance are the supervisor's and the coordinator's."""
    client = client_for(elias.user)

    for name in (
        "supervision:session_edit",
        "supervision:session_cancel",
        "supervision:session_attendance",
    ):
        assert client.get(reverse(name, args=[past_session.pk])).status_code == 403


# Attendance -------------------------------------------------------------------------------


def test_attendance_cannot_be_recorded_before_the_day_of_the_session(
    supervisor, elias, nora, future_session, client_for
):
    """Before the day, the page explains when attendance opens and offers no form; a
    POST changes nothing."""
    client = client_for(supervisor)
    url = reverse("supervision:session_attendance", args=[future_session.pk])

    response = client.get(url)
    posted = client.post(url, {f"status_{elias.pk}": "present", f"status_{nora.pk}": "present"})

    assert response.status_code == 200
    assert response.context["form"] is None
    assert 'id="attendance-closed"' in html_of(response)
    assert "tisdag 5 mars 2030" in html_of(response)
    assert posted.status_code == 200
    future_session.refresh_from_db()
    assert future_session.attendance_recorded_at is None


def test_attendance_form_has_a_radio_group_per_peer_supporter(
    supervisor, elias, nora, past_session, client_for
):
    """Each expected peer supporter is a group of radios named after them."""
    response = client_for(supervisor).get(
        reverse("supervision:session_attendance", args=[past_session.pk])
    )

    html = html_of(response)
    for participant in (elias, nora):
        fieldset = re.search(
            rf'<fieldset[^>]*data-participant="{participant.pk}"[^>]*>(.*?)</fieldset>',
            html,
            re.S,
        ).group(1)
        legend = re.search(r"<legend[^>]*>(.*?)</legend>", fieldset, re.S).group(1)
        assert legend.strip() == participant.full_name
        for status in AttendanceStatus:
            assert f'name="status_{participant.pk}" value="{status.value}"' in fieldset
    assert 'name="themes"' in html


def test_supervisor_records_attendance_and_themes(
    supervisor, elias, nora, past_session, client_for
):
    """Statuses, an excused reason and themes are saved through the action."""
    response = client_for(supervisor).post(
        reverse("supervision:session_attendance", args=[past_session.pk]),
        {
            f"status_{elias.pk}": "present",
            f"status_{nora.pk}": "excused",
            f"reason_{nora.pk}": "Sjuk",
            "themes": [SupervisionTheme.ETHICS, SupervisionTheme.WORKPLACE],
        },
        follow=True,
    )

    assert response.redirect_chain == [
        (reverse("supervision:session_detail", args=[past_session.pk]), 302)
    ]
    assert messages_of(response) == [gettext("Attendance and themes are saved.")]
    past_session.refresh_from_db()
    assert past_session.attendance_recorded_at is not None
    assert past_session.themes == ["ethics", "workplace"]
    statuses = {
        a.participant_id: (a.status, a.reason, a.recorded_by)
        for a in past_session.attendances.all()
    }
    assert statuses == {
        elias.pk: ("present", "", supervisor),
        nora.pk: ("excused", "Sjuk", supervisor),
    }


def test_an_excused_absence_needs_a_reason_and_keeps_what_was_typed(
    coordinator, elias, nora, past_session, client_for
):
    """Without a reason the message is next to that person's reason field, and every
    choice made stays chosen."""
    response = client_for(coordinator).post(
        reverse("supervision:session_attendance", args=[past_session.pk]),
        {
            f"status_{elias.pk}": "absent",
            f"status_{nora.pk}": "excused",
            f"reason_{nora.pk}": "",
            "themes": [SupervisionTheme.HARD_SITUATIONS],
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [f"reason_{nora.pk}"]
    assert form.errors[f"reason_{nora.pk}"] == [gettext("Give a reason for the excused absence.")]
    html = html_of(response)
    assert re.search(rf'name="status_{elias.pk}" value="absent"[^>]*checked', html)
    assert re.search(rf'name="status_{nora.pk}" value="excused"[^>]*checked', html)
    assert re.search(r'name="themes" value="hard_situations"[^>]*checked', html)
    assert f'aria-describedby="id_reason_{nora.pk}_error"' in html
    past_session.refresh_from_db()
    assert past_session.attendance_recorded_at is None


def test_everyone_needs_a_status(supervisor, elias, nora, past_session, client_for):
    """A person left without a status gets the message at their radio group."""
    response = client_for(supervisor).post(
        reverse("supervision:session_attendance", args=[past_session.pk]),
        {f"status_{elias.pk}": "present"},
    )

    assert list(response.context["form"].errors) == [f"status_{nora.pk}"]
    assert f'id="id_status_{nora.pk}_error"' in html_of(response)


def test_another_supervisor_cannot_record_attendance(
    other_supervisor, coordinator, past_session, client_for
):
    """Another supervisor of the region gets 404, as for a session that does not exist."""
    actions.register_supervisor(
        actor=coordinator, user=other_supervisor, region=past_session.group.region
    )

    response = client_for(other_supervisor).get(
        reverse("supervision:session_attendance", args=[past_session.pk])
    )

    assert response.status_code == 404


def test_a_supervisor_whose_role_in_the_region_ended_no_longer_sees_the_group(
    supervisor, past_session, skane, client_for
):
    """The group still names a supervisor whose role in Stockholm has ended, but they now
    supervise in Skåne only: the Stockholm group, its sessions, who came and why someone
    was away are 404 to them, and they can no longer record attendance."""
    Membership.objects.filter(user=supervisor, role=Role.SUPERVISOR).delete()
    MembershipFactory(user=supervisor, role=Role.SUPERVISOR, region=skane)
    client = client_for(supervisor)

    for url in [
        reverse("supervision:group_detail", args=[past_session.group.pk]),
        reverse("supervision:group_plan", args=[past_session.group.pk]),
        reverse("supervision:session_detail", args=[past_session.pk]),
        reverse("supervision:session_attendance", args=[past_session.pk]),
        reverse("supervision:session_edit", args=[past_session.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    home = client.get(reverse("supervision:supervisor_home"))
    assert list(home.context["groups"]) == []
    assert home.context["missing"] == []
    with pytest.raises(ValidationError):
        actions.record_attendance(actor=supervisor, session=past_session, statuses={})


def test_a_former_supervisor_with_another_role_gets_no_staff_view(
    supervisor, past_session, skane, client_for
):
    """Someone who stopped supervising and is now a peer supporter elsewhere does not see
    the session page of the group that still names them."""
    Membership.objects.filter(user=supervisor, role=Role.SUPERVISOR).delete()
    MembershipFactory(user=supervisor, role=Role.PEER_SUPPORTER, region=skane)

    response = client_for(supervisor).get(
        reverse("supervision:session_detail", args=[past_session.pk])
    )

    assert response.status_code == 404


# Confirmation and rating ------------------------------------------------------------------


def test_peer_supporter_confirms_and_rates_a_session(elias, past_session, client_for):
    """Confirming with a rating and a comment saves them and returns to their list."""
    response = client_for(elias.user).post(
        reverse("supervision:session_confirm", args=[past_session.pk]),
        {"rating": "4", "comment": "Bra att prata om gränser."},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("supervision:session_list"), 302)]
    attendance = SessionAttendance.objects.get(session=past_session, participant=elias)
    assert attendance.confirmed_at is not None
    assert (attendance.rating, attendance.comment) == (4, "Bra att prata om gränser.")
    assert messages_of(response) == [gettext("Thank you! Your answer is saved.")]


def test_rating_is_optional(elias, past_session, client_for):
    """Confirming without a rating is fine."""
    client_for(elias.user).post(
        reverse("supervision:session_confirm", args=[past_session.pk]), {"rating": ""}
    )

    attendance = SessionAttendance.objects.get(session=past_session, participant=elias)
    assert attendance.confirmed_at is not None
    assert attendance.rating is None


def test_a_rating_outside_one_to_five_is_refused_and_the_comment_kept(
    elias, past_session, client_for
):
    """A rating of 7 is refused at the field; the comment typed stays."""
    response = client_for(elias.user).post(
        reverse("supervision:session_confirm", args=[past_session.pk]),
        {"rating": "7", "comment": "Bra samtal."},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["rating"]
    assert "Bra samtal.</textarea>" in html_of(response)
    attendance = SessionAttendance.objects.get(session=past_session, participant=elias)
    assert attendance.confirmed_at is None


def test_a_session_not_yet_started_cannot_be_confirmed(elias, future_session, client_for):
    """Before the session the page says why there is nothing to confirm; a POST anyway is
    refused with the action's message next to the form, not an error page."""
    client = client_for(elias.user)
    url = reverse("supervision:session_confirm", args=[future_session.pk])

    page = client.get(url)
    posted = client.post(url, {"rating": "5", "comment": "Ser fram emot det."})

    assert page.status_code == 200
    expected = gettext("You can confirm once the session has started.")
    assert page.context["refusal"] == expected
    assert 'id="confirm-refusal"' in html_of(page)
    assert posted.status_code == 200
    assert posted.context["form"].non_field_errors() == [expected]
    assert "Ser fram emot det.</textarea>" in html_of(posted)
    attendance = SessionAttendance.objects.get(session=future_session, participant=elias)
    assert attendance.confirmed_at is None


def test_someone_recorded_absent_is_told_to_talk_to_their_supervisor(
    supervisor, elias, nora, past_session, client_for
):
    """A peer supporter recorded as absent sees why they cannot confirm."""
    record(
        supervisor,
        past_session,
        {elias: (AttendanceStatus.ABSENT, ""), nora: (AttendanceStatus.PRESENT, "")},
    )

    response = client_for(elias.user).get(
        reverse("supervision:session_confirm", args=[past_session.pk])
    )

    assert response.status_code == 200
    assert response.context["refusal"] == gettext(
        "Your supervisor recorded you as absent. Talk to them if that is wrong."
    )


def test_only_the_expected_peer_supporter_confirms(
    supervisor, nora_user, stockholm, past_session, client_for
):
    """The supervisor cannot confirm for anyone (403); a peer supporter not expected at the
    session gets 404."""
    outsider = person_with_role(Role.PEER_SUPPORTER, stockholm, full_name="Ute Utanför")
    url = reverse("supervision:session_confirm", args=[past_session.pk])

    assert client_for(supervisor).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404


# Query budgets ----------------------------------------------------------------------------


@pytest.fixture
def many(request, coordinator, supervisor, stockholm, group, elias, nora):
    """``request.param`` groups of the supervisor, each with that many members and that
    many sessions in the past (missing attendance) and to come; the peer supporters Elias
    and Nora are members of every group."""
    count = request.param
    groups = [group]
    for number in range(1, count):
        members = [elias, nora] + [
            certified_participant(stockholm, name=f"Peer {number}-{index}")
            for index in range(count)
        ]
        groups.append(supervision_group(coordinator, supervisor, members, name=f"Grupp {number}"))
    # Every session is a day or more from now, so none is under way while the test runs.
    first = TODAY + dt.timedelta(days=1) - dt.timedelta(weeks=count)
    for each in groups:
        plan(coordinator, each, first, weeks=2 * count - 1)
    return groups


@pytest.mark.parametrize("many", [1, 4], indirect=True)
def test_session_lists_cost_the_same_queries_whatever_the_number(
    many, coordinator, supervisor, elias, client_for, django_assert_num_queries
):
    """The list issues a fixed number of queries for each role, for one session or many."""
    url = reverse("supervision:session_list")
    staff = SupervisionSession.objects.count()
    assert staff == len(many) * 2 * len(many)
    as_coordinator, as_supervisor = client_for(coordinator), client_for(supervisor)
    as_peer = client_for(elias.user)

    # session, user, memberships, MFA check, group choices, count, page
    with django_assert_num_queries(7):
        response = as_coordinator.get(url)
    assert len(response.context["page"]) == staff
    with django_assert_num_queries(7):
        response = as_supervisor.get(url)
    assert len(response.context["page"]) == staff
    # session, user, memberships, upcoming, count, page
    with django_assert_num_queries(6):
        response = as_peer.get(url)
    assert len(response.context["page"]) == staff // 2


@pytest.mark.parametrize("many", [1, 4], indirect=True)
def test_supervisor_home_costs_the_same_queries_whatever_the_number(
    many, supervisor, client_for, django_assert_num_queries
):
    """The supervisor's home issues a fixed number of queries for one group or many."""
    client = client_for(supervisor)
    # session, user, memberships, MFA check, groups, next sessions, missing attendance
    with django_assert_num_queries(7):
        response = client.get(reverse("supervision:supervisor_home"))
    assert len(response.context["groups"]) == len(many)
    assert len(response.context["missing"]) == len(many) ** 2
