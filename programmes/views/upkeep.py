"""Upkeep without the admin: correcting a participant's details, cancelling a planned
cohort, copying a national course template into a region."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peersupport.accounts.models import Role
from peersupport.accounts.permissions import role_required
from peersupport.accounts.scoping import regions_for
from peersupport.forms import add_action_error

from .. import actions
from ..forms import ParticipantDetailsForm, TemplateCopyForm
from ..models import CohortStatus, EnrolmentStatus
from ..permissions import (
    get_cohort_for_user_or_404,
    get_participant_for_user_or_404,
    get_template_for_user_or_404,
)


@role_required(Role.COORDINATOR)
def participant_edit(request, pk: int):
    participant = get_participant_for_user_or_404(request.user, pk)
    initial = {
        field: getattr(participant, field)
        for field in ("full_name", "email", "phone", "language", "applied_on")
    }
    form = ParticipantDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_participant(
                actor=request.user, participant=participant, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("The details of %(name)s are saved.") % {"name": participant.full_name},
            )
            return redirect("programmes:participant_detail", pk=participant.pk)
    return render(
        request,
        "programmes/participant_edit.html",
        {"participant": participant, "form": form},
        status=400 if form.is_bound else 200,
    )


@role_required(Role.COORDINATOR)
def cohort_cancel(request, pk: int):
    """GET asks to confirm; POST cancels the planned cohort and tells its trainees."""
    cohort = get_cohort_for_user_or_404(request.user, pk)
    error = None
    if request.method == "POST":
        try:
            actions.cancel_cohort(actor=request.user, cohort=cohort, request=request)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request,
                _("%(name)s is cancelled. Its trainees are told by e-mail.")
                % {"name": cohort.name},
            )
            return redirect("programmes:cohort_detail", pk=cohort.pk)
    told = cohort.enrolments.filter(
        status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED]
    ).count()
    return render(
        request,
        "programmes/cohort_cancel.html",
        {
            "cohort": cohort,
            "error": error,
            "can_cancel": cohort.status == CohortStatus.PLANNED,
            "told": told,
        },
        status=400 if error else 200,
    )


@role_required(Role.COORDINATOR)
@require_POST
def template_copy(request, pk: int):
    """Copy a national course template into one of the coordinator's regions."""
    template = get_template_for_user_or_404(request.user, pk)
    if not template.is_national:
        raise PermissionDenied
    form = TemplateCopyForm(request.POST, regions=regions_for(request.user, Role.COORDINATOR))
    if not form.is_valid():
        messages.error(request, _("Choose one of your regions to copy the template to."))
        return redirect("programmes:template_list")
    try:
        copy = actions.copy_course_template(
            actor=request.user, template=template, region=form.cleaned_data["region"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programmes:template_list")
    messages.success(
        request,
        _("%(name)s is your region's own copy; change it here.") % {"name": copy.name},
    )
    return redirect("programmes:template_edit", pk=copy.pk)


urlpatterns = [
    path("participants/<int:pk>/edit/", participant_edit, name="participant_edit"),
    path("cohorts/<int:pk>/cancel/", cohort_cancel, name="cohort_cancel"),
    path("templates/<int:pk>/copy/", template_copy, name="template_copy"),
]
