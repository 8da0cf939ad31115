"""Register extracts and erasure: asked for by a coordinator about a person of their
region, or by a person about themselves; written by a worker, downloaded with an audit
entry. Asking for an extract and erasing need a fresh password (re-authentication)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from peersupport.accounts.models import Role
from peersupport.accounts.permissions import role_required

from . import actions
from .forms import EraseForm, ExtractRequestForm
from .permissions import (
    extracts_visible_to,
    get_extract_for_user_or_404,
    get_subject_for_user_or_404,
    own_subject,
)

DOWNLOADS = {"pdf": ("pdf", "application/pdf"), "json": ("json", "application/json")}


@role_required(Role.COORDINATOR)
def person_extracts(request, kind: str, pk: int):
    """A person's register extracts, and asking for a new one."""
    subject, region_id = get_subject_for_user_or_404(request.user, kind, pk)
    initial_language = "en" if request.LANGUAGE_CODE == "en" else "sv"
    form = ExtractRequestForm(request.POST or None, initial={"language": initial_language})
    if request.method == "POST" and form.is_valid():
        return _ask_for_extract(request, subject, region_id, form.cleaned_data["language"])
    extracts = extracts_visible_to(request.user).of_subject(subject).select_related("requested_by")
    refusals = actions.erasure_refusals(subject)
    return render(
        request,
        "extracts/person_extracts.html",
        {"subject": subject, "form": form, "extracts": extracts, "refusals": refusals},
    )


@reauthentication_required
def _ask_for_extract(request, subject, region_id, language):
    extract = actions.request_extract(
        actor=request.user,
        subject=subject,
        language=language,
        region_id=region_id,
        own=False,
        request=request,
    )
    messages.success(request, _("The register extract is being written."))
    return redirect("extracts:extract_detail", pk=extract.pk)


def own_extracts(request):
    """A person asks for the extract of everything stored about themselves."""
    subject = own_subject(request.user)
    form = ExtractRequestForm(
        request.POST or None, initial={"language": request.user.language or "sv"}
    )
    if request.method == "POST" and form.is_valid():
        return _ask_for_own_extract(request, subject, form.cleaned_data["language"])
    extracts = (
        extracts_visible_to(request.user)
        .filter(own_request=True, subject_user=request.user)
        .select_related("requested_by")
    )
    return render(request, "extracts/own_extracts.html", {"form": form, "extracts": extracts})


@reauthentication_required
def _ask_for_own_extract(request, subject, language):
    extract = actions.request_extract(
        actor=request.user,
        subject=subject,
        language=language,
        region_id=subject.region_id,
        own=True,
        request=request,
    )
    messages.success(request, _("Your register extract is being written."))
    return redirect("extracts:extract_detail", pk=extract.pk)


def extract_detail(request, pk: int):
    """Progress while the worker writes the extract, then the downloads."""
    extract = get_extract_for_user_or_404(request.user, pk)
    return render(request, "extracts/extract_detail.html", {"extract": extract})


@never_cache
def extract_status(request, pk: int):
    """The extract's status for the page's progress script."""
    extract = get_extract_for_user_or_404(request.user, pk)
    return JsonResponse(
        {"status": extract.status, "label": extract.get_status_display(), "ready": extract.is_ready}
    )


@never_cache
def extract_download(request, pk: int, kind: str):
    """The PDF or the JSON; every download is written to the audit log."""
    extract = get_extract_for_user_or_404(request.user, pk)
    if kind not in DOWNLOADS or not extract.is_ready:
        raise Http404
    field_name, content_type = DOWNLOADS[kind]
    stored = getattr(extract, field_name)
    actions.record_download(actor=request.user, extract=extract, kind=kind, request=request)
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=stored.name.rsplit("/", 1)[-1],
        content_type=content_type,
    )


@role_required(Role.COORDINATOR)
def person_erase(request, kind: str, pk: int):
    """Erasure: what goes and what stays, refused with the reason while a duty to keep
    applies. The page itself asks for a fresh password first."""
    subject, _region_id = get_subject_for_user_or_404(request.user, kind, pk)
    return _erase(request, subject)


@reauthentication_required
def _erase(request, subject):
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.erase_person(actor=request.user, subject=subject, request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The person is erased: what could be removed is gone, the figures are kept."),
            )
            return redirect("extracts:person_extracts", kind=subject.kind, pk=subject.pk)
    return render(
        request,
        "extracts/person_erase.html",
        {
            "subject": subject,
            "form": form,
            "rules": actions.erasure_rules(),
            "refusals": actions.erasure_refusals(subject),
        },
    )
