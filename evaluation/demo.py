"""Demo follow-up: one national study, "Uppföljning av PEER Support 2026", with the three
instruments we ship, its information text published, waves for every respondent group,
and invitations in every state.

The study was built, its information published and it was opened through
``evaluation.actions`` by the Stockholm demo researcher; opening it invited the trainees
of each region's running course to the baseline, and some of them have answered through
the answering actions: completed, half-way, declined, withdrawn keeping or deleting their
answers, or not yet (the demo peer supporter, whose link works). What happened before
the study existed in the demo, the closed course's baseline and course-end answers,
six-month answers of placed peer supporters and unit managers, and staff slips at
Stockholm's ready workplace, is written straight into the evaluation tables, dated back,
like the other apps' demo histories. Enough people answered both the baseline and the
course end for scores, Cronbach's alpha and the paired change to show. A placed peer
supporter printed service-user slips, some of whose codes were used; the researcher's
export has been written.

Runs after the workplace seed, whose placements it follows up. Running it again adds
nothing. Fictitious people; never run this against real data.
"""

from __future__ import annotations

import datetime as dt
import random

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from peersupport.accounts.demo import ROLE_PEOPLE, demo_email
from peersupport.accounts.models import Region, Role, User
from programmes.models import Cohort, Enrolment, EnrolmentStatus
from workplaces.models import Placement, PlacementStatus, Workplace

from .actions import answering, slips, studies
from .actions.exports import produce_export, request_export
from .actions.instruments import load_shipped_instruments
from .actions.invitations import PLACEMENT_ENDED_REASON
from .actions.reminders import schedule_invitation_emails
from .anchors import at_opening_time, opening_day, readiness_met_on
from .models import (
    Anchor,
    Answer,
    InstrumentVersion,
    Invitation,
    InvitationStatus,
    Item,
    ItemKind,
    RespondentGroup,
    SlipBatch,
    Study,
    StudyInformation,
    Wave,
    new_code,
)

STUDY_NAME = "Uppföljning av PEER Support 2026"
STUDY_DESCRIPTION = (
    "Nationell uppföljning av hur peer supporters, personal, brukare och enhetschefer "
    "upplever programmet, från kursstart till ett år i tjänst. Genomförs av CEPI "
    "tillsammans med NSPH."
)

INFORMATION_SV = """\
Forskningspersonsinformation: Uppföljning av PEER Support 2026

Du tillfrågas om att delta i en uppföljning av programmet PEER Support, där personer med \
egen erfarenhet av psykisk ohälsa utbildas och anställs som peer supporters. Vi vill veta \
hur programmet fungerar för dig som deltar, för personalen och brukarna på arbetsplatserna \
och för enhetscheferna.

Vad innebär det att delta?
Du besvarar ett frågeformulär vid några tillfällen: när du börjar kursen, när kursen är \
slut och 6 och 12 månader efter att din anställning har börjat. Varje gång tar det omkring \
10 minuter. Du kan spara och fortsätta senare.

Frivilligt deltagande
Det är frivilligt att delta. Du kan när som helst avbryta ditt deltagande utan att förklara \
varför, och det påverkar inte din utbildning, din anställning eller det stöd du får. När du \
avbryter väljer du om de svar du redan har lämnat ska sparas eller raderas.

Hur behandlas dina uppgifter?
Dina svar om din egen återhämtning är känsliga personuppgifter (uppgifter om hälsa). De \
behandlas med stöd av artikel 6.1 e och 9.2 j i dataskyddsförordningen (forskning av allmänt \
intresse). Svaren lagras pseudonymiserade: forskarna får ett kodnummer, aldrig ditt namn \
eller din e-postadress. Resultat redovisas bara för grupper, aldrig så att en enskild person \
kan kännas igen. Två år efter att studien har avslutats tas kopplingen mellan dig och dina \
svar bort.

Ansvariga
Forskningshuvudman är CEPI (Centrum för psykiatriforskning) i samarbete med NSPH \
(Nationell Samverkan för Psykisk Hälsa). Du har rätt att få veta vilka uppgifter om dig som \
behandlas, att få fel rättade och att klaga hos Integritetsskyddsmyndigheten. Frågor om \
studien besvaras av studiens kontaktperson på CEPI; frågor om dataskydd av CEPI:s \
dataskyddsombud.

Genom att svara ja nedan samtycker du till att delta i uppföljningen."""

