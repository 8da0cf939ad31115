"""Organisations, workplaces and their readiness; the unit manager's overview; the
coordinator's export of support-session aggregates.

Unit managers see counts of support sessions only – never a session's text or code.
"""

from __future__ import annotations

import csv
import datetime as dt

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport import smallnumbers
from peersupport.accounts.models import Role, User
from peersupport.accounts.permissions import role_required
from peersupport.accounts.scoping import regions_for
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.forms import add_action_error
from peersupport.spreadsheets import spreadsheet_safe

from .. import actions
from ..aggregates import SessionAggregates, aggregate_sessions_by_workplace, last_months
from ..forms import (
    AggregatesExportForm,
    OrganisationForm,
    ReadinessForm,
    StaffTrainingForm,
    TraineeOrderForm,
    WorkplaceFilterForm,
    WorkplaceForm,
)
from ..models import (
    FollowUpReview,
    Organisation,
    Placement,
    PlacementStatus,
    ReadinessConfirmation,
    ReadinessItem,
    ReviewRespondent,
    ReviewResponse,
    StaffTraining,
    SupportSession,
    TraineeOrder,
    Workplace,
)
from ..permissions import (
    coordinated_region_ids,
    get_workplace_for_user_or_404,
    is_coordinator_for,
    managed_workplace_ids,
    placements_visible_to,
    support_sessions_countable_by,
    workplaces_visible_to,
)

PAGE_SIZE = 50
AGGREGATE_MONTHS = 12
# Reviews falling due within this many days count as "due" on the overview.
REVIEW_DUE_WINDOW_DAYS = 14
OPEN_PLACEMENT_STATUSES = (
    PlacementStatus.PROPOSED,
    PlacementStatus.AGREED,
    PlacementStatus.ACTIVE,
)


# What ``actions.readiness_missing`` reads, prefetched so it costs no query per workplace.
READINESS_PREFETCH = (
    Prefetch(
        "readiness",
        queryset=ReadinessConfirmation.objects.select_related("confirmed_by", "withdrawn_by"),
    ),
    Prefetch("staff_trainings", queryset=StaffTraining.objects.select_related("recorded_by")),
)


def _with_readiness(workplaces):
    return workplaces.prefetch_related(*READINESS_PREFETCH)


