"""A region's half-year of programme data for report tests, built through the apps' own
actions: every section of the report has something to count, and a second region has
some data of its own, so a regional report that counted another region would show it.

The period is the five whole months before this one and this month up to today: the
actions date most things today, and support sessions, supervision and reviews run back
over the months before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from peersupport.accounts.models import Region, Role
from programmes import actions as programme_actions
from programmes.models import Cohort, ParticipantStatus
from supervision import actions as supervision_actions
from supervision.models import AttendanceStatus as SupervisionAttendance
from supervision.models import SupervisionTheme
from tests.evaluation.builders import (
    answer,
    make_instrument,
    make_invitation,
    make_study,
    make_wave,
)
from tests.factories import (
    active_placement,
    certified_participant,
    person_with_role,
    ready_workplace,
)
from tests.programmes.course_state import accepted_applicant, default_cohort, fill_attendance
from tests.programmes.participant_paths import participant_at
from tests.supervision.state import supervision_group
from workplaces import actions as workplace_actions
from workplaces.models import (
    Employer,
    FollowUpReview,
    Placement,
    PlacementEndReason,
    Principal,
    ReadinessItem,
    SessionKind,
    Theme,
    WorkplaceType,
)

SESSION_KINDS = [
    (SessionKind.CONVERSATION, [Theme.SLEEP, Theme.RELATIONSHIPS]),
    (SessionKind.BRIDGE_BUILDING, [Theme.RIGHTS]),
    (SessionKind.GROUP_ACTIVITY, [Theme.LEISURE, Theme.PHYSICAL_HEALTH]),
    (SessionKind.PHONE_DIGITAL, [Theme.MONEY]),
    (SessionKind.ACCOMPANIMENT, [Theme.WORK_STUDIES, Theme.RIGHTS]),
]
# Baseline and six-month answers of the region's trainees (items a1–a3, b1–b3).
BASELINE = [
    {"a1": 2, "a2": 3, "a3": 2, "b1": 3, "b2": 2, "b3": 3},
    {"a1": 3, "a2": 3, "a3": 2, "b1": 2, "b2": 2, "b3": 3},
    {"a1": 2, "a2": 2, "a3": 1, "b1": 3, "b2": 4, "b3": 3},
    {"a1": 4, "a2": 3, "a3": 3, "b1": 3, "b2": 3, "b3": 2},
    {"a1": 1, "a2": 2, "a3": 2, "b1": 2, "b2": 3, "b3": 2},
    {"a1": 3, "a2": 4, "a3": 3, "b1": 4, "b2": 3, "b3": 4},
]
FOLLOW_UP = [
    {"a1": 4, "a2": 4, "a3": 3, "b1": 4, "b2": 3, "b3": 4},
    {"a1": 3, "a2": 4, "a3": 4, "b1": 3, "b2": 3, "b3": 3},
    {"a1": 3, "a2": 3, "a3": 2, "b1": 4, "b2": 4, "b3": 4},
    {"a1": 5, "a2": 4, "a3": 4, "b1": 3, "b2": 4, "b3": 3},
    {"a1": 2, "a2": 3, "a3": 3, "b1": 3, "b2": 3, "b3": 3},
]


@dataclass(frozen=True)
class RegionHalfYear:
    region: Region
    start: dt.date
    end: dt.date
    cohort: Cohort
    # The workplace where a single peer supporter works (its figures are "<5").
    lone_workplace_name: str


def report_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The five whole months before this one, and this month up to ``today``."""
    return today.replace(day=1) - relativedelta(months=5), today


def _peer_user(region: Region, name: str):
    email = f"{name.replace(' ', '.').lower()}@example.org"
    return person_with_role(Role.PEER_SUPPORTER, region, full_name=name, email=email)


def _log_sessions(
    placement: Placement, *, every_days: int, offset: int, until: dt.date | None = None
) -> None:
    """Support sessions from the placement's start to ``until`` (today), a kind (and its
    themes) in turn, logged by the peer supporter."""
    day, number = placement.start_date + dt.timedelta(days=offset), offset
    while day <= (until or timezone.localdate()):
        kind, themes = SESSION_KINDS[number % len(SESSION_KINDS)]
        workplace_actions.log_support_session(
            actor=placement.participant.user,
            placement=placement,
            date=day,
            minutes=30 + 15 * (number % 4),
            kind=kind,
            themes=themes,
            participant_count=4 if kind == SessionKind.GROUP_ACTIVITY else 1,
        )
        day += dt.timedelta(days=every_days)
        number += 1


