"""The e-mail that a subscribed report is ready: a link to the report's page, never the
file (the page asks for a login, and the download is audit-logged)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peersupport.notifications.actions import schedule_notification
from peersupport.notifications.kinds import NotificationKind, register
from peersupport.notifications.models import Notification

from .models import Report, ReportSubscription

REPORT_READY = "report_ready"


def _context(notification) -> dict:
    report = notification.subject
    return {"report": report, "report_path": reverse("reports:report_detail", args=[report.pk])}


def _still_wanted(notification) -> bool:
    """Sent only to someone who still coordinates the report's region, and only while the
    report is there to be read."""
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


def announce_report(report: Report) -> int:
    """Tell each subscriber waiting for this report that it is ready; returns how many
    were told.

    A subscriber is waiting when the morning run has asked for this period for them (their
    last period delivered is this one), in this language. Whose request wrote the report
    does not matter: subscribers of one region share one report, and one asked for by hand
    at the same time is theirs too. Each is told once per period: a report written again
    later tells no one. Called in the transaction that marks the report done; the
    subscriptions are locked, so a morning run serving one of them at the same time either
    has finished (and is seen here) or waits and then asks for a new report."""
    from .actions import frequency_of

    frequency = frequency_of(report.period_start, report.period_end)
    if report.region_id is None or frequency is None:
        return 0
    # Locked whatever their last period, so a run about to advance one waits for us.
    subscriptions = (
        ReportSubscription.objects.select_for_update(of=("self",))
        .filter(region_id=report.region_id, language=report.language, frequency=frequency)
        .select_related("user")
        .order_by("pk")
    )
    waiting = [s for s in subscriptions if s.last_period_end == report.period_end]
    told = set(
        Notification.objects.filter(
            kind=REPORT_READY,
            subject_type=ContentType.objects.get_for_model(Report),
            subject_id__in=Report.objects.filter(parameters_key=report.parameters_key).values("pk"),
        ).values_list("recipient_id", flat=True)
    )
    announced = 0
    for subscription in waiting:
        if subscription.user_id not in told:
            schedule_notification(recipient=subscription.user, kind=REPORT_READY, subject=report)
            told.add(subscription.user_id)
            announced += 1
    return announced
