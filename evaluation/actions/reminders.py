"""The invitation e-mail and the reminders of an invitation, in the outbox.

An invitation's e-mail is due when it opens; reminder ``k`` (1 … the wave's most) is due
``k`` × the wave's days-between-reminders later, and only if that is before it closes.
Stopping deletes what has not been sent; the dispatcher's ``still_wanted`` check catches
a reminder claimed in the same instant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from peersupport.notifications.actions import schedule_notification
from peersupport.notifications.models import Notification

from ..models import Invitation, Wave
from ..notifications import (
    INVITATION_OCCURRENCE,
    SURVEY_INVITATION,
    SURVEY_KINDS,
    SURVEY_REMINDER,
    reminder_occurrence,
)


def reminder_times(wave: Wave, opens_at: dt.datetime, closes_at: dt.datetime) -> list[dt.datetime]:
    interval = dt.timedelta(days=wave.reminder_interval_days)
    times = [opens_at + number * interval for number in range(1, wave.max_reminders + 1)]
    return [moment for moment in times if moment < closes_at]


def schedule_invitation_emails(invitations: Iterable[Invitation]) -> int:
    """Put each personal invitation's e-mail and reminders in the outbox (once)."""
    scheduled = 0
    for invitation in invitations:
        if invitation.is_anonymous:
            continue
        schedule_notification(
            recipient=None,
            kind=SURVEY_INVITATION.key,
            subject=invitation,
            occurrence=INVITATION_OCCURRENCE,
            due_at=invitation.opens_at,
        )
        reminders = reminder_times(invitation.wave, invitation.opens_at, invitation.closes_at)
        for number, due_at in enumerate(reminders, start=1):
            schedule_notification(
                recipient=None,
                kind=SURVEY_REMINDER.key,
                subject=invitation,
                occurrence=reminder_occurrence(number),
                due_at=due_at,
            )
        scheduled += 1 + len(reminders)
    return scheduled


def pending_survey_notifications(invitations: QuerySet[Invitation]) -> QuerySet[Notification]:
    return Notification.objects.pending().filter(
        kind__in=SURVEY_KINDS,
        subject_type=ContentType.objects.get_for_model(Invitation),
        subject_id__in=invitations.values("pk"),
    )


def stop_reminders(invitation: Invitation) -> int:
    """Delete the invitation's unsent survey e-mails (on completion, decline, withdrawal,
    cancelling and wave close). Returns how many were deleted."""
    return stop_reminders_of(Invitation.objects.filter(pk=invitation.pk))


def stop_reminders_of(invitations: QuerySet[Invitation]) -> int:
    """``stop_reminders`` for many invitations in one query."""
    return pending_survey_notifications(invitations).delete()[0]
