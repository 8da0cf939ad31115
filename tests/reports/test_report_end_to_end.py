"""The evaluation report end to end: a coordinator asks for a region's report, the real
worker writes it, and the PDF's text gives, for every section, the figures a computation
in the test reads straight from the database (``tests/reports/expected_<app>.py``)."""

from __future__ import annotations

import importlib
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.utils import translation

from peersupport.reports.actions import request_report, scope_of
from peersupport.reports.models import PeriodKind, ReportStatus
from peersupport.reports.registry import sections
from peersupport.reports.tasks import produce_report_task
from tests.celery_worker import celery_worker_process  # noqa: F401

pytestmark = [pytest.mark.worker, pytest.mark.english]

# Every section of a real report: the worker may take a while on a loaded machine.
WRITE_TIMEOUT = 180
# Lines below a row's label where its cells may stand when the label wraps.
WRAP_LINES = 2
EXPECTED_MODULES = sorted(path.stem for path in Path(__file__).parent.glob("expected_*.py"))


def normalise(text: str) -> str:
    """One space between words; ligatures, non-breaking and thin spaces and the
    typographic minus as plain text. The space before a per cent sign is left out: the
    PDF's text drops a narrow one."""
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    return re.sub(r"\s+", " ", re.sub(r"\s+%", "%", text)).strip()


def pdf_lines(path: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [normalise(line) for line in text.splitlines()]


def expected_tables(region, start, end) -> dict[str, list[tuple[str, list[str]]]]:
    """Every table the expected modules compute, by caption (each caption once)."""
    tables: dict[str, list[tuple[str, list[str]]]] = {}
    for name in EXPECTED_MODULES:
        module = importlib.import_module(f"tests.reports.{name}")
        for caption, rows in module.expected_tables(region, start, end).items():
            assert caption not in tables, f"{caption!r} is computed by two expected modules"
            tables[caption] = rows
    return tables


def words(text: str) -> list[str]:
    return normalise(text).split(" ")


def find_row(lines: list[str], after: int, label: str, cells: list[str]) -> int | None:
    """The line, from ``after`` on, where the row starts: its label (or, when the label
    wraps, its first words) followed by its cells in order; or the cells on one of the
    next lines, after the rest of the wrapped label. An empty cell prints nothing."""
    label_words = words(label)
    cell_words = [word for cell in cells if cell for word in words(cell)]
    for index in range(after, len(lines)):
        tokens = lines[index].split(" ")
        for start in range(len(tokens)):
            shown = leading_words(tokens[start:], label_words)
            if not shown:
                continue
            if tokens[start + shown : start + shown + len(cell_words)] == cell_words:
                return index
            rest = label_words[shown:]
            for below in lines[index + 1 : index + 1 + WRAP_LINES]:
                below_tokens = below.split(" ")
                continued = leading_words(below_tokens, rest)
                if below_tokens[continued : continued + len(cell_words)] == cell_words:
                    return index
                rest = rest[continued:]
    return None


def leading_words(tokens: list[str], label_words: list[str]) -> int:
    """How many of the label's words begin ``tokens``."""
    count = 0
    while count < min(len(tokens), len(label_words)) and tokens[count] == label_words[count]:
        count += 1
    return count


def find_caption(lines: list[str], caption: str) -> int | None:
    caption = normalise(caption)
    # A long caption may wrap; its first words start the search.
    head = " ".join(caption.split(" ")[:6])
    return next((index for index, line in enumerate(lines) if head in line), None)


def test_regional_report_from_the_worker_shows_the_database_figures(
    worker_media,
    celery_worker_process,  # noqa: F811
    settings,
    region_half_year,
    coordinator,
    tmp_path,
):
    settings.REPORTS_QUEUE_ON_REQUEST = False
    data = region_half_year
    report = request_report(
        actor=coordinator,
        region=data.region,
        period_kind=PeriodKind.CUSTOM,
        start=data.start,
        end=data.end,
        language="en",
    )
    celery_worker_process.wait_for_task(
        celery_worker_process.send(produce_report_task, report.pk), timeout=WRITE_TIMEOUT
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    pdf = tmp_path / "report.pdf"
    with report.pdf.open("rb") as stored:
        pdf.write_bytes(stored.read())
    lines = pdf_lines(pdf)
    assert any(data.region.name in line for line in lines)

    # Every registered section is covered: each table it prints, row by row, is computed
    # by an expected module.
    expected = expected_tables(data.region, data.start, data.end)
    with translation.override("en"):
        built = [(section, section.build(scope_of(report))) for section in sections()]
        printed = {
            section.key: {str(t.caption): [str(r.label) for r in t.rows] for t in content.tables}
            for section, content in built
        }
    computed = {caption: [label for label, _cells in rows] for caption, rows in expected.items()}
    unchecked = {
        key: [caption for caption, labels in tables.items() if computed.get(caption) != labels]
        for key, tables in printed.items()
    }
    assert not any(unchecked.values()), f"tables or rows no expected module computes: {unchecked}"
    assert all(any(tables.values()) for tables in printed.values()), (
        f"a section shows no figures on this data: {printed}"
    )

    missing = []
    for caption, rows in expected.items():
        if not rows:
            continue
        position = find_caption(lines, caption)
        if position is None:
            missing.append(f"table {caption!r}")
            continue
        for label, cells in rows:
            found = find_row(lines, position, label, cells)
            if found is None:
                missing.append(f"{caption!r}: {label!r} {cells}")
            else:
                position = found + 1
    assert not missing, "rows not in the PDF's text:\n" + "\n".join(missing)
