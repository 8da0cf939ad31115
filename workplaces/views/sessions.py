"""Support sessions: the peer supporter logs and reads their own; the region's coordinator
reads them all, and every such read by someone else than the author is audited. Unit
managers never come here: they see aggregates on their own pages."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peersupport.accounts.models import Role
from peersupport.accounts.permissions import role_required
from peersupport.accounts.scoping import has_role
from peersupport.audit.actions import record_event, record_reads
from peersupport.audit.models import AuditAction
from peersupport.forms import add_action_error, record_name_confirmations
from peersupport.paging import CappedPaginator, url_by_pk
from programmes.models import Participant

from ..actions import can_edit_support_session, log_support_session, update_support_session
from ..forms import SupportSessionCreateForm, SupportSessionFilterForm, SupportSessionForm
from ..models import Placement, SessionKind, SupportSession, Theme
from ..permissions import (
    coordinated_region_ids,
    get_support_session_for_user_or_404,
    own_placements,
    own_support_sessions,
    support_sessions_visible_to,
    workplaces_visible_to,
)

PAGE_SIZE = 50
# What a row of the coordinator's list and its audit entry read; nothing else is fetched.
REGION_LIST_FIELDS = (
    "date",
    "minutes",
    "kind",
    "themes",
    "participant_count",
    "service_user_code",
    "reflection",
    "created_by_id",
    "placement__participant__full_name",
    "placement__participant__region_id",
    "placement__participant__user_id",
    "placement__workplace__name",
)


@role_required(Role.PEER_SUPPORTER)
def session_create(request):
    placements = own_placements(request.user).active().select_related("workplace")
    if not placements:
        return render(request, "workplaces/session_create.html", {"form": None})
    form = SupportSessionCreateForm(request.POST or None, placements=placements)
    if request.method == "POST" and form.is_valid():
        try:
            session = log_support_session(actor=request.user, **form.session_fields())
        except ValidationError as error:
            add_action_error(form, error)
        else:
            record_name_confirmations(form, request=request, obj=session)
            messages.success(request, _("Your support session is logged. Thank you!"))
            return redirect("workplaces:session_list")
    return render(request, "workplaces/session_create.html", {"form": form})


@role_required(Role.PEER_SUPPORTER, Role.COORDINATOR)
def session_list(request):
    """Coordinators: the sessions of their regions, with filters. Peer supporters: their
    own sessions with their totals."""
    if has_role(request.user, Role.COORDINATOR):
        return _region_session_list(request)
    return _own_session_list(request)


def _own_session_list(request):
    sessions = own_support_sessions(request.user)
    page = Paginator(
        sessions.select_related("placement__workplace").order_by("-date", "-created_at", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "workplaces/session_list_own.html",
        {
            "page": page,
            "rows": _own_rows(page),
            "totals": _totals(sessions, today=timezone.localdate()),
        },
    )


def _own_rows(sessions) -> list[dict]:
    """What each entry of the peer supporter's list shows (see ``_region_rows``)."""
    kinds = {value: str(label) for value, label in SessionKind.choices}
    themes = {value: str(label) for value, label in Theme.choices}
    detail_url = url_by_pk("workplaces:session_detail")
    return [
        {
            "url": detail_url(session.pk),
            "date": session.date,
            "kind": kinds.get(session.kind, session.kind),
            "length": ngettext("%(minutes)s minute", "%(minutes)s minutes", session.minutes)
            % {"minutes": session.minutes},
            "workplace": session.placement.workplace.name,
            "themes": ", ".join(themes[theme] for theme in session.themes if theme in themes),
        }
        for session in sessions
    ]


def _totals(sessions: QuerySet[SupportSession], *, today: dt.date) -> dict:
    """Sessions and hours this month and this year, in all and by kind (one query)."""
    month = Q(date__gte=today.replace(day=1))
    rows = (
        sessions.filter(date__gte=today.replace(month=1, day=1), date__lte=today)
        .order_by()
        .values("kind")
        .annotate(
            year_sessions=Count("pk"),
            year_minutes=Sum("minutes"),
            month_sessions=Count("pk", filter=month),
            month_minutes=Sum("minutes", filter=month),
        )
    )
    by_kind = {row["kind"]: row for row in rows}
    kinds = [
        {
            "label": kind.label,
            "month_sessions": by_kind[kind]["month_sessions"],
            "month_hours": _hours(by_kind[kind]["month_minutes"]),
            "year_sessions": by_kind[kind]["year_sessions"],
            "year_hours": _hours(by_kind[kind]["year_minutes"]),
        }
        for kind in SessionKind
        if kind in by_kind
    ]
    return {
        "month": today,
        "month_sessions": sum(row["month_sessions"] for row in by_kind.values()),
        "month_hours": _hours(sum(row["month_minutes"] or 0 for row in by_kind.values())),
        "year_sessions": sum(row["year_sessions"] for row in by_kind.values()),
        "year_hours": _hours(sum(row["year_minutes"] or 0 for row in by_kind.values())),
        "by_kind": kinds,
    }


