"""The evaluation's personal data in the data-protection register: legal basis, retention
(with time travel and dry runs), the register extract and erasure."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.utils import timezone

from evaluation.actions.reminders import pending_survey_notifications, schedule_invitation_emails
from evaluation.models import (
    Answer,
    ExportStatus,
    Invitation,
    InvitationStatus,
    ResearchExport,
    RespondentGroup,
    StudyStatus,
)
from peersupport.accounts.models import Role
from peersupport.dataprotection.registry import model_labels, registry
from peersupport.extracts.actions import produce_extract, request_extract
from peersupport.extracts.items import plain
from peersupport.retention.actions import thin_due_records
from tests.factories import certified_participant, person_with_role

from .builders import answer, make_instrument, make_invitation, make_study, make_wave

pytestmark = pytest.mark.django_db

EVALUATION_PERSONAL_MODELS = {
    "evaluation.instrumentversion",
    "evaluation.study",
    "evaluation.invitation",
    "evaluation.answer",
    "evaluation.slipbatch",
    "evaluation.researchexport",
}


def months_ahead(months: int, days: int = 0) -> dt.datetime:
    return timezone.now() + relativedelta(months=months, days=days)


def due(rule: str, **run) -> dict[str | None, int]:
    """The rule's count per region code in a run (a dry run unless told otherwise)."""
    run.setdefault("dry_run", True)
    return {
        (entry.region.code if entry.region else None): entry.count
        for entry in thin_due_records(**run)
        if entry.rule.key == rule
    }


@pytest.fixture
def survey(stockholm, skane):
    """A study covering both regions: a Stockholm and a Skåne peer supporter answered
    its baseline, a Stockholm unit manager is invited and a service user answered a slip."""
    version = make_instrument()
    study = make_study(regions=[stockholm, skane])
    wave = make_wave(study, [version])
    managers = make_wave(study, [version], name="Enhetschefer", group=RespondentGroup.UNIT_MANAGERS)
    slips = make_wave(study, [version], name="Brukare", group=RespondentGroup.SERVICE_USERS)
    alva = certified_participant(stockholm, name="Alva Ek")
    bo = certified_participant(skane, name="Bo Svensson")
    sthlm = make_invitation(wave, region=stockholm, anchor_key="enrolment:1", participant=alva)
    answer(sthlm, {"a1": 4, "a2": 2, "a3": 5})
    skane_invitation = make_invitation(wave, region=skane, anchor_key="enrolment:2", participant=bo)
    answer(skane_invitation, {"a1": 1, "a2": 1, "a3": 1})
    manager = person_with_role(Role.UNIT_MANAGER, stockholm, full_name="Maja Chef")
    manager_invitation = make_invitation(
        managers, region=stockholm, anchor_key="readiness:1:1", user=manager
    )
    slip = make_invitation(slips, region=stockholm, anchor_key="slip:1", code="ABCDEFGH")
    answer(slip, {"a1": 3})
    return {
        "study": study,
        "alva": alva,
        "bo": bo,
        "stockholm": sthlm,
        "skane": skane_invitation,
        "manager": manager,
        "manager_invitation": manager_invitation,
        "slip": slip,
    }


# Legal basis ------------------------------------------------------------------------------


def test_every_evaluation_record_about_a_person_has_a_legal_basis():
    """Survey answers rest on research in the public interest (6.1 e, 9.2 j), not on a
    consent purpose of the core: the study's consent is recorded per invitation."""
    assert model_labels(registry.legal_bases.values()) >= EVALUATION_PERSONAL_MODELS
    answers = registry.legal_bases["evaluation.personal_answers"]
    assert "6.1 e" in str(answers.article_6)
    assert "9.2 j" in str(answers.article_9)
    assert answers.consent_purpose == ""
    assert "evaluation.answer" in answers.models


# Retention --------------------------------------------------------------------------------


def test_export_files_are_deleted_three_months_after_the_export(
    researcher, settings, tmp_path, django_capture_on_commit_callbacks, survey
):
    """A dry run counts without deleting; the run deletes every file and keeps the row."""
    settings.MEDIA_ROOT = tmp_path
    export = ResearchExport.objects.create(
        study=survey["study"],
        requested_by=researcher,
        status=ExportStatus.DONE,
        finished_at=timezone.now(),
        respondent_count=2,
    )
    export.long_csv.save("long.csv", ContentFile(b"respondent,item,value\n"), save=False)
    export.spss.save("wide.sav", ContentFile(b"$FL2"), save=False)
    export.save()
    paths = [Path(export.long_csv.path), Path(export.spss.path)]

    assert due("evaluation.export_files", now=months_ahead(2, days=27)) == {None: 0}
    assert due("evaluation.export_files", now=months_ahead(3, days=1)) == {None: 1}
    assert all(path.exists() for path in paths)

    with django_capture_on_commit_callbacks(execute=True):
        assert due("evaluation.export_files", now=months_ahead(3, days=1), dry_run=False) == {
            None: 1
        }

    export.refresh_from_db()
    assert not export.long_csv and not export.spss
    assert not any(path.exists() for path in paths)
    assert (export.requested_by, export.respondent_count) == (researcher, 2)
    assert due("evaluation.export_files", now=months_ahead(4)) == {None: 0}


def test_an_open_study_keeps_who_answered(survey):
    """However long ago, an open study's invitations keep naming their respondent."""
    assert set(due("evaluation.named_invitations", now=months_ahead(60)).values()) == {0}


