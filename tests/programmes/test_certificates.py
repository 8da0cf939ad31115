"""Certificate PDFs, reissuing, and the public verification page."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditAction, AuditEvent
from programmes.models import Certificate
from programmes.views.documents import VERIFY_RATE_LIMIT
from tests.factories import person_with_role
from tests.services import require_executable

from .course_state import accepted_applicant, certified, default_cohort

pytestmark = pytest.mark.django_db

PDFTOTEXT = "/usr/bin/pdftotext"
START = dt.date(2027, 9, 6)  # a Monday; the course runs 6 September – 8 October 2027
VERIFY = reverse("programmes:certificate_verify")


def pdf_text(pdf: bytes) -> str:
    require_executable(PDFTOTEXT)
    text = subprocess.run(
        [PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return re.sub(r"[ \t]+", " ", text)


def page_count(pdf: bytes) -> int:
    require_executable(PDFTOTEXT)
    return pdf_text(pdf).rstrip("\f").count("\f") + 1


def days_attended_text(language: str, attended: int, total: int) -> str:
    with translation.override(language):
        return gettext("%(attended)s of %(total)s course days") % {
            "attended": attended,
            "total": total,
        }


@pytest.fixture
def cohort(coordinator, stockholm):
    return default_cohort(coordinator, stockholm, START)


@pytest.fixture
def certificate(coordinator, stockholm, cohort, peer_supporter):
    """The Stockholm peer supporter's certificate: present 14 of 15 days (one excused)."""
    trainee = accepted_applicant(
        coordinator, stockholm, "Åsa Öberg-Lind", email=peer_supporter.email
    )
    assert trainee.user == peer_supporter
    return certified(coordinator, cohort, trainee, absent_days={8: "Sjuk"})


def download(client, certificate):
    return client.get(reverse("programmes:certificate_pdf", args=[certificate.pk]))


def test_the_certificate_pdf_holds_name_course_dates_days_region_and_code(
    certificate, coordinator, client_for
):
    """A one-page Swedish PDF with everything a reader needs to trust it."""
    response = download(client_for(coordinator), certificate)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"certificate-asa-oberg-lind-{certificate.code}.pdf" in response["Content-Disposition"]
    pdf = response.content
    text = pdf_text(pdf)
    assert page_count(pdf) == 1
    assert "Åsa Öberg-Lind" in text
    assert "PEER Support – grundutbildning (NSPH)" in text
    assert "6 september 2027" in text
    assert "8 oktober 2027" in text
    assert days_attended_text("sv", 14, 15) in text
    assert "Region Stockholm" in text
    assert certificate.code in text
    assert f"{VERIFY}?code={certificate.code}" in text
    assert "Replaced".lower() not in text.lower()


def test_the_certificate_is_in_english_when_the_participant_prefers_english(
    coordinator, stockholm, cohort, client_for
):
    """Dates and text follow the participant's language, not the coordinator's."""
    trainee = accepted_applicant(coordinator, stockholm, "Omar Haddad", language="en")
    certificate = certified(coordinator, cohort, trainee)

    text = pdf_text(download(client_for(coordinator), certificate).content)

    assert "Course certificate" in text
    assert "6 September 2027" in text
    assert "8 October 2027" in text
    assert "15 of 15 course days" in text


def test_downloading_a_certificate_is_audited(certificate, peer_supporter, client_for):
    """Each download writes an export event naming who took the certificate."""
    download(client_for(peer_supporter), certificate)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == peer_supporter
    assert event.object_type == "programmes.certificate"
    assert event.object_id == str(certificate.pk)


def test_only_the_trainee_and_the_regions_coordinators_may_download(
    certificate,
    coordinator,
    peer_supporter,
    other_coordinator,
    supervisor,
    stockholm,
    cohort,
    client_for,
):
    """The trainee and a Stockholm coordinator get the PDF; another trainee, Skåne's
    coordinator and a supervisor get 404, as for a certificate that does not exist."""
    classmate_user = person_with_role(Role.PEER_SUPPORTER, stockholm)
    classmate = accepted_applicant(coordinator, stockholm, "Tove Klass", email=classmate_user.email)
    certified(coordinator, cohort, classmate)

    assert download(client_for(peer_supporter), certificate).status_code == 200
    assert download(client_for(coordinator), certificate).status_code == 200
    for outsider in (classmate_user, other_coordinator, supervisor):
        assert download(client_for(outsider), certificate).status_code == 404


