"""Register sheets: the region's own lists as spreadsheets for its coordinators.

Besides the report's figures, a coordinator can take the region's participants, cohorts
with attendance, placements and supervision cadence into a spreadsheet. The core never
imports an app: each app registers, from its ``AppConfig.ready()``, the sheets it writes
(``register_sheet``). A sheet is a function of a region and the person asking that returns
its column headers and rows; the worker writes it as an ``.xlsx`` file.

A sheet's rows may be a generator over ``.iterator(chunk_size=…)``: the worker writes each
row into a temporary ``.xlsx`` file as it comes (``write_workbook``), so its memory stays
flat whatever the number of rows (the national support-session sheet has hundreds of
thousands). A sheet that says ``national=True`` can also be written for every region at
once (``region`` is then ``None``); only an admin may ask for that.

What a sheet may hold: exactly what the coordinator's own pages show for the region –
names, and the participants' e-mail addresses as the participant list shows them. Never
lived-experience declarations, health data, reasons given for absences, private notes,
reflections, service-user codes or anything else the coordinator's pages do not show.
Every text cell is written through ``spreadsheet_safe``, so text typed by people is never
run as a formula when the file is opened.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from django.utils.functional import Promise

from peersupport.accounts.models import Region
from peersupport.spreadsheets import spreadsheet_safe

Text = str | Promise
Cell = str | int | Decimal | dt.date | None

# Characters a worksheet's title may not hold, and its longest length.
_TITLE_FORBIDDEN = str.maketrans({char: " " for char in "[]:*?/\\"})
_TITLE_LENGTH = 31


@dataclass(frozen=True)
class SheetContent:
    """A sheet's headers and its rows, one cell per header. The rows are a list or a
    generator; either is read once, as the file is written."""

    headers: list[Text]
    rows: Iterable[list[Cell]]


@dataclass(frozen=True)
class RegisterSheet:
    key: str
    title: Text
    order: int
    # One sentence on what a row is, shown where a coordinator asks for the sheet.
    description: Text
    # Called with the region, or ``None`` for every region when ``national``.
    build: Callable[[Region | None, object], SheetContent]
    # Whether an admin may ask for it for every region at once.
    national: bool = False


_SHEETS: dict[str, RegisterSheet] = {}


def register_sheet(sheet: RegisterSheet) -> RegisterSheet:
    _SHEETS[sheet.key] = sheet
    return sheet


def register_sheets() -> list[RegisterSheet]:
    return sorted(_SHEETS.values(), key=lambda sheet: (sheet.order, sheet.key))


def get_register_sheet(key: str) -> RegisterSheet | None:
    return _SHEETS.get(key)


# Characters XML 1.0 cannot hold at all (control characters but tab and line breaks).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _safe(cell: Cell | Promise) -> Cell:
    if isinstance(cell, Promise):
        cell = str(cell)
    if isinstance(cell, str):
        return spreadsheet_safe(_XML_ILLEGAL.sub("", cell))
    return cell


def write_workbook(destination: BinaryIO, title: Text, content: SheetContent) -> int:
    """Write the sheet as an ``.xlsx`` file into ``destination`` and return the rows
    written: bold headers, frozen under the header row, dates as dates (``yyyy-mm-dd``),
    and every text cell made safe from formula injection.

    XlsxWriter in its constant-memory mode writes each row out as it comes, so a generator
    of rows is never held whole. It is used here rather than openpyxl's write-only mode:
    importing openpyxl brings numpy with it, ~23 MB that would put the worker writing the
    country's sheet over its 100 MB.
    """
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        destination,
        {
            "constant_memory": True,
            "default_date_format": "yyyy-mm-dd",
            "remove_timezone": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = workbook.add_worksheet(str(title).translate(_TITLE_FORBIDDEN)[:_TITLE_LENGTH])
    sheet.write_row(
        0, 0, [_safe(header) for header in content.headers], workbook.add_format({"bold": True})
    )
    sheet.freeze_panes(1, 0)
    written = 0
    for written, row in enumerate(content.rows, start=1):
        sheet.write_row(written, 0, [_safe(cell) for cell in row])
    workbook.close()
    return written
