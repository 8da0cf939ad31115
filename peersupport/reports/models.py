"""Evaluation reports: one row per report asked for, with its parameters and its files."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import Region


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


PENDING = [ReportStatus.QUEUED, ReportStatus.RUNNING]


class PeriodKind(models.TextChoices):
    HALF_YEAR = "half_year", _("Half-year")
    YEAR = "year", _("Year")
    MONTH = "month", _("Month")
    CUSTOM = "custom", _("Chosen dates")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Every month")
    HALF_YEARLY = "half_yearly", _("Every half-year")


class QueuedWork(models.Model):
    """A file asked for in a request and written by a worker: who asked and when, and how
    far the worker has come (the page's progress and the sweep for lost tasks read it)."""

    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
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
    error = models.TextField(_("error"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING

    def progress(self) -> dict:
        """What the page's progress script reads (static/js/extract-progress.js)."""
        return {"status": self.status, "label": self.get_status_display(), "ready": self.is_ready}


class Report(QueuedWork):
    """An evaluation report for one region (``region``) or the whole country (no region)
    over a period, written by a worker as a PDF and an ``.xlsx`` workbook."""

    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("Empty for a national report."),
    )
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    # The parameters as one key: two requests for the same report while one is being
    # written find the same row (the constraint below).
    parameters_key = models.CharField(_("parameters"), max_length=64, editable=False)
    subscription = models.ForeignKey(
        "ReportSubscription",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("subscription"),
    )
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/%m/", blank=True)
    xlsx = models.FileField(_("workbook"), upload_to="reports/%Y/%m/", blank=True)
    page_count = models.PositiveIntegerField(_("pages"), default=0)

    class Meta:
        verbose_name = _("evaluation report")
        verbose_name_plural = _("evaluation reports")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["region", "-requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="report_period_in_order",
            ),
            models.UniqueConstraint(
                fields=["parameters_key"],
                condition=Q(status__in=PENDING),
                name="report_one_pending_per_parameters",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_name} {self.period_label}"

    @staticmethod
    def key_for(*, region_id: int | None, start: dt.date, end: dt.date, language: str) -> str:
        raw = f"{region_id or 'national'}|{start.isoformat()}|{end.isoformat()}|{language}"
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def national(self) -> bool:
        return self.region_id is None

    @property
    def scope_name(self) -> str:
        return self.region.name if self.region_id else str(_("All regions"))

    @property
    def period_label(self) -> str:
        return period_label(self.period_kind, self.period_start, self.period_end)

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.DONE and bool(self.pdf)


def period_label(kind: str, start: dt.date, end: dt.date) -> str:
    """ "1:a halvåret 2026", "2026", "mars 2026" or the dates."""
    if kind == PeriodKind.HALF_YEAR:
        half = 1 if start.month == 1 else 2
        return str(_("first half of %(year)s") if half == 1 else _("second half of %(year)s")) % {
            "year": start.year
        }
    if kind == PeriodKind.YEAR:
        return str(start.year)
    if kind == PeriodKind.MONTH:
        return formats.date_format(start, "F Y")
    return f"{formats.date_format(start, 'j M Y')}–{formats.date_format(end, 'j M Y')}"


class ReportSubscription(models.Model):
    """A coordinator's standing order for a region's report: the worker writes it after
    each month or half-year and e-mails a link to it (never the file)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
        verbose_name=_("person"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region")
    )
    frequency = models.CharField(_("how often"), max_length=12, choices=Frequency.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The end of the last period delivered, so a period is delivered once.
    last_period_end = models.DateField(_("last period delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        ordering = ["region__name", "frequency"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "region", "frequency"], name="report_subscription_once"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="report_subscription_frequency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.region} ({self.get_frequency_display()})"


class RegisterExport(QueuedWork):
    """One of the region's register sheets (``kind``: participants, cohorts, placements,
    support sessions, supervision cadence…) asked for by a coordinator and written by a
    worker as ``.xlsx``; with no region, every region's (asked for by an admin).
    It holds names: asking needs a fresh password and every download is audit-logged."""

    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("Empty for every region."),
    )
    # The key of a sheet the apps register (peersupport.reports.registers).
    kind = models.CharField(_("sheet"), max_length=40)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    file = models.FileField(_("file"), upload_to="registers/%Y/%m/", blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("register export")
        verbose_name_plural = _("register exports")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["region", "-requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="register_export_status_valid"
            ),
            # A second click while the first is being written finds the first.
            models.UniqueConstraint(
                fields=["region", "kind", "language", "requested_by"],
                condition=Q(status__in=PENDING),
                name="register_export_one_pending",
            ),
            # The same for every region's sheet (the constraint above sees no clash
            # between two empty regions).
            models.UniqueConstraint(
                fields=["kind", "language", "requested_by"],
                condition=Q(status__in=PENDING, region__isnull=True),
                name="register_export_one_pending_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_name} – {self.kind} ({self.requested_at:%Y-%m-%d %H:%M})"

    @property
    def national(self) -> bool:
        return self.region_id is None

    @property
    def scope_name(self) -> str:
        return self.region.name if self.region_id else str(_("All regions"))

    @property
    def title(self) -> str:
        from .registers import get_register_sheet

        sheet = get_register_sheet(self.kind)
        return str(sheet.title) if sheet else self.kind

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.DONE and bool(self.file)