INFORMATION_EN = """\
Research participant information: Follow-up of PEER Support 2026

You are asked to take part in a follow-up of the PEER Support programme, in which people \
with lived experience of mental ill-health are trained and employed as peer supporters. We \
want to know how the programme works for you who take part, for the staff and service users \
at the workplaces and for the unit managers.

What does taking part mean?
You answer a questionnaire a few times: when you start the course, when the course ends and \
6 and 12 months after your employment has started. Each time takes about 10 minutes. You can \
save and continue later.

Voluntary participation
Taking part is voluntary. You can stop at any time without saying why, and it does not \
affect your training, your employment or the support you get. When you stop, you choose \
whether the answers you have given are kept or deleted.

How is your data handled?
Your answers about your own recovery are sensitive personal data (data about health). They \
are processed under articles 6.1 e and 9.2 j of the General Data Protection Regulation \
(research in the public interest). Your answers are stored pseudonymised: the researchers \
get a code number, never your name or e-mail address. Results are reported only for groups, \
never so that one person can be recognised. Two years after the study has ended, the link \
between you and your answers is removed.

Who is responsible
The study is run by CEPI (Centre for Psychiatry Research) together with NSPH (the Swedish \
Partnership for Mental Health). You have the right to know what data about you is \
processed, to have errors corrected and to complain to the Swedish Authority for Privacy \
Protection (IMY). Questions about the study are answered by the study's contact person at \
CEPI; questions about data protection by CEPI's data protection officer.

By answering yes below you consent to taking part in the follow-up."""

PEER = "peer-experience"
STAFF = "staff-recovery-attitudes"
SERVICE_USERS = "service-user-short"

# The waves by what the history below fills in: (name, group, anchor, months after the
# event, instrument). The service users' wave runs between dates around today.
BASELINE, COURSE_END, PLACED_6, PLACED_12 = "baseline", "course_end", "placed_6", "placed_12"
STAFF_BEFORE, STAFF_6, SERVICE_USER_WAVE, MANAGERS_6 = "staff_0", "staff_6", "users", "managers"
G = RespondentGroup
WAVES = {
    BASELINE: ("Baslinje vid kursstart", G.PEER_SUPPORTERS, Anchor.ENROLMENT, 0, PEER),
    COURSE_END: ("Vid kursens slut", G.PEER_SUPPORTERS, Anchor.COURSE_END, 0, PEER),
    PLACED_6: ("6 månader i tjänst", G.PEER_SUPPORTERS, Anchor.PLACEMENT_START, 6, PEER),
    PLACED_12: ("12 månader i tjänst", G.PEER_SUPPORTERS, Anchor.PLACEMENT_START, 12, PEER),
    STAFF_BEFORE: ("Personal före placeringen", G.WORKPLACE_STAFF, Anchor.READINESS_MET, 0, STAFF),
    STAFF_6: ("Personal efter 6 månader", G.WORKPLACE_STAFF, Anchor.PLACEMENT_START, 6, STAFF),
    SERVICE_USER_WAVE: ("Brukare", G.SERVICE_USERS, Anchor.CUSTOM, 0, SERVICE_USERS),
    MANAGERS_6: ("Enhetschefer efter 6 månader", G.UNIT_MANAGERS, Anchor.PLACEMENT_START, 6, STAFF),
}

