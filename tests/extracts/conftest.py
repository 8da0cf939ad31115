"""Two people of the same region, each with records in every app, for register extracts
and erasure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from peersupport.accounts.models import Role
from programmes.models import Participant
from supervision import actions as supervision_actions
from supervision.models import AttendanceStatus
from tests.celery_worker import celery_worker_process  # noqa: F401
from tests.factories import active_placement, person_with_role, ready_workplace
from tests.programmes.course_state import accepted_applicant, certified, default_cohort
from tests.supervision.state import supervision_group
from workplaces import actions as workplace_actions
from workplaces.models import SessionKind


@pytest.fixture
def fresh_client_for(client_for):
    """A logged-in client that has just typed its password again."""

    def make(user) -> Client:
        return client_for(user, reauthenticated=True)

    return make


@dataclass
class Person:
    user: object
    participant: Participant


def placed_person(coordinator, unit_manager, workplace, cohort, name: str, phone: str) -> Person:
    """A peer supporter with an account, certified from ``cohort``, placed at
    ``workplace``, who has logged a support session with a reflection."""
    first = name.split()[0].lower()
    user = person_with_role(
        Role.PEER_SUPPORTER, workplace.region, full_name=name, email=f"{first}@example.org"
    )
    participant = accepted_applicant(coordinator, workplace.region, name, email=user.email)
    Participant.objects.filter(pk=participant.pk).update(phone=phone)
    certified(coordinator, cohort, participant, absent_days={2: f"Tandläkare för {first}"})
    placement = active_placement(
        coordinator,
        unit_manager,
        workplace,
        participant,
        start_date=timezone.localdate() - dt.timedelta(days=20),
    )
    workplace_actions.log_support_session(
        actor=user,
        placement=placement,
        date=timezone.localdate(),
        minutes=40,
        kind=SessionKind.CONVERSATION,
        service_user_code=f"KOD-{first.upper()}",
        reflection=f"Reflektion från {first} om sömn.",
    )
    participant.refresh_from_db()
    return Person(user=user, participant=participant)


@pytest.fixture
def two_people(coordinator, unit_manager, supervisor, stockholm):
    """Alma and Bertil, both placed peer supporters of Stockholm in the same cohort,
    workplace and supervision group; each confirmed a session with their own comment,
    and the supervisor wrote a private note."""
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    cohort = default_cohort(coordinator, stockholm, dt.date(2026, 3, 2), name="Våren 2026")
    alma = placed_person(
        coordinator, unit_manager, workplace, cohort, "Alma Andersson", "0701112233"
    )
    bertil = placed_person(
        coordinator, unit_manager, workplace, cohort, "Bertil Berg", "0709998877"
    )
    group = supervision_group(coordinator, supervisor, [alma.participant, bertil.participant])
    session = supervision_actions.plan_series(
        actor=coordinator,
        group=group,
        first_date=timezone.localdate(),
        until=timezone.localdate() + dt.timedelta(weeks=2),
        start_time=dt.time(0, 0),
        skip_holidays=False,
    )[0]
    supervision_actions.record_attendance(
        actor=supervisor,
        session=session,
        statuses={
            alma.participant.pk: (AttendanceStatus.PRESENT, ""),
            bertil.participant.pk: (AttendanceStatus.PRESENT, ""),
        },
    )
    for person, comment in ((alma, "Almas eget omdöme"), (bertil, "Bertils eget omdöme")):
        attendance = session.attendances.get(participant=person.participant)
        supervision_actions.confirm_attendance(
            actor=person.user, attendance=attendance, rating=4, comment=comment
        )
    supervision_actions.save_private_note(
        actor=supervisor, session=session, text="Handledarens egen anteckning."
    )
    return alma, bertil


@pytest.fixture
def applicant(coordinator, stockholm):
    """An accepted applicant without an account, nothing that must be kept."""
    return accepted_applicant(coordinator, stockholm, "Cecilia Carlsson")
