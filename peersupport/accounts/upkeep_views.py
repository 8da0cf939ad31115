"""Upkeep of people: corrections, ending roles, closing and reopening accounts, sending an
invitation again. Coordinators only, for people of their own regions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peersupport.forms import add_action_error

from . import actions
from .forms import EndMembershipForm, PersonCorrectForm
from .models import Role
from .permissions import (
    can_manage_account,
    get_person_for_user_or_404,
    memberships_visible_to,
    people_visible_to,
    role_required,
)


def _back_to(user, person):
    """The person's page while the user still sees them, else the list of people."""
    if people_visible_to(user).filter(pk=person.pk).exists():
        return redirect("accounts:person_detail", pk=person.pk)
    return redirect("accounts:person_list")


@role_required(Role.COORDINATOR)
def person_edit(request, pk: int):
    person = get_person_for_user_or_404(request.user, pk)
    if not can_manage_account(request.user, person):
        raise PermissionDenied
    form = PersonCorrectForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        old_email = person.email
        try:
            actions.correct_person(
                actor=request.user, person=person, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The details are saved."))
            if person.email != old_email and not person.has_usable_password():
                messages.info(
                    request,
                    _("Send the invitation again so that it reaches the new address."),
                )
            return redirect("accounts:person_detail", pk=person.pk)
    status = 400 if form.errors else 200
    return render(
        request, "accounts/person_edit.html", {"form": form, "person": person}, status=status
    )


@role_required(Role.COORDINATOR)
def membership_end(request, pk: int, membership_pk: int):
    person = get_person_for_user_or_404(request.user, pk)
    membership = get_object_or_404(
        memberships_visible_to(request.user).select_related("region"),
        pk=membership_pk,
        user=person,
    )
    last_role = not person.memberships.exclude(pk=membership.pk).exists()
    # Bound on every POST: the form may have no fields, and an empty POST still confirms.
    form = EndMembershipForm(
        request.POST if request.method == "POST" else None,
        last_role=last_role and person.is_active,
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.end_membership(
                actor=request.user,
                membership=membership,
                close_account=form.cleaned_data.get("close_account", False),
                request=request,
            )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(
                request,
                _("%(name)s no longer has the role %(role)s in %(region)s.")
                % {
                    "name": person,
                    "role": membership.get_role_display(),
                    "region": membership.region,
                },
            )
            return _back_to(request.user, person)
    return render(
        request,
        "accounts/membership_end.html",
        {"person": person, "membership": membership, "form": form, "error": error},
        status=400 if error else 200,
    )


@role_required(Role.COORDINATOR)
def person_close(request, pk: int):
    person = get_person_for_user_or_404(request.user, pk)
    if not can_manage_account(request.user, person):
        raise PermissionDenied
    error = None
    if request.method == "POST":
        try:
            actions.close_account(actor=request.user, person=person, request=request)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(
                request,
                _("%(name)s's account is closed and every login of theirs has ended.")
                % {"name": person},
            )
            return redirect("accounts:person_detail", pk=person.pk)
    return render(
        request,
        "accounts/person_close.html",
        {"person": person, "error": error},
        status=400 if error else 200,
    )


def _account_post(request, pk: int, action, success: str):
    person = get_person_for_user_or_404(request.user, pk)
    try:
        action(actor=request.user, person=person, request=request)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, success % {"name": person})
    return redirect("accounts:person_detail", pk=person.pk)


@role_required(Role.COORDINATOR)
@require_POST
def person_reopen(request, pk: int):
    return _account_post(
        request, pk, actions.reopen_account, _("%(name)s's account is open again.")
    )


@role_required(Role.COORDINATOR)
@require_POST
def invitation_resend(request, pk: int):
    return _account_post(
        request,
        pk,
        actions.resend_invitation,
        _("A new invitation is on its way to %(name)s. Earlier links no longer work."),
    )


urlpatterns = [
    path("people/<int:pk>/edit/", person_edit, name="person_edit"),
    path(
        "people/<int:pk>/roles/<int:membership_pk>/end/",
        membership_end,
        name="membership_end",
    ),
    path("people/<int:pk>/close/", person_close, name="person_close"),
    path("people/<int:pk>/reopen/", person_reopen, name="person_reopen"),
    path("people/<int:pk>/invitation/", invitation_resend, name="invitation_resend"),
]