# The running course's trainees, in enrolment order, and what each did with the baseline
# invitation opening the study made. The first in each region is the demo peer supporter,
# whose invitation waits for them.
COMPLETED, HALF_WAY, DECLINED, KEPT, DELETED, WAITING = (
    "completed",
    "half_way",
    "declined",
    "withdrawn_kept",
    "withdrawn_deleted",
    "waiting",
)
RUNNING_COURSE = {
    "stockholm": [WAITING, COMPLETED, COMPLETED, HALF_WAY, KEPT, DECLINED, COMPLETED, WAITING],
    "skane": [WAITING, COMPLETED, COMPLETED, HALF_WAY, DELETED, COMPLETED, WAITING, WAITING],
}
# The closed course's alumni (in enrolment order): their baseline and course-end answers.
# An expired invitation was never answered before it closed.
EXPIRED = "expired"
CLOSED_COURSE = {
    "stockholm": [
        (COMPLETED, COMPLETED),
        (COMPLETED, COMPLETED),
        (COMPLETED, COMPLETED),
        (COMPLETED, COMPLETED),
        (COMPLETED, COMPLETED),
        (COMPLETED, KEPT),
        (COMPLETED, EXPIRED),
    ],
    "skane": [
        (COMPLETED, COMPLETED),
        (COMPLETED, COMPLETED),
        (COMPLETED, COMPLETED),
        (COMPLETED, COMPLETED),
        (COMPLETED, COMPLETED),
        (COMPLETED, COMPLETED),
        (DECLINED, EXPIRED),
    ],
}
# Staff slips at Stockholm's ready workplace: (slips printed, answered) per wave.
STAFF_SLIPS = {STAFF_BEFORE: (12, 9), STAFF_6: (12, 8)}
SERVICE_USER_SLIPS = 12
SERVICE_USER_ANSWERS = 6


def _user(code: str, role: str) -> User:
    return User.objects.get(email=demo_email(ROLE_PEOPLE[code][role][0]))


def _value(item: Item, rng: random.Random, level: float) -> int:
    """A plausible answer of a person whose answers lie around ``level`` (1–5): items move
    together (so Cronbach's alpha is high), reverse items are answered the other way."""
    value = min(5, max(1, round(level + rng.gauss(0, 0.55))))
    return 6 - value if item.reverse else value


def _values(version: InstrumentVersion, rng: random.Random, level: float) -> dict[int, int]:
    items = version.items.filter(kind=ItemKind.SCALE).order_by("position")
    return {item.pk: _value(item, rng, level) for item in items}


