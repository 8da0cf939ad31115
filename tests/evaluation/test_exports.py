"""Research exports: the wide CSV and the SPSS file hold exactly the planted answers with
reverse items scored; labels, codebook, pseudonyms, region scoping and what never goes in."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import statistics
from dataclasses import dataclass

import pandas as pd
import pyreadstat
import pytest
from django.utils import timezone

from evaluation.actions.exports import produce_export, request_export
from evaluation.exports import REDCAP_COLUMNS, REVERSE_ANNOTATION, pseudonym
from evaluation.models import (
    Anchor,
    Answer,
    ExportStatus,
    InvitationStatus,
    Item,
    ItemKind,
    ResearchExport,
    RespondentGroup,
)
from peersupport.accounts.models import Role
from peersupport.audit.models import AuditAction, AuditEvent
from tests.evaluation.builders import (
    answer,
    make_instrument,
    make_invitation,
    make_study,
    make_wave,
)
from tests.factories import certified_participant, person_with_role, ready_workplace

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(settings):
    """Tests write the export themselves: nothing goes to a shared queue."""
    settings.EVALUATION_EXPORTS_QUEUE_ON_REQUEST = False


ITEMS = ["a1", "a2", "a3", "b1", "b2", "b3"]
REVERSE = {"a2", "b3"}
SCALE_ITEMS = [f"upplevelse_{key}" for key in ITEMS]
ANCHORS = {
    1: "Stämmer inte alls",
    2: "Stämmer dåligt",
    3: "Stämmer delvis",
    4: "Stämmer ganska bra",
    5: "Stämmer helt",
}


def scored(key: str, raw: int | None) -> int | None:
    if raw is None:
        return None
    return 6 - raw if key in REVERSE else raw


def mean_score(values: dict[str, int | None], keys: list[str]) -> float | None:
    """Mean of the answered scored items, when at least half are answered."""
    answered = [scored(key, values.get(key)) for key in keys if values.get(key) is not None]
    return statistics.mean(answered) if len(answered) * 2 >= len(keys) else None


@dataclass
class Planted:
    study: object
    people: dict
    invitations: dict
    answers: dict  # (person, wave number) → {item key: raw value}
    secrets: list[str]


@pytest.fixture
def planted(coordinator, stockholm, skane):
    """A study of Stockholm and Skåne, one instrument with two reverse items, two peer
    supporter waves and a service users' wave answered by slip:

    - Alma (Stockholm) completes both waves, leaving b2 unanswered in the second;
    - Bertil (Stockholm) answers part of wave 1, then withdraws keeping his answers;
    - David (Stockholm) answers wave 1, then withdraws having his answers deleted;
    - Cecilia (Skåne) completes wave 1;
    - Erik (Stockholm) has started wave 1 but not finished, Fia has not begun;
    - a service user at a Stockholm workplace completes the slip wave.
    """
    version = make_instrument("upplevelse", reverse=sorted(REVERSE))
    study = make_study(name="Uppföljning 2026", regions=[stockholm, skane])
    baseline = make_wave(study, [version], name="Baslinje")
    later = make_wave(
        study, [version], name="Sex månader", anchor=Anchor.PLACEMENT_START, offset_months=6
    )
    slips = make_wave(
        study,
        [version],
        name="Brukare",
        group=RespondentGroup.SERVICE_USERS,
        anchor=Anchor.CUSTOM,
    )
    workplace = ready_workplace(coordinator, stockholm)

    people = {
        name: certified_participant(region, name=f"{name} {surname}")
        for name, surname, region in [
            ("Alma", "Andersson", stockholm),
            ("Bertil", "Berg", stockholm),
            ("Cecilia", "Carlsson", skane),
            ("David", "Dahl", stockholm),
            ("Erik", "Ek", stockholm),
            ("Fia", "Falk", stockholm),
        ]
    }
    invitations = {}
    answers = {}

    def invite(name, wave, number, values=None, **fields):
        participant = people[name]
        invitation = make_invitation(
            wave,
            region=participant.region,
            anchor_key=f"participant:{participant.pk}:{number}",
            participant=participant,
            **fields,
        )
        invitations[name, number] = invitation
        if values is not None:
            answers[name, number] = values
        return invitation

    alma_1 = {"a1": 4, "a2": 2, "a3": 5, "b1": 3, "b2": 1, "b3": 5}
    alma_2 = {"a1": 5, "a2": 1, "a3": 4, "b1": 2, "b2": None, "b3": 4}
    answer(invite("Alma", baseline, 1, alma_1), alma_1)
    answer(invite("Alma", later, 2, alma_2), alma_2)

    bertil_1 = {"a1": 2, "a2": 4, "a3": None, "b1": None, "b2": None, "b3": 1}
    bertil = invite("Bertil", baseline, 1, bertil_1)
    answer(bertil, bertil_1, complete=False)
    bertil.status, bertil.withdrawn_at = InvitationStatus.WITHDRAWN, timezone.now()
    bertil.save()

    # Left in the table on purpose: the export must not rely on the answers being gone.
    david = invite("David", baseline, 1)
    answer(david, dict.fromkeys(ITEMS, 3))
    david.status, david.withdrawn_at = InvitationStatus.WITHDRAWN, timezone.now()
    david.answers_deleted = True
    david.save()

    cecilia_1 = {"a1": 1, "a2": 5, "a3": 2, "b1": 5, "b2": 4, "b3": 2}
    answer(invite("Cecilia", baseline, 1, cecilia_1), cecilia_1)

    answer(invite("Erik", baseline, 1), {"a1": 1, "a2": 1}, complete=False)
    invite("Fia", baseline, 1)

    slip = make_invitation(
        slips, region=stockholm, anchor_key="slip:1", workplace=workplace, code="ABCD2345"
    )
    slip_values = {"a1": 3, "a2": 3, "a3": 4, "b1": 4, "b2": 5, "b3": 2}
    answer(slip, slip_values)
    invitations["slip", 3] = slip
    answers["slip", 3] = slip_values

    secrets = [
        *(f"{p.full_name}" for p in people.values()),
        *(p.email for p in people.values()),
        *(invitation.token for invitation in invitations.values()),
        "ABCD2345",
        workplace.name,
    ]
    return Planted(study, people, invitations, answers, secrets)


def produced(actor, study) -> ResearchExport:
    export = request_export(actor=actor, study=study)
    result = produce_export(export_id=export.pk)
    assert result is not None, ResearchExport.objects.get(pk=export.pk).error
    return result


def respondent_code(planted: Planted, name: str) -> str:
    if name == "slip":
        return pseudonym(planted.study, f"slip:{planted.invitations['slip', 3].pk}")
    return pseudonym(planted.study, f"participant:{planted.people[name].pk}")


def expected_rows(planted: Planted, names) -> dict[tuple[str, int], dict[str, object]]:
    """Every exported row, keyed by (respondent, wave number), as computed here."""
    rows = {}
    for (name, number), values in planted.answers.items():
        if name not in names:
            continue
        invitation = planted.invitations[name, number]
        row: dict[str, object] = {
            "group": invitation.wave.group,
            "region": invitation.region.code,
            "wave": invitation.wave.name,
            "status": invitation.status,
        }
        for key in ITEMS:
            row[f"upplevelse_{key}"] = scored(key, values.get(key))
        row["upplevelse_a"] = mean_score(values, ["a1", "a2", "a3"])
        row["upplevelse_b"] = mean_score(values, ["b1", "b2", "b3"])
        row["upplevelse_total"] = mean_score(values, ITEMS)
        rows[respondent_code(planted, name), number] = row
    return rows


def same(actual, expected) -> bool:
    if expected is None:
        return actual is None or (isinstance(actual, float) and math.isnan(actual))
    if isinstance(expected, float | int) and not isinstance(expected, bool):
        return math.isclose(float(actual), float(expected))
    return actual == expected


def assert_holds(frame: pd.DataFrame, expected: dict) -> None:
    assert len(frame) == len(expected)
    for _index, row in frame.iterrows():
        wanted = expected[row["respondent"], int(row["wave_no"])]
        for column, value in wanted.items():
            assert same(row[column], value), (row["respondent"], column, row[column], value)


def files_text(export: ResearchExport) -> str:
    parts = []
    for field in (export.long_csv, export.wide_csv, export.codebook, export.spss):
        with field.open("rb") as stored:
            parts.append(stored.read().decode("utf-8", errors="replace"))
    return "\n".join(parts)


def test_the_wide_csv_holds_exactly_the_planted_answers_with_reverse_items_scored(
    admin_user, planted
):
    """One row per respondent and wave: completed invitations and the withdrawal that
    kept its answers; reverse items mirrored, a missing answer blank, scores by the
    instrument's rule; never the deleted withdrawal, the unfinished or the unanswered."""
    export = produced(admin_user, planted.study)

    frame = pd.read_csv(export.wide_csv.path)

    assert list(frame.columns) == [
        "respondent",
        "group",
        "region",
        "workplace",
        "wave",
        "wave_no",
        "status",
        "completed",
        *SCALE_ITEMS,
        "upplevelse_a",
        "upplevelse_b",
        "upplevelse_total",
    ]
    assert_holds(frame, expected_rows(planted, {"Alma", "Bertil", "Cecilia", "slip"}))
    alma_later = frame[frame["respondent"] == respondent_code(planted, "Alma")]
    assert sorted(alma_later["wave_no"]) == [1, 2]
    assert export.respondent_count == 4
    assert export.status == ExportStatus.DONE


