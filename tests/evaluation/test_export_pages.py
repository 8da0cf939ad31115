"""Research export pages: asked for with a fresh password, progress while a worker writes
it, audited downloads; researchers and admins only, each researcher their own exports."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from django.urls import reverse

from evaluation.actions.exports import produce_export, request_export
from evaluation.export_tasks import produce_export_task
from evaluation.models import ExportStatus, ResearchExport
from peersupport.accounts.models import Role
from peersupport.audit.models import AuditAction, AuditEvent
from tests.celery_worker import celery_worker_process  # noqa: F401
from tests.evaluation.builders import (
    answer,
    make_instrument,
    make_invitation,
    make_study,
    make_wave,
)
from tests.factories import certified_participant, person_with_role

pytestmark = pytest.mark.django_db

KINDS = ["long", "wide", "sav", "codebook"]


@pytest.fixture(autouse=True)
def _no_broker(settings):
    """Tests send the task themselves: nothing goes to a shared queue."""
    settings.EVALUATION_EXPORTS_QUEUE_ON_REQUEST = False


@pytest.fixture
def study(stockholm):
    """A Stockholm study with one completed answer sheet by Alma Andersson."""
    version = make_instrument("upplevelse", reverse=["a2"])
    study = make_study(name="Uppföljning 2026", regions=[stockholm])
    wave = make_wave(study, [version])
    alma = certified_participant(stockholm, name="Alma Andersson")
    invitation = make_invitation(wave, region=stockholm, anchor_key="alma", participant=alma)
    answer(invitation, {"a1": 4, "a2": 2, "a3": 5, "b1": 3, "b2": 1, "b3": 5})
    return study


@pytest.fixture
def written(researcher, study) -> ResearchExport:
    export = request_export(actor=researcher, study=study)
    return produce_export(export_id=export.pk)


def exports_url(study) -> str:
    return reverse("evaluation:study_exports", args=[study.pk])


def test_asking_for_an_export_asks_for_the_password_first(researcher, client_for, study):
    """Without a fresh password the request is sent to re-authenticate; nothing queued."""
    response = client_for(researcher).post(exports_url(study))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not ResearchExport.objects.exists()


def test_asking_for_an_export_returns_at_once_and_shows_progress(
    researcher, client_for, study, stockholm
):
    """With a fresh password the export is queued for the researcher's regions and the
    page shows its progress, with a status the page's script polls."""
    client = client_for(researcher, reauthenticated=True)

    response = client.post(exports_url(study))

    export = ResearchExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:export_detail", args=[export.pk])
    assert export.status == ExportStatus.QUEUED
    assert export.requested_by == researcher
    assert list(export.regions.all()) == [stockholm]
    page = client.get(response["Location"])
    assert reverse("evaluation:export_status", args=[export.pk]).encode() in page.content
    assert b"js/extract-progress.js" in page.content
    status = client.get(reverse("evaluation:export_status", args=[export.pk])).json()
    assert status["status"] == "queued" and status["ready"] is False
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="evaluation.researchexport", actor=researcher
    ).exists()


def test_the_list_shows_the_researchers_own_exports(researcher, client_for, study, written):
    """The study's export page lists the user's exports and offers a new one."""
    other = person_with_role(Role.RESEARCHER, study.regions.get(), full_name="Olof Annan")
    request_export(actor=other, study=study)

    response = client_for(researcher).get(exports_url(study))

    assert response.status_code == 200
    assert list(response.context["exports"]) == [written]
    assert b'id="export-request-form"' in response.content


def test_a_ready_export_offers_four_downloads_each_audit_logged(researcher, client_for, written):
    """The ready page links the four files; each download is the file and writes an
    export event naming the kind."""
    client = client_for(researcher)
    page = client.get(reverse("evaluation:export_detail", args=[written.pk]))
    assert b"js/extract-progress.js" not in page.content

    for kind in KINDS:
        url = reverse("evaluation:export_download", args=[written.pk, kind])
        assert url.encode() in page.content
        response = client.get(url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert "attachment" in response["Content-Disposition"]
        if kind == "wide":
            frame = pd.read_csv(io.BytesIO(body))
            assert frame.loc[0, "upplevelse_a2"] == 4

    events = AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="evaluation.researchexport"
    )
    assert sorted(event.detail["research_export"] for event in events) == sorted(KINDS)
    assert {event.actor for event in events} == {researcher}
    assert {event.object_id for event in events} == {str(written.pk)}


