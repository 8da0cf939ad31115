"""Notification kinds of supervision."""

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from peersupport.notifications.kinds import NotificationKind, register


def _shortfall_context(notification):
    from .cadence import shortfall_rows

    month = dt.date.fromisoformat(f"{notification.occurrence}-01")
    return {
        "rows": shortfall_rows(region=notification.subject, month=month),
        # A date, so the template can name the month in the recipient's language.
        "month": month,
        "goal": settings.SUPERVISION_SESSIONS_PER_MONTH,
    }


SUPERVISION_REMINDER = register(
    NotificationKind(
        "supervision_reminder",
        _("Reminder of tomorrow's supervision"),
        subject_related=("group__supervisor__user",),
    )
)
SUPERVISION_SHORTFALL = register(
    NotificationKind(
        "supervision_shortfall",
        _("Monthly summary of supervision shortfalls"),
        _shortfall_context,
    )
)
SUPERVISION_GROUP_ENDED = register(
    NotificationKind("supervision_group_ended", _("A supervision group has ended"))
)
