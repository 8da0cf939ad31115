from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import Region
from peersupport.dataprotection.registry import DataSubject
from programmes.models import Participant

FULL_TIME_HOURS = Decimal("40")


class Principal(models.TextChoices):
    REGION = "region", _("Region")
    MUNICIPALITY = "municipality", _("Municipality")
    USER_ASSOCIATION = "user_association", _("User association")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=200)
    principal = models.CharField(_("principal"), max_length=20, choices=Principal.choices)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="organisation_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class WorkplaceType(models.TextChoices):
    INPATIENT = "inpatient", _("Inpatient psychiatry")
    OUTPATIENT = "outpatient", _("Outpatient psychiatry")
    SOCIAL_PSYCHIATRY = "social_psychiatry", _("Social psychiatry")
    REHABILITATION = "rehabilitation", _("Rehabilitation")
    ACT_TEAM = "act_team", _("ACT team")
    HOUSING_FIRST = "housing_first", _("Housing first")
    MEETING_PLACE = "meeting_place", _("Meeting place")
    OTHER = "other", _("Other")


class WorkplaceQuerySet(models.QuerySet["Workplace"]):
    def in_regions(self, region_ids) -> WorkplaceQuerySet:
        return self.filter(region_id__in=region_ids)

    def readiness_lapsing(self, today: dt.date, days: int = 60) -> WorkplaceQuerySet:
        """Workplaces whose confirmed budget period ends within ``days`` days of ``today``
        (readiness lapses the day after), annotated with ``budget_ends_on``."""
        return self.filter(
            readiness__item=ReadinessItem.BUDGET,
            readiness__withdrawn_on__isnull=True,
            readiness__period_end__gte=today,
            readiness__period_end__lte=today + dt.timedelta(days=days),
        ).annotate(budget_ends_on=models.F("readiness__period_end"))


