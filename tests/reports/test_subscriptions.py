"""Standing orders: a coordinator subscribes to their region's monthly or half-yearly
report; after each period the worker writes it once and e-mails a link to its page,
never the file; someone who has lost the role gets nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import Membership, Role
from peersupport.accounts.scoping import forget_memberships
from peersupport.audit.models import AuditAction, AuditEvent
from peersupport.notifications.actions import dispatch_due_notifications
from peersupport.notifications.models import Notification
from peersupport.notifications.tasks import dispatch_notifications
from peersupport.reports.actions import (
    deliver_subscriptions,
    half_year,
    last_complete_period,
    produce_report,
    regenerate_report,
    request_report,
    subscribe,
)
from peersupport.reports.models import Frequency, PeriodKind, Report, ReportSubscription
from peersupport.reports.notifications import REPORT_READY
from peersupport.reports.tasks import deliver_report_subscriptions_task, produce_report_task
from tests.celery_worker import celery_worker_process  # noqa: F401
from tests.factories import person_with_role

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = reverse("reports:subscription_list")


@pytest.fixture(autouse=True)
def _reports(settings, tmp_path):
    """Reports are written under the test's own directory, and no request queues a task:
    the tests run the worker's function themselves."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.REPORTS_QUEUE_ON_REQUEST = False
    settings.SITE_URL = "https://peer.example.org"


def current_half_year() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return half_year(today.year, 1 if today.month <= 6 else 2)


def day_after_this_half_year() -> dt.date:
    """The first morning a half-yearly subscription taken out today delivers."""
    return current_half_year()[1] + dt.timedelta(days=1)


def subscribed(user, region, frequency=Frequency.HALF_YEARLY, language="sv"):
    return subscribe(actor=user, region=region, frequency=frequency, language=language)


def lose_role(user, region) -> None:
    Membership.objects.filter(user=user, role=Role.COORDINATOR, region=region).delete()
    forget_memberships(user)


def report_links(message) -> list[str]:
    return re.findall(r"https://peer\.example\.org/reports/\d+/", message.body)


def test_a_coordinator_subscribes_to_their_own_region_and_ends_it(
    coordinator, other_coordinator, stockholm, skane, client_for
):
    """Monthly or half-yearly, in a language; another region is not offered; the
    subscription is the subscriber's own to end (404 to anyone else)."""
    client = client_for(coordinator)

    response = client.post(
        SUBSCRIPTIONS, {"region": stockholm.pk, "frequency": "monthly", "language": "en"}
    )
    assert response.status_code == 302
    subscription = ReportSubscription.objects.get()
    assert (subscription.user, subscription.region) == (coordinator, stockholm)
    assert (subscription.frequency, subscription.language) == (Frequency.MONTHLY, "en")
    # The first report is for the next month to end, not one already past.
    assert (
        subscription.last_period_end
        == last_complete_period(Frequency.MONTHLY, timezone.localdate())[2]
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="reports.reportsubscription"
    ).exists()
    refused = client.post(
        SUBSCRIPTIONS, {"region": skane.pk, "frequency": "half_yearly", "language": "sv"}
    )
    assert refused.status_code == 400 and ReportSubscription.objects.count() == 1
    assert list(client.get(SUBSCRIPTIONS).context["subscriptions"]) == [subscription]

    end = reverse("reports:subscription_delete", args=[subscription.pk])
    assert client_for(other_coordinator).post(end).status_code == 404
    assert client.post(end).status_code == 302
    assert not ReportSubscription.objects.exists()


def test_a_researcher_cannot_subscribe(researcher, client_for):
    assert client_for(researcher).get(SUBSCRIPTIONS).status_code == 403


def test_a_period_is_delivered_once_the_morning_after_it_ends(coordinator, stockholm):
    """Nothing during the half-year; its report is asked for the day after it ends, once,
    in the subscription's language; the next morning asks for nothing."""
    subscription = subscribed(coordinator, stockholm, language="en")
    morning = day_after_this_half_year()

    assert deliver_subscriptions(today=morning - dt.timedelta(days=1)) == 0
    assert deliver_subscriptions(today=morning) == 1
    assert deliver_subscriptions(today=morning) == 0
    assert deliver_subscriptions(today=morning + dt.timedelta(days=1)) == 0

    report = Report.objects.get()
    assert (report.region, report.language, report.subscription) == (stockholm, "en", subscription)
    assert (report.period_kind, report.period_start, report.period_end) == (
        PeriodKind.HALF_YEAR,
        *current_half_year(),
    )
    assert report.requested_by == coordinator


def test_someone_who_lost_the_role_gets_nothing(coordinator, stockholm):
    """A subscriber who no longer coordinates the region is skipped."""
    subscribed(coordinator, stockholm)
    lose_role(coordinator, stockholm)

    assert deliver_subscriptions(today=day_after_this_half_year()) == 0
    assert not Report.objects.exists()


