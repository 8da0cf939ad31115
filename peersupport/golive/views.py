"""The go-live import pages: choose a kind and upload, preview every row, confirm."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peersupport.accounts.models import Role
from peersupport.accounts.permissions import role_required
from peersupport.accounts.scoping import regions_for

from . import actions
from .files import template_file
from .forms import UploadForm
from .permissions import get_pending_import_for_user_or_404
from .registry import Outcome, get_importer, importers

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@role_required(Role.COORDINATOR)
def import_upload(request):
    """Choose what the file holds and upload it; nothing is saved but the rows to preview."""
    regions = regions_for(request.user, Role.COORDINATOR)
    form = UploadForm(request.POST or None, request.FILES or None, regions=regions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                pending = actions.upload_import(
                    actor=request.user,
                    region=form.cleaned_data["region"],
                    importer=get_importer(form.cleaned_data["kind"]),
                    file_name=upload.name,
                    data=upload.read(),
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                return redirect("golive:import_preview", pk=pending.pk)
        status = 400
    return render(
        request,
        "golive/import_upload.html",
        {"form": form, "importers": importers()},
        status=status,
    )


def _preview_context(pending, results):
    counts = Counter(row.outcome for row in results)
    importer = get_importer(pending.kind)
    return {
        "pending": pending,
        "importer": importer,
        "columns": {c.key: c.label for c in importer.columns},
        "results": results,
        "counts": [(outcome, counts.get(outcome, 0)) for outcome in Outcome],
        "has_errors": counts.get(Outcome.ERROR, 0) > 0,
        "nothing_to_do": not (counts.get(Outcome.NEW) or counts.get(Outcome.UPDATED)),
    }


@role_required(Role.COORDINATOR)
def import_preview(request, pk: int):
    """What importing the file would do, row by row, before anything is saved."""
    pending = get_pending_import_for_user_or_404(request.user, pk)
    results = actions.preview_import(actor=request.user, pending=pending)
    return render(request, "golive/import_preview.html", _preview_context(pending, results))


@require_POST
@role_required(Role.COORDINATOR)
def import_confirm(request, pk: int):
    pending = get_pending_import_for_user_or_404(request.user, pk)
    try:
        counts = actions.confirm_import(actor=request.user, pending=pending)
    except actions.ImportRefused as refused:
        messages.error(request, _("Nothing was imported: correct the rows with errors."))
        return render(
            request,
            "golive/import_preview.html",
            _preview_context(pending, refused.results),
            status=400,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("golive:import_upload")
    messages.success(
        request,
        _("Imported: %(new)s new, %(updated)s updated, %(unchanged)s unchanged.")
        % {
            "new": counts.get(Outcome.NEW, 0),
            "updated": counts.get(Outcome.UPDATED, 0),
            "unchanged": counts.get(Outcome.UNCHANGED, 0),
        },
    )
    return redirect("golive:import_upload")


@require_POST
@role_required(Role.COORDINATOR)
def import_cancel(request, pk: int):
    pending = get_pending_import_for_user_or_404(request.user, pk)
    actions.cancel_import(actor=request.user, pending=pending)
    messages.info(request, _("The import was cancelled and the file deleted."))
    return redirect("golive:import_upload")


@role_required(Role.COORDINATOR)
def template_download(request, kind: str, file_format: str):
    """An empty file of the kind with its columns and an example row."""
    importer = get_importer(kind)
    if importer is None or file_format not in CONTENT_TYPES:
        raise Http404
    response = HttpResponse(
        template_file(importer, file_format), content_type=CONTENT_TYPES[file_format]
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}.{file_format}"'
    return response
