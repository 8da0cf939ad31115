"""The report pages: who may ask for which report, the form's errors, following a report
to its download (audit-logged), writing it again, and who sees which reports."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditAction, AuditEvent
from peersupport.reports.actions import half_year, produce_report, request_report
from peersupport.reports.models import PeriodKind, Report, ReportStatus
from tests.factories import person_with_role

pytestmark = pytest.mark.django_db

LIST = reverse("reports:report_list")
H1_2026 = half_year(2026, 1)


@pytest.fixture(autouse=True)
def _reports(settings, tmp_path):
    """Reports are written under the test's own directory, and no request queues a task:
    the tests run the worker's function themselves."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.REPORTS_QUEUE_ON_REQUEST = False


def ask(actor, region, period=H1_2026, language="sv") -> Report:
    return request_report(
        actor=actor,
        region=region,
        period_kind=PeriodKind.HALF_YEAR,
        start=period[0],
        end=period[1],
        language=language,
    )


def half_year_form(scope, **fields) -> dict:
    return {
        "scope": scope,
        "period_kind": PeriodKind.HALF_YEAR,
        "year": "2026",
        "half": "1",
        "language": "sv",
        **fields,
    }


def field_error(html: str, field: str) -> str:
    """The error message crispy prints under a field (empty when there is none)."""
    match = re.search(rf'id="error_\d+_id_{field}"[^>]*>\s*<strong>(.*?)</strong>', html, re.S)
    return match.group(1).strip() if match else ""


def all_report_urls(report: Report) -> list[tuple[str, str]]:
    """(method, URL) of every reports page, about ``report`` where they take one."""
    return [
        ("get", LIST),
        ("post", LIST),
        ("get", reverse("reports:report_detail", args=[report.pk])),
        ("get", reverse("reports:report_status", args=[report.pk])),
        ("post", reverse("reports:report_regenerate", args=[report.pk])),
        ("get", reverse("reports:report_download", args=[report.pk, "pdf"])),
        ("get", reverse("reports:subscription_list")),
        ("post", reverse("reports:subscription_list")),
        ("post", reverse("reports:subscription_delete", args=[1])),
    ]


def test_a_coordinator_asks_for_the_half_year_report(coordinator, stockholm, client_for):
    """The request queues the report and goes to its page; nothing is written yet, and
    the request is in the audit log."""
    response = client_for(coordinator).post(LIST, half_year_form(str(stockholm.pk)))

    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report_detail", args=[report.pk])
    assert report.status == ReportStatus.QUEUED and not report.pdf
    assert (report.region, report.period_start, report.period_end) == (stockholm, *H1_2026)
    assert (report.period_kind, report.requested_by) == (PeriodKind.HALF_YEAR, coordinator)
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="reports.report", object_id=str(report.pk)
    ).exists()


@pytest.mark.english
@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        ({"start": "", "end": "2026-02-01"}, "start", "Give the first day of the period."),
        ({"start": "2026-03-10", "end": ""}, "end", "Give the last day of the period."),
        (
            {"start": "2026-03-10", "end": "2026-02-01"},
            "end",
            "The period must end on or after the day it starts.",
        ),
    ],
)
def test_chosen_dates_are_checked_and_what_was_typed_is_kept(
    coordinator, stockholm, client_for, dates, field, message
):
    """A custom period without a date, or ending before it starts: 400, the message under
    the field, and every value as typed."""
    data = {
        "scope": str(stockholm.pk),
        "period_kind": PeriodKind.CUSTOM,
        "year": "2025",
        "language": "en",
        **dates,
    }
    response = client_for(coordinator).post(LIST, data)

    html = response.content.decode()
    assert response.status_code == 400
    assert field_error(html, field) == message
    assert not Report.objects.exists()
    for name in ("start", "end"):
        if dates[name]:
            assert re.search(rf'name="{name}" value="{dates[name]}"', html), name
    for name, value in (("scope", stockholm.pk), ("period_kind", "custom"), ("language", "en")):
        select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
        assert re.search(rf'<option value="{value}"\s+selected>', select), name


