"""Incidents (avvikelser): peer supporters, supervisors and unit managers report an incident
or a risk; the region's coordinators follow it up and close it.

An incident is sensitive: it shows only to its reporter, the region's coordinators and,
where the reporter chose it, the workplace's unit managers (everyone else gets 404), and
every reading of one is written to the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peersupport.accounts.models import Region, Role
from peersupport.accounts.permissions import role_required
from peersupport.accounts.scoping import coordinated_region_ids
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.forms import add_action_error, record_name_confirmations

from .. import actions
from ..forms import IncidentFollowUpForm, IncidentForm
from ..models import Incident, IncidentStatus
from ..permissions import (
    INCIDENT_REPORTER_ROLES,
    can_follow_up_incident,
    get_incident_for_user_or_404,
    incident_reporter_region_ids,
    incident_workplaces_for,
    managed_workplace_ids,
)

PAGE_SIZE = 25
# The list filter: open (reported or being followed up), closed, or every incident.
STATUS_FILTERS = ("open", "closed", "all")

reporter_roles = role_required(*INCIDENT_REPORTER_ROLES)


def _page(request, incidents):
    return Paginator(
        incidents.select_related("region", "workplace", "reported_by").order_by(
            "-reported_at", "-pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))


@role_required(Role.COORDINATOR)
def incident_list(request):
    """The coordinator's regions' incidents, open ones first by default, with counts."""
    incidents = Incident.objects.filter(region_id__in=coordinated_region_ids(request.user))
    shown = request.GET.get("status")
    if shown not in STATUS_FILTERS:
        shown = "open"
    counts = dict(
        incidents.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    if shown == "open":
        incidents = incidents.open()
    elif shown == "closed":
        incidents = incidents.filter(status=IncidentStatus.CLOSED)
    return render(
        request,
        "workplaces/incident_list.html",
        {
            "page": _page(request, incidents),
            "shown": shown,
            "open_count": counts.get(IncidentStatus.REPORTED, 0)
            + counts.get(IncidentStatus.FOLLOWING_UP, 0),
            "closed_count": counts.get(IncidentStatus.CLOSED, 0),
        },
    )


@reporter_roles
def my_incidents(request):
    """The incidents the user reported and, for a unit manager, those shared with their
    workplaces."""
    user = request.user
    incidents = Incident.objects.filter(
        Q(reported_by=user)
        | Q(shared_with_managers=True, workplace_id__in=managed_workplace_ids(user))
    )
    return render(
        request,
        "workplaces/incident_mine.html",
        {"page": _page(request, incidents), "managed": bool(managed_workplace_ids(request.user))},
    )


@reporter_roles
@require_http_methods(["GET", "HEAD", "POST"])
def incident_create(request):
    regions = Region.objects.filter(pk__in=incident_reporter_region_ids(request.user)).order_by(
        "name"
    )
    form = IncidentForm(
        request.POST or None,
        workplaces=incident_workplaces_for(request.user).order_by("name", "pk"),
        regions=regions,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                incident = actions.report_incident(
                    actor=request.user,
                    occurred_on=data["occurred_on"],
                    kind=data["kind"],
                    description=data["description"],
                    actions_taken=data["actions_taken"],
                    workplace=data["workplace"],
                    region=data["region"],
                    shared_with_managers=data["shared_with_managers"],
                    request=request,
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                record_name_confirmations(form, request=request, obj=incident)
                messages.success(
                    request, _("The incident is reported. The region's coordinators are told.")
                )
                return redirect("workplaces:incident_detail", pk=incident.pk)
        status = 400
    return render(request, "workplaces/incident_form.html", {"form": form}, status=status)


def _detail_page(request, incident, follow_up_form=None, *, status: int = 200):
    record_event(actor=request.user, action=AuditAction.READ, obj=incident, request=request)
    can_follow_up = can_follow_up_incident(request.user, incident)
    if can_follow_up and follow_up_form is None:
        follow_up_form = IncidentFollowUpForm(
            action=reverse("workplaces:incident_follow_up", kwargs={"pk": incident.pk})
        )
    return render(
        request,
        "workplaces/incident_detail.html",
        {
            "incident": incident,
            "follow_ups": incident.follow_ups.select_related("written_by"),
            "follow_up_form": follow_up_form if can_follow_up else None,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD"])
def incident_detail(request, pk: int):
    return _detail_page(request, get_incident_for_user_or_404(request.user, pk))


@role_required(Role.COORDINATOR)
@require_POST
def incident_follow_up(request, pk: int):
    incident = get_incident_for_user_or_404(request.user, pk)
    form = IncidentFollowUpForm(
        request.POST,
        action=reverse("workplaces:incident_follow_up", kwargs={"pk": incident.pk}),
    )
    if form.is_valid():
        try:
            follow_up = actions.follow_up_incident(
                actor=request.user,
                incident=incident,
                note=form.cleaned_data["note"],
                status=form.cleaned_data["status"],
                request=request,
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            record_name_confirmations(form, request=request, obj=incident)
            messages.success(
                request,
                _("The incident is closed.")
                if follow_up.status == IncidentStatus.CLOSED
                else _("The follow-up is saved."),
            )
            return redirect("workplaces:incident_detail", pk=incident.pk)
    return _detail_page(request, incident, form, status=400)


urlpatterns = [
    path("incidents/", incident_list, name="incident_list"),
    path("incidents/mine/", my_incidents, name="my_incidents"),
    path("incidents/new/", incident_create, name="incident_create"),
    path("incidents/<int:pk>/", incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/follow-up/", incident_follow_up, name="incident_follow_up"),
]
