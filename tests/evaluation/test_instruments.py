"""Instruments as data: the file format and its errors, importing whole or not at all,
versions, immutability once published, export round trips and the shipped instruments."""

import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from evaluation.actions.instruments import (
    InstrumentUnchanged,
    export_instrument,
    import_instrument,
    load_shipped_instruments,
    publish_version,
)
from evaluation.models import (
    Instrument,
    InstrumentVersion,
    Item,
    PublishedError,
    ResponseScale,
    Subscale,
)
from evaluation.schema import InstrumentFileError, validate_instrument_document
from evaluation.scoring import score_answers
from peersupport.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

SHIPPED = Path(__file__).resolve().parents[2] / "evaluation" / "instruments"

AGREE = [
    {"value": value, "label": {"sv": f"Svar {value}", "en": f"Answer {value}"}}
    for value in range(1, 6)
]


def document(**changes) -> dict:
    """A small valid instrument: two subscales, one reverse item, a free-text item."""
    doc = {
        "format": "peersupport-instrument/1",
        "key": "wellbeing",
        "name": {"sv": "Välmående", "en": "Wellbeing"},
        "description": {"sv": "Några frågor.", "en": "A few questions."},
        "source": "Skrivet av projektet, fritt att använda.",
        "scales": [{"key": "agree5", "min": 1, "max": 5, "anchors": AGREE}],
        "subscales": [
            {
                "key": "mood",
                "name": {"sv": "Humör", "en": "Mood"},
                "method": "mean",
                "min_answered": 0.5,
            },
            {
                "key": "sleep",
                "name": {"sv": "Sömn", "en": "Sleep"},
                "method": "sum",
                "min_answered": 0.5,
                "prorate": True,
            },
        ],
        "total": {"method": "mean", "min_answered": 0.75},
        "items": [
            {"key": "m1", "text": {"sv": "Jag är glad.", "en": "I am glad."}, "scale": "agree5",
             "subscale": "mood"},
            {"key": "m2", "text": {"sv": "Jag är nere.", "en": "I am low."}, "scale": "agree5",
             "subscale": "mood", "reverse": True},
            {"key": "s1", "text": {"sv": "Jag sover gott.", "en": "I sleep well."},
             "scale": "agree5", "subscale": "sleep", "page": 2},
            {"key": "s2", "text": {"sv": "Jag vaknar utvilad.", "en": "I wake up rested."},
             "scale": "agree5", "subscale": "sleep", "required": True},
            {"key": "note", "kind": "text",
             "text": {"sv": "Något mer?", "en": "Anything else?"}},
        ],
    }  # fmt: skip
    doc.update(changes)
    return doc


def dump(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2)


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Instrument, InstrumentVersion, ResponseScale, Subscale, Item)
    )


def errors_of(text) -> list[tuple[int | None, str]]:
    with pytest.raises(InstrumentFileError) as raised:
        validate_instrument_document(text)
    return raised.value.errors


# The file format -----------------------------------------------------------------------


def test_a_valid_file_is_normalised_with_defaults_written_out():
    normalised = validate_instrument_document(dump(document()).encode())
    assert normalised["items"][0] == {
        "key": "m1",
        "text": {"sv": "Jag är glad.", "en": "I am glad."},
        "kind": "scale",
        "scale": "agree5",
        "subscale": "mood",
        "reverse": False,
        "required": False,
        "page": 1,
    }
    # A missing page continues the previous item's page.
    assert [item["page"] for item in normalised["items"]] == [1, 1, 2, 2, 2]
    assert normalised["subscales"][0]["prorate"] is False
    assert normalised["items"][4] == {
        "key": "note",
        "text": {"sv": "Något mer?", "en": "Anything else?"},
        "kind": "text",
        "required": False,
        "page": 2,
    }


@pytest.mark.english
def test_a_syntax_error_names_its_line_and_column():
    text = dump(document()).replace('"key": "m2",', '"key": "m2"', 1)
    [(line, message)] = errors_of(text)
    assert line == line_of(text, '"key": "m2"') + 1
    assert "comma is missing" in message
    assert message.startswith("Column ")


@pytest.mark.english
def test_an_empty_file_and_a_file_without_an_object_are_explained():
    assert errors_of(b" \n") == [(1, "The file is empty.")]
    assert errors_of("[\n]") == [(1, "The file must hold one JSON object, in curly brackets { }.")]


