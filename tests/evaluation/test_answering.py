"""Answering through the personal link, as actions: consent, saving page by page, sending
in and withdrawing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from evaluation.actions import answering
from evaluation.actions.answering import LinkState, link_state, survey_pages
from evaluation.actions.reminders import pending_survey_notifications, schedule_invitation_emails
from evaluation.models import (
    Answer,
    Invitation,
    InvitationStatus,
    Item,
    ItemKind,
    StudyInformation,
)
from peersupport.audit.models import AuditAction, AuditEvent

from .builders import make_instrument, make_invitation, make_study, make_wave

pytestmark = pytest.mark.django_db


def make_survey(region, *, user=None, allows_free_text=False, anchor_key="enrolment:1"):
    """An invitation to a wave of two instruments: "exp" on two pages (a1–a3, b1–b3) and
    "hope" on one (h1, h2 and the free-text item "comment", asked only with free text)."""
    experience = make_instrument("exp")
    hope = make_instrument("hope", subscales={"h": ["h1", "h2"]})
    Item.objects.create(
        version=hope,
        key="comment",
        position=2,
        page=1,
        kind=ItemKind.TEXT,
        text_sv="Något du vill tillägga?",
        text_en="Anything you want to add?",
    )
    study = make_study(regions=[region], allows_free_text=allows_free_text)
    wave = make_wave(study, [experience, hope])
    return make_invitation(wave, region=region, anchor_key=anchor_key, user=user)


def items_by_key(invitation: Invitation) -> dict[str, Item]:
    return {item.key: item for page in survey_pages(invitation.wave) for item in page.items}


def consented(invitation: Invitation) -> Invitation:
    information = invitation.wave.study.information.current()
    return answering.give_consent(invitation=invitation, information=information, agreed=True)


def page_values(invitation: Invitation, **values) -> dict[int, int | str | None]:
    items = items_by_key(invitation)
    return {items[key].pk: value for key, value in values.items()}


@pytest.fixture
def invitation(stockholm, peer_supporter):
    return make_survey(stockholm, user=peer_supporter)


def test_pages_follow_the_wave_order_and_item_pages(invitation):
    """Each instrument's items, grouped by page, in the wave's order; free text is left out
    when the study does not allow it."""
    pages = survey_pages(invitation.wave)
    assert [[item.key for item in page.items] for page in pages] == [
        ["a1", "a2", "a3"],
        ["b1", "b2", "b3"],
        ["h1", "h2"],
    ]
    assert [page.instrument.key for page in pages] == ["exp", "exp", "hope"]
    assert [page.step for page in pages] == [0, 1, 2]


def test_free_text_items_are_asked_when_the_study_allows_them(stockholm):
    invitation = make_survey(stockholm, allows_free_text=True)
    last = survey_pages(invitation.wave)[-1]
    assert [item.key for item in last.items] == ["h1", "h2", "comment"]


def test_consent_yes_records_the_version_shown_and_the_time(invitation):
    information = invitation.wave.study.information.current()
    before = timezone.now()
    answering.give_consent(invitation=invitation, information=information, agreed=True)
    invitation.refresh_from_db()
    assert invitation.information == information
    assert invitation.consent_answered_at >= before
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.consented
    event = AuditEvent.objects.get(action=AuditAction.CONSENT, object_id=str(invitation.pk))
    assert event.detail == {"agreed": True, "information_version": 1}
    assert event.actor is None


def test_consent_no_declines_and_stops_the_reminders(invitation):
    schedule_invitation_emails([invitation])
    invitations = Invitation.objects.filter(pk=invitation.pk)
    assert pending_survey_notifications(invitations).exists()
    information = invitation.wave.study.information.current()

    answering.give_consent(invitation=invitation, information=information, agreed=False)

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert invitation.information == information
    assert not invitation.consented
    assert not pending_survey_notifications(invitations).exists()


def test_consent_is_given_once(invitation):
    consented(invitation)
    with pytest.raises(ValidationError):
        consented(invitation)


def test_consent_to_another_studys_information_is_refused(invitation, stockholm):
    other = make_study(name="En annan studie")
    with pytest.raises(ValidationError):
        answering.give_consent(
            invitation=invitation, information=other.information.current(), agreed=True
        )


def test_a_page_cannot_be_saved_before_consent(invitation):
    with pytest.raises(ValidationError):
        answering.save_page(invitation=invitation, step=0, values=page_values(invitation, a1=3))


def test_saving_a_page_upserts_answers_and_moves_on(invitation):
    consented(invitation)
    answering.save_page(
        invitation=invitation, step=0, values=page_values(invitation, a1=1, a2=2, a3=None)
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.STARTED
    assert invitation.started_at is not None
    assert invitation.step == 1
    started_at = invitation.started_at

    answering.save_page(
        invitation=invitation, step=0, values=page_values(invitation, a1=5, a2=None, a3=4)
    )
    invitation.refresh_from_db()
    stored = dict(invitation.answers.values_list("item__key", "value"))
    assert stored == {"a1": 5, "a3": 4}, "a changed answer replaces, a cleared one is removed"
    assert Answer.objects.filter(invitation=invitation).count() == 2
    assert invitation.step == 1, "saving an earlier page never moves the respondent back"
    assert invitation.started_at == started_at


def test_the_page_reached_stops_at_the_last_page(invitation):
    consented(invitation)
    for step, values in enumerate([{"a1": 1}, {"b1": 2}, {"h1": 3}]):
        answering.save_page(
            invitation=invitation, step=step, values=page_values(invitation, **values)
        )
    invitation.refresh_from_db()
    assert invitation.step == 2


def test_a_respondent_cannot_jump_ahead(invitation):
    consented(invitation)
    with pytest.raises(ValidationError) as error:
        answering.save_page(invitation=invitation, step=1, values=page_values(invitation, b1=3))
    assert error.value.code == "step"
    assert not invitation.answers.exists()


def test_a_missing_required_answer_is_refused_at_its_item(invitation):
    consented(invitation)
    Item.objects.filter(version__instrument__key="exp", key="a2").update(required=True)
    with pytest.raises(ValidationError) as error:
        answering.save_page(
            invitation=invitation, step=0, values=page_values(invitation, a1=4, a2=None)
        )
    assert list(error.value.error_dict) == ["a2"]
    assert not invitation.answers.exists(), "nothing of a refused page is saved"
    invitation.refresh_from_db()
    assert invitation.step == 0


def test_going_back_saves_what_is_answered_without_requiring_the_rest(invitation):
    consented(invitation)
    answering.save_page(invitation=invitation, step=0, values=page_values(invitation, a1=2))
    Item.objects.filter(version__instrument__key="exp", key="b2").update(required=True)
    answering.save_page(
        invitation=invitation, step=1, values=page_values(invitation, b1=3), partial=True
    )
    invitation.refresh_from_db()
    assert dict(invitation.answers.values_list("item__key", "value")) == {"a1": 2, "b1": 3}
    assert invitation.step == 1


def test_a_value_outside_the_scale_is_refused(invitation):
    consented(invitation)
    with pytest.raises(ValidationError) as error:
        answering.save_page(invitation=invitation, step=0, values=page_values(invitation, a1=9))
    assert list(error.value.error_dict) == ["a1"]


def test_an_item_of_another_page_is_refused(invitation):
    consented(invitation)
    with pytest.raises(ValidationError):
        answering.save_page(invitation=invitation, step=0, values=page_values(invitation, b1=3))


def test_free_text_with_a_phone_number_is_refused(stockholm):
    invitation = make_survey(stockholm, allows_free_text=True)
    consented(invitation)
    for step, values in enumerate([{"a1": 1}, {"b1": 1}]):
        answering.save_page(
            invitation=invitation, step=step, values=page_values(invitation, **values)
        )
    with pytest.raises(ValidationError) as error:
        answering.save_page(
            invitation=invitation,
            step=2,
            values=page_values(invitation, comment="Ring mig på 070-123 45 67"),
        )
    assert list(error.value.error_dict) == ["comment"]
    answering.save_page(
        invitation=invitation, step=2, values=page_values(invitation, comment="  Bra kurs.  ")
    )
    assert invitation.answers.get(item__key="comment").text == "Bra kurs."


def answer_every_page(invitation: Invitation) -> None:
    consented(invitation)
    for step, values in enumerate([{"a1": 1, "a2": 2}, {"b1": 3}, {"h1": 4, "h2": 5}]):
        answering.save_page(
            invitation=invitation, step=step, values=page_values(invitation, **values)
        )


def test_completing_stops_every_pending_survey_email(invitation):
    """Sent in: completed, and nothing about this survey is left in the outbox."""
    schedule_invitation_emails([invitation])
    invitations = Invitation.objects.filter(pk=invitation.pk)
    assert pending_survey_notifications(invitations).count() >= 2
    answer_every_page(invitation)

    answering.complete(invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED
    assert invitation.completed_at is not None
    assert not pending_survey_notifications(invitations).exists()
    assert link_state(invitation) == LinkState.COMPLETED


def test_completing_before_the_last_page_is_refused(invitation):
    consented(invitation)
    answering.save_page(invitation=invitation, step=0, values=page_values(invitation, a1=1))
    with pytest.raises(ValidationError):
        answering.complete(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.STARTED


def test_completing_with_a_required_item_unanswered_names_its_page(invitation):
    answer_every_page(invitation)
    Item.objects.filter(version__instrument__key="exp", key="b3").update(required=True)
    with pytest.raises(ValidationError) as error:
        answering.complete(invitation=invitation)
    assert error.value.code == "required"
    assert "2" in error.value.messages[0]


def test_a_completed_survey_cannot_be_changed(invitation):
    answer_every_page(invitation)
    answering.complete(invitation=invitation)
    with pytest.raises(ValidationError):
        answering.save_page(invitation=invitation, step=0, values=page_values(invitation, a1=5))
    assert invitation.answers.get(item__key="a1").value == 1


@pytest.mark.parametrize("keep", [True, False])
def test_withdrawing_keeps_or_deletes_the_answers_and_stops_reminders(invitation, keep):
    schedule_invitation_emails([invitation])
    answer_every_page(invitation)

    answering.withdraw(invitation=invitation, keep_answers=keep)

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.WITHDRAWN
    assert invitation.withdrawn_at is not None
    assert invitation.answers_deleted is not keep
    assert invitation.answers.count() == (5 if keep else 0)
    assert not pending_survey_notifications(Invitation.objects.filter(pk=invitation.pk)).exists()
    event = AuditEvent.objects.get(
        action=AuditAction.CONSENT, object_id=str(invitation.pk), detail__withdrawn=True
    )
    assert event.detail["answers_deleted"] is not keep
    assert set(event.detail) == {"withdrawn", "answers_deleted", "answers"}, "no answer content"


def test_a_completed_respondent_may_still_withdraw(invitation):
    answer_every_page(invitation)
    answering.complete(invitation=invitation)
    answering.withdraw(invitation=invitation, keep_answers=False)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.WITHDRAWN
    assert not invitation.answers.exists()


def test_withdrawing_needs_a_consent_first(invitation):
    with pytest.raises(ValidationError):
        answering.withdraw(invitation=invitation, keep_answers=True)


def test_a_closed_wave_takes_no_answers(invitation):
    consented(invitation)
    invitation.wave.closed_at = timezone.now()
    invitation.wave.save()
    invitation = Invitation.objects.select_related("wave__study").get(pk=invitation.pk)
    assert link_state(invitation) == LinkState.CLOSED
    with pytest.raises(ValidationError):
        answering.save_page(invitation=invitation, step=0, values=page_values(invitation, a1=1))


@pytest.mark.parametrize(
    ("change", "state"),
    [
        ({}, LinkState.CONSENT),
        ({"opens_at": dt.timedelta(days=2)}, LinkState.NOT_OPEN),
        ({"closes_at": dt.timedelta(days=-1)}, LinkState.CLOSED),
        ({"status": InvitationStatus.CANCELLED}, LinkState.CANCELLED),
        ({"status": InvitationStatus.DECLINED}, LinkState.DECLINED),
    ],
)
def test_link_states(invitation, change, state):
    now = timezone.now()
    for field, value in change.items():
        setattr(invitation, field, now + value if isinstance(value, dt.timedelta) else value)
    if "opens_at" in change:
        invitation.closes_at = invitation.opens_at + dt.timedelta(days=10)
    if "closes_at" in change:
        invitation.opens_at = invitation.closes_at - dt.timedelta(days=10)
    assert link_state(invitation) == state


def test_a_new_information_version_does_not_change_what_was_consented_to(invitation):
    consented(invitation)
    StudyInformation.objects.create(
        study=invitation.wave.study,
        version=2,
        text_sv="Ny text",
        text_en="New text",
        published_at=timezone.now(),
    )
    invitation.refresh_from_db()
    assert invitation.information.version == 1


def test_the_language_changes_only_to_a_language_offered(invitation):
    answering.change_language(invitation=invitation, language="en")
    invitation.refresh_from_db()
    assert invitation.language == "en"
    with pytest.raises(ValidationError):
        answering.change_language(invitation=invitation, language="fi")
