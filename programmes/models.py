from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import Region
from peersupport.dataprotection.registry import DataSubject


class ParticipantStatus(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    INTERVIEWED = "interviewed", _("Interviewed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    TRAINEE = "trainee", _("Trainee")
    CERTIFIED = "certified", _("Certified")
    PLACED = "placed", _("Placed")
    ALUMNI = "alumni", _("Alumni")
    LEFT = "left", _("Left")


# The path from applicant to certified peer supporter. Ending a path needs a reason.
STATUS_TRANSITIONS: dict[str, set[str]] = {
    ParticipantStatus.APPLICANT: {
        ParticipantStatus.INTERVIEWED,
        ParticipantStatus.DECLINED,
        ParticipantStatus.LEFT,
    },
    ParticipantStatus.INTERVIEWED: {
        ParticipantStatus.ACCEPTED,
        ParticipantStatus.DECLINED,
        ParticipantStatus.LEFT,
    },
    ParticipantStatus.ACCEPTED: {ParticipantStatus.TRAINEE, ParticipantStatus.LEFT},
    ParticipantStatus.DECLINED: {ParticipantStatus.APPLICANT},
    ParticipantStatus.TRAINEE: {
        ParticipantStatus.CERTIFIED,
        ParticipantStatus.ACCEPTED,
        ParticipantStatus.LEFT,
    },
    ParticipantStatus.CERTIFIED: {
        ParticipantStatus.PLACED,
        ParticipantStatus.ALUMNI,
        ParticipantStatus.LEFT,
    },
    ParticipantStatus.PLACED: {
        ParticipantStatus.CERTIFIED,
        ParticipantStatus.ALUMNI,
        ParticipantStatus.LEFT,
    },
    ParticipantStatus.ALUMNI: {ParticipantStatus.PLACED, ParticipantStatus.LEFT},
    ParticipantStatus.LEFT: {ParticipantStatus.APPLICANT},
}
ENDING_STATUSES = frozenset({ParticipantStatus.DECLINED, ParticipantStatus.LEFT})


class LeavingReason(models.TextChoices):
    """Why a path ended, in categories that can be counted without identifying anyone (the
    free-text reason beside it can)."""

    WORK_OR_STUDIES = "work_or_studies", _("Got work or studies elsewhere")
    OWN_HEALTH = "own_health", _("Own health")
    PERSONAL = "personal", _("Personal circumstances or moved")
    ROLE_NOT_SUITED = "role_not_suited", _("The role did not suit")
    COURSE_NOT_COMPLETED = "course_not_completed", _("Did not complete the course")
    NO_PLACEMENT = "no_placement", _("No placement available")
    OTHER = "other", _("Other")


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def in_regions(self, region_ids) -> ParticipantQuerySet:
        return self.filter(region_id__in=region_ids)

    def with_status(self, *statuses: str) -> ParticipantQuerySet:
        return self.filter(status__in=statuses)


class Participant(models.Model):
    """A person's programme record, from application to alumni."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="participants", verbose_name=_("region")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant",
        verbose_name=_("account"),
    )
    full_name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="sv"
    )
    lived_experience_declared = models.BooleanField(
        _("declares own lived experience"),
        default=False,
        help_text=_(
            "Self-declared: the person has own experience of mental ill-health. "
            "Never record a diagnosis."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ParticipantStatus.choices,
        default=ParticipantStatus.APPLICANT,
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    applied_on = models.DateField(_("applied on"), default=dt.date.today)
    # What the applicant wrote on the public interest form about why they apply.
    motivation = models.TextField(_("motivation"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "email"], name="participant_unique_email_per_region"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ParticipantStatus.values), name="participant_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return self.full_name

    def data_subject(self) -> DataSubject:
        return DataSubject(
            kind="programmes.participant",
            pk=self.pk,
            name=self.full_name,
            region_id=self.region_id,
            user_id=self.user_id,
        )


class StatusChange(models.Model):
    """One dated step on a participant's path, with who took it and why."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("participant"),
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=ParticipantStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=ParticipantStatus.choices)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    # Null on the changes recorded before reasons were categorised: "not given".
    reason_category = models.CharField(
        _("reason category"), max_length=30, choices=LeavingReason.choices, null=True, blank=True
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason_category__isnull=True)
                | Q(to_status__in=sorted(status.value for status in ENDING_STATUSES)),
                name="status_change_category_only_when_path_ends",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant}: {self.from_status} → {self.to_status}"

    @property
    def ends_path(self) -> bool:
        return self.to_status in ENDING_STATUSES

    def data_subject(self) -> DataSubject:
        return self.participant.data_subject()


