"""Answering a survey through the personal link: consent, saving page by page, sending
in, withdrawing and the respondent's language.

The respondent has no account: the link's token is who they are, so these actions take
no ``actor`` and the audit log records them without one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.privacy import validate_no_identifying_data

from ..models import (
    Answer,
    Instrument,
    Invitation,
    InvitationStatus,
    Item,
    ItemKind,
    StudyInformation,
    StudyStatus,
    Wave,
)
from .reminders import stop_reminders

REQUIRED_MESSAGE = _("Answer this question.")
# Statuses from which a respondent who consented may still withdraw: also after sending
# in, since taking part is voluntary to the end.
WITHDRAWABLE_STATUSES = frozenset(
    {InvitationStatus.PENDING, InvitationStatus.STARTED, InvitationStatus.COMPLETED}
)


class LinkState(StrEnum):
    """What opening the link leads to."""

    CONSENT = "consent"
    ANSWERING = "answering"
    COMPLETED = "completed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"
    NOT_OPEN = "not_open"
    CLOSED = "closed"


def link_state(invitation: Invitation, now: dt.datetime | None = None) -> LinkState:
    """Where the link stands. A finished invitation keeps its page after the wave closes,
    so a respondent can still fetch their consent copy or withdraw.

    ``invitation`` comes with its wave and study selected."""
    finished = {
        InvitationStatus.COMPLETED: LinkState.COMPLETED,
        InvitationStatus.DECLINED: LinkState.DECLINED,
        InvitationStatus.WITHDRAWN: LinkState.WITHDRAWN,
        InvitationStatus.CANCELLED: LinkState.CANCELLED,
    }
    if invitation.status in finished:
        return finished[invitation.status]
    now = now or timezone.now()
    if now < invitation.opens_at:
        return LinkState.NOT_OPEN
    wave = invitation.wave
    if (
        now >= invitation.closes_at
        or wave.closed_at is not None
        or wave.study.status != StudyStatus.OPEN
    ):
        return LinkState.CLOSED
    if invitation.consent_answered_at is None:
        return LinkState.CONSENT
    return LinkState.ANSWERING


def may_withdraw(invitation: Invitation) -> bool:
    return invitation.consented and invitation.status in WITHDRAWABLE_STATUSES


@dataclass(frozen=True)
class SurveyPage:
    """One page of the survey: items of one instrument that are saved together."""

    step: int
    instrument: Instrument
    items: tuple[Item, ...]


def survey_pages(wave: Wave) -> list[SurveyPage]:
    """The wave's pages in order: each instrument (by its position in the wave) split by
    ``Item.page``. Free-text items are asked only when the study allows free text.

    ``wave`` comes with its study selected; two queries."""
    wave_instruments = list(
        wave.wave_instruments.select_related("instrument_version__instrument").order_by(
            "position", "pk"
        )
    )
    items = Item.objects.filter(
        version_id__in=[entry.instrument_version_id for entry in wave_instruments]
    ).select_related("scale")
    if not wave.study.allows_free_text:
        items = items.filter(kind=ItemKind.SCALE)
    by_version: dict[int, dict[int, list[Item]]] = {}
    for item in items.order_by("page", "position"):
        by_version.setdefault(item.version_id, {}).setdefault(item.page, []).append(item)
    pages: list[SurveyPage] = []
    for entry in wave_instruments:
        for page_items in by_version.get(entry.instrument_version_id, {}).values():
            pages.append(
                SurveyPage(
                    step=len(pages),
                    instrument=entry.instrument_version.instrument,
                    items=tuple(page_items),
                )
            )
    return pages


def _locked(invitation: Invitation) -> Invitation:
    """The invitation re-read under a row lock, so two clicks at once cannot both act."""
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("wave__study")
        .get(pk=invitation.pk)
    )


def _ensure_answerable(invitation: Invitation) -> None:
    if link_state(invitation) != LinkState.ANSWERING:
        raise ValidationError(
            _("This survey can no longer be answered through this link."), code="not_open"
        )


@transaction.atomic
def give_consent(
    *, invitation: Invitation, information: StudyInformation, agreed: bool
) -> Invitation:
    """Record the respondent's yes or no to the information text they were shown.

    A no ends the invitation: it is declined and no reminder follows."""
    invitation = _locked(invitation)
    if link_state(invitation) != LinkState.CONSENT:
        raise ValidationError(
            _("Your answer about taking part is already recorded."), code="consent_answered"
        )
    if information.study_id != invitation.wave.study_id or not information.published_at:
        raise ValidationError(_("This information text does not belong to the survey."))
    invitation.information = information
    invitation.consent_answered_at = timezone.now()
    fields = ["information", "consent_answered_at"]
    if not agreed:
        invitation.status = InvitationStatus.DECLINED
        fields.append("status")
    invitation.save(update_fields=fields)
    if not agreed:
        stop_reminders(invitation)
    record_event(
        actor=None,
        action=AuditAction.CONSENT,
        obj=invitation,
        detail={"agreed": agreed, "information_version": information.version},
    )
    return invitation


def _clean_value(item: Item, value: int | str | None) -> int | str | None:
    """The value to store, ``None`` for no answer; refuses a value the item cannot take."""
    if item.kind == ItemKind.TEXT:
        text = (value or "").strip() if isinstance(value, str | None) else None
        if text is None:
            raise ValidationError(_("Write your answer as text."), code="invalid")
        validate_no_identifying_data(text)
        return text or None
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("Choose one of the answers."), code="invalid_choice")
    if value not in {anchor["value"] for anchor in item.scale.anchors}:
        raise ValidationError(_("Choose one of the answers."), code="invalid_choice")
    return value


@transaction.atomic
def save_page(
    *,
    invitation: Invitation,
    step: int,
    values: dict[int, int | str | None],
    partial: bool = False,
) -> Invitation:
    """Save the answers of one page (keyed by item id) and move the respondent on.

    Answers are upserted on (invitation, item); an emptied answer is removed. With
    ``partial`` (the respondent goes back a page) unanswered required items are allowed
    and the page reached does not move. Errors are keyed by the item's variable name."""
    invitation = _locked(invitation)
    _ensure_answerable(invitation)
    pages = survey_pages(invitation.wave)
    if not 0 <= step < len(pages) or step > invitation.step:
        raise ValidationError(_("This page of the survey is not open yet."), code="step")
    page = pages[step]
    items = {item.pk: item for item in page.items}
    if set(values) - set(items):
        raise ValidationError(_("An answer was sent for a question not on this page."))

    errors: dict[str, list[ValidationError]] = {}
    answered: dict[Item, int | str] = {}
    for item in page.items:
        try:
            value = _clean_value(item, values.get(item.pk))
        except ValidationError as error:
            errors[item.key] = [error]
            continue
        if value is None:
            if item.required and not partial:
                errors[item.key] = [ValidationError(REQUIRED_MESSAGE, code="required")]
            continue
        answered[item] = value
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    Answer.objects.bulk_create(
        [
            Answer(
                invitation=invitation,
                item=item,
                value=value if isinstance(value, int) else None,
                text=value if isinstance(value, str) else "",
                answered_at=now,
            )
            for item, value in answered.items()
        ],
        update_conflicts=True,
        unique_fields=["invitation", "item"],
        update_fields=["value", "text", "answered_at"],
    )
    unanswered = [item.pk for item in page.items if item not in answered]
    if unanswered:
        invitation.answers.filter(item_id__in=unanswered).delete()

    if invitation.status == InvitationStatus.PENDING:
        invitation.status = InvitationStatus.STARTED
    invitation.started_at = invitation.started_at or now
    if not partial:
        invitation.step = max(invitation.step, min(step + 1, len(pages) - 1))
    invitation.save(update_fields=["status", "started_at", "step"])
    return invitation