@pytest.mark.english
def test_a_file_that_is_not_utf8_is_refused_with_its_line():
    text = dump(document()).replace("Välmående", "V\udce4lm")
    raw = text.encode("utf-8", "surrogateescape")
    [(line, message)] = errors_of(raw)
    assert line == line_of(text, "V\udce4lm")
    assert "UTF-8" in message


@pytest.mark.english
def test_schema_errors_name_the_line_of_the_offending_value():
    doc = document()
    doc["items"][2]["reverse"] = "yes"
    doc["subscales"][1]["method"] = "median"
    doc["items"][3]["colour"] = "red"
    del doc["items"][1]["text"]["en"]
    text = dump(doc)
    errors = errors_of(text)
    assert (line_of(text, '"reverse": "yes"'), "“reverse” must be true or false.") in errors
    assert (
        line_of(text, '"method": "median"'),
        "“method” must be one of: “sum”, “mean”.",
    ) in errors
    assert any(
        line == line_of(text, '"colour"') and message.startswith("Unknown field “colour”")
        for line, message in errors
    )
    assert any("“en” is missing" in message for _line, message in errors)


@pytest.mark.english
def test_a_key_that_cannot_be_a_variable_name_is_explained():
    doc = document()
    doc["items"][0]["key"] = "1st-item"
    text = dump(doc)
    [(line, message)] = errors_of(text)
    assert line == line_of(text, '"1st-item"')
    assert "variable name" in message


@pytest.mark.english
def test_cross_reference_errors_name_their_lines():
    doc = document()
    doc["items"][0]["scale"] = "agree7"
    doc["items"][1]["subscale"] = "moood"
    doc["items"][3]["key"] = "s1"
    doc["items"][4]["reverse"] = True
    doc["scales"][0]["anchors"] = AGREE[:2] + AGREE[3:]
    text = dump(doc)
    errors = errors_of(text)
    messages = {message: line for line, message in errors}
    assert messages["Item “m1” names the scale “agree7”, which is not in “scales”."] == line_of(
        text, '"agree7"'
    )
    assert messages[
        "Item “m2” names the subscale “moood”, which is not in “subscales”."
    ] == line_of(text, '"moood"')
    assert "The item key “s1” is used twice." in messages
    assert any("reverse-scored but has no response scale" in message for message in messages)
    assert any(
        "label every value from 1 to 5 exactly once; they label 1, 2, 4, 5" in message
        for message in messages
    )


@pytest.mark.english
def test_duplicate_item_key_points_at_the_second_one():
    doc = document()
    doc["items"][3]["key"] = "s1"
    text = dump(doc)
    [(line, message)] = errors_of(text)
    second = text.index('"key": "s1"', text.index('"key": "s1"') + 1)
    assert line == text[:second].count("\n") + 1
    assert message == "The item key “s1” is used twice."


@pytest.mark.english
def test_a_scale_item_without_scale_and_pages_going_back_are_refused():
    doc = document()
    del doc["items"][0]["scale"]
    doc["items"][4]["page"] = 1
    errors = [message for _line, message in errors_of(dump(doc))]
    assert any(message.startswith("Item “m1” needs a “scale”") for message in errors)
    assert any("is on page 1 after an item on page 2" in message for message in errors)