class History:
    """Invitations that were made and answered before the demo study existed, written
    into the evaluation tables with their dates."""

    def __init__(self, study: Study, information: StudyInformation, rng: random.Random):
        self.study = study
        self.information = information
        self.rng = rng
        self.versions = {
            wave.pk: list(wave.instruments.all())
            for wave in study.waves.prefetch_related("instruments")
        }

    def invitation(
        self, wave: Wave, *, anchor_date: dt.date, anchor_key: str, region: Region, **fields
    ) -> Invitation:
        opens_at = at_opening_time(opening_day(wave, anchor_date))
        return Invitation.objects.create(
            wave=wave,
            region=region,
            anchor_key=anchor_key,
            opens_at=opens_at,
            closes_at=opens_at + dt.timedelta(days=wave.window_days),
            **fields,
        )

    def answer(
        self, invitation: Invitation, outcome: str, *, level: float, after_days: int = 3
    ) -> None:
        """Give the invitation its ``outcome``: answered ``after_days`` after it opened,
        declined, withdrawn (answers kept), cancelled, or left to expire."""
        if outcome == EXPIRED:
            return
        moment = invitation.opens_at + dt.timedelta(days=after_days, hours=self.rng.randint(1, 9))
        invitation.information = self.information
        invitation.consent_answered_at = moment
        if outcome == DECLINED:
            invitation.status = InvitationStatus.DECLINED
            invitation.save()
            return
        answers = [
            Answer(invitation=invitation, item_id=item_id, value=value, answered_at=moment)
            for version in self.versions[invitation.wave_id]
            for item_id, value in _values(version, self.rng, level).items()
        ]
        Answer.objects.bulk_create(answers)
        invitation.started_at = moment
        invitation.completed_at = moment + dt.timedelta(minutes=self.rng.randint(6, 14))
        invitation.status = InvitationStatus.COMPLETED
        invitation.step = len(answering.survey_pages(invitation.wave)) - 1
        if outcome == KEPT:
            invitation.status = InvitationStatus.WITHDRAWN
            invitation.withdrawn_at = invitation.completed_at + dt.timedelta(days=20)
        invitation.save()

    def slip_batch(
        self,
        wave: Wave,
        workplace: Workplace,
        printed_by: User,
        *,
        day: dt.date,
        size: int,
        used: int,
    ) -> None:
        opens_at = at_opening_time(opening_day(wave, day))
        batch = SlipBatch.objects.create(
            wave=wave, workplace=workplace, size=size, created_by=printed_by
        )
        SlipBatch.objects.filter(pk=batch.pk).update(created_at=opens_at)
        for number in range(size):
            code = new_code()
            invitation = Invitation.objects.create(
                wave=wave,
                region_id=workplace.region_id,
                workplace=workplace,
                slip_batch=batch,
                anchor_key=f"slip:{code}",
                code=code,
                opens_at=opens_at,
                closes_at=opens_at + dt.timedelta(days=wave.window_days),
            )
            if number < used:
                invitation.code_used_at = opens_at + dt.timedelta(days=number % 9 + 1)
                invitation.save()
                self.answer(
                    invitation,
                    COMPLETED,
                    level=self.rng.uniform(2.8, 4.3),
                    after_days=number % 9 + 1,
                )
        slips.write_slips_pdf(batch_id=batch.pk)


def _build_study(
    researcher: User, today: dt.date
) -> tuple[Study, StudyInformation, dict[str, Wave]]:
    versions = {version.instrument.key: version for version in load_shipped_instruments()}
    study = studies.create_study(
        actor=researcher, name=STUDY_NAME, description=STUDY_DESCRIPTION, regions=()
    )
    information = studies.publish_information(
        actor=researcher, study=study, text_sv=INFORMATION_SV, text_en=INFORMATION_EN
    )
    waves = {}
    for wave_key, (name, group, anchor, months, key) in WAVES.items():
        custom = anchor == Anchor.CUSTOM
        waves[wave_key] = studies.add_wave(
            actor=researcher,
            study=study,
            name=name,
            group=group,
            anchor=anchor,
            instruments=[versions[key]],
            offset_months=months,
            window_days=30,
            opens_on=today - dt.timedelta(days=14) if custom else None,
            closes_on=today + dt.timedelta(days=45) if custom else None,
            max_reminders=2,
            reminder_interval_days=7,
            target_response_rate=50 if group == RespondentGroup.SERVICE_USERS else 60,
        )
    return study, information, waves


def _closed_course(history: History, region: Region, waves: dict) -> None:
    cohort = Cohort.objects.get(region=region, closed_at__isnull=False)
    enrolments = (
        cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED)
        .select_related("participant")
        .order_by("pk")
    )
    for enrolment, (baseline, course_end) in zip(
        enrolments, CLOSED_COURSE[region.code], strict=False
    ):
        level = history.rng.uniform(2.4, 3.6)
        person = {
            "participant": enrolment.participant,
            "language": enrolment.participant.language,
            "region": region,
        }
        invitation = history.invitation(
            waves[BASELINE],
            anchor_date=cohort.start_date - dt.timedelta(days=7),
            anchor_key=f"enrolment:{enrolment.pk}",
            **person,
        )
        history.answer(invitation, baseline, level=level)
        invitation = history.invitation(
            waves[COURSE_END],
            anchor_date=cohort.end_date,
            anchor_key=f"course_end:{enrolment.pk}",
            **person,
        )
        # The course lifts most people's hope and sense of their role.
        history.answer(invitation, course_end, level=level + history.rng.uniform(0.2, 0.9))


