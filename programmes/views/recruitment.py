"""Recruitment: the coordinator's list of participants, registering applicants, a
participant's record and the steps on their path."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peersupport.accounts.models import Role
from peersupport.accounts.permissions import role_required
from peersupport.accounts.scoping import regions_for
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.forms import add_action_error

from .. import actions
from ..forms import ApplicantForm, ParticipantFilterForm, StatusChangeForm
from ..models import ParticipantStatus
from ..permissions import (
    cohorts_visible_to,
    get_participant_for_user_or_404,
    participants_visible_to,
)

PAGE_SIZE = 50


@role_required(Role.COORDINATOR)
def participant_list(request):
    """Participants of the coordinator's regions, filtered, with a funnel count per status."""
    form = ParticipantFilterForm(
        request.GET or None,
        regions=regions_for(request.user, Role.COORDINATOR),
        cohorts=cohorts_visible_to(request.user),
    )
    participants = participants_visible_to(request.user)
    in_funnel = participants
    if form.is_valid():
        filters = form.cleaned_data
        if filters["region"]:
            participants = participants.filter(region=filters["region"])
            in_funnel = participants
        if filters["status"]:
            participants = participants.filter(status=filters["status"])
        if filters["cohort"]:
            participants = participants.filter(enrolments__cohort=filters["cohort"])
        if filters["q"]:
            query = filters["q"].strip()
            participants = participants.filter(
                Q(full_name__icontains=query) | Q(email__icontains=query)
            )
    counts = dict(
        in_funnel.order_by()
        .values("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    funnel = [
        {"status": status, "label": label, "count": counts.get(status, 0)}
        for status, label in ParticipantStatus.choices
    ]
    page = Paginator(
        participants.select_related("region").order_by("full_name", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/participant_list.html",
        {"form": form, "page": page, "funnel": funnel},
    )


@role_required(Role.COORDINATOR)
def participant_create(request):
    form = ApplicantForm(request.POST or None, regions=regions_for(request.user, Role.COORDINATOR))
    if request.method == "POST" and form.is_valid():
        try:
            participant = actions.register_applicant(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered as an applicant.") % {"name": participant.full_name},
            )
            return redirect("programmes:participant_detail", pk=participant.pk)
    return render(request, "programmes/participant_create.html", {"form": form})


@role_required(Role.COORDINATOR)
def participant_detail(request, pk: int):
    participant = get_participant_for_user_or_404(request.user, pk)
    return _render_record(request, participant, StatusChangeForm(participant=participant))


@role_required(Role.COORDINATOR)
@require_POST
def participant_status(request, pk: int):
    participant = get_participant_for_user_or_404(request.user, pk)
    form = StatusChangeForm(request.POST, participant=participant)
    if form.is_valid():
        try:
            change = actions.change_status(
                actor=request.user,
                participant=participant,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now %(status)s.")
                % {
                    "name": participant.full_name,
                    "status": change.get_to_status_display().lower(),
                },
            )
            return redirect("programmes:participant_detail", pk=participant.pk)
    return _render_record(request, participant, form)


@role_required(Role.COORDINATOR)
@require_POST
def participant_account(request, pk: int):
    participant = get_participant_for_user_or_404(request.user, pk)
    try:
        actions.give_account(actor=request.user, participant=participant, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is invited by e-mail to log in as a peer supporter.")
            % {"name": participant.full_name},
        )
    return redirect("programmes:participant_detail", pk=participant.pk)


def _render_record(request, participant, status_form):
    """The participant's record; every showing of it is written to the audit log."""
    record_event(actor=request.user, action=AuditAction.READ, obj=participant, request=request)
    invitations = list(
        participant.event_invitations.select_related("event").order_by("-event__starts_at")
    )
    context = {
        "participant": participant,
        "status_form": status_form,
        "status_changes": participant.status_changes.select_related("changed_by"),
        "enrolments": participant.enrolments.select_related("cohort").order_by(
            "-cohort__start_date"
        ),
        "certificates": participant.certificates.select_related("cohort"),
        "events_attended": [i for i in invitations if i.attended],
        "events_invited": [i for i in invitations if not i.attended],
    }
    return render(request, "programmes/participant_detail.html", context)