def test_the_spss_file_holds_the_same_with_variable_and_value_labels(admin_user, planted):
    """The .sav has the wide file's values, the Swedish item texts as variable labels and
    the anchors as value labels, mirrored for reverse items so each value is labelled
    with the answer given."""
    export = produced(admin_user, planted.study)

    frame, meta = pyreadstat.read_sav(export.spss.path)

    assert_holds(frame, expected_rows(planted, {"Alma", "Bertil", "Cecilia", "slip"}))
    labels = meta.column_names_to_labels
    assert labels["upplevelse_a1"] == "Påstående a1"
    assert labels["upplevelse_b3"] == "Påstående b3"
    assert labels["upplevelse_a"] == "Formulär upplevelse: Delskala a"
    assert all(labels[column] for column in frame.columns)
    value_labels = meta.variable_value_labels
    assert value_labels["upplevelse_a1"] == {float(v): label for v, label in ANCHORS.items()}
    assert value_labels["upplevelse_a2"] == {float(6 - v): label for v, label in ANCHORS.items()}
    assert value_labels["upplevelse_a2"][1.0] == "Stämmer helt"
    alma = frame[frame["respondent"] == respondent_code(planted, "Alma")]
    completed = alma["completed"].tolist()
    assert completed == [timezone.localdate()] * 2