@transaction.atomic
def complete(*, invitation: Invitation) -> Invitation:
    """Send the answers in: the invitation is completed and no reminder follows."""
    invitation = _locked(invitation)
    _ensure_answerable(invitation)
    pages = survey_pages(invitation.wave)
    if invitation.step < len(pages) - 1:
        raise ValidationError(_("Answer every page of the survey before sending it in."))
    answered = set(invitation.answers.values_list("item_id", flat=True))
    missing = [
        page.step + 1
        for page in pages
        if any(item.required and item.pk not in answered for item in page.items)
    ]
    if missing:
        raise ValidationError(
            _("Some questions that must be answered are not answered yet, on page %(pages)s.")
            % {"pages": ", ".join(str(number) for number in missing)},
            code="required",
        )
    now = timezone.now()
    invitation.status = InvitationStatus.COMPLETED
    invitation.started_at = invitation.started_at or now
    invitation.completed_at = now
    invitation.save(update_fields=["status", "started_at", "completed_at"])
    stop_reminders(invitation)
    return invitation


@transaction.atomic
def withdraw(*, invitation: Invitation, keep_answers: bool) -> Invitation:
    """The respondent stops taking part; their answers are kept or deleted as they chose.

    No reminder follows. The log records the choice, never an answer."""
    invitation = _locked(invitation)
    if not may_withdraw(invitation):
        raise ValidationError(
            _("There is nothing to withdraw from through this link."), code="not_withdrawable"
        )
    deleted = 0
    if not keep_answers:
        deleted, _per_model = invitation.answers.all().delete()
    invitation.status = InvitationStatus.WITHDRAWN
    invitation.withdrawn_at = timezone.now()
    invitation.answers_deleted = not keep_answers
    invitation.save(update_fields=["status", "withdrawn_at", "answers_deleted"])
    stop_reminders(invitation)
    record_event(
        actor=None,
        action=AuditAction.CONSENT,
        obj=invitation,
        detail={"withdrawn": True, "answers_deleted": not keep_answers, "answers": deleted},
    )
    return invitation


LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


@transaction.atomic
def change_language(*, invitation: Invitation, language: str) -> Invitation:
    """Show the survey, and send its reminders, in another of the site's languages."""
    if language not in LANGUAGE_CODES:
        raise ValidationError(_("Choose one of the languages offered."), code="language")
    if invitation.language != language:
        invitation.language = language
        invitation.save(update_fields=["language"])
    return invitation
