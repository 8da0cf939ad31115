"""Notification kinds of workplaces."""

from django.utils.translation import gettext_lazy as _

from peersupport.notifications.kinds import NotificationKind, register

REVIEW_DUE = register(NotificationKind("review_due", _("A placement follow-up is due")))
INCIDENT_REPORTED = register(NotificationKind("incident_reported", _("An incident is reported")))
INCIDENT_CLOSED = register(
    NotificationKind("incident_closed", _("An incident you reported is closed"))
)
