"""Building studies and waves through the actions: the rules a researcher meets."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from evaluation.actions import studies as actions
from evaluation.actions.reminders import pending_survey_notifications
from evaluation.models import (
    Anchor,
    Invitation,
    RespondentGroup,
    StudyStatus,
)
from peersupport.audit.models import AuditAction, AuditEvent
from tests.factories import certified_participant

from .builders import make_instrument, make_invitation, make_study, make_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def instrument():
    return make_instrument("exp")


@pytest.fixture
def draft(researcher, stockholm):
    return actions.create_study(actor=researcher, name="Uppföljning 2027", regions=[stockholm])


def wave_fields(instrument, **fields):
    return {
        "name": "Baslinje",
        "group": RespondentGroup.PEER_SUPPORTERS,
        "anchor": Anchor.ENROLMENT,
        "instruments": [instrument],
        **fields,
    }


def pdf_text(field) -> str:
    with field.open("rb") as pdf:
        content = pdf.read()
    return subprocess.run(
        ["/usr/bin/pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_only_researchers_build_studies_and_only_in_their_regions(coordinator, researcher, skane):
    """A coordinator may not create a study; a researcher may not choose a region where
    they are not a researcher."""
    with pytest.raises(ValidationError):
        actions.create_study(actor=coordinator, name="Min studie")
    with pytest.raises(ValidationError) as refused:
        actions.create_study(actor=researcher, name="Skånestudien", regions=[skane])
    assert "regions" in refused.value.message_dict


def test_creating_a_study_is_audit_logged(draft, researcher):
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(draft.pk))
    assert event.actor == researcher
    assert draft.status == StudyStatus.DRAFT
    assert draft.created_by == researcher


def test_publishing_information_makes_a_new_version_with_pdfs_in_both_languages(draft, researcher):
    """Each publication is a new version; the old one stays; the PDFs hold the text."""
    first = actions.publish_information(
        actor=researcher, study=draft, text_sv="Första texten om studien.", text_en="First text."
    )
    second = actions.publish_information(
        actor=researcher,
        study=draft,
        text_sv="Andra texten om studien.",
        text_en="The second text about the study.",
    )

    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.text_sv == "Första texten om studien."
    assert draft.information.current() == second
    assert "Andra texten om studien." in pdf_text(second.pdf_sv)
    assert "The second text about the study." in pdf_text(second.pdf_en)


def test_information_needs_both_languages(draft, researcher):
    with pytest.raises(ValidationError) as refused:
        actions.publish_information(actor=researcher, study=draft, text_sv="Text", text_en=" ")
    assert set(refused.value.message_dict) == {"text_en"}


def test_a_study_opens_only_with_a_wave_and_published_information(draft, researcher, instrument):
    """Opening says what is missing; with a wave and an information text it opens."""
    with pytest.raises(ValidationError) as refused:
        actions.open_study(actor=researcher, study=draft)
    message = refused.value.messages[0]
    assert "published instrument" in message or "publicerat" in message
    assert draft.status == StudyStatus.DRAFT

    actions.add_wave(actor=researcher, study=draft, **wave_fields(instrument))
    actions.publish_information(actor=researcher, study=draft, text_sv="Info", text_en="Info")
    actions.open_study(actor=researcher, study=draft)

    draft.refresh_from_db()
    assert draft.status == StudyStatus.OPEN


def test_opening_a_study_invites_those_already_due(researcher, stockholm, instrument):
    """A custom wave of an opened study invites the region's peer supporters at once."""
    participant = certified_participant(stockholm)
    study = actions.create_study(actor=researcher, name="Enkät", regions=[stockholm])
    today = timezone.localdate()
    actions.add_wave(
        actor=researcher,
        study=study,
        **wave_fields(
            instrument,
            anchor=Anchor.CUSTOM,
            opens_on=today,
            closes_on=today + dt.timedelta(days=14),
        ),
    )
    actions.publish_information(actor=researcher, study=study, text_sv="Info", text_en="Info")

    assert actions.open_study(actor=researcher, study=study) == 1
    assert Invitation.objects.get().participant == participant


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"group": RespondentGroup.SERVICE_USERS, "anchor": Anchor.ENROLMENT}, "anchor"),
        ({"group": RespondentGroup.UNIT_MANAGERS, "anchor": Anchor.COURSE_END}, "anchor"),
        ({"anchor": Anchor.CUSTOM}, "opens_on"),
        (
            {
                "anchor": Anchor.CUSTOM,
                "opens_on": dt.date(2027, 5, 1),
                "closes_on": dt.date(2027, 4, 1),
            },
            "closes_on",
        ),
        ({"instruments": []}, "instruments"),
    ],
)
def test_a_wave_is_checked_before_it_is_saved(draft, researcher, instrument, fields, field):
    """Anchors the group cannot have, a custom window without or with backward dates and
    a wave without instruments are refused at the field."""
    with pytest.raises(ValidationError) as refused:
        actions.add_wave(actor=researcher, study=draft, **wave_fields(instrument, **fields))
    assert field in refused.value.message_dict
    assert not draft.waves.exists()


def test_a_wave_asks_only_published_instrument_versions(draft, researcher):
    unpublished = make_instrument("draft-instrument", published=False)
    with pytest.raises(ValidationError) as refused:
        actions.add_wave(actor=researcher, study=draft, **wave_fields(unpublished))
    assert "instruments" in refused.value.message_dict


def test_a_wave_with_invitations_keeps_its_timing_but_may_change_reminders(
    researcher, stockholm, instrument
):
    """Once invited, the wave's timing is fixed; its name and reminders can change."""
    study = make_study(regions=[stockholm])
    wave = make_wave(study, [instrument])
    make_invitation(wave, region=stockholm, anchor_key="enrolment:1")

    with pytest.raises(ValidationError):
        actions.update_wave(actor=researcher, wave=wave, **wave_fields(instrument, offset_months=6))
    updated = actions.update_wave(
        actor=researcher, wave=wave, **wave_fields(instrument, name="Start", max_reminders=1)
    )
    assert (updated.name, updated.max_reminders, updated.offset_months) == ("Start", 1, 0)


def test_closing_a_study_closes_its_waves_and_withdraws_reminders(
    researcher, stockholm, instrument
):
    from evaluation.actions.reminders import schedule_invitation_emails

    study = make_study(regions=[stockholm])
    wave = make_wave(study, [instrument])
    schedule_invitation_emails(
        [make_invitation(wave, region=stockholm, user=researcher, anchor_key="x")]
    )

    actions.close_study(actor=researcher, study=study)

    wave.refresh_from_db()
    assert wave.closed_at is not None
    assert not pending_survey_notifications(Invitation.objects.all()).exists()
    with pytest.raises(ValidationError):
        actions.open_study(actor=researcher, study=study)
