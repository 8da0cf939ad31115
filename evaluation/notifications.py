"""The survey e-mails: an invitation when a respondent's wave opens, and reminders.

They go through the core outbox with no recipient account (a trainee in a course often
has none): the address and language are read from the invitation when the message is
sent, so nothing but the invitation's id is kept in the outbox row. Before sending, the
dispatcher asks ``still_wanted``, which locks the invitation row: a respondent finishing
at that very moment either commits first (and nothing is sent) or waits for the send.
A reminder no longer wanted is given up unsent (kept, with the reason, in the outbox).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.notifications.kinds import NotificationKind, register

from .models import OPEN_STATUSES, Invitation, StudyStatus

if TYPE_CHECKING:
    from peersupport.notifications.models import Notification

INVITATION_OCCURRENCE = "invitation"


def reminder_occurrence(number: int) -> str:
    return f"reminder-{number}"


def _invitation_of(notification: Notification) -> Invitation:
    return (
        Invitation.objects.select_related("participant", "user", "wave__study")
        .prefetch_related("wave__wave_instruments__instrument_version__instrument")
        .get(pk=notification.subject_id)
    )


def _address(notification: Notification) -> tuple[str, str]:
    invitation = Invitation.objects.select_related("participant", "user").get(
        pk=notification.subject_id
    )
    person = invitation.participant or invitation.user
    if person is None:
        raise LookupError("An anonymous invitation has no e-mail address.")
    return person.email, invitation.language


def _context(notification: Notification) -> dict[str, Any]:
    invitation = _invitation_of(notification)
    path = reverse("evaluation:answer_start", kwargs={"token": invitation.token})
    return {
        "invitation": invitation,
        "study": invitation.wave.study,
        "instruments": [
            wave_instrument.instrument_version.instrument
            for wave_instrument in invitation.wave.wave_instruments.all()
        ],
        "answer_url": f"{settings.SITE_URL.rstrip('/')}{path}",
        # The last minute it can be answered: a custom window "until 23:59" on its last day.
        "last_moment": timezone.localtime(invitation.closes_at - dt.timedelta(minutes=1)),
    }


def _still_wanted(notification: Notification) -> bool:
    """Whether the invitation still waits for answers; locks its row until the send ends.

    NOWAIT: a respondent finishing right now holds the invitation and is about to delete
    this very (locked) notification, so waiting here would deadlock. The lock error makes
    the dispatcher try again a minute later, when the row says "completed".
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",), nowait=True)
        .select_related("wave__study")
        .filter(pk=notification.subject_id)
        .first()
    )
    return (
        invitation is not None
        and invitation.status in OPEN_STATUSES
        and invitation.wave.closed_at is None
        and invitation.wave.study.status == StudyStatus.OPEN
        and invitation.closes_at > timezone.now()
    )


SURVEY_INVITATION = register(
    NotificationKind(
        "survey_invitation",
        _("Invitation to a follow-up survey"),
        _context,
        address=_address,
        still_wanted=_still_wanted,
    )
)
SURVEY_REMINDER = register(
    NotificationKind(
        "survey_reminder",
        _("Reminder of a follow-up survey"),
        _context,
        address=_address,
        still_wanted=_still_wanted,
    )
)
SURVEY_KINDS = (SURVEY_INVITATION.key, SURVEY_REMINDER.key)