def _placements(history: History, region: Region, waves: dict, today: dt.date) -> None:
    """Six-month answers of each placed peer supporter and their unit manager; the
    12-month invitations of placements still running open in a day or two."""
    placements = Placement.objects.filter(
        workplace__region=region, status__in=[PlacementStatus.ACTIVE, PlacementStatus.ENDED]
    ).select_related("participant", "workplace")
    managers = {}
    for number, placement in enumerate(placements.order_by("participant__full_name")):
        six = waves[PLACED_6]
        ended = placement.status == PlacementStatus.ENDED
        invitation = history.invitation(
            six,
            anchor_date=placement.start_date,
            anchor_key=f"placement:{placement.pk}",
            region=region,
            participant=placement.participant,
            workplace=placement.workplace,
            placement=placement,
            language=placement.participant.language,
        )
        if ended and region.code == "skane":
            invitation.status = InvitationStatus.CANCELLED
            invitation.cancelled_reason = PLACEMENT_ENDED_REASON
            invitation.save()
        else:
            outcome = EXPIRED if (number == 1 and region.code == "stockholm") else COMPLETED
            history.answer(invitation, outcome, level=history.rng.uniform(3.2, 4.4), after_days=5)
        for manager in placement.workplace.managers.all():
            managers.setdefault(manager.pk, manager)
            invitation = history.invitation(
                waves[MANAGERS_6],
                anchor_date=placement.start_date,
                anchor_key=f"placement:{placement.pk}:{manager.pk}",
                region=region,
                user=manager,
                workplace=placement.workplace,
                placement=placement,
                language=manager.language,
            )
            history.answer(
                invitation, EXPIRED if ended else COMPLETED, level=3.9, after_days=number + 2
            )
        twelve = waves[PLACED_12]
        if not ended and opening_day(twelve, placement.start_date) > today:
            invitation = history.invitation(
                twelve,
                anchor_date=placement.start_date,
                anchor_key=f"placement:{placement.pk}",
                region=region,
                participant=placement.participant,
                workplace=placement.workplace,
                placement=placement,
                language=placement.participant.language,
            )
            schedule_invitation_emails([invitation])


def _staff_slips(history: History, waves: dict, printed_by: User, workplace: Workplace) -> None:
    """The unit manager handed out slips to the staff when the workplace became ready and
    six months into its first placement."""
    first_start = workplace.placements.order_by("start_date").values_list("start_date", flat=True)
    days = {STAFF_BEFORE: readiness_met_on(workplace), STAFF_6: first_start.first()}
    for wave_key, (size, used) in STAFF_SLIPS.items():
        if days[wave_key] is not None:
            history.slip_batch(
                waves[wave_key], workplace, printed_by, day=days[wave_key], size=size, used=used
            )


def _running_course(study: Study, region: Region, rng: random.Random) -> None:
    """The trainees' baseline invitations, made when the study was opened, answered
    through the answering actions."""
    cohort = Cohort.objects.get(region=region, closed_at__isnull=True, cancelled_at__isnull=True)
    enrolments = Enrolment.objects.filter(cohort=cohort, status=EnrolmentStatus.ENROLLED)
    invitations = {
        invitation.anchor_key: invitation
        for invitation in Invitation.objects.filter(wave__study=study).select_related("wave__study")
    }
    for enrolment, outcome in zip(
        enrolments.order_by("pk"), RUNNING_COURSE[region.code], strict=False
    ):
        invitation = invitations.get(f"enrolment:{enrolment.pk}")
        if invitation is None or outcome == WAITING:
            continue
        _answer_through_the_link(invitation, outcome, rng, level=rng.uniform(2.3, 3.6))