def test_the_shipped_files_follow_the_published_schema():
    """The JSON Schema file itself is valid draft 2020-12 and every shipped file passes it."""
    from jsonschema import Draft202012Validator

    schema = json.loads((SHIPPED.parent / "instrument_schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    for path in SHIPPED.glob("*.json"):
        Draft202012Validator(schema).validate(json.loads(path.read_text()))
        validate_instrument_document(path.read_bytes())


# Importing -----------------------------------------------------------------------------


def test_import_creates_the_instrument_with_its_rows_published_and_audited(researcher):
    version = import_instrument(actor=researcher, text=dump(document()))
    assert version.version == 1
    assert version.is_published
    assert version.instrument.name_sv == "Välmående"
    assert version.total_method == "mean"
    assert float(version.total_min_answered) == 0.75
    items = {item.key: item for item in version.items.select_related("scale", "subscale")}
    assert list(version.items.values_list("key", flat=True)) == ["m1", "m2", "s1", "s2", "note"]
    assert items["m2"].reverse and items["m2"].subscale.key == "mood"
    assert items["note"].kind == "text" and items["note"].scale is None
    assert items["s2"].required and items["s2"].page == 2
    assert version.scales.get().anchors[0] == {
        "value": 1,
        "label_sv": "Svar 1",
        "label_en": "Answer 1",
    }
    sleep = version.subscales.get(key="sleep")
    assert (sleep.method, float(sleep.min_answered), sleep.prorate) == ("sum", 0.5, True)
    assert AuditEvent.objects.filter(
        actor=researcher, action=AuditAction.CREATE, object_id=str(version.pk)
    ).exists()
    # The imported rules score as written: mood = mean(4, 6 - 2); sleep = 3 pro-rated to 2.
    assert score_answers(version, {"m1": 4, "m2": 2, "s1": 3}) == {
        "mood": 4.0,
        "sleep": 6.0,
        "total": 11 / 3,
    }


def test_a_broken_file_imports_nothing(researcher):
    import_instrument(actor=researcher, text=dump(document()))
    before = counts()
    doc = document(name={"sv": "Nytt namn", "en": "New name"})
    doc["items"][0]["scale"] = "missing"
    with pytest.raises(InstrumentFileError):
        import_instrument(actor=researcher, text=dump(doc))
    assert counts() == before
    assert Instrument.objects.get().name_sv == "Välmående"


def test_a_failure_after_validation_rolls_everything_back(researcher, monkeypatch):
    """Even an error while the rows are written leaves no instrument, version or row."""
    from evaluation.actions import instruments

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(instruments, "publish_version", fail)
    with pytest.raises(RuntimeError):
        import_instrument(actor=researcher, text=dump(document()))
    assert counts() == (0, 0, 0, 0, 0)


def test_a_changed_file_becomes_the_next_version_and_the_old_one_stays(researcher):
    first = import_instrument(actor=researcher, text=dump(document()))
    changed = document(name={"sv": "Välmående och sömn", "en": "Wellbeing and sleep"})
    changed["items"][0]["text"]["sv"] = "Jag känner mig glad."
    second = import_instrument(actor=researcher, text=dump(changed))
    assert (second.instrument_id, second.version) == (first.instrument_id, 2)
    assert first.items.get(key="m1").text_sv == "Jag är glad."
    assert second.items.get(key="m1").text_sv == "Jag känner mig glad."
    assert Instrument.objects.get().name_sv == "Välmående och sömn"


@pytest.mark.english
def test_the_same_content_again_is_refused_as_unchanged(researcher):
    import_instrument(actor=researcher, text=dump(document()))
    before = counts()
    # Written differently (defaults spelt out, other order) but meaning the same.
    same = document()
    same["items"][0]["reverse"] = False
    same = dict(reversed(list(same.items())))
    with pytest.raises(InstrumentUnchanged) as raised:
        import_instrument(actor=researcher, text=dump(same))
    assert raised.value.version.version == 1
    assert "identical to version 1" in raised.value.messages[0]
    assert counts() == before


def test_only_researchers_and_admins_import(coordinator, peer_supporter, admin_user):
    for user in (coordinator, peer_supporter):
        with pytest.raises(PermissionDenied):
            import_instrument(actor=user, text=dump(document()))
    assert counts() == (0, 0, 0, 0, 0)
    assert import_instrument(actor=admin_user, text=dump(document())).version == 1


def test_import_without_publishing_then_publish(researcher):
    version = import_instrument(actor=researcher, text=dump(document()), publish=False)
    assert not version.is_published
    publish_version(actor=researcher, version=version)
    version.refresh_from_db()
    assert version.is_published


# Published versions do not change ------------------------------------------------------


def test_a_published_version_and_its_rows_refuse_changes(researcher):
    version = import_instrument(actor=researcher, text=dump(document()))
    version = InstrumentVersion.objects.get(pk=version.pk)
    version.source = "Changed"
    with pytest.raises(PublishedError):
        version.save()
    item = Item.objects.get(version=version, key="m1")
    item.text_sv = "Ändrad"
    with pytest.raises(PublishedError):
        item.save()
    with pytest.raises(PublishedError):
        item.delete()
    subscale = Subscale.objects.get(version=version, key="mood")
    subscale.method = "sum"
    with pytest.raises(PublishedError):
        subscale.save()
    scale = ResponseScale.objects.get(version=version)
    scale.max_value = 7
    with pytest.raises(PublishedError):
        scale.save()
    with pytest.raises(PublishedError):
        version.delete()
    assert Item.objects.get(version=version, key="m1").text_sv == "Jag är glad."


def test_an_unpublished_version_may_still_be_corrected(researcher):
    version = import_instrument(actor=researcher, text=dump(document()), publish=False)
    item = Item.objects.get(version=version, key="m1")
    item.text_sv = "Jag är ofta glad."
    item.save()
    assert Item.objects.get(pk=item.pk).text_sv == "Jag är ofta glad."


# Export --------------------------------------------------------------------------------


def test_export_round_trips(researcher, django_assert_max_num_queries):
    version = import_instrument(actor=researcher, text=dump(document()))
    with django_assert_max_num_queries(4):
        exported = export_instrument(version)
    assert exported["version"] == 1
    assert {key: value for key, value in exported.items() if key != "version"} == (
        validate_instrument_document(dump(document()))
    )
    # Importing the export again is the same content...
    with pytest.raises(InstrumentUnchanged):
        import_instrument(actor=researcher, text=dump(exported))
    # ...and under another key it makes an instrument whose export is equal but for the key.
    copied = import_instrument(actor=researcher, text=dump({**exported, "key": "wellbeing-copy"}))
    again = export_instrument(copied)
    assert {**again, "key": "wellbeing"} == exported


def test_export_of_a_version_made_from_rows_is_importable(researcher):
    """Versions built straight in the database (no stored document) export too."""
    from .builders import make_instrument

    version = make_instrument("built", reverse=["a2"])
    exported = export_instrument(version)
    imported = import_instrument(actor=researcher, text=dump({**exported, "key": "rebuilt"}))
    assert {**export_instrument(imported), "key": "built", "name": exported["name"]} == exported


# Shipped instruments and the command -----------------------------------------------------


def test_the_shipped_instruments_load_once():
    versions = load_shipped_instruments()
    keys = sorted(version.instrument.key for version in versions)
    assert keys == ["peer-experience", "service-user-short", "staff-recovery-attitudes"]
    assert all(version.is_published and version.instrument.shipped for version in versions)
    before = counts()
    again = load_shipped_instruments()
    assert counts() == before
    assert sorted(version.pk for version in again) == sorted(version.pk for version in versions)


def test_the_shipped_instruments_have_what_the_issue_asks():
    versions = {version.instrument.key: version for version in load_shipped_instruments()}
    for version in versions.values():
        assert version.subscales.count() >= 3
        assert version.items.filter(reverse=True).exists()
        assert "PEER Support" in version.source
        for scale in version.scales.all():
            assert (scale.min_value, scale.max_value) == (1, 5)
            assert all(anchor["label_sv"] and anchor["label_en"] for anchor in scale.anchors)
        assert not version.items.filter(text_sv="").exists()
        assert not version.items.filter(text_en="").exists()
    peer = versions["peer-experience"].items.filter(kind="scale").count()
    staff = versions["staff-recovery-attitudes"].items.filter(kind="scale").count()
    assert 12 <= peer <= 16 and 10 <= staff <= 12
    service = versions["service-user-short"]
    assert service.items.filter(kind="scale").count() == 6
    note = service.items.get(kind="text")
    assert note.text_sv == "Något mer du vill berätta?" and not note.required


def test_command_loads_the_shipped_instruments_idempotently(capsys):
    call_command("load_instruments")
    before = counts()
    call_command("load_instruments")
    assert counts() == before == (3, 3, 3, 11, 34)


@pytest.mark.english
def test_command_loads_a_file_and_prints_errors_with_lines(tmp_path, capsys):
    good = tmp_path / "licensed.json"
    good.write_text(dump(document()), encoding="utf-8")
    call_command("load_instruments", str(good))
    assert "loaded as wellbeing v1" in capsys.readouterr().out

    doc = document(key="broken")
    doc["items"][0]["scale"] = "agree7"
    broken = tmp_path / "broken.json"
    text = dump(doc)
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_instruments", str(broken))
    err = capsys.readouterr().err
    line = line_of(text, '"agree7"')
    assert f"Line {line}: Item “m1” names the scale “agree7”" in err
    assert not Instrument.objects.filter(key="broken").exists()


def test_the_example_in_the_documentation_imports(researcher):
    """docs/instrument-format.md carries a full example; it imports and scores as the page
    says."""
    text = (SHIPPED.parents[1] / "docs" / "instrument-format.md").read_text(encoding="utf-8")
    example = text.split("## A full example", 1)[1].split("```json\n", 1)[1].split("\n```")[0]
    version = import_instrument(actor=researcher, text=example)
    # The worked scores under the example.
    assert score_answers(version, {"ex01": 4, "ex02": 2, "ex03": 3}) == {
        "everyday": 4.0,
        "rest": 6.0,
        "total": 11 / 3,
    }
