"""Erasure in the browser, on a phone: the password again, a confirmation, the reasons a
refusal gives."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from programmes.models import Participant
from tests.factories import (
    TEST_PASSWORD,
    active_placement,
    certified_participant,
    ready_workplace,
)
from tests.programmes.course_state import accepted_applicant

from .axe import assert_accessible

PHONE = {"width": 360, "height": 740}


def erase_url(participant) -> str:
    return reverse("extracts:person_erase", args=["programmes.participant", participant.pk])


def test_a_coordinator_erases_an_applicant_after_the_password_and_a_confirmation(
    page_for, live_server, coordinator, stockholm
):
    """The confirmation page comes after the password, lists what goes and what stays, and
    erasing leads back to the person's page with the name gone."""
    applicant = accepted_applicant(coordinator, stockholm, "Cecilia Carlsson")
    page = page_for(coordinator, viewport=PHONE)

    page.goto(live_server.url + erase_url(applicant))
    expect(page).to_have_url(re.compile(re.escape(reverse("account_reauthenticate"))))
    page.locator("input[name='password']").fill(TEST_PASSWORD)
    page.locator("input[name='password']").press("Enter")
    expect(page).to_have_url(live_server.url + erase_url(applicant))
    assert_accessible(page)
    page.locator("input[name='confirm']").check()
    page.locator("main form [type='submit']").click()

    expect(page).to_have_url(
        live_server.url
        + reverse("extracts:person_extracts", args=["programmes.participant", applicant.pk])
    )
    expect(page.locator("main")).not_to_contain_text("Cecilia")
    assert_accessible(page)
    assert "Cecilia" not in Participant.objects.get(pk=applicant.pk).full_name


def test_a_refused_erasure_says_why(page_for, live_server, coordinator, unit_manager, stockholm):
    """A peer supporter in an active placement cannot be erased: the person's page offers
    no erasure and names the placement, and so does the confirmation page."""
    peer = certified_participant(stockholm, name="Pia Peer")
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    active_placement(coordinator, unit_manager, workplace, peer)
    page = page_for(coordinator, viewport=PHONE)

    page.goto(
        live_server.url
        + reverse("extracts:person_extracts", args=["programmes.participant", peer.pk])
    )
    expect(page.locator("main")).to_contain_text("Öppenvården Nord")
    expect(page.locator(f"a[href='{erase_url(peer)}']")).to_have_count(0)
    assert_accessible(page)

    page.goto(live_server.url + erase_url(peer))
    page.locator("input[name='password']").fill(TEST_PASSWORD)
    page.locator("input[name='password']").press("Enter")
    expect(page.locator("main .alert-warning")).to_contain_text("Öppenvården Nord")
    expect(page.locator("input[name='confirm']")).to_have_count(0)
    assert_accessible(page)
