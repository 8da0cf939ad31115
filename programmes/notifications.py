"""Notification kinds of the programme."""

from django.utils.translation import gettext_lazy as _

from peersupport.notifications.kinds import NotificationKind, register

COURSE_DAY_REMINDER = register(
    NotificationKind("course_day_reminder", _("Reminder of tomorrow's course day"))
)
TRAINEE_AT_RISK = register(NotificationKind("trainee_at_risk", _("Trainee at risk")))
EVENT_INVITATION = register(
    NotificationKind("event_invitation", _("Invitation to a reunion or continuing education"))
)
