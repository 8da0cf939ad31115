"""Demo programme data: in each demo region a closed cohort with certified alumni, a
running cohort halfway through, applicants at every step, a reunion and (after the
workplace seed) a cancelled continuing-education day and a network meeting for the unit
managers, who have answered; in Stockholm also its own course template and a cancelled
cohort planned on it.

Everything is built through ``programmes.actions`` with the region's demo coordinator as
actor, with dates relative to today so the demo always looks current. Running it again
adds nothing that is already there. The people are fictitious; never run this against
real data.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from peersupport.accounts.demo import DEMO_DOMAIN, ROLE_PEOPLE, demo_email
from peersupport.accounts.models import Region, Role, User
from peersupport.dataprotection.actions import valid_consent, withdraw_consent
from peersupport.dataprotection.models import ConsentMethod, ConsentText
from peersupport.retention.anonymise import THINNED_EMAIL_DOMAIN

from . import actions
from .models import (
    AttendanceStatus,
    Certificate,
    Cohort,
    CourseTemplate,
    EventKind,
    EventResponse,
    InterviewOutcome,
    LeavingReason,
    Participant,
    ParticipantStatus,
)
from .schedule import monday_of

# Attendance as {course day number: reason}: an empty reason is an absence, a reason an
# excused absence; every other (past) day is present. The closed cohort's absences fall on
# days whose modules are taught again, so every alumnus completed the course.
CLOSED_PATTERNS = [
    {},
    {8: "Sjuk"},
    {},
    {11: ""},
    {1: "Vård av sjukt barn", 9: ""},
    {},
    {9: "Läkarbesök"},
]
# The running cohort: the first trainee is the demo peer supporter; the fifth, absent four
# days of the first week, is at risk.
RUNNING_PATTERNS = [
    {2: "Tandläkare"},
    {},
    {6: ""},
    {},
    {1: "", 2: "Sjuk", 4: "", 5: ""},
    {3: "Sjuk"},
    {},
    {7: "Vård av sjukt barn"},
]

PEOPLE = {
    "stockholm": {
        "venue": "Mötesplats Sveavägen, Stockholm",
        "trainers": "Annika Roos, Samir Haddad",
        "alumni": [
            "Amanda Lindgren",
            "Johanna Sandberg",
            "Mikael Forsberg",
            "Fatima Hassan",
            "Peter Lundqvist",
            "Daniel Okafor",
            "Ingrid Holmberg",
        ],
        "english_speaker": "Daniel Okafor",
        "left": "Oskar Wikström",
        "trainees": [
            "Sofia Nordin",
            "Ahmed Yusuf",
            "Linnea Åkesson",
            "Tobias Hedlund",
            "Helena Strand",
            "Marcus Engström",
            "Maja Lindholm",
        ],
        "applicants": [
            ("Rebecka Falk", ParticipantStatus.APPLICANT, None),
            ("Viktor Blom", ParticipantStatus.APPLICANT, None),
            ("Nadia Karimi", ParticipantStatus.INTERVIEWED, None),
            ("Jonas Ekström", ParticipantStatus.INTERVIEWED, None),
            ("Camilla Wahlberg", ParticipantStatus.ACCEPTED, None),
            ("Erik Sundqvist", ParticipantStatus.ACCEPTED, None),
            (
                "Lena Björklund",
                ParticipantStatus.DECLINED,
                (LeavingReason.PERSONAL, "Vill vänta till nästa kursomgång."),
            ),
        ],
    },
    "skane": {
        "venue": "Hälsans hus, Malmö",
        "trainers": "Birgitta Lund, Jonas Friberg",
        "alumni": [
            "Malin Olsson",
            "Henrik Jönsson",
            "Sara Mattsson",
            "Kristoffer Nyberg",
            "Amira Haddad",
            "Jenny Lindberg",
            "Patrik Axelsson",
        ],
        "english_speaker": "Amira Haddad",
        "left": "Therese Bengtsson",
        "trainees": [
            "Fredrik Månsson",
            "Elin Håkansson",
            "Yasmin Ali",
            "Mattias Rydberg",
            "Karolina Berglund",
            "Gustav Ohlsson",
            "Ronja Lundgren",
        ],
        "applicants": [
            ("Julia Söderberg", ParticipantStatus.APPLICANT, None),
            ("Adam Hansson", ParticipantStatus.APPLICANT, None),
            ("Leila Rahimi", ParticipantStatus.INTERVIEWED, None),
            ("Simon Lund", ParticipantStatus.INTERVIEWED, None),
            ("Ebba Mårtensson", ParticipantStatus.ACCEPTED, None),
            ("Niklas Troedsson", ParticipantStatus.ACCEPTED, None),
            (
                "Agneta Borg",
                ParticipantStatus.DECLINED,
                (LeavingReason.WORK_OR_STUDIES, "Har fått ett annat arbete."),
            ),
        ],
    },
}

CLOSED_COHORT_NAME = "Grundkurs, omgång 1"
RUNNING_COHORT_NAME = "Grundkurs, omgång 2"
REUNION_TITLE = "Återträff för alumner"
# Stockholm has its own copy of the national course template, and cancelled a cohort
# planned on it when too few could come.
OWN_TEMPLATE_REGION = "stockholm"
CANCELLED_COHORT_NAME = "Grundkurs, omgång 3 (inställd)"
CANCELLED_COHORT_TRAINEE = "Erik Sundqvist"
LEAVING_REASON = "Har börjat ett nytt arbete och kan inte fullfölja kursen."

# The path up to the course, in the order a participant walks it.
PATH_TO_ACCEPTED = (ParticipantStatus.INTERVIEWED, ParticipantStatus.ACCEPTED)


def demo_participant_email(full_name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode().lower()
    return f"{ascii_name.replace(' ', '.')}@{DEMO_DOMAIN}"


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _backdate_path(participant: Participant, days: list[dt.date]) -> None:
    """Date the participant's status changes, in the order they were made.

    Demo-only: the actions stamp each change with the time it is made, but a demo whose
    whole history happened a minute ago would not look like a programme in use.
    """
    changes = list(participant.status_changes.order_by("pk"))
    for change, day in zip(changes, days, strict=True):
        change.changed_at = _at(day)
        change.save(update_fields=["changed_at"])
    Participant.objects.filter(pk=participant.pk).update(status_changed_at=_at(days[-1]))


def _applicant(
    coordinator: User,
    region: Region,
    full_name: str,
    *,
    applied_on: dt.date,
    email: str | None = None,
    language: str = "sv",
    to: tuple[str, ...] = PATH_TO_ACCEPTED,
    reason_category: str | None = None,
    reason: str = "",
    consent_method: str = ConsentMethod.PAPER,
) -> Participant:
    participant = actions.register_applicant(
        actor=coordinator,
        region=region,
        full_name=full_name,
        email=email or demo_participant_email(full_name),
        language=language,
        lived_experience_declared=True,
        consent_method=consent_method,
        # Seeded "as of" a later day, the consent is still never dated after the real today.
        consent_given_on=min(applied_on, timezone.localdate()),
        applied_on=applied_on,
    )
    for step, status in enumerate(to):
        actions.change_status(
            actor=coordinator,
            participant=participant,
            to_status=status,
            reason=reason if step == len(to) - 1 else "",
            reason_category=reason_category if step == len(to) - 1 else None,
        )
    return participant


def _record(coordinator: User, enrolment, sessions, pattern: dict[int, str]) -> None:
    for session in sessions:
        if session.day_number in pattern:
            reason = pattern[session.day_number]
            status = AttendanceStatus.EXCUSED if reason else AttendanceStatus.ABSENT
        else:
            reason, status = "", AttendanceStatus.PRESENT
        actions.record_attendance(
            actor=coordinator, session=session, enrolment=enrolment, status=status, reason=reason
        )


def _cohort(coordinator, region, people, *, name: str, start: dt.date) -> Cohort:
    return actions.create_cohort(
        actor=coordinator,
        region=region,
        template=CourseTemplate.objects.get(is_default=True),
        name=name,
        venue=people["venue"],
        capacity=12,
        start_date=start,
        trainers=people["trainers"],
    )


def _closed_cohort(coordinator: User, region: Region, people: dict, today: dt.date) -> None:
    """A course that ended about four months ago: certified alumni and one who left."""
    start = monday_of(today - dt.timedelta(weeks=21))
    cohort = _cohort(coordinator, region, people, name=CLOSED_COHORT_NAME, start=start)
    sessions = list(cohort.sessions.order_by("date"))
    last_day = sessions[-1].date
    path_days = [start - dt.timedelta(days=d) for d in (70, 50, 35, 7)]
    certified = []
    for full_name, pattern in zip(people["alumni"], CLOSED_PATTERNS, strict=True):
        language = "en" if full_name == people["english_speaker"] else "sv"
        participant = _applicant(
            coordinator, region, full_name, applied_on=path_days[0], language=language
        )
        enrolment = actions.enrol(actor=coordinator, cohort=cohort, participant=participant)
        _record(coordinator, enrolment, sessions, pattern)
        certified.append(enrolment)
    leaver = _applicant(coordinator, region, people["left"], applied_on=path_days[0])
    leaving = actions.enrol(actor=coordinator, cohort=cohort, participant=leaver)
    _record(coordinator, leaving, sessions[:4], {})
    actions.withdraw(actor=coordinator, enrolment=leaving, reason=LEAVING_REASON)
    actions.change_status(
        actor=coordinator,
        participant=leaver,
        to_status=ParticipantStatus.LEFT,
        reason=LEAVING_REASON,
        reason_category=LeavingReason.WORK_OR_STUDIES,
    )
    actions.certify(actor=coordinator, cohort=cohort, enrolments=certified)
    actions.close_cohort(actor=coordinator, cohort=cohort)

    issued = last_day + dt.timedelta(days=3)
    for enrolment in certified:
        _backdate_path(enrolment.participant, [*path_days, issued])
    left_on = sessions[4].date
    _backdate_path(leaver, [*path_days, left_on, left_on])
    Certificate.objects.filter(cohort=cohort).update(issued_at=_at(issued))
    Cohort.objects.filter(pk=cohort.pk).update(closed_at=_at(last_day + dt.timedelta(days=7)))


def _running_cohort(
    coordinator: User, region: Region, people: dict, peer: User, today: dt.date
) -> None:
    """A course started two to three weeks ago: past days recorded, the rest to come."""
    start = monday_of(today) - dt.timedelta(weeks=2)
    cohort = _cohort(coordinator, region, people, name=RUNNING_COHORT_NAME, start=start)
    past_days = list(cohort.sessions.filter(date__lt=today).order_by("date"))
    path_days = [start - dt.timedelta(days=d) for d in (80, 60, 40, 10)]
    trainees = [(peer.full_name, peer.email), *((name, None) for name in people["trainees"])]
    for (full_name, email), pattern in zip(trainees, RUNNING_PATTERNS, strict=True):
        participant = _applicant(
            coordinator, region, full_name, applied_on=path_days[0], email=email
        )
        enrolment = actions.enrol(actor=coordinator, cohort=cohort, participant=participant)
        _record(coordinator, enrolment, past_days, pattern)
        _backdate_path(participant, path_days)


def _applicants(coordinator: User, region: Region, people: dict, today: dt.date) -> None:
    paths = {
        ParticipantStatus.APPLICANT: (),
        ParticipantStatus.INTERVIEWED: (ParticipantStatus.INTERVIEWED,),
        ParticipantStatus.ACCEPTED: PATH_TO_ACCEPTED,
        ParticipantStatus.DECLINED: (ParticipantStatus.INTERVIEWED, ParticipantStatus.DECLINED),
    }
    for number, (full_name, status, ending) in enumerate(people["applicants"]):
        if Participant.objects.filter(
            region=region, email=demo_participant_email(full_name)
        ).exists():
            continue
        applied_on = today - dt.timedelta(days=40 - 4 * number)
        path = paths[status]
        # Applicants who called in consented verbally; course participants signed on paper.
        participant = _applicant(
            coordinator,
            region,
            full_name,
            applied_on=applied_on,
            to=path,
            reason_category=ending[0] if ending else None,
            reason=ending[1] if ending else "",
            consent_method=ConsentMethod.VERBAL,
        )
        _backdate_path(
            participant, [applied_on + dt.timedelta(weeks=step) for step in range(len(path) + 1)]
        )


def _withdrawn_consent(coordinator: User, region: Region, people: dict) -> None:
    """The person who left asked the region to stop keeping their declaration of lived
    experience: their page shows the consent withdrawn and the declaration gone."""
    leaver = Participant.objects.filter(
        region=region, email=demo_participant_email(people["left"])
    ).first()
    consent = valid_consent(leaver.data_subject(), actions.LIVED_EXPERIENCE) if leaver else None
    if consent is not None:
        withdraw_consent(actor=coordinator, consent=consent, method=ConsentMethod.VERBAL)


def _reunion(coordinator: User, region: Region, today: dt.date) -> None:
    """A reunion three weeks ago: the alumni invited, most of them came."""
    day = today - dt.timedelta(weeks=3)
    event = actions.create_event(
        actor=coordinator,
        region=region,
        kind=EventKind.REUNION,
        title=REUNION_TITLE,
        starts_at=_at(day, 13),
        ends_at=_at(day, 16),
        venue=PEOPLE[region.code]["venue"],
        description="Erfarenhetsutbyte, fika och nyheter från programmet.",
    )
    actions.invite_alumni(actor=coordinator, event=event)
    for number, invitation in enumerate(event.invitations.order_by("participant__full_name")):
        actions.record_event_attendance(
            actor=coordinator, invitation=invitation, attended=number % 4 != 3
        )


# A region in use always has a record due for thinning (gallring): an applicant declined
# 13 months ago, whom `manage.py thin_records --dry-run` lists until the nightly run
# anonymises them. (Skåne's demo setting keeps declined applicants 18 months, so there the
# same person is not due yet.)
DUE_FOR_THINNING = {"stockholm": "Tove Lindahl", "skane": "Oliver Persson"}


def _declined_last_year(coordinator: User, region: Region, today: dt.date) -> None:
    full_name = DUE_FOR_THINNING[region.code]
    in_region = Participant.objects.filter(region=region)
    seeded = in_region.filter(email=demo_participant_email(full_name))
    thinned = in_region.filter(email__endswith=f"@{THINNED_EMAIL_DOMAIN}")
    if seeded.exists() or thinned.exists():
        return
    applied_on = today - relativedelta(months=14)
    participant = _applicant(
        coordinator,
        region,
        full_name,
        applied_on=applied_on,
        to=(ParticipantStatus.INTERVIEWED, ParticipantStatus.DECLINED),
        reason_category=LeavingReason.WORK_OR_STUDIES,
        reason="Valde en annan utbildning.",
    )
    # Declined before reasons were categorised: the history shows the kind as not given.
    participant.status_changes.filter(to_status=ParticipantStatus.DECLINED).update(
        reason_category=None
    )
    _backdate_path(
        participant,
        [applied_on, applied_on + dt.timedelta(weeks=2), today - relativedelta(months=13)],
    )


def _own_template(coordinator: User, region: Region) -> CourseTemplate:
    own = CourseTemplate.objects.filter(region=region).first()
    if own is not None:
        return own
    return actions.copy_course_template(
        actor=coordinator, template=CourseTemplate.objects.get(is_default=True), region=region
    )


def _cancelled_cohort(coordinator: User, region: Region, people: dict, today: dt.date) -> None:
    """A cohort planned on the region's own template two months ahead, with one accepted
    applicant enrolled, cancelled: the applicant was told and is accepted again."""
    cohort = actions.create_cohort(
        actor=coordinator,
        region=region,
        template=_own_template(coordinator, region),
        name=CANCELLED_COHORT_NAME,
        venue=people["venue"],
        capacity=12,
        start_date=monday_of(today + dt.timedelta(weeks=9)),
        trainers=people["trainers"],
    )
    trainee = Participant.objects.filter(
        region=region, email=demo_participant_email(CANCELLED_COHORT_TRAINEE)
    ).first()
    if trainee is not None and trainee.status == ParticipantStatus.ACCEPTED:
        actions.enrol(actor=coordinator, cohort=cohort, participant=trainee)
    actions.cancel_cohort(actor=coordinator, cohort=cohort)


# An applicant who came through the region's public interest form and has been
# interviewed; the coordinators have not decided yet.
INTAKE_APPLICANT = {"stockholm": "Nora Bergström", "skane": "Hugo Lindqvist"}
INTAKE_MOTIVATION = (
    "Jag har själv fått stöd av någon med egen erfarenhet och vill nu ge det vidare."
)


def _intake_applicant(coordinator: User, region: Region, today: dt.date) -> None:
    full_name = INTAKE_APPLICANT[region.code]
    email = demo_participant_email(full_name)
    if Participant.objects.filter(region=region, email=email).exists():
        return
    applicant = actions.submit_interest(
        region=region,
        full_name=full_name,
        email=email,
        motivation=INTAKE_MOTIVATION,
        consent_version=ConsentText.objects.current(actions.LIVED_EXPERIENCE).version,
    )
    actions.record_interview(
        actor=coordinator,
        participant=applicant,
        held_on=min(today, timezone.localdate()) - dt.timedelta(days=2),
        interviewer=coordinator,
        outcome=InterviewOutcome.UNDECIDED,
    )


def seed(*, today: dt.date | None = None) -> None:
    """Add the programme demo data to the demo regions (after the accounts' seed)."""
    today = today or timezone.localdate()
    for code, people in PEOPLE.items():
        region = Region.objects.get(code=code)
        coordinator = User.objects.get(email=demo_email(ROLE_PEOPLE[code][Role.COORDINATOR][0]))
        peer = User.objects.get(email=demo_email(ROLE_PEOPLE[code][Role.PEER_SUPPORTER][0]))
        cohorts = Cohort.objects.filter(region=region)
        if not cohorts.filter(name=CLOSED_COHORT_NAME).exists():
            _closed_cohort(coordinator, region, people, today)
        if not cohorts.filter(name=RUNNING_COHORT_NAME).exists():
            _running_cohort(coordinator, region, people, peer, today)
        _applicants(coordinator, region, people, today)
        _withdrawn_consent(coordinator, region, people)
        _declined_last_year(coordinator, region, today)
        _intake_applicant(coordinator, region, today)
        if not region.events.filter(title=REUNION_TITLE).exists():
            _reunion(coordinator, region, today)
        if code == OWN_TEMPLATE_REGION:
            _own_template(coordinator, region)
            if not cohorts.filter(name=CANCELLED_COHORT_NAME).exists():
                _cancelled_cohort(coordinator, region, people, today)


CANCELLED_EVENT_TITLE = "Fortbildning om samtal kring suicidrisk"
CANCELLED_EVENT_REASON = "Föreläsaren är sjuk. Vi återkommer med ett nytt datum."
NETWORK_MEETING_TITLE = "Nätverksträff för enhetschefer"


def _cancelled_event(coordinator: User, region: Region, today: dt.date) -> None:
    """A continuing-education day in five weeks, to which the alumni were invited, then
    cancelled: the invitees are told."""
    day = today + dt.timedelta(weeks=5)
    event = actions.create_event(
        actor=coordinator,
        region=region,
        kind=EventKind.CONTINUING_EDUCATION,
        title=CANCELLED_EVENT_TITLE,
        starts_at=_at(day, 9),
        ends_at=_at(day, 15),
        venue=PEOPLE[region.code]["venue"],
    )
    actions.invite_alumni(actor=coordinator, event=event)
    actions.cancel_event(actor=coordinator, event=event, reason=CANCELLED_EVENT_REASON)


def seed_events(*, today: dt.date | None = None) -> None:
    """In each demo region a cancelled continuing-education day and a network meeting.
    Runs after the workplace seed, which places the peer supporters (with their accounts,
    so the cancellation reaches them) and so gives the unit managers peer supporters."""
    today = today or timezone.localdate()
    for code in PEOPLE:
        region = Region.objects.get(code=code)
        coordinator = User.objects.get(email=demo_email(ROLE_PEOPLE[code][Role.COORDINATOR][0]))
        if not region.events.filter(title=CANCELLED_EVENT_TITLE).exists():
            _cancelled_event(coordinator, region, today)
        if not region.events.filter(title=NETWORK_MEETING_TITLE).exists():
            _network_meeting(coordinator, region, today)


def _network_meeting(coordinator: User, region: Region, today: dt.date) -> None:
    """A network meeting in three weeks for the unit managers who have taken on peer
    supporters; they have answered that they are coming."""
    day = today + dt.timedelta(weeks=3)
    event = actions.create_event(
        actor=coordinator,
        region=region,
        kind=EventKind.NETWORK_MEETING,
        title=NETWORK_MEETING_TITLE,
        starts_at=_at(day, 13),
        ends_at=_at(day, 15),
        venue=PEOPLE[region.code]["venue"],
        description="Erfarenheter av att ha peer support-medarbetare på enheten.",
    )
    actions.invite_to_event(actor=coordinator, event=event)
    for invitation in event.invitations.select_related("user"):
        actions.answer_event_invitation(
            actor=invitation.user, invitation=invitation, response=EventResponse.COMING
        )
