"""National benchmark data for the workplaces: units, placements, follow-ups and support.

Built in bulk, not through ``workplaces.actions`` (see ``peersupport.accounts.scale``): the
rows are those the actions would have left, dated explicitly. Per region: organisations
and their workplaces, each with its unit manager (a few manage two), most of them ready
(readiness confirmed, staff trained) and some not yet; certified peer supporters placed
one after another (ended placements, active ones, a few proposed or agreed for later,
some holding two part-time posts), every placement agreed by a coordinator and a unit
manager; follow-up reviews at 1, 3, 6 and 12 months, most answered, some overdue; and two
years of support sessions, spread unevenly: some peer supporters log a great deal, some
little, most have a month or two without any, and July is quiet. In the largest region
one workplace has a single peer supporter. The peer supporters' paths move to placed
(and back to certified, or on to alumni) as the placements start and end.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from bisect import bisect_right
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection

from peersupport.accounts.models import Role
from peersupport.accounts.scale import Plan, RegionPlan, apportion, aware
from programmes.models import LeavingReason, ParticipantStatus, StatusChange

from .models import (
    Employer,
    FollowUpReview,
    Organisation,
    Placement,
    PlacementEndReason,
    PlacementStatus,
    Principal,
    ReadinessConfirmation,
    ReadinessItem,
    ReviewRespondent,
    ReviewResponse,
    SessionKind,
    StaffTraining,
    SupportSession,
    Task,
    Theme,
    Workplace,
    WorkplaceType,
)

S = ParticipantStatus
UNITS = [
    ("Psykiatriska öppenvården", WorkplaceType.OUTPATIENT, Principal.REGION),
    ("Allmänpsykiatrisk avdelning", WorkplaceType.INPATIENT, Principal.REGION),
    ("ACT-teamet", WorkplaceType.ACT_TEAM, Principal.REGION),
    ("Rehabiliteringsenheten", WorkplaceType.REHABILITATION, Principal.REGION),
    ("Boendestödet", WorkplaceType.SOCIAL_PSYCHIATRY, Principal.MUNICIPALITY),
    ("Bostad först", WorkplaceType.HOUSING_FIRST, Principal.MUNICIPALITY),
    ("Träffpunkten", WorkplaceType.MEETING_PLACE, Principal.USER_ASSOCIATION),
    ("Mötesplatsen", WorkplaceType.MEETING_PLACE, Principal.OTHER),
]
ORGANISATIONS = {
    Principal.REGION: "{region}, Psykiatri {district}",
    Principal.MUNICIPALITY: "{district}s kommun, Socialpsykiatrin",
    Principal.USER_ASSOCIATION: "Brukarföreningen i {district}",
    Principal.OTHER: "Stiftelsen Mötesplats {district}",
}
DISTRICTS = (  # noqa: SIM905 - a list of words reads best as words
    "Norra Södra Östra Västra Centrum Hamnen Backen Dalen Skogen Ängen Åsen Viken Näset "
    "Holmen Udden Strand Berga Lunden Torget Källan Ekbacken Björkhagen Tallbacken Solhem "
    "Stenhamra"
).split()
END_REASONS = {
    PlacementEndReason.PERIOD_ENDED: "Den avtalade perioden tog slut.",
    PlacementEndReason.OTHER_WORK_OR_STUDIES: "Har fått ett annat arbete.",
    PlacementEndReason.OWN_HEALTH: "Behövde ett uppehåll för sin egen hälsa.",
    PlacementEndReason.WORKPLACE_OR_FUNDING: "Finansieringen upphörde.",
    PlacementEndReason.ROLE_NOT_SUITED: "Rollen passade inte på enheten.",
    PlacementEndReason.OTHER: "Annat skäl.",
}
REFLECTIONS = (
    "Bra samtal om vardagen och vad som hjälper.",
    "Vi pratade om sömn och rutiner.",
    "Följde med till ett besök, det gick lugnt.",
    "Gruppen var liten men engagerad.",
    "Svårt samtal, tar upp det i handledningen.",
)
SUPPORT_NEEDS = ("Mer tid för introduktion av personalen.", "Tydligare uppdrag.", "")
KINDS = [
    (SessionKind.CONVERSATION, 45),
    (SessionKind.BRIDGE_BUILDING, 10),
    (SessionKind.ACCOMPANIMENT, 12),
    (SessionKind.GROUP_ACTIVITY, 12),
    (SessionKind.STUDY_CIRCLE, 5),
    (SessionKind.PHONE_DIGITAL, 16),
]
GROUP_KINDS = {SessionKind.GROUP_ACTIVITY, SessionKind.STUDY_CIRCLE}
CODE_LETTERS = "ABCDEFGHJKLMNPRSTUVXYZ"
PATH_ENDINGS = {
    LeavingReason.NO_PLACEMENT: "Ingen placering blev av.",
    LeavingReason.WORK_OR_STUDIES: "Har fått ett annat arbete.",
    LeavingReason.PERSONAL: "Har flyttat från regionen.",
}


@dataclass
class WorkplacePlan:
    pk: int
    region: RegionPlan
    organisation: int
    managers: list[int]
    ready: bool
    weight: float
    ready_on: dt.date | None = None
    placements: int = 0


@dataclass
class PlacementPlan:
    pk: int
    peer: object  # programmes.scale.PeerPlan
    workplace: WorkplacePlan
    start: dt.date
    end: dt.date | None
    status: str
    hours: int
    ended_reason: str = ""
    ended_category: str | None = None


class WorkplaceBuilder:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.rng = plan.rng
        self.today = plan.today
        self.workplaces: dict[int, list[WorkplacePlan]] = {}
        self.placements: list[PlacementPlan] = []

    # Workplaces ------------------------------------------------------------------------

    def build_workplaces(self) -> None:
        plan, rng = self.plan, self.rng
        weights = [region.weight for region in plan.regions]
        counts = apportion(plan.count(600), weights, minimum=2)
        org_rows, workplace_rows, manager_people, manager_links = [], [], [], []
        org_ids = iter(plan.bulk.reserve_ids(Organisation, sum(max(1, c // 4) for c in counts)))
        workplace_ids = iter(plan.bulk.reserve_ids(Workplace, sum(counts)))
        for region, count in zip(plan.regions, counts, strict=True):
            districts = rng.sample(DISTRICTS, k=len(DISTRICTS))
            orgs = []
            for number in range(max(1, count // 4)):
                principal = rng.choice(list(ORGANISATIONS))
                name = ORGANISATIONS[principal].format(
                    region=region.name, district=districts[number % len(districts)]
                )
                if number >= len(districts):
                    name = f"{name} {number // len(districts) + 1}"
                pk = next(org_ids)
                org_rows.append((pk, region.pk, name, principal))
                orgs.append(pk)
            plans = []
            for number in range(count):
                pk = next(workplace_ids)
                unit, kind, _principal = UNITS[number % len(UNITS)]
                district = districts[(number // len(UNITS)) % len(districts)]
                name = f"{unit} {district}"
                if number >= len(UNITS) * len(districts):
                    name = f"{name} {number // (len(UNITS) * len(districts)) + 1}"
                contact = plan.person_name()
                workplace_rows.append(
                    (
                        pk,
                        rng.choice(orgs),
                        region.pk,
                        name,
                        kind,
                        f"{district}vägen {rng.randint(1, 90)}",
                        contact,
                        plan.email_for(contact, "kontakt"),
                        "",
                        plan.now - dt.timedelta(days=900),
                    )
                )
                shares = plans and rng.random() < 0.12
                if shares:
                    managers = plans[-1].managers
                else:
                    manager_name = plan.person_name()
                    manager_people.append(
                        (manager_name, plan.email_for(manager_name), "sv", region.pk)
                    )
                    managers = [len(manager_people) - 1]
                ready = number == 0 or rng.random() < 0.85
                plans.append(
                    WorkplacePlan(
                        pk=pk,
                        region=region,
                        organisation=workplace_rows[-1][1],
                        managers=managers,
                        ready=ready,
                        weight=1 / (number + 1) ** 0.7,
                    )
                )
            self.workplaces[region.pk] = plans
        user_ids = plan.add_users(
            [person[:3] for person in manager_people], plan.now - dt.timedelta(days=900)
        )
        for plans in self.workplaces.values():
            for workplace in plans:
                workplace.managers = [user_ids[i] for i in workplace.managers]
                manager_links.extend((workplace.pk, m) for m in workplace.managers)
        plan.add_memberships(
            (
                (pk, Role.UNIT_MANAGER, person[3])
                for pk, person in zip(user_ids, manager_people, strict=True)
            ),
            plan.now - dt.timedelta(days=900),
        )
        plan.bulk.copy(Organisation, ["id", "region", "name", "principal"], org_rows)
        plan.bulk.copy(
            Workplace,
            [
                "id",
                "organisation",
                "region",
                "name",
                "type",
                "address",
                "contact_name",
                "contact_email",
                "contact_phone",
                "created_at",
            ],
            workplace_rows,
        )
        plan.bulk.copy(Workplace.managers.through, ["workplace", "user"], manager_links)

    # Placements ------------------------------------------------------------------------

    def build_placements(self, peers) -> None:
        rng, today = self.rng, self.today
        eligible = [peer for peer in peers if peer.certified_on is not None]
        self.eligible = eligible
        by_peer: dict[int, list[PlacementPlan]] = {}
        # The first certified peer supporter of each region is placed now, however small
        # the seed: every region has a placement to show.
        first_of_region = {}
        for peer in eligible:
            first_of_region.setdefault(peer.region.pk, peer)
        sure = {peer.participant for peer in first_of_region.values()}
        for peer in eligible:
            if peer.participant not in sure and rng.random() > 0.92:
                continue
            wait = rng.randint(14, 30 if peer.participant in sure else 100)
            start = peer.certified_on + dt.timedelta(days=wait)
            chain = []
            while True:
                end = start + relativedelta(months=rng.randint(3, 14))
                if start > today:
                    status = rng.choice((PlacementStatus.PROPOSED, PlacementStatus.AGREED))
                    chain.append(self._placement(peer, start, None, status))
                    break
                if end >= today or peer.participant in sure or rng.random() < 0.2:
                    chain.append(self._placement(peer, start, None, PlacementStatus.ACTIVE))
                    break
                chain.append(self._placement(peer, start, end, PlacementStatus.ENDED))
                if rng.random() < 0.3:
                    break
                start = end + dt.timedelta(days=rng.randint(7, 60))
            by_peer[peer.participant] = chain
        target = self.plan.count(2500)
        count = sum(len(chain) for chain in by_peer.values())
        # Short of the placements asked for: some whose post ended have started a new one,
        # and some hold a second part-time post beside the first (a fifth at most).
        between = [chain for chain in by_peer.values() if chain[-1].status == "ended"]
        rng.shuffle(between)
        for chain in between[: max(0, target - count)]:
            start = chain[-1].end + dt.timedelta(days=rng.randint(14, 90))
            status = PlacementStatus.ACTIVE if start <= today else PlacementStatus.AGREED
            chain.append(self._placement(chain[-1].peer, start, None, status))
            count += 1
        active = [chain[-1] for chain in by_peer.values() if chain[-1].status == "active"]
        rng.shuffle(active)
        for first in active[: min(max(0, target - count), len(active) // 5)]:
            start = first.start + dt.timedelta(
                days=rng.randint(20, max(21, (today - first.start).days))
            )
            second = self._placement(first.peer, min(start, today), None, PlacementStatus.ACTIVE)
            second.hours = min(second.hours, 40 - first.hours)
            by_peer[first.peer.participant].append(second)
            count += 1
        chains = list(by_peer.values())
        rng.shuffle(chains)
        while count > target and chains:
            chain = chains.pop()
            if len(chain) > 1 and chain[-1].status == "active" and chain[-2].status == "ended":
                chain.pop()
                count -= 1
        self.chains = by_peer
        self._assign_workplaces()

    def _placement(self, peer, start, end, status) -> PlacementPlan:
        placement = PlacementPlan(
            pk=0,
            peer=peer,
            workplace=None,
            start=start,
            end=end,
            status=status,
            hours=self.rng.choice((10, 12, 16, 20, 20, 24)),
        )
        if status == PlacementStatus.ENDED:
            category = self.rng.choice(list(END_REASONS))
            placement.ended_reason, placement.ended_category = END_REASONS[category], category
        return placement

    def _assign_workplaces(self) -> None:
        rng = self.rng
        placements = [p for chain in self.chains.values() for p in chain]
        placements.sort(key=lambda p: (p.start, p.peer.participant))
        largest = self.plan.regions[0].pk
        single = None
        ready = {region: [w for w in plans if w.ready] for region, plans in self.workplaces.items()}
        if len(ready[largest]) > 2:
            single = ready[largest][-1]
        cumulative = {}
        for region, plans in ready.items():
            pool = [w for w in plans if w is not single]
            total, sums = 0.0, []
            for w in pool:
                total += w.weight
                sums.append(total)
            cumulative[region] = (pool, sums, total)
        for placement in placements:
            region = placement.peer.region.pk
            if single is not None and region == largest and placement.status == "active":
                placement.workplace, single = single, None
                continue
            pool, sums, total = cumulative[region]
            placement.workplace = pool[bisect_right(sums, rng.random() * total) % len(pool)]
        ids = iter(self.plan.bulk.reserve_ids(Placement, len(placements)))
        for placement in placements:
            placement.pk = next(ids)
            placement.workplace.placements += 1
            first = placement.workplace.ready_on
            ready_on = min(
                placement.start - dt.timedelta(days=30), self.today - dt.timedelta(days=14)
            )
            placement.workplace.ready_on = min(first, ready_on) if first else ready_on
        self.placements = placements

    # Writing ---------------------------------------------------------------------------

    def write_readiness(self) -> None:
        rng, today = self.rng, self.today
        readiness, trainings = [], []
        for plans in self.workplaces.values():
            for w in plans:
                manager = w.managers[0]
                if not w.ready:
                    confirmed = today - dt.timedelta(days=rng.randint(10, 90))
                    readiness.append(
                        (
                            w.pk,
                            ReadinessItem.ANCHORING,
                            confirmed,
                            manager,
                            None,
                            None,
                            None,
                            "",
                            "",
                            None,
                            None,
                            "",
                        )
                    )
                    trainings.append(
                        (w.pk, today + dt.timedelta(days=rng.randint(7, 60)), None, manager)
                    )
                    continue
                ready_on = w.ready_on or today - dt.timedelta(days=rng.randint(20, 200))
                lapsing = rng.random() < 0.05
                period_end = today + dt.timedelta(
                    days=rng.randint(10, 55) if lapsing else rng.randint(120, 500)
                )
                readiness += [
                    (
                        w.pk,
                        ReadinessItem.BUDGET,
                        ready_on,
                        manager,
                        "1.00",
                        ready_on,
                        period_end,
                        "",
                        "",
                        None,
                        None,
                        "",
                    ),
                    (
                        w.pk,
                        ReadinessItem.ANCHORING,
                        ready_on,
                        manager,
                        None,
                        None,
                        None,
                        "",
                        "",
                        None,
                        None,
                        "",
                    ),
                    (
                        w.pk,
                        ReadinessItem.USER_MOVEMENT_CONTACT,
                        ready_on,
                        manager,
                        None,
                        None,
                        None,
                        "RSMH lokalförening",
                        "",
                        None,
                        None,
                        "",
                    ),
                ]
                for number in range(settings.READINESS_STAFF_TRAININGS):
                    held = ready_on - dt.timedelta(days=7 * (number + 1))
                    trainings.append((w.pk, held, rng.randint(5, 25), manager))
        self.plan.bulk.copy(
            ReadinessConfirmation,
            [
                "workplace",
                "item",
                "confirmed_on",
                "confirmed_by",
                "fte",
                "period_start",
                "period_end",
                "contact_name",
                "note",
                "withdrawn_on",
                "withdrawn_by",
                "withdrawal_reason",
            ],
            readiness,
        )
        self.plan.bulk.copy(
            StaffTraining, ["workplace", "held_on", "staff_count", "recorded_by"], trainings
        )

    def write_placements(self) -> None:
        rng, now = self.rng, self.plan.now
        tasks = Task.values
        rows = []
        for p in self.placements:
            coordinator = rng.choice(p.peer.region.coordinators)
            manager = rng.choice(p.workplace.managers)
            agreed = p.status != PlacementStatus.PROPOSED
            # Proposed a month before the start, or lately for one still to come.
            proposed = min(aware(p.start - dt.timedelta(days=30)), now - dt.timedelta(days=3))
            rows.append(
                (
                    p.pk,
                    p.peer.participant,
                    p.workplace.pk,
                    Employer.ASSOCIATION if rng.random() < 0.6 else Employer.WORKPLACE,
                    f"{p.hours}.0",
                    p.start,
                    p.end,
                    json.dumps(rng.sample(tasks, k=rng.randint(2, 4))),
                    p.status,
                    proposed + dt.timedelta(days=1),
                    coordinator,
                    proposed + dt.timedelta(days=2) if agreed else None,
                    manager if agreed else None,
                    p.ended_reason,
                    p.ended_category,
                    proposed,
                )
            )
        self.plan.bulk.copy(
            Placement,
            [
                "id",
                "participant",
                "workplace",
                "employer",
                "hours_per_week",
                "start_date",
                "end_date",
                "tasks",
                "status",
                "coordinator_agreed_at",
                "coordinator_agreed_by",
                "manager_agreed_at",
                "manager_agreed_by",
                "ended_reason",
                "ended_reason_category",
                "created_at",
            ],
            rows,
        )

    def write_reviews(self) -> None:
        rng, today, now = self.rng, self.today, self.plan.now
        review_ids_needed = [
            p for p in self.placements if p.status in (PlacementStatus.ACTIVE, "ended")
        ]
        months = settings.PLACEMENT_REVIEW_MONTHS
        ids = iter(self.plan.bulk.reserve_ids(FollowUpReview, len(review_ids_needed) * len(months)))
        reviews, responses = [], []
        for p in review_ids_needed:
            for month in months:
                pk = next(ids)
                due = p.start + relativedelta(months=month)
                reviews.append((pk, p.pk, month, due))
                in_post = p.end is None or due <= p.end
                if due > today - dt.timedelta(days=14) or not in_post or rng.random() < 0.12:
                    continue
                submitted = min(aware(due + dt.timedelta(days=rng.randint(1, 12)), 14), now)
                respondents = [(ReviewRespondent.UNIT_MANAGER, p.workplace.managers[0])]
                if rng.random() < 0.5:
                    respondents.append(
                        (ReviewRespondent.COORDINATOR, rng.choice(p.peer.region.coordinators))
                    )
                level = rng.uniform(2.8, 4.6)
                for respondent, by in respondents:
                    responses.append(
                        (
                            pk,
                            respondent,
                            *(min(5, max(1, round(level + rng.gauss(0, 0.6)))) for _ in range(3)),
                            rng.choice(SUPPORT_NEEDS),
                            "",
                            submitted,
                            by,
                        )
                    )
        self.plan.bulk.copy(
            FollowUpReview, ["id", "placement", "months_after_start", "due_on"], reviews
        )
        self.plan.bulk.copy(
            ReviewResponse,
            [
                "review",
                "respondent",
                "role_works",
                "role_clarity",
                "staff_attitudes",
                "support_needs",
                "comments",
                "submitted_at",
                "submitted_by",
            ],
            responses,
        )

    def write_sessions(self) -> None:
        """Two years of support sessions, shared out unevenly (see the module docstring)."""
        rng, today, now = self.rng, self.today, self.plan.now
        window_start = today - dt.timedelta(days=730)
        logged = [p for p in self.placements if p.status in (PlacementStatus.ACTIVE, "ended")]
        intensity = {}
        spans, weights = [], []
        for p in logged:
            first = max(p.start, window_start)
            last = min(p.end or today, today)
            days = max(0, (last - first).days + 1)
            peer = p.peer.participant
            if peer not in intensity:
                intensity[peer] = min(6.0, max(0.15, math.exp(rng.gauss(0, 0.9))))
            spans.append((first, days))
            weights.append(days * intensity[peer])
        counts = apportion(self.plan.count(250_000), weights) if logged else []
        kinds = [kind for kind, _w in KINDS]
        kind_weights = [w for _k, w in KINDS]
        themes = Theme.values
        # The smallest regions had two months without any support logged.
        months = sorted({(d.year, d.month) for d in _days(window_start, today)})[1:-1]
        region_empty = {
            region.pk: set(rng.sample(months, k=2))
            for region in self.plan.regions
            if region.weight < 1.6
        }

        def rows():
            for p, (first, days), count in zip(logged, spans, counts, strict=True):
                if not count or not days:
                    continue
                # Most peer supporters have a month or two without any session.
                empty = {
                    ((first + dt.timedelta(days=d)).year, (first + dt.timedelta(days=d)).month)
                    for d in range(0, days, 30)
                    if rng.random() < 0.07
                } | region_empty.get(p.peer.region.pk, set())
                allowed = None
                codes = [
                    f"{rng.choice(CODE_LETTERS)}{rng.choice(CODE_LETTERS)}{rng.randint(10, 99)}"
                    for _ in range(rng.randint(3, 25))
                ]
                user = p.peer.user
                chosen_kinds = rng.choices(kinds, weights=kind_weights, k=count)
                for kind in chosen_kinds:
                    for _attempt in range(6):
                        day = first + dt.timedelta(days=rng.randrange(days))
                        if (day.year, day.month) in empty:
                            continue
                        if day.month == 7 and rng.random() < 0.7:
                            continue
                        break
                    else:
                        if allowed is None:
                            allowed = [
                                d
                                for d in _days(first, first + dt.timedelta(days=days - 1))
                                if (d.year, d.month) not in empty
                            ] or [first]
                        day = rng.choice(allowed)
                    group = kind in GROUP_KINDS
                    logged_at = min(aware(day, rng.randint(12, 20), rng.randint(0, 59)), now)
                    yield (
                        p.pk,
                        day,
                        rng.choice((30, 45, 60, 60, 90, 120)) if not group else 90,
                        kind,
                        json.dumps(rng.sample(themes, k=rng.choice((0, 1, 1, 2, 3)))),
                        rng.randint(3, 12) if group else 1,
                        "" if group or rng.random() < 0.4 else rng.choice(codes),
                        rng.choice(REFLECTIONS) if rng.random() < 0.08 else "",
                        user,
                        logged_at,
                    )

        self.plan.bulk.copy(
            SupportSession,
            [
                "placement",
                "date",
                "minutes",
                "kind",
                "themes",
                "participant_count",
                "service_user_code",
                "reflection",
                "created_by",
                "created_at",
            ],
            rows(),
        )

    def write_paths(self) -> None:
        """Placed when a placement starts, back to certified when the last one ends; some
        months later, alumni for some, and some never placed have left the programme."""
        rng, today = self.rng, self.today
        changes, finals = [], []
        long_ago = today - dt.timedelta(days=200)
        for peer in self.eligible:
            chain = self.chains.get(peer.participant, [])
            status, last = S.CERTIFIED, peer.last_change
            events = []
            for p in chain:
                if p.status in (PlacementStatus.ACTIVE, "ended"):
                    events.append((p.start, 1))
                if p.status == "ended":
                    events.append((p.end, -1))
            events.sort()
            running = 0
            for day, delta in events:
                running += delta
                if delta == 1 and status != S.PLACED:
                    changes.append((peer.participant, status, S.PLACED, day, None, "", None))
                    status, last = S.PLACED, day
                elif delta == -1 and running == 0:
                    changes.append((peer.participant, status, S.CERTIFIED, day, None, "", None))
                    status, last = S.CERTIFIED, day
            waiting = any(p.status in ("proposed", "agreed") for p in chain)
            if status == S.CERTIFIED and last < long_ago and not waiting:
                day = last + dt.timedelta(days=rng.randint(120, 190))
                coordinator = rng.choice(peer.region.coordinators)
                if not chain and rng.random() < 0.3:
                    category = rng.choice(list(PATH_ENDINGS))
                    changes.append(
                        (
                            peer.participant,
                            status,
                            S.LEFT,
                            day,
                            coordinator,
                            PATH_ENDINGS[category],
                            category,
                        )
                    )
                    status, last = S.LEFT, day
                elif rng.random() < 0.4:
                    changes.append((peer.participant, status, S.ALUMNI, day, coordinator, "", None))
                    status, last = S.ALUMNI, day
            finals.append((status, aware(last, 11), peer.participant))
        self.plan.bulk.copy(
            StatusChange,
            [
                "participant",
                "from_status",
                "to_status",
                "changed_at",
                "changed_by",
                "reason",
                "reason_category",
            ],
            (
                (pk, before, to, aware(day, 11), by, reason, category)
                for pk, before, to, day, by, reason, category in changes
            ),
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE programmes_participant SET status = %s, status_changed_at = %s "
                "WHERE id = %s",
                finals,
            )


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def build(plan: Plan) -> None:
    builder = WorkplaceBuilder(plan)
    builder.build_workplaces()
    builder.build_placements(plan.shared["peers"])
    builder.write_readiness()
    builder.write_placements()
    builder.write_reviews()
    builder.write_paths()
    builder.write_sessions()
    plan.shared["workplaces"] = builder.workplaces
    plan.shared["placements"] = builder.placements