def _count_of(queryset):
    """A per-workplace count of ``queryset`` rows, as a subquery annotation."""
    counts = (
        queryset.filter(workplace=OuterRef("pk"))
        .order_by()
        .values("workplace")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def _aggregates_block(aggregates: SessionAggregates, *, title: str, protect: bool) -> dict:
    """The figures as the viewer may see them (``protect``: small numbers hidden, for anyone
    but the workplace's coordinator), and the chart drawn from those same figures."""
    figures = aggregates.shown(protect=protect)
    # The chart is SVG we draw from numbers with every label escaped; no user text reaches it.
    return {"aggregates": aggregates, "figures": figures, "chart": figures.chart(title)}


# Organisations and workplaces -------------------------------------------------------------


@role_required(Role.COORDINATOR, Role.UNIT_MANAGER)
def workplace_list(request):
    """Coordinators: their regions' workplaces, filtered. Unit managers: their own."""
    is_coordinator = bool(coordinated_region_ids(request.user))
    regions = regions_for(request.user, Role.COORDINATOR)
    form = WorkplaceFilterForm(request.GET or None, regions=regions)
    today = timezone.localdate()
    workplaces = workplaces_visible_to(request.user).annotate(
        active_placements=_count_of(Placement.objects.active()),
        confirmed_items=_count_of(ReadinessConfirmation.objects.in_force(today)),
        trainings_held=_count_of(StaffTraining.objects.held(today)),
    )
    if form.is_valid():
        filters = form.cleaned_data
        if filters["q"]:
            query = filters["q"].strip()
            workplaces = workplaces.filter(
                Q(name__icontains=query) | Q(organisation__name__icontains=query)
            )
        if filters["region"]:
            workplaces = workplaces.filter(region=filters["region"])
        if filters["type"]:
            workplaces = workplaces.filter(type=filters["type"])
        ready = Q(
            confirmed_items__gte=len(ReadinessItem),
            trainings_held__gte=settings.READINESS_STAFF_TRAININGS,
        )
        if filters["readiness"] == "ready":
            workplaces = workplaces.filter(ready)
        elif filters["readiness"] == "not_ready":
            workplaces = workplaces.exclude(ready)
    workplaces = _with_readiness(workplaces.select_related("organisation", "region")).order_by(
        "region__name", "name", "pk"
    )
    page = Paginator(workplaces, PAGE_SIZE).get_page(request.GET.get("page"))
    for workplace in page:
        workplace.missing = actions.readiness_missing(workplace)
    return render(
        request,
        "workplaces/workplace_list.html",
        {
            "form": form,
            "page": page,
            "is_coordinator": is_coordinator,
            "export_form": (
                AggregatesExportForm(regions=regions, auto_id="export_%s")
                if is_coordinator
                else None
            ),
        },
    )


@role_required(Role.COORDINATOR)
def organisation_create(request):
    regions = regions_for(request.user, Role.COORDINATOR)
    form = OrganisationForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = actions.create_organisation(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered. Now register its workplace.")
                % {"name": organisation.name},
            )
            response = redirect("workplaces:workplace_create")
            response["Location"] += f"?organisation={organisation.pk}"
            return response
    return render(request, "workplaces/organisation_create.html", {"form": form})


@role_required(Role.COORDINATOR)
def workplace_create(request):
    region_ids = coordinated_region_ids(request.user)
    organisations = Organisation.objects.filter(region_id__in=region_ids).select_related("region")
    unit_managers = (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.UNIT_MANAGER,
            memberships__region_id__in=region_ids,
        )
        .distinct()
        .order_by("full_name", "email")
    )
    initial = {}
    preselected = request.GET.get("organisation", "")
    # isdigit() alone lets through digits such as "²" that int() refuses.
    if request.method == "GET" and preselected.isascii() and preselected.isdigit():
        initial["organisation"] = int(preselected)
    form = WorkplaceForm(
        request.POST or None,
        organisations=organisations,
        managers=unit_managers,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            workplace = actions.create_workplace(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered. Confirm its readiness before ordering trainees.")
                % {"name": workplace.name},
            )
            return redirect("workplaces:workplace_detail", pk=workplace.pk)
    return render(
        request,
        "workplaces/workplace_create.html",
        {"form": form, "has_organisations": organisations.exists()},
    )


# A workplace and its readiness ------------------------------------------------------------


def _readiness_checklist(workplace: Workplace, today) -> list[dict]:
    """Each item with its confirmation, and whether that counts today (a withdrawn one, or
    a budget whose period has ended, is shown but does not)."""
    confirmations = {c.item: c for c in workplace.readiness.all()}
    checklist = []
    for item in ReadinessItem:
        confirmation = confirmations.get(item.value)
        checklist.append(
            {
                "item": item,
                "label": item.label,
                "confirmation": confirmation,
                "in_force": confirmation is not None and confirmation.in_force_on(today),
                "lapsed": confirmation is not None and confirmation.budget_lapsed_on(today),
            }
        )
    return checklist


@role_required(Role.COORDINATOR, Role.UNIT_MANAGER)
def workplace_detail(request, pk: int):
    """Readiness, trainee orders, placements and session aggregates (never session content)."""
    workplace = get_workplace_for_user_or_404(request.user, pk)
    prefetch_related_objects([workplace], *READINESS_PREFETCH)
    missing = actions.readiness_missing(workplace)
    placements = (
        placements_visible_to(request.user)
        .filter(workplace=workplace)
        .select_related("participant")
        .order_by("status", "-start_date", "pk")
    )
    orders = TraineeOrder.objects.filter(workplace=workplace).select_related("ordered_by")
    today = timezone.localdate()
    aggregates = aggregate_sessions_by_workplace(
        support_sessions_countable_by(request.user),
        workplace_ids=[workplace.pk],
        months=AGGREGATE_MONTHS,
        today=today,
    )[workplace.pk]
    is_coordinator = is_coordinator_for(request.user, workplace)
    trainings = list(workplace.staff_trainings.all())
    for training in trainings:
        training.may_record = training.is_planned and training.held_on <= today
    return render(
        request,
        "workplaces/workplace_detail.html",
        {
            "workplace": workplace,
            "missing": missing,
            "checklist": _readiness_checklist(workplace, today),
            "trainings": trainings,
            "trainings_held": sum(1 for t in trainings if t.held_by(today)),
            "trainings_required": settings.READINESS_STAFF_TRAININGS,
            "placements": placements,
            "orders": orders,
            "is_coordinator": is_coordinator,
            **_aggregates_block(
                aggregates,
                title=_("Support sessions per month by kind"),
                protect=not is_coordinator,
            ),
        },
    )


@role_required(Role.COORDINATOR, Role.UNIT_MANAGER)
def readiness_confirm(request, pk: int, item: str):
    workplace = get_workplace_for_user_or_404(request.user, pk)
    if item not in ReadinessItem.values:
        raise Http404
    item = ReadinessItem(item)
    existing = ReadinessConfirmation.objects.filter(workplace=workplace, item=item).first()
    initial = {"confirmed_on": timezone.localdate()}
    if existing:
        initial |= {
            "fte": existing.fte,
            "period_start": existing.period_start,
            "period_end": existing.period_end,
            "contact_name": existing.contact_name,
            "note": existing.note,
        }
    form = ReadinessForm(request.POST or None, item=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.confirm_readiness(
                actor=request.user, workplace=workplace, item=item, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("Confirmed: %(item)s.") % {"item": item.label},
            )
            return redirect("workplaces:workplace_detail", pk=workplace.pk)
    return render(
        request,
        "workplaces/readiness_confirm.html",
        {"workplace": workplace, "item": item, "existing": existing, "form": form},
    )


@role_required(Role.COORDINATOR, Role.UNIT_MANAGER)
def staff_training_create(request, pk: int):
    workplace = get_workplace_for_user_or_404(request.user, pk)
    form = StaffTrainingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_staff_training(
                actor=request.user, workplace=workplace, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            if form.cleaned_data["staff_count"] is None:
                messages.success(request, _("The staff training is planned."))
            else:
                messages.success(request, _("The staff training is recorded."))
            return redirect("workplaces:workplace_detail", pk=workplace.pk)
    return render(
        request,
        "workplaces/staff_training_create.html",
        {"workplace": workplace, "form": form},
    )


@role_required(Role.COORDINATOR, Role.UNIT_MANAGER)
def trainee_order_create(request, pk: int):
    """Order peer supporters to be trained; refused, with what is missing, until ready."""
    workplace = get_workplace_for_user_or_404(request.user, pk)
    form = TraineeOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order = actions.order_trainee(
                actor=request.user, workplace=workplace, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("Ordered %(posts)s peer supporter(s) for %(workplace)s.")
                % {"posts": order.posts, "workplace": workplace.name},
            )
            return redirect("workplaces:workplace_detail", pk=workplace.pk)
    return render(
        request,
        "workplaces/trainee_order_create.html",
        {"workplace": workplace, "form": form},
    )


# The unit manager's overview --------------------------------------------------------------


def _review_counts(user: User, workplaces: list[Workplace], today) -> dict[int, dict]:
    """Per workplace: follow-ups the user still has to answer, due soon and overdue."""
    managed = managed_workplace_ids(user)
    reviews = (
        FollowUpReview.objects.filter(
            placement__workplace__in=workplaces,
            placement__status=PlacementStatus.ACTIVE,
            due_on__lte=today + dt.timedelta(days=REVIEW_DUE_WINDOW_DAYS),
        )
        .annotate(
            manager_answered=Exists(
                ReviewResponse.objects.filter(
                    review=OuterRef("pk"), respondent=ReviewRespondent.UNIT_MANAGER
                )
            ),
            coordinator_answered=Exists(
                ReviewResponse.objects.filter(
                    review=OuterRef("pk"), respondent=ReviewRespondent.COORDINATOR
                )
            ),
        )
        .values_list(
            "placement__workplace_id", "due_on", "manager_answered", "coordinator_answered"
        )
    )
    counts = {w.pk: {"due": 0, "overdue": 0} for w in workplaces}
    for workplace_id, due_on, manager_answered, coordinator_answered in reviews:
        answered = manager_answered if workplace_id in managed else coordinator_answered
        if not answered:
            counts[workplace_id]["overdue" if due_on < today else "due"] += 1
    return counts


@role_required(Role.COORDINATOR, Role.UNIT_MANAGER)
def manager_home(request):
    """Each managed workplace (a coordinator: each of their regions' workplaces) with its
    readiness, open placements, follow-ups to answer and session aggregates."""
    user = request.user
    today = timezone.localdate()
    managed = managed_workplace_ids(user)
    coordinated = coordinated_region_ids(user)
    open_placements = Prefetch(
        "placements",
        queryset=Placement.objects.filter(status__in=OPEN_PLACEMENT_STATUSES)
        .select_related("participant")
        .order_by("status", "start_date", "pk"),
        to_attr="open_placements",
    )
    workplaces = list(
        _with_readiness(workplaces_visible_to(user))
        .select_related("organisation", "region")
        .prefetch_related(open_placements)
        .order_by("region__name", "name", "pk")
    )
    review_counts = _review_counts(user, workplaces, today)
    aggregates = aggregate_sessions_by_workplace(
        support_sessions_countable_by(user),
        workplace_ids=[w.pk for w in workplaces],
        months=AGGREGATE_MONTHS,
        today=today,
    )
    cards = []
    for workplace in workplaces:
        as_manager = workplace.pk in managed
        for placement in workplace.open_placements:
            agreed = placement.manager_agreed_at if as_manager else placement.coordinator_agreed_at
            placement.awaits_you = placement.status == PlacementStatus.PROPOSED and not agreed
        cards.append(
            {
                "workplace": workplace,
                "missing": actions.readiness_missing(workplace),
                "active": [
                    p for p in workplace.open_placements if p.status == PlacementStatus.ACTIVE
                ],
                "upcoming": [
                    p for p in workplace.open_placements if p.status != PlacementStatus.ACTIVE
                ],
                "reviews": review_counts[workplace.pk],
                **_aggregates_block(
                    aggregates[workplace.pk],
                    title=_("Support sessions per month by kind at %(workplace)s")
                    % {"workplace": workplace.name},
                    protect=workplace.region_id not in coordinated,
                ),
            }
        )
    return render(request, "workplaces/manager_home.html", {"cards": cards})


# Export -----------------------------------------------------------------------------------


EXPORT_COLUMNS = [
    "region",
    "organisation",
    "workplace_id",
    "workplace",
    "month",
    "kind",
    "sessions",
    "minutes",
    "participants",
]


@role_required(Role.COORDINATOR)
@reauthentication_required
def aggregates_export(request):
    """Sessions per workplace × month × kind as CSV: counts and minutes, no text, no codes.

    The file leaves the system, so its counts go through the small-numbers rule: a count
    under the threshold is "<5" and that row's minutes "x". The file has no totals, so no
    other figure needs hiding; the coordinator's own pages keep the exact numbers."""
    regions = regions_for(request.user, Role.COORDINATOR)
    form = AggregatesExportForm(request.GET, regions=regions)
    if not form.is_valid():
        raise Http404
    if form.cleaned_data["region"]:
        regions = regions.filter(pk=form.cleaned_data["region"].pk)
    region_codes = sorted(regions.values_list("code", flat=True))
    today = timezone.localdate()
    first_month = last_months(AGGREGATE_MONTHS, today)[0]
    rows = (
        SupportSession.objects.filter(
            placement__workplace__region__in=regions, date__gte=first_month, date__lte=today
        )
        .annotate(month=TruncMonth("date"))
        .values(
            "placement__workplace__region__name",
            "placement__workplace__organisation__name",
            "placement__workplace_id",
            "placement__workplace__name",
            "month",
            "kind",
        )
        .annotate(
            sessions=Count("pk"), minutes=Sum("minutes"), participants=Sum("participant_count")
        )
        .order_by(
            "placement__workplace__region__name", "placement__workplace__name", "month", "kind"
        )
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"support-session-aggregates-{today:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in rows:
        sessions = smallnumbers.figure(row["sessions"])
        writer.writerow(
            [
                spreadsheet_safe(row["placement__workplace__region__name"]),
                spreadsheet_safe(row["placement__workplace__organisation__name"]),
                row["placement__workplace_id"],
                spreadsheet_safe(row["placement__workplace__name"]),
                f"{row['month']:%Y-%m}",
                row["kind"],
                sessions,
                smallnumbers.hidden_with(sessions, row["minutes"]),
                smallnumbers.figure(row["participants"]),
            ]
        )
        count += 1
    record_event(
        actor=request.user,
        action=AuditAction.EXPORT,
        request=request,
        detail={
            "export": "support_session_aggregates",
            "regions": region_codes,
            "from": first_month.isoformat(),
            "to": today.isoformat(),
            "columns": EXPORT_COLUMNS,
            "rows": count,
            "small_number_threshold": smallnumbers.threshold(),
        },
    )
    return response
