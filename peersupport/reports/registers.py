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
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO
from xml.sax.saxutils import escape

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


def _safe(cell: Cell | Promise) -> Cell:
    if isinstance(cell, Promise):
        cell = str(cell)
    return spreadsheet_safe(cell) if isinstance(cell, str) else cell


def write_workbook(destination: BinaryIO, title: Text, content: SheetContent) -> int:
    """Write the sheet as an ``.xlsx`` file into ``destination`` and return the rows
    written: bold headers, frozen under the header row, dates as dates (``yyyy-mm-dd``),
    and every text cell made safe from formula injection.

    Each row is compressed into the file as it comes, so a generator of rows is never
    held whole. The file is written here rather than through openpyxl: openpyxl's import
    brings numpy with it, ~23 MB that would put the worker writing the country's sheet
    over its 100 MB (the sheet needs only inline strings, numbers, dates and two styles).
    """
    headers = [_safe(header) for header in content.headers]
    columns = [_column_letter(index) for index in range(len(headers))]
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as package:
        sheet_name = escape(str(title).translate(_TITLE_FORBIDDEN)[:_TITLE_LENGTH], {'"': "&quot;"})
        for name, xml in _PACKAGE_PARTS.items():
            package.writestr(name, xml.replace("{sheet_name}", sheet_name))
        written = 0
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_START)
            sheet.write(_row_xml(1, columns, headers, style=_BOLD))
            batch = []
            for number, row in enumerate(content.rows, start=2):
                batch.append(_row_xml(number, columns, [_safe(cell) for cell in row]))
                written += 1
                if len(batch) == _ROWS_PER_WRITE:
                    sheet.write(b"".join(batch))
                    batch = []
            sheet.write(b"".join(batch) + _SHEET_END)
    return written


# The styles a cell can have (indexes into cellXfs below).
_PLAIN, _BOLD, _DATE, _DATETIME = 0, 1, 2, 3
_ROWS_PER_WRITE = 500
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# Characters XML 1.0 cannot hold at all (control characters but tab and line breaks).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_PACKAGE_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
        '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
_SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetViews><sheetView workbookViewId="0">'
    b'<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    b'<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
    b"</sheetView></sheetViews><sheetData>"
)
_SHEET_END = b"</sheetData></worksheet>"


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _row_xml(number: int, columns: list[str], cells: list[Cell], *, style: int = _PLAIN) -> bytes:
    parts = [f'<row r="{number}">']
    for column, value in zip(columns, cells, strict=False):
        if value is None or value == "":
            continue
        reference = f"{column}{number}"
        styled = f' s="{style}"' if style else ""
        if isinstance(value, bool):
            parts.append(f'<c r="{reference}" t="b"{styled}><v>{int(value)}</v></c>')
        elif isinstance(value, int | float | Decimal):
            parts.append(f'<c r="{reference}"{styled}><v>{value}</v></c>')
        elif isinstance(value, dt.datetime):
            serial = (value.replace(tzinfo=None) - _EXCEL_EPOCH) / dt.timedelta(days=1)
            parts.append(f'<c r="{reference}" s="{_DATETIME}"><v>{serial}</v></c>')
        elif isinstance(value, dt.date):
            serial = (value - _EXCEL_EPOCH.date()).days
            parts.append(f'<c r="{reference}" s="{_DATE}"><v>{serial}</v></c>')
        else:
            text = escape(_XML_ILLEGAL.sub("", str(value)))
            parts.append(
                f'<c r="{reference}" t="inlineStr"{styled}>'
                f'<is><t xml:space="preserve">{text}</t></is></c>'
            )
    parts.append("</row>")
    return "".join(parts).encode()
