"""Notification kinds of supervision."""

from django.utils.translation import gettext_lazy as _

from peersupport.notifications.kinds import NotificationKind, register


def _shortfall_context(notification):
    from .cadence import shortfall_rows

    month = notification.occurrence
    return {"rows": shortfall_rows(region=notification.subject, month=month), "month": month}


SUPERVISION_REMINDER = register(
    NotificationKind("supervision_reminder", _("Reminder of tomorrow's supervision"))
)
SUPERVISION_SHORTFALL = register(
    NotificationKind(
        "supervision_shortfall",
        _("Monthly summary of supervision shortfalls"),
        _shortfall_context,
    )
)
