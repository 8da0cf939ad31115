"""Correcting and cancelling events, and invitees answering whether they are coming: in the
app, or from the e-mail's signed link without logging in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from peersupport.accounts.models import Role
from peersupport.accounts.permissions import role_required
from peersupport.forms import add_action_error

from .. import actions
from ..forms import EventAnswerForm, EventCancelForm, EventEditForm
from ..permissions import (
    get_event_for_user_or_404,
    get_invitation_by_token_or_404,
    get_own_invitation_or_404,
    own_event_invitations,
)
from .events import with_form_fields

# The person's own page lists past events this far back.
OWN_PAST_SHOWN = 10


def _status(form) -> int:
    return 400 if form is not None and form.errors else 200


@role_required(Role.COORDINATOR)
def event_edit(request, pk: int):
    event = get_event_for_user_or_404(request.user, pk)
    form = None
    if not event.is_cancelled:
        form = EventEditForm(
            request.POST if request.method == "POST" else None,
            initial=EventEditForm.initial_for(event),
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                actions.update_event(
                    actor=request.user,
                    event=event,
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
                messages.success(request, _("The event is saved."))
                return redirect("programmes:event_detail", pk=event.pk)
    return render(
        request,
        "programmes/event_edit.html",
        {"event": event, "form": form},
        status=_status(form),
    )


@role_required(Role.COORDINATOR)
def event_cancel(request, pk: int):
    event = get_event_for_user_or_404(request.user, pk)
    form = None
    if not event.is_cancelled and not event.has_begun:
        form = EventCancelForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                actions.cancel_event(
                    actor=request.user, event=event, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(request, _("The event is cancelled and the invitees are told."))
                return redirect("programmes:event_detail", pk=event.pk)
    return render(
        request,
        "programmes/event_cancel.html",
        {"event": event, "form": form, "invited": event.invitations.count()},
        status=_status(form),
    )


def my_events(request):
    """The events the person is invited to, to come and recent, with their answer."""
    invitations = own_event_invitations(request.user).select_related("event", "event__region")
    now = timezone.now()
    return render(
        request,
        "programmes/event_mine.html",
        {
            "upcoming": invitations.filter(event__ends_at__gte=now).order_by(
                "event__starts_at", "pk"
            ),
            "past": invitations.filter(event__ends_at__lt=now).order_by("-event__starts_at", "-pk")[
                :OWN_PAST_SHOWN
            ],
        },
    )


@require_POST
def my_event_answer(request, pk: int):
    invitation = get_own_invitation_or_404(request.user, pk)
    form = EventAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether you are coming."))
    else:
        try:
            actions.answer_event_invitation(
                actor=request.user,
                invitation=invitation,
                response=form.cleaned_data["response"],
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your answer is saved."))
    return redirect("programmes:my_events")


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def event_answer(request, token: str):
    """Public to whoever holds the signed link from the invitation e-mail: shows the event
    and records coming or not coming. GET changes nothing (mail scanners open links)."""
    invitation = get_invitation_by_token_or_404(token)
    refusal = actions.answer_refusal(invitation.event)
    form = None
    if refusal is None:
        form = EventAnswerForm(
            request.POST if request.method == "POST" else None,
            initial={"response": invitation.response or None},
        )
        if request.method == "POST" and form.is_valid():
            try:
                actions.answer_event_invitation(
                    invitation=invitation, response=form.cleaned_data["response"], request=request
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(request, _("Thank you, your answer is saved."))
                return redirect("programmes:event_answer", token=token)
    response = render(
        request,
        "programmes/event_answer.html",
        {"invitation": invitation, "event": invitation.event, "form": form, "refusal": refusal},
        status=_status(form),
    )
    # The address is a secret: keep it out of search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


urlpatterns = [
    path("events/<int:pk>/edit/", event_edit, name="event_edit"),
    path("events/<int:pk>/cancel/", event_cancel, name="event_cancel"),
    path("events/answer/<str:token>/", event_answer, name="event_answer"),
    path("my-events/", my_events, name="my_events"),
    path("my-events/<int:pk>/answer/", my_event_answer, name="my_event_answer"),
]
