"""The workplaces' part of the personal calendar feeds: follow-ups waiting for an answer."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Event

from peersupport.accounts.models import User
from peersupport.accounts.scoping import coordinated_region_ids
from peersupport.notifications.calendar import register_calendar_source

from .models import FollowUpReview, PlacementStatus, ReviewRespondent, ReviewResponse
from .permissions import managed_workplace_ids


def reviews_due(user: User, first_day: dt.date, last_day: dt.date, site_url: str) -> list[Event]:
    """Follow-ups of active placements still waiting for this person's answer, on the day
    they fall due. As on the follow-up list, a unit manager answers for the workplaces they
    manage and a coordinator for the rest of their regions."""
    managed = managed_workplace_ids(user)
    coordinated = coordinated_region_ids(user)
    if not managed and not coordinated:
        return []

    def answered_by(respondent: str) -> Exists:
        return Exists(ReviewResponse.objects.filter(review=OuterRef("pk"), respondent=respondent))

    reviews = (
        FollowUpReview.objects.filter(
            placement__status=PlacementStatus.ACTIVE, due_on__range=(first_day, last_day)
        )
        .filter(
            Q(placement__workplace_id__in=managed) & ~answered_by(ReviewRespondent.UNIT_MANAGER)
            | ~Q(placement__workplace_id__in=managed)
            & Q(placement__workplace__region_id__in=coordinated)
            & ~answered_by(ReviewRespondent.COORDINATOR)
        )
        .select_related("placement__workplace")
        .order_by("due_on", "pk")
    )
    return [
        Event.new(
            uid=f"follow-up-review-{review.pk}@peersupport",
            # No name: being a peer supporter says something about the person's health,
            # and a feed address can travel further than its owner meant.
            summary=_("Follow-up of a placement due: %(workplace)s")
            % {"workplace": review.placement.workplace.name},
            start=review.due_on,
            end=review.due_on + dt.timedelta(days=1),
            url=site_url + reverse("workplaces:review_respond", args=[review.pk]),
            transparency="TRANSPARENT",
        )
        for review in reviews
    ]


register_calendar_source(reviews_due, order=30)