def _answer_through_the_link(
    invitation: Invitation, outcome: str, rng: random.Random, *, level: float
) -> None:
    information = invitation.wave.study.information.current()
    invitation = answering.give_consent(
        invitation=invitation, information=information, agreed=outcome != DECLINED
    )
    if outcome == DECLINED:
        return
    pages = answering.survey_pages(invitation.wave)
    last = len(pages) if outcome == COMPLETED else max(1, len(pages) // 2)
    for page in pages[:last]:
        values = {
            item.pk: _value(item, rng, level) for item in page.items if item.kind == ItemKind.SCALE
        }
        invitation = answering.save_page(invitation=invitation, step=page.step, values=values)
    if outcome == COMPLETED:
        answering.complete(invitation=invitation)
    elif outcome in (KEPT, DELETED):
        answering.withdraw(invitation=invitation, keep_answers=outcome == KEPT)


def _service_user_slips(study: Study, workplace: Workplace, rng: random.Random) -> None:
    """A placed peer supporter printed slips for the service users they meet; some of
    the codes have been used, the rest are still in the pile."""
    placement = workplace.placements.active().select_related("participant__user").first()
    if placement is None or placement.participant.user is None:
        return
    wave = study.waves.get(group=RespondentGroup.SERVICE_USERS)
    batch = slips.print_slips(
        actor=placement.participant.user, wave=wave, workplace=workplace, size=SERVICE_USER_SLIPS
    )
    slips.write_slips_pdf(batch_id=batch.pk)
    codes = list(batch.invitations.order_by("pk").values_list("code", flat=True))
    for number, code in enumerate(codes[: SERVICE_USER_ANSWERS + 1]):
        invitation = slips.redeem_code(code=code)
        outcome = HALF_WAY if number == SERVICE_USER_ANSWERS else COMPLETED
        _answer_through_the_link(invitation, outcome, rng, level=rng.uniform(2.9, 4.4))


def seed(*, today: dt.date | None = None) -> None:
    """Add the demo study (after the workplace seed)."""
    if Study.objects.filter(name=STUDY_NAME).exists():
        return
    today = today or timezone.localdate()
    rng = random.Random("peer-support-demo-evaluation")
    researcher = _user("stockholm", Role.RESEARCHER)
    study, information, waves = _build_study(researcher, today)
    # The study was set up before the closed course began: date it (and the information
    # its first respondents consented to) back, as the other apps' demos date their paths.
    set_up = timezone.now() - relativedelta(months=7)
    Study.objects.filter(pk=study.pk).update(created_at=set_up)
    StudyInformation.objects.filter(pk=information.pk).update(published_at=set_up)
    information.refresh_from_db()
    history = History(study, information, rng)
    for code in ("stockholm", "skane"):
        region = Region.objects.get(code=code)
        _closed_course(history, region, waves)
        _placements(history, region, waves, today)
    stockholm_workplace = (
        Workplace.objects.filter(
            region__code="stockholm", placements__status=PlacementStatus.ACTIVE
        )
        .distinct()
        .first()
    )
    if stockholm_workplace is not None:
        _staff_slips(history, waves, _user("stockholm", Role.UNIT_MANAGER), stockholm_workplace)

    studies.open_study(actor=researcher, study=study)
    # Seeded before eight in the morning, the baseline would open later today; the demo
    # peer supporter's link is to work at once.
    Invitation.objects.filter(
        wave=waves[BASELINE], status=InvitationStatus.PENDING, opens_at__gt=timezone.now()
    ).update(opens_at=timezone.now())
    for code in ("stockholm", "skane"):
        _running_course(study, Region.objects.get(code=code), rng)
    if stockholm_workplace is not None:
        _service_user_slips(study, stockholm_workplace, rng)

    export = request_export(actor=researcher, study=study)
    produce_export(export_id=export.pk)
