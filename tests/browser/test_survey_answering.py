"""A respondent answers a survey through the personal link on a 360 px phone, without an
account: consents, answers the first page with the keyboard only, leaves, opens the link
again in a new browser and lands on the page reached, finishes and is thanked. The
consent page, a question page and the thank-you page pass axe-core."""

import re

from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from evaluation.models import Invitation, InvitationStatus
from tests.evaluation.test_answering import make_survey

from .axe import assert_accessible

PHONE = {"width": 360, "height": 740}


def assert_fits_and_accessible(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    assert_accessible(page)


def focused_name(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.name || ''")


def tab_to(page: Page, name: str, *, limit: int = 12) -> None:
    """Press Tab until the element named ``name`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_name(page) == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_a_respondent_answers_on_a_phone_with_a_break(
    browser: Browser, live_server, stockholm, peer_supporter
):
    invitation = make_survey(stockholm, user=peer_supporter)
    link = live_server.url + reverse("evaluation:answer_start", args=[invitation.token])
    first_visit = browser.new_context(viewport=PHONE)
    page = first_visit.new_page()

    page.goto(link)
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".survey-information")).to_contain_text("Du tillfrågas")
    expect(page.locator("nav")).to_have_count(0)
    assert_fits_and_accessible(page)
    tab_to(page, "consent")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/page/0/$"))
    expect(page.locator("#survey-progress")).to_be_visible()
    assert_fits_and_accessible(page)
    first_choice = page.locator("label[for='id_a1_0']").bounding_box()
    assert first_choice["height"] >= 44, "a choice is a big enough touch target"

    # Keyboard only: Tab into each group, Space picks, arrow keys move within the group.
    tab_to(page, "a1")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    outline = page.evaluate(
        'getComputedStyle(document.querySelector("label[for=\'" + document.activeElement.id'
        ' + "\']")).outlineStyle'
    )
    assert outline == "solid", "the focused choice shows where the focus is"
    tab_to(page, "a2")
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    tab_to(page, "a3")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "survey-next"
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/page/1/$"))
    invitation.refresh_from_db()
    assert dict(invitation.answers.values_list("item__key", "value")) == {
        "a1": 2,
        "a2": 4,
        "a3": 1,
    }
    first_visit.close()

    # Another day, another browser: the link continues where the respondent left off.
    second_visit = browser.new_context(viewport=PHONE)
    page = second_visit.new_page()
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/page/1/$"))
    page.locator("label[for='id_b1_2']").click()
    page.locator("#survey-next").click()

    expect(page).to_have_url(re.compile(r"/page/2/$"))
    page.locator("label[for='id_h1_4']").click()
    page.locator("label[for='id_h2_3']").click()
    page.locator("#survey-submit").click()

    expect(page).to_have_url(re.compile(r"/s/[\w-]+/$"))
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("a[href$='/consent.pdf']")).to_be_visible()
    assert_fits_and_accessible(page)
    second_visit.close()

    invitation = Invitation.objects.get(pk=invitation.pk)
    assert invitation.status == InvitationStatus.COMPLETED
    assert invitation.answers.count() == 6
