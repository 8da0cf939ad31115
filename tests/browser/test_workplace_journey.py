"""The workplace journey in the browser: from registering a workplace to the first logged
support session, with the readiness gate, the two-sided agreement, the privacy guard and
the unit manager kept to aggregates.

Texts are looked up in the Swedish catalogue the pages are shown in, so the test reads the
same words a Swedish user does.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from peersupport.privacy import validate_no_identifying_data
from tests.factories import certified_participant
from workplaces.models import PlacementStatus, ReadinessItem, SupportSession

from .axe import assert_accessible

PHONE = {"width": 360, "height": 740}
TODAY = timezone.localdate()


def sv(text: str) -> str:
    with translation.override("sv"):
        return gettext(text)


def guard_message(text: str) -> str:
    with translation.override("sv"):
        try:
            validate_no_identifying_data(text)
        except ValidationError as error:
            return error.messages[0]
    raise AssertionError(f"The guard lets {text!r} through")


def submit(page: Page) -> None:
    page.locator("main form[method='post'] [type='submit']").last.click()


def test_workplace_from_registration_to_first_logged_session(
    page_for, stockholm, coordinator, unit_manager, peer_supporter
):
    """A coordinator registers a workplace and cannot place anyone until it is ready; the
    unit manager makes it ready; both agree the placement; the peer supporter logs a
    session on a phone, past the privacy guard; the unit manager sees it counted but
    cannot open it."""
    participant = certified_participant(stockholm, peer_supporter)

    # The coordinator registers the organisation and its workplace.
    coordinator_page = page_for(coordinator)
    coordinator_page.goto(reverse("workplaces:organisation_create"))
    coordinator_page.locator("#id_name").fill("Psykiatri Nordväst")
    coordinator_page.locator("#id_principal").select_option("region")
    submit(coordinator_page)
    expect(coordinator_page).to_have_url(re.compile(r"/workplaces/new/\?organisation=\d+$"))
    coordinator_page.locator("#id_name").fill("Öppenvården Nord")
    coordinator_page.locator("#id_type").select_option("outpatient")
    coordinator_page.locator("#id_contact_name").fill("Eva Enhetssekreterare")
    # Staff contact details are what these fields are for: the guard leaves them alone.
    coordinator_page.locator("#id_contact_email").fill("oppenvarden.nord@regionstockholm.se")
    coordinator_page.locator("#id_contact_phone").fill("08-123 456 78")
    coordinator_page.locator(f"input[name='managers'][value='{unit_manager.pk}']").check()
    submit(coordinator_page)
    expect(coordinator_page).to_have_url(re.compile(r"/workplaces/\d+/$"))
    workplace_url = coordinator_page.url
    expect(coordinator_page.locator("#readiness-banner")).to_contain_text(sv("Not ready"))

    # Placing the certified peer supporter is refused, with what is missing.
    coordinator_page.goto(reverse("workplaces:placement_create"))
    workplace_id = workplace_url.rstrip("/").rsplit("/", 1)[-1]
    coordinator_page.locator("#id_participant").select_option(str(participant.pk))
    coordinator_page.locator("#id_workplace").select_option(workplace_id)
    coordinator_page.locator("input[name='employer'][value='association']").check()
    coordinator_page.locator("#id_hours_per_week").fill("20")
    coordinator_page.locator("#id_start_date").fill(TODAY.isoformat())
    coordinator_page.locator("input[name='tasks'][value='conversations']").check()
    submit(coordinator_page)
    refusal = coordinator_page.locator("main .alert-danger")
    for item in ReadinessItem:
        expect(refusal).to_contain_text(sv(item.label))
    expect(refusal).to_contain_text(
        sv("Staff trainings held: %(held)s of %(required)s") % {"held": 0, "required": 3}
    )
    expect(coordinator_page.locator("#id_hours_per_week")).to_have_value("20")

    # The unit manager confirms budget, anchoring and the user-movement contact, and
    # records three staff trainings.
    manager_page = page_for(unit_manager)
    manager_page.goto(workplace_url)
    manager_page.locator("a[href$='/readiness/budget/']").click()
    manager_page.locator("#id_fte").fill("1")
    manager_page.locator("#id_period_start").fill(TODAY.isoformat())
    manager_page.locator("#id_period_end").fill((TODAY + dt.timedelta(days=365)).isoformat())
    submit(manager_page)
    expect(manager_page).to_have_url(workplace_url)
    manager_page.locator("a[href$='/readiness/anchoring/']").click()
    submit(manager_page)
    expect(manager_page).to_have_url(workplace_url)
    manager_page.locator("a[href$='/readiness/user_movement_contact/']").click()
    manager_page.locator("#id_contact_name").fill("RSMH Stockholm")
    submit(manager_page)
    expect(manager_page).to_have_url(workplace_url)
    for weeks_ago, staff in ((6, 14), (4, 11), (2, 9)):
        manager_page.locator("a[href$='/trainings/new/']").click()
        manager_page.locator("#id_held_on").fill(
            (TODAY - dt.timedelta(weeks=weeks_ago)).isoformat()
        )
        manager_page.locator("#id_staff_count").fill(str(staff))
        submit(manager_page)
        expect(manager_page).to_have_url(workplace_url)
    expect(manager_page.locator("#readiness-banner")).to_contain_text(sv("Ready"))
    expect(manager_page.locator("#readiness-banner")).not_to_contain_text(sv("Not ready"))

    # Now the coordinator proposes the placement and agrees; the unit manager agrees.
    submit(coordinator_page)
    expect(coordinator_page).to_have_url(re.compile(r"/workplaces/placements/\d+/$"))
    placement_url = coordinator_page.url
    expect(coordinator_page.locator("#placement-status")).to_have_text(
        sv(PlacementStatus.PROPOSED.label)
    )
    coordinator_page.locator("form[action$='/agree/'] button").click()
    expect(coordinator_page.locator("#placement-status")).to_have_text(
        sv(PlacementStatus.PROPOSED.label)
    )
    expect(coordinator_page.locator("form[action$='/agree/']")).to_have_count(0)
    manager_page.goto(placement_url)
    manager_page.locator("form[action$='/agree/'] button").click()
    expect(manager_page.locator("#placement-status")).to_have_text(sv(PlacementStatus.ACTIVE.label))

    # The peer supporter, on a phone, logs a one-to-one session from the home page.
    peer_page = page_for(peer_supporter, viewport=PHONE)
    peer_page.locator(f"main a[href='{reverse('workplaces:session_create')}']").first.click()
    expect(peer_page).to_have_url(re.compile(r"/workplaces/sessions/new/$"))
    expect(peer_page.locator("input[name='placement']")).to_be_hidden()
    assert peer_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(peer_page)

    peer_page.locator("label[for='id_minutes_1']").click()  # 30 min
    peer_page.locator("label[for='id_kind_0']").click()  # one-to-one conversation
    peer_page.locator("input[name='themes'][value='sleep'] + label").click()
    peer_page.locator("input[name='themes'][value='work_studies'] + label").click()
    peer_page.locator("#id_service_user_code").fill("K7")
    reflection = peer_page.locator("#id_reflection")

    for refused in ("ring mig på 070-123 45 67", "19850312-1234"):
        reflection.fill(refused)
        submit(peer_page)
        expect(peer_page.locator("#id_reflection_error")).to_have_text(guard_message(refused))
        expect(reflection).to_have_attribute("aria-invalid", "true")
        expect(reflection).to_have_value(refused)
        expect(peer_page.locator("#id_minutes_1")).to_be_checked()
        expect(peer_page.locator("#id_kind_0")).to_be_checked()
        expect(peer_page.locator("input[name='themes'][value='sleep']")).to_be_checked()
        expect(peer_page.locator("input[name='themes'][value='work_studies']")).to_be_checked()
        expect(peer_page.locator("#id_service_user_code")).to_have_value("K7")
        expect(peer_page.locator("#id_date")).to_have_value(TODAY.isoformat())
        assert peer_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(peer_page)
    assert not SupportSession.objects.exists()

    reflection.fill("Vi pratade om sömn och om att söka jobb igen.")
    submit(peer_page)
    expect(peer_page).to_have_url(re.compile(r"/workplaces/sessions/$"))
    expect(peer_page.locator("[data-total='month-sessions']")).to_have_text("1")
    session = SupportSession.objects.get()
    assert (session.minutes, session.kind, session.service_user_code) == (30, "conversation", "K7")

    # The unit manager sees the session counted, as "<5" (one peer supporter, one session:
    # the exact number would be that person's), and never its content.
    manager_page.goto(reverse("workplaces:manager_home"))
    card = manager_page.locator("main section.card", has_text="Öppenvården Nord")
    expect(card.locator(".aggregates .list-inline-item").first).to_have_text(
        re.compile(r"^\s*<5\s")
    )
    expect(card.locator(".aggregates td", has_text="<5")).not_to_have_count(0)
    expect(manager_page.locator("main")).not_to_contain_text("söka jobb")
    expect(manager_page.locator("main")).not_to_contain_text("K7")
    assert_accessible(manager_page)

    manager_page.goto(workplace_url)
    expect(manager_page.locator(".aggregates .list-inline-item").first).to_have_text(
        re.compile(r"^\s*<5\s")
    )
    expect(manager_page.locator("main")).not_to_contain_text("söka jobb")
    assert_accessible(manager_page)

    detail = manager_page.goto(reverse("workplaces:session_detail", args=[session.pk]))
    assert detail.status == 404
    listing = manager_page.goto(reverse("workplaces:session_list"))
    assert listing.status == 403
