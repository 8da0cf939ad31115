"""The unit manager's, supervisor's and peer supporter's homes: their own tasks, each
linking to where it is done, emptying as they are done, in a fixed number of queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation.models import InvitationStatus, RespondentGroup
from programmes import actions as programme_actions
from supervision import actions as supervision_actions
from supervision.models import AttendanceStatus
from tests.evaluation.builders import make_instrument, make_invitation, make_study, make_wave
from tests.factories import ready_workplace
from tests.programmes.course_state import accepted_applicant, default_cohort
from tests.supervision.state import supervision_group
from tests.todo.state import placed_since, proposed_placement
from workplaces import actions as workplace_actions
from workplaces.models import Likert, Principal, WorkplaceType

HOME = "/"
# Each: session, user, memberships, MFA check (staff roles), the page's memberships, the
# notifications; then the role's own tasks.
# Managed workplaces; placements to agree; follow-ups; workplaces with their readiness
# and staff trainings; surveys to answer.
MANAGER_QUERIES = 12
# Attendance to record; sessions ahead.
SUPERVISOR_QUERIES = 8
# Placements without sessions logged; supervision to confirm; surveys; course days.
PEER_QUERIES = 9


def lists_of(response, role: str) -> dict:
    (section,) = [s for s in response.context["todo"] if s["role"] == role]
    return {todo.kind.key: todo for todo in section["lists"]}


@pytest.fixture
def workplace(coordinator, stockholm, unit_manager):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


# Unit manager -----------------------------------------------------------------------------


def unready_workplace(coordinator, unit_manager, name: str):
    organisation = workplace_actions.create_organisation(
        actor=coordinator,
        region=unit_manager.memberships.first().region,
        name=f"{name} AB",
        principal=Principal.MUNICIPALITY,
    )
    return workplace_actions.create_workplace(
        actor=coordinator,
        organisation=organisation,
        name=name,
        type=WorkplaceType.SOCIAL_PSYCHIATRY,
        managers=[unit_manager],
    )


def manager_tasks(coordinator, unit_manager, workplace, n: int):
    placements = [
        proposed_placement(coordinator, workplace, f"Föreslagen {index}") for index in range(n)
    ]
    for placement in placements:
        workplace_actions.agree_placement(actor=coordinator, placement=placement)
    placed = [
        placed_since(coordinator, unit_manager, workplace, f"Placerad {index}")
        for index in range(n)
    ]
    unready = [
        unready_workplace(coordinator, unit_manager, f"Boendet {index}") for index in range(n)
    ]
    return placements, placed, unready


def test_a_unit_manager_sees_placements_follow_ups_and_readiness_to_see_to(
    coordinator, unit_manager, workplace, client_for
):
    """Placements awaiting their agreement, follow-ups waiting for their answer and
    workplaces not ready each show, linked to where they are done."""
    (proposed,), (placed,), (unready,) = manager_tasks(coordinator, unit_manager, workplace, 1)
    review = placed.reviews.get(months_after_start=1)

    response = client_for(unit_manager).get(HOME)

    lists = lists_of(response, "unit_manager")
    assert [i.url for i in lists["manager_placements_awaiting_agreement"].items] == [
        reverse("workplaces:placement_detail", args=[proposed.pk])
    ]
    assert [i.url for i in lists["followups_to_answer"].items] == [
        reverse("workplaces:review_respond", args=[review.pk])
    ]
    assert [i.url for i in lists["readiness_missing"].items] == [
        reverse("workplaces:workplace_detail", args=[unready.pk])
    ]
    assert lists["readiness_missing"].items[0].count == 4
    html = response.content.decode()
    for todo in lists.values():
        for item in todo.items:
            assert f'href="{item.url}"' in html


def test_a_unit_managers_tasks_go_as_they_are_done(
    coordinator, unit_manager, workplace, client_for
):
    """Agreeing, answering the follow-up and making the workplace ready empty the page."""
    (proposed,), (placed,), (unready,) = manager_tasks(coordinator, unit_manager, workplace, 1)
    workplace_actions.agree_placement(actor=unit_manager, placement=proposed)
    for review in placed.reviews.filter(due_on__lte=timezone.localdate() + dt.timedelta(days=14)):
        workplace_actions.submit_review(
            actor=unit_manager,
            review=review,
            role_works=Likert.GOOD,
            role_clarity=Likert.GOOD,
            staff_attitudes=Likert.GOOD,
        )
    from tests.factories import make_workplace_ready

    make_workplace_ready(coordinator, unready)

    response = client_for(unit_manager).get(HOME)

    assert not [k for k, todo in lists_of(response, "unit_manager").items() if todo.total]


@pytest.mark.parametrize("n", [1, 3])
def test_the_unit_managers_home_costs_the_same_queries_however_many_tasks(
    n, coordinator, unit_manager, workplace, client_for, django_assert_num_queries
):
    manager_tasks(coordinator, unit_manager, workplace, n)
    client = client_for(unit_manager)
    client.get(HOME)

    with django_assert_num_queries(MANAGER_QUERIES):
        response = client.get(HOME)

    lists = lists_of(response, "unit_manager")
    assert lists["manager_placements_awaiting_agreement"].total == n
    assert lists["readiness_missing"].total == n


# Supervisor -------------------------------------------------------------------------------


def supervisor_tasks(coordinator, supervisor, unit_manager, workplace, n: int):
    """``n`` sessions earlier today without attendance and ``n`` next week."""
    peer = placed_since(coordinator, unit_manager, workplace, "Grupp Medlem").participant
    group = supervision_group(coordinator, supervisor, [peer])
    today = timezone.localdate()
    past = [
        supervision_actions.plan_series(
            actor=supervisor,
            group=group,
            first_date=today - dt.timedelta(days=7 * (index + 1)),
            until=today - dt.timedelta(days=7 * (index + 1)),
            start_time=dt.time(10),
            skip_holidays=False,
        )[0]
        for index in range(n)
    ]
    ahead = [
        supervision_actions.plan_series(
            actor=supervisor,
            group=group,
            first_date=today + dt.timedelta(days=index + 1),
            until=today + dt.timedelta(days=index + 1),
            start_time=dt.time(10),
            skip_holidays=False,
        )[0]
        for index in range(n)
    ]
    return peer, past, ahead


def test_a_supervisor_sees_attendance_to_record_and_next_sessions(
    coordinator, supervisor, unit_manager, workplace, client_for
):
    """A past session without attendance links to the attendance form; the next ones to
    their page. Recording the attendance takes the first off."""
    peer, (past,), (ahead,) = supervisor_tasks(coordinator, supervisor, unit_manager, workplace, 1)
    client = client_for(supervisor)

    lists = lists_of(client.get(HOME), "supervisor")

    assert [i.url for i in lists["supervision_attendance_to_record"].items] == [
        reverse("supervision:session_attendance", args=[past.pk])
    ]
    assert [i.url for i in lists["supervision_sessions_ahead"].items] == [
        reverse("supervision:session_detail", args=[ahead.pk])
    ]

    supervision_actions.record_attendance(
        actor=supervisor, session=past, statuses={peer.pk: (AttendanceStatus.PRESENT, "")}
    )

    assert not lists_of(client.get(HOME), "supervisor")["supervision_attendance_to_record"].total


@pytest.mark.parametrize("n", [1, 3])
def test_the_supervisors_home_costs_the_same_queries_however_many_tasks(
    n, coordinator, supervisor, unit_manager, workplace, client_for, django_assert_num_queries
):
    supervisor_tasks(coordinator, supervisor, unit_manager, workplace, n)
    client = client_for(supervisor)
    client.get(HOME)

    with django_assert_num_queries(SUPERVISOR_QUERIES):
        response = client.get(HOME)

    lists = lists_of(response, "supervisor")
    assert lists["supervision_attendance_to_record"].total == n
    assert lists["supervision_sessions_ahead"].total == n


# Peer supporter ---------------------------------------------------------------------------


def peer_tasks(coordinator, supervisor, unit_manager, workplace, peer_supporter, n: int):
    """A peer supporter placed two months ago who has logged nothing, with ``n`` attended
    supervision sessions to confirm, ``n`` surveys open, and a course under way."""
    region = workplace.region
    placement = placed_since(
        coordinator, unit_manager, workplace, "Elias Peer", user=peer_supporter
    )
    group = supervision_group(coordinator, supervisor, [placement.participant])
    today = timezone.localdate()
    sessions = []
    for index in range(n):
        (session,) = supervision_actions.plan_series(
            actor=supervisor,
            group=group,
            first_date=today - dt.timedelta(days=index + 1),
            until=today - dt.timedelta(days=index + 1),
            start_time=dt.time(10),
            skip_holidays=False,
        )
        supervision_actions.record_attendance(
            actor=supervisor,
            session=session,
            statuses={placement.participant.pk: (AttendanceStatus.PRESENT, "")},
        )
        sessions.append(session)
    study = make_study(name="Uppföljning", regions=[region])
    instrument = make_instrument()
    invitations = [
        make_invitation(
            make_wave(
                study, [instrument], name=f"Våg {index}", group=RespondentGroup.PEER_SUPPORTERS
            ),
            region=region,
            anchor_key=f"peer-{index}",
            participant=placement.participant,
        )
        for index in range(n)
    ]
    return placement, sessions, invitations


def test_a_peer_supporter_sees_sessions_to_log_and_confirm_and_surveys_to_answer(
    coordinator, supervisor, unit_manager, workplace, peer_supporter, client_for
):
    """Nothing logged for two weeks links to the session form; an attended supervision
    session to its confirmation; an open survey to its personal link."""
    placement, (session,), (invitation,) = peer_tasks(
        coordinator, supervisor, unit_manager, workplace, peer_supporter, 1
    )

    response = client_for(peer_supporter).get(HOME)

    lists = lists_of(response, "peer_supporter")
    assert [i.url for i in lists["support_sessions_to_log"].items] == [
        reverse("workplaces:session_create")
    ]
    assert [i.url for i in lists["supervision_sessions_to_confirm"].items] == [
        reverse("supervision:session_confirm", args=[session.pk])
    ]
    assert [i.url for i in lists["surveys_to_answer"].items] == [
        reverse("evaluation:answer_start", args=[invitation.token])
    ]


def test_a_peer_supporters_tasks_go_as_they_are_done(
    coordinator, supervisor, unit_manager, workplace, peer_supporter, client_for
):
    """Logging a session, confirming the supervision and answering the survey empty the
    page: it says there is nothing to do."""
    placement, (session,), (invitation,) = peer_tasks(
        coordinator, supervisor, unit_manager, workplace, peer_supporter, 1
    )
    workplace_actions.log_support_session(
        actor=peer_supporter,
        placement=placement,
        date=timezone.localdate(),
        minutes=30,
        kind="conversation",
    )
    supervision_actions.confirm_attendance(
        actor=peer_supporter, attendance=session.attendances.get(), rating=4
    )
    invitation.status = InvitationStatus.COMPLETED
    invitation.save()

    response = client_for(peer_supporter).get(HOME)

    assert not [k for k, todo in lists_of(response, "peer_supporter").items() if todo.total]
    assert "data-todo-empty" in response.content.decode()


def test_a_trainee_sees_the_course_days_of_the_next_two_weeks(
    coordinator, stockholm, peer_supporter, client_for
):
    """Course days from today to two weeks ahead show with the link to their course; a
    cancelled cohort's do not."""
    trainee = accepted_applicant(coordinator, stockholm, "Elias Peer", email=peer_supporter.email)
    trainee.user = peer_supporter
    trainee.save()
    cohort = default_cohort(coordinator, stockholm, timezone.localdate() + dt.timedelta(days=1))
    programme_actions.enrol(actor=coordinator, cohort=cohort, participant=trainee)
    expected = list(cohort.sessions.filter(date__lte=timezone.localdate() + dt.timedelta(days=14)))

    lists = lists_of(client_for(peer_supporter).get(HOME), "peer_supporter")

    days = lists["course_days_ahead"]
    assert days.total == len(expected) > 0
    assert {item.url for item in days.items} == {
        reverse("programmes:my_course") + f"#cohort-{cohort.pk}-heading"
    }

    programme_actions.cancel_cohort(actor=coordinator, cohort=cohort)

    lists = lists_of(client_for(peer_supporter).get(HOME), "peer_supporter")
    assert not lists["course_days_ahead"].total


@pytest.mark.parametrize("n", [1, 3])
def test_the_peer_supporters_home_costs_the_same_queries_however_many_tasks(
    n,
    coordinator,
    supervisor,
    unit_manager,
    workplace,
    peer_supporter,
    client_for,
    django_assert_num_queries,
):
    peer_tasks(coordinator, supervisor, unit_manager, workplace, peer_supporter, n)
    client = client_for(peer_supporter)
    client.get(HOME)

    with django_assert_num_queries(PEER_QUERIES):
        response = client.get(HOME)

    lists = lists_of(response, "peer_supporter")
    assert lists["supervision_sessions_to_confirm"].total == n
    assert lists["surveys_to_answer"].total == n
