"""Placements (proposal, two-sided agreement, ending) and their follow-up reviews."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from peersupport.accounts.models import Role
from peersupport.accounts.permissions import role_required
from peersupport.accounts.scoping import has_role
from peersupport.forms import add_action_error, record_name_confirmations
from peersupport.paging import url_by_pk
from programmes.permissions import participants_visible_to

from .. import actions
from ..forms import PlacementEndForm, PlacementFilterForm, PlacementForm, ReviewForm
from ..models import PlacementStatus, ReviewRespondent, ReviewResponse
from ..permissions import (
    can_agree_placement,
    can_edit_placement,
    can_end_placement,
    can_manage_workplace,
    coordinated_region_ids,
    get_placement_for_user_or_404,
    get_review_for_user_or_404,
    managed_workplace_ids,
    placements_visible_to,
    reviews_visible_to,
    workplaces_visible_to,
)

PAGE_SIZE = 50
# The review list also shows follow-ups falling due within this many days.
REVIEW_LOOKAHEAD_DAYS = 14


@role_required(Role.COORDINATOR, Role.UNIT_MANAGER, Role.PEER_SUPPORTER)
def placement_list(request):
    """Coordinators: their regions' placements; unit managers: their workplaces';
    peer supporters: their own."""
    may_filter = has_role(request.user, Role.COORDINATOR, Role.UNIT_MANAGER)
    form = PlacementFilterForm(request.GET or None, workplaces=workplaces_visible_to(request.user))
    placements = placements_visible_to(request.user)
    if may_filter and form.is_valid():
        filters = form.cleaned_data
        if filters["status"]:
            placements = placements.filter(status=filters["status"])
        if filters["workplace"]:
            placements = placements.filter(workplace=filters["workplace"])
        if filters["q"]:
            query = filters["q"].strip()
            placements = placements.filter(
                Q(participant__full_name__icontains=query) | Q(workplace__name__icontains=query)
            )
    page = Paginator(
        placements.select_related("participant", "workplace").order_by(
            "-start_date", "participant__full_name", "pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    # Worked out here, not per row in the template (see ``review_list``).
    detail_url = url_by_pk("workplaces:placement_detail")
    statuses = {value: str(label) for value, label in PlacementStatus.choices}
    for placement in page:
        placement.url = detail_url(placement.pk)
        placement.status_label = statuses[placement.status]
        placement.waiting_for = _waiting_for(placement)
    return render(
        request,
        "workplaces/placement_list.html",
        {
            "form": form,
            "page": page,
            "may_filter": may_filter,
            "may_propose": has_role(request.user, Role.COORDINATOR),
        },
    )


def _waiting_for(placement) -> str:
    if placement.status != PlacementStatus.PROPOSED:
        return ""
    if not placement.coordinator_agreed_at and not placement.manager_agreed_at:
        return _("Waiting for both to agree")
    if not placement.coordinator_agreed_at:
        return _("Waiting for the coordinator")
    return _("Waiting for the unit manager")


@role_required(Role.COORDINATOR)
def placement_create(request):
    workplaces = workplaces_visible_to(request.user).filter(
        region_id__in=coordinated_region_ids(request.user)
    )
    participants = (
        participants_visible_to(request.user)
        .with_status(*actions.PLACEABLE_STATUSES)
        .order_by("full_name", "pk")
    )
    initial = {}
    preselected = request.GET.get("workplace", "")
    # isdigit() alone lets through digits such as "²" that the database lookup refuses.
    is_id = preselected.isascii() and preselected.isdigit()
    if is_id and workplaces.filter(pk=preselected).exists():
        initial["workplace"] = int(preselected)
    form = PlacementForm(
        request.POST or None, initial=initial, participants=participants, workplaces=workplaces
    )
    if request.method == "POST" and form.is_valid():
        try:
            placement = actions.propose_placement(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "The placement of %(name)s at %(workplace)s is proposed. It is agreed when "
                    "both the coordinator and the unit manager have agreed."
                )
                % {"name": placement.participant.full_name, "workplace": placement.workplace},
            )
            return redirect("workplaces:placement_detail", pk=placement.pk)
    return render(request, "workplaces/placement_create.html", {"form": form})


@role_required(Role.COORDINATOR, Role.UNIT_MANAGER, Role.PEER_SUPPORTER)
def placement_detail(request, pk: int):
    placement = get_placement_for_user_or_404(request.user, pk)
    may_manage = can_manage_workplace(request.user, placement.workplace)
    reviews = (
        placement.reviews.prefetch_related(
            Prefetch("responses", queryset=ReviewResponse.objects.order_by("respondent"))
        )
        if may_manage
        else []
    )
    return render(
        request,
        "workplaces/placement_detail.html",
        {
            "placement": placement,
            "may_manage": may_manage,
            "reviews": reviews,
            "can_agree": can_agree_placement(request.user, placement),
            "can_end": can_end_placement(request.user, placement),
            "can_edit": can_edit_placement(request.user, placement),
            "today": timezone.localdate(),
        },
    )


@role_required(Role.COORDINATOR, Role.UNIT_MANAGER)
@require_POST
def placement_agree(request, pk: int):
    placement = get_placement_for_user_or_404(request.user, pk)
    try:
        placement = actions.agree_placement(actor=request.user, placement=placement)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _agreement_message(placement))
    return redirect("workplaces:placement_detail", pk=placement.pk)


def _agreement_message(placement) -> str:
    start = date_format(placement.start_date, "j F Y")
    if placement.status == PlacementStatus.ACTIVE:
        return _("Both have agreed. The placement is active from %(start)s.") % {"start": start}
    if placement.status == PlacementStatus.AGREED:
        return _("Both have agreed. The placement is agreed and becomes active on %(start)s.") % {
            "start": start
        }
    if placement.coordinator_agreed_at:
        return _(
            "Your agreement is recorded. The placement is agreed once the unit manager agrees."
        )
    return _("Your agreement is recorded. The placement is agreed once the coordinator agrees.")


@role_required(Role.COORDINATOR, Role.UNIT_MANAGER)
def placement_end(request, pk: int):
    placement = get_placement_for_user_or_404(request.user, pk)
    form = PlacementEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.end_placement(actor=request.user, placement=placement, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("The placement of %(name)s at %(workplace)s has ended.")
                % {"name": placement.participant.full_name, "workplace": placement.workplace},
            )
            return redirect("workplaces:placement_detail", pk=placement.pk)
    return render(
        request,
        "workplaces/placement_end.html",
        {
            "placement": placement,
            "form": form,
            "can_end": can_end_placement(request.user, placement),
        },
    )


def _answered_at(respondent: str) -> Subquery:
    return Subquery(
        ReviewResponse.objects.filter(review=OuterRef("pk"), respondent=respondent).values(
            "submitted_at"
        )[:1]
    )


@role_required(Role.COORDINATOR, Role.UNIT_MANAGER)
def review_list(request):
    """Follow-ups of active placements that are overdue or fall due soon.

    By default only those still waiting for the user's own answer: a unit manager answers
    for the workplaces they manage, a coordinator for the rest of their regions.
    """
    today = timezone.localdate()
    managed = managed_workplace_ids(request.user)
    show_all = request.GET.get("show") == "all"
    reviews = (
        reviews_visible_to(request.user)
        .filter(
            placement__status=PlacementStatus.ACTIVE,
            due_on__lte=today + dt.timedelta(days=REVIEW_LOOKAHEAD_DAYS),
        )
        .annotate(
            manager_answered_at=_answered_at(ReviewRespondent.UNIT_MANAGER),
            coordinator_answered_at=_answered_at(ReviewRespondent.COORDINATOR),
        )
    )
    if not show_all:
        reviews = reviews.filter(
            Q(placement__workplace_id__in=managed, manager_answered_at__isnull=True)
            | (
                ~Q(placement__workplace_id__in=managed)
                & Q(
                    placement__workplace__region_id__in=coordinated_region_ids(request.user),
                    coordinator_answered_at__isnull=True,
                )
            )
        )
    page = Paginator(
        reviews.select_related("placement__participant", "placement__workplace").order_by(
            "due_on", "pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    # What each row shows, worked out here: the template's per-row translations and
    # lookups multiply by the page size.
    placement_url, respond_url = (
        url_by_pk("workplaces:placement_detail"),
        url_by_pk("workplaces:review_respond"),
    )
    for review in page:
        mine_answered = (
            review.manager_answered_at
            if review.placement.workplace_id in managed
            else review.coordinator_answered_at
        )
        review.awaits_me = mine_answered is None
        review.overdue = review.awaits_me and review.due_on < today
        review.due_today = review.awaits_me and review.due_on == today
        review.interval = ngettext(
            "%(months)s month", "%(months)s months", review.months_after_start
        ) % {"months": review.months_after_start}
        review.manager_answer = _answer_text(review.manager_answered_at)
        review.coordinator_answer = _answer_text(review.coordinator_answered_at)
        review.placement_url = placement_url(review.placement_id)
        review.respond_url = respond_url(review.pk)
    return render(
        request,
        "workplaces/review_list.html",
        {
            "page": page,
            "show_all": show_all,
            "today": today,
            "lookahead_days": REVIEW_LOOKAHEAD_DAYS,
        },
    )


def _answer_text(answered_at) -> str:
    if answered_at is None:
        return _("Not yet")
    return _("Answered %(date)s") % {"date": date_format(timezone.localtime(answered_at), "j M Y")}


@role_required(Role.COORDINATOR, Role.UNIT_MANAGER)
def review_respond(request, pk: int):
    """The structured follow-up form; both parties' answers are shown read-only once given."""
    review = get_review_for_user_or_404(request.user, pk)
    respondent = actions.respondent_for(request.user, review)
    responses = list(review.responses.select_related("submitted_by").order_by("respondent"))
    answered = any(response.respondent == respondent for response in responses)
    form = None
    if answered:
        messages.info(request, _("You have already answered this follow-up."))
    else:
        form = ReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                response = actions.submit_review(
                    actor=request.user, review=review, **form.cleaned_data
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                record_name_confirmations(form, request=request, obj=response)
                messages.success(request, _("Thank you. Your follow-up is saved."))
                return redirect("workplaces:review_list")
    return render(
        request,
        "workplaces/review_respond.html",
        {
            "review": review,
            "placement": review.placement,
            "form": form,
            "responses": responses,
            "respondent_label": ReviewRespondent(respondent).label if respondent else "",
        },
    )
