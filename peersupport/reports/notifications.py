"""The e-mail that a subscribed report is ready: a link to the report's page, never the
file (the page asks for a login, and the download is audit-logged)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peersupport.notifications.actions import schedule_notification
from peersupport.notifications.kinds import NotificationKind, register

REPORT_READY = "report_ready"


def _context(notification) -> dict:
    report = notification.subject
    return {"report": report, "report_path": reverse("reports:report_detail", args=[report.pk])}


def _still_wanted(notification) -> bool:
    from peersupport.accounts.scoping import coordinated_region_ids

    report = notification.subject
    recipient = notification.recipient
    return (
        report is not None
        and report.is_ready
        and recipient is not None
        and report.region_id in coordinated_region_ids(recipient)
    )


register(
    NotificationKind(
        REPORT_READY, _("Subscribed report ready"), _context, still_wanted=_still_wanted
    )
)


def announce_report(report) -> None:
    """Tell the subscriber that the report of their standing order is ready."""
    subscription = report.subscription
    schedule_notification(recipient=subscription.user, kind=REPORT_READY, subject=report)
