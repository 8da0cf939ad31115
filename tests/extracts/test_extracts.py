"""Register extracts: everything stored about one person, as a PDF and as JSON, written by
a worker; asked for with a fresh password; every download audit-logged."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peersupport.audit.models import AuditAction, AuditEvent
from peersupport.dataprotection.actions import valid_consent, withdraw_consent
from peersupport.dataprotection.registry import ExtractSection, registry
from peersupport.extracts.actions import (
    produce_extract,
    produce_waiting_extracts,
    request_extract,
)
from peersupport.extracts.models import Extract, ExtractStatus
from peersupport.extracts.tasks import produce_extract_task
from peersupport.retention.actions import thin_due_records
from programmes import actions as programme_actions
from tests.services import require_executable

pytestmark = pytest.mark.django_db


PDFTOTEXT = "/usr/bin/pdftotext"


def pdf_text(extract: Extract) -> str:
    require_executable(PDFTOTEXT)
    result = subprocess.run([PDFTOTEXT, extract.pdf.path, "-"], capture_output=True, check=True)
    return result.stdout.decode()


def produced(actor, subject, *, own: bool = False, language: str = "sv") -> Extract:
    extract = request_extract(
        actor=actor, subject=subject, language=language, region_id=subject.region_id, own=own
    )
    return produce_extract(extract_id=extract.pk)


def person_url(participant, name: str = "extracts:person_extracts") -> str:
    return reverse(name, kwargs={"kind": "programmes.participant", "pk": participant.pk})


def test_the_pdf_holds_the_persons_records_and_no_one_elses(coordinator, two_people):
    """Alma's extract shows her record, course days, placement, support session and
    supervision comment; nothing of Bertil's, and no service user's code."""
    alma, bertil = two_people
    extract = produced(coordinator, alma.participant.data_subject())

    assert extract.status == ExtractStatus.DONE
    text = pdf_text(extract)
    for expected in (
        "Alma Andersson",
        "alma@example.org",
        "0701112233",
        "Våren 2026",
        "Tandläkare för alma",
        "Öppenvården Nord",
        "Reflektion från alma om sömn.",
        "Almas eget omdöme",
        alma.participant.certificates.get().code,
    ):
        assert expected in text, expected
    for unexpected in (
        "Bertil",
        "bertil@example.org",
        "0709998877",
        "Tandläkare för bertil",
        bertil.participant.certificates.get().code,
        "KOD-ALMA",
        "Handledarens egen anteckning.",
    ):
        assert unexpected not in text, unexpected


def test_the_json_holds_the_same_records_machine_readably(coordinator, client_for, two_people):
    """The JSON names its format, the person and every section, with fields by key; it
    lists who read her record, and not who read Bertil's."""
    alma, bertil = two_people
    client = client_for(coordinator)
    for person in (alma, bertil):
        client.get(reverse("programmes:participant_detail", args=[person.participant.pk]))
    extract = produced(coordinator, alma.participant.data_subject())

    document = json.loads(extract.json.read())
    assert document["format"] == "peersupport.register-extract"
    assert document["subject"] == {
        "kind": "programmes.participant",
        "id": alma.participant.pk,
        "name": "Alma Andersson",
    }
    sections = {section["key"]: section for section in document["sections"]}
    (record,) = sections["programmes.record"]["records"]
    assert record["fields"]["email"] == "alma@example.org"
    (session,) = sections["workplaces.support_sessions"]["records"]
    assert session["fields"]["minutes"] == 40
    assert "service_user_code" not in session["fields"]
    assert sections["supervision.notes"]["withheld"] is True
    (read,) = sections["audit.accesses"]["records"]
    assert read["fields"]["actor_email"] == coordinator.email
    assert extract.record_count == sum(len(s["records"]) for s in sections.values())
    raw = json.dumps(document, ensure_ascii=False)
    assert "Bertil" not in raw and "bertil@example.org" not in raw


def test_a_supervisor_gets_their_private_notes_only_in_their_own_extract(
    coordinator, supervisor, two_people
):
    """A private note is its author's alone: in the supervisor's own extract, withheld
    from the one a coordinator produces about them."""
    from peersupport.extracts.permissions import get_subject_for_user_or_404, own_subject

    own = produced(supervisor, own_subject(supervisor), own=True)
    assert "Handledarens egen anteckning." in pdf_text(own)

    subject, _region = get_subject_for_user_or_404(coordinator, "accounts.user", supervisor.pk)
    by_coordinator = produced(coordinator, subject)
    text = pdf_text(by_coordinator)
    assert "Maria Handledare" in text
    assert "Handledarens egen anteckning." not in text


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_writes_the_extract(celery_worker_process, coordinator, two_people):
    """The task, queued to a real Celery worker, writes both files and marks it ready."""
    alma, _bertil = two_people
    extract = request_extract(
        actor=coordinator,
        subject=alma.participant.data_subject(),
        language="sv",
        region_id=alma.participant.region_id,
        own=False,
    )
    assert extract.status == ExtractStatus.QUEUED

    celery_worker_process.wait_for_task(
        celery_worker_process.send(produce_extract_task, extract.pk)
    )

    extract.refresh_from_db()
    assert extract.status == ExtractStatus.DONE
    assert extract.is_ready
    assert "Alma Andersson" in pdf_text(extract)


