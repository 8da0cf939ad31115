"""Correcting what was registered: organisations, workplaces and their managers, readiness
(withdrawing a confirmation, recording a planned staff training as held) and placements."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from peersupport.accounts.models import Role, User
from peersupport.accounts.permissions import role_required
from peersupport.forms import add_action_error

from .. import actions
from ..forms import (
    OrganisationEditForm,
    PlacementEditForm,
    ReadinessWithdrawForm,
    StaffTrainingAttendanceForm,
    WorkplaceEditForm,
)
from ..models import Organisation, ReadinessConfirmation, ReadinessItem, StaffTraining
from ..permissions import (
    can_edit_placement,
    get_organisation_for_user_or_404,
    get_placement_for_user_or_404,
    get_workplace_for_user_or_404,
    is_coordinator_for,
)


def _status_for(form) -> int:
    """A refused form is shown again with status 400, everything typed kept."""
    return 400 if form.is_bound and form.errors else 200


@role_required(Role.COORDINATOR)
def organisation_edit(request, pk: int):
    organisation = get_organisation_for_user_or_404(request.user, pk)
    form = OrganisationEditForm(
        request.POST or None,
        initial={"name": organisation.name, "principal": organisation.principal},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_organisation(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The organisation is saved."))
            return redirect("workplaces:organisation_edit", pk=organisation.pk)
    workplaces = organisation.workplaces.order_by("name", "pk")
    return render(
        request,
        "workplaces/organisation_edit.html",
        {"organisation": organisation, "form": form, "workplaces": workplaces},
        status=_status_for(form),
    )


@role_required(Role.COORDINATOR)
def workplace_edit(request, pk: int):
    workplace = get_workplace_for_user_or_404(request.user, pk)
    if not is_coordinator_for(request.user, workplace):
        raise Http404
    organisations = Organisation.objects.filter(region_id=workplace.region_id).select_related(
        "region"
    )
    unit_managers = (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.UNIT_MANAGER,
            memberships__region_id=workplace.region_id,
        )
        .distinct()
        .order_by("full_name", "email")
    )
    initial = {
        "organisation": workplace.organisation_id,
        "name": workplace.name,
        "type": workplace.type,
        "address": workplace.address,
        "contact_name": workplace.contact_name,
        "contact_email": workplace.contact_email,
        "contact_phone": workplace.contact_phone,
        "managers": [manager.pk for manager in workplace.managers.all()],
    }
    form = WorkplaceEditForm(
        request.POST or None, organisations=organisations, managers=unit_managers, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_workplace(actor=request.user, workplace=workplace, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": workplace.name})
            return redirect("workplaces:workplace_detail", pk=workplace.pk)
    return render(
        request,
        "workplaces/workplace_edit.html",
        {"workplace": workplace, "form": form},
        status=_status_for(form),
    )


@role_required(Role.COORDINATOR, Role.UNIT_MANAGER)
def readiness_withdraw(request, pk: int, item: str):
    """Withdraw a confirmed readiness item, with a reason: the workplace is not ready until
    the item is confirmed again."""
    workplace = get_workplace_for_user_or_404(request.user, pk)
    if item not in ReadinessItem.values:
        raise Http404
    confirmation = get_object_or_404(
        ReadinessConfirmation, workplace=workplace, item=item, withdrawn_on__isnull=True
    )
    form = ReadinessWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.withdraw_readiness(
                actor=request.user, confirmation=confirmation, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("Withdrawn: %(item)s. %(workplace)s is not ready until it is confirmed again.")
                % {"item": confirmation.get_item_display(), "workplace": workplace.name},
            )
            return redirect("workplaces:workplace_detail", pk=workplace.pk)
    return render(
        request,
        "workplaces/readiness_withdraw.html",
        {"workplace": workplace, "confirmation": confirmation, "form": form},
        status=_status_for(form),
    )


@role_required(Role.COORDINATOR, Role.UNIT_MANAGER)
def staff_training_held(request, pk: int, training_pk: int):
    """Record who attended a planned staff training: from then it counts as held."""
    workplace = get_workplace_for_user_or_404(request.user, pk)
    training = get_object_or_404(
        StaffTraining, pk=training_pk, workplace=workplace, staff_count__isnull=True
    )
    form = StaffTrainingAttendanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_training_attendance(
                actor=request.user, training=training, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The staff training is recorded as held."))
            return redirect("workplaces:workplace_detail", pk=workplace.pk)
    return render(
        request,
        "workplaces/staff_training_held.html",
        {"workplace": workplace, "training": training, "form": form},
        status=_status_for(form),
    )


@role_required(Role.COORDINATOR)
def placement_edit(request, pk: int):
    """The coordinator corrects a placement's hours, dates and tasks (the full-time rule
    applies as when it was proposed)."""
    placement = get_placement_for_user_or_404(request.user, pk)
    if not is_coordinator_for(request.user, placement.workplace):
        raise Http404
    if not can_edit_placement(request.user, placement):
        messages.error(request, _("An ended placement cannot be changed."))
        return redirect("workplaces:placement_detail", pk=placement.pk)
    form = PlacementEditForm(request.POST or None, placement=placement)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_placement(actor=request.user, placement=placement, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The placement is saved."))
            return redirect("workplaces:placement_detail", pk=placement.pk)
    return render(
        request,
        "workplaces/placement_edit.html",
        {"placement": placement, "form": form},
        status=_status_for(form),
    )


urlpatterns = [
    path("organisations/<int:pk>/edit/", organisation_edit, name="organisation_edit"),
    path("<int:pk>/edit/", workplace_edit, name="workplace_edit"),
    path(
        "<int:pk>/readiness/<str:item>/withdraw/",
        readiness_withdraw,
        name="readiness_withdraw",
    ),
    path(
        "<int:pk>/trainings/<int:training_pk>/held/",
        staff_training_held,
        name="staff_training_held",
    ),
    path("placements/<int:pk>/edit/", placement_edit, name="placement_edit"),
]
