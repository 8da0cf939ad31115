"""Follow-up surveys: instruments as data, studies with waves, invitations and answers.

Respondents are peer supporters (personal links, by e-mail), unit managers (personal
links) and the anonymous groups, service users and workplace staff, who answer through a
printed slip's code. For the anonymous groups nothing is stored but the workplace, the
wave and the answers.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import Region
from peersupport.dataprotection.registry import DataSubject
from peersupport.fields import EncryptedTextField


class PublishedError(Exception):
    """A published instrument version or information text cannot be changed."""


def _in_language(sv: str, en: str) -> str:
    return en if (get_language() or "sv").startswith("en") and en else sv


# Instruments ------------------------------------------------------------------------------


class Instrument(models.Model):
    """A questionnaire, e.g. "Peer supporter's experience of the programme"; its content
    lives in versions."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    shipped = models.BooleanField(
        _("written by us"),
        default=False,
        help_text=_(
            "Shipped with the system. Licensed instruments are loaded by the research team."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self.name_sv, self.name_en)


class ScoringMethod(models.TextChoices):
    SUM = "sum", _("Sum")
    MEAN = "mean", _("Mean")


class InstrumentVersionQuerySet(models.QuerySet["InstrumentVersion"]):
    def published(self) -> InstrumentVersionQuerySet:
        return self.filter(published_at__isnull=False)