def test_asking_for_an_extract_asks_for_the_password_first(coordinator, client_for, applicant):
    """Without a fresh password the request is sent to re-authenticate, and nothing is
    queued."""
    response = client_for(coordinator).post(person_url(applicant), {"language": "sv"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not Extract.objects.exists()


def test_asking_for_an_extract_returns_at_once_and_shows_progress(
    coordinator, fresh_client_for, applicant
):
    """After re-authentication the request queues the extract and shows its progress,
    with a status the page's script polls; the request itself is audit-logged."""
    client = fresh_client_for(coordinator)
    response = client.post(person_url(applicant), {"language": "en"})

    extract = Extract.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("extracts:extract_detail", args=[extract.pk])
    assert (extract.status, extract.language, extract.region_id) == (
        ExtractStatus.QUEUED,
        "en",
        applicant.region_id,
    )
    page = client.get(response["Location"])
    assert reverse("extracts:extract_status", args=[extract.pk]).encode() in page.content
    assert b"js/extract-progress.js" in page.content
    status = client.get(reverse("extracts:extract_status", args=[extract.pk])).json()
    assert status["status"] == "queued" and status["ready"] is False
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="extracts.extract")
    assert (event.subject_kind, event.subject_id) == ("programmes.participant", applicant.pk)


def test_every_download_is_audit_logged_under_the_person(coordinator, client_for, two_people):
    """Each download of the PDF or the JSON writes an export event about the person."""
    alma, _bertil = two_people
    extract = produced(coordinator, alma.participant.data_subject())
    client = client_for(coordinator)

    pdf = client.get(reverse("extracts:extract_download", args=[extract.pk, "pdf"]))
    document = client.get(reverse("extracts:extract_download", args=[extract.pk, "json"]))

    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert document.status_code == 200
    assert "attachment" in pdf["Content-Disposition"]
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(extract.pk))
    assert sorted(event.detail["register_extract"] for event in events) == ["json", "pdf"]
    assert {(e.subject_kind, e.subject_id, e.actor_id) for e in events} == {
        ("programmes.participant", alma.participant.pk, coordinator.pk)
    }


def test_only_the_regions_coordinators_reach_a_persons_extracts(
    coordinator, other_coordinator, peer_supporter, client_for, two_people
):
    """Another region's coordinator gets 404 for the person and their extract; a peer
    supporter is refused the coordinator's page (403) and cannot fetch the extract (404)."""
    alma, _bertil = two_people
    extract = produced(coordinator, alma.participant.data_subject())
    detail = reverse("extracts:extract_detail", args=[extract.pk])
    download = reverse("extracts:extract_download", args=[extract.pk, "pdf"])

    assert client_for(coordinator).get(person_url(alma.participant)).status_code == 200
    assert client_for(other_coordinator).get(person_url(alma.participant)).status_code == 404
    assert client_for(other_coordinator).get(download).status_code == 404
    assert client_for(peer_supporter).get(person_url(alma.participant)).status_code == 403
    assert client_for(peer_supporter).get(detail).status_code == 404
    # The person themselves did not ask for this one: it is the coordinator's.
    assert client_for(alma.user).get(download).status_code == 404


def test_a_person_asks_for_and_downloads_their_own_extract(
    coordinator, fresh_client_for, client_for, two_people
):
    """From their settings a person asks for their extract (with a fresh password) and
    downloads it; their region's coordinator cannot."""
    alma, bertil = two_people
    asked_without_password = client_for(alma.user).post(
        reverse("extracts:own_extracts"), {"language": "sv"}
    )
    assert asked_without_password["Location"].startswith(reverse("account_reauthenticate"))
    client = fresh_client_for(alma.user)
    assert (
        reverse("extracts:own_extracts").encode()
        in client.get(reverse("accounts:profile_edit")).content
    )

    response = client.post(reverse("extracts:own_extracts"), {"language": "sv"})

    extract = Extract.objects.get()
    assert extract.own_request and extract.subject_id == alma.participant.pk
    produce_extract(extract_id=extract.pk)
    download = reverse("extracts:extract_download", args=[extract.pk, "pdf"])
    assert response["Location"] == reverse("extracts:extract_detail", args=[extract.pk])
    assert client.get(download).status_code == 200
    assert client_for(bertil.user).get(download).status_code == 404
    assert client_for(coordinator).get(download).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=alma.user).count() == 1


