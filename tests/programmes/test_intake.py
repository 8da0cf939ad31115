"""Recruitment intake: the public interest form per region, its bot protection, the page
where coordinators copy its address, and interviews recorded on the applicant."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditAction, AuditEvent
from peersupport.dataprotection.models import Consent, ConsentMethod, ConsentText
from peersupport.notifications.actions import render_notification
from peersupport.notifications.models import Notification
from programmes.actions import LIVED_EXPERIENCE
from programmes.models import (
    Interview,
    InterviewOutcome,
    LeavingReason,
    Participant,
    ParticipantStatus,
)
from programmes.notifications import INTEREST_RECEIVED
from tests.factories import person_with_role

from .participant_paths import participant_at

pytestmark = pytest.mark.django_db

LINKS = reverse("programmes:intake_links")


def form_url(region):
    return reverse("programmes:intake_form", args=[region.code])


def interview_url(participant):
    return reverse("programmes:participant_interview", args=[participant.pk])


def current_version() -> int:
    return ConsentText.objects.current(LIVED_EXPERIENCE).version


def interest(**overrides):
    data = {
        "full_name": "Vera Viljestark",
        "email": "Vera@example.org",
        "phone": "",
        "motivation": "Jag vill använda min egen erfarenhet för att stödja andra.",
        "declared": "on",
        "consent_version": current_version(),
        "website": "",
    }
    data.update(overrides)
    return data


# The public form ---------------------------------------------------------------------------


@pytest.mark.english
def test_anyone_opens_a_regions_form_without_logging_in(client, stockholm):
    """The form is public and shows the consent text in force, with its version."""
    response = client.get(form_url(stockholm))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Become a peer supporter in Region Stockholm" in page
    assert f"(version {current_version()})" in page
    assert 'name="website"' in page


def test_an_unknown_region_has_no_form(client, stockholm):
    assert client.get(reverse("programmes:intake_form", args=["atlantis"])).status_code == 404


def test_a_sent_form_registers_an_applicant_with_their_own_consent_and_tells_coordinators(
    client, coordinator, other_coordinator, stockholm
):
    """The person becomes an applicant with their motivation; their digital consent names
    the text version the form showed; Stockholm's coordinators are told, Skåne's not."""
    response = client.post(form_url(stockholm), interest())
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:intake_thanks", args=["stockholm"])

    vera = Participant.objects.get()
    assert (vera.region, vera.email, vera.status) == (
        stockholm,
        "vera@example.org",
        ParticipantStatus.APPLICANT,
    )
    assert vera.motivation.startswith("Jag vill använda")
    assert vera.lived_experience_declared
    consent = Consent.objects.of_subject(vera.data_subject()).get()
    assert consent.method == ConsentMethod.DIGITAL
    assert consent.text.version == current_version()
    assert consent.recorded_by is None
    notices = Notification.objects.filter(kind=INTEREST_RECEIVED.key)
    assert [n.recipient for n in notices] == [coordinator]
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_id=str(vera.pk), detail__via="interest_form"
    ).exists()


@pytest.mark.english
def test_the_coordinators_notice_names_the_applicant_and_links_the_record(
    client, coordinator, stockholm
):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    client.post(form_url(stockholm), interest())
    subject_line, body = render_notification(Notification.objects.get())
    assert subject_line == "An interest form was sent to Region Stockholm"
    assert "Vera Viljestark sent the recruitment interest form" in body
    vera = Participant.objects.get()
    assert reverse("programmes:participant_detail", args=[vera.pk]) in body
    # The motivation stays in the app: e-mail is not the place for it.
    assert "Jag vill" not in body


def test_a_filled_honeypot_is_thanked_and_dropped(client, coordinator, stockholm):
    """A bot that fills the hidden field sees the thanks page; nothing is created."""
    response = client.post(form_url(stockholm), interest(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"].endswith("/thanks/")
    assert not Participant.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.english
def test_too_many_forms_from_one_address_wait_with_a_clear_page(client, stockholm, settings):
    """Past INTAKE_ATTEMPTS the form answers 429 and says how long to wait."""
    settings.INTAKE_ATTEMPTS = "2/1h"
    for number in range(2):
        client.post(form_url(stockholm), interest(email=f"p{number}@example.org"))
    response = client.post(form_url(stockholm), interest(email="third@example.org"))
    assert response.status_code == 429
    assert "Wait 60 minutes and try again" in response.content.decode()
    assert Participant.objects.count() == 2


def test_the_limit_is_per_address(client, stockholm, settings):
    """Another address still gets through while the first one waits."""
    settings.INTAKE_ATTEMPTS = "1/1h"
    client.post(form_url(stockholm), interest(), REMOTE_ADDR="10.0.0.1")
    blocked = client.post(
        form_url(stockholm), interest(email="b@example.org"), REMOTE_ADDR="10.0.0.1"
    )
    other = client.post(
        form_url(stockholm), interest(email="c@example.org"), REMOTE_ADDR="10.0.0.2"
    )
    assert (blocked.status_code, other.status_code) == (429, 302)


@pytest.mark.english
def test_identifying_data_in_the_motivation_is_refused_and_nothing_typed_is_lost(client, stockholm):
    """A personal identity number in the motivation: 400, the message at the field, and
    the rest of what was typed still there."""
    response = client.post(
        form_url(stockholm), interest(motivation="Mitt personnummer är 19800101-1234.")
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "motivation" in form.errors
    page = response.content.decode()
    assert 'value="Vera Viljestark"' in page
    assert "Mitt personnummer" in page
    assert not Participant.objects.exists()


@pytest.mark.english
def test_the_declaration_is_required(client, stockholm):
    response = client.post(form_url(stockholm), interest(declared=""))
    assert response.status_code == 400
    assert "own lived experience" in str(response.context["form"].errors["declared"])
    assert not Participant.objects.exists()


@pytest.mark.english
def test_a_consent_text_published_meanwhile_is_shown_before_anything_is_kept(
    client, stockholm, admin_user
):
    """The form showed version N; version N+1 was published since: refused, nothing kept."""
    shown = current_version()
    ConsentText.objects.create(
        purpose=LIVED_EXPERIENCE, version=shown + 1, text_sv="Ny text", text_en="New text"
    )
    response = client.post(form_url(stockholm), interest(consent_version=shown))
    assert response.status_code == 400
    assert "consent text has changed" in response.content.decode()
    assert not Participant.objects.exists()


def test_someone_already_registered_is_thanked_and_the_coordinators_told_again(
    client, coordinator, stockholm
):
    """The form does not reveal who is registered; no second record, a notice that they
    wrote again."""
    vera = participant_at(
        coordinator, stockholm, full_name="Vera Viljestark", email="vera@example.org"
    )
    response = client.post(form_url(stockholm), interest(email="VERA@example.org"))
    assert response.status_code == 302
    assert Participant.objects.get() == vera
    notice = Notification.objects.get(kind=INTEREST_RECEIVED.key)
    assert notice.subject == vera
    assert notice.occurrence.startswith("again:")


def test_a_coordinator_copies_the_address_from_the_recruitment_page(
    coordinator, stockholm, skane, client_for
):
    """The participants page links the interest forms page, which shows the full address
    of each region the coordinator coordinates (and not of others)."""
    client = client_for(coordinator)
    assert LINKS in client.get(reverse("programmes:participant_list")).content.decode()
    page = client.get(LINKS).content.decode()
    assert f"http://testserver{form_url(stockholm)}" in page
    assert form_url(skane) not in page


# Interviews ---------------------------------------------------------------------------------


def test_an_interview_that_offers_a_place_makes_the_applicant_accepted(
    coordinator, supervisor, stockholm, client_for
):
    """Date, interviewer and outcome are kept; the path goes applicant → interviewed →
    accepted through the status-change action; the record page shows the interview."""
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    held_on = timezone.localdate() - dt.timedelta(days=1)
    client = client_for(coordinator)
    response = client.post(
        interview_url(alva),
        {"held_on": held_on.isoformat(), "interviewer": supervisor.pk, "outcome": "accepted"},
    )
    assert response.status_code == 302
    alva.refresh_from_db()
    assert alva.status == ParticipantStatus.ACCEPTED
    assert [c.to_status for c in alva.status_changes.all()] == [
        ParticipantStatus.APPLICANT,
        ParticipantStatus.INTERVIEWED,
        ParticipantStatus.ACCEPTED,
    ]
    interview = Interview.objects.get()
    assert (interview.held_on, interview.interviewer, interview.outcome) == (
        held_on,
        supervisor,
        InterviewOutcome.ACCEPTED,
    )
    assert interview.recorded_by == coordinator
    page = client.get(reverse("programmes:participant_detail", args=[alva.pk])).content.decode()
    assert supervisor.full_name in page


def test_no_decision_yet_leaves_the_applicant_interviewed(coordinator, stockholm, client_for):
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    client_for(coordinator).post(
        interview_url(alva),
        {
            "held_on": timezone.localdate().isoformat(),
            "interviewer": coordinator.pk,
            "outcome": "undecided",
        },
    )
    alva.refresh_from_db()
    assert alva.status == ParticipantStatus.INTERVIEWED


@pytest.mark.english
def test_not_offering_a_place_needs_a_reason_like_any_ended_path(
    coordinator, stockholm, client_for
):
    """Without a kind of reason and a reason: 400 with the messages at the fields, nothing
    recorded; with them: declined, and the reason kept on the status change."""
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    client = client_for(coordinator)
    data = {
        "held_on": timezone.localdate().isoformat(),
        "interviewer": coordinator.pk,
        "outcome": "declined",
    }
    refused = client.post(interview_url(alva), data)
    assert refused.status_code == 400
    assert set(refused.context["form"].errors) == {"reason", "reason_category"}
    assert not Interview.objects.exists()

    client.post(
        interview_url(alva),
        {**data, "reason_category": LeavingReason.OTHER, "reason": "Passar inte just nu."},
    )
    alva.refresh_from_db()
    assert alva.status == ParticipantStatus.DECLINED
    assert alva.status_changes.last().reason == "Passar inte just nu."


@pytest.mark.english
def test_an_interview_in_the_future_or_with_an_outsider_is_refused(
    coordinator, other_coordinator, stockholm, client_for
):
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    client = client_for(coordinator)
    future = client.post(
        interview_url(alva),
        {
            "held_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
            "interviewer": coordinator.pk,
            "outcome": "accepted",
        },
    )
    assert future.status_code == 400
    assert "once it has been held" in str(future.context["form"].errors["held_on"])
    outsider = client.post(
        interview_url(alva),
        {
            "held_on": timezone.localdate().isoformat(),
            "interviewer": other_coordinator.pk,
            "outcome": "accepted",
        },
    )
    assert outsider.status_code == 400
    assert "interviewer" in outsider.context["form"].errors
    assert not Interview.objects.exists()


@pytest.mark.english
def test_interviews_are_for_applicants_only(coordinator, stockholm, client_for):
    """A trainee has no interview to record: the page says so and a POST is refused."""
    trainee = participant_at(
        coordinator, stockholm, ParticipantStatus.TRAINEE, full_name="Tove Trainee"
    )
    client = client_for(coordinator)
    assert (
        "Interviews are recorded for applicants"
        in client.get(interview_url(trainee)).content.decode()
    )
    response = client.post(
        interview_url(trainee),
        {
            "held_on": timezone.localdate().isoformat(),
            "interviewer": coordinator.pk,
            "outcome": "accepted",
        },
    )
    assert response.status_code == 400
    assert not Interview.objects.exists()


def test_only_the_regions_coordinators_record_interviews(
    coordinator, other_coordinator, supervisor, stockholm, client_for
):
    alva = participant_at(coordinator, stockholm, full_name="Alva Ek")
    assert client_for(other_coordinator).get(interview_url(alva)).status_code == 404
    assert client_for(supervisor).get(interview_url(alva)).status_code == 403
    unit_manager = person_with_role(Role.UNIT_MANAGER, stockholm)
    assert client_for(unit_manager).post(interview_url(alva)).status_code == 403