def test_reissue_keeps_history_and_the_old_code_no_longer_verifies(
    certificate, coordinator, peer_supporter, client_for
):
    """A new certificate and code; the old one stays, marked replaced, and fails to verify."""
    client = client_for(coordinator)
    response = client.post(reverse("programmes:certificate_reissue", args=[certificate.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "programmes:participant_detail", args=[certificate.participant_id]
    )
    history = list(Certificate.objects.filter(participant=certificate.participant))
    assert len(history) == 2
    old = next(c for c in history if c.pk == certificate.pk)
    new = next(c for c in history if c.pk != certificate.pk)
    assert old.replaced_at is not None and new.replaced_at is None
    assert new.code != old.code
    assert (new.days_attended, new.days_total) == (14, 15)

    assert client.get(VERIFY, {"code": old.code}).context["result"] == "invalid"
    assert client.get(VERIFY, {"code": new.code}).context["result"] == "valid"


def test_a_replaced_certificate_still_downloads_for_the_coordinator_marked_replaced(
    certificate, coordinator, peer_supporter, client_for
):
    """The coordinator can still open the old PDF, which says it is replaced; the trainee
    sees only the current one."""
    with translation.override("sv"):
        replaced = gettext("Replaced")
    client_for(coordinator).post(reverse("programmes:certificate_reissue", args=[certificate.pk]))

    old_pdf = download(client_for(coordinator), certificate)
    assert old_pdf.status_code == 200
    assert replaced.upper() in pdf_text(old_pdf.content).upper()
    assert download(client_for(peer_supporter), certificate).status_code == 404
    new = Certificate.objects.get(participant=certificate.participant, replaced_at=None)
    assert download(client_for(peer_supporter), new).status_code == 200


def test_reissuing_a_replaced_certificate_is_refused_with_a_message(
    certificate, coordinator, client_for
):
    """A second reissue of the same (now replaced) certificate changes nothing."""
    client = client_for(coordinator)
    url = reverse("programmes:certificate_reissue", args=[certificate.pk])
    client.post(url)
    response = client.post(url, follow=False)

    assert response.status_code == 302
    assert Certificate.objects.filter(participant=certificate.participant).count() == 2
    with translation.override(coordinator.language):
        refusal = gettext("This certificate has already been replaced.")
    assert refusal in [str(m) for m in get_messages(response.wsgi_request)]


def test_reissue_is_for_the_regions_coordinator_only(
    certificate, peer_supporter, other_coordinator, coordinator, client_for
):
    """The trainee may not reissue (403), Skåne's coordinator gets 404, GET is refused."""
    url = reverse("programmes:certificate_reissue", args=[certificate.pk])
    assert client_for(peer_supporter).post(url).status_code == 403
    assert client_for(other_coordinator).post(url).status_code == 404
    assert client_for(coordinator).get(url).status_code == 405
    assert Certificate.objects.filter(participant=certificate.participant).count() == 1


# The public verification page --------------------------------------------------------


def test_anyone_can_verify_a_code_and_learns_only_that_it_is_valid(certificate, client):
    """Without logging in: valid, and not one word about who or which course."""
    response = client.get(VERIFY, {"code": certificate.code})
    assert response.status_code == 200
    assert response.context["result"] == "valid"
    page = response.content.decode()
    assert "Åsa" not in page
    assert "Öberg" not in page
    assert "grundutbildning" not in page
    assert "Stockholm" not in page
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code.lower(),
        lambda code: code.replace("-", ""),
        lambda code: f"  {code.replace('-', ' ')}  ",
        lambda code: code.replace("-", "–"),
    ],
)
def test_a_code_is_recognised_however_it_is_typed(certificate, client, typed):
    """Case, spaces, missing or typographic dashes do not matter."""
    response = client.get(VERIFY, {"code": typed(certificate.code)})
    assert response.context["result"] == "valid"


def test_an_unknown_well_formed_code_is_not_valid(certificate, client):
    response = client.get(VERIFY, {"code": "ABCD-EFGH-JK23"})
    assert response.status_code == 200
    assert response.context["result"] == "invalid"


@pytest.mark.parametrize("typed", ["abc", "ABCD-EFGH-JK2", "ABCD-EFGH-JK230", "ABCD-EFGH-JK10"])
def test_a_malformed_code_gets_a_message_at_the_field_and_keeps_what_was_typed(client, typed):
    """Too short, too long, or with letters a code never has (0, 1, O, I)."""
    response = client.get(VERIFY, {"code": typed})
    assert response.status_code == 200
    assert response.context["result"] is None
    assert response.context["form"].errors["code"]
    page = response.content.decode()
    assert f'value="{typed}"' in page
    assert 'aria-invalid="true"' in page or "is-invalid" in page


def test_the_empty_form_shows_no_answer(client):
    response = client.get(VERIFY)
    assert response.status_code == 200
    assert response.context["result"] is None
    assert not response.context["form"].is_bound


def test_checks_are_rate_limited_per_address(certificate, client):
    """After the limit, the page says so (429) instead of answering, even for a valid code."""
    for _ in range(VERIFY_RATE_LIMIT):
        assert client.get(VERIFY, {"code": "ABCD-EFGH-JK23"}).status_code == 200

    response = client.get(VERIFY, {"code": certificate.code})
    assert response.status_code == 429
    assert response.context["result"] == "rate_limited"
    assert f'value="{certificate.code}"' in response.content.decode()

    other_address = client.get(VERIFY, {"code": certificate.code}, REMOTE_ADDR="10.1.2.3")
    assert other_address.context["result"] == "valid"
