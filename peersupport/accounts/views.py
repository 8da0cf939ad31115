from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction

from . import actions
from .forms import InviteForm, PersonFilterForm, ProfileForm, SetPasswordForm
from .invitations import user_for_invitation
from .models import Membership, Role
from .permissions import (
    can_manage_account,
    get_person_for_user_or_404,
    memberships_visible_to,
    people_visible_to,
    regions_where_user_may_invite,
    role_required,
)
from .scoping import regions_for


@role_required(Role.COORDINATOR)
def person_list(request):
    regions = regions_for(request.user, Role.COORDINATOR)
    form = PersonFilterForm(request.GET or None, regions=regions)
    visible_memberships = memberships_visible_to(request.user).select_related("region")
    people = people_visible_to(request.user)
    if form.is_valid():
        query = form.cleaned_data["q"]
        if query:
            people = people.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
        if form.cleaned_data["role"]:
            visible_memberships = visible_memberships.filter(role=form.cleaned_data["role"])
        if form.cleaned_data["region"]:
            visible_memberships = visible_memberships.filter(region=form.cleaned_data["region"])
        people = people.filter(pk__in=visible_memberships.values("user_id"))
    people = people.prefetch_related(
        Prefetch("memberships", queryset=visible_memberships, to_attr="visible_memberships")
    ).order_by("full_name", "email")
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/person_list.html", {"form": form, "page": page})


@role_required(Role.COORDINATOR)
def person_detail(request, pk: int):
    person = get_person_for_user_or_404(request.user, pk)
    memberships = memberships_visible_to(request.user).filter(user=person).select_related("region")
    record_event(actor=request.user, action=AuditAction.READ, obj=person, request=request)
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "memberships": memberships,
            "can_manage": can_manage_account(request.user, person),
        },
    )


@role_required(Role.COORDINATOR)
def person_invite(request):
    regions = regions_where_user_may_invite(request.user)
    form = InviteForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            membership = actions.invite_person(
                actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                _("%(name)s now has the role %(role)s in %(region)s.")
                % {
                    "name": membership.user,
                    "role": membership.get_role_display(),
                    "region": membership.region,
                },
            )
            return redirect("accounts:person_detail", pk=membership.user_id)
    return render(request, "accounts/person_invite.html", {"form": form})


@login_not_required
@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request, uidb64: str, token: str):
    user = user_for_invitation(uidb64, token)
    if user is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = SetPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        actions.accept_invitation(
            user=user, password=form.cleaned_data["password1"], request=request
        )
        messages.success(request, _("Your password is saved. Log in to continue."))
        return redirect("account_login")
    return render(request, "accounts/invitation_accept.html", {"form": form, "person": user})


def profile_edit(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        actions.update_profile(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            language=form.cleaned_data["language"],
        )
        messages.success(request, _("Your settings are saved."))
        return redirect("accounts:profile_edit")
    memberships = Membership.objects.filter(user=request.user).select_related("region")
    return render(request, "accounts/profile_edit.html", {"form": form, "memberships": memberships})
