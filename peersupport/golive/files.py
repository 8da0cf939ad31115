"""Reading an uploaded .xlsx or .csv into rows, and writing the template of a kind."""

from __future__ import annotations

import datetime as dt
import re

import tablib
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .registry import Importer

MAX_ROWS = 1000
MAX_FILE_BYTES = 5 * 1024 * 1024
FORMATS = {"xlsx": "xlsx", "csv": "csv"}


def _normalise_header(text: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(text or "").strip().casefold())


def _header_lookup(importer: Importer) -> dict[str, str]:
    lookup = {}
    for column in importer.columns:
        for language in ("en", "sv"):
            with translation.override(language):
                lookup[_normalise_header(column.label)] = column.key
        lookup[_normalise_header(column.key)] = column.key
    return lookup


def cell_text(value: object) -> str:
    """A cell as text: dates as ISO dates, whole numbers without decimals."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _load(data: bytes, file_format: str) -> tablib.Dataset:
    if file_format == "xlsx":
        return tablib.Dataset().load(data, format="xlsx")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves CSV in the legacy Western code page.
        text = data.decode("cp1252")
    first_line = text.split("\n", 1)[0]
    # Excel in Swedish separates CSV columns with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return tablib.Dataset().load(text, format="csv", delimiter=delimiter)


def read_rows(importer: Importer, name: str, data: bytes) -> list[dict[str, str]]:
    """The file's rows as ``{column key: text}``; a file that cannot be read, lacks a
    required column or is too long is refused as a whole."""
    file_format = FORMATS.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None
    if file_format is None:
        raise ValidationError(_("Upload an .xlsx or a .csv file."))
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(_("The file is too large (at most 5 MB)."))
    try:
        dataset = _load(data, file_format)
    except Exception as error:
        # tablib and openpyxl raise many kinds of errors on a file that is not what it says.
        raise ValidationError(
            _("The file could not be read as %(format)s.") % {"format": file_format}
        ) from error
    lookup = _header_lookup(importer)
    keys = [lookup.get(_normalise_header(header)) for header in (dataset.headers or [])]
    missing = [c for c in importer.columns if c.required and c.key not in keys]
    if missing:
        raise ValidationError(
            ngettext(
                "The file lacks the column %(columns)s. Start from the template.",
                "The file lacks the columns %(columns)s. Start from the template.",
                len(missing),
            )
            % {"columns": ", ".join(c.key for c in missing)}
        )
    rows = []
    for values in dataset:
        row = {key: cell_text(value) for key, value in zip(keys, values, strict=False) if key}
        if any(row.values()):
            rows.append(row)
    if not rows:
        raise ValidationError(_("The file has no rows under its header."))
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            _("The file has %(count)s rows; import at most %(max)s at a time.")
            % {"count": len(rows), "max": MAX_ROWS}
        )
    return rows


def template_file(importer: Importer, file_format: str) -> bytes:
    """An empty file of the kind: the columns and one example row."""
    dataset = tablib.Dataset(headers=[c.key for c in importer.columns])
    dataset.append([c.example for c in importer.columns])
    dataset.title = str(importer.title)[:31]
    exported = dataset.export(file_format)
    return exported.encode("utf-8-sig") if isinstance(exported, str) else exported
