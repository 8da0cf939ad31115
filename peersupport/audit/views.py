"""Log follow-up (loggkontroll) pages: for the region's log auditors, and the admin.

Every use of these pages is itself in the audit log, naming the filter by ids and dates
only, never a name that was searched for.
"""

from __future__ import annotations

import csv
import datetime as dt

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from peersupport.accounts.models import Region
from peersupport.dataprotection.registry import DataSubject, registry, subject_for_key
from peersupport.spreadsheets import spreadsheet_safe

from .actions import record_event
from .followup import read_bursts, reads_outside_region, search_subjects, subject_visible
from .forms import DateRangeForm, EventFilterForm, PersonSearchForm
from .models import AuditAction, AuditEvent
from .permissions import (
    audited_region_ids,
    events_visible_to,
    log_follow_up_required,
    readers_visible_to,
)

PAGE_SIZE = 50
PATTERN_DAYS = 7
CSV_COLUMNS = [
    "time",
    "actor_email",
    "action",
    "object_type",
    "object_id",
    "object",
    "subject_kind",
    "subject_id",
    "region",
    "ip_address",
    "path",
]


def _filtered_events(
    request,
) -> tuple[EventFilterForm, QuerySet[AuditEvent], DataSubject | None]:
    """The events the filter asks for, among those the user may follow up; a person named
    in the filter must be one the user follows up, or the page is 404."""
    form = EventFilterForm(request.GET or None, readers=readers_visible_to(request.user))
    events = events_visible_to(request.user)
    subject = None
    if not form.is_bound:
        return form, events, None
    if not form.is_valid():
        return form, events.none(), None
    if form.cleaned_data["subject"]:
        subject = subject_for_key(form.cleaned_data["subject"])
        if subject is None or not subject_visible(subject, audited_region_ids(request.user)):
            raise Http404
    return form, form.filter(events), subject


def _kind_title(kind: str) -> str:
    entry = registry.subject_kinds.get(kind)
    return str(entry.title) if entry else kind


@never_cache
@log_follow_up_required
def event_list(request):
    """Who read or exported what, filtered by date, action, user and person."""
    form, events, subject = _filtered_events(request)
    page = Paginator(events.select_related("region").order_by("-at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [{"event": event, "subject_title": _kind_title(event.subject_kind)} for event in page]
    record_event(
        actor=request.user,
        action=AuditAction.READ,
        subject=subject,
        request=request,
        detail={
            "log_follow_up": "events",
            "filter": form.described() if form.is_bound and form.is_valid() else {},
            "page": page.number,
        },
    )
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "subject": subject,
            "subject_title": _kind_title(subject.kind) if subject else "",
        },
    )


@never_cache
@log_follow_up_required
def person_search(request):
    """Find a person by name, then follow up who read their records. The name travels in
    the form's body, so it is never in an address, a proxy log or the audit log."""
    form = PersonSearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        subjects = search_subjects(form.cleaned_data["q"], audited_region_ids(request.user))
        regions = Region.objects.in_bulk({s.region_id for s in subjects if s.region_id})
        results = [
            {
                "subject": subject,
                "title": _kind_title(subject.kind),
                "region": regions.get(subject.region_id),
            }
            for subject in subjects
        ]
        record_event(
            actor=request.user,
            action=AuditAction.READ,
            request=request,
            detail={"log_follow_up": "person_search", "results": [s.key for s in subjects]},
        )
    return render(request, "audit/person_search.html", {"form": form, "results": results})


@never_cache
@log_follow_up_required
def patterns(request):
    """Unusual patterns: many different people's records read by one user in a short time,
    and reads of records in a region where the reader holds no role."""
    today = timezone.localdate()
    form = DateRangeForm(
        request.GET or None,
        initial={"date_from": today - dt.timedelta(days=PATTERN_DAYS), "date_to": today},
    )
    events = events_visible_to(request.user)
    if not form.is_bound:
        since = timezone.now() - dt.timedelta(days=PATTERN_DAYS)
        events = events.filter(at__gte=since)
    elif form.is_valid():
        events = form.filter(events)
    else:
        events = events.none()
    outside = Paginator(
        reads_outside_region(events).select_related("region").order_by("-at", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    record_event(
        actor=request.user,
        action=AuditAction.READ,
        request=request,
        detail={
            "log_follow_up": "patterns",
            "filter": form.described() if form.is_bound and form.is_valid() else {},
        },
    )
    return render(
        request,
        "audit/patterns.html",
        {
            "form": form,
            "bursts": read_bursts(events),
            "outside": outside,
            "threshold": settings.AUDIT_MANY_SUBJECTS_COUNT,
            "minutes": settings.AUDIT_MANY_SUBJECTS_MINUTES,
        },
    )


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(events):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    zone = timezone.get_current_timezone()
    for event in events.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                event.at.astimezone(zone).isoformat(timespec="seconds"),
                spreadsheet_safe(event.actor_email),
                event.action,
                event.object_type,
                event.object_id,
                spreadsheet_safe(event.object_repr),
                event.subject_kind,
                event.subject_id if event.subject_id is not None else "",
                event.region.code if event.region else "",
                event.ip_address or "",
                spreadsheet_safe(event.path),
            ]
        )


@log_follow_up_required
@reauthentication_required
def event_export(request):
    """The filtered events as CSV, streamed row by row; asks for the password again first."""
    form, events, subject = _filtered_events(request)
    if form.is_bound and not form.is_valid():
        # The list shows the same filter with a message at each field that needs one.
        return redirect(f"{reverse('audit:event_list')}?{request.GET.urlencode()}")
    events = events.select_related("region").order_by("-at", "-pk")
    record_event(
        actor=request.user,
        action=AuditAction.EXPORT,
        subject=subject,
        request=request,
        detail={
            "log_follow_up": "csv",
            "filter": form.described() if form.is_bound else {},
            "columns": CSV_COLUMNS,
        },
    )
    response = StreamingHttpResponse(_csv_lines(events), content_type="text/csv; charset=utf-8")
    filename = f"audit-log-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