class Workplace(models.Model):
    """A unit where peer supporters work."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="workplaces",
        verbose_name=_("organisation"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="workplaces", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=WorkplaceType.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_workplaces",
        verbose_name=_("unit managers"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = WorkplaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("workplace")
        verbose_name_plural = _("workplaces")
        ordering = ["name"]
        indexes = [models.Index(fields=["region", "name"])]

    def __str__(self) -> str:
        return self.name


class ReadinessItem(models.TextChoices):
    BUDGET = "budget", _("Budget for the post confirmed")
    ANCHORING = "anchoring", _("Decision anchored with the staff")
    USER_MOVEMENT_CONTACT = "user_movement_contact", _("User-movement contact named")


class ReadinessConfirmationQuerySet(models.QuerySet["ReadinessConfirmation"]):
    def in_force(self, day: dt.date) -> ReadinessConfirmationQuerySet:
        """Confirmations that count towards readiness on ``day`` (as ``in_force_on``)."""
        return self.filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day), confirmed_on__lte=day
        ).exclude(item=ReadinessItem.BUDGET, period_end__lt=day)


class ReadinessConfirmation(models.Model):
    """One readiness item, dated and signed by who confirmed it. A withdrawn confirmation is
    kept, with who withdrew it and why, until the item is confirmed again."""

    workplace = models.ForeignKey(
        Workplace,
        on_delete=models.CASCADE,
        related_name="readiness",
        verbose_name=_("workplace"),
    )
    item = models.CharField(_("item"), max_length=30, choices=ReadinessItem.choices)
    confirmed_on = models.DateField(_("confirmed on"), default=dt.date.today)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    fte = models.DecimalField(
        _("posts (FTE)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    period_start = models.DateField(_("budget from"), null=True, blank=True)
    period_end = models.DateField(_("budget until"), null=True, blank=True)
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = models.CharField(_("reason for withdrawing"), max_length=300, blank=True)

    objects = ReadinessConfirmationQuerySet.as_manager()

    class Meta:
        verbose_name = _("readiness confirmation")
        verbose_name_plural = _("readiness confirmations")
        ordering = ["workplace", "item"]
        constraints = [
            models.UniqueConstraint(fields=["workplace", "item"], name="readiness_once_per_item"),
            models.CheckConstraint(
                condition=~Q(item="budget")
                | Q(fte__isnull=False, period_start__isnull=False, period_end__isnull=False),
                name="readiness_budget_has_fte_and_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workplace}: {self.get_item_display()}"

    def in_force_on(self, day: dt.date) -> bool:
        """Counts towards readiness on ``day``: confirmed by then, not withdrawn, and for the
        budget, its period not yet ended. ``ReadinessConfirmationQuerySet.in_force`` is the
        same rule in SQL."""
        if self.confirmed_on > day:
            return False
        if self.withdrawn_on is not None and self.withdrawn_on <= day:
            return False
        return not (self.item == ReadinessItem.BUDGET and self.period_end < day)

    def budget_lapsed_on(self, day: dt.date) -> bool:
        return (
            self.item == ReadinessItem.BUDGET
            and self.withdrawn_on is None
            and self.period_end is not None
            and self.period_end < day
        )


class StaffTrainingQuerySet(models.QuerySet["StaffTraining"]):
    def held(self, day: dt.date) -> StaffTrainingQuerySet:
        """Trainings held by ``day`` (as ``StaffTraining.held_by``)."""
        return self.filter(staff_count__isnull=False, held_on__lte=day)


class StaffTraining(models.Model):
    """A training for the staff about the peer support role: planned for a date, and held
    (counting towards readiness) once the staff who attended are recorded, which can only
    be done from its date on."""

    workplace = models.ForeignKey(
        Workplace,
        on_delete=models.CASCADE,
        related_name="staff_trainings",
        verbose_name=_("workplace"),
    )
    held_on = models.DateField(_("held on"))
    # None while the training is planned.
    staff_count = models.PositiveSmallIntegerField(
        _("staff attending"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = StaffTrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff training")
        verbose_name_plural = _("staff trainings")
        ordering = ["workplace", "held_on"]

    def __str__(self) -> str:
        return f"{self.workplace} {self.held_on}"

    @property
    def is_planned(self) -> bool:
        return self.staff_count is None

    def held_by(self, day: dt.date) -> bool:
        return self.staff_count is not None and self.held_on <= day


class TraineeOrder(models.Model):
    """A workplace orders peer supporters to be trained for its posts."""

    workplace = models.ForeignKey(
        Workplace,
        on_delete=models.PROTECT,
        related_name="trainee_orders",
        verbose_name=_("workplace"),
    )
    posts = models.PositiveSmallIntegerField(
        _("peer supporters wanted"), default=1, validators=[MinValueValidator(1)]
    )
    ordered_on = models.DateField(_("ordered on"), default=dt.date.today)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ordered by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("trainee order")
        verbose_name_plural = _("trainee orders")
        ordering = ["-ordered_on"]

    def __str__(self) -> str:
        return f"{self.workplace}: {self.posts}"


class Employer(models.TextChoices):
    ASSOCIATION = "association", _("The regional user association")
    WORKPLACE = "workplace", _("The workplace")


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class Task(models.TextChoices):
    """Possible tasks of a peer supporter (NSPH's list)."""

    BRIDGE_BUILDING = "bridge_building", _("Bridge-building at first contact")
    CONVERSATIONS = "conversations", _("One-to-one conversations")
    LEISURE = "leisure", _("Motivation for leisure and activities")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment to appointments and authorities")
    GROUPS = "groups", _("Group activities and study circles")
    CARE_CONTACT = "care_contact", _("Contact with care and authorities")
    RETURN_TO_WORK = "return_to_work", _("Preparing return to work")


class PlacementEndReason(models.TextChoices):
    """Why a placement ended, in categories that can be counted without identifying anyone
    (the free-text reason beside it can)."""

    PERIOD_ENDED = "period_ended", _("The agreed period ended")
    OTHER_WORK_OR_STUDIES = "work_or_studies", _("Got other work or studies")
    OWN_HEALTH = "own_health", _("Own health")
    WORKPLACE_OR_FUNDING = "workplace_or_funding", _("The workplace ended it or no funding")
    ROLE_NOT_SUITED = "role_not_suited", _("The role did not suit")
    OTHER = "other", _("Other")


class PlacementQuerySet(models.QuerySet["Placement"]):
    def active(self) -> PlacementQuerySet:
        return self.filter(status=PlacementStatus.ACTIVE)


class Placement(models.Model):
    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("peer supporter"),
    )
    workplace = models.ForeignKey(
        Workplace,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("workplace"),
    )
    employer = models.CharField(_("employer of record"), max_length=12, choices=Employer.choices)
    hours_per_week = models.DecimalField(
        _("hours per week"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(FULL_TIME_HOURS)],
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    tasks = models.JSONField(_("agreed tasks"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PlacementStatus.choices,
        default=PlacementStatus.PROPOSED,
    )
    coordinator_agreed_at = models.DateTimeField(_("agreed by coordinator"), null=True, blank=True)
    coordinator_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coordinator"),
    )
    manager_agreed_at = models.DateTimeField(_("agreed by unit manager"), null=True, blank=True)
    manager_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit manager"),
    )
    ended_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    # Null on placements ended before reasons were categorised: "not given".
    ended_reason_category = models.CharField(
        _("reason category"),
        max_length=30,
        choices=PlacementEndReason.choices,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["workplace", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="placement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | ~Q(ended_reason=""),
                name="placement_ended_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(ended_reason_category__isnull=True) | Q(status="ended"),
                name="placement_category_only_when_ended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} @ {self.workplace}"

    def data_subject(self) -> DataSubject:
        return self.participant.data_subject()

    def task_labels(self) -> list[str]:
        return [Task(task).label for task in self.tasks if task in Task.values]


class ReviewRespondent(models.TextChoices):
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    COORDINATOR = "coordinator", _("Coordinator")


class FollowUpReview(models.Model):
    """A follow-up of a placement at a set number of months after its start."""

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("placement")
    )
    months_after_start = models.PositiveSmallIntegerField(_("months after start"))
    due_on = models.DateField(_("due"))

    class Meta:
        verbose_name = _("follow-up review")
        verbose_name_plural = _("follow-up reviews")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "months_after_start"], name="review_once_per_interval"
            )
        ]
        indexes = [models.Index(fields=["due_on"])]

    def __str__(self) -> str:
        return f"{self.placement} – {self.months_after_start} mån"

    def data_subject(self) -> DataSubject:
        return self.placement.participant.data_subject()