def _hours(minutes: int | None) -> float:
    return round((minutes or 0) / 60, 1)


def _region_session_list(request):
    region_ids = coordinated_region_ids(request.user)
    form = SupportSessionFilterForm(
        request.GET or None,
        workplaces=workplaces_visible_to(request.user).filter(region_id__in=region_ids),
        peer_supporters=Participant.objects.filter(
            placements__workplace__region_id__in=region_ids
        ).distinct(),
    )
    sessions = support_sessions_visible_to(request.user)
    if form.is_valid():
        sessions = _filtered(sessions, form.cleaned_data)
    page = CappedPaginator(
        sessions.select_related("placement__workplace", "placement__participant")
        .only(*REGION_LIST_FIELDS)
        .order_by("-date", "-created_at", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    read_by_other = [s for s in page if s.created_by_id != request.user.pk]
    if read_by_other:
        record_reads(actor=request.user, records=read_by_other, request=request)
    return render(
        request,
        "workplaces/session_list_region.html",
        {"form": form, "page": page, "rows": _region_rows(page)},
    )


def _region_rows(sessions) -> list[dict]:
    """What each row of the coordinator's list shows, worked out in Python: the template's
    per-row lookups, filters and label translations multiply by the page size."""
    kinds = {value: str(label) for value, label in SessionKind.choices}
    themes = {value: str(label) for value, label in Theme.choices}
    detail_url = url_by_pk("workplaces:session_detail")
    rows = []
    for session in sessions:
        kind = kinds.get(session.kind, session.kind)
        if session.participant_count > 1:
            kind = f"{kind} ({session.participant_count})"
        rows.append(
            {
                "url": detail_url(session.pk),
                "date": session.date,
                "peer_supporter": session.placement.participant.full_name,
                "workplace": session.placement.workplace.name,
                "kind": kind,
                "minutes": session.minutes,
                "themes": ", ".join(themes[theme] for theme in session.themes if theme in themes),
                "code": session.service_user_code,
                "reflection": Truncator(session.reflection).words(20, truncate=" …"),
            }
        )
    return rows


def _placement_ids(**lookup) -> list[int]:
    return list(Placement.objects.filter(**lookup).order_by().values_list("pk", flat=True))


def _filtered(sessions: QuerySet[SupportSession], filters: dict) -> QuerySet[SupportSession]:
    # By the placements' ids, as the scope is (see ``permissions._sessions_of``).
    if filters["workplace"]:
        sessions = sessions.filter(placement_id__in=_placement_ids(workplace=filters["workplace"]))
    if filters["peer_supporter"]:
        sessions = sessions.filter(
            placement_id__in=_placement_ids(participant=filters["peer_supporter"])
        )
    if filters["kind"]:
        sessions = sessions.filter(kind=filters["kind"])
    if filters["theme"]:
        theme = filters["theme"]
        if connection.features.supports_json_field_contains:
            sessions = sessions.filter(themes__contains=[theme])
        else:
            # SQLite cannot look inside a JSON list; the quoted value matches one element.
            sessions = sessions.filter(themes__icontains=f'"{theme}"')
    if filters["month"]:
        first = filters["month"].replace(day=1)
        next_month = (first + dt.timedelta(days=31)).replace(day=1)
        # A range, not date__month (EXTRACT), so the date index finds the month.
        sessions = sessions.filter(date__gte=first, date__lt=next_month)
    return sessions


def session_detail(request, pk: int):
    """A session's content, for its author and the region's coordinators; anyone else –
    unit managers included – gets 404."""
    session = get_support_session_for_user_or_404(request.user, pk)
    _audit_read_by_other(request, session)
    return render(
        request,
        "workplaces/session_detail.html",
        {
            "session": session,
            "is_author": session.created_by_id == request.user.pk,
            "can_edit": can_edit_support_session(request.user, session),
            "edit_days": settings.SUPPORT_SESSION_EDIT_DAYS,
        },
    )


def session_edit(request, pk: int):
    """The author changes a session for a week after logging it; later it is read-only."""
    session = get_support_session_for_user_or_404(request.user, pk)
    if session.created_by_id != request.user.pk:
        raise PermissionDenied
    if not can_edit_support_session(request.user, session):
        messages.warning(
            request,
            _(
                "Sessions can be changed for %(days)s days after they are logged. This one "
                "can no longer be changed."
            )
            % {"days": settings.SUPPORT_SESSION_EDIT_DAYS},
        )
        return redirect("workplaces:session_detail", pk=session.pk)
    form = SupportSessionForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            update_support_session(actor=request.user, session=session, **form.session_fields())
        except ValidationError as error:
            add_action_error(form, error)
        else:
            record_name_confirmations(form, request=request, obj=session)
            messages.success(request, _("The session is saved."))
            return redirect("workplaces:session_detail", pk=session.pk)
    return render(request, "workplaces/session_edit.html", {"form": form, "session": session})


def _audit_read_by_other(request, session: SupportSession) -> None:
    if session.created_by_id != request.user.pk:
        record_event(actor=request.user, action=AuditAction.READ, obj=session, request=request)
