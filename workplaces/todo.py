"""Workplace tasks on the home pages (``peersupport.todo``).

Coordinators: placements waiting for their agreement, follow-ups overdue, workplaces whose
readiness lapses soon (their budget period ends within 60 days). Unit managers:
placements waiting for their agreement, follow-ups to answer, readiness items missing.
Peer supporters: a reminder to log their support sessions when none has been logged for
a while. Each collector costs a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, Max, OuterRef, Prefetch
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from peersupport.accounts.models import Role
from peersupport.todo import TodoItem, TodoKind, TodoPage, first_items, register_todo

from . import actions
from .models import (
    FollowUpReview,
    Placement,
    PlacementStatus,
    ReadinessConfirmation,
    ReadinessItem,
    ReviewRespondent,
    ReviewResponse,
    StaffTraining,
    Workplace,
)
from .permissions import managed_workplace_ids

# A unit manager sees follow-ups this many days before they fall due (as the review list).
REVIEW_LOOKAHEAD_DAYS = 14
# Readiness lapsing within this many days is on the coordinator's list (the notice's lead).
READINESS_LAPSE_DAYS = 60
# A peer supporter is reminded to log their work after this many days without a session.
SESSION_LOG_REMINDER_DAYS = 14


def _placement_item(placement: Placement, today: dt.date) -> TodoItem:
    return TodoItem(
        text=_("%(person)s at %(workplace)s")
        % {"person": placement.participant.full_name, "workplace": placement.workplace.name},
        url=reverse("workplaces:placement_detail", args=[placement.pk]),
        date=placement.start_date,
        detail=_("Starts %(date)s") % {"date": date_format(placement.start_date)},
        late=placement.start_date < today,
    )


def _proposed(**filters):
    return (
        Placement.objects.filter(status=PlacementStatus.PROPOSED, **filters)
        .select_related("participant", "workplace")
        .order_by("start_date", "pk")
    )


def placements_awaiting_coordinator(user, region_ids, today) -> TodoPage:
    """Proposed placements in the coordinator's regions that they have not agreed yet."""
    placements = _proposed(workplace__region_id__in=region_ids, coordinator_agreed_at__isnull=True)
    return first_items(placements, lambda placement: _placement_item(placement, today))


def placements_awaiting_manager(user, region_ids, today) -> TodoPage:
    """Proposed placements at the unit manager's workplaces that they have not agreed yet."""
    placements = _proposed(
        workplace_id__in=managed_workplace_ids(user), manager_agreed_at__isnull=True
    )
    return first_items(placements, lambda placement: _placement_item(placement, today))


def _reviews_awaiting(respondent: str, **filters):
    answered = ReviewResponse.objects.filter(review=OuterRef("pk"), respondent=respondent)
    return (
        FollowUpReview.objects.filter(placement__status=PlacementStatus.ACTIVE, **filters)
        .exclude(Exists(answered))
        .select_related("placement__participant", "placement__workplace")
        .order_by("due_on", "pk")
    )


def _review_item(review: FollowUpReview, today: dt.date) -> TodoItem:
    placement = review.placement
    return TodoItem(
        text=ngettext(
            "Follow-up at %(months)s month: %(person)s at %(workplace)s",
            "Follow-up at %(months)s months: %(person)s at %(workplace)s",
            review.months_after_start,
        )
        % {
            "months": review.months_after_start,
            "person": placement.participant.full_name,
            "workplace": placement.workplace.name,
        },
        url=reverse("workplaces:review_respond", args=[review.pk]),
        date=review.due_on,
        detail=_("Due %(date)s") % {"date": date_format(review.due_on)},
        late=review.due_on < today,
    )


def followups_overdue(user, region_ids, today) -> TodoPage:
    """Follow-ups past their date in the coordinator's regions that still lack the
    coordinator's answer (at workplaces the coordinator also manages, they answer as the
    unit manager). A large region has hundreds: only the first are fetched."""
    reviews = _reviews_awaiting(
        ReviewRespondent.COORDINATOR,
        placement__workplace__region_id__in=region_ids,
        due_on__lt=today,
    ).exclude(placement__workplace_id__in=managed_workplace_ids(user))
    return first_items(reviews, lambda review: _review_item(review, today))


def followups_to_answer(user, region_ids, today) -> list[TodoItem]:
    """Follow-ups at the unit manager's workplaces due within two weeks or overdue that
    still lack the unit manager's answer."""
    reviews = _reviews_awaiting(
        ReviewRespondent.UNIT_MANAGER,
        placement__workplace_id__in=managed_workplace_ids(user),
        due_on__lte=today + dt.timedelta(days=REVIEW_LOOKAHEAD_DAYS),
    )
    return [_review_item(review, today) for review in reviews]


