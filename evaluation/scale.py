"""National benchmark data for the follow-up survey: one national study and its answers.

Built in bulk, not through ``evaluation.actions`` (see ``peersupport.accounts.scale``):
the rows are those the actions would have left, dated explicitly. Only the instruments we
ship are used (``load_shipped_instruments``), never a licensed one. The study is the
demo's (its waves and information text), opened about two years ago: every enrolment,
course end and placement since then has its invitation (peer supporters and unit
managers, personal), and ready workplaces handed out staff and service-user slips
(anonymous). About as many invitations are completed as make the answers asked for; the
others are still open, started, declined, withdrawn (answers deleted), cancelled (the
placement ended) or lapsed unanswered.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from peersupport.accounts.scale import Plan

from .actions.answering import survey_pages
from .actions.instruments import load_shipped_instruments
from .actions.invitations import PLACEMENT_ENDED_REASON
from .anchors import at_opening_time
from .demo import (
    BASELINE,
    COURSE_END,
    INFORMATION_EN,
    INFORMATION_SV,
    MANAGERS_6,
    PLACED_6,
    PLACED_12,
    SERVICE_USER_WAVE,
    STAFF_6,
    STAFF_BEFORE,
    STUDY_DESCRIPTION,
    WAVES,
)
from .models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Anchor,
    Answer,
    Invitation,
    InvitationStatus,
    Item,
    ItemKind,
    SlipBatch,
    Study,
    StudyInformation,
    StudyStatus,
    Wave,
    WaveInstrument,
)

STUDY_NAME = "Nationell uppföljning av PEER Support"
WINDOW_DAYS = 30


class SurveyBuilder:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.rng = plan.rng
        self.invitations: list[dict] = []
        self.codes: set[str] = set()

    def study(self) -> None:
        plan = self.plan
        researcher = plan.researchers[0]
        versions = {v.instrument.key: v for v in load_shipped_instruments()}
        self.opened = plan.today - dt.timedelta(days=700)
        study = Study.objects.create(
            name=STUDY_NAME,
            description=STUDY_DESCRIPTION,
            status=StudyStatus.OPEN,
            created_by_id=researcher,
        )
        Study.objects.filter(pk=study.pk).update(created_at=at_opening_time(self.opened))
        self.information = StudyInformation.objects.create(
            study=study,
            version=1,
            text_sv=INFORMATION_SV,
            text_en=INFORMATION_EN,
            published_at=at_opening_time(self.opened),
        )
        self.waves: dict[str, Wave] = {}
        for position, (key, (name, group, anchor, months, instrument)) in enumerate(WAVES.items()):
            custom = anchor == Anchor.CUSTOM
            wave = Wave.objects.create(
                study=study,
                name=name,
                group=group,
                anchor=anchor,
                offset_months=months,
                window_days=WINDOW_DAYS,
                opens_on=plan.today - dt.timedelta(days=14) if custom else None,
                closes_on=plan.today + dt.timedelta(days=45) if custom else None,
                position=position,
            )
            WaveInstrument.objects.create(wave=wave, instrument_version=versions[instrument])
            self.waves[key] = wave
        self.study_pk = study.pk
        self.items: dict[int, list[tuple[int, int, int, bool]]] = {}
        self.last_step: dict[int, int] = {}
        for wave in Wave.objects.filter(study=study).select_related("study"):
            version = wave.wave_instruments.get().instrument_version_id
            self.items[wave.pk] = [
                (item.pk, item.scale.min_value, item.scale.max_value, item.reverse)
                for item in Item.objects.filter(version_id=version, kind=ItemKind.SCALE)
                .select_related("scale")
                .order_by("position")
            ]
            self.last_step[wave.pk] = max(0, len(survey_pages(wave)) - 1)

    def opening_day(self, wave_key: str, anchor_date: dt.date) -> dt.date:
        wave = self.waves[wave_key]
        if wave.anchor == Anchor.CUSTOM:
            return wave.opens_on
        return anchor_date + relativedelta(months=wave.offset_months)

    def invite(self, wave_key: str, anchor_date: dt.date, anchor_key: str, region: int, **who):
        wave = self.waves[wave_key]
        day = self.opening_day(wave_key, anchor_date)
        if day < self.opened or day > self.plan.today + dt.timedelta(days=20):
            return
        opens = at_opening_time(day)
        closes = (
            at_opening_time(wave.closes_on + dt.timedelta(days=1))
            if wave.anchor == Anchor.CUSTOM
            else opens + dt.timedelta(days=wave.window_days)
        )
        self.invitations.append(
            dict(
                wave=wave.pk,
                region=region,
                anchor_key=anchor_key,
                opens=opens,
                closes=closes,
                **who,
            )
        )

    def personal(self) -> None:
        shared = self.plan.shared
        peers = {peer.participant: peer for peer in shared["peers"]}
        cohorts = shared["cohort_ends"]
        for pk, cohort, participant, region, status, enrolled_on in shared["enrolments"]:
            peer = peers.get(participant)
            who = {"participant": participant, "language": peer.language if peer else "sv"}
            if status == "waitlisted":
                continue
            self.invite(BASELINE, enrolled_on, f"enrolment:{pk}", region.pk, **who)
            _start, end, cohort_status = cohorts[cohort]
            if cohort_status == "closed" and status == "enrolled":
                self.invite(COURSE_END, end, f"course_end:{pk}", region.pk, **who)
        for p in shared["placements"]:
            if p.status not in ("active", "ended"):
                continue
            region = p.peer.region.pk
            who = {
                "participant": p.peer.participant,
                "workplace": p.workplace.pk,
                "placement": p.pk,
                "language": p.peer.language,
                "ended": p.end,
            }
            for wave in (PLACED_6, PLACED_12):
                self.invite(wave, p.start, f"placement:{p.pk}", region, **who)
            manager = p.workplace.managers[0]
            self.invite(
                MANAGERS_6,
                p.start,
                f"placement:{p.pk}:{manager}",
                region,
                user=manager,
                workplace=p.workplace.pk,
                placement=p.pk,
                language="sv",
                ended=p.end,
            )

    def slips(self) -> None:
        """Staff slips when a workplace became ready and six months into its placements;
        service-user slips for the current custom wave."""
        rng, plan = self.rng, self.plan
        self.batches: list[tuple] = []
        for plans in plan.shared["workplaces"].values():
            for w in plans:
                if not w.placements or w.ready_on is None:
                    continue
                # The events the waves count from: readiness met, the first placement's
                # start (a month later), and none for the custom wave.
                anchors = {
                    STAFF_BEFORE: w.ready_on,
                    STAFF_6: w.ready_on + dt.timedelta(days=30),
                    SERVICE_USER_WAVE: plan.today,
                }
                for wave_key, day in anchors.items():
                    if self.opening_day(wave_key, day) > plan.today or rng.random() < 0.5:
                        continue
                    before = len(self.invitations)
                    size = rng.randint(8, 20)
                    for _ in range(size):
                        code = self._code()
                        self.invite(
                            wave_key,
                            day,
                            f"slip:{code}",
                            w.region.pk,
                            workplace=w.pk,
                            code=code,
                            batch=len(self.batches),
                        )
                    made = len(self.invitations) - before
                    if made:
                        self.batches.append(
                            (
                                self.waves[wave_key].pk,
                                w.pk,
                                made,
                                w.managers[0],
                                self.invitations[before]["opens"],
                            )
                        )

    def _code(self) -> str:
        while True:
            code = "".join(self.rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def outcomes(self) -> None:
        """Complete invitations (in random order) until the answers asked for are made."""
        rng, now = self.rng, self.plan.now
        target = self.plan.count(100_000)
        answers = 0
        order = list(range(len(self.invitations)))
        rng.shuffle(order)
        for index in order:
            inv = self.invitations[index]
            size = len(self.items[inv["wave"]])
            opened = inv["opens"] <= now
            in_window = opened and inv["closes"] > now
            if opened and answers + size <= target and (not in_window or rng.random() < 0.4):
                inv["status"] = InvitationStatus.COMPLETED
                answers += size
                continue
            if not opened:
                inv["status"] = InvitationStatus.PENDING
            elif in_window:
                started = rng.random() < 0.15
                inv["status"] = InvitationStatus.STARTED if started else InvitationStatus.PENDING
            elif inv.get("ended") and inv["ended"] < inv["closes"].date():
                inv["status"] = InvitationStatus.CANCELLED
            elif inv.get("code"):
                inv["status"] = InvitationStatus.PENDING
            else:
                inv["status"] = rng.choices(
                    (
                        InvitationStatus.PENDING,
                        InvitationStatus.DECLINED,
                        InvitationStatus.WITHDRAWN,
                    ),
                    weights=(60, 25, 15),
                )[0]

    def write(self) -> None:
        plan, rng, now = self.plan, self.rng, self.plan.now
        batch_ids = list(plan.bulk.reserve_ids(SlipBatch, len(self.batches)))
        plan.bulk.copy(
            SlipBatch,
            ["id", "wave", "workplace", "size", "created_by", "created_at", "pdf"],
            (
                (pk, *batch[:4], min(batch[4], now), "")
                for pk, batch in zip(batch_ids, self.batches, strict=True)
            ),
        )
        ids = plan.bulk.reserve_ids(Invitation, len(self.invitations))
        rows, answers = [], []
        information = self.information.pk
        for pk, inv in zip(ids, self.invitations, strict=True):
            status = inv["status"]
            opens = inv["opens"]
            moment = min(
                opens + dt.timedelta(days=rng.randint(0, 12), hours=rng.randint(1, 9)), now
            )
            consented = status in ("completed", "started", "declined", "withdrawn")
            started = moment if status in ("completed", "started", "withdrawn") else None
            completed = (
                min(moment + dt.timedelta(minutes=rng.randint(6, 14)), now)
                if status == "completed"
                else None
            )
            code = inv.get("code")
            rows.append(
                (
                    pk,
                    inv["wave"],
                    inv["region"],
                    inv["anchor_key"],
                    inv.get("participant"),
                    inv.get("user"),
                    inv.get("workplace"),
                    inv.get("placement"),
                    batch_ids[inv["batch"]] if code else None,
                    plan.token(),
                    code,
                    moment if code and consented else None,
                    inv.get("language", "sv"),
                    status,
                    opens,
                    inv["closes"],
                    information if consented else None,
                    moment if consented else None,
                    self.last_step[inv["wave"]] if status == "completed" else 0,
                    started,
                    completed,
                    min(moment + dt.timedelta(days=2), now) if status == "withdrawn" else None,
                    status == "withdrawn",
                    PLACEMENT_ENDED_REASON if status == "cancelled" else "",
                    min(opens - dt.timedelta(days=1), now),
                )
            )
            if status == "completed":
                level = rng.random() * 0.6 + 0.35
                for item, low, high, reverse in self.items[inv["wave"]]:
                    value = round(low + level * (high - low) + rng.gauss(0, 0.55))
                    value = min(high, max(low, value))
                    answers.append(
                        (pk, item, low + high - value if reverse else value, "", completed)
                    )
        plan.bulk.copy(
            Invitation,
            [
                "id",
                "wave",
                "region",
                "anchor_key",
                "participant",
                "user",
                "workplace",
                "placement",
                "slip_batch",
                "token",
                "code",
                "code_used_at",
                "language",
                "status",
                "opens_at",
                "closes_at",
                "information",
                "consent_answered_at",
                "step",
                "started_at",
                "completed_at",
                "withdrawn_at",
                "answers_deleted",
                "cancelled_reason",
                "created_at",
            ],
            rows,
        )
        plan.bulk.copy(Answer, ["invitation", "item", "value", "text", "answered_at"], answers)


def build(plan: Plan) -> None:
    builder = SurveyBuilder(plan)
    builder.study()
    builder.personal()
    builder.slips()
    builder.outcomes()
    builder.write()
    plan.shared["study"] = builder.study_pk
