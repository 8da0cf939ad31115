"""A coordinator withdraws and records a participant's consent on the participant's page,
on a 360 px phone, with the page accessible (axe-core) at each step. The ids used here are
the ones the browser journey relies on."""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from programmes.models import Participant
from tests.programmes.participant_paths import participant_at

from .axe import assert_accessible

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone_page(browser: Browser, live_server, login, coordinator):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    login(page, coordinator)
    yield page
    context.close()


def assert_fits_and_accessible(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_a_coordinator_withdraws_and_records_a_consent_on_a_phone(
    phone_page, coordinator, stockholm
):
    """Withdrawing removes the declaration and shows the record-consent form; recording
    brings the declaration back."""
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    page = phone_page
    page.goto(reverse("programmes:participant_detail", args=[alva.pk]))
    expect(page.locator("#consents")).to_be_visible()
    assert_fits_and_accessible(page)

    page.locator("#id_withdraw-lived_experience-method").select_option("verbal")
    page.locator("#withdraw-consent-lived_experience-button").click()
    expect(page.locator("#record-consent-form")).to_be_visible()
    assert not Participant.objects.get(pk=alva.pk).lived_experience_declared
    assert_fits_and_accessible(page)

    page.locator("#consent-text summary").click()
    page.locator("#id_consent-declared").check()
    page.locator("#id_consent-method").select_option("paper")
    page.locator("#record-consent-button").click()
    expect(page.locator("#withdraw-consent-lived_experience")).to_be_visible()
    assert Participant.objects.get(pk=alva.pk).lived_experience_declared
    assert_fits_and_accessible(page)