def test_an_unknown_kind_or_an_unwritten_export_has_no_download(
    researcher, client_for, study, written
):
    """No file for a kind that does not exist, nor while the export is queued."""
    client = client_for(researcher)
    queued = request_export(actor=researcher, study=study)

    assert (
        client.get(reverse("evaluation:export_download", args=[written.pk, "pdf"])).status_code
        == 404
    )
    assert (
        client.get(reverse("evaluation:export_download", args=[queued.pk, "wide"])).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_another_researchers_export_is_not_found(client_for, study, written):
    """A researcher of the same region cannot open, poll or download someone else's
    export, and nothing is audit-logged as downloaded."""
    other = person_with_role(Role.RESEARCHER, study.regions.get(), full_name="Olof Annan")
    client = client_for(other)

    for url in (
        reverse("evaluation:export_detail", args=[written.pk]),
        reverse("evaluation:export_status", args=[written.pk]),
        *(reverse("evaluation:export_download", args=[written.pk, kind]) for kind in KINDS),
    ):
        assert client.get(url).status_code == 404, url
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_admin_sees_every_export(admin_user, client_for, written):
    """The admin downloads a researcher's export."""
    response = client_for(admin_user).get(
        reverse("evaluation:export_download", args=[written.pk, "codebook"])
    )
    assert response.status_code == 200


@pytest.mark.parametrize("role_fixture", ["coordinator", "peer_supporter", "auditor"])
def test_other_roles_are_refused(request, role_fixture, client_for, study, written):
    """Coordinators see results pages only; no one but researchers and admins gets here."""
    client = client_for(request.getfixturevalue(role_fixture), reauthenticated=True)

    for method, url in (
        ("get", exports_url(study)),
        ("post", exports_url(study)),
        ("get", reverse("evaluation:export_detail", args=[written.pk])),
        ("get", reverse("evaluation:export_status", args=[written.pk])),
        ("get", reverse("evaluation:export_download", args=[written.pk, "wide"])),
    ):
        assert getattr(client, method)(url).status_code == 403, (method, url)
    assert ResearchExport.objects.count() == 1


def test_a_study_outside_the_researchers_regions_is_not_found(client_for, study, skane):
    """A Skåne researcher does not see a Stockholm study's export page."""
    other = person_with_role(Role.RESEARCHER, skane, full_name="Nils Åberg")

    assert client_for(other).get(exports_url(study)).status_code == 404


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_writes_the_export(celery_worker_process, researcher, study):  # noqa: F811
    """The task, queued to a real Celery worker, writes the four files and marks the
    export ready."""
    export = request_export(actor=researcher, study=study)
    assert export.status == ExportStatus.QUEUED

    celery_worker_process.wait_for_task(celery_worker_process.send(produce_export_task, export.pk))

    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    assert all(getattr(export, name) for name in ("long_csv", "wide_csv", "spss", "codebook"))
    frame = pd.read_csv(export.wide_csv.path)
    assert list(frame["upplevelse_a2"]) == [4]


@pytest.mark.parametrize("count", [1, 4])
def test_the_export_list_costs_the_same_queries_whatever_its_length(
    researcher, client_for, study, count, django_assert_num_queries
):
    """Session, user, memberships, the MFA check, the study, and the exports with who
    asked: one query each, however many exports there are."""
    for _ in range(count):
        request_export(actor=researcher, study=study)
    client = client_for(researcher)

    with django_assert_num_queries(6):
        response = client.get(exports_url(study))

    assert len(response.context["exports"]) == count


def test_an_export_whose_files_were_removed_says_so(researcher, client_for, written):
    """After the retention period the page says the files are gone and offers none."""
    from evaluation.retention import delete_export_files

    delete_export_files(ResearchExport.objects.filter(pk=written.pk))
    client = client_for(researcher)

    page = client.get(reverse("evaluation:export_detail", args=[written.pk]))

    assert b'id="export-files-removed"' in page.content
    assert b'id="export-downloads"' not in page.content
    url = reverse("evaluation:export_download", args=[written.pk, "wide"])
    assert client.get(url).status_code == 404