def test_the_written_report_is_announced_with_a_link_and_no_attachment(coordinator, stockholm):
    """Writing a subscribed report puts a 'report ready' message in the outbox; the
    e-mail links to the report's page and carries no file; its plain text is not
    HTML-escaped."""
    stockholm.name = "Region Stockholm & Gotland"
    stockholm.save()
    subscribed(coordinator, stockholm)
    deliver_subscriptions(today=day_after_this_half_year())
    report = produce_report(report_id=Report.objects.get().pk)

    notification = Notification.objects.get(kind=REPORT_READY)
    assert (notification.recipient, notification.subject) == (coordinator, report)
    assert dispatch_due_notifications() == 1
    (message,) = mail.outbox
    assert message.to == [coordinator.email]
    assert report_links(message) == [
        f"https://peer.example.org{reverse('reports:report_detail', args=[report.pk])}"
    ]
    assert "Region Stockholm & Gotland" in message.subject
    assert "Region Stockholm & Gotland" in message.body
    assert "https://peer.example.org/reports/subscriptions/" in message.body
    assert message.attachments == []
    assert not message.message().is_multipart()


def test_subscribers_sharing_a_report_are_each_told_once(
    coordinator, other_coordinator, stockholm, skane
):
    """Two Stockholm coordinators with the same order get one report and a message each;
    a report someone asked for by hand while it is pending is the subscribers' report
    too; writing it again later tells no one again. Skåne's subscriber has their own."""
    colleague = person_with_role(Role.COORDINATOR, stockholm, full_name="Kim Kollega")
    start, end = current_half_year()
    by_hand = request_report(
        actor=colleague,
        region=stockholm,
        period_kind=PeriodKind.CUSTOM,
        start=start,
        end=end,
        language="sv",
    )
    for user, region in ((coordinator, stockholm), (colleague, stockholm)):
        subscribed(user, region)
    subscribed(other_coordinator, skane)

    assert deliver_subscriptions(today=day_after_this_half_year()) == 3
    assert Report.objects.filter(region=stockholm).get() == by_hand
    for report in Report.objects.all():
        produce_report(report_id=report.pk)
    produce_report(report_id=regenerate_report(actor=colleague, report=by_hand).pk)

    told = Notification.objects.filter(kind=REPORT_READY)
    assert sorted((n.recipient_id, n.subject_id) for n in told) == sorted(
        [
            (coordinator.pk, by_hand.pk),
            (colleague.pk, by_hand.pk),
            (other_coordinator.pk, Report.objects.get(region=skane).pk),
        ]
    )


def test_the_message_is_given_up_if_the_recipient_lost_the_role(coordinator, stockholm):
    """Between writing and sending, the subscriber stopped coordinating the region: the
    message is not sent, and the outbox says why."""
    subscribed(coordinator, stockholm)
    deliver_subscriptions(today=day_after_this_half_year())
    produce_report(report_id=Report.objects.get().pk)
    lose_role(coordinator, stockholm)

    assert dispatch_due_notifications() == 0
    assert mail.outbox == []
    notification = Notification.objects.get(kind=REPORT_READY)
    assert notification.failed_at is not None and notification.sent_at is None
    assert "No longer wanted" in notification.last_error


@pytest.fixture
def report_worker(request, monkeypatch, tmp_path):
    """A real worker that writes its reports under the test's directory and, like the
    tests, queues nothing on request (the test hands it each task in turn)."""
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(tmp_path / "worker-media"))
    monkeypatch.setenv("REPORTS_QUEUE_ON_REQUEST", "false")
    return request.getfixturevalue("celery_worker_process")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_subscribed_report_arrives_by_e_mail_through_the_worker(
    report_worker, coordinator, stockholm
):
    """Beat's morning task asks for the month that has ended, the worker writes the
    report, the dispatcher sends the e-mail: it links to the report's page, with no file."""
    subscription = subscribed(coordinator, stockholm, frequency=Frequency.MONTHLY)
    # Subscribed a month earlier: last month's report is due this morning.
    _kind, start, end = last_complete_period(Frequency.MONTHLY, timezone.localdate())
    ReportSubscription.objects.filter(pk=subscription.pk).update(
        last_period_end=start - dt.timedelta(days=1)
    )

    report_worker.wait_for_task(report_worker.send(deliver_report_subscriptions_task))
    report = Report.objects.get()
    assert (report.period_start, report.period_end) == (start, end)
    report_worker.wait_for_task(report_worker.send(produce_report_task, report.pk), timeout=90)
    report.refresh_from_db()
    assert report.is_ready
    report_worker.wait_for_task(report_worker.send(dispatch_notifications))

    (message,) = report_worker.sent_mail()
    assert message["To"] == coordinator.email
    assert not message.is_multipart()
    body = message.get_payload(decode=True).decode()
    assert f"/reports/{report.pk}/" in body
