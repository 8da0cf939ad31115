"""Notification kinds of the programme."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peersupport.notifications.kinds import NotificationKind, register


def _answer_link_context(notification) -> dict:
    from .permissions import invitation_answer_token

    return {
        "answer_path": reverse(
            "programmes:event_answer", args=[invitation_answer_token(notification.subject)]
        )
    }


COURSE_DAY_REMINDER = register(
    NotificationKind("course_day_reminder", _("Reminder of tomorrow's course day"))
)
TRAINEE_AT_RISK = register(NotificationKind("trainee_at_risk", _("Trainee at risk")))
EVENT_INVITATION = register(
    NotificationKind(
        "event_invitation",
        _("Invitation to a reunion or continuing education"),
        _answer_link_context,
    )
)


def _enrolment_address(notification) -> tuple[str, str]:
    """A trainee without an account is written to at their programme record's address."""
    participant = notification.subject.participant
    return participant.email, participant.language


COHORT_CANCELLED = register(
    NotificationKind("cohort_cancelled", _("A cohort is cancelled"), address=_enrolment_address)
)
EVENT_CANCELLED = register(NotificationKind("event_cancelled", _("An event is cancelled")))
INTEREST_RECEIVED = register(
    NotificationKind("interest_received", _("Someone sent the recruitment interest form"))
)
