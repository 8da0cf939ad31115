"""The data-protection journey a region's data protection officer asks to see: consent,
a register extract behind re-authentication, the extract in log follow-up, withdrawal."""

import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from peersupport.audit.models import AuditAction
from peersupport.dataprotection.models import ConsentText
from peersupport.extracts.models import Extract
from peersupport.extracts.tasks import produce_extract_task
from programmes import actions as programme_actions
from programmes.actions import LIVED_EXPERIENCE
from programmes.models import Participant, ParticipantStatus
from tests.celery_worker import celery_worker_process  # noqa: F401
from tests.factories import TEST_PASSWORD
from tests.programmes.course_state import accepted_applicant

from .axe import assert_accessible

pytestmark = pytest.mark.worker

PDFTOTEXT = "/usr/bin/pdftotext"


def swedish(text) -> str:
    """The text as the Swedish page shows it (a msgid or a lazy label)."""
    with translation.override("sv"):
        return gettext(text) if isinstance(text, str) else str(text)


def pdf_text(path) -> str:
    result = subprocess.run([PDFTOTEXT, str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(result.stdout.split())


@pytest.fixture
def alma(coordinator, stockholm):
    """An applicant registered before the system kept consents: interviewed, nothing
    declared, no consent yet."""
    participant = Participant.objects.create(
        region=stockholm,
        full_name="Alma Andersson",
        email="alma@example.org",
        phone="0701112233",
        lived_experience_declared=False,
    )
    programme_actions.change_status(
        actor=coordinator, participant=participant, to_status=ParticipantStatus.INTERVIEWED
    )
    return participant


def test_consent_register_extract_log_follow_up_and_withdrawal(
    page_for,
    live_server,
    settings,
    celery_worker_process,  # noqa: F811
    coordinator,
    auditor,
    stockholm,
    alma,
    tmp_path,
):
    """A coordinator records Alma's consent to her declaration, asks for her register
    extract and is asked for the password again; a worker writes it while the page shows
    progress; the PDF holds Alma's records and none of Bertil's, who is in the same region.
    The log auditor finds the extract and its download under Alma. Alma then withdraws her
    consent, recorded by the coordinator, and the declaration is gone from every page."""
    settings.EXTRACTS_QUEUE_ON_REQUEST = False
    consent_text = ConsentText.objects.current(LIVED_EXPERIENCE) or ConsentText.objects.create(
        purpose=LIVED_EXPERIENCE,
        version=1,
        text_sv="Jag samtycker till att regionen sparar min uppgift om egen erfarenhet.",
        text_en="I consent to the region keeping my declaration of lived experience.",
    )
    bertil = accepted_applicant(coordinator, stockholm, "Bertil Berg")
    Participant.objects.filter(pk=bertil.pk).update(phone="0709998877")
    detail_url = live_server.url + reverse("programmes:participant_detail", args=[alma.pk])
    page = page_for(coordinator)

    # The coordinator records Alma's consent on her page.
    page.goto(detail_url)
    expect(page.locator("#lived-experience")).not_to_contain_text(swedish("Declared by the person"))
    consent_form = page.locator("#record-consent-form")
    consent_form.locator("input[name='consent-declared']").check()
    consent_form.locator("select[name='consent-method']").select_option("paper")
    page.locator("#record-consent-button").click()
    expect(page.locator("#lived-experience")).to_contain_text(swedish("Declared by the person"))
    expect(page.locator("#consent-table")).to_be_visible()
    assert_accessible(page)

    # A register extract: asked for with the password again.
    page.locator(
        f"a[href='{reverse('extracts:person_extracts', args=['programmes.participant', alma.pk])}']"
    ).click()
    assert_accessible(page)
    request_form = page.locator("#extract-request-form")
    request_form.locator("select[name='language']").select_option("sv")
    request_form.locator("[type='submit']").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("account_reauthenticate")) + r"\?next="))
    assert not Extract.objects.exists()
    page.locator("input[name='password']").fill(TEST_PASSWORD)
    page.locator("input[name='password']").press("Enter")

    # The request returned at once: the page shows the extract queued, then ready once the
    # worker has written it (the page's script polls its status).
    extract = Extract.objects.get()
    expect(page).to_have_url(
        live_server.url + reverse("extracts:extract_detail", args=[extract.pk])
    )
    expect(page.locator("#extract-status")).to_have_text(swedish(extract.get_status_display()))
    assert_accessible(page)
    celery_worker_process.wait_for_task(
        celery_worker_process.send(produce_extract_task, extract.pk)
    )
    expect(page.locator("#extract-download-pdf")).to_be_visible(timeout=15_000)

    with page.expect_download() as download:
        page.locator("#extract-download-pdf").click()
    pdf_path = tmp_path / "registerutdrag.pdf"
    download.value.save_as(pdf_path)
    text = pdf_text(pdf_path)
    consent_words = " ".join(consent_text.text_sv.split()[:6])
    for expected in ("Alma Andersson", "alma@example.org", "0701112233", consent_words):
        assert expected in text, expected
    for unexpected in ("Bertil", "bertil@example.org", "0709998877"):
        assert unexpected not in text, unexpected

    # Log follow-up: the auditor finds Alma and sees the extract asked for and downloaded.
    audit = page_for(auditor)
    audit.goto(live_server.url + reverse("audit:person_search"))
    audit.locator("input[name='q']").fill("Alma")
    audit.locator("form[role='search'] [type='submit']").click()
    audit.get_by_role("link", name="Alma Andersson").click()
    rows = audit.locator("tr", has_text=f"extracts.extract {extract.pk}")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=swedish(AuditAction.EXPORT.label))).to_have_count(1)
    expect(rows.filter(has_text=swedish(AuditAction.CREATE.label))).to_have_count(1)
    assert_accessible(audit)

    # Alma withdraws her consent; the coordinator records it, and the declaration is gone.
    page.goto(detail_url)
    withdraw = page.locator(f"#withdraw-consent-{LIVED_EXPERIENCE}")
    withdraw.locator("select").select_option("verbal")
    page.locator(f"#withdraw-consent-{LIVED_EXPERIENCE}-button").click()
    expect(page.locator("#lived-experience")).not_to_contain_text(swedish("Declared by the person"))
    alma.refresh_from_db()
    assert alma.lived_experience_declared is False
    for url in (
        detail_url,
        live_server.url + reverse("programmes:participant_list"),
        live_server.url
        + reverse("extracts:person_extracts", args=["programmes.participant", alma.pk]),
    ):
        page.goto(url)
        expect(page.locator("main")).not_to_contain_text(swedish("Declared by the person"))
    assert_accessible(page)
