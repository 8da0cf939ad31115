"""Evaluation reports: asked for in a request that returns at once, written by a worker,
downloaded with an entry in the audit log. Standing orders (subscriptions) are written
after each period and announced by e-mail with a link."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from peersupport.accounts.models import Region
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction

from .models import PENDING, Frequency, PeriodKind, Report, ReportStatus, ReportSubscription
from .registry import ReportScope, build_sections

logger = logging.getLogger(__name__)

# The files of a report: the model's field, the suffix of the stored name, the content type.
FILES = {
    "pdf": ("pdf", "pdf", "application/pdf"),
    "xlsx": (
        "xlsx",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}
# A task this old that has not started was lost by the broker.
LOST_AFTER = dt.timedelta(minutes=10)
# A worker writing one report this long has died: the longest national report takes
# minutes, and the broker redelivers an unacknowledged task after its visibility timeout
# (an hour), which must find the report claimable.
STALLED_AFTER = dt.timedelta(minutes=45)
# Requests racing for the same new report: the loser looks again and finds the winner's.
INSERT_ATTEMPTS = 3


def request_report(
    *,
    actor,
    region: Region | None,
    period_kind: str,
    start: dt.date,
    end: dt.date,
    language: str,
    subscription: ReportSubscription | None = None,
    request: HttpRequest | None = None,
) -> Report:
    """Ask for a report (``region`` None: national); a worker writes it after the commit.

    The same report asked for again while it is being written is that report: one file,
    not two. Two requests racing each other meet at a unique constraint on the pending
    report's parameters; the one that loses returns the winner's report."""
    if start > end:
        raise ValidationError(_("The period must end on or after the day it starts."))
    key = Report.key_for(
        region_id=region.pk if region else None, start=start, end=end, language=language
    )
    for _attempt in range(INSERT_ATTEMPTS):
        pending = Report.objects.filter(parameters_key=key, status__in=PENDING).first()
        if pending is not None:
            return pending
        try:
            with transaction.atomic():
                return _create_report(
                    actor=actor,
                    region=region,
                    period_kind=period_kind,
                    start=start,
                    end=end,
                    language=language,
                    key=key,
                    subscription=subscription,
                    request=request,
                )
        except IntegrityError:
            # Another request inserted the same pending report between our look and our
            # insert: look again, and it is the one returned.
            continue
    raise RuntimeError(f"No pending report for {key} after {INSERT_ATTEMPTS} attempts")


def _create_report(
    *, actor, region, period_kind, start, end, language, key, subscription, request
) -> Report:
    report = Report.objects.create(
        region=region,
        period_kind=period_kind,
        period_start=start,
        period_end=end,
        language=language,
        parameters_key=key,
        requested_by=actor,
        subscription=subscription,
    )
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=report,
        request=request,
        detail={
            "report": "requested",
            "region": region.code if region else "national",
            "from": start.isoformat(),
            "to": end.isoformat(),
        },
    )
    if settings.REPORTS_QUEUE_ON_REQUEST:
        from .tasks import produce_report_task

        # robust: a broker outage must not fail the request; beat's sweep writes it anyway.
        transaction.on_commit(lambda: produce_report_task.delay(report.pk), robust=True)
    return report


def regenerate_report(*, actor, report: Report, request: HttpRequest | None = None) -> Report:
    """The same report again, from today's data."""
    return request_report(
        actor=actor,
        region=report.region,
        period_kind=report.period_kind,
        start=report.period_start,
        end=report.period_end,
        language=report.language,
        request=request,
    )


def scope_of(report: Report) -> ReportScope:
    regions = (report.region,) if report.region_id else tuple(Region.objects.order_by("name"))
    return ReportScope(
        regions=regions,
        start=report.period_start,
        end=report.period_end,
        national=report.region_id is None,
    )


def _claimable(now: dt.datetime) -> Q:
    """A report a worker may take up: queued, or running on a worker that has died."""
    return Q(status=ReportStatus.QUEUED) | Q(
        status=ReportStatus.RUNNING, started_at__lt=now - STALLED_AFTER
    )