def build_region_half_year(
    coordinator, unit_manager, supervisor_user, region: Region
) -> RegionHalfYear:
    """Applicants at every step, a cohort with attendance and certificates, two ready
    workplaces (five peer supporters at one, one at the other) and one not ready,
    placements with follow-ups answered and overdue, support sessions over the months,
    fortnightly supervision with a cancelled session and absences, and a study whose
    baseline and six-month waves were answered."""
    today = timezone.localdate()
    start, end = report_period(today)

    # Applicants: new, interviewed, declined, left.
    for number, status in enumerate(
        [
            ParticipantStatus.APPLICANT,
            ParticipantStatus.APPLICANT,
            ParticipantStatus.INTERVIEWED,
            ParticipantStatus.DECLINED,
            ParticipantStatus.LEFT,
        ]
    ):
        participant_at(coordinator, region, status, full_name=f"Sökande Nummer {number}")

    # A cohort of seven: six complete and are certified, one misses the first week.
    cohort = default_cohort(
        coordinator, region, start + dt.timedelta(days=7), name="Våren i regionen"
    )
    certified_trainees, trainees = [], []
    for number in range(7):
        name = f"Deltagare Nummer {number}"
        trainee = accepted_applicant(
            coordinator, region, name, email=_peer_user(region, name).email
        )
        trainees.append(trainee)
        enrolment = programme_actions.enrol(actor=coordinator, cohort=cohort, participant=trainee)
        if number == 6:
            fill_attendance(coordinator, enrolment, {1: "", 2: "", 3: "Sjuk", 4: "", 5: ""})
            continue
        fill_attendance(coordinator, enrolment, {7: "Sjuk"} if number == 0 else {})
        certified_trainees.append(enrolment)
    programme_actions.certify(actor=coordinator, cohort=cohort, enrolments=certified_trainees)
    programme_actions.close_cohort(actor=coordinator, cohort=cohort)

    # Workplaces: two ready, one with the budget confirmed only.
    main = ready_workplace(coordinator, region, name="Öppenvården Nord", managers=[unit_manager])
    lone = ready_workplace(coordinator, region, name="Boendestödet Syd", managers=[unit_manager])
    organisation = workplace_actions.create_organisation(
        actor=coordinator,
        region=region,
        name="Kommunen (huvudman)",
        principal=Principal.MUNICIPALITY,
    )
    waiting = workplace_actions.create_workplace(
        actor=coordinator,
        organisation=organisation,
        name="Träffpunkten Väst",
        type=WorkplaceType.MEETING_PLACE,
        managers=[unit_manager],
    )
    workplace_actions.confirm_readiness(
        actor=coordinator,
        workplace=waiting,
        item=ReadinessItem.BUDGET,
        fte=Decimal("0.5"),
        period_start=today,
        period_end=today + dt.timedelta(days=365),
    )

    # Placements: the six certified at the main workplace (two employed by it, the others
    # by the association), one who has left; a lone peer supporter at the other since
    # four months before the period (sessions before it must not count; six months on
    # falls within it).
    first_start = start + dt.timedelta(days=60)
    placements = []
    for number, enrolment in enumerate(certified_trainees):
        placements.append(
            active_placement(
                coordinator,
                unit_manager,
                main,
                enrolment.participant,
                start_date=first_start + dt.timedelta(days=14 * (number % 3)),
                employer=Employer.WORKPLACE if number < 2 else Employer.ASSOCIATION,
                hours_per_week=Decimal("20") if number % 2 else Decimal("30"),
            )
        )
    lone_name = "Lena Ensam"
    lone_peer = certified_participant(region, _peer_user(region, lone_name), name=lone_name)
    placements.append(
        active_placement(
            coordinator,
            unit_manager,
            lone,
            lone_peer,
            start_date=start - dt.timedelta(days=120),
            hours_per_week=Decimal("16"),
        )
    )
    left_on = today - dt.timedelta(days=20)
    for number, placement in enumerate(placements):
        until = left_on if number == 5 else None
        _log_sessions(placement, every_days=9 + number % 4, offset=number, until=until)
    workplace_actions.end_placement(
        actor=coordinator,
        placement=placements[5],
        reason="Började studera",
        reason_category=PlacementEndReason.OTHER_WORK_OR_STUDIES,
        end_date=left_on,
    )

    # Follow-ups: the one-month review answered by both sides for the first four
    # placements, by the unit manager only for the fifth; the rest are overdue or to come.
    for number, placement in enumerate(placements[:5]):
        review = FollowUpReview.objects.get(placement=placement, months_after_start=1)
        respondents = [unit_manager] if number == 4 else [unit_manager, coordinator]
        for respondent in respondents:
            workplace_actions.submit_review(
                actor=respondent,
                review=review,
                role_works=4 - number % 2,
                role_clarity=3 + number % 2,
                staff_attitudes=4,
            )

    # Supervision every other week from the first placement; one session cancelled, the
    # others recorded with an absence or two.
    members = [placement.participant for placement in placements]
    group = supervision_group(coordinator, supervisor_user, members, region=region)
    sessions = supervision_actions.plan_series(
        actor=coordinator,
        group=group,
        first_date=first_start,
        until=today - dt.timedelta(days=1),
        start_time=dt.time(13, 0),
    )
    supervision_actions.cancel_session(
        actor=coordinator, session=sessions[2], reason="Handledaren sjuk"
    )
    for number, session in enumerate(sessions):
        if number == 2:
            continue
        statuses = {member.pk: (SupervisionAttendance.PRESENT, "") for member in members}
        statuses[members[number % len(members)].pk] = (SupervisionAttendance.ABSENT, "")
        if number % 3 == 0:
            statuses[members[(number + 1) % len(members)].pk] = (
                SupervisionAttendance.EXCUSED,
                "Semester",
            )
        supervision_actions.record_attendance(
            actor=coordinator,
            session=session,
            statuses=statuses,
            themes=[SupervisionTheme.ROLE_BOUNDARIES, SupervisionTheme.HARD_SITUATIONS][
                : 1 + number % 2
            ],
        )

    # A study: the trainees' baseline (one did not answer) and six months on.
    version = make_instrument("report-instrument")
    study = make_study(name="Uppföljning i regionen", regions=[region])
    baseline = make_wave(study, [version], name="Baslinje")
    follow_up = make_wave(study, [version], name="Sex månader")
    for number, trainee in enumerate(trainees):
        invitation = make_invitation(
            baseline, region=region, anchor_key=f"report:{trainee.pk}", participant=trainee
        )
        if number < len(BASELINE):
            answer(invitation, BASELINE[number])
    for number, trainee in enumerate(trainees[: len(FOLLOW_UP) + 1]):
        invitation = make_invitation(
            follow_up, region=region, anchor_key=f"report:{trainee.pk}", participant=trainee
        )
        if number < len(FOLLOW_UP):
            answer(invitation, FOLLOW_UP[number])

    return RegionHalfYear(
        region=region, start=start, end=end, cohort=cohort, lone_workplace_name=lone.name
    )


