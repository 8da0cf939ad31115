"""The report as a tagged PDF (PDF/UA-1) and as an ``.xlsx`` workbook, from the sections'
content. Both are written by the worker; nothing here runs in a request."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from peersupport import smallnumbers
from peersupport.documents import html_to_pdf_with_pages
from peersupport.smallnumbers import Figure
from peersupport.spreadsheets import spreadsheet_safe

from .models import Report
from .registry import ReportChart, ReportSection, SectionContent

PDF_VARIANT = "pdf/ua-1"
# The generation time on every page and in the workbook: the same in both languages.
GENERATED_AT_FORMAT = "j F Y H:i"
# Excel refuses sheet names over 31 characters and these: []:*?/\
SHEET_NAME_UNSAFE = re.compile(r"[\[\]:*?/\\]")
# A chart's tooltips (its own title, each bar's value) help on a page, not in the PDF: no
# viewer shows them, the <img> carries the chart's alternative text, and each one is a node
# WeasyPrint's SVG renderer walks. The charts escape their text, so a title holds no tag.
SVG_TITLE = re.compile(r"<title>[^<]*</title>")


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    xlsx: bytes
    page_count: int


def render_report(
    report: Report, built: list[tuple[ReportSection, SectionContent]]
) -> RenderedReport:
    """The report's PDF and workbook in the report's language."""
    with translation.override(report.language):
        generated_at = timezone.localtime()
        generated: dict[str, tuple[bytes, str]] = {}
        sections = []
        for section, content in built:
            blocks = []
            for block in content.blocks:
                if isinstance(block, ReportChart):
                    name = f"chart-{len(generated) + 1}.svg"
                    generated[name] = (SVG_TITLE.sub("", block.svg).encode(), "image/svg+xml")
                    blocks.append({"chart": block, "src": f"generated:{name}"})
                else:
                    blocks.append({"table": block})
            sections.append({"key": section.key, "content": content, "blocks": blocks})
        context = {
            "report": report,
            "title": report_title(report),
            "sections": sections,
            "generated_at": formats.date_format(generated_at, GENERATED_AT_FORMAT),
            "language": report.language,
            "small_numbers_note": small_numbers_note(),
        }
        html = render_to_string("reports/documents/report.html", context)
        pdf, page_count = html_to_pdf_with_pages(html, generated=generated, pdf_variant=PDF_VARIANT)
        xlsx = render_workbook(report, built, generated_at_text=context["generated_at"])
    return RenderedReport(pdf=pdf, xlsx=xlsx, page_count=page_count)


def report_title(report: Report) -> str:
    return _("Evaluation report: %(scope)s, %(period)s") % {
        "scope": report.scope_name,
        "period": report.period_label,
    }


def cell_value(cell) -> str | int | float:
    """A cell as the workbook holds it: a shown count as a number, "<5" and "x" as text."""
    if isinstance(cell, Figure):
        return str(cell) if cell.suppressed else cell.value
    if cell is None:
        return ""
    if isinstance(cell, int | float):
        return cell
    return spreadsheet_safe(str(cell))


def render_workbook(
    report: Report, built: list[tuple[ReportSection, SectionContent]], *, generated_at_text: str
) -> bytes:
    """The same figures as the PDF, one sheet per section, each table under its caption."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    about = workbook.active
    about.title = _sheet_name(_("About this report"), set())
    about.append([report_title(report)])
    about["A1"].font = Font(bold=True, size=14)
    about.append([_("Generated"), generated_at_text])
    about.append([_("Region"), report.scope_name])
    about.append([_("Period"), report.period_label])
    about.append([])
    about.append([small_numbers_note()])
    used = {about.title}
    for _section, content in built:
        sheet = workbook.create_sheet(_sheet_name(str(content.title), used))
        used.add(sheet.title)
        sheet.append([str(content.title)])
        sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
        for table in content.tables:
            sheet.append([])
            sheet.append([spreadsheet_safe(str(table.caption))])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            sheet.append([str(table.row_header), *(str(column) for column in table.columns)])
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
            for row in table.rows:
                sheet.append([spreadsheet_safe(str(row.label)), *map(cell_value, row.cells)])
            if table.note:
                sheet.append([spreadsheet_safe(str(table.note))])
        if not content.tables and content.empty_text:
            sheet.append([str(content.empty_text)])
        sheet.column_dimensions["A"].width = 40
    methods = workbook.create_sheet(_sheet_name(_("Methods and definitions"), used))
    methods.append([_("Figure"), _("How it is counted")])
    for _section, content in built:
        for definition in content.definitions:
            methods.append([str(definition.term), str(definition.text)])
    methods.column_dimensions["A"].width = 40
    methods.column_dimensions["B"].width = 100
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    base = SHEET_NAME_UNSAFE.sub(" ", title)[:31].strip() or "Sheet"
    name, number = base, 2
    while name in used:
        suffix = f" {number}"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    return name


def small_numbers_note() -> str:
    limit = smallnumbers.threshold()
    return _(
        'Small numbers: a count from 1 to %(below)s is shown as "<%(limit)s", and "x" hides '
        "a figure that would give a small one away."
    ) % {"below": limit - 1, "limit": limit}
