"""Register sheets: asked for by a coordinator in a request that returns at once, written
by a worker as ``.xlsx``, downloaded with an entry in the audit log. The row is the truth,
not the broker: a task delivered twice writes one file, and beat's sweep writes the
exports whose task was lost.

The worker writes the sheet row by row into a temporary file and stores that file, so its
memory stays flat whatever the number of rows. An admin may ask for a sheet that allows it
for every region at once (``region`` empty): the support sessions of the whole country."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from peersupport.accounts.models import Region
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction

from .actions import LOST_AFTER
from .models import PENDING, RegisterExport, ReportStatus
from .register_permissions import may_ask_for_national_registers, register_regions_for
from .registers import get_register_sheet, write_workbook

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A worker writing one sheet this long has died: the national support-session sheet
# (250,000 rows) takes well under a minute.
STALLED_AFTER = dt.timedelta(minutes=30)
# The region code a national export's audit entries and file name carry.
NATIONAL = "national"


def _claimable(now: dt.datetime) -> Q:
    """Queued, or left running by a worker that died (never one still being written)."""
    return Q(status=ReportStatus.QUEUED) | Q(
        status=ReportStatus.RUNNING, started_at__lt=now - STALLED_AFTER
    )


def request_register_export(
    *, actor, region: Region | None, kind: str, language: str, request: HttpRequest | None = None
) -> RegisterExport:
    """Ask for one of the region's register sheets (``region=None``: every region's, for
    an admin and a sheet that allows it); a worker writes it after the commit.

    Asked for again by the same person while it is being written, it is that export."""
    sheet = get_register_sheet(kind)
    if sheet is None:
        raise ValidationError(_("There is no such register sheet."))
    if region is None:
        if not may_ask_for_national_registers(actor):
            raise ValidationError(_("Only an administrator can export every region's registers."))
        if not sheet.national:
            raise ValidationError(_("This register sheet is written for one region at a time."))
    elif not register_regions_for(actor).filter(pk=region.pk).exists():
        raise ValidationError(_("You can export only the registers of your own regions."))
    fields = {"region": region, "kind": kind, "language": language, "requested_by": actor}
    pending = RegisterExport.objects.filter(**fields, status__in=PENDING).first()
    if pending is not None:
        return pending
    try:
        with transaction.atomic():
            export = RegisterExport.objects.create(**fields)
    except IntegrityError:
        # Another request made it between our look and our insert.
        return RegisterExport.objects.get(**fields, status__in=PENDING)
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=export,
        request=request,
        detail={"register": kind, "region": _region_code(region), "requested": True},
    )
    if settings.REPORTS_QUEUE_ON_REQUEST:
        from .register_tasks import produce_register_export_task

        # robust: a broker outage must not fail the request; beat's sweep writes it anyway.
        transaction.on_commit(lambda: produce_register_export_task.delay(export.pk), robust=True)
    return export


def produce_register_export(*, export_id: int) -> RegisterExport | None:
    """Write the export's spreadsheet (run by the worker).

    Only a queued export (or one a worker died on long ago) is taken up, under a row lock:
    a task delivered twice writes one file. The sheet is built as the person who
    asked, in the language they asked for, and written row by row into a temporary
    file that is then stored."""
    from django.utils import translation

    with transaction.atomic():
        export = (
            RegisterExport.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("region", "requested_by")
            .filter(_claimable(timezone.now()), pk=export_id)
            .first()
        )
        if export is None:
            return None
        export.status = ReportStatus.RUNNING
        export.started_at = timezone.now()
        export.save(update_fields=["status", "started_at"])
    try:
        sheet = get_register_sheet(export.kind)
        if sheet is None:
            raise LookupError(f"no register sheet {export.kind!r}")
        with translation.override(export.language), tempfile.TemporaryFile() as spool:
            content = sheet.build(export.region, export.requested_by)
            row_count = write_workbook(spool, sheet.title, content)
            spool.seek(0)
            export.file.save(f"{_file_stem(export)}.xlsx", File(spool), save=False)
    except Exception as error:
        logger.exception("Register export %s could not be written", export_id)
        RegisterExport.objects.filter(pk=export_id).update(
            status=ReportStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        return None
    export.status = ReportStatus.DONE
    export.finished_at = timezone.now()
    export.row_count = row_count
    export.error = ""
    export.save(update_fields=["file", "status", "finished_at", "row_count", "error"])
    return export


def _file_stem(export: RegisterExport) -> str:
    # A random part: a stored file's name never lets anyone guess another's.
    day = timezone.localdate(export.requested_at)
    return f"register-{export.kind}-{_region_code(export.region).lower()}-{day:%Y%m%d}-" + (
        get_random_string(12).lower()
    )


def produce_waiting_register_exports(*, now: dt.datetime | None = None) -> int:
    """Write every export still queued long after it was asked for, or left running by a
    worker that died (run by beat)."""
    now = now or timezone.now()
    waiting = RegisterExport.objects.filter(
        Q(status=ReportStatus.QUEUED, requested_at__lt=now - LOST_AFTER)
        | Q(status=ReportStatus.RUNNING, started_at__lt=now - STALLED_AFTER)
    )
    return sum(
        produce_register_export(export_id=pk) is not None
        for pk in waiting.order_by("requested_at").values_list("pk", flat=True)
    )


def record_register_download(*, actor, export: RegisterExport, request: HttpRequest | None) -> None:
    """Every download of a register sheet goes to the audit log."""
    record_event(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=export,
        request=request,
        detail={
            "register": export.kind,
            "region": _region_code(export.region),
            "rows": export.row_count,
        },
    )


def _region_code(region: Region | None) -> str:
    return region.code if region is not None else NATIONAL
