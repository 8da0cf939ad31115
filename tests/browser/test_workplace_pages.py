"""Workplace pages in the browser: accessible (axe-core), and usable on a 360 px phone."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page

from tests.factories import active_placement, certified_participant, ready_workplace
from workplaces import actions
from workplaces.models import Principal, SessionKind, Theme, WorkplaceType

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


def assert_fits_and_accessible(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_workplace_pages_are_accessible_on_a_phone(
    phone_page_for, coordinator, unit_manager, peer_supporter, stockholm
):
    """The list, the registration forms, the workplace page with its chart and tables, the
    readiness forms, a refused trainee order and the unit manager's overview pass axe-core
    and fit 360 px (wide tables scroll inside their own box)."""
    today = timezone.localdate()
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    placement = active_placement(
        coordinator,
        unit_manager,
        workplace,
        certified_participant(stockholm, user=peer_supporter),
        start_date=today - dt.timedelta(days=90),
    )
    for days_ago, kind in ((2, SessionKind.CONVERSATION), (40, SessionKind.GROUP_ACTIVITY)):
        actions.log_support_session(
            actor=peer_supporter,
            placement=placement,
            date=today - dt.timedelta(days=days_ago),
            minutes=60,
            kind=kind,
            themes=[Theme.SLEEP],
            participant_count=4 if kind == SessionKind.GROUP_ACTIVITY else 1,
        )
    organisation = actions.create_organisation(
        actor=coordinator, region=stockholm, name="Stockholms stad", principal=Principal.REGION
    )
    not_ready = actions.create_workplace(
        actor=coordinator,
        organisation=organisation,
        name="Träffpunkten",
        type=WorkplaceType.MEETING_PLACE,
        managers=[unit_manager],
    )

    page = phone_page_for(coordinator)
    for url in (
        reverse("workplaces:workplace_list"),
        reverse("workplaces:organisation_create"),
        reverse("workplaces:workplace_create"),
        reverse("workplaces:workplace_detail", args=[workplace.pk]),
        reverse("workplaces:readiness_confirm", args=[not_ready.pk, "budget"]),
        reverse("workplaces:readiness_confirm", args=[not_ready.pk, "user_movement_contact"]),
        reverse("workplaces:staff_training_create", args=[not_ready.pk]),
    ):
        page.goto(url)
        assert_fits_and_accessible(page)

    page.goto(reverse("workplaces:trainee_order_create", args=[not_ready.pk]))
    page.locator("#id_posts").fill("2")
    page.locator("form.form-narrow, .form-narrow form").locator("[type=submit]").click()
    assert page.locator(".alert").filter(has_text="Träffpunkten").count() == 1
    assert page.locator("#id_posts").input_value() == "2"
    assert_fits_and_accessible(page)

    manager_page = phone_page_for(unit_manager)
    manager_page.goto(reverse("workplaces:manager_home"))
    assert manager_page.locator("svg.chart").count() == 1
    assert_fits_and_accessible(manager_page)
