"""Research exports: asked for by a researcher, written by a worker, downloaded with an
audit entry. The files hold pseudonymised answers only (see ``evaluation.exports``)."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from peersupport.accounts.models import Region
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction

from .. import exports as writers
from ..models import ExportStatus, ResearchExport, Study
from ..permissions import export_region_ids

logger = logging.getLogger(__name__)

# The files of an export: the model's field, and the file's kind and suffix in its name.
FILES = {
    "long": ("long_csv", "long.csv"),
    "wide": ("wide_csv", "wide.csv"),
    "sav": ("spss", "wide.sav"),
    "codebook": ("codebook", "codebook.csv"),
}


@transaction.atomic
def request_export(*, actor, study: Study, request: HttpRequest | None = None) -> ResearchExport:
    """Ask for the study's export, limited to the regions the actor holds the researcher
    role in (all for an admin) that the study covers; a worker writes it after the commit."""
    regions = Region.objects.all()
    region_ids = export_region_ids(actor)
    if region_ids is not None:
        regions = regions.filter(pk__in=region_ids)
    if study.regions.exists():
        regions = regions.filter(pk__in=study.regions.values("pk"))
    region_list = list(regions)
    if not region_list:
        raise ValidationError(
            _("You hold the researcher role in none of the regions this study covers.")
        )
    export = ResearchExport.objects.create(study=study, requested_by=actor)
    export.regions.set(region_list)
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=export,
        request=request,
        detail={
            "research_export": "requested",
            "study": study.pk,
            "regions": sorted(region.code for region in region_list),
        },
    )
    if settings.EVALUATION_EXPORTS_QUEUE_ON_REQUEST:
        from ..export_tasks import produce_export_task

        # robust: a broker outage must not fail the request; beat's sweep writes it anyway.
        transaction.on_commit(lambda: produce_export_task.delay(export.pk), robust=True)
    return export


def _file_name(export: ResearchExport, suffix: str) -> str:
    # A random part: a stored file's name never lets anyone guess another's.
    stamp = timezone.localtime(export.requested_at).strftime("%Y%m%d")
    return f"forskningsexport-{export.study_id}-{stamp}-{get_random_string(12).lower()}-{suffix}"


def produce_export(*, export_id: int) -> ResearchExport | None:
    """Write the export's four files (run by the worker).

    The row shows ``running`` while the files are written, so the page can say so. A task
    delivered twice writes the files once: only a queued export (or one a worker died on,
    still running) is taken up again. The audit entry holds counts, never answers.
    """
    with transaction.atomic():
        export = (
            ResearchExport.objects.select_for_update()
            .filter(pk=export_id, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])
            .first()
        )
        if export is None:
            return None
        export.status = ExportStatus.RUNNING
        export.started_at = timezone.now()
        export.save(update_fields=["status", "started_at"])
    try:
        # Labels and notes in the files are Swedish, whoever asked and whatever the worker.
        with translation.override("sv"), tempfile.TemporaryDirectory() as folder:
            directory = Path(folder)
            layout = writers.build_layout(export.study)
            written = writers.write_data(export, layout, directory)
            writers.write_codebook(layout, directory / "codebook.csv")
            for field_name, suffix in FILES.values():
                with (directory / suffix).open("rb") as content:
                    getattr(export, field_name).save(
                        _file_name(export, suffix), File(content), save=False
                    )
    except Exception as error:
        logger.exception("Research export %s could not be written", export_id)
        ResearchExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        return None
    export.status = ExportStatus.DONE
    export.finished_at = timezone.now()
    export.respondent_count = written.respondents
    export.error = ""
    export.save(
        update_fields=[
            *(field_name for field_name, _suffix in FILES.values()),
            "status",
            "finished_at",
            "respondent_count",
            "error",
        ]
    )
    record_event(
        actor=None,
        action=AuditAction.UPDATE,
        obj=export,
        detail={
            "research_export": "written",
            "respondents": written.respondents,
            "rows": written.rows,
            "answers": written.answers,
        },
    )
    return export


# A task this old that has not started was lost by the broker.
LOST_AFTER = dt.timedelta(minutes=10)


def produce_waiting_exports(*, now: dt.datetime | None = None) -> int:
    """Write every export still queued long after it was asked for (run by beat).

    The row is the truth, not the broker: a task the broker lost is made up here, and one
    that arrives late finds the export written and does nothing."""
    cutoff = (now or timezone.now()) - LOST_AFTER
    waiting = ResearchExport.objects.filter(status=ExportStatus.QUEUED, requested_at__lt=cutoff)
    return sum(
        produce_export(export_id=pk) is not None
        for pk in waiting.order_by("requested_at").values_list("pk", flat=True)
    )


def record_export_download(
    *, actor, export: ResearchExport, kind: str, request: HttpRequest | None
) -> None:
    """Every download of an export's file goes to the audit log."""
    record_event(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=export,
        request=request,
        detail={"research_export": kind, "study": export.study_id},
    )
