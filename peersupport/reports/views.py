"""Evaluation reports: ask for one (the request returns at once), follow its progress,
download the PDF or the workbook (audit-logged), generate it again; standing orders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import actions
from .forms import ReportRequestForm, SubscriptionForm
from .permissions import (
    can_request_report,
    get_report_for_user_or_404,
    get_subscription_for_user_or_404,
    may_ask_for_national,
    may_subscribe,
    report_regions_for,
    reports_required,
    reports_visible_to,
    subscription_regions_for,
    subscriptions_visible_to,
)

PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@reports_required
def report_list(request):
    """Ask for a report, and the reports asked for before in the user's reach."""
    form = ReportRequestForm(
        request.POST or None,
        regions=list(report_regions_for(request.user)),
        national=may_ask_for_national(request.user),
        language=get_language(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = actions.request_report(
                actor=request.user,
                region=form.region,
                period_kind=data["period_kind"],
                start=data["start"],
                end=data["end"],
                language=data["language"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The report is being written."))
            return redirect("reports:report_detail", pk=report.pk)
    page = Paginator(reports_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/report_list.html",
        {"form": form, "page": page, "may_subscribe": may_subscribe(request.user)},
        status=400 if form.errors else 200,
    )


@reports_required
def report_detail(request, pk: int):
    """Progress while the worker writes the report, then its files."""
    report = get_report_for_user_or_404(request.user, pk)
    return render(request, "reports/report_detail.html", {"report": report})


@never_cache
@reports_required
def report_status(request, pk: int):
    """The report's status for the page's progress script."""
    return JsonResponse(get_report_for_user_or_404(request.user, pk).progress())


@never_cache
@reports_required
def report_download(request, pk: int, kind: str):
    """The report's PDF or workbook; every download is written to the audit log."""
    report = get_report_for_user_or_404(request.user, pk)
    if kind not in actions.FILES or not report.is_ready:
        raise Http404
    field_name, _suffix, content_type = actions.FILES[kind]
    stored = getattr(report, field_name)
    if not stored:
        raise Http404
    actions.record_report_download(actor=request.user, report=report, kind=kind, request=request)
    return attachment(stored, content_type)


def attachment(stored, content_type: str) -> FileResponse:
    """A stored file as a download under its own (random-suffixed) name."""
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=stored.name.rsplit("/", 1)[-1],
        content_type=content_type,
    )


@require_POST
@reports_required
def report_regenerate(request, pk: int):
    """The same report again, from today's data."""
    report = get_report_for_user_or_404(request.user, pk)
    if not can_request_report(request.user, report.region):
        raise PermissionDenied
    again = actions.regenerate_report(actor=request.user, report=report, request=request)
    messages.success(request, _("The report is being written again."))
    return redirect("reports:report_detail", pk=again.pk)


@require_http_methods(["GET", "POST"])
@reports_required
def subscription_list(request):
    """A coordinator's standing orders for their regions' reports."""
    if not may_subscribe(request.user):
        raise PermissionDenied
    form = SubscriptionForm(
        request.POST or None,
        regions=list(subscription_regions_for(request.user)),
        language=get_language(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.subscribe(
                actor=request.user,
                region=form.regions[data["region"]],
                frequency=data["frequency"],
                language=data["language"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Subscribed. The report comes by e-mail as a link when the period ends.")
            )
            return redirect("reports:subscription_list")
    return render(
        request,
        "reports/subscription_list.html",
        {"form": form, "subscriptions": subscriptions_visible_to(request.user)},
        status=400 if form.errors else 200,
    )


@require_POST
@reports_required
def subscription_delete(request, pk: int):
    """End one of one's own standing orders."""
    subscription = get_subscription_for_user_or_404(request.user, pk)
    actions.unsubscribe(actor=request.user, subscription=subscription, request=request)
    messages.success(request, _("The subscription has ended."))
    return redirect("reports:subscription_list")
