"""Register sheets: the region's own lists as spreadsheets for its coordinators.

Besides the report's figures, a coordinator can take the region's participants, cohorts
with attendance, placements and supervision cadence into a spreadsheet. The core never
imports an app: each app registers, from its ``AppConfig.ready()``, the sheets it writes
(``register_sheet``). A sheet is a function of a region and the person asking that returns
its column headers and rows; the worker writes it as an ``.xlsx`` file.

What a sheet may hold: exactly what the coordinator's own pages show for the region –
names, and the participants' e-mail addresses as the participant list shows them. Never
lived-experience declarations, health data, reasons given for absences, private notes,
reflections, service-user codes or anything else the coordinator's pages do not show.
Every text cell is written through ``spreadsheet_safe``, so text typed by people is never
run as a formula when the file is opened.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Font

from peersupport.accounts.models import Region
from peersupport.spreadsheets import spreadsheet_safe

Text = str | Promise
Cell = str | int | Decimal | dt.date | None

# Characters a worksheet's title may not hold, and its longest length.
_TITLE_FORBIDDEN = str.maketrans({char: " " for char in "[]:*?/\\"})
_TITLE_LENGTH = 31


@dataclass(frozen=True)
class SheetContent:
    """A sheet's headers and its rows, one cell per header."""

    headers: list[Text]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class RegisterSheet:
    key: str
    title: Text
    order: int
    # One sentence on what a row is, shown where a coordinator asks for the sheet.
    description: Text
    build: Callable[[Region, object], SheetContent]


_SHEETS: dict[str, RegisterSheet] = {}


def register_sheet(sheet: RegisterSheet) -> RegisterSheet:
    _SHEETS[sheet.key] = sheet
    return sheet


def register_sheets() -> list[RegisterSheet]:
    return sorted(_SHEETS.values(), key=lambda sheet: (sheet.order, sheet.key))


def get_register_sheet(key: str) -> RegisterSheet | None:
    return _SHEETS.get(key)


def _safe(cell: Cell | Promise) -> Cell:
    if isinstance(cell, Promise):
        cell = str(cell)
    return spreadsheet_safe(cell) if isinstance(cell, str) else cell


def workbook_bytes(title: Text, content: SheetContent) -> bytes:
    """The sheet as an ``.xlsx`` file: bold headers, frozen under the header row, dates as
    dates, and every text cell made safe from formula injection."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(title).translate(_TITLE_FORBIDDEN)[:_TITLE_LENGTH]
    sheet.append([_safe(header) for header in content.headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in content.rows:
        sheet.append([_safe(cell) for cell in row])
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
