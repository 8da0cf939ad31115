import re

from playwright.sync_api import Page, expect

from peersupport.accounts.models import Role
from tests.factories import person_with_role

from .auth import TOTP_URL, submit_password, submit_totp_code
from .axe import assert_accessible

PHONE = {"width": 360, "height": 740}


def test_coordinator_logs_in_with_password_and_totp_to_swedish_home(
    page: Page, live_server, coordinator
):
    """A coordinator logs in with password and TOTP and lands on the Swedish home page."""
    page.goto(live_server.url + "/")

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    expect(page.get_by_role("button", name="Logga in")).to_be_visible()
    assert_accessible(page)

    submit_password(page, coordinator.email)

    expect(page).to_have_url(TOTP_URL)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tvåfaktorsautentisering")
    assert_accessible(page)

    submit_totp_code(page)

    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Karin")
    assert_accessible(page)


def test_peer_supporter_home_fits_a_phone_screen(page: Page, live_server, login, peer_supporter):
    """On a 360 px wide phone the home page has no sideways scroll and a working menu button."""
    page.set_viewport_size(PHONE)

    login(page, peer_supporter)

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Elias")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    main_menu = page.get_by_role("navigation", name="Huvudmeny")
    menu_button = main_menu.get_by_role("button", name="Visa menyn")
    expect(menu_button).to_be_visible()
    expect(main_menu.get_by_role("link", name="Aviseringar")).to_be_hidden()
    assert_accessible(page)

    menu_button.click()

    expect(menu_button).to_have_attribute("aria-expanded", "true")
    # Bootstrap marks the menu "show" once it has finished sliding open.
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    expect(main_menu.get_by_role("link", name="Aviseringar")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)


def test_coordinator_without_mfa_is_sent_to_mfa_setup(page: Page, live_server, login, stockholm):
    """A coordinator without MFA is sent to MFA setup."""
    coordinator = person_with_role(Role.COORDINATOR, stockholm, mfa=False)

    login(page, coordinator)

    # The password was typed moments ago, so setup does not ask for it again.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktivera autentiseringsapp")
    assert_accessible(page)
