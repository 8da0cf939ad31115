"""The pages that let a region run without the Django admin and that the year-in-a-region
journey does not open: each passes axe-core and fits a 360 px phone, for the person who
uses it (the coordinator, the invited peer supporter, and the public without an account).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from programmes import actions as programme_actions
from programmes.permissions import invitation_answer_token
from tests.factories import certified_participant, ready_workplace
from tests.programmes.course_state import default_cohort
from tests.supervision.state import placed_peer, supervision_group
from workplaces import actions as workplace_actions

from .axe import assert_accessible

PHONE = {"width": 360, "height": 740}


def assert_fits_and_accessible(page: Page, path: str) -> None:
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    assert_accessible(page)


def test_upkeep_pages_are_accessible_on_a_phone(
    page_for, browser, live_server, coordinator, peer_supporter, supervisor, unit_manager, stockholm
):
    """Correcting a person, ending their role and closing their account; correcting an
    applicant and recording their interview; cancelling a cohort; editing an event, a
    person's own invitations and the answer from the e-mail's link; ending a supervision
    group; correcting an organisation, withdrawing readiness and recording a planned staff
    training as held; the interest form, its thanks page and the coordinator's list of
    the forms' addresses; the messages the coordinator has sent."""
    today = timezone.localdate()
    applicant = programme_actions.register_applicant(
        actor=coordinator,
        region=stockholm,
        full_name="Ada Sökande",
        email="ada.sokande@example.org",
        lived_experience_declared=True,
        consent_method="paper",
    )
    cohort = default_cohort(coordinator, stockholm, today + dt.timedelta(days=60))
    certified_participant(stockholm, peer_supporter)
    start = timezone.now() + dt.timedelta(days=20)
    event = programme_actions.create_event(
        actor=coordinator,
        region=stockholm,
        kind="reunion",
        title="Höstens återträff",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )
    programme_actions.invite_alumni(actor=coordinator, event=event)
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    training = workplace_actions.record_staff_training(
        actor=coordinator, workplace=workplace, held_on=today
    )
    group = supervision_group(
        coordinator, supervisor, [placed_peer(coordinator, unit_manager, workplace)]
    )
    membership = peer_supporter.memberships.get()

    public = browser.new_context(base_url=live_server.url, viewport=PHONE).new_page()
    for path in (
        reverse("programmes:intake_form", args=[stockholm.code]),
        reverse("programmes:intake_thanks", args=[stockholm.code]),
        reverse(
            "programmes:event_answer",
            args=[invitation_answer_token(event.invitations.get())],
        ),
    ):
        assert_fits_and_accessible(public, path)
    public.context.close()

    peer = page_for(peer_supporter, viewport=PHONE)
    assert_fits_and_accessible(peer, reverse("programmes:my_events"))

    page = page_for(coordinator, viewport=PHONE)
    for path in (
        reverse("accounts:person_edit", args=[peer_supporter.pk]),
        reverse("accounts:membership_end", args=[peer_supporter.pk, membership.pk]),
        reverse("accounts:person_close", args=[peer_supporter.pk]),
        reverse("programmes:participant_edit", args=[applicant.pk]),
        reverse("programmes:participant_interview", args=[applicant.pk]),
        reverse("programmes:cohort_cancel", args=[cohort.pk]),
        reverse("programmes:event_edit", args=[event.pk]),
        reverse("supervision:group_deactivate", args=[group.pk]),
        reverse("workplaces:organisation_edit", args=[workplace.organisation_id]),
        reverse("workplaces:readiness_withdraw", args=[workplace.pk, "budget"]),
        reverse("workplaces:staff_training_held", args=[workplace.pk, training.pk]),
        reverse("programmes:intake_links"),
        reverse("messaging:message_sent"),
    ):
        assert_fits_and_accessible(page, path)
