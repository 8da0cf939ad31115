"""Placement and follow-up pages in the browser: accessible, and usable on a phone."""

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.factories import active_placement, certified_participant, ready_workplace

from .axe import assert_accessible

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone_page_for(browser: Browser, live_server, login):
    """A logged-in page 360 px wide in the person's own browser context."""
    contexts = []

    def open_page(user) -> Page:
        context = browser.new_context(base_url=live_server.url, viewport=PHONE)
        contexts.append(context)
        page = context.new_page()
        login(page, user)
        return page

    yield open_page
    for context in contexts:
        context.close()


def assert_fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


@pytest.mark.django_db(transaction=True)
def test_placement_and_follow_up_pages_are_accessible_on_a_phone(
    phone_page_for, coordinator, unit_manager, stockholm, peer_supporter
):
    """The coordinator's proposal form (also with a refusal), the placement, the lists and
    the unit manager's follow-up form pass axe-core and fit 360 px; the scale's anchors
    are labelled radio buttons."""
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    person = certified_participant(stockholm, user=peer_supporter)
    placement = active_placement(
        coordinator,
        unit_manager,
        workplace,
        person,
        start_date=timezone.localdate() - relativedelta(months=2),
    )
    review = placement.reviews.get(months_after_start=1)

    coordinator_page = phone_page_for(coordinator)
    coordinator_page.goto(reverse("workplaces:placement_create") + f"?workplace={workplace.pk}")
    coordinator_page.locator("#id_participant").select_option(str(person.pk))
    coordinator_page.locator("input[name='employer'][value='workplace']").check()
    coordinator_page.locator("#id_hours_per_week").fill("30")
    coordinator_page.locator("#id_start_date").fill(timezone.localdate().isoformat())
    coordinator_page.locator("main form[method='post'] [type='submit']").click()
    expect(coordinator_page.locator("#id_hours_per_week")).to_have_class(
        "numberinput form-control is-invalid"
    )
    assert_accessible(coordinator_page)
    assert_fits_the_phone(coordinator_page)
    for url in (
        reverse("workplaces:placement_list"),
        reverse("workplaces:placement_detail", args=[placement.pk]),
        reverse("workplaces:review_list"),
    ):
        coordinator_page.goto(url)
        assert_accessible(coordinator_page)
        assert_fits_the_phone(coordinator_page)

    manager_page = phone_page_for(unit_manager)
    manager_page.goto(reverse("workplaces:review_respond", args=[review.pk]))
    manager_page.get_by_label("4 –").first.check()
    assert_accessible(manager_page)
    assert_fits_the_phone(manager_page)
