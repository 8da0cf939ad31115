"""The coordinator's home ("Att göra"): every kind of task in their regions, each line
linking to where it is done, emptying as the tasks are done, in a fixed number of queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation.models import InvitationStatus
from peersupport.accounts import actions as account_actions
from programmes import actions as programme_actions
from supervision import actions as supervision_actions
from tests.factories import ready_workplace
from tests.supervision.state import supervision_group
from tests.todo.state import (
    confirm_budget,
    invitation_not_accepted,
    placed_since,
    proposed_placement,
    trainees_at_risk,
    waves_under_target,
)
from workplaces import actions as workplace_actions
from workplaces.models import Likert

HOME = "/"
# Session, user, memberships, MFA check, the page's memberships; placements to agree;
# follow-ups overdue; trainees at risk (cohorts, template modules, course days, their
# modules, enrolments, attendance, names); invitations not accepted; readiness lapsing;
# waves and their response counts; notifications. The supervision shortfalls come from
# the cadence cache once the page has been seen (its first look costs three more: people,
# placements, attendance).
COORDINATOR_QUERIES = 19
# The kinds of task these tests build.
BUILT = (
    "placements_awaiting_agreement",
    "followups_overdue",
    "trainees_at_risk",
    "supervision_shortfalls",
    "response_rates_under_target",
    "invitations_not_accepted",
    "readiness_lapsing",
)


def lists_of(response) -> dict:
    """The kinds of task on the page, by key, for the coordinator's section."""
    (section,) = [s for s in response.context["todo"] if s["role"] == "coordinator"]
    return {todo.kind.key: todo for todo in section["lists"]}


@pytest.fixture
def workplace(coordinator, stockholm, unit_manager):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


def test_each_kind_of_task_is_listed_with_a_link_to_where_it_is_done(
    coordinator, unit_manager, stockholm, workplace, client_for
):
    """Placements to agree, overdue follow-ups, trainees at risk, supervision shortfalls
    and waves under their response target each show, linked to the page that does it."""
    proposed = proposed_placement(coordinator, workplace, "Petra Föreslagen")
    placed = placed_since(coordinator, unit_manager, workplace, "Olle Placerad")
    review = placed.reviews.get(months_after_start=1)
    cohort, _enrolments = trainees_at_risk(coordinator, stockholm, 1)
    study, _waves = waves_under_target(stockholm, 1)
    invited = invitation_not_accepted(coordinator, stockholm, "Nora Inbjuden")
    confirm_budget(coordinator, workplace, ends_in_days=30)

    response = client_for(coordinator).get(HOME)

    lists = lists_of(response)
    html = response.content.decode()
    assert [i.url for i in lists["placements_awaiting_agreement"].items] == [
        reverse("workplaces:placement_detail", args=[proposed.pk])
    ]
    assert [i.url for i in lists["followups_overdue"].items] == [
        reverse("workplaces:review_respond", args=[review.pk])
    ]
    assert lists["followups_overdue"].items[0].late
    assert [i.text for i in lists["trainees_at_risk"].items] == ["Risk Deltagare 0"]
    assert lists["trainees_at_risk"].items[0].url == reverse(
        "programmes:cohort_detail", args=[cohort.pk]
    )
    assert [i.text for i in lists["supervision_shortfalls"].items] == ["Olle Placerad"]
    assert [i.url for i in lists["response_rates_under_target"].items] == [
        reverse("evaluation:study_results", args=[study.pk])
    ]
    assert [i.url for i in lists["invitations_not_accepted"].items] == [
        reverse("accounts:person_detail", args=[invited.pk])
    ]
    assert [i.url for i in lists["readiness_lapsing"].items] == [
        reverse("workplaces:readiness_confirm", args=[workplace.pk, "budget"])
    ]
    for todo in lists.values():
        for item in todo.items:
            assert f'href="{item.url}"' in html
    assert "data-todo-empty" not in html


