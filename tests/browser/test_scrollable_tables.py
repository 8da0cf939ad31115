"""A table wider than the phone scrolls inside its wrapper, which a keyboard can reach."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from .axe import assert_accessible

PHONE = {"width": 360, "height": 740}


@pytest.mark.django_db(transaction=True)
def test_a_peer_supporters_placement_table_is_reached_by_keyboard_on_a_phone(
    browser: Browser, live_server, login, peer_supporter
):
    """At 360 px the placement table, here with no link in it (no placement yet), scrolls
    sideways inside a named region that takes the keyboard focus, and axe-core finds nothing
    serious (scrollable-region-focusable)."""
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    try:
        page = context.new_page()
        login(page, peer_supporter)
        page.goto(reverse("workplaces:placement_list"))

        scroller = page.locator(".table-responsive")
        assert scroller.evaluate("element => element.scrollWidth > element.clientWidth")
        expect(scroller).to_have_attribute("role", "region")
        expect(scroller).to_have_accessible_name(re.compile(r"\S"))
        page.keyboard.press("Tab")
        while not scroller.evaluate("element => element === document.activeElement"):
            assert page.evaluate("document.activeElement !== document.body"), "never focused"
            page.keyboard.press("Tab")
        assert_accessible(page)
    finally:
        context.close()
