"""Experience-based supervision (handledning): supervisors, groups and individual
arrangements, sessions with attendance and themes, and the supervisor's private notes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import Region
from peersupport.dataprotection.registry import DataSubject
from peersupport.fields import EncryptedTextField
from programmes.models import Participant


class Supervisor(models.Model):
    """A person who supervises peer supporters in a region (they hold the supervisor role
    there); whether their supervision builds on their own lived experience."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="supervisor_profiles",
        verbose_name=_("person"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="supervisors", verbose_name=_("region")
    )
    experience_based = models.BooleanField(
        _("experience-based"),
        default=True,
        help_text=_("The supervisor has own lived experience and supervises from it."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervisor")
        verbose_name_plural = _("supervisors")
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="supervisor_once_per_region")
        ]

    def __str__(self) -> str:
        return str(self.user)


class ArrangementKind(models.TextChoices):
    GROUP = "group", _("Group supervision")
    INDIVIDUAL = "individual", _("Individual supervision")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class SupervisionGroupQuerySet(models.QuerySet["SupervisionGroup"]):
    def in_regions(self, region_ids) -> SupervisionGroupQuerySet:
        return self.filter(region_id__in=region_ids)

    def active(self) -> SupervisionGroupQuerySet:
        return self.filter(active=True)


class SupervisionGroup(models.Model):
    """A supervision group, or an individual arrangement (a group of one)."""

    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="supervision_groups",
        verbose_name=_("region"),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=ArrangementKind.choices, default=ArrangementKind.GROUP
    )
    name = models.CharField(_("name"), max_length=150)
    supervisor = models.ForeignKey(
        Supervisor,
        on_delete=models.PROTECT,
        related_name="groups",
        verbose_name=_("supervisor"),
    )
    members = models.ManyToManyField(
        Participant,
        blank=True,
        related_name="supervision_groups",
        verbose_name=_("peer supporters"),
    )
    weekday = models.PositiveSmallIntegerField(
        _("usual weekday"), choices=Weekday.choices, null=True, blank=True
    )
    start_time = models.TimeField(_("usual time"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"),
        default=90,
        validators=[MinValueValidator(15), MaxValueValidator(480)],
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SupervisionGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision group")
        verbose_name_plural = _("supervision groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="supervision_group_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15, duration_minutes__lte=480),
                name="supervision_group_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SupervisionTheme(models.TextChoices):
    ROLE_BOUNDARIES = "role_boundaries", _("The role and its boundaries")
    HARD_SITUATIONS = "hard_situations", _("Hard situations")
    WORKPLACE = "workplace", _("Relation to the workplace")
    OWN_RECOVERY = "own_recovery", _("Own recovery and wellbeing")
    ETHICS = "ethics", _("Ethics")
    OTHER = "other", _("Other")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CANCELLED = "cancelled", _("Cancelled")


class SupervisionSessionQuerySet(models.QuerySet["SupervisionSession"]):
    def in_regions(self, region_ids) -> SupervisionSessionQuerySet:
        return self.filter(group__region_id__in=region_ids)

    def planned(self) -> SupervisionSessionQuerySet:
        return self.filter(status=SessionStatus.PLANNED)

    def upcoming(self, now=None) -> SupervisionSessionQuerySet:
        return self.planned().filter(starts_at__gte=now or timezone.now())

    def missing_attendance(self, now=None) -> SupervisionSessionQuerySet:
        """Planned sessions that have started but whose attendance nobody has recorded."""
        return self.planned().filter(
            starts_at__lte=now or timezone.now(), attendance_recorded_at__isnull=True
        )

    def with_attendance_counts(self) -> SupervisionSessionQuerySet:
        """``expected`` (everyone expected at the session) and ``present``, each counted by
        a subquery per session: the database counts only the rows a page shows (after its
        LIMIT), and the list's count needs no join to attendance."""
        return self.annotate(
            expected=_attendance_count(),
            present=_attendance_count(status=AttendanceStatus.PRESENT),
        )


def _attendance_count(**filters):
    counted = (
        SessionAttendance.objects.filter(session=OuterRef("pk"), **filters)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), Value(0))


class SupervisionSession(models.Model):
    """One supervision meeting of a group or an individual arrangement."""

    group = models.ForeignKey(
        SupervisionGroup,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("group"),
    )
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    attendance_recorded_at = models.DateTimeField(_("attendance recorded"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("planned by"),
    )

    objects = SupervisionSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision session")
        verbose_name_plural = _("supervision sessions")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["group", "starts_at"]),
            # Covering: the cadence grid reads every session of its months by date, with
            # its id and status only, from the index alone.
            models.Index(
                fields=["starts_at"], include=["id", "status"], name="supervision_session_month"
            ),
            # Sessions still without attendance (the ones to come and the ones missing it):
            # the supervisor's home, the to-do page and the list's filter look only at these.
            models.Index(
                fields=["starts_at"],
                condition=Q(status="planned", attendance_recorded_at__isnull=True),
                name="supervision_session_unrecorded",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancelled_reason=""),
                name="supervision_session_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15, duration_minutes__lte=480),
                name="supervision_session_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    def theme_labels(self) -> list[str]:
        return [SupervisionTheme(t).label for t in self.themes if t in SupervisionTheme.values]


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class SessionAttendance(models.Model):
    """A peer supporter expected at a session; the supervisor records whether they came,
    the peer supporter may confirm it and rate the session."""

    session = models.ForeignKey(
        SupervisionSession,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("session"),
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="supervision_attendances",
        verbose_name=_("peer supporter"),
    )
    status = models.CharField(
        _("attendance"), max_length=10, choices=AttendanceStatus.choices, blank=True
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed by the peer supporter"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (not useful) to 5 (very useful)."),
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("supervision attendance")
        verbose_name_plural = _("supervision attendance")
        ordering = ["session", "participant__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="supervision_attendance_once"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="supervision_attendance_rating_range",
            ),
        ]
        indexes = [
            # Covering: the cadence grid counts each person's attendance by status from the
            # index alone (no heap read per row).
            models.Index(
                fields=["participant", "session"],
                include=["status"],
                name="supervision_attendance_cadence",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} – {self.session}"

    def data_subject(self) -> DataSubject:
        return self.participant.data_subject()


class SupervisorNote(models.Model):
    """The supervisor's private note on a session: only its author ever reads it, every
    read is audit-logged, it is never exported, and the database holds it encrypted."""

    session = models.ForeignKey(
        SupervisionSession,
        on_delete=models.CASCADE,
        related_name="notes",
        verbose_name=_("session"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("author"),
    )
    text = EncryptedTextField(_("private note"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        constraints = [
            models.UniqueConstraint(fields=["session", "author"], name="supervisor_note_once")
        ]

    def __str__(self) -> str:
        return f"{self.session} ({self.author})"

    @property
    def region_id(self) -> int:
        """The region whose log auditor follows reads of the note (the audit log reads it)."""
        return self.session.group.region_id
