"""Register extracts (registerutdrag): one row per extract asked for, with its files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import Region
from peersupport.dataprotection.registry import DataSubject


class ExtractStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExtractQuerySet(models.QuerySet["Extract"]):
    def of_subject(self, subject: DataSubject) -> ExtractQuerySet:
        return self.filter(subject_kind=subject.kind, subject_id=subject.pk)


class Extract(models.Model):
    """Everything stored about one person, written by a worker as a PDF and as JSON.

    The person is kept by their data-subject key (``subject_kind``, ``subject_id``) so the
    core needs no app's model. ``region`` is whose coordinators may download it; an extract
    the person asked for themselves (``own_request``) is theirs alone.
    """

    subject_kind = models.CharField(_("data subject kind"), max_length=50)
    subject_id = models.BigIntegerField(_("data subject id"))
    subject_name = models.CharField(_("person"), max_length=150)
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("the person's account"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    own_request = models.BooleanField(_("asked for by the person"), default=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=10, choices=ExtractStatus.choices, default=ExtractStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked for by"),
    )
    requested_at = models.DateTimeField(_("asked for"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="extracts/%Y/%m/", blank=True)
    json = models.FileField(_("JSON"), upload_to="extracts/%Y/%m/", blank=True)
    record_count = models.PositiveIntegerField(_("records"), default=0)

    objects = ExtractQuerySet.as_manager()

    class Meta:
        verbose_name = _("register extract")
        verbose_name_plural = _("register extracts")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["subject_kind", "subject_id", "-requested_at"]),
            models.Index(fields=["subject_user", "-requested_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ExtractStatus.values), name="extract_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} ({self.requested_at:%Y-%m-%d %H:%M})"

    @property
    def is_ready(self) -> bool:
        return self.status == ExtractStatus.DONE and bool(self.pdf) and bool(self.json)

    @property
    def is_pending(self) -> bool:
        return self.status in (ExtractStatus.QUEUED, ExtractStatus.RUNNING)

    def data_subject(self) -> DataSubject:
        return DataSubject(
            kind=self.subject_kind,
            pk=self.subject_id,
            name=self.subject_name,
            region_id=self.region_id,
            user_id=self.subject_user_id,
        )
