"""The respondent's pages behind the personal link: every state of the link gives a clear
page (never a 500), consent first, pages saved and resumed, errors at the item with nothing
typed lost, the language switch and the consent copy."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation.actions import answering
from evaluation.actions.reminders import pending_survey_notifications, schedule_invitation_emails
from evaluation.models import Invitation, InvitationStatus, Item, StudyStatus
from tests.services import require_executable

from .test_answering import answer_every_page, consented, make_survey, page_values

pytestmark = pytest.mark.django_db

PDFTOTEXT = "/usr/bin/pdftotext"


def start_url(invitation: Invitation) -> str:
    return reverse("evaluation:answer_start", args=[invitation.token])


def page_url(invitation: Invitation, step: int) -> str:
    return reverse("evaluation:answer_page", args=[invitation.token, step])


def every_url(invitation: Invitation) -> list[tuple[str, str]]:
    token = invitation.token
    return [
        ("get", start_url(invitation)),
        ("post", start_url(invitation)),
        ("get", page_url(invitation, 0)),
        ("post", page_url(invitation, 0)),
        ("get", page_url(invitation, 5)),
        ("post", reverse("evaluation:answer_complete", args=[token])),
        ("get", reverse("evaluation:answer_withdraw", args=[token])),
        ("post", reverse("evaluation:answer_withdraw", args=[token])),
        ("get", reverse("evaluation:answer_consent_pdf", args=[token])),
        ("post", reverse("evaluation:answer_language", args=[token])),
    ]


@pytest.fixture
def invitation(stockholm, peer_supporter):
    return make_survey(stockholm, user=peer_supporter)


def reload(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_related("wave__study").get(pk=invitation.pk)


def test_an_unknown_link_is_a_clear_not_found_page(client):
    response = client.get(reverse("evaluation:answer_start", args=["x" * 43]))
    assert response.status_code == 404
    assert "evaluation/survey_unknown.html" in [t.name for t in response.templates]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_consent_page_shows_the_current_information_without_site_navigation(client, invitation):
    response = client.get(start_url(invitation))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Du tillfrågas om att delta i en uppföljning." in content
    assert 'name="consent" value="yes"' in content
    assert 'name="consent" value="no"' in content
    assert '<meta name="robots" content="noindex, nofollow">' in content
    assert '<html lang="sv">' in content
    assert "navbar" not in content
    assert response["Cache-Control"].startswith("max-age=0")
    assert response["Referrer-Policy"] == "same-origin"


def test_saying_yes_leads_to_the_first_page(client, invitation):
    response = client.post(start_url(invitation), {"consent": "yes", "version": 1})
    assert response.status_code == 302
    assert response["Location"] == start_url(invitation)
    response = client.get(start_url(invitation))
    assert response["Location"] == page_url(invitation, 0)
    invitation.refresh_from_db()
    assert invitation.consented
    assert invitation.information.version == 1


def test_saying_no_declines_with_a_thank_you(client, invitation):
    client.post(start_url(invitation), {"consent": "no", "version": 1})
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    response = client.get(start_url(invitation))
    assert response.status_code == 200
    assert response.context["state"] == "declined"


def test_a_text_published_meanwhile_is_shown_before_anything_is_recorded(client, invitation):
    study = invitation.wave.study
    study.information.create(
        version=2,
        text_sv="Uppdaterad information.",
        text_en="Updated.",
        published_at=timezone.now(),
    )
    response = client.post(start_url(invitation), {"consent": "yes", "version": 1})
    assert response.status_code == 200
    assert response.context["text_changed"]
    assert "Uppdaterad information." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.consent_answered_at is None


def test_a_page_shows_progress_and_every_anchor_as_a_labelled_radio(client, invitation):
    consented(invitation)
    response = client.get(page_url(invitation, 0))
    assert response.status_code == 200
    content = response.content.decode()
    assert response.context["page_number"] == 1
    assert response.context["page_count"] == 3
    assert "Formulär exp" in content
    assert content.count('<fieldset class="survey-question">') == 3
    assert "<legend" in content and "Påstående a1" in content
    for value, label in enumerate(
        ["Stämmer inte alls", "Stämmer dåligt", "Stämmer delvis", "Stämmer ganska bra"], start=1
    ):
        assert f'id="id_a1_{value - 1}" value="{value}"' in content
        assert f'<label for="id_a1_{value - 1}">{label}</label>' in content
    assert 'id="survey-next"' in content
    assert 'id="survey-previous"' not in content, "no previous page on the first"
    assert reverse("evaluation:answer_withdraw", args=[invitation.token]) in content


def test_saving_a_page_goes_on_and_the_link_resumes_there(client, invitation):
    """Closing the browser and opening the link again continues at the page reached."""
    consented(invitation)
    response = client.post(page_url(invitation, 0), {"a1": "4", "a2": "2", "a3": "5"})
    assert response["Location"] == page_url(invitation, 1)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.STARTED
    assert dict(invitation.answers.values_list("item__key", "value")) == {"a1": 4, "a2": 2, "a3": 5}

    response = client.get(start_url(invitation))
    assert response["Location"] == page_url(invitation, 1)


def test_a_page_beyond_the_one_reached_sends_back_to_it(client, invitation):
    consented(invitation)
    response = client.get(page_url(invitation, 2))
    assert response["Location"] == page_url(invitation, 0)
    response = client.post(page_url(invitation, 1), {"b1": "3"})
    assert response["Location"] == page_url(invitation, 0)
    assert not invitation.answers.exists()


def test_going_back_shows_the_saved_answers(client, invitation):
    consented(invitation)
    client.post(page_url(invitation, 0), {"a1": "4", "a3": "1"})
    response = client.post(page_url(invitation, 1), {"b2": "5", "back": "1"})
    assert response["Location"] == page_url(invitation, 0)
    assert invitation.answers.get(item__key="b2").value == 5

    content = client.get(page_url(invitation, 0)).content.decode()
    assert 'id="id_a1_3" value="4" checked' in content
    assert 'id="id_a3_0" value="1" checked' in content
    assert not re.search(r'name="a2" id="id_a2_\d" value="\d" checked', content)
    content = client.get(page_url(invitation, 1)).content.decode()
    assert 'id="id_b2_4" value="5" checked' in content
    assert 'id="survey-previous"' in content


def test_a_missing_required_answer_is_shown_at_the_item_with_the_rest_kept(client, invitation):
    consented(invitation)
    Item.objects.filter(key="a2").update(required=True)
    response = client.post(page_url(invitation, 0), {"a1": "4", "a3": "2"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="survey-error" id="id_a2_error"' in content
    assert 'aria-describedby="id_a2_error"' in content
    assert 'id="id_a1_3" value="4" checked' in content
    assert 'id="id_a3_1" value="2" checked' in content
    assert not invitation.answers.exists()


def test_free_text_with_a_phone_number_is_refused_at_the_field_and_kept(client, stockholm):
    invitation = make_survey(stockholm, allows_free_text=True)
    answer_every_page(invitation)
    typed = "Kursen var bra, ring mig på 070-123 45 67"
    response = client.post(
        reverse("evaluation:answer_complete", args=[invitation.token]),
        {"h1": "3", "h2": "4", "comment": typed},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="id_comment_error"' in content
    assert typed in content
    assert 'id="id_h2_3" value="4" checked' in content
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.STARTED
    assert not invitation.answers.filter(item__key="comment").exists()


def test_sending_in_the_last_page_completes_with_a_thank_you(client, invitation):
    schedule_invitation_emails([invitation])
    answer_every_page(invitation)
    content = client.get(page_url(invitation, 2)).content.decode()
    assert 'id="survey-submit"' in content
    assert reverse("evaluation:answer_complete", args=[invitation.token]) in content

    response = client.post(
        reverse("evaluation:answer_complete", args=[invitation.token]), {"h1": "1", "h2": "2"}
    )
    assert response["Location"] == start_url(invitation)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED
    assert not pending_survey_notifications(Invitation.objects.filter(pk=invitation.pk)).exists()

    response = client.get(start_url(invitation))
    assert response.status_code == 200
    assert "evaluation/survey_done.html" in [t.name for t in response.templates]
    content = response.content.decode()
    assert reverse("evaluation:answer_consent_pdf", args=[invitation.token]) in content
    assert reverse("evaluation:answer_withdraw", args=[invitation.token]) in content
    # Reopening a page of a sent-in survey leads to the thank-you page, not a form.
    assert client.get(page_url(invitation, 0))["Location"] == start_url(invitation)


def test_sending_in_from_an_earlier_page_is_sent_to_the_page_reached(client, invitation):
    consented(invitation)
    response = client.post(reverse("evaluation:answer_complete", args=[invitation.token]), {})
    assert response["Location"] == page_url(invitation, 0)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


@pytest.mark.parametrize(("choice", "kept"), [("keep", 5), ("delete", 0)])
def test_withdrawing_through_the_page(client, invitation, choice, kept):
    answer_every_page(invitation)
    url = reverse("evaluation:answer_withdraw", args=[invitation.token])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="answers" id="id_answers_0" value="keep"' in response.content.decode()

    response = client.post(url, {})
    assert response.status_code == 200
    assert 'id="id_answers_error"' in response.content.decode()

    response = client.post(url, {"answers": choice})
    assert response["Location"] == start_url(invitation)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.WITHDRAWN
    assert invitation.answers.count() == kept
    response = client.get(start_url(invitation))
    assert response.status_code == 200
    assert response.context["state"] == "withdrawn"


def test_the_withdraw_page_before_consent_leads_to_the_consent_page(client, invitation):
    response = client.get(reverse("evaluation:answer_withdraw", args=[invitation.token]))
    assert response["Location"] == start_url(invitation)


def test_the_language_switch_changes_the_questions_language(client, invitation):
    consented(invitation)
    content = client.get(page_url(invitation, 0)).content.decode()
    assert "Påstående a1" in content
    assert 'lang="en">English</button>' in content

    response = client.post(
        reverse("evaluation:answer_language", args=[invitation.token]),
        {"language": "en", "next": page_url(invitation, 0)},
    )
    assert response["Location"] == page_url(invitation, 0)
    invitation.refresh_from_db()
    assert invitation.language == "en"
    response = client.get(page_url(invitation, 0))
    content = response.content.decode()
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in content
    assert "Statement a1" in content and "Not at all true" in content
    assert "Formulär exp" not in content and "Instrument exp" in content
    assert 'lang="sv">Svenska</button>' in content


def test_the_language_switch_never_leads_off_the_survey(client, invitation):
    url = reverse("evaluation:answer_language", args=[invitation.token])
    for target in ["https://example.com/", "/evaluation/", "//example.com/s/"]:
        response = client.post(url, {"language": "en", "next": target})
        assert response["Location"] == start_url(invitation)
    response = client.post(url, {"language": "xx"})
    assert response["Location"] == start_url(invitation)
    invitation.refresh_from_db()
    assert invitation.language == "en"


def test_the_consent_page_follows_the_invitations_language(client, invitation):
    invitation.language = "en"
    invitation.save()
    content = client.get(start_url(invitation)).content.decode()
    assert "You are asked to take part in a follow-up." in content


def pdf_text(pdf: bytes) -> str:
    require_executable(PDFTOTEXT)
    text = subprocess.run(
        [PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return re.sub(r"[ \t]+", " ", text)


@pytest.mark.english
def test_the_consent_copy_is_the_version_consented_to_with_the_date(client, invitation):
    invitation.language = "en"
    invitation.save()
    url = reverse("evaluation:answer_consent_pdf", args=[invitation.token])
    assert client.get(url).status_code == 404, "no copy before consent"
    consented(invitation)
    invitation.wave.study.information.create(
        version=2, text_sv="Version två.", text_en="Version two.", published_at=timezone.now()
    )
    invitation.refresh_from_db()

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "You are asked to take part in a follow-up." in text
    assert "Version two." not in text
    assert "version 1" in text
    consented_on = timezone.localtime(invitation.consent_answered_at)
    assert f"Consent given {consented_on:%-d %B %Y}" in text


def test_no_consent_copy_after_saying_no(client, invitation):
    answering.give_consent(
        invitation=invitation,
        information=invitation.wave.study.information.current(),
        agreed=False,
    )
    response = client.get(reverse("evaluation:answer_consent_pdf", args=[invitation.token]))
    assert response.status_code == 404


def _set_state(invitation: Invitation, state: str) -> None:
    now = timezone.now()
    if state == "not_open":
        invitation.opens_at = now + dt.timedelta(days=3)
        invitation.closes_at = now + dt.timedelta(days=30)
    elif state == "expired":
        invitation.opens_at = now - dt.timedelta(days=40)
        invitation.closes_at = now - dt.timedelta(days=1)
    elif state == "wave_closed":
        invitation.wave.closed_at = now
        invitation.wave.save()
        return
    elif state == "study_closed":
        invitation.wave.study.status = StudyStatus.CLOSED
        invitation.wave.study.save()
        return
    elif state == "cancelled":
        invitation.status = InvitationStatus.CANCELLED
    elif state == "completed":
        answer_every_page(invitation)
        answering.complete(invitation=reload(invitation))
        return
    elif state == "withdrawn":
        answer_every_page(invitation)
        answering.withdraw(invitation=reload(invitation), keep_answers=True)
        return
    elif state == "declined":
        answering.give_consent(
            invitation=invitation,
            information=invitation.wave.study.information.current(),
            agreed=False,
        )
        return
    elif state == "started":
        consented(invitation)
        answering.save_page(invitation=invitation, step=0, values=page_values(invitation, a1=2))
        return
    invitation.save()


@pytest.mark.parametrize(
    ("state", "start_status", "template"),
    [
        ("not_open", 200, "evaluation/survey_status.html"),
        ("expired", 410, "evaluation/survey_status.html"),
        ("wave_closed", 410, "evaluation/survey_status.html"),
        ("study_closed", 410, "evaluation/survey_status.html"),
        ("cancelled", 410, "evaluation/survey_status.html"),
        ("declined", 200, "evaluation/survey_status.html"),
        ("withdrawn", 200, "evaluation/survey_status.html"),
        ("completed", 200, "evaluation/survey_done.html"),
    ],
)
def test_every_state_of_the_link_has_its_page_and_never_a_500(
    client, invitation, state, start_status, template
):
    _set_state(invitation, state)
    response = client.get(start_url(invitation))
    assert response.status_code == start_status
    assert template in [t.name for t in response.templates]
    for method, url in every_url(invitation):
        response = getattr(client, method)(url)
        assert response.status_code < 500, (method, url)
    invitation.refresh_from_db()
    assert invitation.answers.filter(item__key="a1").exclude(value=2).count() == (
        1 if state in ("completed", "withdrawn") else 0
    ), "no state change made through a closed link"


def test_a_started_survey_whose_wave_closed_offers_withdrawal(client, invitation):
    _set_state(invitation, "started")
    _set_state(invitation, "wave_closed")
    response = client.get(start_url(invitation))
    assert response.status_code == 410
    assert reverse("evaluation:answer_withdraw", args=[invitation.token]) in (
        response.content.decode()
    )
    response = client.post(page_url(invitation, 0), {"a1": "5"})
    assert response["Location"] == start_url(invitation)
    assert invitation.answers.get(item__key="a1").value == 2


def test_every_url_of_an_unknown_token_is_not_found(client, invitation):
    invitation.token = "unknown-token"
    for method, url in every_url(invitation):
        assert getattr(client, method)(url).status_code == 404, (method, url)


def test_a_survey_page_issues_a_fixed_number_of_queries(
    client, invitation, django_assert_num_queries
):
    """The invitation with its wave and study, the wave's instruments, their items and
    the page's answers: four queries whatever the number of items or answers."""
    answer_every_page(invitation)
    with django_assert_num_queries(4):
        response = client.get(page_url(invitation, 1))
    assert response.status_code == 200