class CourseTemplate(models.Model):
    """A course's shape: its days, modules and completion rule. Data, so regions can vary it."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of course days a trainee must attend to complete the course."),
    )
    is_default = models.BooleanField(_("default template"), default=False)
    # Without a region, a national template: shared by every region, edited only by admins.
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="course_templates",
        verbose_name=_("region"),
        help_text=_("Empty for a national template, which only admins edit."),
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copied from"),
    )
    day_start = models.TimeField(_("course day starts"), default=dt.time(9, 0))
    day_end = models.TimeField(_("course day ends"), default=dt.time(16, 0))

    class Meta:
        verbose_name = _("course template")
        verbose_name_plural = _("course templates")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="course_template_one_default",
            ),
            models.CheckConstraint(
                condition=Q(min_attendance_percent__gte=1, min_attendance_percent__lte=100),
                name="course_template_attendance_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        return self.region_id is None


class CourseModule(models.Model):
    template = models.ForeignKey(
        CourseTemplate,
        on_delete=models.CASCADE,
        related_name="modules",
        verbose_name=_("course template"),
    )
    name = models.CharField(_("name"), max_length=150)
    learning_aims = models.TextField(_("learning aims"), blank=True)
    required = models.BooleanField(
        _("required"),
        default=False,
        help_text=_("A trainee must attend at least one day with this module to complete."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("course module")
        verbose_name_plural = _("course modules")
        ordering = ["template", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["template", "name"], name="course_module_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class TemplateDay(models.Model):
    """Day N of the course: which week (counted from 0) and weekday it falls on."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")

    template = models.ForeignKey(
        CourseTemplate,
        on_delete=models.CASCADE,
        related_name="days",
        verbose_name=_("course template"),
    )
    number = models.PositiveSmallIntegerField(_("day"))
    week = models.PositiveSmallIntegerField(_("week"), help_text=_("0 is the first week."))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    modules = models.ManyToManyField(
        CourseModule, blank=True, related_name="days", verbose_name=_("modules")
    )

    class Meta:
        verbose_name = _("course day")
        verbose_name_plural = _("course days")
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_day_unique"),
            models.CheckConstraint(condition=Q(weekday__lte=4), name="template_day_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.template} – {self.number}"


class CohortStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# A closed or cancelled cohort is kept as it was: nothing in it changes any more.
LOCKED_COHORT_STATUSES = (CohortStatus.CLOSED, CohortStatus.CANCELLED)


class CohortQuerySet(models.QuerySet["Cohort"]):
    def in_regions(self, region_ids) -> CohortQuerySet:
        return self.filter(region_id__in=region_ids)

    def open(self) -> CohortQuerySet:
        return self.exclude(status__in=LOCKED_COHORT_STATUSES)


class Cohort(models.Model):
    """One run of a course in a region."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("region")
    )
    template = models.ForeignKey(
        CourseTemplate,
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("course template"),
    )
    name = models.CharField(_("name"), max_length=150)
    venue = models.CharField(_("venue"), max_length=200)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), validators=[MinValueValidator(1)], default=16
    )
    trainers = models.CharField(_("trainers"), max_length=300, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=CohortStatus.choices, default=CohortStatus.PLANNED
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # The completion rule as the cohort started with it, so that editing the template later
    # does not change what its trainees must attend. Null on cohorts from before the rule
    # was kept here: they follow their template.
    rule_min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"), null=True, blank=True, editable=False
    )
    rule_required_module_ids = models.JSONField(
        _("required modules"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["region", "-start_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="cohort_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        """Closed or cancelled: its attendance, enrolments and days are locked."""
        return self.status in LOCKED_COHORT_STATUSES

    @property
    def is_cancelled(self) -> bool:
        return self.status == CohortStatus.CANCELLED

    @property
    def min_attendance_percent(self) -> int:
        """The completion rule's minimum attendance: kept since the cohort started, or its
        template's while it is planned."""
        if self.rule_min_attendance_percent is None:
            return self.template.min_attendance_percent
        return self.rule_min_attendance_percent


class CourseSession(models.Model):
    """A course day of a cohort. Generated from the template, then editable."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("cohort")
    )
    day_number = models.PositiveSmallIntegerField(_("day"))
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    modules = models.ManyToManyField(
        CourseModule, blank=True, related_name="sessions", verbose_name=_("modules")
    )

    class Meta:
        verbose_name = _("course day")
        verbose_name_plural = _("course days")
        ordering = ["cohort", "date", "day_number"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "day_number"], name="session_day_unique"),
            models.UniqueConstraint(fields=["cohort", "date"], name="session_date_unique"),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="session_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.cohort} – {self.date:%Y-%m-%d}"

    @property
    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.start_time))

    @property
    def ends_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.end_time))


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITLISTED = "waitlisted", _("On the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(models.Model):
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("cohort")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("participant"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ENROLLED,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    at_risk_notified_at = models.DateTimeField(_("coordinator told of risk"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["cohort", "participant__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "participant"], name="enrolment_once_per_cohort"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} – {self.cohort}"

    def data_subject(self) -> DataSubject:
        return self.participant.data_subject()


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused absence")


class Attendance(models.Model):
    session = models.ForeignKey(
        CourseSession,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("course day"),
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("enrolment"),
    )
    status = models.CharField(_("status"), max_length=10, choices=AttendanceStatus.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once"),
            models.CheckConstraint(
                condition=~Q(status="excused") | ~Q(reason=""),
                name="attendance_excused_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.participant} {self.session.date}: {self.status}"

    def data_subject(self) -> DataSubject:
        return self.enrolment.participant.data_subject()


class Certificate(models.Model):
    """A course certificate. Reissuing makes a new one and marks the old replaced."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("participant"),
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("cohort")
    )
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    days_attended = models.PositiveSmallIntegerField(_("days attended"))
    days_total = models.PositiveSmallIntegerField(_("course days"))
    replaced_at = models.DateTimeField(_("replaced"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "cohort"],
                condition=Q(replaced_at__isnull=True),
                name="certificate_one_current_per_cohort",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} – {self.code}"

    def data_subject(self) -> DataSubject:
        return self.participant.data_subject()

    @property
    def is_valid(self) -> bool:
        return self.replaced_at is None


