"""Erasure: a coordinator removes what may be removed about a person, after a fresh
password and a confirmation; counts stay; a duty to keep refuses it, with the reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db.models import Count
from django.urls import reverse

from peersupport.accounts.models import User
from peersupport.audit.models import AuditAction, AuditEvent
from peersupport.extracts.actions import produce_extract, request_extract
from programmes import actions as programme_actions
from programmes.models import Attendance, Enrolment, Participant, ParticipantStatus, StatusChange
from tests.programmes.course_state import default_cohort, fill_attendance

pytestmark = pytest.mark.django_db


def erase_url(kind: str, pk: int) -> str:
    return reverse("extracts:person_erase", kwargs={"kind": kind, "pk": pk})


def figures(region) -> dict:
    """What the coordinator's pages count: people per status, enrolments, course days
    per attendance status, status changes."""
    return {
        "participants": dict(
            Participant.objects.filter(region=region)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        ),
        "enrolments": Enrolment.objects.filter(cohort__region=region).count(),
        "attendance": dict(
            Attendance.objects.values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        ),
        "status_changes": StatusChange.objects.count(),
    }


@pytest.fixture
def leaver(coordinator, stockholm, applicant):
    """Cecilia: enrolled with an excused course day, given an account, then left the
    programme with a reason."""
    Participant.objects.filter(pk=applicant.pk).update(phone="0705554433")
    cohort = default_cohort(coordinator, stockholm, dt.date(2026, 9, 7))
    enrolment = programme_actions.enrol(actor=coordinator, cohort=cohort, participant=applicant)
    fill_attendance(coordinator, enrolment, {1: "Cecilias sjukdag"})
    programme_actions.give_account(actor=coordinator, participant=applicant)
    programme_actions.change_status(
        actor=coordinator,
        participant=applicant,
        to_status=ParticipantStatus.LEFT,
        reason="Cecilia flyttar till Umeå",
        reason_category="personal",
    )
    applicant.refresh_from_db()
    return applicant


def test_erasure_asks_for_the_password_first(coordinator, client_for, applicant):
    """Even the confirmation page needs a fresh password."""
    response = client_for(coordinator).get(erase_url("programmes.participant", applicant.pk))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_erasure_is_refused_with_the_reason_while_records_must_be_kept(
    coordinator, fresh_client_for, two_people
):
    """A certificate that must stay verifiable and an active placement refuse erasure;
    the page says why and nothing changes."""
    alma, _bertil = two_people
    code = alma.participant.certificates.get().code
    client = fresh_client_for(coordinator)
    url = erase_url("programmes.participant", alma.participant.pk)

    page = client.get(url)
    response = client.post(url, {"confirm": "on"})

    for shown in (page, response):
        assert shown.status_code == 200
        assert code.encode() in shown.content
        assert "Öppenvården Nord".encode() in shown.content
    alma.participant.refresh_from_db()
    assert alma.participant.full_name == "Alma Andersson"
    assert not AuditEvent.objects.filter(action=AuditAction.ERASE).exists()


def test_a_staff_account_is_not_erased_while_the_role_lasts(
    coordinator, supervisor, fresh_client_for, two_people
):
    """A supervisor who leads an active group and holds the role is refused, with both
    reasons shown."""
    client = fresh_client_for(coordinator)

    response = client.post(erase_url("accounts.user", supervisor.pk), {"confirm": "on"})

    assert response.status_code == 200
    assert b"Tisdagsgruppen" in response.content
    supervisor.refresh_from_db()
    assert supervisor.is_active and supervisor.full_name == "Maria Handledare"


def test_erasure_removes_what_may_be_removed_and_keeps_every_count(
    coordinator, fresh_client_for, stockholm, leaver, django_capture_on_commit_callbacks
):
    """Name, contact details, free text, account and extract files go; every figure stays;
    the audit log holds counts, never content."""
    account = User.objects.get(pk=leaver.user_id)
    extract = request_extract(
        actor=coordinator,
        subject=leaver.data_subject(),
        language="sv",
        region_id=stockholm.pk,
        own=False,
    )
    extract = produce_extract(extract_id=extract.pk)
    pdf_path = extract.pdf.path
    before = figures(stockholm)
    client = fresh_client_for(coordinator)
    url = erase_url("programmes.participant", leaver.pk)
    assert client.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "on"})

    assert response.status_code == 302
    assert figures(stockholm) == before
    leaver.refresh_from_db()
    assert "Cecilia" not in leaver.full_name
    assert (leaver.phone, leaver.user_id, leaver.lived_experience_declared) == ("", None, False)
    assert "Cecilia" not in leaver.email
    assert not StatusChange.objects.filter(participant=leaver).exclude(reason="").exists()
    assert not Attendance.objects.filter(reason__contains="Cecilia").exists()
    account.refresh_from_db()
    assert not account.is_active and "cecilia" not in account.email.lower()
    extract.refresh_from_db()
    assert not extract.pdf and not extract.json
    assert not Path(pdf_path).exists()
    event = AuditEvent.objects.get(action=AuditAction.ERASE)
    assert (event.subject_kind, event.subject_id, event.actor_id) == (
        "programmes.participant",
        leaver.pk,
        coordinator.pk,
    )
    assert event.detail["counts"]["programmes.participant"] == 1
    assert "Cecilia" not in str(event.detail) and "Cecilia" not in event.object_repr


def test_erasure_needs_the_confirmation(coordinator, fresh_client_for, applicant):
    """Without ticking the confirmation nothing is erased and the page says what is
    missing."""
    response = fresh_client_for(coordinator).post(
        erase_url("programmes.participant", applicant.pk), {}
    )

    assert response.status_code == 200
    applicant.refresh_from_db()
    assert applicant.full_name == "Cecilia Carlsson"


def test_only_the_regions_coordinators_may_erase(
    other_coordinator, peer_supporter, fresh_client_for, applicant
):
    """Another region's coordinator gets 404, a peer supporter 403."""
    url = erase_url("programmes.participant", applicant.pk)

    assert fresh_client_for(other_coordinator).get(url).status_code == 404
    assert fresh_client_for(peer_supporter).get(url).status_code == 403
