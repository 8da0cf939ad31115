"""The go-live import: upload, preview, confirm."""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.accounts.models import Region, Role, User
from peersupport.accounts.scoping import has_role_in_region
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction

from .files import read_rows
from .models import PendingImport
from .registry import Importer, Outcome, RowResult, get_importer


def _require_coordinator(actor: User, region: Region | int) -> None:
    if not has_role_in_region(actor, region, [Role.COORDINATOR]):
        raise ValidationError(_("Only the region's coordinators may import into it."))


@transaction.atomic
def upload_import(
    *, actor: User, region: Region, importer: Importer, file_name: str, data: bytes
) -> PendingImport:
    """Keep the file's rows for the preview. The uploader's earlier pending imports, and
    anyone's past their lifetime, go now: a file is kept only until it is confirmed."""
    _require_coordinator(actor, region)
    rows = read_rows(importer, file_name, data)
    PendingImport.objects.filter(created_by=actor).delete()
    PendingImport.objects.filter(created_at__lte=timezone.now() - PendingImport.LIFETIME).delete()
    return PendingImport.objects.create(
        region=region, kind=importer.kind, file_name=file_name[:200], rows=rows, created_by=actor
    )


def preview_import(*, actor: User, pending: PendingImport) -> list[RowResult]:
    """Every row's outcome (new, updated, unchanged, or the error and its column), with
    nothing saved."""
    importer = get_importer(pending.kind)
    results = [
        # The header is the file's first row, so the first row of data is row 2.
        RowResult(number=number, values=values)
        for number, values in enumerate(pending.rows, start=2)
    ]
    importer.preview(actor, pending.region, results)
    return results


class ImportRefused(Exception):
    """Nothing was imported: at least one row has an error (``results`` say which)."""

    def __init__(self, results: list[RowResult]):
        super().__init__("The import has errors.")
        self.results = results


def confirm_import(*, actor: User, pending: PendingImport) -> Counter:
    """Import every row in one transaction, or none: a row the preview or an action refuses
    rolls the whole file back (``ImportRefused``). Returns the count per outcome."""
    _require_coordinator(actor, pending.region_id)
    importer = get_importer(pending.kind)
    try:
        with transaction.atomic():
            # Lock the pending row, so that a double-submitted confirmation imports once.
            pending = PendingImport.objects.select_for_update().get(pk=pending.pk)
            results = preview_import(actor=actor, pending=pending)
            if any(row.has_error for row in results):
                raise ImportRefused(results)
            for row in results:
                if row.outcome in (Outcome.NEW, Outcome.UPDATED):
                    try:
                        importer.apply(actor, pending.region, row)
                    except ValidationError as error:
                        # An importer may have put the refusal on its column already.
                        if not row.has_error:
                            row.add_error("", "; ".join(error.messages))
                        raise ImportRefused(results) from error
            counts = Counter(row.outcome for row in results)
            record_event(
                actor=actor,
                action=AuditAction.CREATE,
                obj=pending,
                detail={
                    "import": pending.kind,
                    "file": pending.file_name,
                    **{str(outcome): count for outcome, count in counts.items()},
                },
            )
            pending.delete()
    except PendingImport.DoesNotExist as error:
        raise ValidationError(_("This import has already been confirmed or cancelled.")) from error
    return counts


def cancel_import(*, actor: User, pending: PendingImport) -> None:
    pending.delete()


def forget_stale_imports(*, now=None) -> int:
    """Delete every pending import older than its lifetime: an upload left in the preview
    keeps people's names and contact details, so it is not kept until the next upload."""
    cutoff = (now or timezone.now()) - PendingImport.LIFETIME
    deleted, _by_model = PendingImport.objects.filter(created_at__lt=cutoff).delete()
    return deleted
