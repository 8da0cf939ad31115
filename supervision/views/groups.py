"""Supervisors, supervision groups and individual arrangements, and planning a series."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peersupport.accounts.models import Membership, Role, User
from peersupport.accounts.permissions import role_required
from peersupport.accounts.scoping import coordinated_region_ids, regions_for
from peersupport.forms import add_action_error
from programmes.actions import ALUMNI_STATUSES
from programmes.models import Participant
from programmes.schedule import is_public_holiday

from .. import actions
from ..forms import GroupForm, SeriesForm, SupervisorForm
from ..models import AttendanceStatus, SupervisionGroup, SupervisionSession, Supervisor
from ..permissions import (
    can_edit_group,
    can_plan_sessions,
    get_group_for_user_or_404,
    groups_visible_to,
    supervisors_visible_to,
    supervisors_who_may_lead,
)

coordinator_required = role_required(Role.COORDINATOR)
coordinator_or_supervisor_required = role_required(Role.COORDINATOR, Role.SUPERVISOR)

PAGE_SIZE = 50
# The group page lists this many of the most recent past sessions.
PAST_SESSIONS_SHOWN = 25


# Supervisors ------------------------------------------------------------------------------


def _supervisor_rows(user: User) -> list[dict]:
    """Everyone with the supervisor role in the user's regions, registered or not, and
    registered supervisors who no longer hold the role or whose account is closed (their
    groups still name them)."""
    region_ids = coordinated_region_ids(user)
    memberships = (
        Membership.objects.filter(
            role=Role.SUPERVISOR, region_id__in=region_ids, user__is_active=True
        )
        .select_related("user", "region")
        .order_by("region__name", "user__full_name", "user__email")
    )
    registered = {
        (s.user_id, s.region_id): s
        for s in supervisors_visible_to(user)
        .select_related("user", "region")
        .annotate(active_groups=Count("groups", filter=Q(groups__active=True)))
    }
    rows = [
        {
            "user": membership.user,
            "region": membership.region,
            "has_role": True,
            "supervisor": registered.pop((membership.user_id, membership.region_id), None),
        }
        for membership in memberships
    ]
    rows += [
        {"user": s.user, "region": s.region, "has_role": False, "supervisor": s}
        for s in registered.values()
    ]
    return rows


def _supervisor_initial(request) -> dict:
    """The person and region of a "Change" link, with their current setting."""
    user_id, region_id = request.GET.get("user", ""), request.GET.get("region", "")
    # isdigit() alone lets through digits such as "²" that int() refuses.
    if not all(value.isascii() and value.isdigit() for value in (user_id, region_id)):
        return {}
    initial = {"user": int(user_id), "region": int(region_id)}
    current = supervisors_visible_to(request.user).filter(**initial).first()
    if current:
        initial["experience_based"] = current.experience_based
    return initial


@coordinator_required
def supervisor_list(request):
    """Who may supervise in the coordinator's regions, and registering them for groups."""
    region_ids = coordinated_region_ids(request.user)
    candidates = (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.SUPERVISOR,
            memberships__region_id__in=region_ids,
        )
        .distinct()
        .order_by("full_name", "email")
    )
    form = SupervisorForm(
        request.POST if request.method == "POST" else None,
        users=candidates,
        regions=regions_for(request.user, Role.COORDINATOR).order_by("name"),
        initial=_supervisor_initial(request) if request.method == "GET" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            supervisor = actions.register_supervisor(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("%(person)s supervises in %(region)s.")
                % {"person": supervisor.user, "region": supervisor.region},
            )
            return redirect("supervision:supervisor_list")
    return render(
        request,
        "supervision/supervisor_list.html",
        {"rows": _supervisor_rows(request.user), "form": form},
    )


# Groups -----------------------------------------------------------------------------------


def _next_session_start(now):
    upcoming = SupervisionSession.objects.filter(group=OuterRef("pk")).upcoming(now)
    return Subquery(upcoming.order_by("starts_at").values("starts_at")[:1])


@coordinator_or_supervisor_required
def group_list(request):
    """Coordinators: their regions' groups and individual arrangements. Supervisors: the
    groups they lead."""
    is_coordinator = bool(coordinated_region_ids(request.user))
    groups = (
        groups_visible_to(request.user)
        .select_related("region", "supervisor__user")
        .annotate(next_session=_next_session_start(timezone.now()))
        .prefetch_related(Prefetch("members", queryset=Participant.objects.only("pk", "full_name")))
        .order_by("-active", "region__name", "name", "pk")
    )
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/group_list.html",
        {"page": page, "is_coordinator": is_coordinator},
    )


def _peer_supporters(region_ids):
    """Certified peer supporters: who may be a member of a group."""
    return (
        Participant.objects.in_regions(region_ids)
        .with_status(*ALUMNI_STATUSES)
        .order_by("full_name", "pk")
    )


