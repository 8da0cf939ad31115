"""A service user answers through a printed code: the code does not work twice, and no
field in the database can say who answered.

The walk over the models' fields fails when a field that could hold an identity (a name,
an address, an IP address, a user agent …) is added to a slip invitation, its answers or
its batch; the journey prints slips, reads a code off the PDF, answers with it as a
visitor without an account and checks what was stored.
"""

from __future__ import annotations

import subprocess

import pytest
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from evaluation.actions import slips
from evaluation.models import (
    Answer,
    Invitation,
    InvitationStatus,
    SlipBatch,
)
from evaluation.slip_tasks import write_slips_pdf_task
from peersupport.audit.models import AuditEvent
from tests.factories import certified_participant
from tests.services import require_executable

from .builders import make_invitation

pytestmark = pytest.mark.django_db

PDFTOTEXT = "/usr/bin/pdftotext"

RESPONDENT_ADDRESS = "192.0.2.44"

# Parts of a field name that would mean it can hold who someone is or where they are.
IDENTIFYING_PARTS = frozenset(
    {
        "ip",
        "addr",
        "address",
        "agent",
        "ua",
        "name",
        "email",
        "mail",
        "phone",
        "mobile",
        "personnummer",
        "ssn",
        "birth",
        "born",
        "device",
        "cookie",
        "session",
        "location",
        "gps",
        "postcode",
        "zip",
    }
)
# The only fields of these models that point at a person, and why each is allowed.
PERSON_FIELDS = {
    # Personal invitations only: a database check keeps both empty on a slip invitation.
    ("invitation", "participant"),
    ("invitation", "user"),
    # A peer supporter's own placement survey; never set on a slip.
    ("invitation", "placement"),
    # The staff member who printed the batch, not the person who answers.
    ("slipbatch", "created_by"),
}
PERSON_MODELS = {"accounts.user", "programmes.participant", "workplaces.placement"}


def test_no_field_of_a_slip_invitation_its_answers_or_batch_can_hold_an_identity():
    for model in (Invitation, Answer, SlipBatch):
        for field in model._meta.concrete_fields:
            parts = set(field.name.lower().split("_"))
            assert not parts & IDENTIFYING_PARTS, f"{model.__name__}.{field.name}"
            target = field.related_model
            if target is not None and target._meta.label_lower in PERSON_MODELS:
                assert (model._meta.model_name, field.name) in PERSON_FIELDS, (
                    f"{model.__name__}.{field.name} points at a person"
                )


@pytest.mark.parametrize("person", ["participant", "user"])
def test_the_database_refuses_a_person_on_a_slip_invitation(
    stockholm, peer_supporter, service_wave, person
):
    fields = {
        "participant": certified_participant(stockholm, peer_supporter)
        if person == "participant"
        else None,
        "user": peer_supporter if person == "user" else None,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        make_invitation(
            service_wave, region=stockholm, anchor_key="slip:ABCDEFGH", code="ABCDEFGH", **fields
        )


def codes_in_pdf(batch: SlipBatch) -> list[str]:
    require_executable(PDFTOTEXT)
    text = subprocess.run(
        [PDFTOTEXT, batch.pdf.path, "-"], capture_output=True, check=True
    ).stdout.decode()
    stored = set(batch.invitations.values_list("code", flat=True))
    printed = [
        word.replace("-", "")
        for word in text.split()
        if len(word) == 9 and word[4] == "-" and word.replace("-", "") in stored
    ]
    assert sorted(printed) == sorted(stored)
    return printed


@pytest.fixture
def respondent():
    """A visitor without an account, on a phone somewhere."""
    return Client(REMOTE_ADDR=RESPONDENT_ADDRESS, HTTP_USER_AGENT="Telefon/1.0 (Android)")


def test_a_service_user_answers_through_a_printed_code_once(
    client_for, placed, workplace, service_wave, respondent, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(write_slips_pdf_task, "delay", lambda batch_id: None)

    # The peer supporter prints eight slips for the service users they meet.
    printing = client_for(placed).post(
        reverse("evaluation:slip_batch_create") + f"?workplace={workplace.pk}",
        {"wave": service_wave.pk, "size": 8},
    )
    assert printing.status_code == 302
    batch = slips.write_slips_pdf(batch_id=SlipBatch.objects.get().pk)
    code = codes_in_pdf(batch)[0]
    events_before = set(AuditEvent.objects.values_list("pk", flat=True))
    sessions_before = Session.objects.count()

    # The service user scans the QR code: the code is filled in, not yet used.
    scanned = respondent.get(reverse("evaluation:code_link", args=[code]))
    assert scanned.status_code == 200
    assert Invitation.objects.get(code=code).code_used_at is None

    # … presses Start, and is sent on to the survey's personal link.
    started = respondent.post(reverse("evaluation:code_entry"), {"code": code})
    invitation = Invitation.objects.get(code=code)
    start_url = reverse("evaluation:answer_start", args=[invitation.token])
    assert started.status_code == 302 and started["Location"] == start_url
    assert invitation.code_used_at is not None

    # Consent first, then the two pages of the survey, then send it in.
    information = service_wave.study.information.current()
    assert respondent.get(start_url).status_code == 200
    consent = respondent.post(start_url, {"consent": "yes", "version": information.version})
    assert consent.status_code == 302
    first_page = reverse("evaluation:answer_page", args=[invitation.token, 0])
    assert respondent.post(first_page, {"a1": "4", "a2": "5", "a3": "3"}).status_code == 302
    done = respondent.post(
        reverse("evaluation:answer_complete", args=[invitation.token]),
        {"b1": "2", "b2": "4", "b3": "5"},
    )
    assert done.status_code == 302

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED
    assert invitation.answers.count() == 6

    # The same code again: a clear page, and the survey does not open.
    again = respondent.post(reverse("evaluation:code_entry"), {"code": code}, follow=True)
    assert again.status_code == 200
    assert again.context["refusal"] == "used"
    assert again.redirect_chain == []

    # What is stored is the workplace, the wave and the answers; nothing about the person.
    assert invitation.workplace == workplace
    assert invitation.region_id == workplace.region_id
    assert invitation.participant_id is None
    assert invitation.user_id is None
    assert invitation.placement_id is None
    assert batch.invitations.filter(workplace__isnull=True).count() == 0
    new_events = AuditEvent.objects.exclude(pk__in=events_before)
    for event in new_events:
        assert event.ip_address is None, event.detail
        assert event.actor_id is None
        assert RESPONDENT_ADDRESS not in str(event.detail) + event.path
    assert Session.objects.count() == sessions_before


def test_guessing_codes_is_stopped_with_429(respondent, settings, placed, workplace, service_wave):
    settings.SURVEY_CODE_ATTEMPTS = "10/15m"
    batch = slips.print_slips(actor=placed, wave=service_wave, workplace=workplace, size=1)
    url = reverse("evaluation:code_entry")
    for guess in range(10):
        response = respondent.post(url, {"code": f"ABCDEFG{'23456789'[guess % 8]}"[:8]})
        assert response.status_code == 200

    blocked = respondent.post(url, {"code": batch.invitations.get().code})

    assert blocked.status_code == 429
    assert batch.invitations.get().code_used_at is None
    assert not AuditEvent.objects.filter(ip_address=RESPONDENT_ADDRESS).exists()
