"""Notification kinds of workplaces."""

from django.utils.translation import gettext_lazy as _

from peersupport.notifications.kinds import NotificationKind, register

REVIEW_DUE = register(NotificationKind("review_due", _("A placement follow-up is due")))

# Issue 12: upkeep ---------------------------------------------------------------------------

PLACEMENT_PERIOD_ENDED = register(
    NotificationKind("placement_period_ended", _("A placement ended at its end date"))
)
READINESS_LAPSING = register(
    NotificationKind("readiness_lapsing", _("A workplace's budget period ends soon"))
)
INCIDENT_REPORTED = register(NotificationKind("incident_reported", _("An incident is reported")))
INCIDENT_CLOSED = register(
    NotificationKind("incident_closed", _("An incident you reported is closed"))
)