@coordinator_required
def group_create(request):
    region_ids = coordinated_region_ids(request.user)
    supervisors = supervisors_who_may_lead(region_ids).select_related("user", "region")
    form = GroupForm(
        request.POST if request.method == "POST" else None,
        regions=regions_for(request.user, Role.COORDINATOR).order_by("name"),
        supervisors=supervisors,
        participants=_peer_supporters(region_ids),
        submit_label=_("Create"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            group = actions.create_group(actor=request.user, **form.group_fields())
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("%(name)s is created.") % {"name": group.name})
            return redirect("supervision:group_detail", pk=group.pk)
    return render(
        request,
        "supervision/group_form.html",
        {"form": form, "group": None, "has_supervisors": supervisors.exists()},
    )


def _sessions_with_counts(group: SupervisionGroup):
    def counted(status):
        return Count("attendances", filter=Q(attendances__status=status))

    return group.sessions.annotate(
        expected_count=Count("attendances"),
        present_count=counted(AttendanceStatus.PRESENT),
        absent_count=counted(AttendanceStatus.ABSENT),
        excused_count=counted(AttendanceStatus.EXCUSED),
    )


@coordinator_or_supervisor_required
def group_detail(request, pk: int):
    """Members, settings and sessions to come and past, for the region's coordinators and
    the group's supervisor."""
    group = get_group_for_user_or_404(request.user, pk)
    now = timezone.now()
    sessions = _sessions_with_counts(group)
    upcoming = list(sessions.filter(starts_at__gte=now).order_by("starts_at", "pk"))
    past = list(
        sessions.filter(starts_at__lt=now).order_by("-starts_at", "-pk")[:PAST_SESSIONS_SHOWN]
    )
    return render(
        request,
        "supervision/group_detail.html",
        {
            "group": group,
            "members": group.members.order_by("full_name", "pk"),
            "upcoming": upcoming,
            "past": past,
            "past_limit": PAST_SESSIONS_SHOWN,
            "can_edit": can_edit_group(request.user, group),
            "can_plan": can_plan_sessions(request.user, group) and group.active,
        },
    )


def _group_initial(group: SupervisionGroup) -> dict:
    return {
        "region": group.region_id,
        "kind": group.kind,
        "name": group.name,
        "supervisor": group.supervisor_id,
        "members": [member.pk for member in group.members.all()],
        "weekday": group.weekday,
        "start_time": group.start_time,
        "duration_minutes": group.duration_minutes,
        "place": group.place,
        "video_link": group.video_link,
    }


@coordinator_required
def group_edit(request, pk: int):
    """Settings and members; the region stays the group's."""
    group = get_group_for_user_or_404(request.user, pk)
    if not can_edit_group(request.user, group):
        raise PermissionDenied
    # Current members stay on offer even if their programme status has changed since.
    participants = Participant.objects.filter(
        Q(pk__in=_peer_supporters([group.region_id]).values("pk"))
        | Q(pk__in=group.members.values("pk"))
    ).order_by("full_name", "pk")
    form = GroupForm(
        request.POST if request.method == "POST" else None,
        initial=_group_initial(group),
        regions=regions_for(request.user, Role.COORDINATOR).filter(pk=group.region_id),
        # The group's supervisor stays on offer even if their role has ended since, so
        # the members can still be changed until another supervisor is found.
        supervisors=Supervisor.objects.filter(
            Q(pk__in=supervisors_who_may_lead([group.region_id]).values("pk"))
            | Q(pk=group.supervisor_id)
        ).select_related("user"),
        participants=participants,
        submit_label=_("Save"),
    )
    form.fields["region"].disabled = True
    if request.method == "POST" and form.is_valid():
        fields = form.group_fields()
        del fields["region"]
        try:
            actions.update_group(actor=request.user, group=group, **fields)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": group.name})
            return redirect("supervision:group_detail", pk=group.pk)
    return render(
        request,
        "supervision/group_form.html",
        {"form": form, "group": group, "has_supervisors": True},
    )


def _planned_message(sessions, *, holidays, already_planned: int) -> str:
    if not sessions:
        return _("Every date already had a session; nothing new was planned.")
    first = timezone.localtime(sessions[0].starts_at).date()
    last = timezone.localtime(sessions[-1].starts_at).date()
    parts = [
        ngettext(
            "%(count)d session planned, on %(first)s.",
            "%(count)d sessions planned, from %(first)s to %(last)s.",
            len(sessions),
        )
        % {
            "count": len(sessions),
            "first": date_format(first, "j F Y"),
            "last": date_format(last, "j F Y"),
        }
    ]
    if holidays:
        parts.append(
            _("Public holidays left out: %(dates)s.")
            % {"dates": ", ".join(date_format(day, "j F Y") for day in holidays)}
        )
    if already_planned:
        parts.append(
            ngettext(
                "%(count)d date already had a session.",
                "%(count)d dates already had a session.",
                already_planned,
            )
            % {"count": already_planned}
        )
    return " ".join(parts)


@coordinator_or_supervisor_required
def group_plan(request, pk: int):
    """Plan a series: every N weeks between two dates, public holidays left out."""
    group = get_group_for_user_or_404(request.user, pk)
    if not can_plan_sessions(request.user, group):
        raise PermissionDenied
    form = SeriesForm(request.POST if request.method == "POST" else None, group=group)
    if request.method == "POST" and form.is_valid():
        series = form.cleaned_data
        try:
            sessions = actions.plan_series(actor=request.user, group=group, **series)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            dates = actions.series_dates(
                first=series["first_date"],
                until=series["until"],
                interval_weeks=series["interval_weeks"],
                skip_holidays=False,
            )
            holidays = [day for day in dates if is_public_holiday(day)]
            messages.success(
                request,
                _planned_message(
                    sessions,
                    holidays=holidays if series["skip_holidays"] else [],
                    already_planned=len(dates)
                    - len(sessions)
                    - (len(holidays) if series["skip_holidays"] else 0),
                ),
            )
            return redirect("supervision:group_detail", pk=group.pk)
    return render(request, "supervision/group_plan.html", {"form": form, "group": group})