@pytest.mark.english
def test_a_period_that_has_not_begun_is_refused(coordinator, stockholm, client_for):
    """There is nothing to count yet: 400 with the message under the first day."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    data = {
        "scope": str(stockholm.pk),
        "period_kind": PeriodKind.CUSTOM,
        "start": tomorrow.isoformat(),
        "end": (tomorrow + dt.timedelta(days=30)).isoformat(),
        "language": "sv",
    }
    response = client_for(coordinator).post(LIST, data)

    assert response.status_code == 400
    assert field_error(response.content.decode(), "start") == "This period has not begun yet."
    assert not Report.objects.exists()


@pytest.mark.english
def test_a_coordinator_cannot_ask_for_another_region_or_the_nation(coordinator, skane, client_for):
    """Neither is offered: posting them is a form error, not a report and not a crash."""
    client = client_for(coordinator)

    for scope in (str(skane.pk), "national"):
        response = client.post(LIST, half_year_form(scope))
        assert response.status_code == 400
        assert "Select a valid choice" in field_error(response.content.decode(), "scope")
    html = client.get(LIST).content.decode()
    scope = re.search(r'<select name="scope".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"', scope)
    assert str(skane.pk) not in options and "national" not in options
    assert not Report.objects.exists()


def test_a_researcher_asks_for_the_national_report(researcher, stockholm, client_for):
    """A researcher is offered the national report only."""
    client = client_for(researcher)

    assert client.post(LIST, half_year_form(str(stockholm.pk))).status_code == 400
    assert client.post(LIST, half_year_form("national")).status_code == 302
    assert Report.objects.get().region is None


def test_an_admin_asks_for_any_region_and_the_nation(admin_user, skane, client_for):
    client = client_for(admin_user)

    assert client.post(LIST, half_year_form(str(skane.pk))).status_code == 302
    assert client.post(LIST, half_year_form("national")).status_code == 302
    assert set(Report.objects.values_list("region", flat=True)) == {skane.pk, None}


@pytest.mark.parametrize("role", ["unit_manager", "peer_supporter", "supervisor"])
def test_other_roles_get_403_on_every_reports_page(
    role, request, coordinator, stockholm, client_for
):
    """Reports are for coordinators, researchers and admins only."""
    report = ask(coordinator, stockholm)
    client = client_for(request.getfixturevalue(role))

    for method, url in all_report_urls(report):
        assert getattr(client, method)(url).status_code == 403, (method, url)


def test_coordinators_of_a_region_see_each_others_reports_and_no_one_elses(
    coordinator, other_coordinator, stockholm, skane, client_for
):
    """A second Stockholm coordinator lists and opens the first's report; Skåne's lists
    only their own and gets 404 on Stockholm's, on every page about it."""
    colleague = person_with_role(Role.COORDINATOR, stockholm, full_name="Kim Kollega")
    ours = ask(coordinator, stockholm)
    theirs = ask(other_coordinator, skane)
    national = ask(None, None)
    produce_report(report_id=ours.pk)

    listed = client_for(colleague).get(LIST)
    assert list(listed.context["page"].object_list) == [ours]
    assert (
        client_for(colleague).get(reverse("reports:report_detail", args=[ours.pk])).status_code
        == 200
    )

    skane_client = client_for(other_coordinator)
    assert list(skane_client.get(LIST).context["page"].object_list) == [theirs]
    for method, url in all_report_urls(ours)[2:6]:
        assert getattr(skane_client, method)(url).status_code == 404, url
    assert skane_client.get(reverse("reports:report_detail", args=[national.pk])).status_code == 404
    assert Report.objects.count() == 3


def test_the_status_follows_the_worker(coordinator, stockholm, client_for):
    """The progress script reads the status as JSON; the page shows the downloads once
    the report is written."""
    report = ask(coordinator, stockholm)
    client = client_for(coordinator)
    status_url = reverse("reports:report_status", args=[report.pk])
    detail_url = reverse("reports:report_detail", args=[report.pk])

    queued = client.get(status_url)
    assert queued.json() == {
        "status": "queued",
        "label": str(ReportStatus.QUEUED.label),
        "ready": False,
    }
    assert "no-cache" in queued["Cache-Control"]
    assert 'id="report-downloads"' not in client.get(detail_url).content.decode()

    produce_report(report_id=report.pk)

    assert client.get(status_url).json()["ready"] is True
    page = client.get(detail_url).content.decode()
    assert reverse("reports:report_download", args=[report.pk, "pdf"]) in page
    assert reverse("reports:report_download", args=[report.pk, "xlsx"]) in page


def test_downloads_are_404_until_written_and_then_audit_logged(coordinator, stockholm, client_for):
    """Before the worker has written it there is nothing to download; after, each file
    download is an export in the audit log; an unknown kind is 404."""
    report = ask(coordinator, stockholm)
    client = client_for(coordinator)

    def download(kind):
        return client.get(reverse("reports:report_download", args=[report.pk, kind]))

    assert download("pdf").status_code == 404
    produce_report(report_id=report.pk)

    pdf = download("pdf")
    xlsx = download("xlsx")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content).startswith(b"PK")
    assert download("csv").status_code == 404
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(report.pk))
    assert sorted(exports.values_list("detail__report", flat=True)) == ["pdf", "xlsx"]
    assert {event.actor for event in exports} == {coordinator}


def test_writing_a_report_again_makes_a_new_one(coordinator, stockholm, client_for):
    """'Write it again' queues a new report of the same parameters and goes to it; GET
    does nothing."""
    report = produce_report(report_id=ask(coordinator, stockholm, language="en").pk)
    client = client_for(coordinator)
    url = reverse("reports:report_regenerate", args=[report.pk])

    assert client.get(url).status_code == 405
    response = client.post(url)

    again = Report.objects.exclude(pk=report.pk).get()
    assert response["Location"] == reverse("reports:report_detail", args=[again.pk])
    assert again.status == ReportStatus.QUEUED
    assert again.parameters_key == report.parameters_key and again.language == "en"


def test_the_list_page_costs_the_same_whatever_the_number_of_reports(
    coordinator, other_coordinator, stockholm, skane, client_for
):
    """Each report row is drawn from the one page query (region and who asked joined)."""
    client = client_for(coordinator)

    def queries_for_list() -> int:
        client.get(LIST)  # warm the session and the memberships cache of the middleware
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    colleague = person_with_role(Role.COORDINATOR, stockholm, full_name="Kim Kollega")
    ask(coordinator, stockholm)
    few = queries_for_list()
    for year in (2022, 2023, 2024, 2025):
        for half in (1, 2):
            ask(colleague, stockholm, period=half_year(year, half))
            ask(other_coordinator, skane, period=half_year(year, half))
    produce_report(report_id=ask(coordinator, stockholm, language="en").pk)

    # Session, user, memberships, MFA check, the form's regions, the count, the page.
    assert few == queries_for_list() == 7