class EventKind(models.TextChoices):
    REUNION = "reunion", _("Reunion")
    CONTINUING_EDUCATION = "continuing_education", _("Continuing education")
    # For the unit managers who have taken on peer supporters (nätverksträff).
    NETWORK_MEETING = "network_meeting", _("Network meeting")


class Event(models.Model):
    """A reunion or continuing-education day for a region's alumni, or a network meeting
    for its unit managers. A cancelled event stays, marked cancelled."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="events", verbose_name=_("region")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def has_begun(self) -> bool:
        return self.starts_at <= timezone.now()


class EventResponse(models.TextChoices):
    COMING = "coming", _("Coming")
    NOT_COMING = "not_coming", _("Not coming")


class EventInvitation(models.Model):
    """An invitation to an event: of a participant (alumni) or of an account holder who
    has no programme record (a unit manager invited to a network meeting)."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("event")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_invitations",
        verbose_name=_("participant"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_invitations",
        verbose_name=_("person"),
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    response = models.CharField(
        _("answer"), max_length=12, choices=EventResponse.choices, blank=True
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("event invitation")
        verbose_name_plural = _("event invitations")
        ordering = ["event", "participant__full_name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "participant"], name="event_invitation_once"),
            models.UniqueConstraint(fields=["event", "user"], name="event_invitation_once_user"),
            models.CheckConstraint(
                condition=Q(participant__isnull=False, user__isnull=True)
                | Q(participant__isnull=True, user__isnull=False),
                name="event_invitation_one_invitee",
            ),
            models.CheckConstraint(
                condition=Q(response__in=["", *EventResponse.values]),
                name="event_invitation_response_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invitee_name} – {self.event}"

    @property
    def invitee_name(self) -> str:
        if self.participant_id:
            return self.participant.full_name
        return self.user.full_name or self.user.email

    @property
    def invitee_account(self):
        """The account the invitee logs in with and is e-mailed at, if any."""
        return self.participant.user if self.participant_id else self.user

    def data_subject(self) -> DataSubject:
        if self.participant_id:
            return self.participant.data_subject()
        return self.user.data_subject()


class InterviewOutcome(models.TextChoices):
    """What an interview came to; each moves the applicant's path (see ``record_interview``)."""

    ACCEPTED = "accepted", _("Offered a place on the course")
    DECLINED = "declined", _("Not offered a place")
    UNDECIDED = "undecided", _("No decision yet")


# The step on the path each outcome leads to.
INTERVIEW_OUTCOME_STATUS = {
    InterviewOutcome.ACCEPTED: ParticipantStatus.ACCEPTED,
    InterviewOutcome.DECLINED: ParticipantStatus.DECLINED,
    InterviewOutcome.UNDECIDED: ParticipantStatus.INTERVIEWED,
}


class Interview(models.Model):
    """A recruitment interview with an applicant: when, who held it, and what it came to."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="interviews",
        verbose_name=_("participant"),
    )
    held_on = models.DateField(_("interview date"))
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("interviewer"),
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=InterviewOutcome.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["participant", "held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=InterviewOutcome.values), name="interview_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.held_on}"

    def data_subject(self) -> DataSubject:
        return self.participant.data_subject()