def test_the_long_csv_has_each_answer_raw_and_scored(admin_user, planted):
    """One row per answer given, with the answer as given and as scored; an unanswered
    item has no row."""
    export = produced(admin_user, planted.study)

    frame = pd.read_csv(export.long_csv.path)

    expected = sum(
        1
        for values in expected_rows(planted, {"Alma", "Bertil", "Cecilia", "slip"}).values()
        for key in SCALE_ITEMS
        if values[key] is not None
    )
    assert len(frame) == expected
    alma = frame[frame["respondent"] == respondent_code(planted, "Alma")]
    a2 = alma[(alma["wave_no"] == 1) & (alma["item"] == "a2")].iloc[0]
    assert (a2["value"], a2["scored"]) == (2, 4)
    assert a2["instrument"] == "upplevelse" and a2["instrument_version"] == 1
    assert a2["answered_on"] == timezone.localdate().isoformat()
    assert alma[(alma["wave_no"] == 2) & (alma["item"] == "b2")].empty
    assert "text" not in frame.columns


def test_the_codebook_is_a_redcap_data_dictionary_of_the_wide_file(admin_user, planted):
    """REDCap's columns; one row per wide variable, in order; items as radio with their
    scored choices and reverse items annotated; scores as calculations with the rule."""
    export = produced(admin_user, planted.study)

    with export.codebook.open("rb") as stored:
        rows = list(csv.reader(io.StringIO(stored.read().decode())))
    wide = pd.read_csv(export.wide_csv.path, nrows=0)

    assert rows[0] == REDCAP_COLUMNS
    by_name = {row[0]: dict(zip(REDCAP_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert [row[0] for row in rows[1:]] == list(wide.columns)
    a1, a2 = by_name["upplevelse_a1"], by_name["upplevelse_a2"]
    assert (a1["Form Name"], a1["Field Type"], a1["Field Label"]) == (
        "upplevelse",
        "radio",
        "Påstående a1",
    )
    assert a1["Choices, Calculations, OR Slider Labels"].startswith("1, Stämmer inte alls | 2, ")
    assert a1["Field Annotation"] == ""
    assert a2["Choices, Calculations, OR Slider Labels"].startswith("1, Stämmer helt | 2, ")
    assert a2["Field Annotation"] == REVERSE_ANNOTATION
    assert {name for name, row in by_name.items() if row["Field Annotation"]} == {
        "upplevelse_a2",
        "upplevelse_b3",
    }
    score = by_name["upplevelse_a"]
    assert score["Field Type"] == "calc"
    assert score["Choices, Calculations, OR Slider Labels"] == (
        "mean([upplevelse_a1],[upplevelse_a2],[upplevelse_a3])"
    )
    assert "a1, a2, a3" in score["Field Note"]
    assert all(row["Identifier?"] == "" for row in by_name.values())


def test_pseudonyms_are_stable_in_a_study_and_differ_in_another(admin_user, planted, stockholm):
    """Two exports of the study give each respondent the same code; another study gives
    the same person another code."""
    first = pd.read_csv(produced(admin_user, planted.study).wide_csv.path)
    second = pd.read_csv(produced(admin_user, planted.study).wide_csv.path)
    assert list(first["respondent"]) == list(second["respondent"])
    assert list(first["workplace"].fillna("")) == list(second["workplace"].fillna(""))

    alma = planted.people["Alma"]
    other_study = make_study(name="En annan studie", regions=[stockholm])
    wave = make_wave(other_study, [make_instrument("upplevelse")], name="Baslinje")
    values = dict.fromkeys(ITEMS, 3)
    answer(make_invitation(wave, region=stockholm, anchor_key="alma", participant=alma), values)
    other = pd.read_csv(produced(admin_user, other_study).wide_csv.path)

    alma_here = respondent_code(planted, "Alma")
    assert alma_here in set(first["respondent"])
    (alma_there,) = other["respondent"]
    assert alma_there.startswith("R-") and len(alma_there) == 18
    assert alma_there != alma_here
    assert alma_there == pseudonym(other_study, f"participant:{alma.pk}")


def test_no_name_contact_token_or_code_appears_in_any_file(admin_user, planted):
    """Names, e-mail addresses, link tokens, slip codes and the workplace's name are in no
    file; the slip's workplace appears only as its code."""
    export = produced(admin_user, planted.study)

    text = files_text(export)
    for secret in planted.secrets:
        assert secret not in text, secret
    frame = pd.read_csv(export.wide_csv.path)
    workplaces = set(frame["workplace"].dropna())
    assert len(workplaces) == 1 and workplaces.pop().startswith("W-")


def test_a_researcher_gets_only_the_respondents_of_their_regions(researcher, planted):
    """A Stockholm researcher's export holds Stockholm's respondents, not Cecilia of Skåne;
    the export records the regions it covers."""
    export = produced(researcher, planted.study)

    frame = pd.read_csv(export.wide_csv.path)

    assert set(frame["region"]) == {"stockholm"}
    assert respondent_code(planted, "Cecilia") not in set(frame["respondent"])
    assert_holds(frame, expected_rows(planted, {"Alma", "Bertil", "slip"}))
    assert [region.code for region in export.regions.all()] == ["stockholm"]


def test_a_coordinator_role_elsewhere_adds_no_region(researcher, planted, skane):
    """Results for a coordinator's region are no licence to export its answers."""
    from peersupport.accounts.models import Membership

    Membership.objects.create(user=researcher, role=Role.COORDINATOR, region=skane)

    export = request_export(actor=researcher, study=planted.study)

    assert [region.code for region in export.regions.all()] == ["stockholm"]


def test_free_text_is_exported_only_when_the_study_allows_it(admin_user, stockholm):
    """A free-text item is in no file of a study that does not allow free text; in one
    that does, its answers are in the long and wide files and the SPSS file."""
    version = make_instrument("oppet", subscales={"a": ["a1", "a2"]})
    Item.objects.create(
        version=version,
        key="fritext",
        position=10,
        kind=ItemKind.TEXT,
        text_sv="Något mer du vill säga?",
        text_en="Anything else?",
    )
    exports = {}
    for allowed in (False, True):
        study = make_study(name=f"Fritext {allowed}", regions=[stockholm], allows_free_text=allowed)
        wave = make_wave(study, [version])
        invitation = make_invitation(wave, region=stockholm, anchor_key="x")
        answer(invitation, {"a1": 2, "a2": 3})
        Answer.objects.create(
            invitation=invitation, item=version.items.get(key="fritext"), text="=Bra stöd"
        )
        exports[allowed] = produced(admin_user, study)

    assert "Bra stöd" not in files_text(exports[False])
    assert "oppet_fritext" not in files_text(exports[False])
    wide = pd.read_csv(exports[True].wide_csv.path)
    assert wide.loc[0, "oppet_fritext"] == "'=Bra stöd"
    long = pd.read_csv(exports[True].long_csv.path)
    assert long[long["item"] == "fritext"].iloc[0]["text"] == "'=Bra stöd"
    frame, meta = pyreadstat.read_sav(exports[True].spss.path)
    assert frame.loc[0, "oppet_fritext"] == "=Bra stöd"
    assert meta.column_names_to_labels["oppet_fritext"] == "Något mer du vill säga?"


def test_asking_and_writing_are_audit_logged_with_counts_only(researcher, planted):
    """The request names the study and regions; the written export's entry holds counts."""
    export = produced(researcher, planted.study)

    requested = AuditEvent.objects.get(
        action=AuditAction.CREATE, object_type="evaluation.researchexport"
    )
    written = AuditEvent.objects.get(
        action=AuditAction.UPDATE, object_type="evaluation.researchexport"
    )
    assert requested.actor == researcher
    assert requested.detail["regions"] == ["stockholm"]
    assert requested.object_id == str(export.pk)
    assert written.detail == {
        "research_export": "written",
        "respondents": 3,
        "rows": 4,
        "answers": 6 + 5 + 3 + 6,
    }


def test_an_export_that_cannot_be_written_is_marked_failed(admin_user, stockholm):
    """Two variables with one name (an item and a subscale both called ``a``) fail the
    export with the reason kept, and no file."""
    version = make_instrument("krock", subscales={"a": ["a", "b"]})
    study = make_study(regions=[stockholm])
    make_wave(study, [version])
    export = request_export(actor=admin_user, study=study)

    assert produce_export(export_id=export.pk) is None

    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert "krock_a" in export.error
    assert not export.wide_csv


def test_a_written_export_is_not_written_again(admin_user, planted):
    """A task delivered twice writes the files once."""
    export = produced(admin_user, planted.study)
    name = export.wide_csv.name

    assert produce_export(export_id=export.pk) is None
    export.refresh_from_db()
    assert export.wide_csv.name == name


def test_a_researcher_of_no_covered_region_cannot_ask(planted, db):
    """A researcher whose regions the study does not cover gets a clear refusal."""
    from django.core.exceptions import ValidationError

    from tests.factories import RegionFactory

    elsewhere = person_with_role(Role.RESEARCHER, RegionFactory(code="gotland", name="Gotland"))

    with pytest.raises(ValidationError):
        request_export(actor=elsewhere, study=planted.study)
    assert not ResearchExport.objects.exists()


def test_dates_are_local_dates(admin_user, stockholm):
    """The completed date is the Swedish calendar day, not the UTC one."""
    version = make_instrument("datum")
    study = make_study(regions=[stockholm])
    wave = make_wave(study, [version])
    invitation = make_invitation(wave, region=stockholm, anchor_key="x")
    answer(invitation, dict.fromkeys(ITEMS, 2))
    late_evening = dt.datetime(2026, 6, 1, 22, 30, tzinfo=dt.UTC)  # 00:30 on 2 June in Sweden
    invitation.completed_at = late_evening
    invitation.save()

    frame = pd.read_csv(produced(admin_user, study).wide_csv.path)

    assert frame.loc[0, "completed"] == "2026-06-02"


def test_a_study_without_answers_gives_files_with_headers_only(admin_user, stockholm):
    """Nothing answered yet: the export is written, with the variables and no rows."""
    study = make_study(regions=[stockholm])
    make_wave(study, [make_instrument("tom")])

    export = produced(admin_user, study)

    assert export.respondent_count == 0
    assert pd.read_csv(export.wide_csv.path).empty
    frame, meta = pyreadstat.read_sav(export.spss.path)
    assert frame.empty and "tom_a1" in meta.column_names


def test_the_sweep_writes_an_export_whose_task_was_lost(admin_user, planted):
    """An export queued for over ten minutes is written by beat's sweep; a fresh one is
    left to its task."""
    from evaluation.actions.exports import produce_waiting_exports

    lost = request_export(actor=admin_user, study=planted.study)
    ResearchExport.objects.filter(pk=lost.pk).update(
        requested_at=timezone.now() - dt.timedelta(minutes=11)
    )
    fresh = request_export(actor=admin_user, study=planted.study)

    assert produce_waiting_exports() == 1

    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.status, fresh.status) == (ExportStatus.DONE, ExportStatus.QUEUED)