def test_a_closed_studys_invitations_stop_naming_the_respondent_after_two_years(survey):
    """Counted from the study's last invitation closing (a month from now): 23 months on
    nothing is due, 26 months on each region's named invitations are; thinning keeps
    every answer, the anchor key and the status, so the results are unchanged."""
    survey["study"].status = StudyStatus.CLOSED
    survey["study"].save()
    answers_before = list(Answer.objects.order_by("pk").values_list("pk", "value"))

    assert set(due("evaluation.named_invitations", now=months_ahead(23)).values()) == {0}
    later = months_ahead(26)
    assert due("evaluation.named_invitations", now=later) == {"stockholm": 2, "skane": 1}
    assert Invitation.objects.filter(participant=survey["alva"]).exists()

    assert due("evaluation.named_invitations", now=later, dry_run=False) == {
        "stockholm": 2,
        "skane": 1,
    }

    assert not Invitation.objects.filter(participant__isnull=False).exists()
    assert not Invitation.objects.filter(user__isnull=False).exists()
    sthlm = Invitation.objects.get(pk=survey["stockholm"].pk)
    # The anchor key named the enrolment; it becomes the invitation's own id.
    assert (sthlm.anchor_key, sthlm.status) == (f"thinned:{sthlm.pk}", InvitationStatus.COMPLETED)
    assert list(Answer.objects.order_by("pk").values_list("pk", "value")) == answers_before
    assert set(due("evaluation.named_invitations", now=later).values()) == {0}


# Register extract -------------------------------------------------------------------------


def section(key: str, subject) -> list[dict]:
    items = registry.extract_sections[key].collect(subject)
    return [
        {"title": str(item.title), **{f.key: plain(f.value) for f in item.fields}} for item in items
    ]


def test_a_peer_supporters_extract_holds_their_invitations_and_answers_only(survey):
    """Alva's extract has her invitation (study, wave, status) and each answer's item text
    and chosen label; nothing of Bo's answers, and no slip's."""
    subject = survey["alva"].data_subject()

    (invitation,) = section("evaluation.invitations", subject)
    answers = section("evaluation.answers", subject)

    assert invitation["title"] == "Uppföljning 2026: Baslinje"
    assert invitation["status"] == str(InvitationStatus.COMPLETED.label)
    assert invitation["information_version"] == 1
    assert [(a["title"], a["item"], a["value"]) for a in answers] == [
        ("Påstående a1", "a1", "4 (Stämmer ganska bra)"),
        ("Påstående a2", "a2", "2 (Stämmer dåligt)"),
        ("Påstående a3", "a3", "5 (Stämmer helt)"),
    ]


def test_the_written_extract_holds_the_survey_sections(survey, coordinator, settings, tmp_path):
    """The register extract a worker writes (PDF and JSON) carries both sections, with the
    answers' item texts and values, and nothing of Bo's."""
    settings.MEDIA_ROOT = tmp_path
    subject = survey["alva"].data_subject()
    extract = request_extract(
        actor=coordinator, subject=subject, language="sv", region_id=subject.region_id, own=False
    )
    extract = produce_extract(extract_id=extract.pk)

    document = json.loads(extract.json.read())
    sections = {section["key"]: section for section in document["sections"]}
    (invitation,) = sections["evaluation.invitations"]["records"]
    assert invitation["fields"]["information_version"] == 1
    answers = sections["evaluation.answers"]["records"]
    assert [answer["fields"]["value"] for answer in answers] == [
        "4 (Stämmer ganska bra)",
        "2 (Stämmer dåligt)",
        "5 (Stämmer helt)",
    ]
    assert "Bo Svensson" not in json.dumps(document, ensure_ascii=False)
    assert extract.pdf


def test_a_unit_managers_extract_holds_their_own_invitation(survey):
    subject = registry.subject_kinds["accounts.user"].resolve(survey["manager"].pk)
    (invitation,) = section("evaluation.invitations", subject)
    assert invitation["title"].endswith("Enhetschefer")
    assert section("evaluation.answers", subject) == []


def test_anonymous_answers_are_in_nobodys_extract(survey, stockholm):
    """A subject with neither a programme record nor an account matches no slip."""
    nobody = (
        survey["alva"]
        .data_subject()
        .__class__(kind="accounts.user", pk=0, name="", region_id=stockholm.pk)
    )
    assert section("evaluation.invitations", nobody) == []
    assert section("evaluation.answers", nobody) == []


# Erasure ----------------------------------------------------------------------------------


def test_erasure_cuts_the_link_and_cancels_what_is_still_open(survey, coordinator, stockholm):
    """Given answers stay for the study, no longer linked to the person; an open
    invitation is cancelled and its unsent e-mails are deleted, so no reminder follows."""
    open_wave = make_wave(survey["study"], [], name="Kursslut")
    still_open = make_invitation(
        open_wave, region=stockholm, anchor_key="course_end:1", participant=survey["alva"]
    )
    schedule_invitation_emails([still_open])
    assert pending_survey_notifications(Invitation.objects.filter(pk=still_open.pk)).exists()
    answers_before = Answer.objects.filter(invitation=survey["stockholm"]).count()

    changed = registry.erasure_rules["evaluation.surveys"].erase(
        survey["alva"].data_subject(), coordinator
    )

    assert changed == 2
    still_open.refresh_from_db()
    assert still_open.status == InvitationStatus.CANCELLED and still_open.participant is None
    assert not pending_survey_notifications(Invitation.objects.filter(pk=still_open.pk)).exists()
    answered = Invitation.objects.get(pk=survey["stockholm"].pk)
    assert answered.participant is None and answered.status == InvitationStatus.COMPLETED
    assert Answer.objects.filter(invitation=answered).count() == answers_before
    assert Invitation.objects.get(pk=survey["skane"].pk).participant == survey["bo"]
