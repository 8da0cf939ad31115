"""Writers of a study's pseudonymised research export: long CSV, wide CSV, SPSS, codebook.

Who is in it: completed invitations, and withdrawn ones whose respondent chose to keep
their answers (and gave some), of the export's regions. A respondent appears only as a
keyed-HMAC pseudonym (``pseudonym``) of the study's own key, so the same person has the
same code in every export of the study and an unrelated one in any other study; a
workplace likewise (``W-…``). No name, e-mail, id, link token or slip code is written.
Free-text items are left out unless the study allows free text.

The files:

long CSV
    One row per answer: respondent, group, region, workplace, wave, instrument, item,
    the raw answer, the scored answer (reverse items mirrored on their scale) and the
    date it was given. An unanswered item has no row.
wide CSV and SPSS (.sav)
    One row per respondent and wave: the same fixed columns, then per instrument its
    items' SCORED values (``<instrument>_<item>``) and its scores (``<instrument>_<subscale>``,
    ``<instrument>_total``). In SPSS the variable labels are the Swedish item texts and
    the value labels the scale's anchors; for a reverse item the labels are mirrored with
    the values, so each value is labelled with the answer the respondent gave (a scored 1
    on a 1–5 reverse item reads "Stämmer helt").
codebook CSV
    REDCap's data-dictionary shape, one row per variable of the wide file; reverse items
    carry the annotation ``reverse-scored`` and a note how they were turned.

Answers are read with ``.iterator()`` and written row by row to files in a directory the
caller provides, so the worker's memory stays flat whatever the number of answers. The
SPSS file needs the wide table whole, as a pandas DataFrame: it is written in a process of
its own (``evaluation.sav_writer``) from a JSON-lines copy of the wide rows, so the worker
never imports pandas.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.spreadsheets import spreadsheet_safe

from . import sav_writer
from .models import (
    Answer,
    InstrumentVersion,
    Invitation,
    InvitationStatus,
    Item,
    ItemKind,
    ResearchExport,
    RespondentGroup,
    ScoringMethod,
    Study,
    WaveInstrument,
)
from .scoring import TOTAL, ScoringPlan, item_score, scoring_plan

RESPONDENT_PREFIX = "R-"
WORKPLACE_PREFIX = "W-"
PSEUDONYM_LENGTH = 16
# The annotation a reverse item carries in the codebook, for scripts to find them by.
REVERSE_ANNOTATION = "reverse-scored"

REDCAP_COLUMNS = [
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
]
FIXED_FORM = "respondent"

LONG_COLUMNS = [
    "respondent",
    "group",
    "region",
    "workplace",
    "wave",
    "wave_no",
    "instrument",
    "instrument_version",
    "item",
    "value",
    "scored",
    "answered_on",
]
FIXED_COLUMNS = [
    "respondent",
    "group",
    "region",
    "workplace",
    "wave",
    "wave_no",
    "status",
    "completed",
]
# The wide rows as JSON lines, for the process that writes the SPSS file.
SAV_ROWS = "wide.sav-rows.jsonl"
# Statuses a row of the export can have.
EXPORTED_STATUSES = (InvitationStatus.COMPLETED, InvitationStatus.WITHDRAWN)


def pseudonym(study: Study, respondent_key: str, *, prefix: str = RESPONDENT_PREFIX) -> str:
    """The study-specific code of a respondent (``"participant:12"``, ``"user:7"``,
    ``"slip:<invitation id>"``) or, with ``prefix="W-"``, of a workplace."""
    digest = hmac.new(
        study.pseudonym_key.encode(), respondent_key.encode(), hashlib.sha256
    ).hexdigest()
    return prefix + digest[:PSEUDONYM_LENGTH]


def respondent_key(invitation: Invitation) -> str:
    """Who answered: a participant or an account across waves; a slip is one answer sheet,
    never linked to another."""
    if invitation.participant_id:
        return f"participant:{invitation.participant_id}"
    if invitation.user_id:
        return f"user:{invitation.user_id}"
    return f"slip:{invitation.pk}"


def exported_invitations(export: ResearchExport) -> QuerySet[Invitation]:
    """The invitations whose answers the export holds."""
    kept_after_withdrawal = Q(status=InvitationStatus.WITHDRAWN, answers_deleted=False) & Exists(
        Answer.objects.filter(invitation=OuterRef("pk"))
    )
    return Invitation.objects.filter(
        Q(status=InvitationStatus.COMPLETED) | kept_after_withdrawal,
        wave__study_id=export.study_id,
        region__in=export.regions.all(),
    )


def variable_name(*parts: str) -> str:
    """A name SPSS, R, Stata and REDCap all accept: lower-case letters, digits and ``_``,
    starting with a letter, at most 64 characters."""
    name = re.sub(r"[^a-z0-9_]+", "_", "_".join(parts).lower()).strip("_")
    if not name[:1].isalpha():
        name = f"v_{name}"
    return name[:64]


@dataclass
class ExportedItem:
    item: Item
    variable: str

    @property
    def is_text(self) -> bool:
        return self.item.kind == ItemKind.TEXT

    def scored_labels(self) -> dict[int, str]:
        """Value → Swedish anchor label of the scored value: mirrored for a reverse item,
        so the label names the answer given."""
        scale = self.item.scale
        labels = {anchor["value"]: anchor["label_sv"] for anchor in scale.anchors}
        if not self.item.reverse:
            return labels
        return {scale.min_value + scale.max_value - value: label for value, label in labels.items()}


@dataclass
class ExportedVersion:
    """One instrument version of the study, with its variables in the wide file."""

    version: InstrumentVersion
    prefix: str
    plan: ScoringPlan
    items: list[ExportedItem]
    score_variables: dict[str, str] = field(default_factory=dict)


@dataclass
class Layout:
    """The wide file's variables: the fixed ones, then each version's items and scores."""

    versions: list[ExportedVersion]
    wave_numbers: dict[int, int]

    @property
    def columns(self) -> list[str]:
        columns = list(FIXED_COLUMNS)
        for exported in self.versions:
            columns += [item.variable for item in exported.items]
            columns += list(exported.score_variables.values())
        return columns


def build_layout(study: Study) -> Layout:
    """The study's instrument versions in wave order and their variable names. An
    instrument used in one version is named by its key; in several, by key and version."""
    versions: list[InstrumentVersion] = []
    for wave_instrument in (
        WaveInstrument.objects.filter(wave__study=study)
        .select_related("instrument_version__instrument")
        .prefetch_related("instrument_version__subscales")
        .order_by("wave__position", "wave__pk", "position", "pk")
    ):
        if wave_instrument.instrument_version not in versions:
            versions.append(wave_instrument.instrument_version)
    versions_per_instrument: dict[int, int] = {}
    for version in versions:
        versions_per_instrument[version.instrument_id] = (
            versions_per_instrument.get(version.instrument_id, 0) + 1
        )
    items = Item.objects.filter(version__in=versions).select_related("scale", "subscale")
    if not study.allows_free_text:
        items = items.filter(kind=ItemKind.SCALE)
    items_by_version: dict[int, list[Item]] = {}
    for item in items.order_by("position"):
        items_by_version.setdefault(item.version_id, []).append(item)

    exported_versions = []
    for version in versions:
        key = version.instrument.key
        prefix = (
            variable_name(key, f"v{version.version}")
            if versions_per_instrument[version.instrument_id] > 1
            else variable_name(key)
        )
        plan = scoring_plan(version)
        exported_versions.append(
            ExportedVersion(
                version=version,
                prefix=prefix,
                plan=plan,
                items=[
                    ExportedItem(item=item, variable=variable_name(prefix, item.key))
                    for item in items_by_version.get(version.pk, [])
                ],
                score_variables={rule.key: variable_name(prefix, rule.key) for rule in plan.rules},
            )
        )
    layout = Layout(
        versions=exported_versions,
        wave_numbers={
            pk: number
            for number, pk in enumerate(
                study.waves.order_by("position", "pk").values_list("pk", flat=True), start=1
            )
        },
    )
    columns = layout.columns
    if len(set(columns)) != len(columns):
        clashes = sorted({name for name in columns if columns.count(name) > 1})
        raise ValueError(
            _("Two variables of the export would have the same name: %(names)s.")
            % {"names": ", ".join(clashes)}
        )
    return layout


@dataclass
class Written:
    """What the writers wrote, for the export's row and audit entry (counts only)."""

    respondents: int
    rows: int
    answers: int


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def _answers_by_invitation(
    invitations: QuerySet[Invitation], layout: Layout
) -> Iterator[tuple[int, list[tuple[int, int | None, str, dt.datetime]]]]:
    """Each invitation's exported answers, in invitation order, read in chunks."""
    item_ids = [item.item.pk for version in layout.versions for item in version.items]
    answers = (
        Answer.objects.filter(invitation__in=invitations, item_id__in=item_ids)
        .order_by("invitation_id", "item__version_id", "item__position")
        .values_list("invitation_id", "item_id", "value", "text", "answered_at")
        .iterator(chunk_size=2000)
    )
    for invitation_id, rows in groupby(answers, key=itemgetter(0)):
        yield invitation_id, [row[1:] for row in rows]


