"""Ending a supervision group and making it active again (the region's coordinators)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peersupport.accounts.models import Role
from peersupport.accounts.permissions import role_required
from peersupport.forms import add_action_error

from .. import actions
from ..forms import GroupDeactivateForm
from ..permissions import can_edit_group, get_group_for_user_or_404

coordinator_required = role_required(Role.COORDINATOR)


def _editable_group_or_403(request, pk: int):
    group = get_group_for_user_or_404(request.user, pk)
    if not can_edit_group(request.user, group):
        raise PermissionDenied
    return group


@coordinator_required
def group_deactivate(request, pk: int):
    """End a group with a reason: its planned sessions are cancelled."""
    group = _editable_group_or_403(request, pk)
    form = None
    if group.active:
        form = GroupDeactivateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                actions.deactivate_group(
                    actor=request.user, group=group, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(
                    request, _("The group has ended; its planned sessions are cancelled.")
                )
                return redirect("supervision:group_detail", pk=group.pk)
    return render(
        request,
        "supervision/group_deactivate.html",
        {
            "group": group,
            "form": form,
            "planned": group.sessions.upcoming(timezone.now()).count(),
        },
        status=400 if form is not None and form.errors else 200,
    )


@coordinator_required
@require_POST
def group_reactivate(request, pk: int):
    group = _editable_group_or_403(request, pk)
    try:
        actions.reactivate_group(actor=request.user, group=group)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The group is active again. Plan its sessions."))
    return redirect("supervision:group_detail", pk=group.pk)


urlpatterns = [
    path("groups/<int:pk>/deactivate/", group_deactivate, name="group_deactivate"),
    path("groups/<int:pk>/reactivate/", group_reactivate, name="group_reactivate"),
]
