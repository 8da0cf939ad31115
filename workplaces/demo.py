"""Demo workplace data: in each demo region a ready and a not-ready workplace, active,
ended and proposed placements, answered follow-ups, and a year of support sessions.

Everything goes through ``workplaces.actions``: the demo coordinator registers and agrees,
the demo unit manager confirms readiness and agrees, and each placed peer supporter logs
their own sessions. The placed peer supporters are certified alumni of the programme
seed's closed cohort, given demo logins; the demo peer supporter (peer.<region>) is a
trainee in the running cohort and is therefore not placed. Placements start a year back so
that a year of sessions can be logged (the actions refuse sessions before the start).
Running it again adds nothing that is already there. Fictitious people; never run this
against real data.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from peersupport.accounts.demo import DEMO_PASSWORD, ROLE_PEOPLE, _ensure_user, demo_email
from peersupport.accounts.models import Membership, Region, Role, User
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from programmes import actions as programme_actions
from programmes.models import Participant, ParticipantStatus

from . import actions
from .models import (
    Employer,
    Incident,
    IncidentKind,
    IncidentStatus,
    Placement,
    PlacementEndReason,
    PlacementStatus,
    Principal,
    ReadinessItem,
    SessionKind,
    SupportSession,
    Task,
    Theme,
    Workplace,
    WorkplaceType,
)

PLACES = {
    "stockholm": {
        "ready": {
            "organisation": ("Region Stockholm, Psykiatri Södra", Principal.REGION),
            "name": "Psykiatriska öppenvården Södermalm",
            "type": WorkplaceType.OUTPATIENT,
            "address": "Ringvägen 52, 118 67 Stockholm",
            "contact": ("Annelie Sjöberg", "annelie.sjoberg@example.org", "08-123 450 00"),
            "user_movement_contact": "RSMH Stockholm",
        },
        "not_ready": {
            "organisation": ("Stockholms stad, Socialpsykiatrin", Principal.MUNICIPALITY),
            "name": "Boendestödet Hornstull",
            "type": WorkplaceType.SOCIAL_PSYCHIATRY,
            "address": "Hornsgatan 124, 117 28 Stockholm",
            "contact": ("Per Malm", "per.malm@example.org", "08-508 000 00"),
        },
    },
    "skane": {
        "ready": {
            "organisation": ("Region Skåne, Vuxenpsykiatri Malmö", Principal.REGION),
            "name": "Vuxenpsykiatrins öppenvård Malmö",
            "type": WorkplaceType.OUTPATIENT,
            "address": "Carl Bertil Laurells gata 9, 205 02 Malmö",
            "contact": ("Cecilia Nord", "cecilia.nord@example.org", "040-33 10 00"),
            "user_movement_contact": "Föreningen Hjärnkoll Skåne",
        },
        "not_ready": {
            "organisation": ("Lunds kommun, Socialförvaltningen", Principal.MUNICIPALITY),
            "name": "Träffpunkt Lund",
            "type": WorkplaceType.MEETING_PLACE,
            "address": "Bangatan 8, 222 21 Lund",
            "contact": ("Olle Berg", "olle.berg@example.org", "046-35 50 00"),
        },
    },
}

ENDED_REASON = "Tjänsten flyttades till en annan enhet när finansieringen ändrades."

# Session kinds with their weight and a range of minutes.
KINDS = [
    (SessionKind.CONVERSATION, 40, (30, 75)),
    (SessionKind.BRIDGE_BUILDING, 14, (20, 45)),
    (SessionKind.ACCOMPANIMENT, 14, (60, 180)),
    (SessionKind.PHONE_DIGITAL, 22, (10, 30)),
    (SessionKind.GROUP_ACTIVITY, 7, (90, 120)),
    (SessionKind.STUDY_CIRCLE, 3, (120, 120)),
]
THEME_WEIGHTS = {
    Theme.RECOVERY: 16,
    Theme.SLEEP: 12,
    Theme.RELATIONSHIPS: 12,
    Theme.CARE_AUTHORITIES: 12,
    Theme.MONEY: 9,
    Theme.LEISURE: 10,
    Theme.WORK_STUDIES: 8,
    Theme.PHYSICAL_HEALTH: 8,
    Theme.RIGHTS: 5,
    Theme.OTHER: 3,
}
REFLECTIONS = [
    "Bra samtal om att hitta tillbaka till rutiner.",
    "Följde med till Försäkringskassan. Nervöst innan men det gick bra.",
    "Pratade om hur det är att vänta på besked. Kändes viktigt att dela egen erfarenhet.",
    "Första kontakten, lyssnade mest. Ny träff bokad.",
    "Gruppen kom igång bra, flera ville fortsätta nästa vecka.",
    "Svårt samtal om ensamhet. Tar upp det i handledningen.",
    # "Söder" is also a surname: logging this, the peer supporter confirmed it is no name.
    "Vi gick en promenad på Söder och pratade om sömn och vardag.",
]
NOT_A_NAME = "Söder"


def _weekdays(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        # Four weeks of summer holiday in July, as most workplaces in Sweden.
        if day.weekday() < 5 and not (day.month == 7 and day.day <= 28):
            yield day
        day += dt.timedelta(days=1)


def _log_sessions(placement: Placement, user: User, until: dt.date, rng: random.Random) -> int:
    """Four to seven sessions a week, mostly one-to-one, a few groups."""
    codes = [f"{letter}{number}" for letter in "ABKLMS" for number in range(1, 6)]
    kinds, weights = zip(*((kind, weight) for kind, weight, _m in KINDS), strict=True)
    minutes_for = {kind: span for kind, _w, span in KINDS}
    themes, theme_weights = zip(*THEME_WEIGHTS.items(), strict=True)
    logged = []
    for day in _weekdays(placement.start_date, until):
        if rng.random() > float(placement.hours_per_week) / 20:
            continue
        for _ in range(rng.choice((1, 1, 1, 2))):
            kind = rng.choices(kinds, weights)[0]
            low, high = minutes_for[kind]
            group = kind in (SessionKind.GROUP_ACTIVITY, SessionKind.STUDY_CIRCLE)
            session = actions.log_support_session(
                actor=user,
                placement=placement,
                date=day,
                minutes=rng.randrange(low, high + 1, 5),
                kind=kind,
                themes=sorted(set(rng.choices(themes, theme_weights, k=rng.choice((1, 1, 2, 3))))),
                participant_count=rng.randint(3, 8) if group else 1,
                service_user_code="" if group or rng.random() < 0.4 else rng.choice(codes),
                reflection=rng.choice(REFLECTIONS) if rng.random() < 0.15 else "",
            )
            session.created_at = timezone.make_aware(
                dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))))
            )
            logged.append(session)
    # Demo-only: dated as if logged on the day, not all a moment ago.
    SupportSession.objects.bulk_update(logged, ["created_at"], batch_size=500)
    confirmed = next((s for s in reversed(logged) if NOT_A_NAME in s.reflection), None)
    if confirmed is not None:
        record_event(
            actor=user,
            action=AuditAction.NAME_CONFIRMED,
            obj=confirmed,
            detail={
                "form": "workplaces.forms.SupportSessionCreateForm",
                "fields": {"reflection": [NOT_A_NAME]},
            },
        )
    return len(logged)


def _peer_login(coordinator: User, participant: Participant, password: str) -> User:
    """A demo login for a certified alumnus, linked to their programme record."""
    if participant.user_id:
        return participant.user
    user = _ensure_user(participant.email, participant.full_name, password)
    Membership.objects.get_or_create(user=user, role=Role.PEER_SUPPORTER, region=participant.region)
    programme_actions.give_account(actor=coordinator, participant=participant)
    return user


def _workplace(coordinator: User, manager: User, region: Region, place: dict) -> Workplace:
    organisation_name, principal = place["organisation"]
    organisation = actions.create_organisation(
        actor=coordinator, region=region, name=organisation_name, principal=principal
    )
    contact_name, contact_email, contact_phone = place["contact"]
    return actions.create_workplace(
        actor=coordinator,
        organisation=organisation,
        name=place["name"],
        type=place["type"],
        address=place["address"],
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        managers=[manager],
    )


def _confirm_budget(manager: User, workplace: Workplace, confirmed_on: dt.date) -> None:
    actions.confirm_readiness(
        actor=manager,
        workplace=workplace,
        item=ReadinessItem.BUDGET,
        confirmed_on=confirmed_on,
        fte=Decimal("2.0"),
        period_start=confirmed_on + dt.timedelta(days=30),
        period_end=confirmed_on + dt.timedelta(days=30 + 2 * 365),
        note="Beslut i verksamhetens ledningsgrupp.",
    )


def _ready_workplace(
    coordinator: User, manager: User, region: Region, place: dict, today: dt.date
) -> Workplace:
    """Budget, anchoring and user-movement contact confirmed and three staff trainings held,
    all in the two months before the first placement started a year ago."""
    workplace = _workplace(coordinator, manager, region, place)
    year_ago = today - dt.timedelta(days=365)
    _confirm_budget(manager, workplace, year_ago - dt.timedelta(days=60))
    actions.confirm_readiness(
        actor=manager,
        workplace=workplace,
        item=ReadinessItem.ANCHORING,
        confirmed_on=year_ago - dt.timedelta(days=45),
        note="Förankrat på arbetsplatsträff med hela personalgruppen.",
    )
    actions.confirm_readiness(
        actor=coordinator,
        workplace=workplace,
        item=ReadinessItem.USER_MOVEMENT_CONTACT,
        confirmed_on=year_ago - dt.timedelta(days=40),
        contact_name=place["user_movement_contact"],
    )
    for days_before, staff in ((35, 14), (24, 11), (14, 16)):
        actions.record_staff_training(
            actor=manager,
            workplace=workplace,
            held_on=year_ago - dt.timedelta(days=days_before),
            staff_count=staff,
        )
    actions.order_trainee(
        actor=manager, workplace=workplace, posts=2, note="Två tjänster på halvtid."
    )
    return workplace


def _placement(coordinator, manager, workplace, participant, *, start, hours, tasks):
    placement = actions.propose_placement(
        actor=coordinator,
        participant=participant,
        workplace=workplace,
        employer=Employer.ASSOCIATION,
        hours_per_week=Decimal(hours),
        start_date=start,
        tasks=tasks,
    )
    actions.agree_placement(actor=coordinator, placement=placement)
    return actions.agree_placement(actor=manager, placement=placement)


def _answer_follow_ups(coordinator: User, manager: User, placement: Placement, today) -> None:
    """Both sides answered the follow-ups that fell due more than a month ago."""
    for review in placement.reviews.filter(due_on__lt=today - dt.timedelta(days=30)):
        for actor, scores in ((manager, (4, 3, 4)), (coordinator, (4, 4, 5))):
            actions.submit_review(
                actor=actor,
                review=review,
                role_works=scores[0],
                role_clarity=scores[1],
                staff_attitudes=scores[2],
                support_needs="Fortsatt handledning och tydliga rutiner för dokumentation.",
            )


def _placements(
    coordinator: User,
    manager: User,
    workplace: Workplace,
    region: Region,
    today: dt.date,
    password: str,
) -> None:
    alumni = list(
        Participant.objects.filter(region=region, status=ParticipantStatus.CERTIFIED).order_by(
            "full_name"
        )[:4]
    )
    if len(alumni) < 4:
        return
    rng = random.Random(f"peer-support-demo-{region.code}")
    start = today - dt.timedelta(days=364)
    conversations = [Task.CONVERSATIONS, Task.BRIDGE_BUILDING, Task.ACCOMPANIMENT]
    for participant, hours, tasks in (
        (alumni[0], "20", conversations),
        (alumni[1], "16", [*conversations, Task.GROUPS, Task.LEISURE]),
    ):
        user = _peer_login(coordinator, participant, password)
        placement = _placement(
            coordinator, manager, workplace, participant, start=start, hours=hours, tasks=tasks
        )
        _log_sessions(placement, user, today, rng)
        _answer_follow_ups(coordinator, manager, placement, today)
    # Ended after seven months; its sessions were logged while it ran.
    leaver = alumni[2]
    user = _peer_login(coordinator, leaver, password)
    placement = _placement(
        coordinator, manager, workplace, leaver, start=start, hours="10", tasks=conversations
    )
    ended_on = start + dt.timedelta(days=210)
    _log_sessions(placement, user, ended_on, rng)
    actions.end_placement(
        actor=coordinator,
        placement=placement,
        reason=ENDED_REASON,
        reason_category=PlacementEndReason.WORKPLACE_OR_FUNDING,
        end_date=ended_on,
    )
    # A proposal the coordinator has agreed, waiting for the unit manager.
    proposal = actions.propose_placement(
        actor=coordinator,
        participant=alumni[3],
        workplace=workplace,
        employer=Employer.WORKPLACE,
        hours_per_week=Decimal("20"),
        start_date=today + dt.timedelta(days=21),
        tasks=[Task.CONVERSATIONS, Task.CARE_CONTACT, Task.RETURN_TO_WORK],
    )
    actions.agree_placement(actor=coordinator, placement=proposal)


def seed(*, today: dt.date | None = None, password: str = DEMO_PASSWORD) -> None:
    """Add the workplace demo data to the demo regions (after the programme seed)."""
    today = today or timezone.localdate()
    for code, places in PLACES.items():
        region = Region.objects.get(code=code)
        coordinator = User.objects.get(email=demo_email(ROLE_PEOPLE[code][Role.COORDINATOR][0]))
        manager = User.objects.get(email=demo_email(ROLE_PEOPLE[code][Role.UNIT_MANAGER][0]))
        existing = Workplace.objects.filter(region=region)
        if not existing.filter(name=places["ready"]["name"]).exists():
            workplace = _ready_workplace(coordinator, manager, region, places["ready"], today)
            _placements(coordinator, manager, workplace, region, today, password)
        if not existing.filter(name=places["not_ready"]["name"]).exists():
            workplace = _workplace(coordinator, manager, region, places["not_ready"])
            _confirm_budget(manager, workplace, today - dt.timedelta(days=20))
    seed_upkeep(today=today)
    seed_incidents(today=today)


# Upkeep states a region reaches in its first year ------------------------------------------

# Ready, but its budget period ends within 60 days; a placement there has passed its end
# date and is ended by the nightly task.
LAPSING_PLACES = {
    "stockholm": {
        "organisation": ("Region Stockholm, Psykiatri Södra", Principal.REGION),
        "name": "Psykosmottagningen Farsta",
        "type": WorkplaceType.OUTPATIENT,
        "address": "Farstagången 6, 123 47 Farsta",
        "contact": ("Mats Lind", "mats.lind@example.org", "08-123 460 00"),
        "user_movement_contact": "RSMH Stockholm",
    },
    "skane": {
        "organisation": ("Region Skåne, Vuxenpsykiatri Malmö", Principal.REGION),
        "name": "Rehabenheten Helsingborg",
        "type": WorkplaceType.REHABILITATION,
        "address": "Södra Vallgatan 5, 252 23 Helsingborg",
        "contact": ("Sofia Holm", "sofia.holm@example.org", "042-10 60 00"),
        "user_movement_contact": "Föreningen Hjärnkoll Skåne",
    },
}
LAPSES_IN_DAYS = 45
WITHDRAWAL_REASON = "Ny enhetschef vill förankra beslutet i personalgruppen på nytt."


def _lapsing_workplace(
    coordinator: User, manager: User, region: Region, place: dict, today: dt.date
) -> Workplace:
    """Ready for most of a year; its budget period ends in 45 days and no new one is
    confirmed yet. A placement agreed to end three days ago is still active."""
    workplace = _workplace(coordinator, manager, region, place)
    confirmed_on = today - dt.timedelta(days=320)
    actions.confirm_readiness(
        actor=manager,
        workplace=workplace,
        item=ReadinessItem.BUDGET,
        confirmed_on=confirmed_on,
        fte=Decimal("1.0"),
        period_start=confirmed_on,
        period_end=today + dt.timedelta(days=LAPSES_IN_DAYS),
        note="Ettårigt projektmedel.",
    )
    actions.confirm_readiness(
        actor=manager, workplace=workplace, item=ReadinessItem.ANCHORING, confirmed_on=confirmed_on
    )
    actions.confirm_readiness(
        actor=coordinator,
        workplace=workplace,
        item=ReadinessItem.USER_MOVEMENT_CONTACT,
        confirmed_on=confirmed_on,
        contact_name=place["user_movement_contact"],
    )
    for days_before, staff in ((30, 9), (20, 10), (10, 8)):
        actions.record_staff_training(
            actor=manager,
            workplace=workplace,
            held_on=confirmed_on + dt.timedelta(days=days_before),
            staff_count=staff,
        )
    # A placed peer supporter's second, part-time placement: who is placed (and so who is
    # supervised) stays as the rest of the demo has it.
    participant = (
        Participant.objects.filter(
            region=region, status=ParticipantStatus.PLACED, user__isnull=False
        )
        .order_by("full_name", "pk")
        .first()
    )
    if participant is not None:
        placement = actions.propose_placement(
            actor=coordinator,
            participant=participant,
            workplace=workplace,
            employer=Employer.WORKPLACE,
            hours_per_week=Decimal("10"),
            start_date=today - dt.timedelta(days=120),
            end_date=today - dt.timedelta(days=3),
            tasks=[Task.CONVERSATIONS, Task.GROUPS],
        )
        actions.agree_placement(actor=coordinator, placement=placement)
        actions.agree_placement(actor=manager, placement=placement)
    return workplace


def _withdrawn_and_planned(coordinator: User, manager: User, workplace: Workplace, today) -> None:
    """At the not-ready workplace: the anchoring was confirmed and then withdrawn, and the
    first staff training is planned."""
    if not workplace.readiness.filter(item=ReadinessItem.ANCHORING).exists():
        confirmation = actions.confirm_readiness(
            actor=manager,
            workplace=workplace,
            item=ReadinessItem.ANCHORING,
            confirmed_on=today - dt.timedelta(days=15),
        )
        actions.withdraw_readiness(
            actor=coordinator, confirmation=confirmation, reason=WITHDRAWAL_REASON
        )
    if not workplace.staff_trainings.exists():
        actions.record_staff_training(
            actor=manager, workplace=workplace, held_on=today + dt.timedelta(days=14)
        )


def seed_upkeep(*, today: dt.date | None = None) -> None:
    """Add the upkeep states to the demo regions (after ``seed``)."""
    today = today or timezone.localdate()
    for code, place in LAPSING_PLACES.items():
        region = Region.objects.get(code=code)
        coordinator = User.objects.get(email=demo_email(ROLE_PEOPLE[code][Role.COORDINATOR][0]))
        manager = User.objects.get(email=demo_email(ROLE_PEOPLE[code][Role.UNIT_MANAGER][0]))
        if not Workplace.objects.filter(region=region, name=place["name"]).exists():
            _lapsing_workplace(coordinator, manager, region, place, today)
        not_ready = Workplace.objects.filter(
            region=region, name=PLACES[code]["not_ready"]["name"]
        ).first()
        if not_ready is not None:
            _withdrawn_and_planned(coordinator, manager, not_ready, today)


# Incidents (avvikelser) ----------------------------------------------------------------------

OPEN_INCIDENT = (
    "En besökare blev hotfull i väntrummet och sparkade på en stol. Jag gick undan och "
    "personalen tog över samtalet."
)
OPEN_INCIDENT_ACTIONS = "Pratade med enhetens personal efteråt."
CLOSED_INCIDENT = (
    "Personalen bad peer supportern att ensam följa med en patient på permission, vilket "
    "ligger utanför de överenskomna uppgifterna."
)
CLOSED_INCIDENT_FOLLOW_UP = (
    "Genomgång med enheten av rollens uppgifter och gränser; enheten skriver in dem i "
    "introduktionen för ny personal."
)


def seed_incidents(*, today: dt.date | None = None) -> None:
    """In each demo region a threat a placed peer supporter reported at the ready workplace,
    shared with its unit managers and not yet followed up, and a boundary issue the unit
    manager reported that the coordinator followed up and closed."""
    today = min(today or timezone.localdate(), timezone.localdate())
    for code, places in PLACES.items():
        region = Region.objects.get(code=code)
        if Incident.objects.filter(region=region).exists():
            continue
        workplace = Workplace.objects.filter(region=region, name=places["ready"]["name"]).first()
        placement = (
            Placement.objects.filter(workplace=workplace, status=PlacementStatus.ACTIVE)
            .exclude(participant__user=None)
            .select_related("participant__user")
            .order_by("participant__full_name")
            .first()
        )
        if placement is None:
            continue
        coordinator = User.objects.get(email=demo_email(ROLE_PEOPLE[code][Role.COORDINATOR][0]))
        manager = User.objects.get(email=demo_email(ROLE_PEOPLE[code][Role.UNIT_MANAGER][0]))
        closed = actions.report_incident(
            actor=manager,
            occurred_on=today - dt.timedelta(days=30),
            kind=IncidentKind.ROLE_BOUNDARIES,
            description=CLOSED_INCIDENT,
            workplace=workplace,
            shared_with_managers=True,
        )
        actions.follow_up_incident(
            actor=coordinator,
            incident=closed,
            note=CLOSED_INCIDENT_FOLLOW_UP,
            status=IncidentStatus.CLOSED,
        )
        actions.report_incident(
            actor=placement.participant.user,
            occurred_on=today - dt.timedelta(days=1),
            kind=IncidentKind.THREAT_OR_VIOLENCE,
            description=OPEN_INCIDENT,
            actions_taken=OPEN_INCIDENT_ACTIONS,
            workplace=workplace,
            shared_with_managers=True,
        )