def readiness_lapsing(user, region_ids, today) -> list[TodoItem]:
    """Workplaces in the coordinator's regions whose budget period ends within 60 days:
    a new period confirmed in time keeps them ready."""
    workplaces = (
        Workplace.objects.in_regions(region_ids)
        .readiness_lapsing(today, days=READINESS_LAPSE_DAYS)
        .order_by("budget_ends_on", "name", "pk")
    )
    return [
        TodoItem(
            text=workplace.name,
            url=reverse("workplaces:readiness_confirm", args=[workplace.pk, ReadinessItem.BUDGET]),
            date=workplace.budget_ends_on,
            detail=_("The budget period ends %(date)s")
            % {"date": date_format(workplace.budget_ends_on)},
        )
        for workplace in workplaces
    ]


def readiness_missing(user, region_ids, today) -> list[TodoItem]:
    """The unit manager's workplaces that are not ready, with what is missing."""
    workplaces = (
        Workplace.objects.filter(pk__in=managed_workplace_ids(user))
        .prefetch_related(
            Prefetch("readiness", queryset=ReadinessConfirmation.objects.all()),
            Prefetch("staff_trainings", queryset=StaffTraining.objects.all()),
        )
        .order_by("name", "pk")
    )
    items = []
    for workplace in workplaces:
        missing = actions.readiness_missing(workplace, today=today)
        if missing:
            items.append(
                TodoItem(
                    text=workplace.name,
                    url=reverse("workplaces:workplace_detail", args=[workplace.pk]),
                    count=len(missing),
                    detail=_("Missing: %(missing)s") % {"missing": "; ".join(missing)},
                )
            )
    return items


def sessions_to_log(user, region_ids, today) -> list[TodoItem]:
    """The peer supporter's active placements with no support session logged for two
    weeks (counted from the start of the placement when none was ever logged)."""
    cutoff = today - dt.timedelta(days=SESSION_LOG_REMINDER_DAYS)
    placements = (
        Placement.objects.active()
        .filter(participant__user=user, start_date__lt=cutoff)
        .annotate(last_logged=Max("support_sessions__date"))
        .select_related("workplace")
        .order_by("start_date", "pk")
    )
    url = reverse("workplaces:session_create")
    items = []
    for placement in placements:
        since = placement.last_logged or placement.start_date
        if since >= cutoff:
            continue
        text = (
            _("No support session logged at %(workplace)s since %(date)s")
            if placement.last_logged
            else _("No support session logged at %(workplace)s yet")
        )
        items.append(
            TodoItem(
                text=text % {"workplace": placement.workplace.name, "date": date_format(since)},
                url=url,
                date=since,
            )
        )
    return items


register_todo(
    TodoKind(
        key="placements_awaiting_agreement",
        title=gettext_lazy("Placements awaiting your agreement"),
        roles=frozenset({Role.COORDINATOR}),
        order=10,
        collect=placements_awaiting_coordinator,
        more_url="workplaces:placement_list",
    )
)
register_todo(
    TodoKind(
        key="followups_overdue",
        title=gettext_lazy("Follow-ups overdue"),
        roles=frozenset({Role.COORDINATOR}),
        order=20,
        collect=followups_overdue,
        more_url="workplaces:review_list",
    )
)
register_todo(
    TodoKind(
        key="readiness_lapsing",
        title=gettext_lazy("Readiness lapsing soon"),
        roles=frozenset({Role.COORDINATOR}),
        order=60,
        collect=readiness_lapsing,
        more_url="workplaces:workplace_list",
    )
)
register_todo(
    TodoKind(
        key="manager_placements_awaiting_agreement",
        title=gettext_lazy("Placements awaiting your agreement"),
        roles=frozenset({Role.UNIT_MANAGER}),
        order=10,
        collect=placements_awaiting_manager,
        more_url="workplaces:placement_list",
    )
)
register_todo(
    TodoKind(
        key="followups_to_answer",
        title=gettext_lazy("Follow-ups to answer"),
        roles=frozenset({Role.UNIT_MANAGER}),
        order=20,
        collect=followups_to_answer,
        more_url="workplaces:review_list",
    )
)
register_todo(
    TodoKind(
        key="readiness_missing",
        title=gettext_lazy("Readiness items missing"),
        roles=frozenset({Role.UNIT_MANAGER}),
        order=30,
        collect=readiness_missing,
        more_url="workplaces:manager_home",
    )
)
register_todo(
    TodoKind(
        key="support_sessions_to_log",
        title=gettext_lazy("Support sessions to log"),
        roles=frozenset({Role.PEER_SUPPORTER}),
        order=10,
        collect=sessions_to_log,
        more_url="workplaces:session_list",
    )
)
