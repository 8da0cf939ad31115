"""Reading an instrument file: JSON syntax, the JSON Schema, then cross-references.

``validate_instrument_document(text)`` returns the document with every default filled in
(see ``normalise``) or raises ``InstrumentFileError`` listing every problem with its line,
in words a researcher editing the file understands. The format is documented in
docs/instrument-format.md and ``evaluation/instrument_schema.json``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import json_source_map
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

FORMAT = "peersupport-instrument/1"
SCHEMA_PATH = Path(__file__).with_name("instrument_schema.json")

SLUG_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"

# (line or None, message); lines count from 1 as in an editor.
FileError = tuple[int | None, str]


class InstrumentFileError(ValidationError):
    """An instrument file that cannot be imported: ``errors`` holds every reason with its
    line; as a ``ValidationError`` its messages are "Line 12: …"."""

    def __init__(self, errors: list[FileError]):
        self.errors = sorted(set(errors), key=lambda error: (error[0] or 0, str(error[1])))
        super().__init__(self.lines())

    def lines(self) -> list[str]:
        return [
            _("Line %(line)s: %(message)s") % {"line": line, "message": message}
            if line
            else message
            for line, message in self.errors
        ]


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


# The JSON decoder's reasons, said in plain words.
_SYNTAX_REASONS = {
    "Expecting ',' delimiter": gettext_lazy(
        "a comma is missing between two values, or a bracket is not closed."
    ),
    "Expecting ':' delimiter": gettext_lazy("a colon is missing after a field name."),
    "Expecting property name enclosed in double quotes": gettext_lazy(
        "expected a field name in double quotes; is there a comma too many before this?"
    ),
    "Expecting value": gettext_lazy(
        "a value is missing or is not valid JSON (texts need double quotes, "
        "true and false are written in lowercase)."
    ),
    "Unterminated string starting at": gettext_lazy("a text is not closed with a double quote."),
    "Extra data": gettext_lazy("there is more text after the end of the document."),
    "Invalid control character at": gettext_lazy(
        "a line break or tab inside a text; write a line break as \\n."
    ),
    "Invalid \\escape": gettext_lazy("a backslash that does not start a valid escape."),
}


def _parse(text: str | bytes) -> tuple[str, Any]:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = text[: error.start].count(b"\n") + 1
            raise InstrumentFileError(
                [(line, _("The file is not UTF-8 text. Save it as UTF-8 and try again."))]
            ) from error
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise InstrumentFileError([(1, _("The file is empty."))])
    try:
        return text, json.loads(text)
    except json.JSONDecodeError as error:
        reason = _SYNTAX_REASONS.get(error.msg)
        message = (
            _("Column %(column)s: %(reason)s") % {"column": error.colno, "reason": reason}
            if reason
            else _("Column %(column)s: the file is not valid JSON (%(reason)s).")
            % {"column": error.colno, "reason": error.msg}
        )
        raise InstrumentFileError([(error.lineno, message)]) from error


def _pointer(path) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


class _Lines:
    """Lines (from 1) of the values and keys in the JSON text, by path."""

    def __init__(self, text: str):
        try:
            self.entries = json_source_map.calculate(text)
        except Exception:  # noqa: BLE001 – a map we cannot make only costs the line numbers
            self.entries = {}

    def of(self, path, *, key: bool = False) -> int | None:
        path = list(path)
        while True:
            entry = self.entries.get(_pointer(path))
            if entry is not None:
                location = entry.key_start if key and entry.key_start else entry.value_start
                return location.line + 1
            if not path:
                return None
            path.pop()
            key = False


def _field(path) -> str:
    parts = list(path)
    if not parts:
        return _("the document")
    if isinstance(parts[-1], int):
        parent = next((part for part in reversed(parts) if isinstance(part, str)), "")
        return _("%(list)s number %(number)s") % {"list": parent, "number": parts[-1] + 1}
    return str(parts[-1])


_TYPE_NAMES = {
    "string": gettext_lazy("a text in double quotes"),
    "integer": gettext_lazy("a whole number"),
    "number": gettext_lazy("a number"),
    "boolean": gettext_lazy("true or false"),
    "object": gettext_lazy("an object in curly brackets { }"),
    "array": gettext_lazy("a list in square brackets [ ]"),
}


def _schema_errors(error: SchemaError, lines: _Lines) -> list[FileError]:
    path = list(error.absolute_path)
    field = _field(path)
    line = lines.of(path)
    kind, limit = error.validator, error.validator_value
    if kind == "required":
        missing = [name for name in limit if name not in error.instance]
        return [
            (line, _("“%(field)s” is missing in %(where)s.") % {"field": name, "where": field})
            for name in missing
        ]
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        return [
            (
                lines.of([*path, name], key=True),
                _("Unknown field “%(field)s”. Allowed here: %(allowed)s.")
                % {"field": name, "allowed": ", ".join(allowed)},
            )
            for name in error.instance
            if name not in allowed
        ]
    if kind == "type" and not path:
        message = _("The file must hold one JSON object, in curly brackets { }.")
    elif kind == "const":
        message = _("“%(field)s” must be “%(value)s”.") % {"field": field, "value": limit}
    elif kind == "type":
        message = _("“%(field)s” must be %(type)s.") % {
            "field": field,
            "type": _TYPE_NAMES.get(limit, limit),
        }
    elif kind == "enum":
        message = _("“%(field)s” must be one of: %(choices)s.") % {
            "field": field,
            "choices": ", ".join(f"“{choice}”" for choice in limit),
        }
    elif kind == "pattern" and limit == SLUG_PATTERN:
        message = _(
            "“%(field)s” may contain only lowercase letters a–z, digits and single hyphens "
            "(for example “peer-experience”)."
        ) % {"field": field}
    elif kind == "pattern":
        message = _(
            "“%(field)s” must start with a lowercase letter a–z and contain only lowercase "
            "letters, digits and underscores (for example “pe01”): it becomes a variable "
            "name in exports."
        ) % {"field": field}
    elif kind == "minimum":
        message = _("“%(field)s” must be at least %(limit)s.") % {"field": field, "limit": limit}
    elif kind == "maximum":
        message = _("“%(field)s” must be at most %(limit)s.") % {"field": field, "limit": limit}
    elif kind == "minLength":
        message = _("“%(field)s” must not be empty.") % {"field": field}
    elif kind == "maxLength":
        message = _("“%(field)s” is too long: at most %(limit)s characters.") % {
            "field": field,
            "limit": limit,
        }
    elif kind == "minItems":
        message = _("“%(field)s” has too few entries: at least %(limit)s are needed.") % {
            "field": field,
            "limit": limit,
        }
    elif kind == "maxItems":
        message = _("“%(field)s” may have at most %(limit)s entries.") % {
            "field": field,
            "limit": limit,
        }
    else:
        message = _("“%(field)s” is not valid: %(reason)s") % {
            "field": field,
            "reason": error.message,
        }
    return [(line, message)]


def _duplicates(entries: list[dict], list_name: str, lines: _Lines, what: str) -> list[FileError]:
    seen: set[str] = set()
    errors = []
    for index, entry in enumerate(entries):
        key = entry["key"]
        if key in seen:
            errors.append(
                (
                    lines.of([list_name, index, "key"]),
                    what % {"key": key},
                )
            )
        seen.add(key)
    return errors


def _cross_reference_errors(document: dict, lines: _Lines) -> list[FileError]:
    errors: list[FileError] = []
    scales = document["scales"]
    subscales = document.get("subscales", [])
    items = document["items"]
    errors += _duplicates(scales, "scales", lines, _("The scale key “%(key)s” is used twice."))
    errors += _duplicates(
        subscales, "subscales", lines, _("The subscale key “%(key)s” is used twice.")
    )
    errors += _duplicates(items, "items", lines, _("The item key “%(key)s” is used twice."))

    for index, scale in enumerate(scales):
        if scale["min"] >= scale["max"]:
            errors.append(
                (
                    lines.of(["scales", index, "max"]),
                    _("Scale “%(key)s”: “max” must be greater than “min”.") % {"key": scale["key"]},
                )
            )
            continue
        expected = list(range(scale["min"], scale["max"] + 1))
        values = sorted(anchor["value"] for anchor in scale["anchors"])
        if values != expected:
            errors.append(
                (
                    lines.of(["scales", index, "anchors"]),
                    _(
                        "Scale “%(key)s”: the anchors must label every value from %(min)s to "
                        "%(max)s exactly once; they label %(values)s."
                    )
                    % {
                        "key": scale["key"],
                        "min": scale["min"],
                        "max": scale["max"],
                        "values": ", ".join(str(value) for value in values),
                    },
                )
            )

    for list_name, rules in (("subscales", subscales), ("total", [document.get("total")])):
        for index, rule in enumerate(rules):
            if not rule or "min_answered" not in rule:
                continue
            if Decimal(str(rule["min_answered"])).as_tuple().exponent < -2:
                path = [list_name, index] if list_name == "subscales" else [list_name]
                errors.append(
                    (
                        lines.of([*path, "min_answered"]),
                        _(
                            "“min_answered” is a share between 0 and 1 with at most two "
                            "decimals, for example 0.5 or 0.75."
                        ),
                    )
                )

    scale_keys = {scale["key"] for scale in scales}
    subscale_keys = {subscale["key"] for subscale in subscales}
    used_subscales: set[str] = set()
    last_page = 1
    for index, item in enumerate(items):
        key = item["key"]
        is_text = item.get("kind", "scale") == "text"
        if is_text:
            for field in ("scale", "subscale"):
                if field in item:
                    errors.append(
                        (
                            lines.of(["items", index, field], key=True),
                            _("Item “%(key)s” is a free-text item and cannot have “%(field)s”.")
                            % {"key": key, "field": field},
                        )
                    )
            if item.get("reverse"):
                errors.append(
                    (
                        lines.of(["items", index, "reverse"]),
                        _(
                            "Item “%(key)s” is reverse-scored but has no response scale: "
                            "only scale items can be reversed."
                        )
                        % {"key": key},
                    )
                )
        elif "scale" not in item:
            errors.append(
                (
                    lines.of(["items", index]),
                    _(
                        "Item “%(key)s” needs a “scale” (the key of one of the scales), or "
                        "“kind”: “text” for a free-text item."
                    )
                    % {"key": key},
                )
            )
        elif item["scale"] not in scale_keys:
            errors.append(
                (
                    lines.of(["items", index, "scale"]),
                    _("Item “%(key)s” names the scale “%(scale)s”, which is not in “scales”.")
                    % {"key": key, "scale": item["scale"]},
                )
            )
        if "subscale" in item and not is_text:
            used_subscales.add(item["subscale"])
            if item["subscale"] not in subscale_keys:
                errors.append(
                    (
                        lines.of(["items", index, "subscale"]),
                        _(
                            "Item “%(key)s” names the subscale “%(subscale)s”, which is not "
                            "in “subscales”."
                        )
                        % {"key": key, "subscale": item["subscale"]},
                    )
                )
        page = item.get("page", last_page)
        if page < last_page:
            errors.append(
                (
                    lines.of(["items", index, "page"]),
                    _(
                        "Item “%(key)s” is on page %(page)s after an item on page %(last)s: "
                        "list the items page by page."
                    )
                    % {"key": key, "page": page, "last": last_page},
                )
            )
        last_page = max(page, last_page)

    for index, subscale in enumerate(subscales):
        if subscale["key"] not in used_subscales:
            errors.append(
                (
                    lines.of(["subscales", index, "key"]),
                    _("Subscale “%(key)s” has no items.") % {"key": subscale["key"]},
                )
            )
    return errors


def _text(value: dict | None) -> dict[str, str]:
    value = value or {}
    return {"sv": value.get("sv", ""), "en": value.get("en", "")}


def _rule(rule: dict) -> dict:
    return {
        "method": rule["method"],
        "min_answered": float(rule.get("min_answered", 1)),
        "prorate": bool(rule.get("prorate", False)),
    }


def normalise(document: dict) -> dict:
    """The document with every default written out, in a fixed shape and order.

    Two files that mean the same normalise to equal dicts; this is what a version keeps as
    its ``definition`` and what an export writes. A missing ``page`` continues the previous
    item's page.
    """
    items = []
    page = 1
    for item in document["items"]:
        page = item.get("page", page)
        is_text = item.get("kind", "scale") == "text"
        entry: dict[str, Any] = {
            "key": item["key"],
            "text": _text(item["text"]),
            "kind": "text" if is_text else "scale",
        }
        if not is_text:
            entry["scale"] = item["scale"]
            if item.get("subscale"):
                entry["subscale"] = item["subscale"]
            entry["reverse"] = bool(item.get("reverse", False))
        entry["required"] = bool(item.get("required", False))
        entry["page"] = page
        items.append(entry)
    normalised = {
        "format": FORMAT,
        "key": document["key"],
        "name": _text(document["name"]),
        "description": _text(document.get("description")),
        "source": document.get("source", ""),
        "scales": [
            {
                "key": scale["key"],
                "min": scale["min"],
                "max": scale["max"],
                "anchors": [
                    {"value": anchor["value"], "label": _text(anchor["label"])}
                    for anchor in sorted(scale["anchors"], key=lambda anchor: anchor["value"])
                ],
            }
            for scale in document["scales"]
        ],
        "subscales": [
            {"key": subscale["key"], "name": _text(subscale["name"]), **_rule(subscale)}
            for subscale in document.get("subscales", [])
        ],
        "items": items,
    }
    if document.get("total"):
        normalised["total"] = _rule(document["total"])
    return normalised


def validate_instrument_document(text: str | bytes) -> dict:
    """The normalised document, or ``InstrumentFileError`` with every problem and its line."""
    text, document = _parse(text)
    lines = _Lines(text)
    errors = [
        error
        for schema_error in _validator().iter_errors(document)
        for error in _schema_errors(schema_error, lines)
    ]
    if errors:
        raise InstrumentFileError(errors)
    errors = _cross_reference_errors(document, lines)
    if errors:
        raise InstrumentFileError(errors)
    return normalise(document)
