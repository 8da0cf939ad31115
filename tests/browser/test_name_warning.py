"""The name warning in the browser: a peer supporter on a phone writes a name in a
reflection, sees the warning at the field with a checkbox under it, confirms the word is not
a person's name and saves; the page stays accessible and nothing typed is lost."""

import datetime as dt
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from peersupport.audit.models import AuditAction, AuditEvent
from tests.factories import certified_participant, ready_workplace
from workplaces import actions
from workplaces.models import Employer, SupportSession

from .axe import assert_accessible

PHONE = {"width": 360, "height": 740}
TODAY = timezone.localdate()


def test_a_name_in_a_reflection_is_warned_and_confirmed_on_a_phone(
    page_for, stockholm, coordinator, unit_manager, peer_supporter
):
    """The warning names the word next to the field, the checkbox appears under it, the
    page fits the phone and passes axe; ticking the word saves the session."""
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    placement = actions.propose_placement(
        actor=coordinator,
        participant=certified_participant(stockholm, peer_supporter),
        workplace=workplace,
        employer=Employer.ASSOCIATION,
        hours_per_week=Decimal("20"),
        start_date=TODAY - dt.timedelta(days=30),
    )
    actions.agree_placement(actor=coordinator, placement=placement)
    actions.agree_placement(actor=unit_manager, placement=placement)
    page = page_for(peer_supporter, viewport=PHONE)
    page.goto(reverse("workplaces:session_create"))
    page.locator("label[for='id_minutes_1']").click()
    page.locator("label[for='id_kind_0']").click()
    typed = "Vi pratade om sömnen. Efteråt följde Sten med till vårdcentralen."
    page.locator("#id_reflection").fill(typed)
    page.locator("main form[method='post'] [type='submit']").last.click()

    expect(page.locator("#id_reflection_error")).to_contain_text("Sten")
    expect(page.locator("#id_reflection")).to_have_value(typed)
    checkbox = page.locator("input[name='reflection_not_a_name'][value='Sten']")
    expect(checkbox).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    assert not SupportSession.objects.exists()

    checkbox.check()
    page.locator("main form[method='post'] [type='submit']").last.click()

    expect(page).to_have_url(re.compile(r"/workplaces/sessions/$"))
    assert SupportSession.objects.get().reflection == typed
    assert AuditEvent.objects.filter(action=AuditAction.NAME_CONFIRMED).count() == 1
