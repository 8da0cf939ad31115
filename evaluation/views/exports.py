"""Research exports: a researcher asks for a study's pseudonymised data with a fresh
password, a worker writes it, the page shows progress and then the files; every download
is written to the audit log. Coordinators see results pages only."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..actions import exports as actions
from ..permissions import (
    export_required,
    exports_visible_to,
    get_export_for_user_or_404,
    get_study_for_user_or_404,
)

CONTENT_TYPES = {
    "long": "text/csv; charset=utf-8",
    "wide": "text/csv; charset=utf-8",
    "sav": "application/x-spss-sav",
    "codebook": "text/csv; charset=utf-8",
}


@require_http_methods(["GET", "POST"])
@export_required
def study_exports(request, pk: int):
    """The user's exports of the study, and asking for a new one."""
    study = get_study_for_user_or_404(request.user, pk)
    if request.method == "POST":
        return _ask_for_export(request, study)
    exports = exports_visible_to(request.user).filter(study=study).select_related("requested_by")
    return render(request, "evaluation/export_list.html", {"study": study, "exports": exports})


@reauthentication_required
def _ask_for_export(request, study):
    try:
        export = actions.request_export(actor=request.user, study=study, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("evaluation:study_exports", pk=study.pk)
    messages.success(request, _("The export is being written."))
    return redirect("evaluation:export_detail", pk=export.pk)


@export_required
def export_detail(request, pk: int):
    """Progress while the worker writes the export, then the four files."""
    export = get_export_for_user_or_404(request.user, pk)
    return render(
        request,
        "evaluation/export_detail.html",
        {"export": export, "regions": export.regions.order_by("name")},
    )


@never_cache
@export_required
def export_status(request, pk: int):
    """The export's status for the page's progress script."""
    export = get_export_for_user_or_404(request.user, pk)
    return JsonResponse(
        {"status": export.status, "label": export.get_status_display(), "ready": export.is_ready}
    )


@never_cache
@export_required
def export_download(request, pk: int, kind: str):
    """One of the export's files; every download is written to the audit log."""
    export = get_export_for_user_or_404(request.user, pk)
    if kind not in actions.FILES or not export.is_ready:
        raise Http404
    field_name, _suffix = actions.FILES[kind]
    stored = getattr(export, field_name)
    if not stored:
        raise Http404
    actions.record_export_download(actor=request.user, export=export, kind=kind, request=request)
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=stored.name.rsplit("/", 1)[-1],
        content_type=CONTENT_TYPES[kind],
    )


urlpatterns = [
    path("studies/<int:pk>/exports/", study_exports, name="study_exports"),
    path("exports/<int:pk>/", export_detail, name="export_detail"),
    path("exports/<int:pk>/status/", export_status, name="export_status"),
    path("exports/<int:pk>/<str:kind>/", export_download, name="export_download"),
]
