"""The region's register sheets as spreadsheets: a coordinator asks for one with a fresh
password (they hold names), a worker writes it, the page shows progress and then the
download, which is written to the audit log. Only the region's coordinators and admins;
an admin may also ask for the sheets that allow it for every region at once."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import register_actions as actions
from .register_permissions import (
    get_register_export_for_user_or_404,
    may_ask_for_national_registers,
    register_exports_visible_to,
    register_regions_for,
    registers_required,
)
from .registers import register_sheets
from .views import attachment

PAGE_SIZE = 50
# The region field's value for every region at once.
NATIONAL = "national"


class RegisterRequestForm(forms.Form):
    """Which sheet of which region, in which language."""

    region = forms.ChoiceField(label=gettext_lazy("Region"))
    kind = forms.ChoiceField(label=gettext_lazy("Sheet"))
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the sheet"), choices=settings.LANGUAGES
    )

    def __init__(self, *args, regions, national: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = {str(region.pk): region for region in regions}
        choices = [(pk, region.name) for pk, region in self.regions.items()]
        if national:
            choices.append((NATIONAL, _("All regions")))
        self.fields["region"].choices = choices
        self.fields["kind"].choices = [(sheet.key, sheet.title) for sheet in register_sheets()]

    def clean_region(self):
        """The region asked for, or ``None`` for every region."""
        value = self.cleaned_data["region"]
        return None if value == NATIONAL else self.regions[value]


@require_http_methods(["GET", "POST"])
@registers_required
def register_list(request):
    """The sheets the user may ask for, per region they coordinate, and the exports asked
    for before in those regions."""
    regions = list(register_regions_for(request.user))
    national = may_ask_for_national_registers(request.user)
    form = RegisterRequestForm(request.POST or None, regions=regions, national=national)
    if request.method == "POST" and form.is_valid():
        return _ask_for_register(request, form)
    language = "en" if get_language() == "en" else "sv"
    return render(
        request,
        "reports/register_list.html",
        {
            "form": form,
            "regions": regions,
            "sheets": register_sheets(),
            "national_sheets": [sheet for sheet in register_sheets() if sheet.national]
            if national
            else [],
            "language": language,
            "languages": settings.LANGUAGES,
            "exports": register_exports_visible_to(request.user)[:PAGE_SIZE],
        },
        status=400 if form.errors else 200,
    )


@reauthentication_required
def _ask_for_register(request, form):
    data = form.cleaned_data
    try:
        export = actions.request_register_export(
            actor=request.user,
            region=data["region"],
            kind=data["kind"],
            language=data["language"],
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:register_list")
    messages.success(request, _("The spreadsheet is being written."))
    return redirect("reports:register_detail", pk=export.pk)


@registers_required
def register_detail(request, pk: int):
    """Progress while the worker writes the sheet, then the download."""
    export = get_register_export_for_user_or_404(request.user, pk)
    return render(request, "reports/register_detail.html", {"export": export})


@never_cache
@registers_required
def register_status(request, pk: int):
    """The export's status for the page's progress script."""
    return JsonResponse(get_register_export_for_user_or_404(request.user, pk).progress())


@never_cache
@registers_required
def register_download(request, pk: int):
    """The spreadsheet; every download is written to the audit log."""
    export = get_register_export_for_user_or_404(request.user, pk)
    if not export.is_ready:
        raise Http404
    actions.record_register_download(actor=request.user, export=export, request=request)
    return attachment(export.file, actions.CONTENT_TYPE)