class Likert(models.IntegerChoices):
    VERY_POOR = 1, _("Very poorly")
    POOR = 2, _("Poorly")
    NEUTRAL = 3, _("Neither well nor poorly")
    GOOD = 4, _("Well")
    VERY_GOOD = 5, _("Very well")


class ReviewResponse(models.Model):
    review = models.ForeignKey(
        FollowUpReview,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("review"),
    )
    respondent = models.CharField(_("respondent"), max_length=20, choices=ReviewRespondent.choices)
    role_works = models.PositiveSmallIntegerField(_("how the role works"), choices=Likert.choices)
    role_clarity = models.PositiveSmallIntegerField(_("role clarity"), choices=Likert.choices)
    staff_attitudes = models.PositiveSmallIntegerField(
        _("staff attitudes to the role"), choices=Likert.choices
    )
    support_needs = models.TextField(_("support needs"), blank=True)
    comments = models.TextField(_("other comments"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )

    class Meta:
        verbose_name = _("review response")
        verbose_name_plural = _("review responses")
        constraints = [
            models.UniqueConstraint(fields=["review", "respondent"], name="review_response_once")
        ]

    def __str__(self) -> str:
        return f"{self.review} – {self.get_respondent_display()}"

    def data_subject(self) -> DataSubject:
        return self.review.placement.participant.data_subject()


class SessionKind(models.TextChoices):
    CONVERSATION = "conversation", _("One-to-one conversation")
    BRIDGE_BUILDING = "bridge_building", _("Bridge-building at first contact")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment to appointments or authorities")
    GROUP_ACTIVITY = "group_activity", _("Group activity")
    STUDY_CIRCLE = "study_circle", _("Study circle")
    PHONE_DIGITAL = "phone_digital", _("Phone or digital contact")


GROUP_KINDS = frozenset({SessionKind.GROUP_ACTIVITY, SessionKind.STUDY_CIRCLE})


class Theme(models.TextChoices):
    SLEEP = "sleep", _("Sleep")
    MONEY = "money", _("Money")
    RELATIONSHIPS = "relationships", _("Relationships")
    RIGHTS = "rights", _("Rights")
    WORK_STUDIES = "work_studies", _("Work and studies")
    LEISURE = "leisure", _("Leisure")
    PHYSICAL_HEALTH = "physical_health", _("Physical health")
    CARE_AUTHORITIES = "care_authorities", _("Contact with care and authorities")
    RECOVERY = "recovery", _("Recovery")
    OTHER = "other", _("Other")


class SupportSessionQuerySet(models.QuerySet["SupportSession"]):
    def for_workplaces(self, workplace_ids) -> SupportSessionQuerySet:
        return self.filter(placement__workplace_id__in=workplace_ids)


class SupportSession(models.Model):
    """Support a peer supporter gave. Never names a service user."""

    placement = models.ForeignKey(
        Placement,
        on_delete=models.PROTECT,
        related_name="support_sessions",
        verbose_name=_("placement"),
    )
    date = models.DateField(_("date"), default=dt.date.today)
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    participant_count = models.PositiveSmallIntegerField(
        _("participants"), default=1, validators=[MinValueValidator(1)]
    )
    service_user_code = models.CharField(
        _("pseudonymous code"),
        max_length=20,
        blank=True,
        help_text=_("Optional. A code you choose to count unique people – never a name."),
    )
    reflection = models.TextField(_("reflection"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(_("logged"), default=timezone.now)

    objects = SupportSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("support session")
        verbose_name_plural = _("support sessions")
        ordering = ["-date", "-created_at"]
        indexes = [
            models.Index(fields=["placement", "-date"]),
            # The coordinator's list, newest first: read in this order, a page of a region's
            # sessions needs no sort. Date ranges (months, reports) use it too.
            models.Index(fields=["-date", "-created_at", "-id"], name="support_session_newest"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=1), name="support_session_minutes"),
            models.CheckConstraint(
                condition=Q(participant_count__gte=1), name="support_session_participants"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} ({self.minutes} min)"

    def data_subject(self) -> DataSubject:
        return self.placement.participant.data_subject()

    def theme_labels(self) -> list[str]:
        return [Theme(theme).label for theme in self.themes if theme in Theme.values]


class IncidentKind(models.TextChoices):
    THREAT_OR_VIOLENCE = "threat_or_violence", _("Threat or violence")
    RISK_TO_SERVICE_USER = "risk_to_service_user", _("Risk of harm to a service user")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality")
    WORK_ENVIRONMENT = "work_environment", _("Work environment")
    ROLE_BOUNDARIES = "role_boundaries", _("Boundaries of the role")
    OTHER = "other", _("Other")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    FOLLOWING_UP = "following_up", _("Being followed up")
    CLOSED = "closed", _("Closed")


class IncidentQuerySet(models.QuerySet["Incident"]):
    def open(self) -> IncidentQuerySet:
        return self.exclude(status=IncidentStatus.CLOSED)


class Incident(models.Model):
    """An incident or a risk (avvikelse) reported by a peer supporter, supervisor or unit
    manager, and followed up by the region's coordinators."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("region")
    )
    workplace = models.ForeignKey(
        Workplace,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("workplace"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reported_incidents",
        verbose_name=_("reported by"),
    )
    occurred_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=24, choices=IncidentKind.choices)
    description = models.TextField(_("what happened"))
    actions_taken = models.TextField(_("actions taken"), blank=True)
    shared_with_managers = models.BooleanField(
        _("shown to the workplace's unit managers"), default=False
    )
    status = models.CharField(
        _("status"), max_length=14, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED
    )
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-reported_at", "-pk"]
        indexes = [
            models.Index(fields=["region", "status", "-reported_at"]),
            models.Index(fields=["reported_by", "-reported_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=IncidentStatus.values), name="incident_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="incident_closed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(shared_with_managers=False) | Q(workplace__isnull=False),
                name="incident_shared_only_with_a_workplace",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()}"

    @property
    def is_closed(self) -> bool:
        return self.status == IncidentStatus.CLOSED


class IncidentFollowUp(models.Model):
    """A coordinator's note on following an incident up, with the status it left it in."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("incident")
    )
    note = models.TextField(_("follow-up note"))
    status = models.CharField(_("status"), max_length=14, choices=IncidentStatus.choices)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    written_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("incident follow-up")
        verbose_name_plural = _("incident follow-ups")
        ordering = ["incident", "written_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="reported"), name="incident_follow_up_moves_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident} – {self.written_at:%Y-%m-%d}"
