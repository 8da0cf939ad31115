"""Invitation slips: staff print batches for a workplace; service users and staff type
the slip's code (or scan its QR code) and go on to the survey without an account.

The public code pages record nothing about who opens them. Failed codes are counted per
client address in the cache (under a keyed hash, never the address itself) to stop
guessing: ``SURVEY_CODE_ATTEMPTS`` failures (default ``"10/15m"``) and the page answers
429 until the window has passed.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from peersupport.accounts.models import Role
from peersupport.accounts.permissions import role_required
from peersupport.accounts.scoping import has_role
from peersupport.audit.actions import client_ip
from peersupport.forms import add_action_error

from ..actions import slips as actions
from ..anchors import open_anonymous_windows
from ..models import ANONYMOUS_GROUPS, Anchor, RespondentGroup, StudyStatus, Wave
from ..permissions import (
    get_slip_batch_for_user_or_404,
    slip_batches_visible_to,
    slip_groups_at,
    slip_workplaces_for,
)
from ..slip_forms import CodeForm, SlipBatchForm, SlipWorkplaceForm
from ..slips_pdf import slips_filename

PAGE_SIZE = 25
_ATTEMPTS = re.compile(r"(\d+)/(\d+)([smh])")
_SECONDS = {"s": 1, "m": 60, "h": 3600}
# Refusals the code page explains in a box of their own rather than next to the field.
REFUSALS_WITH_OWN_MESSAGE = frozenset({"used", "closed"})

printing_roles = role_required(Role.COORDINATOR, Role.UNIT_MANAGER, Role.PEER_SUPPORTER)


# Staff: printing ---------------------------------------------------------------------------


def _announced_waves(user, region_ids: set[int]) -> list[Wave]:
    """The anonymous waves of open studies in the user's workplaces' regions: the custom
    ones while their dates run, the anchored ones always (they open per workplace)."""
    groups = (
        ANONYMOUS_GROUPS
        if has_role(user, Role.COORDINATOR, Role.UNIT_MANAGER)
        else {RespondentGroup.SERVICE_USERS}
    )
    if not region_ids:
        return []
    today = timezone.localdate()
    return list(
        Wave.objects.filter(
            study__status=StudyStatus.OPEN, closed_at__isnull=True, group__in=groups
        )
        .filter(Q(study__regions__isnull=True) | Q(study__regions__in=region_ids))
        .exclude(Q(anchor=Anchor.CUSTOM) & (Q(opens_on__gt=today) | Q(closes_on__lt=today)))
        .select_related("study")
        .distinct()
        .order_by("study__name", "position", "pk")
    )


@printing_roles
def slip_batches(request):
    """The workplaces the user may print slips for, the surveys open for slips and the
    batches printed before, with how many codes have been used (counts only)."""
    workplaces = list(slip_workplaces_for(request.user).order_by("name", "pk"))
    batches = (
        slip_batches_visible_to(request.user)
        .select_related("wave__study", "workplace", "created_by")
        .annotate(used=Count("invitations", filter=Q(invitations__code_used_at__isnull=False)))
        .annotate(unused=F("size") - F("used"))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/slip_batch_list.html",
        {
            "workplaces": workplaces,
            "waves": _announced_waves(request.user, {w.region_id for w in workplaces}),
            "page": page,
        },
    )


@printing_roles
@require_http_methods(["GET", "HEAD", "POST"])
def slip_batch_create(request):
    """Print slips: first the workplace (the open surveys depend on it), then the survey
    and the number of slips."""
    workplaces = slip_workplaces_for(request.user).order_by("name", "pk")
    workplace = None
    if "workplace" in request.GET:
        picker = SlipWorkplaceForm(request.GET, workplaces=workplaces)
        if picker.is_valid():
            workplace = picker.cleaned_data["workplace"]
    else:
        picker = SlipWorkplaceForm(workplaces=workplaces)
        candidates = list(workplaces[:2])
        if len(candidates) == 1:
            workplace = candidates[0]
    context = {"picker": picker, "workplace": workplace, "has_workplaces": bool(workplaces)}
    if workplace is None:
        return render(request, "evaluation/slip_batch_create.html", context)

    groups = slip_groups_at(request.user, workplace)
    waves = [
        wave for wave, _opens, _closes in open_anonymous_windows(workplace) if wave.group in groups
    ]
    form = SlipBatchForm(request.POST or None, waves=waves)
    if request.method == "POST" and form.is_valid():
        try:
            batch = actions.print_slips(
                actor=request.user,
                wave=form.cleaned_data["wave"],
                workplace=workplace,
                size=form.cleaned_data["size"],
                request=request,
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The slips are made. Their PDF is being written."))
            return redirect("evaluation:slip_batch_detail", pk=batch.pk)
    return render(
        request,
        "evaluation/slip_batch_create.html",
        {**context, "form": form, "waves": waves, "several_workplaces": len(workplaces) > 1},
    )


def _batch_state(batch) -> str:
    if batch.pdf:
        return "ready"
    return "lost" if actions.pdf_is_lost(batch) else "writing"


@printing_roles
@require_http_methods(["GET", "HEAD", "POST"])
def slip_batch_detail(request, pk: int):
    """A batch: its survey and workplace, how many codes are used, and its PDF (with
    progress while a worker writes it). A POST asks again for a PDF that was lost."""
    batch = get_slip_batch_for_user_or_404(request.user, pk)
    if request.method == "POST":
        try:
            actions.rewrite_slips_pdf(actor=request.user, batch=batch, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The PDF is being written again."))
        return redirect("evaluation:slip_batch_detail", pk=batch.pk)
    used = batch.invitations.filter(code_used_at__isnull=False).count()
    return render(
        request,
        "evaluation/slip_batch_detail.html",
        {
            "batch": batch,
            "used": used,
            "unused": batch.size - used,
            "state": _batch_state(batch),
        },
    )


@printing_roles
@never_cache
@require_safe
def slip_batch_status(request, pk: int):
    """Whether the batch's PDF is written yet, for the page's progress script."""
    batch = get_slip_batch_for_user_or_404(request.user, pk)
    return JsonResponse({"status": _batch_state(batch)})


@printing_roles
@never_cache
@require_safe
def slip_batch_pdf(request, pk: int):
    """The slips as a PDF: the only place their codes are printed, so every download is
    written to the audit log."""
    batch = get_slip_batch_for_user_or_404(request.user, pk)
    if not batch.pdf:
        raise Http404
    actions.record_pdf_download(actor=request.user, batch=batch, request=request)
    return FileResponse(
        batch.pdf.open("rb"),
        as_attachment=True,
        filename=slips_filename(batch),
        content_type="application/pdf",
    )


# Respondents: the code ---------------------------------------------------------------------


def code_attempts() -> tuple[int, int]:
    """``SURVEY_CODE_ATTEMPTS`` as (failed codes allowed, window in seconds)."""
    value = settings.SURVEY_CODE_ATTEMPTS
    match = _ATTEMPTS.fullmatch(str(value).strip())
    if not match:
        raise ImproperlyConfigured(
            f"SURVEY_CODE_ATTEMPTS must look like '10/15m' (failures/window), not {value!r}."
        )
    count, length, unit = match.groups()
    return int(count), int(length) * _SECONDS[unit]


def _failure_key(request: HttpRequest) -> str:
    # A keyed hash: the cache never holds a respondent's address.
    address = client_ip(request) or "unknown"
    return f"survey-code-failures:{salted_hmac('evaluation.code-failures', address).hexdigest()}"


def _blocked(request: HttpRequest) -> bool:
    allowed, _window = code_attempts()
    return (cache.get(_failure_key(request)) or 0) >= allowed


def _count_failure(request: HttpRequest) -> None:
    key = _failure_key(request)
    _allowed, window = code_attempts()
    cache.add(key, 0, timeout=window)
    try:
        cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=window)


def _code_page(request, form: CodeForm, *, refusal: str = "", status: int = 200) -> HttpResponse:
    _allowed, window = code_attempts()
    return render(
        request,
        "evaluation/code_entry.html",
        {"form": form, "refusal": refusal, "wait_minutes": max(1, window // 60)},
        status=status,
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def code_entry(request):
    """Public: type the slip's code; a code that works opens the survey (once)."""
    if request.method != "POST":
        return _code_page(request, CodeForm())
    form = CodeForm(request.POST)
    if _blocked(request):
        return _code_page(request, form, refusal="rate_limited", status=429)
    if not form.is_valid():
        return _code_page(request, form)
    try:
        invitation = actions.redeem_code(
            code=form.cleaned_data["code"], language=request.LANGUAGE_CODE
        )
    except ValidationError as error:
        _count_failure(request)
        refusal = error.code or "unknown"
        if refusal not in REFUSALS_WITH_OWN_MESSAGE:
            form.add_error("code", error)
        return _code_page(request, form, refusal=refusal)
    return redirect("evaluation:answer_start", token=invitation.token)


@login_not_required
@never_cache
@require_safe
def code_link(request, code: str):
    """Public, the QR code's target: the code page with the code filled in. Opening it
    does not use the code (link scanners and previews open links too): the respondent
    presses the button."""
    return _code_page(request, CodeForm(initial={"code": CodeForm.initial_for(code)}))


urlpatterns = [
    path("slips/", slip_batches, name="slip_batches"),
    path("slips/new/", slip_batch_create, name="slip_batch_create"),
    path("slips/<int:pk>/", slip_batch_detail, name="slip_batch_detail"),
    path("slips/<int:pk>/status/", slip_batch_status, name="slip_batch_status"),
    path("slips/<int:pk>/pdf/", slip_batch_pdf, name="slip_batch_pdf"),
    path("k/", code_entry, name="code_entry"),
    path("k/<str:code>/", code_link, name="code_link"),
]