class InstrumentVersion(models.Model):
    """One immutable version of an instrument: its items, scales, subscales and scoring.

    ``definition`` keeps the JSON document it was imported from (the export writes it
    back); the rows below are the same content in a shape SQL can aggregate. Once
    ``published_at`` is set nothing here changes: a change makes a new version.
    """

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="versions", verbose_name=_("instrument")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    source = models.TextField(
        _("source and licence"),
        blank=True,
        help_text=_("Who wrote the instrument and under which licence it is used."),
    )
    total_method = models.CharField(
        _("total score"), max_length=4, choices=ScoringMethod.choices, blank=True
    )
    total_min_answered = models.DecimalField(
        _("total: least share answered"),
        max_digits=3,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    total_prorate = models.BooleanField(_("total: pro-rate missing items"), default=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = InstrumentVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        ordering = ["instrument", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "version"], name="instrument_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(total_min_answered__gte=0, total_min_answered__lte=1),
                name="instrument_total_min_answered_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} v{self.version}"

    def save(self, *args, **kwargs):
        if getattr(self, "_published_in_db", False):
            raise PublishedError(_("A published instrument version cannot be changed."))
        super().save(*args, **kwargs)
        self._published_in_db = self.published_at is not None

    def delete(self, *args, **kwargs):
        if getattr(self, "_published_in_db", False):
            raise PublishedError(_("A published instrument version cannot be deleted."))
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        version = super().from_db(db, field_names, values)
        version._published_in_db = version.__dict__.get("published_at") is not None
        return version

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def description(self) -> str:
        return _in_language(self.description_sv, self.description_en)


class PublishedContent(models.Model):
    """A row of an instrument version: once the version is published it is neither changed
    nor deleted, since answers and scores refer to it; a change makes a new version."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_published()
        return super().delete(*args, **kwargs)

    def _refuse_if_published(self) -> None:
        if (
            self.pk is not None
            and InstrumentVersion.objects.filter(
                pk=self.version_id, published_at__isnull=False
            ).exists()
        ):
            raise PublishedError(_("A published instrument version cannot be changed."))


class ResponseScale(PublishedContent):
    """A response scale with labelled anchors, e.g. 1 "Stämmer inte alls" … 5 "Stämmer helt"."""

    version = models.ForeignKey(
        InstrumentVersion,
        on_delete=models.CASCADE,
        related_name="scales",
        verbose_name=_("version"),
    )
    key = models.SlugField(_("key"), max_length=40)
    min_value = models.SmallIntegerField(_("lowest value"))
    max_value = models.SmallIntegerField(_("highest value"))
    # [{"value": 1, "label_sv": "…", "label_en": "…"}, …], one per value from min to max.
    anchors = models.JSONField(_("anchors"))

    class Meta:
        verbose_name = _("response scale")
        verbose_name_plural = _("response scales")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="scale_key_per_version"),
            models.CheckConstraint(
                condition=Q(max_value__gt=models.F("min_value")), name="scale_max_above_min"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.key}"

    def choices(self) -> list[tuple[int, str]]:
        return [
            (anchor["value"], _in_language(anchor["label_sv"], anchor["label_en"]))
            for anchor in self.anchors
        ]


class Subscale(PublishedContent):
    """Items scored together, with the rule that makes their score."""

    version = models.ForeignKey(
        InstrumentVersion,
        on_delete=models.CASCADE,
        related_name="subscales",
        verbose_name=_("version"),
    )
    key = models.SlugField(_("key"), max_length=40)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    method = models.CharField(_("score"), max_length=4, choices=ScoringMethod.choices)
    min_answered = models.DecimalField(
        _("least share answered"),
        max_digits=3,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("The share of the items that must be answered for a score to exist."),
    )
    prorate = models.BooleanField(
        _("pro-rate missing items"),
        default=False,
        help_text=_("A sum is scaled up to all items when some are missing."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("subscale")
        verbose_name_plural = _("subscales")
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="subscale_key_per_version"),
            models.CheckConstraint(
                condition=Q(min_answered__gte=0, min_answered__lte=1),
                name="subscale_min_answered_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.name}"

    @property
    def name(self) -> str:
        return _in_language(self.name_sv, self.name_en)


class ItemKind(models.TextChoices):
    SCALE = "scale", _("Response scale")
    TEXT = "text", _("Free text")


class Item(PublishedContent):
    """One question. ``key`` is its variable name in exports (e.g. ``pe01``)."""

    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="items", verbose_name=_("version")
    )
    key = models.SlugField(_("variable name"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"))
    page = models.PositiveSmallIntegerField(
        _("page"), default=1, help_text=_("Items on one page are saved together.")
    )
    kind = models.CharField(
        _("kind"), max_length=5, choices=ItemKind.choices, default=ItemKind.SCALE
    )
    text_sv = models.TextField(_("text in Swedish"))
    text_en = models.TextField(_("text in English"))
    scale = models.ForeignKey(
        ResponseScale,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("response scale"),
    )
    subscale = models.ForeignKey(
        Subscale,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("subscale"),
    )
    reverse = models.BooleanField(_("reverse-scored"), default=False)
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="item_key_per_version"),
            models.UniqueConstraint(
                fields=["version", "position"], name="item_position_per_version"
            ),
            models.CheckConstraint(
                condition=Q(kind="text", scale__isnull=True) | Q(kind="scale", scale__isnull=False),
                name="item_scale_only_for_scale_items",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.key}"

    @property
    def text(self) -> str:
        return _in_language(self.text_sv, self.text_en)


# Studies and waves ------------------------------------------------------------------------


class RespondentGroup(models.TextChoices):
    PEER_SUPPORTERS = "peer_supporters", _("Peer supporters")
    SERVICE_USERS = "service_users", _("Service users")
    WORKPLACE_STAFF = "workplace_staff", _("Staff at a workplace")
    UNIT_MANAGERS = "unit_managers", _("Unit managers")


# Groups that answer without anyone knowing who they are: through a printed slip's code.
ANONYMOUS_GROUPS = frozenset({RespondentGroup.SERVICE_USERS, RespondentGroup.WORKPLACE_STAFF})


class StudyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


def new_pseudonym_key() -> str:
    return secrets.token_hex(32)


class Study(models.Model):
    """A follow-up study: who answers what, when. Invitations are made only while it is open."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="studies",
        verbose_name=_("regions"),
        help_text=_("Leave empty for a national study that covers every region."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=StudyStatus.choices, default=StudyStatus.DRAFT
    )
    allows_free_text = models.BooleanField(
        _("free-text answers"),
        default=False,
        help_text=_(
            "Free-text items are asked and exported only when the study's ethics approval "
            "allows it."
        ),
    )
    # The key of the study's keyed-HMAC pseudonyms: the same respondent has the same code
    # in every export of this study and an unrelated one in any other study.
    pseudonym_key = EncryptedTextField(
        _("pseudonym key"), default=new_pseudonym_key, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=StudyStatus.values), name="study_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name


class StudyInformationQuerySet(models.QuerySet["StudyInformation"]):
    def current(self) -> StudyInformation | None:
        return self.filter(published_at__isnull=False).order_by("-version").first()


class StudyInformation(models.Model):
    """The research-person information a respondent reads before consenting, versioned.

    Published versions never change; each consent points at the version shown. The PDF of
    each language is written when the version is published and kept with the study.
    """

    study = models.ForeignKey(
        Study, on_delete=models.PROTECT, related_name="information", verbose_name=_("study")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    text_sv = models.TextField(_("text in Swedish"))
    text_en = models.TextField(_("text in English"))
    pdf_sv = models.FileField(_("PDF in Swedish"), upload_to="evaluation/information/", blank=True)
    pdf_en = models.FileField(_("PDF in English"), upload_to="evaluation/information/", blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = StudyInformationQuerySet.as_manager()

    class Meta:
        verbose_name = _("study information")
        verbose_name_plural = _("study information texts")
        ordering = ["study", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["study", "version"], name="study_information_version")
        ]

    def __str__(self) -> str:
        return f"{self.study} v{self.version}"

    @property
    def text(self) -> str:
        return _in_language(self.text_sv, self.text_en)


class Anchor(models.TextChoices):
    """The programme event a wave is counted from."""

    ENROLMENT = "enrolment", _("Enrolment in a course (baseline)")
    COURSE_END = "course_end", _("End of the course")
    PLACEMENT_START = "placement_start", _("Start of the placement")
    READINESS_MET = "readiness_met", _("Workplace ready (before the placement)")
    CUSTOM = "custom", _("Custom date window")


# Which anchors make sense for which group (the form offers only these).
ANCHORS_FOR_GROUP: dict[str, tuple[str, ...]] = {
    RespondentGroup.PEER_SUPPORTERS: (
        Anchor.ENROLMENT,
        Anchor.COURSE_END,
        Anchor.PLACEMENT_START,
        Anchor.CUSTOM,
    ),
    RespondentGroup.SERVICE_USERS: (Anchor.PLACEMENT_START, Anchor.CUSTOM),
    RespondentGroup.WORKPLACE_STAFF: (Anchor.READINESS_MET, Anchor.PLACEMENT_START, Anchor.CUSTOM),
    RespondentGroup.UNIT_MANAGERS: (Anchor.READINESS_MET, Anchor.PLACEMENT_START, Anchor.CUSTOM),
}


class Wave(models.Model):
    """One point in time at which a group answers the wave's instruments.

    An anchored wave opens ``offset_months`` + ``offset_days`` after its anchor event, for
    each respondent separately, and stays open ``window_days``. A custom wave is open from
    ``opens_on`` to ``closes_on`` for everyone. ``closed_at`` closes it early for all.
    """

    study = models.ForeignKey(
        Study, on_delete=models.CASCADE, related_name="waves", verbose_name=_("study")
    )
    name = models.CharField(_("name"), max_length=120)
    group = models.CharField(_("respondent group"), max_length=20, choices=RespondentGroup.choices)
    anchor = models.CharField(_("counted from"), max_length=20, choices=Anchor.choices)
    offset_months = models.PositiveSmallIntegerField(_("months after the event"), default=0)
    offset_days = models.PositiveSmallIntegerField(_("days after the event"), default=0)
    window_days = models.PositiveSmallIntegerField(
        _("open for (days)"), default=30, validators=[MinValueValidator(1)]
    )
    opens_on = models.DateField(_("opens"), null=True, blank=True)
    closes_on = models.DateField(_("closes"), null=True, blank=True)
    max_reminders = models.PositiveSmallIntegerField(
        _("reminders at most"), default=2, validators=[MaxValueValidator(10)]
    )
    reminder_interval_days = models.PositiveSmallIntegerField(
        _("days between reminders"), default=7, validators=[MinValueValidator(1)]
    )
    target_response_rate = models.PositiveSmallIntegerField(
        _("target response rate (%)"), default=60, validators=[MaxValueValidator(100)]
    )
    instruments = models.ManyToManyField(
        InstrumentVersion,
        through="WaveInstrument",
        related_name="waves",
        verbose_name=_("instruments"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("wave")
        verbose_name_plural = _("waves")
        ordering = ["study", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(anchor="custom") | Q(opens_on__isnull=False, closes_on__isnull=False),
                name="wave_custom_has_window",
            ),
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True)
                | Q(opens_on__isnull=True)
                | Q(closes_on__gte=models.F("opens_on")),
                name="wave_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(group__in=RespondentGroup.values), name="wave_group_valid"
            ),
            models.CheckConstraint(condition=Q(anchor__in=Anchor.values), name="wave_anchor_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.study}: {self.name}"


class WaveInstrument(models.Model):
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="wave_instruments")
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("instrument")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("instrument in a wave")
        verbose_name_plural = _("instruments in a wave")
        ordering = ["wave", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "instrument_version"], name="wave_instrument_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.wave}: {self.instrument_version}"


# Invitations and answers ------------------------------------------------------------------


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Not answered")
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined to take part")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses in which a respondent may still be reminded and may still answer.
OPEN_STATUSES = frozenset({InvitationStatus.PENDING, InvitationStatus.STARTED})


def new_token() -> str:
    return secrets.token_urlsafe(32)


# Short codes for printed slips: no 0/O, 1/I/L, so a code read off paper is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class SlipBatch(models.Model):
    """A printed batch of invitation slips for an anonymous group at one workplace."""

    wave = models.ForeignKey(
        Wave, on_delete=models.PROTECT, related_name="slip_batches", verbose_name=_("wave")
    )
    workplace = models.ForeignKey(
        "workplaces.Workplace",
        on_delete=models.PROTECT,
        related_name="survey_slip_batches",
        verbose_name=_("workplace"),
    )
    size = models.PositiveSmallIntegerField(
        _("slips"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("printed by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Written by a worker after the batch is made: the only place its codes are printed.
    pdf = models.FileField(_("PDF"), upload_to="evaluation/slips/", blank=True)

    class Meta:
        verbose_name = _("batch of invitation slips")
        verbose_name_plural = _("batches of invitation slips")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.wave} – {self.workplace} ({self.size})"

    @property
    def region_id(self) -> int:
        """The workplace's region: the audit log files the batch's events under it."""
        return self.workplace.region_id


class InvitationQuerySet(models.QuerySet["Invitation"]):
    """Bulk writes send no signal, so they tell the results cache themselves (see
    ``evaluation.results_cache``); ``bulk_update`` goes through ``update``."""

    def update(self, **kwargs) -> int:
        count = super().update(**kwargs)
        _results_changed()
        return count

    def bulk_create(self, *args, **kwargs):
        created = super().bulk_create(*args, **kwargs)
        _results_changed()
        return created


def _results_changed() -> None:
    from .results_cache import results_changed

    results_changed()


class Invitation(models.Model):
    """One respondent's invitation to one wave, and their way through it.

    Personal invitations (peer supporters, unit managers) carry the participant or account
    and are sent by e-mail with the one-time link ``token``. Anonymous ones (service
    users, staff) carry only the workplace and a slip ``code``; entering the code opens
    the same answering flow. ``anchor_key`` names the programme event the invitation was
    made for, so making invitations again creates none twice.
    """

    wave = models.ForeignKey(
        Wave, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("wave")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    anchor_key = models.CharField(_("made for"), max_length=64)
    participant = models.ForeignKey(
        "programmes.Participant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_invitations",
        verbose_name=_("participant"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_invitations",
        verbose_name=_("account"),
    )
    workplace = models.ForeignKey(
        "workplaces.Workplace",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_invitations",
        verbose_name=_("workplace"),
    )
    placement = models.ForeignKey(
        "workplaces.Placement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
        verbose_name=_("placement"),
    )
    slip_batch = models.ForeignKey(
        SlipBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("slip batch"),
    )
    token = models.CharField(
        _("link token"), max_length=64, unique=True, default=new_token, editable=False
    )
    code = models.CharField(
        _("slip code"), max_length=12, unique=True, null=True, blank=True, editable=False
    )
    code_used_at = models.DateTimeField(_("code used"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="sv"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    information = models.ForeignKey(
        StudyInformation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("information consented to"),
    )
    consent_answered_at = models.DateTimeField(_("consent answered"), null=True, blank=True)
    # The page the respondent is on: the wave's instruments' pages counted from 0.
    step = models.PositiveSmallIntegerField(_("page reached"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    answers_deleted = models.BooleanField(_("answers deleted on withdrawal"), default=False)
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "anchor_key"], name="invitation_once_per_anchor"
            ),
            models.CheckConstraint(
                condition=Q(status__in=InvitationStatus.values), name="invitation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="invitation_window_ordered"
            ),
            # An anonymous invitation (a slip) is tied to no person.
            models.CheckConstraint(
                condition=Q(code__isnull=True) | Q(participant__isnull=True, user__isnull=True),
                name="invitation_slip_is_anonymous",
            ),
        ]
        indexes = [
            models.Index(fields=["wave", "status"]),
            models.Index(fields=["region", "wave"]),
            # When the next invitation opens: how long the results page may be cached.
            models.Index(fields=["wave", "opens_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.wave} #{self.pk}"

    @property
    def is_anonymous(self) -> bool:
        return self.participant_id is None and self.user_id is None

    @property
    def consented(self) -> bool:
        return (
            self.information_id is not None
            and self.consent_answered_at is not None
            and (self.status != InvitationStatus.DECLINED)
        )

    def data_subject(self) -> DataSubject | None:
        if self.participant_id:
            return self.participant.data_subject()
        if self.user_id:
            return DataSubject(
                kind="accounts.user",
                pk=self.user_id,
                name=self.user.get_full_name() or self.user.email,
                region_id=self.region_id,
                user_id=self.user_id,
            )
        return None


class Answer(models.Model):
    """One answer to one item. ``value`` for scale items, ``text`` for free text."""

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="answers", verbose_name=_("invitation")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="answers", verbose_name=_("item")
    )
    value = models.SmallIntegerField(_("value"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["invitation", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["invitation", "item"], name="answer_once_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.invitation}: {self.item.key}"

    def data_subject(self) -> DataSubject | None:
        return self.invitation.data_subject()


# Research exports -------------------------------------------------------------------------


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ResearchExport(models.Model):
    """A study's pseudonymised data, written by a worker: long and wide CSV, SPSS and codebook."""

    study = models.ForeignKey(
        Study, on_delete=models.PROTECT, related_name="exports", verbose_name=_("study")
    )
    # The regions the person who asked may see; the export holds only their respondents.
    regions = models.ManyToManyField(Region, related_name="+", verbose_name=_("regions"))
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("asked for by"),
    )
    requested_at = models.DateTimeField(_("asked for"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    long_csv = models.FileField(_("long CSV"), upload_to="evaluation/exports/%Y/%m/", blank=True)
    wide_csv = models.FileField(_("wide CSV"), upload_to="evaluation/exports/%Y/%m/", blank=True)
    spss = models.FileField(_("SPSS file"), upload_to="evaluation/exports/%Y/%m/", blank=True)
    codebook = models.FileField(_("codebook"), upload_to="evaluation/exports/%Y/%m/", blank=True)
    respondent_count = models.PositiveIntegerField(_("respondents"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("research export")
        verbose_name_plural = _("research exports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExportStatus.values), name="research_export_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.study} ({self.requested_at:%Y-%m-%d %H:%M})"

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.DONE

    @property
    def is_pending(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
