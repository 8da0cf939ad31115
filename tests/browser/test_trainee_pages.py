"""The trainee's course page on a phone, and the public certificate check."""

import datetime as dt
import subprocess

from playwright.sync_api import Page, expect

from tests.programmes.course_state import accepted_applicant, certified, default_cohort
from tests.services import require_executable

from .axe import assert_accessible

PHONE = {"width": 360, "height": 740}
PDFTOTEXT = "/usr/bin/pdftotext"


def test_a_trainee_reads_the_schedule_and_downloads_the_certificate_on_a_phone(
    page: Page,
    live_server,
    login,
    coordinator,
    stockholm,
    peer_supporter,
):
    """At 360 px: the schedule and own attendance without sideways scrolling, axe-clean,
    and the certificate downloads as a PDF with the trainee's name and code."""
    trainee = accepted_applicant(coordinator, stockholm, "Elias Peer", email=peer_supporter.email)
    certificate = certified(
        coordinator,
        default_cohort(coordinator, stockholm, dt.date(2027, 9, 6)),
        trainee,
        absent_days={8: "Sjuk"},
    )
    page.set_viewport_size(PHONE)
    login(page, peer_supporter)

    page.goto(live_server.url + "/programme/my-course/")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Sjuk")).to_be_visible()
    expect(page.locator("li", has_text="måndag 6 september 2027")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.locator(f"a[href$='/certificates/{certificate.pk}/pdf/']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(f"{certificate.code}.pdf")
    require_executable(PDFTOTEXT)
    text = subprocess.run(
        [PDFTOTEXT, download.path(), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Elias Peer" in text
    assert certificate.code in text


def test_anyone_checks_a_code_on_the_public_page(page: Page, live_server, coordinator, stockholm):
    """Without an account: a mistyped code gets a message at the field and stays typed;
    the printed link answers valid; each state is axe-clean."""
    certificate = certified(
        coordinator,
        default_cohort(coordinator, stockholm, dt.date(2027, 9, 6)),
        accepted_applicant(coordinator, stockholm, "Vera Verifierad"),
    )
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/programme/verify/")
    assert_accessible(page)

    field = page.locator("input[name='code']")
    field.fill("abcd-1234")
    field.press("Enter")

    expect(field).to_have_value("abcd-1234")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".invalid-feedback")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/programme/verify/?code={certificate.code.lower()}")

    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_text("Vera Verifierad")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
