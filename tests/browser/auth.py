"""The steps of logging in through the browser, for journeys that look at each page."""

import re

from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from playwright.sync_api import Page, expect

from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET

LOGIN_URL = re.compile(r"/accounts/login/")
TOTP_URL = re.compile(r"/accounts/2fa/authenticate/")


def current_totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    """The code an authenticator app shows now (allauth accepts each code only once)."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def submit_password(page: Page, email: str, password: str = TEST_PASSWORD) -> None:
    """Fill in and send the login form on the current page, and wait to leave it."""
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(password)
    page.locator("form[action$='/accounts/login/'] [type='submit']").click()
    expect(page).not_to_have_url(LOGIN_URL)


def submit_totp_code(page: Page, secret: str = TEST_TOTP_SECRET) -> None:
    """Answer the second-factor page with the current code, and wait to leave it."""
    page.locator("input[name='code']").fill(current_totp_code(secret))
    page.locator("form[action$='/accounts/2fa/authenticate/'] [type='submit']").click()
    expect(page).not_to_have_url(TOTP_URL)


REAUTHENTICATE_URL = re.compile(r"/accounts/reauthenticate/")


def submit_reauthentication(page: Page, password: str = TEST_PASSWORD) -> None:
    """Confirm the password on allauth's re-authentication page (asked before exports and
    private notes), and wait to leave it."""
    expect(page).to_have_url(REAUTHENTICATE_URL)
    page.locator("input[name='password']").fill(password)
    page.locator("form[action*='/accounts/reauthenticate/'] [type='submit']").click()
    expect(page).not_to_have_url(REAUTHENTICATE_URL)
