"""The go-live import: upload, a preview of every row, and confirm – all or nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from peersupport.audit.models import AuditEvent
from peersupport.dataprotection.models import Consent, ConsentMethod, ConsentText
from peersupport.golive.models import PendingImport
from peersupport.golive.registry import Outcome, importers
from programmes.actions import LIVED_EXPERIENCE
from programmes.models import Participant, ParticipantStatus
from workplaces.models import Organisation, Placement, PlacementStatus, Workplace

from ..factories import ready_workplace
from .files import (
    PEOPLE_COLUMNS,
    PLACEMENT_COLUMNS,
    WORKPLACE_COLUMNS,
    broken_people_xlsx,
    csv_bytes,
    people_rows,
    people_xlsx,
    workplace_rows,
    workplaces_xlsx,
    xlsx,
)

UPLOAD = reverse("golive:import_upload")


def upload(client, region, kind: str, name: str, data: bytes):
    return client.post(
        UPLOAD, {"kind": kind, "region": region.pk, "file": SimpleUploadedFile(name, data)}
    )


def preview(client, region, kind, name, data):
    """Upload and follow to the preview; returns the preview response."""
    response = upload(client, region, kind, name, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response.url)


def outcomes(response) -> list[str]:
    return [row.outcome for row in response.context["results"]]


def confirm_url(response) -> str:
    return reverse("golive:import_confirm", args=[response.context["pending"].pk])


def test_a_clean_file_imports_every_row(coordinator, stockholm, client_for):
    """Twenty certified peer supporters from an .xlsx: the preview says new for each, and
    confirming registers them as certified, with their consent on paper and audit events;
    the uploaded rows are gone afterwards."""
    client = client_for(coordinator)
    response = preview(client, stockholm, "peer_supporters", "people.xlsx", people_xlsx(stockholm))
    assert outcomes(response) == [Outcome.NEW] * 20
    assert Participant.objects.count() == 0
    assert confirm_url(response).encode() in response.content

    response = client.post(confirm_url(response))

    assert response.status_code == 302
    people = Participant.objects.filter(region=stockholm)
    assert people.count() == 20
    assert set(people.values_list("status", flat=True)) == {ParticipantStatus.CERTIFIED}
    assert all(p.lived_experience_declared for p in people)
    consents = Consent.objects.filter(purpose=LIVED_EXPERIENCE, region=stockholm)
    assert consents.count() == 20
    assert {c.method for c in consents} == {ConsentMethod.PAPER}
    assert AuditEvent.objects.filter(object_type="programmes.participant").count() >= 20
    assert not PendingImport.objects.exists()


def test_a_file_with_errors_imports_nothing(coordinator, stockholm, client_for):
    """A broken file: the preview names each bad row's column, offers no import, and a
    confirmation posted anyway saves nothing."""
    client = client_for(coordinator)
    response = preview(
        client, stockholm, "peer_supporters", "broken.xlsx", broken_people_xlsx(stockholm)
    )
    results = response.context["results"]
    assert [row.outcome for row in results] == [
        Outcome.NEW,
        Outcome.ERROR,
        Outcome.ERROR,
        Outcome.ERROR,
        Outcome.NEW,
    ]
    assert [[column for column, _message in row.errors] for row in results[1:4]] == [
        ["email"],
        ["status"],
        ["consent_on_paper"],
    ]
    assert results[1].number == 3
    assert confirm_url(response).encode() not in response.content

    response = client.post(confirm_url(response))

    assert response.status_code == 400
    assert not Participant.objects.exists()
    assert not Consent.objects.exists()


@pytest.mark.english
def test_the_consent_rule_is_stated_and_enforced(coordinator, stockholm, client_for):
    """The preview says what happens to the lived-experience declaration, and a row without
    the date of the consent on paper is refused with that reason."""
    client = client_for(coordinator)
    rows = people_rows(stockholm, 1)
    rows[0][5] = ""
    response = preview(client, stockholm, "peer_supporters", "p.xlsx", xlsx(PEOPLE_COLUMNS, rows))
    assert b"signed the consent on paper" in response.content
    [row] = response.context["results"]
    assert row.errors[0][0] == "consent_on_paper"
    assert "signed the consent on paper" in row.errors[0][1]


def test_importing_again_creates_no_duplicates(coordinator, stockholm, client_for):
    """The same file twice: the second preview finds every row unchanged and offers nothing
    to import; a changed phone number is an update of the same person."""
    client = client_for(coordinator)
    data = people_xlsx(stockholm, n=3)
    client.post(confirm_url(preview(client, stockholm, "peer_supporters", "a.xlsx", data)))
    assert Participant.objects.count() == 3

    again = preview(client, stockholm, "peer_supporters", "a.xlsx", data)
    assert outcomes(again) == [Outcome.UNCHANGED] * 3
    assert confirm_url(again).encode() not in again.content

    rows = people_rows(stockholm, 3)
    rows[0][2] = "070-111 22 33"
    changed = preview(client, stockholm, "peer_supporters", "b.xlsx", xlsx(PEOPLE_COLUMNS, rows))
    assert outcomes(changed) == [Outcome.UPDATED, Outcome.UNCHANGED, Outcome.UNCHANGED]
    client.post(confirm_url(changed))
    assert Participant.objects.count() == 3
    assert Participant.objects.get(email=rows[0][1]).phone == "070-111 22 33"


def test_a_row_refused_at_confirmation_rolls_back_the_whole_file(
    coordinator, stockholm, client_for
):
    """A row an action refuses at confirmation (here: no consent text in force any more)
    undoes every row, and the file stays for another try."""
    client = client_for(coordinator)
    rows = people_rows(stockholm, 3)
    response = preview(client, stockholm, "applicants", "a.xlsx", xlsx(PEOPLE_COLUMNS, rows))
    assert outcomes(response) == [Outcome.NEW] * 3
    # The consent text is withdrawn between preview and confirm: the action refuses.
    ConsentText.objects.filter(purpose=LIVED_EXPERIENCE).delete()

    refused = client.post(confirm_url(response))

    assert refused.status_code == 400
    assert any(row.has_error for row in refused.context["results"])
    assert not Participant.objects.exists()
    assert PendingImport.objects.exists()


def test_workplaces_import_from_csv(coordinator, stockholm, client_for):
    """Workplaces from a .csv (Excel's Swedish semicolons too): one organisation, five units,
    made through the workplace actions; a second import leaves them as they are."""
    client = client_for(coordinator)
    data = csv_bytes(WORKPLACE_COLUMNS, workplace_rows(stockholm, 5)).replace(b",", b";")
    response = preview(client, stockholm, "workplaces", "units.csv", data)
    assert outcomes(response) == [Outcome.NEW] * 5
    client.post(confirm_url(response))
    assert Organisation.objects.filter(region=stockholm).count() == 1
    assert Workplace.objects.filter(region=stockholm).count() == 5

    again = preview(client, stockholm, "workplaces", "u.xlsx", workplaces_xlsx(stockholm))
    assert outcomes(again) == [Outcome.UNCHANGED] * 5


def test_a_workplace_contact_name_is_privacy_guarded(coordinator, stockholm, client_for):
    """A contact person's name holding an e-mail address is refused at its column."""
    client = client_for(coordinator)
    rows = workplace_rows(stockholm, 1)
    rows[0][5] = "Karin karin@example.org"
    response = preview(client, stockholm, "workplaces", "u.xlsx", xlsx(WORKPLACE_COLUMNS, rows))
    [row] = response.context["results"]
    assert [column for column, _message in row.errors] == ["contact_name"]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_templates_download_and_import_cleanly(coordinator, stockholm, client_for, file_format):
    """Each kind's template, in both formats, has its columns and an example row that the
    preview accepts as new."""
    client = client_for(coordinator)
    for importer in importers():
        response = client.get(
            reverse("golive:template_download", args=[importer.kind, file_format])
        )
        assert response.status_code == 200
        if file_format == "xlsx":
            sheet = load_workbook(io.BytesIO(response.content)).active
            headers = [cell.value for cell in sheet[1]]
        else:
            headers = response.content.decode("utf-8-sig").splitlines()[0].split(",")
        assert headers == [column.key for column in importer.columns]
        result = preview(client, stockholm, importer.kind, f"t.{file_format}", response.content)
        [row] = result.context["results"]
        if importer.kind == "placements":
            # The example refers to a peer supporter not in the system: that is its only error.
            assert [column for column, _message in row.errors] == ["email"]
        else:
            assert row.outcome == Outcome.NEW, row.errors


def test_an_unknown_template_is_404(coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("golive:template_download", args=["nothing", "xlsx"])
    assert client.get(url).status_code == 404


def test_a_file_without_the_required_columns_is_refused(coordinator, stockholm, client_for):
    """A file lacking required columns is refused at the upload, with status 400."""
    client = client_for(coordinator)
    response = upload(client, stockholm, "peer_supporters", "x.xlsx", xlsx(["name"], [["A"]]))
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    response = upload(client, stockholm, "peer_supporters", "x.pdf", b"%PDF")
    assert response.status_code == 400


def test_another_regions_coordinator_cannot_see_or_confirm(
    coordinator, other_coordinator, stockholm, client_for
):
    """Skåne's coordinator cannot open, confirm or cancel Stockholm's pending import (404),
    nor upload into Stockholm."""
    response = preview(
        client_for(coordinator), stockholm, "peer_supporters", "p.xlsx", people_xlsx(stockholm, 2)
    )
    pk = response.context["pending"].pk
    other = client_for(other_coordinator)
    assert other.get(reverse("golive:import_preview", args=[pk])).status_code == 404
    assert other.post(reverse("golive:import_confirm", args=[pk])).status_code == 404
    assert other.post(reverse("golive:import_cancel", args=[pk])).status_code == 404
    assert (
        upload(other, stockholm, "peer_supporters", "p.xlsx", people_xlsx(stockholm, 2)).status_code
        == 400
    )
    assert not Participant.objects.exists()
    assert PendingImport.objects.filter(pk=pk).exists()


@pytest.mark.parametrize("role", ["peer_supporter", "supervisor", "unit_manager", "researcher"])
def test_other_roles_get_403(role, request, client_for, coordinator, stockholm):
    client = client_for(request.getfixturevalue(role))
    assert client.get(UPLOAD).status_code == 403
    url = reverse("golive:template_download", args=["applicants", "csv"])
    assert client.get(url).status_code == 403


def test_cancel_deletes_the_file(coordinator, stockholm, client_for):
    client = client_for(coordinator)
    response = preview(client, stockholm, "applicants", "a.xlsx", people_xlsx(stockholm, 2))
    pk = response.context["pending"].pk
    assert client.post(reverse("golive:import_cancel", args=[pk])).status_code == 302
    assert not PendingImport.objects.exists()


def _preview_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# Session, user, memberships, the pending import, the page's own; then the records already
# there: participants (one query), or organisations and workplaces (two).
@pytest.mark.parametrize(
    ("kind", "make", "queries"),
    [("peer_supporters", people_xlsx, 6), ("workplaces", workplaces_xlsx, 7)],
)
def test_the_preview_costs_a_fixed_number_of_queries(
    coordinator, stockholm, client_for, kind, make, queries
):
    """Previewing 3 or 60 rows, 3 of them already registered, costs the same queries."""
    client = client_for(coordinator)
    client.post(confirm_url(preview(client, stockholm, kind, "a.xlsx", make(stockholm, 3))))
    counts = []
    for data in (make(stockholm, 3), make(stockholm, 60)):
        # Each upload replaces the uploader's earlier pending import.
        pending = preview(client, stockholm, kind, "a.xlsx", data).context["pending"]
        counts.append(_preview_queries(client, reverse("golive:import_preview", args=[pending.pk])))
    assert counts == [queries, queries]


def _placement(email, workplace, start="2026-02-01", hours=20, tasks="conversations"):
    return [
        email,
        workplace.organisation.name,
        workplace.name,
        start,
        "",
        hours,
        "association",
        tasks,
    ]


def test_placements_import_by_the_rules_of_agreeing_one(coordinator, stockholm, client_for):
    """Placements refer to people and workplaces already imported; a workplace that is not
    ready, an unknown person and hours beyond full time are refused at their columns. A clean
    file proposes each placement with the coordinator's agreement, and importing it again
    changes nothing."""
    client = client_for(coordinator)
    client.post(
        confirm_url(
            preview(client, stockholm, "peer_supporters", "p.xlsx", people_xlsx(stockholm, 2))
        )
    )
    first, second = Participant.objects.order_by("email")
    ready = ready_workplace(coordinator, stockholm, name="Enhet Redo")
    client.post(
        confirm_url(
            preview(client, stockholm, "workplaces", "w.xlsx", workplaces_xlsx(stockholm, 1))
        )
    )
    not_ready = Workplace.objects.exclude(pk=ready.pk).get()

    broken = [
        _placement(first.email, ready, hours=30),
        _placement(first.email, ready, start="2026-03-01", hours=20),
        _placement(second.email, not_ready),
        _placement("nobody@example.org", ready),
        _placement(second.email, ready, tasks="conversations, juggling"),
    ]
    response = preview(client, stockholm, "placements", "pl.xlsx", xlsx(PLACEMENT_COLUMNS, broken))
    assert [[c for c, _m in row.errors] for row in response.context["results"]] == [
        [],
        ["hours_per_week"],
        ["workplace"],
        ["email"],
        ["tasks"],
    ]

    clean = [
        _placement(first.email, ready, hours=30),
        _placement(second.email, ready, tasks="conversations, Group activities and study circles"),
    ]
    data = xlsx(PLACEMENT_COLUMNS, clean)
    response = preview(client, stockholm, "placements", "pl.xlsx", data)
    assert outcomes(response) == [Outcome.NEW, Outcome.NEW]
    assert client.post(confirm_url(response)).status_code == 302
    placements = Placement.objects.filter(workplace=ready)
    assert placements.count() == 2
    assert {p.status for p in placements} == {PlacementStatus.PROPOSED}
    assert all(p.coordinator_agreed_by == coordinator for p in placements)
    assert placements.get(participant=second).tasks == ["conversations", "groups"]

    again = preview(client, stockholm, "placements", "pl.xlsx", data)
    assert outcomes(again) == [Outcome.UNCHANGED, Outcome.UNCHANGED]


def test_the_placement_preview_costs_a_fixed_number_of_queries(coordinator, stockholm, client_for):
    """Previewing 3 or 60 placements of registered peer supporters at a ready workplace
    costs the same queries: people, workplaces with their readiness, placements, hours."""
    client = client_for(coordinator)
    client.post(
        confirm_url(
            preview(client, stockholm, "peer_supporters", "p.xlsx", people_xlsx(stockholm, 60))
        )
    )
    ready = ready_workplace(coordinator, stockholm, name="Enhet Redo")
    emails = list(Participant.objects.values_list("email", flat=True))
    counts = []
    for n in (3, 60):
        data = xlsx(PLACEMENT_COLUMNS, [_placement(email, ready) for email in emails[:n]])
        response = preview(client, stockholm, "placements", "pl.xlsx", data)
        assert outcomes(response) == [Outcome.NEW] * n
        url = reverse("golive:import_preview", args=[response.context["pending"].pk])
        counts.append(_preview_queries(client, url))
    assert counts == [11, 11]
