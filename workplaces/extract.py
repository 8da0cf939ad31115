"""Work records in a register extract and an erasure (registered in ``dataprotection.py``):
a peer supporter's placements and the follow-ups of them, the support sessions they
logged, and the follow-up answers and workplaces of a unit manager.

A support session is the peer supporter's own log of their work: it is given without the
pseudonymous service-user code, which is about another person.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.registry import (
    DataSubject,
    ErasureRule,
    ExtractSection,
    register_erasure_rule,
    register_extract_section,
)
from peersupport.extracts.items import field, item_from

from .models import Placement, PlacementStatus, ReviewResponse, SupportSession, Workplace
from .retention import thin_placements

PARTICIPANT = "programmes.participant"
RATINGS = ["respondent", "role_works", "role_clarity", "staff_attitudes"]


def _placements(subject: DataSubject):
    placements = Placement.objects.filter(participant_id=subject.pk_if(PARTICIPANT))
    return [
        item_from(
            placement,
            [
                "workplace",
                "employer",
                "hours_per_week",
                "start_date",
                "end_date",
                "status",
                "ended_reason_category",
            ],
            title=placement.workplace.name,
            extra=[
                field("tasks", _("agreed tasks"), placement.task_labels()),
                field("ended_reason", _("reason for ending"), placement.ended_reason),
            ],
        )
        for placement in placements.select_related("workplace")
    ]


def _response_item(response: ReviewResponse):
    return item_from(
        response,
        [*RATINGS, "support_needs", "comments", "submitted_at"],
        title=_("%(workplace)s, %(months)s months")
        % {
            "workplace": response.review.placement.workplace.name,
            "months": response.review.months_after_start,
        },
    )


def _reviews_of_placements(subject: DataSubject):
    responses = ReviewResponse.objects.filter(
        review__placement__participant_id=subject.pk_if(PARTICIPANT)
    )
    return [
        _response_item(response)
        for response in responses.select_related("review__placement__workplace").order_by(
            "review__due_on", "respondent"
        )
    ]


def _responses_written(subject: DataSubject):
    if subject.user_id is None:
        return []
    responses = ReviewResponse.objects.filter(submitted_by_id=subject.user_id)
    return [
        _response_item(response)
        for response in responses.select_related("review__placement__workplace")
    ]


def _support_sessions(subject: DataSubject):
    if subject.user_id is None:
        return []
    sessions = SupportSession.objects.filter(created_by_id=subject.user_id)
    return [
        item_from(
            session,
            ["date", "minutes", "kind", "participant_count", "reflection", "created_at"],
            title=f"{session.date:%Y-%m-%d} {session.placement.workplace.name}",
            extra=[field("themes", _("themes"), session.theme_labels())],
        )
        for session in sessions.select_related("placement__workplace").order_by("date", "pk")
    ]


def _managed_workplaces(subject: DataSubject):
    if subject.user_id is None:
        return []
    return [
        item_from(workplace, ["name", "type", "region"], title=workplace.name)
        for workplace in Workplace.objects.filter(managers=subject.user_id).select_related("region")
    ]


SECTIONS = [
    ExtractSection(
        key="workplaces.placements", title=_("Placements"), collect=_placements, order=40
    ),
    ExtractSection(
        key="workplaces.reviews",
        title=_("Follow-ups of the placements"),
        collect=_reviews_of_placements,
        order=41,
    ),
    ExtractSection(
        key="workplaces.support_sessions",
        title=_("Support sessions logged"),
        collect=_support_sessions,
        order=42,
    ),
    ExtractSection(
        key="workplaces.responses_written",
        title=_("Follow-up answers written"),
        collect=_responses_written,
        order=43,
    ),
    ExtractSection(
        key="workplaces.managed",
        title=_("Workplaces managed"),
        collect=_managed_workplaces,
        order=44,
    ),
]

# While a placement is agreed or running the employer's records of it must be kept.
KEPT_STATUSES = (PlacementStatus.AGREED, PlacementStatus.ACTIVE)


def _refusals(subject: DataSubject) -> list:
    placements = Placement.objects.filter(
        participant_id=subject.pk_if(PARTICIPANT), status__in=KEPT_STATUSES
    ).select_related("workplace")
    return [
        _(
            "The placement at %(workplace)s is %(status)s: employment records are kept while "
            "it lasts. End the placement first."
        )
        % {"workplace": placement.workplace.name, "status": placement.get_status_display().lower()}
        for placement in placements
    ]


def _erase(subject: DataSubject, actor) -> int:
    participant_id = subject.pk_if(PARTICIPANT)
    changed = thin_placements(
        Placement.objects.filter(participant_id=participant_id).exclude(ended_reason="")
    )
    changed += (
        ReviewResponse.objects.filter(review__placement__participant_id=participant_id)
        .exclude(Q(support_needs="") & Q(comments=""))
        .update(support_needs="", comments="")
    )
    if subject.user_id is not None:
        changed += (
            SupportSession.objects.filter(created_by_id=subject.user_id)
            .exclude(reflection="")
            .update(reflection="")
        )
        for workplace in Workplace.objects.filter(managers=subject.user_id):
            workplace.managers.remove(subject.user_id)
            changed += 1
    return changed


ERASURE = ErasureRule(
    key="workplaces.work",
    title=_("Placements and support sessions"),
    removes=_(
        "The reason a placement ended, the free text of its follow-ups and of the support "
        "sessions the person logged; a unit manager leaves their workplaces."
    ),
    keeps=_(
        "Placements, their dates and hours, ratings and every session's length, kind and "
        "themes, so every count stays the same."
    ),
    erase=_erase,
    refusals=_refusals,
    order=20,
)


def register() -> None:
    for section in SECTIONS:
        register_extract_section(section)
    register_erasure_rule(ERASURE)
