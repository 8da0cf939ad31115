"""A coordinator runs a course: cohort, enrolment, attendance grid, certificates."""

import datetime as dt
import re
import subprocess

from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from programmes import actions
from programmes.models import (
    Attendance,
    Cohort,
    Participant,
    ParticipantStatus,
)
from programmes.schedule import holiday_name, is_day_off
from tests.programmes.course_state import accepted_applicant, default_cohort, default_template

from .axe import assert_accessible

PHONE = {"width": 360, "height": 740}
# A Monday in the week of Ascension Day (Thursday 6 May 2027).
START = dt.date(2027, 5, 3)
ASCENSION_DAY = dt.date(2027, 5, 6)
CERTIFICATE_CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")


def swedish_date(day: dt.date) -> str:
    with translation.override("sv"):
        return date_format(day, "j F Y")


def fill_row_with_keys(page: Page, row, key: str) -> None:
    """From the row's first cell, press ``key`` in every cell, moving right with the arrow."""
    cells = row.locator("button.attendance-cell")
    cells.first.focus()
    for index in range(cells.count()):
        expect(cells.nth(index)).to_be_focused()
        page.keyboard.press(key)
        page.keyboard.press("ArrowRight")


def test_coordinator_runs_a_course_to_a_verified_certificate(
    page: Page,
    live_server,
    login,
    new_context,
    coordinator,
    stockholm,
    tmp_path,
):
    """A coordinator creates a cohort from the default template in a week with a public
    holiday (15 days over five weeks, none on the holiday), enrols three applicants, fills
    the grid so that one falls below 80 % and shows at risk, certifies the other two, and
    the downloaded certificate names the trainee, the course dates and the days attended,
    with a code that the public page, logged out, finds valid."""
    assert holiday_name(ASCENSION_DAY) and START.weekday() == 0
    template = default_template()
    alma, bengt, cecilia = (
        accepted_applicant(coordinator, stockholm, name)
        for name in ("Alma Andersson", "Bengt Berg", "Cecilia Ceder")
    )
    login(page, coordinator)

    # The cohort list, then a new cohort from the default template.
    page.goto(live_server.url + reverse("programmes:cohort_list"))
    expect(page.locator("#cohort-table")).to_be_visible()
    assert_accessible(page)
    page.locator("#cohort-create-link").click()
    form = page.locator("#cohort-form")
    expect(form.locator("select[name='template']")).to_have_value(str(template.pk))
    expect(form.locator("select[name='region']")).to_have_value(str(stockholm.pk))
    form.locator("input[name='name']").fill("Våren 2027")
    form.locator("input[name='venue']").fill("Folkets hus, Stockholm")
    form.locator("input[name='capacity']").fill("12")
    form.locator("input[name='trainers']").fill("Eva Utbildare")
    form.locator("input[name='start_date']").fill(START.isoformat())
    form.locator("[type='submit']").click()

    # 15 course days over five weeks, none on the holiday.
    expect(page).to_have_url(re.compile(r"/cohorts/\d+/$"))
    cohort = Cohort.objects.get(name="Våren 2027")
    days = page.locator("#schedule-table time")
    expect(days).to_have_count(15)
    dates = [
        dt.date.fromisoformat(iso)
        for iso in days.evaluate_all("els => els.map(e => e.getAttribute('datetime'))")
    ]
    assert ASCENSION_DAY not in dates
    assert not [day for day in dates if is_day_off(day)]
    assert dates[0] == START
    assert START + dt.timedelta(weeks=4) <= dates[-1] < START + dt.timedelta(weeks=5)
    expect(page.locator("#schedule-table")).to_contain_text("måndag 3 maj 2027")

    # Three accepted applicants enrolled.
    trainee_rows = page.locator("#trainee-table tbody tr[data-enrolment]")
    for count, participant in enumerate((alma, bengt, cecilia), start=1):
        enrol = page.locator("#enrol-form")
        enrol.locator("select[name='participant']").select_option(str(participant.pk))
        enrol.locator("[type='submit']").click()
        expect(trainee_rows).to_have_count(count)
    expect(page.locator(".alert-success")).to_contain_text("Cecilia Ceder")
    assert_accessible(page)

    # The attendance grid: rows Alma, Bengt, Cecilia (by name), 15 days each.
    page.locator("#attendance-grid-link").click()
    grid = page.locator("#attendance-grid")
    expect(grid).to_have_attribute("role", "grid")
    rows = grid.locator("tbody tr")
    expect(rows).to_have_count(3)
    assert_accessible(page)

    # Alma present everywhere with P, Bengt with N (the Swedish letter).
    fill_row_with_keys(page, rows.nth(0), "p")
    fill_row_with_keys(page, rows.nth(1), "n")
    # Cecilia: eleven days present by click, two absent by two clicks, one absent by key,
    # and an excused absence with its reason asked in a dialog.
    cecilia_cells = rows.nth(2).locator("button.attendance-cell")
    for index in range(11):
        cecilia_cells.nth(index).click()
    for index in (11, 12):
        cecilia_cells.nth(index).click()
        cecilia_cells.nth(index).click()
    cecilia_cells.nth(13).focus()
    page.keyboard.press("f")
    page.keyboard.press("ArrowRight")
    expect(cecilia_cells.nth(14)).to_be_focused()
    page.keyboard.press("e")
    dialog = page.locator("#attendance-excused-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("textarea")).to_be_focused()
    assert_accessible(page)
    dialog.locator("textarea").fill("Sjukdom")
    dialog.locator("button[value='save']").click()
    expect(dialog).to_be_hidden()
    expect(cecilia_cells.nth(14)).to_be_focused()

    expect(grid).to_have_attribute("data-saving", "0")
    expect(page.locator("#attendance-grid-error")).to_be_empty()
    expect(cecilia_cells.nth(14)).to_have_attribute("data-status", "excused")
    for index, standing in enumerate(("complete", "complete", "at_risk")):
        expect(rows.nth(index).locator("td[data-standing]")).to_have_attribute(
            "data-standing", standing
        )
    expect(rows.nth(2).locator(".standing-summary")).to_contain_text("11")
    assert Attendance.objects.count() == 45

    # What was saved is what the server shows after a reload; the grid fits a phone.
    page.set_viewport_size(PHONE)
    page.reload()
    statuses = (
        rows.nth(2)
        .locator("button.attendance-cell")
        .evaluate_all("els => els.map(e => e.dataset.status)")
    )
    assert statuses == ["present"] * 11 + ["absent"] * 3 + ["excused"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size({"width": 1280, "height": 720})

    # Certify: Alma and Bengt are offered checked, Cecilia is listed as not complete.
    page.goto(live_server.url + reverse("programmes:cohort_detail", kwargs={"pk": cohort.pk}))
    page.locator("#certify-link").click()
    boxes = page.locator("#certify-form input[name='enrolments']")
    expect(boxes).to_have_count(2)
    for index in range(2):
        expect(boxes.nth(index)).to_be_checked()
    expect(page.locator("#not-complete-table tbody tr")).to_have_attribute(
        "data-standing", "at_risk"
    )
    expect(page.locator("#not-complete-table")).to_contain_text("Cecilia Ceder")
    assert_accessible(page)
    page.locator("#certify-form [type='submit']").click()

    certificate_links = page.locator("#trainee-table .certificate-link")
    expect(certificate_links).to_have_count(2)
    statuses = dict(Participant.objects.values_list("full_name", "status"))
    assert statuses == {
        "Alma Andersson": ParticipantStatus.CERTIFIED,
        "Bengt Berg": ParticipantStatus.CERTIFIED,
        "Cecilia Ceder": ParticipantStatus.TRAINEE,
    }

    # Alma's certificate PDF, read back as text.
    alma_row = page.locator(f"#trainee-table tr[data-enrolment='{alma.enrolments.get().pk}']")
    with page.expect_download() as download:
        alma_row.locator(".certificate-link").click()
    pdf_path = tmp_path / "certificate.pdf"
    download.value.save_as(pdf_path)
    text = " ".join(
        subprocess.run(
            ["/usr/bin/pdftotext", str(pdf_path), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
    )
    assert "Alma Andersson" in text
    assert swedish_date(dates[0]) in text
    assert swedish_date(dates[-1]) in text
    assert re.search(r"\b15 \w+ 15\b", text), text
    code = CERTIFICATE_CODE.search(text)[0]
    assert code == alma.certificates.get().code

    # The code verifies on the public page, for someone who is not logged in.
    visitor = new_context().new_page()
    visitor.goto(live_server.url + reverse("programmes:certificate_verify"))
    verify_form = visitor.locator(f"form[action='{reverse('programmes:certificate_verify')}']")
    verify_form.locator("input[name='code']").fill(code)
    verify_form.locator("[type='submit']").click()
    expect(visitor.locator(".alert-success")).to_be_visible()
    expect(visitor.locator(".alert-danger")).to_have_count(0)
    expect(visitor.locator("body")).not_to_contain_text("Alma")


def test_a_refused_save_shows_the_servers_message_and_restores_the_cell(
    page: Page, live_server, login, coordinator, stockholm
):
    """When the cohort is closed while the grid is open, a click is refused: the server's
    message is announced, the cell goes back to what was saved, and after a reload the
    grid is locked."""
    cohort = default_cohort(coordinator, stockholm, dt.date(2027, 9, 6))
    actions.enrol(
        actor=coordinator,
        cohort=cohort,
        participant=accepted_applicant(coordinator, stockholm, "Alma Andersson"),
    )
    login(page, coordinator)
    page.goto(live_server.url + reverse("programmes:attendance_grid", kwargs={"pk": cohort.pk}))
    grid = page.locator("#attendance-grid")
    expect(grid).to_have_attribute("role", "grid")
    first, second = grid.locator("button.attendance-cell").all()[:2]

    first.click()
    expect(grid).to_have_attribute("data-saving", "0")
    expect(first).to_have_attribute("data-status", "present")
    page.keyboard.press("Delete")
    expect(grid).to_have_attribute("data-saving", "0")
    expect(first).to_have_attribute("data-status", "")

    actions.close_cohort(actor=coordinator, cohort=cohort)
    second.click()

    with translation.override("sv"):
        refusal = gettext("The cohort is closed; its attendance and enrolments are locked.")
    expect(page.locator("#attendance-grid-error")).to_have_text(refusal)
    expect(second).to_have_attribute("data-status", "")
    expect(second.locator(".attendance-abbreviation")).to_have_text(
        first.locator(".attendance-abbreviation").inner_text()
    )
    assert not Attendance.objects.exists()

    page.reload()
    expect(page.locator("#attendance-locked")).to_be_visible()
    expect(grid.locator("button.attendance-cell:disabled")).to_have_count(15)
    assert_accessible(page)
