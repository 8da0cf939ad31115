"""The demo study: built and opened through the actions, with invitations in every state,
enough answers for scores, alpha and paired change, a slip batch with codes used and
unused, a written export, and a working link for the demo peer supporter. Seeding
again adds nothing."""

from __future__ import annotations

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from evaluation import demo as evaluation_demo
from evaluation.models import (
    Answer,
    ExportStatus,
    Invitation,
    InvitationStatus,
    ResearchExport,
    RespondentGroup,
    SlipBatch,
    Study,
    StudyStatus,
)
from evaluation.results import study_results
from peersupport.accounts import demo as accounts_demo
from peersupport.accounts.models import User
from programmes import demo as programme_demo
from workplaces import demo as workplace_demo

pytestmark = pytest.mark.django_db


def seed() -> None:
    """The seeds the evaluation demo builds on, and its own (as ``seed_demo`` runs them)."""
    accounts_demo.seed()
    programme_demo.seed()
    workplace_demo.seed()
    evaluation_demo.seed()


def counts() -> dict[str, int]:
    return {
        "studies": Study.objects.count(),
        "invitations": Invitation.objects.count(),
        "answers": Answer.objects.count(),
        "batches": SlipBatch.objects.count(),
        "exports": ResearchExport.objects.count(),
    }


def test_the_demo_study_shows_every_state_and_every_figure(client):
    seed()
    study = Study.objects.get(name=evaluation_demo.STUDY_NAME)
    now = timezone.now()

    assert study.status == StudyStatus.OPEN
    information = study.information.current()
    assert information.pdf_sv and information.pdf_en
    for text in (information.text_sv, information.text_en):
        assert "CEPI" in text and "NSPH" in text
    instruments = {
        version.instrument.key for wave in study.waves.all() for version in wave.instruments.all()
    }
    assert instruments == {"peer-experience", "staff-recovery-attitudes", "service-user-short"}
    assert set(study.waves.values_list("group", flat=True)) == set(RespondentGroup.values)

    invitations = Invitation.objects.filter(wave__study=study)
    pending = invitations.filter(status=InvitationStatus.PENDING)
    assert set(invitations.values_list("status", flat=True)) == set(InvitationStatus.values)
    assert pending.filter(opens_at__gt=now).exists(), "not yet open"
    assert pending.filter(opens_at__lte=now, closes_at__gt=now).exists(), "open"
    assert pending.filter(closes_at__lte=now, participant__isnull=False).exists(), "expired"
    assert invitations.filter(status=InvitationStatus.STARTED, answers__isnull=False).exists()
    withdrawn = invitations.filter(status=InvitationStatus.WITHDRAWN)
    assert withdrawn.filter(answers_deleted=False, answers__isnull=False).exists()
    assert withdrawn.filter(answers_deleted=True, answers__isnull=True).exists()

    baseline, course_end = (
        study.waves.get(name=evaluation_demo.WAVES[key][0])
        for key in (evaluation_demo.BASELINE, evaluation_demo.COURSE_END)
    )
    completed_both = (
        invitations.filter(wave=baseline, status=InvitationStatus.COMPLETED)
        .values("participant")
        .intersection(
            invitations.filter(wave=course_end, status=InvitationStatus.COMPLETED).values(
                "participant"
            )
        )
    )
    assert completed_both.count() >= 8

    results = study_results(User.objects.get(email="admin@example.org"), study)
    assert any(line.summary is not None for line in results.scores)
    assert any(line.alpha is not None for line in results.alphas)
    assert any(line.change is not None for line in results.changes)

    batch = SlipBatch.objects.get(wave__group=RespondentGroup.SERVICE_USERS)
    assert batch.workplace.region.code == "stockholm" and batch.pdf
    codes = batch.invitations.aggregate(
        used=Count("pk", filter=Q(code_used_at__isnull=False)),
        unused=Count("pk", filter=Q(code_used_at__isnull=True)),
    )
    assert codes["used"] >= 5 and codes["unused"] >= 1
    assert not batch.invitations.filter(Q(participant__isnull=False) | Q(user__isnull=False))

    export = ResearchExport.objects.get(study=study)
    assert export.status == ExportStatus.DONE and export.wide_csv and export.spss

    own = pending.get(participant__email="peer.stockholm@example.org", wave=baseline)
    page = client.get(reverse("evaluation:answer_start", args=[own.token]))
    assert page.status_code == 200
    assert information.text_sv.splitlines()[0] in page.content.decode()

    before = counts()
    evaluation_demo.seed()
    assert counts() == before