def build_other_region(coordinator, region: Region) -> None:
    """Some data of another region: applicants, a ready workplace with one peer supporter
    who logs sessions, and a cohort with attendance."""
    unit_manager = person_with_role(Role.UNIT_MANAGER, region, full_name="Erik Enhetschef")
    for number in range(3):
        participant_at(coordinator, region, full_name=f"Annan Sökande {number}")
    cohort = default_cohort(
        coordinator,
        region,
        timezone.localdate() - dt.timedelta(days=60),
        name="Hösten i grannregionen",
    )
    trainee = accepted_applicant(coordinator, region, "Grann Deltagare")
    fill_attendance(
        coordinator, programme_actions.enrol(actor=coordinator, cohort=cohort, participant=trainee)
    )
    workplace = ready_workplace(
        coordinator, region, name="Grannens mottagning", managers=[unit_manager]
    )
    name = "Grann Peer"
    peer = certified_participant(region, _peer_user(region, name), name=name)
    placement = active_placement(
        coordinator,
        unit_manager,
        workplace,
        peer,
        start_date=timezone.localdate() - dt.timedelta(days=90),
    )
    _log_sessions(placement, every_days=7, offset=0)


@pytest.fixture
def region_half_year(coordinator, unit_manager, supervisor, stockholm, other_coordinator, skane):
    """Stockholm's half-year of data (see ``build_region_half_year``), and some of
    Skåne's."""
    build_other_region(other_coordinator, skane)
    return build_region_half_year(coordinator, unit_manager, supervisor, stockholm)


@pytest.fixture
def worker_media(settings, tmp_path, monkeypatch):
    """The worker's media folder, and the test's: the worker reads it from the
    environment (ask for this before the worker)."""
    folder = tmp_path / "worker-media"
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(folder))
    settings.MEDIA_ROOT = folder
    return folder