def write_data(export: ResearchExport, layout: Layout, directory: Path) -> Written:
    """Write ``long.csv``, ``wide.csv`` and ``wide.sav`` into ``directory``."""
    study = export.study
    invitations = exported_invitations(export)
    items_by_id = {
        exported.item.pk: (version, exported)
        for version in layout.versions
        for exported in version.items
    }
    answers = _answers_by_invitation(invitations, layout)
    pending = next(answers, None)
    wide_count = 0
    respondents: set[str] = set()
    answer_count = 0
    workplace_codes: dict[int, str] = {}
    wide_text = _text_positions(layout)
    long_text = {LONG_COLUMNS.index("wave"), len(LONG_COLUMNS)}

    long_path, wide_path = directory / "long.csv", directory / "wide.csv"
    sav_rows_path = directory / SAV_ROWS
    with (
        long_path.open("w", newline="", encoding="utf-8") as long_file,
        wide_path.open("w", newline="", encoding="utf-8") as wide_file,
        sav_rows_path.open("w", encoding="utf-8") as sav_rows,
    ):
        long_writer, wide_writer = csv.writer(long_file), csv.writer(wide_file)
        long_writer.writerow(LONG_COLUMNS + (["text"] if study.allows_free_text else []))
        wide_writer.writerow(layout.columns)
        for invitation in (
            invitations.select_related("wave", "region").order_by("pk").iterator(chunk_size=500)
        ):
            while pending is not None and pending[0] < invitation.pk:
                pending = next(answers, None)
            given = []
            if pending is not None and pending[0] == invitation.pk:
                given = pending[1]
                pending = next(answers, None)

            code = pseudonym(study, respondent_key(invitation))
            respondents.add(code)
            workplace = ""
            if invitation.workplace_id:
                workplace = workplace_codes.setdefault(
                    invitation.workplace_id,
                    pseudonym(
                        study, f"workplace:{invitation.workplace_id}", prefix=WORKPLACE_PREFIX
                    ),
                )
            fixed = [
                code,
                invitation.wave.group,
                invitation.region.code,
                workplace,
                invitation.wave.name,
                layout.wave_numbers[invitation.wave_id],
            ]

            raw_by_version: dict[int, dict[int, int]] = {}
            texts: dict[int, str] = {}
            for item_id, value, text, answered_at in given:
                version, exported = items_by_id[item_id]
                item = exported.item
                if exported.is_text:
                    if not text:
                        continue
                    texts[item_id] = text
                    cells = ["", "", _local_date(answered_at), text]
                else:
                    if value is None:
                        continue
                    raw_by_version.setdefault(version.version.pk, {})[item_id] = value
                    cells = [value, item_score(item, value), _local_date(answered_at), ""]
                if not study.allows_free_text:
                    cells.pop()
                long_writer.writerow(
                    _csv_cells(
                        [*fixed, version.prefix, version.version.version, item.key, *cells],
                        long_text,
                    )
                )
                answer_count += 1

            row: list[object] = [*fixed, invitation.status, _local_date(invitation.completed_at)]
            for version in layout.versions:
                raw = raw_by_version.get(version.version.pk, {})
                scored_items = version.plan.scored_items(raw)
                for exported in version.items:
                    if exported.is_text:
                        row.append(texts.get(exported.item.pk, ""))
                    else:
                        row.append(scored_items.get(exported.item.key))
                scores = version.plan.score(raw) if raw else {}
                row += [scores.get(key) for key in version.score_variables]
            wide_count += 1
            wide_writer.writerow(_csv_cells(row, wide_text))
            sav_rows.write(json.dumps(row, default=_iso_date, ensure_ascii=False) + "\n")

    write_sav(sav_rows_path, layout, directory / "wide.sav")
    sav_rows_path.unlink()
    return Written(respondents=len(respondents), rows=wide_count, answers=answer_count)


