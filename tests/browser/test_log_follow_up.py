"""The log auditor's journey on a phone: find a person by name, see who read their records,
and download the log as CSV after typing the password again."""

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction, AuditEvent
from tests.factories import TEST_PASSWORD, certified_participant

from .auth import REAUTHENTICATE_URL
from .axe import assert_accessible

PHONE = {"width": 360, "height": 740}


@pytest.mark.django_db(transaction=True)
def test_auditor_finds_who_read_a_persons_records_and_downloads_the_log(
    browser: Browser, live_server, login, auditor, coordinator, stockholm
):
    anna = certified_participant(stockholm, name="Anna Andersson")
    record_event(actor=coordinator, action=AuditAction.READ, obj=anna)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, accept_downloads=True)
    try:
        page = context.new_page()
        login(page, auditor)
        page.goto(reverse("audit:person_search"))
        assert_accessible(page)
        page.locator("input[name='q']").fill("andersson")
        page.locator("form[role='search'] [type='submit']").click()
        page.get_by_role("link", name="Anna Andersson").click()

        expect(page.locator("table")).to_contain_text(coordinator.email)
        assert "andersson" not in page.url.lower()
        assert_accessible(page)

        page.locator(f"a[href^='{reverse('audit:event_export')}']").click()
        expect(page).to_have_url(REAUTHENTICATE_URL)
        page.locator("input[name='password']").fill(TEST_PASSWORD)
        with page.expect_download() as download_info:
            page.locator("form[action*='/accounts/reauthenticate/'] [type='submit']").click()
        text = Path(download_info.value.path()).read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert (coordinator.email, "read") in {(r["actor_email"], r["action"]) for r in rows}
        assert AuditEvent.objects.filter(actor=auditor, action=AuditAction.EXPORT).exists()

        page.goto(reverse("audit:patterns"))
        assert_accessible(page)
    finally:
        context.close()