@pytest.mark.english
def test_lines_say_what_is_due_and_why(coordinator, unit_manager, stockholm, workplace, client_for):
    """A trainee at risk says why; a wave says its rate and target; a shortfall its reason."""
    placed_since(coordinator, unit_manager, workplace, "Olle Placerad")
    trainees_at_risk(coordinator, stockholm, 1)
    waves_under_target(stockholm, 1)

    lists = lists_of(client_for(coordinator).get(HOME))

    assert lists["trainees_at_risk"].items[0].detail == "Riskkursen: 4 absences; 3 allowed."
    assert lists["response_rates_under_target"].items[0].detail == "33 % answered; target 60 %"
    assert lists["supervision_shortfalls"].items[0].detail == "None planned"


def test_the_page_empties_as_the_tasks_are_done(
    coordinator, unit_manager, supervisor, stockholm, workplace, client_for
):
    """Agreeing, answering the follow-up, withdrawing the trainee, planning supervision and
    the wave reaching its target take each line off; then the page says nothing to do."""
    proposed = proposed_placement(coordinator, workplace, "Petra Föreslagen")
    placed = placed_since(coordinator, unit_manager, workplace, "Olle Placerad")
    cohort, enrolments = trainees_at_risk(coordinator, stockholm, 1)
    _study, (wave,) = waves_under_target(stockholm, 1)
    invited = invitation_not_accepted(coordinator, stockholm, "Nora Inbjuden")
    confirm_budget(coordinator, workplace, ends_in_days=30)
    client = client_for(coordinator)
    assert all(lists_of(client.get(HOME))[key].total for key in BUILT)

    workplace_actions.agree_placement(actor=coordinator, placement=proposed)
    for review in placed.reviews.filter(due_on__lt=timezone.localdate()):
        workplace_actions.submit_review(
            actor=coordinator,
            review=review,
            role_works=Likert.GOOD,
            role_clarity=Likert.GOOD,
            staff_attitudes=Likert.GOOD,
        )
    programme_actions.withdraw(actor=coordinator, enrolment=enrolments[0], reason="Flyttar")
    group = supervision_group(coordinator, supervisor, [placed.participant])
    # Two sessions attended earlier today meet this month's goal whatever the date.
    for minute in (0, 1):
        (session,) = supervision_actions.plan_series(
            actor=coordinator,
            group=group,
            first_date=timezone.localdate(),
            until=timezone.localdate(),
            start_time=dt.time(0, minute),
            skip_holidays=False,
        )
        supervision_actions.record_attendance(
            actor=coordinator, session=session, statuses={placed.participant.pk: ("present", "")}
        )
    confirm_budget(coordinator, workplace, ends_in_days=365)
    account_actions.accept_invitation(user=invited, password="Ett långt lösenord 2027!")
    wave.invitations.filter(status=InvitationStatus.PENDING).update(
        status=InvitationStatus.COMPLETED
    )

    response = client.get(HOME)

    assert not [key for key, todo in lists_of(response).items() if todo.total]
    assert "data-todo-empty" in response.content.decode()


@pytest.mark.parametrize("n", [1, 4])
def test_the_page_costs_the_same_queries_however_many_tasks(
    n, coordinator, unit_manager, stockholm, workplace, client_for, django_assert_num_queries
):
    """Every kind with one task or with several: the same number of queries."""
    for index in range(n):
        proposed_placement(coordinator, workplace, f"Föreslagen {index}")
        placed_since(coordinator, unit_manager, workplace, f"Placerad {index}")
        invitation_not_accepted(coordinator, stockholm, f"Inbjuden {index}")
        lapsing = ready_workplace(coordinator, stockholm, name=f"Enheten {index}")
        confirm_budget(coordinator, lapsing, ends_in_days=30 + index)
    trainees_at_risk(coordinator, stockholm, n)
    waves_under_target(stockholm, n)
    client = client_for(coordinator)
    client.get(HOME)

    with django_assert_num_queries(COORDINATOR_QUERIES):
        response = client.get(HOME)

    lists = lists_of(response)
    assert all(lists[key].total == n for key in BUILT)