def test_an_extract_that_cannot_be_written_is_marked_failed(
    coordinator, client_for, applicant, monkeypatch
):
    """A section that breaks leaves the extract failed, with no files, and the page says
    so instead of waiting for ever."""

    def broken(subject):
        raise RuntimeError("a section broke")

    monkeypatch.setitem(
        registry.extract_sections,
        "tests.broken",
        ExtractSection(key="tests.broken", title="Broken", collect=broken),
    )
    extract = request_extract(
        actor=coordinator,
        subject=applicant.data_subject(),
        language="sv",
        region_id=applicant.region_id,
        own=False,
    )

    assert produce_extract(extract_id=extract.pk) is None

    extract.refresh_from_db()
    assert extract.status == ExtractStatus.FAILED and not extract.pdf
    page = client_for(coordinator).get(reverse("extracts:extract_detail", args=[extract.pk]))
    assert b"js/extract-progress.js" not in page.content
    download = reverse("extracts:extract_download", args=[extract.pk, "pdf"])
    assert client_for(coordinator).get(download).status_code == 404


def test_extract_files_are_thinned_a_month_after_they_were_asked_for(
    coordinator, client_for, applicant, django_capture_on_commit_callbacks
):
    """Retention removes an extract's files after a month (a dry run only counts them);
    the row, who asked and when, stays, and its page says the files are gone."""
    extract = produced(coordinator, applicant.data_subject())
    pdf_path = Path(extract.pdf.path)

    def thinned(runs) -> int:
        return sum(run.count for run in runs if run.rule.key == "extracts.files")

    assert thinned(thin_due_records(now=timezone.now() + dt.timedelta(days=20), dry_run=True)) == 0
    later = timezone.now() + relativedelta(months=1, days=1)
    assert thinned(thin_due_records(now=later, dry_run=True)) == 1
    assert pdf_path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert thinned(thin_due_records(now=later)) == 1

    extract.refresh_from_db()
    assert not extract.pdf and not extract.json and not pdf_path.exists()
    assert extract.subject_name == "Cecilia Carlsson"
    page = client_for(coordinator).get(reverse("extracts:extract_detail", args=[extract.pk]))
    assert page.status_code == 200 and b"extract-download-pdf" not in page.content


def test_withdrawing_consent_removes_the_files_of_extracts_written_before(
    coordinator, applicant, django_capture_on_commit_callbacks
):
    """An extract written before the withdrawal holds the declaration: its files go with
    the consent, and the withdrawal's audit event counts them."""
    extract = produced(coordinator, applicant.data_subject())
    pdf_path = Path(extract.pdf.path)
    consent = valid_consent(applicant.data_subject(), "lived_experience")

    with django_capture_on_commit_callbacks(execute=True):
        withdraw_consent(actor=coordinator, consent=consent, method="paper")

    extract.refresh_from_db()
    assert not extract.pdf and not extract.json and not pdf_path.exists()
    event = AuditEvent.objects.filter(action=AuditAction.CONSENT).order_by("-at", "-pk").first()
    assert event.detail["extract_files_removed"] == 1


@pytest.mark.parametrize(
    ("url_name", "own"), [("extracts:person_extracts", False), ("extracts:own_extracts", True)]
)
def test_extract_lists_cost_the_same_whatever_their_length(
    url_name, own, coordinator, client_for, applicant, stockholm
):
    """A person's extract list issues as many queries for four extracts as for one."""
    actor = coordinator
    if own:
        programme_actions.give_account(actor=coordinator, participant=applicant)
        applicant.refresh_from_db()
        actor = applicant.user
    subject = applicant.data_subject()
    url = (
        reverse(url_name)
        if own
        else reverse(url_name, kwargs={"kind": "programmes.participant", "pk": applicant.pk})
    )
    client = client_for(actor)

    def queries_with(count: int) -> int:
        while Extract.objects.count() < count:
            produced(actor, subject, own=own)
        client.get(url)  # the session and memberships are read once
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = queries_with(1)
    assert queries_with(4) == one
    assert one <= 15


def test_an_english_extract_is_written_in_english(coordinator, applicant):
    """The coordinator may ask for the extract in English: headings and labels follow."""
    extract = produced(coordinator, applicant.data_subject(), language="en")

    text = pdf_text(extract)
    for heading in ("Register extract", "Programme record", "Status history", "Login history"):
        assert heading in text, heading
    assert json.loads(extract.json.read())["language"] == "en"


def test_an_extract_whose_task_was_lost_is_written_by_the_sweep(coordinator, applicant):
    """Beat's sweep writes an extract still queued ten minutes after it was asked for, and
    leaves a fresh one to its own task."""
    lost, fresh = (
        request_extract(
            actor=coordinator,
            subject=applicant.data_subject(),
            language="sv",
            region_id=applicant.region_id,
            own=False,
        )
        for _ in range(2)
    )
    Extract.objects.filter(pk=lost.pk).update(
        requested_at=timezone.now() - dt.timedelta(minutes=11)
    )

    assert produce_waiting_extracts() == 1

    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.status, fresh.status) == (ExtractStatus.DONE, ExtractStatus.QUEUED)
    assert produce_extract(extract_id=lost.pk) is None