def produce_report(*, report_id: int) -> Report | None:
    """Write the report's PDF and workbook (run by the worker); returns the report, or
    None when there was nothing to do here.

    A worker claims the report under a row lock (``skip_locked``: a second worker does not
    wait for the first, it leaves) and marks it running; while it runs no one else takes
    it up, so a task delivered twice, or run twice at once, writes the files once. Only a
    worker that has been silent for ``STALLED_AFTER`` is taken to have died, and its
    report is taken up again; a stalled worker that comes back finds it is no longer its
    report and leaves its files unwritten."""
    from django.utils import translation

    from .documents import render_report
    from .notifications import announce_report

    with transaction.atomic():
        report = (
            Report.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("region")
            .filter(_claimable(timezone.now()), pk=report_id)
            .first()
        )
        if report is None:
            return None
        report.status = ReportStatus.RUNNING
        report.started_at = timezone.now()
        report.save(update_fields=["status", "started_at"])
    still_ours = Q(pk=report_id, status=ReportStatus.RUNNING, started_at=report.started_at)
    try:
        with translation.override(report.language):
            built = build_sections(scope_of(report))
        rendered = render_report(report, built)
    except Exception as error:
        logger.exception("Report %s could not be written", report_id)
        Report.objects.filter(still_ours).update(
            status=ReportStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        return None
    with transaction.atomic():
        if not Report.objects.select_for_update().filter(still_ours).exists():
            logger.warning("Report %s was taken over by another worker", report_id)
            return None
        stem = _file_stem(report)
        report.pdf.save(f"{stem}.pdf", ContentFile(rendered.pdf), save=False)
        report.xlsx.save(f"{stem}.xlsx", ContentFile(rendered.xlsx), save=False)
        report.status = ReportStatus.DONE
        report.finished_at = timezone.now()
        report.page_count = rendered.page_count
        report.error = ""
        report.save(update_fields=["pdf", "xlsx", "status", "finished_at", "page_count", "error"])
        announce_report(report)
    return report


def _file_stem(report: Report) -> str:
    # A random part: a stored file's name never lets anyone guess another's.
    scope = report.region.code.lower() if report.region_id else "nationell"
    period = f"{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}"
    return f"utvarderingsrapport-{scope}-{period}-{get_random_string(12).lower()}"


def produce_waiting_reports(*, now: dt.datetime | None = None) -> int:
    """Write every report still queued long after it was asked for, or left running by a
    worker that died (run by beat): the row is the truth, not the broker."""
    now = now or timezone.now()
    waiting = Report.objects.filter(_claimable(now)).exclude(
        status=ReportStatus.QUEUED, requested_at__gte=now - LOST_AFTER
    )
    return sum(
        produce_report(report_id=pk) is not None
        for pk in waiting.order_by("requested_at").values_list("pk", flat=True)
    )


def record_report_download(
    *, actor, report: Report, kind: str, request: HttpRequest | None
) -> None:
    """Every download of a report's file goes to the audit log."""
    record_event(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=report,
        request=request,
        detail={
            "report": kind,
            "region": report.region.code if report.region_id else "national",
            "from": report.period_start.isoformat(),
            "to": report.period_end.isoformat(),
        },
    )


# Periods ------------------------------------------------------------------------------


def half_year(year: int, half: int) -> tuple[dt.date, dt.date]:
    if half == 1:
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    return dt.date(year, 7, 1), dt.date(year, 12, 31)


def month_period(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def frequency_of(start: dt.date, end: dt.date) -> str | None:
    """Which standing order delivers a report of these dates: a whole calendar month is
    monthly, a whole half-year half-yearly, anything else neither."""
    if (start, end) == month_period(start.year, start.month):
        return Frequency.MONTHLY
    if (start, end) in (half_year(start.year, 1), half_year(start.year, 2)):
        return Frequency.HALF_YEARLY
    return None


def last_complete_period(frequency: str, today: dt.date) -> tuple[str, dt.date, dt.date]:
    """The most recent month or half-year that has ended by ``today``."""
    if frequency == Frequency.MONTHLY:
        last_day = today.replace(day=1) - dt.timedelta(days=1)
        return (PeriodKind.MONTH, *month_period(last_day.year, last_day.month))
    if today.month >= 7:
        return (PeriodKind.HALF_YEAR, *half_year(today.year, 1))
    return (PeriodKind.HALF_YEAR, *half_year(today.year - 1, 2))


# Subscriptions ------------------------------------------------------------------------


@transaction.atomic
def subscribe(
    *,
    actor,
    region: Region,
    frequency: str,
    language: str,
    request: HttpRequest | None = None,
) -> ReportSubscription:
    """A standing order for the region's report; asking twice changes only the language.

    The first report comes after the next period ends, not for one already past."""
    from peersupport.accounts.scoping import coordinated_region_ids

    if region.pk not in coordinated_region_ids(actor):
        raise ValidationError(_("You can subscribe only to the reports of your own regions."))
    today = timezone.localdate()
    _kind, _start, last_end = last_complete_period(frequency, today)
    subscription, created = ReportSubscription.objects.get_or_create(
        user=actor,
        region=region,
        frequency=frequency,
        defaults={"language": language, "last_period_end": last_end},
    )
    if not created and subscription.language != language:
        subscription.language = language
        subscription.save(update_fields=["language"])
    record_event(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=subscription,
        request=request,
        detail={"report_subscription": frequency, "region": region.code},
    )
    return subscription


@transaction.atomic
def unsubscribe(
    *, actor, subscription: ReportSubscription, request: HttpRequest | None = None
) -> None:
    """End a standing order; the reports it brought stay."""
    record_event(
        actor=actor,
        action=AuditAction.DELETE,
        obj=subscription,
        request=request,
        detail={"report_subscription": subscription.frequency, "region": subscription.region.code},
    )
    subscription.delete()


def deliver_subscriptions(*, today: dt.date | None = None) -> int:
    """Ask for the report of every subscription whose period has ended since it was last
    delivered (run by beat each morning); each period once, however often this runs. A
    coordinator who has lost the region's role gets nothing. Several subscribers of one
    report (or a report already being written for someone else) share one report, and
    each is told when it is ready (``notifications.announce_report``). Returns the number
    of subscriptions served."""
    from peersupport.accounts.scoping import coordinated_region_ids

    today = today or timezone.localdate()
    asked = 0
    subscriptions = ReportSubscription.objects.select_related("user", "region")
    for subscription in subscriptions:
        kind, start, end = last_complete_period(subscription.frequency, today)
        if subscription.last_period_end and subscription.last_period_end >= end:
            continue
        if not subscription.user.is_active or subscription.region_id not in (
            coordinated_region_ids(subscription.user)
        ):
            continue
        with transaction.atomic():
            locked = ReportSubscription.objects.select_for_update().get(pk=subscription.pk)
            if locked.last_period_end and locked.last_period_end >= end:
                continue
            request_report(
                actor=subscription.user,
                region=subscription.region,
                period_kind=kind,
                start=start,
                end=end,
                language=subscription.language,
                subscription=locked,
            )
            locked.last_period_end = end
            locked.save(update_fields=["last_period_end"])
        asked += 1
    return asked
