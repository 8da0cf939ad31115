"""Register extracts and erasure: every state change of this app."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.encoding import force_str
from django.utils.text import slugify

from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.dataprotection.registry import DataSubject, ErasureRule, registry

from .content import collect_content
from .documents import render_extract_pdf
from .models import Extract, ExtractStatus

logger = logging.getLogger(__name__)


@transaction.atomic
def request_extract(
    *,
    actor,
    subject: DataSubject,
    language: str,
    region_id: int | None,
    own: bool,
    request: HttpRequest | None = None,
) -> Extract:
    """Ask for a register extract of ``subject``; a worker writes it after the commit."""
    extract = Extract.objects.create(
        subject_kind=subject.kind,
        subject_id=subject.pk,
        subject_name=subject.name[:150],
        subject_user_id=subject.user_id,
        region_id=region_id,
        own_request=own,
        language=language,
        requested_by=actor,
    )
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=extract,
        request=request,
        detail={"register_extract": "requested", "language": language},
    )
    if settings.EXTRACTS_QUEUE_ON_REQUEST:
        from .tasks import produce_extract_task

        transaction.on_commit(lambda: produce_extract_task.delay(extract.pk))
    return extract


def _file_name(extract: Extract, suffix: str) -> str:
    # A random part: a stored file's name never lets anyone guess another's.
    name = slugify(extract.subject_name) or "person"
    return f"registerutdrag-{name}-{get_random_string(12).lower()}.{suffix}"


def produce_extract(*, extract_id: int) -> Extract | None:
    """Write the extract's PDF and JSON (run by the worker).

    The row shows ``running`` while the files are written, so the page can say so. A task
    delivered twice writes the files once: only a queued extract (or one a worker died
    on, still running) is taken up again.
    """
    with transaction.atomic():
        extract = (
            Extract.objects.select_for_update()
            .filter(pk=extract_id, status__in=[ExtractStatus.QUEUED, ExtractStatus.RUNNING])
            .first()
        )
        if extract is None:
            return None
        extract.status = ExtractStatus.RUNNING
        extract.started_at = timezone.now()
        extract.save(update_fields=["status", "started_at"])
    try:
        content = collect_content(
            extract.data_subject(), language=extract.language, own=extract.own_request
        )
        pdf = render_extract_pdf(content)
        document = json.dumps(content.as_json(), ensure_ascii=False, indent=2).encode()
    except Exception:
        logger.exception("Register extract %s could not be written", extract_id)
        Extract.objects.filter(pk=extract_id).update(
            status=ExtractStatus.FAILED, finished_at=timezone.now()
        )
        return None
    extract.pdf.save(_file_name(extract, "pdf"), ContentFile(pdf), save=False)
    extract.json.save(_file_name(extract, "json"), ContentFile(document), save=False)
    extract.status = ExtractStatus.DONE
    extract.finished_at = timezone.now()
    extract.record_count = content.record_count
    extract.save(update_fields=["pdf", "json", "status", "finished_at", "record_count"])
    return extract


# A task this old that has not started was lost by the broker.
LOST_AFTER = dt.timedelta(minutes=10)


def produce_waiting_extracts(*, now: dt.datetime | None = None) -> int:
    """Write every extract still queued long after it was asked for (run by beat).

    The row is the truth, not the broker: a task the broker lost is made up here, and one
    that arrives late finds the extract written and does nothing."""
    cutoff = (now or timezone.now()) - LOST_AFTER
    waiting = Extract.objects.filter(status=ExtractStatus.QUEUED, requested_at__lt=cutoff)
    return sum(
        produce_extract(extract_id=pk) is not None
        for pk in waiting.order_by("requested_at").values_list("pk", flat=True)
    )


def record_download(*, actor, extract: Extract, kind: str, request: HttpRequest) -> None:
    """Every download of an extract goes to the audit log, under the person it is about."""
    record_event(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=extract,
        request=request,
        detail={"register_extract": kind},
    )


# --- Erasure ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    part: str
    reason: str


def erasure_rules() -> list[ErasureRule]:
    return sorted(registry.erasure_rules.values(), key=lambda rule: (rule.order, rule.key))


def erasure_refusals(subject: DataSubject) -> list[Refusal]:
    """Every duty to keep that stands in the way of erasing ``subject`` now."""
    return [
        Refusal(part=force_str(rule.title), reason=force_str(reason))
        for rule in erasure_rules()
        for reason in rule.refusals(subject)
    ]


@transaction.atomic
def erase_person(
    *, actor, subject: DataSubject, request: HttpRequest | None = None
) -> dict[str, int]:
    """Remove what may be removed about ``subject``, keeping every aggregate figure.

    Refused, with the reasons, while any duty to keep applies. Each registered part
    deletes or anonymises its own records; the audit log keeps the counts, never content.
    """
    refusals = erasure_refusals(subject)
    if refusals:
        raise ValidationError([f"{refusal.part}: {refusal.reason}" for refusal in refusals])
    counts = {rule.key: rule.erase(subject, actor) for rule in erasure_rules()}
    record_event(
        actor=actor,
        action=AuditAction.ERASE,
        subject=subject,
        request=request,
        detail={"kind": subject.kind, "id": subject.pk, "counts": counts},
    )
    return counts


def erase_extracts(subject: DataSubject, actor) -> int:
    """The person's register extracts hold everything about them: their files go too
    (the rows stay, so the audit trail of who asked still points somewhere)."""
    extracts = Extract.objects.of_subject(subject)
    forget_files(extracts)
    return extracts.update(subject_name="", subject_user=None)


def extract_files_due(cutoff, region_ids=None) -> QuerySet[Extract]:
    """Extracts asked for before ``cutoff`` that still have files, in every region (an
    extract of a person without a region, staff, belongs to none)."""
    return Extract.objects.filter(requested_at__lt=cutoff).exclude(pdf="", json="")


def forget_files(extracts: QuerySet[Extract]) -> int:
    """Remove the PDF and JSON of ``extracts``; returns how many extracts lost files.

    The files are deleted once the transaction commits: a refused or failed erasure or
    thinning keeps them."""
    rows = list(extracts.exclude(pdf="", json="").values_list("pk", "pdf", "json"))
    names = [name for _pk, pdf, document in rows for name in (pdf, document) if name]
    Extract.objects.filter(pk__in=[pk for pk, _pdf, _json in rows]).update(pdf="", json="")
    transaction.on_commit(partial(_delete_files, names))
    return len(rows)


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
