"""Retention rules for work records (registered in ``dataprotection.py``).

Support sessions keep their date, length, kind, themes and head count, so every count,
chart and export is unchanged; only the reflection text is emptied. A leaver's placements
and follow-up answers lose their free text when their programme record is thinned.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.registry import RetentionRule
from peersupport.retention.anonymise import THINNED_TEXT
from programmes.retention import LEAVERS, left_before

from .models import Placement, PlacementStatus, ReviewResponse, SupportSession


def session_text_due(cutoff, region_ids) -> QuerySet[SupportSession]:
    return SupportSession.objects.filter(
        placement__workplace__region_id__in=region_ids, date__lt=timezone.localdate(cutoff)
    ).exclude(reflection="")


def leaver_placements_due(cutoff, region_ids) -> QuerySet[Placement]:
    return Placement.objects.filter(participant__in=left_before(cutoff, region_ids)).exclude(
        ended_reason__in=["", THINNED_TEXT]
    )


def thin_placements(placements: QuerySet[Placement]) -> int:
    # An ended placement must give a reason (a database constraint).
    return placements.filter(status=PlacementStatus.ENDED).update(
        ended_reason=THINNED_TEXT
    ) + placements.exclude(status=PlacementStatus.ENDED).update(ended_reason="")


def leaver_reviews_due(cutoff, region_ids) -> QuerySet[ReviewResponse]:
    return ReviewResponse.objects.filter(
        review__placement__participant__in=left_before(cutoff, region_ids)
    ).exclude(Q(support_needs="") & Q(comments=""))


SESSION_TEXT = RetentionRule(
    key="workplaces.session_text",
    title=_("Support-session free text"),
    default_months=12,
    due=session_text_due,
    thin=lambda sessions: sessions.update(reflection=""),
    action=_("Reflection emptied; date, length, kind, themes and head count kept."),
)

LEAVER_PLACEMENTS = RetentionRule(
    key="workplaces.leaver_placements",
    title=_("Placements of people who left: reason for ending"),
    default_months=LEAVERS.default_months,
    due=leaver_placements_due,
    thin=thin_placements,
    action=_("Reason for ending replaced by “Gallrad”; the placement and its dates kept."),
    follows=LEAVERS.key,
)

LEAVER_REVIEWS = RetentionRule(
    key="workplaces.leaver_reviews",
    title=_("Follow-up answers about people who left: free text"),
    default_months=LEAVERS.default_months,
    due=leaver_reviews_due,
    thin=lambda responses: responses.update(support_needs="", comments=""),
    action=_("Support needs and comments emptied; the ratings kept."),
    follows=LEAVERS.key,
)
