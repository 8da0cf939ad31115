"""Reunions and continuing education for a region's alumni, and network meetings for its
unit managers: events, invitations, answers and who came."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from peersupport.accounts.models import Role
from peersupport.accounts.permissions import role_required
from peersupport.accounts.scoping import regions_for
from peersupport.forms import add_action_error

from .. import actions
from ..event_audiences import audience_for
from ..forms import EventAttendanceForm, EventForm
from ..models import EventResponse
from ..permissions import (
    events_visible_to,
    get_event_for_user_or_404,
    get_invitation_for_user_or_404,
)

PAST_PAGE_SIZE = 50
# The action's field names for the moments the form takes as a date and a time.
FORM_FIELD_OF = {"starts_at": "start_time", "ends_at": "end_time"}


@role_required(Role.COORDINATOR)
def event_list(request):
    events = (
        events_visible_to(request.user)
        .select_related("region")
        .annotate(
            invited=Count("invitations"),
            coming=Count("invitations", filter=Q(invitations__response=EventResponse.COMING)),
            attended=Count("invitations", filter=Q(invitations__attended=True)),
        )
    )
    now = timezone.now()
    upcoming = events.filter(ends_at__gte=now).order_by("starts_at")
    past = Paginator(events.filter(ends_at__lt=now).order_by("-starts_at"), PAST_PAGE_SIZE)
    return render(
        request,
        "programmes/event_list.html",
        {"upcoming": upcoming, "page": past.get_page(request.GET.get("page"))},
    )


@role_required(Role.COORDINATOR)
def event_create(request):
    form = EventForm(request.POST or None, regions=regions_for(request.user, Role.COORDINATOR))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = actions.create_event(
                actor=request.user,
                region=data["region"],
                kind=data["kind"],
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                venue=data["venue"],
                description=data["description"],
            )
        except ValidationError as error:
            add_action_error(form, with_form_fields(error))
        else:
            messages.success(request, _("The event is created. Invite the people it is for next."))
            return redirect("programmes:event_detail", pk=event.pk)
    return render(request, "programmes/event_create.html", {"form": form})


@role_required(Role.COORDINATOR)
def event_detail(request, pk: int):
    event = get_event_for_user_or_404(request.user, pk)
    invitations = list(event.invitations.select_related("participant", "user"))
    audience = audience_for(event.kind)
    return render(
        request,
        "programmes/event_detail.html",
        {
            "event": event,
            "invitations": invitations,
            "attended_count": sum(1 for i in invitations if i.attended),
            "coming_count": sum(1 for i in invitations if i.response == EventResponse.COMING),
            "not_coming_count": sum(
                1 for i in invitations if i.response == EventResponse.NOT_COMING
            ),
            "audience_label": audience.label if audience else None,
            "has_started": event.has_begun,
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def event_invite(request, pk: int):
    event = get_event_for_user_or_404(request.user, pk)
    try:
        invited = actions.invite_to_event(actor=request.user, event=event)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if audience_for(event.kind) is None:
            invited_text = ngettext(
                "%(count)d alumnus is invited.", "%(count)d alumni are invited.", invited
            )
            nobody_new = _("Every alumnus of the region is already invited.")
        else:
            invited_text = ngettext(
                "%(count)d person is invited.", "%(count)d people are invited.", invited
            )
            nobody_new = _("Everyone the event is for is already invited.")
        if invited:
            messages.success(request, invited_text % {"count": invited})
        else:
            messages.info(request, nobody_new)
    return redirect("programmes:event_detail", pk=event.pk)


@role_required(Role.COORDINATOR)
@require_POST
def event_attendance(request, pk: int, invitation_pk: int):
    event = get_event_for_user_or_404(request.user, pk)
    invitation = get_invitation_for_user_or_404(request.user, event, invitation_pk)
    form = EventAttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the person attended."))
        return redirect("programmes:event_detail", pk=event.pk)
    try:
        actions.record_event_attendance(
            actor=request.user, invitation=invitation, attended=form.attended_value
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Attendance of %(name)s is saved.") % {"name": invitation.invitee_name},
        )
    detail_url = reverse("programmes:event_detail", kwargs={"pk": event.pk})
    return redirect(f"{detail_url}#invitation-{invitation.pk}")


def with_form_fields(error: ValidationError) -> ValidationError:
    """The action's error with its moments named as the form's time fields."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {FORM_FIELD_OF.get(field, field): errors for field, errors in error.error_dict.items()}
    )
