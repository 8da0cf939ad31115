"""The half-year report journey: on a phone, a coordinator opens Reports, asks for the
last half-year's report and sees it queued (in a live region the page keeps up to date);
the real worker writes it, the page shows the download, the PDF names the region, and the
report is in the list of earlier reports. Another region's coordinator gets 404 for it."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from peersupport.reports.models import Report, ReportStatus
from peersupport.reports.tasks import produce_report_task
from tests.celery_worker import celery_worker_process  # noqa: F401

from .axe import assert_accessible

pytestmark = pytest.mark.worker

PHONE = {"width": 375, "height": 740}
# Every section of a real report: the worker may take a while on a loaded machine.
WRITE_TIMEOUT = 180


@pytest.fixture
def worker_media(settings, tmp_path, monkeypatch):
    """The worker's media folder, and the test's: the worker reads it from the
    environment (ask for this before the worker)."""
    folder = tmp_path / "worker-media"
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(folder))
    settings.MEDIA_ROOT = folder
    return folder


def test_coordinator_asks_for_the_half_year_report_and_downloads_it(
    page_for,
    live_server,
    settings,
    worker_media,
    celery_worker_process,  # noqa: F811
    coordinator,
    other_coordinator,
    stockholm,
    tmp_path,
):
    # The test sends the task to its own worker's queue.
    settings.REPORTS_QUEUE_ON_REQUEST = False
    page = page_for(coordinator, viewport=PHONE)

    # Reports, from the menu a phone folds away.
    page.goto(live_server.url + reverse("home"))
    page.locator(".navbar-toggler").click()
    page.locator(f"#main-nav a[href='{reverse('reports:report_list')}']").click()
    expect(page).to_have_url(live_server.url + reverse("reports:report_list"))
    assert_accessible(page)

    # The half-year offered first is the last one that has ended.
    form = page.locator("#report-request-form")
    expect(form.locator("select[name='period_kind']")).to_have_value("half_year")
    form.locator("select[name='scope']").select_option(str(stockholm.pk))
    form.locator("[type='submit']").click()
    report = Report.objects.get()
    detail_url = live_server.url + reverse("reports:report_detail", args=[report.pk])
    expect(page).to_have_url(detail_url)
    assert (report.region, report.period_kind) == (stockholm, "half_year")
    assert (report.period_end - report.period_start).days in range(180, 184)

    # Queued, told in a live region that the page keeps up to date.
    status = page.locator("#extract-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text(str(ReportStatus.QUEUED.label))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)

    # The worker writes it; the page shows the download without being reloaded by hand.
    celery_worker_process.wait_for_task(
        celery_worker_process.send(produce_report_task, report.pk), timeout=WRITE_TIMEOUT
    )
    pdf_url = reverse("reports:report_download", args=[report.pk, "pdf"])
    pdf_link = page.locator(f"#report-downloads a[href='{pdf_url}']")
    expect(pdf_link).to_be_visible(timeout=15_000)
    expect(status).to_have_text(str(ReportStatus.DONE.label))
    assert_accessible(page)

    with page.expect_download() as download:
        pdf_link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-layout", str(saved), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert stockholm.name in text

    # It is in the list of earlier reports, ready.
    page.locator(f"a[href='{reverse('reports:report_list')}']").last.click()
    row = page.locator("#report-table tbody tr").filter(
        has=page.locator(f"a[href='{reverse('reports:report_detail', args=[report.pk])}']")
    )
    expect(row).to_contain_text(stockholm.name)
    expect(row).to_contain_text(str(ReportStatus.DONE.label))

    # Another region's coordinator finds neither the report nor its file.
    other = page_for(other_coordinator)
    assert other.goto(detail_url).status == 404
    assert other.request.get(live_server.url + pdf_url).status == 404
    assert (
        other.request.get(
            live_server.url + reverse("reports:report_status", args=[report.pk])
        ).status
        == 404
    )
