"""Demo evaluation reports: every state a region's reports reach. Stockholm's coordinator
has the last half-year's report, written (PDF and workbook), a monthly one that failed and
one in English that waits for a worker because the broker lost its task; the Stockholm
researcher has the national report of the same half-year; and the coordinator subscribes
to the half-yearly report. Written at once, so the demo needs no worker."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from peersupport.accounts.demo import ROLE_PEOPLE, demo_email
from peersupport.accounts.models import Region, Role, User

from .actions import LOST_AFTER, last_complete_period, produce_report, request_report, subscribe
from .models import Frequency, Report, ReportStatus, ReportSubscription

# What a worker that dies while writing leaves in the row (``produce_report`` writes the
# exception the same way).
FAILED_ERROR = "WorkerLostError: the worker stopped while it wrote the report"


def _person(region_code: str, role: str) -> User:
    return User.objects.get(email=demo_email(ROLE_PEOPLE[region_code][role][0]))


def seed() -> None:
    stockholm = Region.objects.get(code="stockholm")
    coordinator = _person("stockholm", Role.COORDINATOR)
    researcher = _person("stockholm", Role.RESEARCHER)
    today = timezone.localdate()
    kind, start, end = last_complete_period(Frequency.HALF_YEARLY, today)
    reports = Report.objects.all()
    if not reports.filter(region=stockholm, status=ReportStatus.DONE).exists():
        _written(coordinator, stockholm, kind, start, end, coordinator.language)
    if not reports.filter(region=None, status=ReportStatus.DONE).exists():
        _written(researcher, None, kind, start, end, researcher.language)
    if not reports.filter(status=ReportStatus.FAILED).exists():
        _failed(coordinator, stockholm, today)
    if not reports.filter(status=ReportStatus.QUEUED).exists():
        _lost(coordinator, stockholm, kind, start, end)
    if not ReportSubscription.objects.filter(user=coordinator).exists():
        subscribe(
            actor=coordinator,
            region=stockholm,
            frequency=Frequency.HALF_YEARLY,
            language=coordinator.language,
        )


def _written(actor: User, region: Region | None, kind, start, end, language) -> None:
    report = request_report(
        actor=actor, region=region, period_kind=kind, start=start, end=end, language=language
    )
    produce_report(report_id=report.pk)


def _failed(coordinator: User, region: Region, today: dt.date) -> None:
    """Last month's report, which a worker died on."""
    kind, start, end = last_complete_period(Frequency.MONTHLY, today)
    report = request_report(
        actor=coordinator,
        region=region,
        period_kind=kind,
        start=start,
        end=end,
        language=coordinator.language,
    )
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.FAILED, started_at=now, finished_at=now, error=FAILED_ERROR
    )


def _lost(coordinator: User, region: Region, kind, start, end) -> None:
    """The half-year's report in English, asked for an hour ago; the broker lost its task,
    so it waits for beat's sweep (``produce_waiting_reports``). Made without the action,
    which would queue a task."""
    language = "en" if coordinator.language != "en" else "sv"
    Report.objects.create(
        region=region,
        period_kind=kind,
        period_start=start,
        period_end=end,
        language=language,
        parameters_key=Report.key_for(region_id=region.pk, start=start, end=end, language=language),
        requested_by=coordinator,
        requested_at=timezone.now() - LOST_AFTER - dt.timedelta(minutes=50),
    )
