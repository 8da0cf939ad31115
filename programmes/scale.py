"""National benchmark data for the programme: applicants, cohorts and course histories.

Built in bulk, not through ``programmes.actions`` (see ``peersupport.accounts.scale``): the
rows are those the actions would have left, dated explicitly. Per region: cohorts spread
over the last two and a half years (closed, one running, one planned; two cancelled in
the country), their course days from the template, the peer supporters' path from
applicant through interview, course and certificate, and applicants at every step before
the course. Each participant consented to their declaration of lived experience.
``tests/bench/test_seed_scale.py`` renders the pages on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peersupport.accounts.models import Role
from peersupport.accounts.scale import Plan, RegionPlan, apportion, aware
from peersupport.dataprotection.models import Consent, ConsentMethod, ConsentText

from .actions import CERTIFICATE_CODE_ALPHABET, LIVED_EXPERIENCE
from .models import (
    Attendance,
    AttendanceStatus,
    Certificate,
    Cohort,
    CohortStatus,
    CourseModule,
    CourseSession,
    CourseTemplate,
    Enrolment,
    EnrolmentStatus,
    Interview,
    InterviewOutcome,
    LeavingReason,
    Participant,
    ParticipantStatus,
    StatusChange,
    TemplateDay,
)
from .schedule import monday_of, plan_dates

S = ParticipantStatus
# The days whose modules are taught again on another day: an absence there does not stop
# a trainee from completing the course (see the default template's migration).
SPARE_DAYS = (1, 8, 9, 11, 14)
EXCUSES = ("Sjuk", "Vård av sjukt barn", "Läkarbesök", "Tandläkare", "Begravning")
LEAVING = {
    LeavingReason.WORK_OR_STUDIES: "Har fått arbete och kan inte fortsätta.",
    LeavingReason.OWN_HEALTH: "Behöver fokusera på sin egen hälsa just nu.",
    LeavingReason.PERSONAL: "Har flyttat från regionen.",
    LeavingReason.ROLE_NOT_SUITED: "Rollen passade inte.",
    LeavingReason.COURSE_NOT_COMPLETED: "Kunde inte fullfölja kursen.",
    LeavingReason.OTHER: "Annat skäl.",
}
DECLINING = {
    LeavingReason.ROLE_NOT_SUITED: "Intervjun visade att rollen inte passar just nu.",
    LeavingReason.OTHER: "Ingen plats på kursen denna gång.",
    LeavingReason.PERSONAL: "Söker igen senare.",
}
MOTIVATIONS = (
    "Jag vill använda min egen erfarenhet för att stödja andra.",
    "Min återhämtning har lärt mig mycket som jag vill dela med mig av.",
    "Jag har länge varit aktiv i brukarrörelsen och vill arbeta med det.",
    "",
    "",
)
VENUES = ("Studieförbundets lokaler", "Brukarföreningens hus", "Kunskapscentrum", "Folkhögskolan")
TRAINERS = "Kursledare från NSPH och regionen"
# The applicant-side statuses and their share of the applicants.
APPLICANT_MIX = [
    (S.APPLICANT, 25),
    (S.INTERVIEWED, 15),
    (S.ACCEPTED, 12),
    (S.DECLINED, 25),
    (S.LEFT, 23),
]


@dataclass
class PersonPlan:
    region: RegionPlan
    name: str
    email: str
    language: str
    applied_on: dt.date
    # (from, to, day, reason, reason category) in order.
    path: list[tuple[str, str, dt.date, str, str | None]] = field(default_factory=list)
    interviewed_on: dt.date | None = None
    pk: int = 0
    user_id: int | None = None
    coordinator: int = 0
    # For a peer supporter: (certified on, course end, enrolment id, cohort id).
    peer: tuple | None = None

    def step(self, to: str, day: dt.date, reason: str = "", category: str | None = None):
        before = self.path[-1][1] if self.path else ""
        self.path.append((before, to, day, reason, category))

    @property
    def status(self) -> str:
        return self.path[-1][1]


@dataclass
class PeerPlan:
    """A peer supporter the workplace and supervision seeds build on."""

    participant: int
    user: int
    region: RegionPlan
    name: str
    language: str
    certified_on: dt.date | None
    cohort_end: dt.date
    enrolment: int
    cohort: int
    last_change: dt.date


def _daterange_choice(plan: Plan, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=plan.rng.randint(0, (last - first).days))


class ProgrammeBuilder:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.rng = plan.rng
        self.today = plan.today
        self.people: list[PersonPlan] = []
        self.cohort_rows: list[tuple] = []
        self.session_rows: list[tuple] = []
        self.session_module_rows: list[tuple] = []
        self.enrolment_rows: list[tuple] = []
        self.attendance_rows: list[tuple] = []
        self.certificate_rows: list[tuple] = []
        self.peers: list[PeerPlan] = []
        self.codes: set[str] = set()

    # Templates -------------------------------------------------------------------------

    def templates(self) -> None:
        """The national default template (from its migration) and two regions' own copies."""
        default = CourseTemplate.objects.get(is_default=True)
        self.templates_by_region: dict[int, CourseTemplate] = {}
        for region in self.plan.regions[:3:2]:
            copy = CourseTemplate.objects.create(
                name=f"{default.name} – {region.name}",
                description=default.description,
                min_attendance_percent=default.min_attendance_percent,
                region_id=region.pk,
                copied_from=default,
                day_start=dt.time(9, 30),
                day_end=dt.time(15, 30),
            )
            modules = {
                module.pk: CourseModule.objects.create(
                    template=copy,
                    name=module.name,
                    learning_aims=module.learning_aims,
                    required=module.required,
                    position=module.position,
                )
                for module in default.modules.all()
            }
            for day in default.days.prefetch_related("modules"):
                new_day = TemplateDay.objects.create(
                    template=copy, number=day.number, week=day.week, weekday=day.weekday
                )
                new_day.modules.set([modules[m.pk] for m in day.modules.all()])
            self.templates_by_region[region.pk] = copy
        self.template_shape: dict[int, tuple] = {}
        for template in [default, *self.templates_by_region.values()]:
            days = list(template.days.prefetch_related("modules").order_by("number"))
            required = sorted(template.modules.filter(required=True).values_list("pk", flat=True))
            self.template_shape[template.pk] = (template, days, required)
        self.default = default

    # People ----------------------------------------------------------------------------

    def person(self, region: RegionPlan, applied_on: dt.date) -> PersonPlan:
        name = self.plan.person_name()
        person = PersonPlan(
            region=region,
            name=name,
            email=self.plan.email_for(name),
            language="en" if self.rng.random() < 0.05 else "sv",
            applied_on=applied_on,
            coordinator=self.rng.choice(region.coordinators),
        )
        person.step(S.APPLICANT, applied_on)
        self.people.append(person)
        return person

    def interview(self, person: PersonPlan, day: dt.date) -> None:
        person.interviewed_on = day
        person.step(S.INTERVIEWED, day)

    # Cohorts ---------------------------------------------------------------------------

    def cohorts(self) -> None:
        weights = [region.weight for region in self.plan.regions]
        # Every region has at least a closed and a running cohort, with a peer supporter in
        # each, so that even a tiny seed has every kind of page to show.
        peers = apportion(self.plan.count(2000), weights, minimum=2)
        cohorts = apportion(max(self.plan.count(120), 2 * len(weights)), weights, minimum=2)
        cancelled_left = 2 if self.plan.count(120) >= 40 else 0
        ids = iter(self.plan.bulk.reserve_ids(Cohort, sum(cohorts)))
        # Enough for every trainee, and each cohort's waiting list and leavers (4 at most).
        self.enrolment_ids = iter(
            self.plan.bulk.reserve_ids(Enrolment, sum(peers) + 4 * sum(cohorts))
        )
        for region, region_peers, region_cohorts in zip(
            self.plan.regions, peers, cohorts, strict=True
        ):
            template = self.templates_by_region.get(region.pk, self.default)
            kinds = self._cohort_kinds(region_cohorts, cancel=cancelled_left > 0)
            if "cancelled" in kinds:
                cancelled_left -= 1
            starts = self._cohort_starts(kinds)
            # A planned cohort has filled about half its places so far; a cancelled one
            # has nobody left in it.
            share = {"closed": 1.0, "running": 1.0, "planned": 0.6, "cancelled": 0.0}
            sizes = apportion(region_peers, [share[kind] for kind in kinds])
            for number, (kind, start, size) in enumerate(
                zip(kinds, starts, sizes, strict=True), start=1
            ):
                self._cohort(next(ids), region, template, number, kind, start, size)

    def _cohort_kinds(self, count: int, *, cancel: bool) -> list[str]:
        if count == 2:
            return ["closed", "running"]
        kinds = ["closed"] * (count - 2) + ["running", "planned"]
        if cancel and count >= 6:
            kinds[-3] = "cancelled"
        return kinds

    def _cohort_starts(self, kinds: list[str]) -> list[dt.date]:
        this_monday = monday_of(self.today)
        closed = [i for i, kind in enumerate(kinds) if kind in ("closed", "cancelled")]
        first, last = this_monday - dt.timedelta(weeks=130), this_monday - dt.timedelta(weeks=8)
        starts = []
        for i, kind in enumerate(kinds):
            if kind == "running":
                starts.append(this_monday - dt.timedelta(weeks=self.rng.randint(1, 3)))
            elif kind == "planned":
                starts.append(this_monday + dt.timedelta(weeks=self.rng.randint(3, 10)))
            else:
                position = closed.index(i)
                span = (last - first).days
                offset = span * position // (len(closed) - 1) if len(closed) > 1 else span // 2
                starts.append(monday_of(first + dt.timedelta(days=offset)))
        return starts

    def _cohort(self, pk, region, template, number, kind, start, size) -> None:
        shape_template, days, required = self.template_shape[template.pk]
        dates = plan_dates(start, [(day.week, day.weekday) for day in days])
        end = dates[-1]
        capacity = max(16, size + self.rng.randint(0, 3))
        waitlisted = 2 if kind == "planned" and region.weight >= 10 else 0
        if waitlisted:
            capacity = max(1, size)
        coordinator = self.rng.choice(region.coordinators)
        started = kind in ("closed", "running")
        status = {
            "closed": CohortStatus.CLOSED,
            "running": CohortStatus.RUNNING,
            "planned": CohortStatus.PLANNED,
            "cancelled": CohortStatus.CANCELLED,
        }[kind]
        self.cohort_rows.append(
            (
                pk,
                region.pk,
                template.pk,
                f"Grundkurs {start:%Y}, omgång {number}",
                f"{self.rng.choice(VENUES)}, {region.name.removeprefix('Region ')}",
                capacity,
                TRAINERS,
                start,
                end,
                status,
                aware(end + dt.timedelta(days=7), 15) if kind == "closed" else None,
                aware(start - dt.timedelta(days=10)) if kind == "cancelled" else None,
                shape_template.min_attendance_percent if started else None,
                required if started else None,
                aware(start - dt.timedelta(days=90)),
            )
        )
        session_ids = list(self.plan.bulk.reserve_ids(CourseSession, len(days)))
        for session_id, day, date in zip(session_ids, days, dates, strict=True):
            self.session_rows.append(
                (session_id, pk, day.number, date, shape_template.day_start, shape_template.day_end)
            )
            self.session_module_rows.extend((session_id, m.pk) for m in day.modules.all())
        sessions = list(zip(session_ids, [d.number for d in days], dates, strict=True))
        if kind == "cancelled":
            return
        for _ in range(size):
            self._trainee(region, coordinator, pk, kind, start, end, sessions)
        for _ in range(waitlisted):
            person, enrolled_on = self._accepted(region, start)
            self._enrolment(person, pk, EnrolmentStatus.WAITLISTED, enrolled_on)
        if kind == "closed":
            for _ in range(self.rng.choice((0, 1, 1, 2))):
                self._leaver(region, coordinator, pk, start, end, sessions)

    def _accepted(self, region: RegionPlan, start: dt.date) -> tuple[PersonPlan, dt.date]:
        """An applicant accepted for the cohort starting on ``start``, and the day they are
        enrolled: a week or so before it starts, or lately for a cohort still to come."""
        rng = self.rng
        enrolled_on = start - dt.timedelta(days=rng.randint(5, 12))
        if enrolled_on >= self.today:
            enrolled_on = self.today - dt.timedelta(days=rng.randint(2, 20))
        accepted_on = enrolled_on - dt.timedelta(days=rng.randint(3, 20))
        interviewed_on = accepted_on - dt.timedelta(days=rng.randint(3, 15))
        person = self.person(region, interviewed_on - dt.timedelta(days=rng.randint(10, 40)))
        self.interview(person, interviewed_on)
        person.step(S.ACCEPTED, accepted_on)
        return person, enrolled_on

    def _enrolment(self, person, cohort, status, enrolled_on) -> int:
        pk = next(self.enrolment_ids)
        enrolled_at = aware(enrolled_on, 14)
        self.enrolment_rows.append([pk, cohort, person, status, enrolled_at, None])
        return pk

    def _trainee(self, region, coordinator, cohort, kind, start, end, sessions) -> None:
        person, enrolled_on = self._accepted(region, start)
        enrolment = self._enrolment(person, cohort, EnrolmentStatus.ENROLLED, enrolled_on)
        person.step(S.TRAINEE, enrolled_on)
        at_risk = kind == "running" and self.rng.random() < 0.08
        absences = (
            set(self.rng.sample(SPARE_DAYS, k=self.rng.choice((0, 0, 0, 1, 1, 2))))
            if not at_risk
            else {1, 2, 3, 4}
        )
        present = 0
        for session_id, number, date in sessions:
            if date >= self.today:
                break
            present += self._attend(session_id, enrolment, coordinator, date, number in absences)
        if at_risk:
            self.enrolment_rows[-1][5] = aware(start + dt.timedelta(days=4), 17)
        certified_on = None
        if kind == "closed":
            certified_on = end + dt.timedelta(days=3)
            person.step(S.CERTIFIED, certified_on)
            self.certificate_rows.append(
                (person, cohort, self._code(), aware(certified_on), coordinator, present, 15)
            )
        person.peer = (certified_on, end, enrolment, cohort)

    def _leaver(self, region, coordinator, cohort, start, end, sessions) -> None:
        person, enrolled_on = self._accepted(region, start)
        enrolment = self._enrolment(person, cohort, EnrolmentStatus.WITHDRAWN, enrolled_on)
        person.step(S.TRAINEE, enrolled_on)
        stayed = self.rng.randint(2, 6)
        for session_id, _number, date in sessions[:stayed]:
            self._attend(session_id, enrolment, coordinator, date, self.rng.random() < 0.3)
        left_on = sessions[stayed][2]
        category = self.rng.choice(list(LEAVING))
        person.step(S.LEFT, left_on, LEAVING[category], category)

    def _attend(self, session, enrolment, coordinator, date, absent: bool) -> int:
        if not absent:
            status, reason = AttendanceStatus.PRESENT, ""
        elif self.rng.random() < 0.6:
            status, reason = AttendanceStatus.EXCUSED, self.rng.choice(EXCUSES)
        else:
            status, reason = AttendanceStatus.ABSENT, ""
        self.attendance_rows.append(
            (session, enrolment, status, reason, coordinator, aware(date, 17))
        )
        return status == AttendanceStatus.PRESENT

    def _code(self) -> str:
        while True:
            raw = "".join(self.rng.choice(CERTIFICATE_CODE_ALPHABET) for _ in range(12))
            code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
            if code not in self.codes:
                self.codes.add(code)
                return code

    # Applicants ------------------------------------------------------------------------

    def applicants(self) -> None:
        """Applicants at every step before the course; those who left on the way to it."""
        weights = [region.weight for region in self.plan.regions]
        already = sum(1 for p in self.people if p.peer is None)
        total = max(0, self.plan.count(6000) - already)
        statuses = [status for status, _share in APPLICANT_MIX]
        shares = [share for _status, share in APPLICANT_MIX]
        for region, count in zip(self.plan.regions, apportion(total, weights), strict=True):
            for status in self.rng.choices(statuses, weights=shares, k=count):
                self._applicant(region, status)

    def _applicant(self, region: RegionPlan, status: str) -> None:
        rng, today = self.rng, self.today
        recent = status in (S.APPLICANT, S.INTERVIEWED, S.ACCEPTED)
        back = rng.randint(3, 120) if recent else rng.randint(30, 1000)
        person = self.person(region, today - dt.timedelta(days=back))
        day = person.applied_on
        if status == S.APPLICANT:
            return
        if status == S.DECLINED and rng.random() < 0.4:
            category = rng.choice(list(DECLINING))
            person.step(S.DECLINED, day + dt.timedelta(days=5), DECLINING[category], category)
            return
        day += dt.timedelta(days=rng.randint(2, min(20, max(2, back - 1))))
        self.interview(person, min(day, today))
        if status == S.INTERVIEWED:
            return
        if status == S.DECLINED:
            category = rng.choice(list(DECLINING))
            person.step(
                S.DECLINED, min(day + dt.timedelta(days=3), today), DECLINING[category], category
            )
            return
        if status == S.LEFT and rng.random() < 0.5:
            category = rng.choice(list(LEAVING))
            person.step(S.LEFT, min(day + dt.timedelta(days=9), today), LEAVING[category], category)
            return
        day = min(day + dt.timedelta(days=rng.randint(3, 10)), today)
        person.step(S.ACCEPTED, day)
        if status == S.LEFT:
            category = rng.choice(list(LEAVING))
            person.step(
                S.LEFT, min(day + dt.timedelta(days=30), today), LEAVING[category], category
            )

    # Writing ---------------------------------------------------------------------------

    def write(self) -> None:
        plan, bulk = self.plan, self.plan.bulk
        ids = bulk.reserve_ids(Participant, len(self.people))
        for person, pk in zip(self.people, ids, strict=True):
            person.pk = pk
        peers = [p for p in self.people if p.peer is not None]
        # Each peer supporter got their account when they were enrolled.
        user_ids = plan.add_users(
            [(p.name, p.email, p.language) for p in peers],
            [aware(self._enrolled_on(p)) for p in peers],
        )
        for person, user_id in zip(peers, user_ids, strict=True):
            person.user_id = user_id
        plan.add_memberships(
            ((p.user_id, Role.PEER_SUPPORTER, p.region.pk) for p in peers),
            plan.now - dt.timedelta(days=400),
        )
        bulk.copy(
            Participant,
            [
                "id",
                "region",
                "user",
                "full_name",
                "email",
                "phone",
                "language",
                "lived_experience_declared",
                "status",
                "status_changed_at",
                "applied_on",
                "motivation",
                "created_at",
            ],
            (
                (
                    p.pk,
                    p.region.pk,
                    p.user_id,
                    p.name,
                    p.email,
                    "",
                    p.language,
                    True,
                    p.status,
                    aware(p.path[-1][2]),
                    p.applied_on,
                    self.rng.choice(MOTIVATIONS),
                    aware(p.applied_on, 9),
                )
                for p in self.people
            ),
        )
        bulk.copy(
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
                (
                    p.pk,
                    before,
                    to,
                    aware(day, 11),
                    None if to == S.APPLICANT else p.coordinator,
                    reason,
                    category,
                )
                for p in self.people
                for before, to, day, reason, category in p.path
            ),
        )
        bulk.copy(
            Interview,
            ["participant", "held_on", "interviewer", "outcome", "recorded_by", "recorded_at"],
            (
                (
                    p.pk,
                    p.interviewed_on,
                    p.coordinator,
                    self._outcome(p),
                    p.coordinator,
                    aware(p.interviewed_on, 15),
                )
                for p in self.people
                if p.interviewed_on
            ),
        )
        text = ConsentText.objects.current(LIVED_EXPERIENCE)
        bulk.copy(
            Consent,
            [
                "subject_kind",
                "subject_pk",
                "region",
                "purpose",
                "text",
                "given_on",
                "method",
                "recorded_by",
                "recorded_at",
                "withdrawn_at",
                "withdrawn_by",
                "withdrawal_method",
            ],
            (
                (
                    "programmes.participant",
                    p.pk,
                    p.region.pk,
                    LIVED_EXPERIENCE,
                    text.pk,
                    p.applied_on,
                    ConsentMethod.PAPER if i % 3 else ConsentMethod.VERBAL,
                    p.coordinator,
                    aware(p.applied_on, 9),
                    None,
                    None,
                    "",
                )
                for i, p in enumerate(self.people)
            ),
        )
        bulk.copy(
            Cohort,
            [
                "id",
                "region",
                "template",
                "name",
                "venue",
                "capacity",
                "trainers",
                "start_date",
                "end_date",
                "status",
                "closed_at",
                "cancelled_at",
                "rule_min_attendance_percent",
                "rule_required_module_ids",
                "created_at",
            ],
            (
                (*row[:13], None if row[13] is None else str(row[13]), row[14])
                for row in self.cohort_rows
            ),
        )
        bulk.copy(
            CourseSession,
            ["id", "cohort", "day_number", "date", "start_time", "end_time"],
            self.session_rows,
        )
        bulk.copy(
            CourseSession.modules.through,
            ["coursesession", "coursemodule"],
            self.session_module_rows,
        )
        bulk.copy(
            Enrolment,
            ["id", "cohort", "participant", "status", "created_at", "at_risk_notified_at"],
            (
                (pk, cohort, person.pk, status, at, risk)
                for pk, cohort, person, status, at, risk in self.enrolment_rows
            ),
        )
        bulk.copy(
            Attendance,
            ["session", "enrolment", "status", "reason", "recorded_by", "recorded_at"],
            self.attendance_rows,
        )
        bulk.copy(
            Certificate,
            [
                "participant",
                "cohort",
                "code",
                "issued_at",
                "issued_by",
                "days_attended",
                "days_total",
                "replaced_at",
            ],
            ((person.pk, *rest, None) for person, *rest in self.certificate_rows),
        )
        for person in peers:
            certified_on, end, enrolment, cohort = person.peer
            self.peers.append(
                PeerPlan(
                    participant=person.pk,
                    user=person.user_id,
                    region=person.region,
                    name=person.name,
                    language=person.language,
                    certified_on=certified_on,
                    cohort_end=end,
                    enrolment=enrolment,
                    cohort=cohort,
                    last_change=person.path[-1][2],
                )
            )

    @staticmethod
    def _enrolled_on(person: PersonPlan) -> dt.date:
        return next(day for _before, to, day, *_rest in person.path if to == S.TRAINEE)

    @staticmethod
    def _outcome(person: PersonPlan) -> str:
        after = [to for _before, to, *_rest in person.path]
        following = after[after.index(S.INTERVIEWED) + 1 :]
        if not following:
            return InterviewOutcome.UNDECIDED
        if following[0] == S.ACCEPTED:
            return InterviewOutcome.ACCEPTED
        if following[0] == S.DECLINED:
            return InterviewOutcome.DECLINED
        return InterviewOutcome.UNDECIDED


def build(plan: Plan) -> None:
    builder = ProgrammeBuilder(plan)
    builder.templates()
    builder.cohorts()
    builder.applicants()
    builder.write()
    plan.shared["peers"] = builder.peers
    plan.shared["peer_user_ids"] = [peer.user for peer in builder.peers]
    plan.shared["enrolments"] = [
        (row[0], row[1], row[2].pk, row[2].region, row[3], row[4].date())
        for row in builder.enrolment_rows
    ]
    plan.shared["cohort_ends"] = {row[0]: (row[7], row[8], row[9]) for row in builder.cohort_rows}
