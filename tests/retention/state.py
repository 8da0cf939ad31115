"""A region as retention finds it: every kind of record a rule thins, and records it must
leave alone, built through the apps' own actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from peersupport.accounts.models import Region, Role, User
from programmes import actions as programmes
from programmes.models import Participant, ParticipantStatus
from supervision import actions as supervision
from supervision.models import AttendanceStatus, SupervisionSession
from tests.factories import active_placement, person_with_role, ready_workplace
from tests.programmes.participant_paths import participant_at
from tests.supervision.state import supervision_group
from workplaces import actions as workplaces
from workplaces.models import Placement, SessionKind, Theme

# Free text every thinned record held; none of it may survive thinning or reach the log.
LEAVING_REASON = "Flyttar till Umeå med familjen"
REFLECTION = "Samtal om sömn och oro inför läkarbesöket"
EXCUSED_REASON = "Sjuk med feber"
RATING_COMMENT = "Bra att få prata om gränser"
REVIEW_COMMENT = "Rollen fungerar fint i teamet"
PRIVATE_NOTE = "Verkade trött, följ upp nästa gång"


@dataclass
class RegionState:
    region: Region
    coordinator: User
    unit_manager: User
    declined: Participant
    withdrawn: Participant
    in_process: Participant
    leaver: Participant
    leaver_user: User
    stayer: Participant
    stayer_user: User
    placement: Placement


def participant(coordinator, region, status, *, full_name: str, email: str = "") -> Participant:
    """Registered (with consent to keep the declaration) and walked step by step, leaving
    with ``LEAVING_REASON``."""
    return participant_at(
        coordinator, region, status, full_name=full_name, email=email, reason=LEAVING_REASON
    )


def _peer(coordinator, unit_manager, workplace, region, name: str):
    """A peer supporter with an account, through the course (trainee, certified) and placed
    200 days ago, with two support sessions with a reflection."""
    user = person_with_role(Role.PEER_SUPPORTER, region, full_name=name)
    person = participant(
        coordinator, region, ParticipantStatus.TRAINEE, full_name=name, email=user.email
    )
    programmes.change_status(
        actor=coordinator, participant=person, to_status=ParticipantStatus.CERTIFIED
    )
    today = timezone.localdate()
    placement = active_placement(
        coordinator, unit_manager, workplace, person, start_date=today - dt.timedelta(days=200)
    )
    for days_ago, kind in ((40, SessionKind.CONVERSATION), (10, SessionKind.GROUP_ACTIVITY)):
        workplaces.log_support_session(
            actor=user,
            placement=placement,
            date=today - dt.timedelta(days=days_ago),
            minutes=45,
            kind=kind,
            themes=[Theme.SLEEP, Theme.MONEY],
            participant_count=3 if kind == SessionKind.GROUP_ACTIVITY else 1,
            reflection=REFLECTION,
        )
    person.refresh_from_db()
    return person, user, placement


def _supervision(coordinator, supervisor_user, leaver, leaver_user, stayer) -> None:
    """Four held sessions of a group: the leaver once excused, then present, confirming
    with a rating and a comment; the supervisor keeps a private note."""
    group = supervision_group(coordinator, supervisor_user, [leaver, stayer])
    today = timezone.localdate()
    supervision.plan_series(
        actor=coordinator,
        group=group,
        first_date=today - dt.timedelta(weeks=7),
        until=today - dt.timedelta(days=1),
        start_time=dt.time(9, 0),
        skip_holidays=False,
    )
    sessions = list(SupervisionSession.objects.filter(group=group).order_by("starts_at"))
    for number, session in enumerate(sessions):
        leaver_status = (
            (AttendanceStatus.EXCUSED, EXCUSED_REASON)
            if number == 0
            else (
                AttendanceStatus.PRESENT,
                "",
            )
        )
        supervision.record_attendance(
            actor=supervisor_user,
            session=session,
            statuses={leaver.pk: leaver_status, stayer.pk: (AttendanceStatus.PRESENT, "")},
        )
    supervision.confirm_attendance(
        actor=leaver_user,
        attendance=sessions[-1].attendances.get(participant=leaver),
        rating=4,
        comment=RATING_COMMENT,
    )
    supervision.save_private_note(actor=supervisor_user, session=sessions[-1], text=PRIVATE_NOTE)


def build_region(region: Region, *, tag: str) -> RegionState:
    """Every record a rule thins, in ``region``: a declined applicant, one who withdrew
    before the course, one still in process, a peer supporter who left after a placement
    (support sessions, a follow-up answer, supervision) and one who stays."""
    coordinator = person_with_role(Role.COORDINATOR, region, full_name=f"Karin Koordinator {tag}")
    unit_manager = person_with_role(Role.UNIT_MANAGER, region, full_name=f"Johan Chef {tag}")
    supervisor_user = person_with_role(Role.SUPERVISOR, region, full_name=f"Maria Handledare {tag}")
    workplace = ready_workplace(
        coordinator, region, name=f"Öppenvården {tag}", managers=[unit_manager]
    )
    declined = participant(
        coordinator, region, ParticipantStatus.DECLINED, full_name=f"Dina Avböjd {tag}"
    )
    withdrawn = participant(
        coordinator, region, ParticipantStatus.LEFT, full_name=f"Wilma Avhoppad {tag}"
    )
    in_process = participant(
        coordinator, region, ParticipantStatus.INTERVIEWED, full_name=f"Ivan Intervju {tag}"
    )
    leaver, leaver_user, placement = _peer(
        coordinator, unit_manager, workplace, region, f"Lars Lämnare {tag}"
    )
    stayer, stayer_user, _placement = _peer(
        coordinator, unit_manager, workplace, region, f"Stina Stannar {tag}"
    )
    _supervision(coordinator, supervisor_user, leaver, leaver_user, stayer)
    review = placement.reviews.order_by("due_on").first()
    workplaces.submit_review(
        actor=unit_manager,
        review=review,
        role_works=4,
        role_clarity=3,
        staff_attitudes=5,
        support_needs="Mer tid för handledning",
        comments=REVIEW_COMMENT,
    )
    workplaces.end_placement(
        actor=coordinator,
        placement=placement,
        reason=LEAVING_REASON,
        reason_category="work_or_studies",
    )
    leaver.refresh_from_db()
    programmes.change_status(
        actor=coordinator,
        participant=leaver,
        to_status=ParticipantStatus.LEFT,
        reason=LEAVING_REASON,
        reason_category="work_or_studies",
    )
    for person in (declined, withdrawn, in_process, leaver, stayer):
        person.refresh_from_db()
    return RegionState(
        region=region,
        coordinator=coordinator,
        unit_manager=unit_manager,
        declined=declined,
        withdrawn=withdrawn,
        in_process=in_process,
        leaver=leaver,
        leaver_user=leaver_user,
        stayer=stayer,
        stayer_user=stayer_user,
        placement=placement,
    )