def _iso_date(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a cell of the wide table")


def _csv_cells(row: list[object], text_positions: set[int]) -> list[object]:
    """A row as CSV cells: blank for missing, ISO dates, typed text kept as text."""
    cells: list[object] = []
    for position, cell in enumerate(row):
        if cell is None:
            cells.append("")
        elif position in text_positions:
            cells.append(spreadsheet_safe(str(cell)))
        elif hasattr(cell, "isoformat"):
            cells.append(cell.isoformat())
        else:
            cells.append(cell)
    return cells


def _text_positions(layout: Layout) -> set[int]:
    """Where the wide file holds text people typed: the wave's name and free-text items."""
    text_variables = {
        item.variable for version in layout.versions for item in version.items if item.is_text
    }
    return {FIXED_COLUMNS.index("wave")} | {
        position for position, name in enumerate(layout.columns) if name in text_variables
    }


def fixed_labels() -> dict[str, str]:
    return {
        "respondent": _("Respondent (pseudonym, the same in every export of the study)"),
        "group": _("Respondent group"),
        "region": _("Region"),
        "workplace": _("Workplace (pseudonym)"),
        "wave": _("Wave"),
        "wave_no": _("Wave number in the study"),
        "status": _("Status of the invitation"),
        "completed": _("Date completed"),
    }


def score_label(exported: ExportedVersion, key: str) -> str:
    name = exported.version.instrument.name_sv
    if key == TOTAL:
        return _("%(instrument)s: total score") % {"instrument": name}
    subscale = next(s for s in exported.version.subscales.all() if s.key == key)
    return f"{name}: {subscale.name_sv}"


def write_sav(rows_path: Path, layout: Layout, path: Path) -> None:
    """The wide table (``rows_path``: its rows as JSON lines) as SPSS, with Swedish
    variable labels and anchor value labels, written by ``evaluation/sav_writer.py`` in a
    process of its own (see there why)."""
    columns = layout.columns
    kinds = {name: sav_writer.TEXT for name in columns}
    kinds["wave_no"] = sav_writer.NUMBER
    kinds["completed"] = sav_writer.DATE
    labels: dict[str, str] = dict(fixed_labels())
    value_labels: dict[str, list[tuple[int, str]]] = {}
    formats: dict[str, str] = {"wave_no": "F3.0"}
    measures: dict[str, str] = {"wave_no": "ordinal"}
    for name in ("respondent", "group", "region", "workplace", "wave", "status"):
        measures[name] = "nominal"
    for exported_version in layout.versions:
        for exported in exported_version.items:
            labels[exported.variable] = exported.item.text_sv
            if exported.is_text:
                measures[exported.variable] = "nominal"
                continue
            kinds[exported.variable] = sav_writer.NUMBER
            value_labels[exported.variable] = sorted(exported.scored_labels().items())
            scale = exported.item.scale
            formats[exported.variable] = (
                f"F{max(len(str(scale.min_value)), len(str(scale.max_value)))}.0"
            )
            measures[exported.variable] = "ordinal"
        for key, variable in exported_version.score_variables.items():
            labels[variable] = score_label(exported_version, key)
            kinds[variable] = sav_writer.NUMBER
            measures[variable] = "scale"
    spec_path = rows_path.with_suffix(".spec.json")
    spec_path.write_text(
        json.dumps(
            {
                "rows": str(rows_path),
                "out": str(path),
                "columns": columns,
                "kinds": [kinds[name] for name in columns],
                "labels": labels,
                "value_labels": value_labels,
                "formats": formats,
                "measures": measures,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    finished = subprocess.run(  # noqa: S603 - our own script and interpreter, no user input
        [sys.executable, sav_writer.__file__, str(spec_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    spec_path.unlink()
    if finished.returncode != 0:
        raise RuntimeError(f"the SPSS file could not be written: {finished.stderr[-1500:]}")


def _choices(pairs) -> str:
    return " | ".join(f"{value}, {label}" for value, label in pairs)


def _rule_note(exported: ExportedVersion, key: str) -> tuple[str, str]:
    """The REDCap calculation and the rule in words for one score."""
    rule = next(rule for rule in exported.plan.rules if rule.key == key)
    variables = [variable_name(exported.prefix, item_key) for item_key in rule.item_keys]
    function = "mean" if rule.method == ScoringMethod.MEAN else "sum"
    calculation = f"{function}({','.join(f'[{name}]' for name in variables)})"
    words = {
        ScoringMethod.MEAN: _("Mean of the scored items %(items)s."),
        ScoringMethod.SUM: _("Sum of the scored items %(items)s."),
    }[rule.method] % {"items": ", ".join(rule.item_keys)}
    words += " " + _("A score needs at least %(share)s %% of the items answered.") % {
        "share": round(float(rule.min_answered) * 100)
    }
    if rule.method == ScoringMethod.SUM and rule.prorate:
        words += " " + _("With items missing, the sum is scaled up to all items.")
    return calculation, words


def _codebook_row(**cells: str) -> list[str]:
    names = {
        "name": "Variable / Field Name",
        "form": "Form Name",
        "section": "Section Header",
        "type": "Field Type",
        "label": "Field Label",
        "choices": "Choices, Calculations, OR Slider Labels",
        "note": "Field Note",
        "validation": "Text Validation Type OR Show Slider Number",
        "required": "Required Field?",
        "number": "Question Number (surveys only)",
        "annotation": "Field Annotation",
    }
    by_column = {names[key]: value for key, value in cells.items()}
    return [spreadsheet_safe(str(by_column.get(column, ""))) for column in REDCAP_COLUMNS]


def write_codebook(layout: Layout, path: Path) -> None:
    """One row per variable of the wide file, in REDCap's data-dictionary columns."""
    labels = fixed_labels()
    with path.open("w", newline="", encoding="utf-8") as codebook:
        writer = csv.writer(codebook)
        writer.writerow(REDCAP_COLUMNS)
        writer.writerow(
            _codebook_row(
                name="respondent", form=FIXED_FORM, type="text", label=labels["respondent"]
            )
        )
        writer.writerow(
            _codebook_row(
                name="group",
                form=FIXED_FORM,
                type="dropdown",
                label=labels["group"],
                choices=_choices(RespondentGroup.choices),
            )
        )
        for name in ("region", "workplace", "wave"):
            writer.writerow(
                _codebook_row(name=name, form=FIXED_FORM, type="text", label=labels[name])
            )
        writer.writerow(
            _codebook_row(
                name="wave_no",
                form=FIXED_FORM,
                type="text",
                label=labels["wave_no"],
                validation="integer",
            )
        )
        writer.writerow(
            _codebook_row(
                name="status",
                form=FIXED_FORM,
                type="dropdown",
                label=labels["status"],
                choices=_choices((status.value, status.label) for status in EXPORTED_STATUSES),
            )
        )
        writer.writerow(
            _codebook_row(
                name="completed",
                form=FIXED_FORM,
                type="text",
                label=labels["completed"],
                validation="date_ymd",
            )
        )
        for exported_version in layout.versions:
            section_shown: set[int | None] = set()
            for exported in exported_version.items:
                item = exported.item
                section = ""
                if item.subscale_id not in section_shown:
                    section_shown.add(item.subscale_id)
                    section = item.subscale.name_sv if item.subscale else ""
                common = {
                    "name": exported.variable,
                    "form": exported_version.prefix,
                    "section": section,
                    "label": item.text_sv,
                    "required": "y" if item.required else "",
                    "number": str(item.position + 1),
                }
                if exported.is_text:
                    writer.writerow(_codebook_row(type="notes", **common))
                    continue
                scale = item.scale
                note, annotation = "", ""
                if item.reverse:
                    annotation = REVERSE_ANNOTATION
                    note = _(
                        "Reverse-scored: the value is %(min)s + %(max)s minus the answer; "
                        "each label names the answer given. The raw answer is in the long file."
                    ) % {"min": scale.min_value, "max": scale.max_value}
                writer.writerow(
                    _codebook_row(
                        type="radio",
                        choices=_choices(sorted(exported.scored_labels().items())),
                        note=note,
                        annotation=annotation,
                        **common,
                    )
                )
            for key, variable in exported_version.score_variables.items():
                calculation, words = _rule_note(exported_version, key)
                writer.writerow(
                    _codebook_row(
                        name=variable,
                        form=exported_version.prefix,
                        type="calc",
                        label=score_label(exported_version, key),
                        choices=calculation,
                        note=words,
                    )
                )
