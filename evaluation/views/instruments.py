"""Instruments: researchers and admins import and export them; coordinators may read them."""

from __future__ import annotations

import json
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from ..actions.instruments import InstrumentUnchanged, export_instrument, import_instrument
from ..instrument_forms import InstrumentImportForm
from ..models import InstrumentVersion, Item
from ..permissions import (
    can_manage_evaluation,
    get_instrument_for_user_or_404,
    get_instrument_version_for_user_or_404,
    instruments_visible_to,
    may_see_results,
)
from ..schema import InstrumentFileError


def _readers_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_see_results(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _managers_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_manage_evaluation(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@_readers_only
def instrument_list(request):
    instruments = instruments_visible_to(request.user).annotate(
        latest_version=Max("versions__version"), version_count=Count("versions")
    )
    return render(
        request,
        "evaluation/instrument_list.html",
        {"instruments": instruments, "can_manage": can_manage_evaluation(request.user)},
    )


def _content(version: InstrumentVersion) -> dict:
    """What a version page shows: scales, scoring rules and items (four queries)."""
    items = list(
        Item.objects.filter(version=version)
        .select_related("scale", "subscale")
        .order_by("position")
    )
    subscales = list(version.subscales.order_by("position", "pk"))
    item_counts: dict[int, int] = {}
    for item in items:
        if item.subscale_id:
            item_counts[item.subscale_id] = item_counts.get(item.subscale_id, 0) + 1
    for subscale in subscales:
        subscale.item_count = item_counts.get(subscale.pk, 0)
    return {
        "version": version,
        "scales": list(version.scales.order_by("pk")),
        "subscales": subscales,
        "items": items,
        "scale_item_count": sum(1 for item in items if item.scale_id),
    }


@_readers_only
def instrument_detail(request, pk: int):
    instrument = get_instrument_for_user_or_404(request.user, pk)
    versions = list(instrument.versions.defer("definition").order_by("-version"))
    context = {
        "instrument": instrument,
        "versions": versions,
        "can_manage": can_manage_evaluation(request.user),
    }
    if versions:
        context.update(_content(versions[0]))
    return render(request, "evaluation/instrument_detail.html", context)


@_readers_only
def instrument_version_detail(request, pk: int):
    version = get_instrument_version_for_user_or_404(request.user, pk)
    versions = list(version.instrument.versions.defer("definition").order_by("-version"))
    return render(
        request,
        "evaluation/instrument_version_detail.html",
        {
            "instrument": version.instrument,
            "versions": versions,
            "can_manage": can_manage_evaluation(request.user),
            **_content(version),
        },
    )


@_managers_only
def instrument_import(request):
    form = InstrumentImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = import_instrument(actor=request.user, text=form.cleaned_data["file"].read())
        except InstrumentFileError as error:
            form.add_error("file", error.lines())
        except InstrumentUnchanged as unchanged:
            form.add_error("file", unchanged)
        else:
            messages.success(
                request,
                _("“%(name)s” was imported as version %(version)s.")
                % {"name": version.instrument.name, "version": version.version},
            )
            return redirect("evaluation:instrument_detail", pk=version.instrument_id)
    return render(request, "evaluation/instrument_import.html", {"form": form})


@_managers_only
def instrument_export(request, pk: int):
    version = get_instrument_version_for_user_or_404(request.user, pk)
    document = export_instrument(version)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
    )
    filename = f"{version.instrument.key}-v{version.version}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns = [
    path("instruments/", instrument_list, name="instrument_list"),
    path("instruments/import/", instrument_import, name="instrument_import"),
    path("instruments/<int:pk>/", instrument_detail, name="instrument_detail"),
    path(
        "instruments/versions/<int:pk>/",
        instrument_version_detail,
        name="instrument_version_detail",
    ),
    path(
        "instruments/versions/<int:pk>/export/",
        instrument_export,
        name="instrument_export",
    ),
]
