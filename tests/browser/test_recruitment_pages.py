"""Recruitment, course-template and event pages in the browser: accessible (axe-core) and
usable on a 360 px phone."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from programmes import actions
from programmes.models import EventKind
from tests.programmes.course_state import default_template
from tests.programmes.participant_paths import participant_at

from .axe import assert_accessible

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone_page(browser: Browser, live_server, login, coordinator):
    """The coordinator, logged in, on a page 360 px wide."""
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    login(page, coordinator)
    yield page
    context.close()


def assert_fits_and_accessible(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_recruitment_template_and_event_pages_are_accessible_on_a_phone(
    phone_page, coordinator, stockholm
):
    """The participant list with its funnel, the registration form, a record, the course
    templates and their editor, the event list, form and page pass axe-core and fit 360 px;
    declining without a reason shows the message at the field, still accessible."""
    alva = participant_at(coordinator, stockholm, "certified", full_name="Alva Ek")
    bo = participant_at(coordinator, stockholm, full_name="Bo Lind")
    event = actions.create_event(
        actor=coordinator,
        region=stockholm,
        kind=EventKind.REUNION,
        title="Vårens återträff",
        starts_at=timezone.now() + dt.timedelta(days=20),
        ends_at=timezone.now() + dt.timedelta(days=20, hours=3),
        venue="Folkets hus",
    )
    actions.invite_alumni(actor=coordinator, event=event)
    page = phone_page
    for url in (
        reverse("programmes:participant_list"),
        reverse("programmes:participant_create"),
        reverse("programmes:participant_detail", args=[alva.pk]),
        reverse("programmes:template_list"),
        reverse("programmes:template_edit", args=[default_template().pk]),
        reverse("programmes:event_list"),
        reverse("programmes:event_create"),
        reverse("programmes:event_detail", args=[event.pk]),
    ):
        page.goto(url)
        assert_fits_and_accessible(page)

    page.goto(reverse("programmes:participant_detail", args=[bo.pk]))
    page.locator("#id_to_status").select_option("declined")
    page.locator("form[action$='/status/'] [type=submit]").click()
    expect(page.locator("#id_reason")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("[id^=error_][id$=_id_reason]")).to_be_visible()
    expect(page.locator("#id_reason_category")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("[id^=error_][id$=_id_reason_category]")).to_be_visible()
    expect(page.locator("#id_to_status")).to_have_value("declined")
    assert_fits_and_accessible(page)
