"""Browser journeys: headless Chromium (the Debian package) driven by pytest-playwright
against pytest-django's live server."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.factories import TEST_PASSWORD
from tests.services import require_executable

from .auth import LOGIN_URL, TOTP_URL, submit_password, submit_totp_code

CHROMIUM = "/usr/bin/chromium"
HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _chromium_installed():
    require_executable(CHROMIUM)


@pytest.fixture(scope="session")
def browser_type_launch_args(_chromium_installed):
    return {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def _totp_accepts_neighbouring_window(settings):
    # The test computes a code that the server checks a moment later; accepting the
    # adjacent 30-second window keeps a journey that straddles a boundary from failing.
    settings.MFA_TOTP_TOLERANCE = 1


@pytest.fixture
def login(live_server) -> Callable[..., None]:
    """Log a user in through the login form, answering the TOTP page if it comes."""

    def log_in(page: Page, user, *, password: str = TEST_PASSWORD) -> None:
        if not LOGIN_URL.search(page.url):
            page.goto(live_server.url + "/accounts/login/")
        submit_password(page, user.email, password)
        if TOTP_URL.search(page.url):
            submit_totp_code(page)

    return log_in


@pytest.fixture
def page_for(browser: Browser, live_server, login):
    """A logged-in page in the person's own browser context (own cookies), closed after
    the test so no connection to the live server outlives it."""
    contexts = []

    def open_page(user, **context_options) -> Page:
        context = browser.new_context(base_url=live_server.url, **context_options)
        contexts.append(context)
        page = context.new_page()
        login(page, user)
        return page

    yield open_page
    for context in contexts:
        context.close()
