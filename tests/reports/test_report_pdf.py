"""The report's PDF is an accessible document (PDF/UA-1): tagged, with its language, a
title shown as the window's title, headings, table headers and alternative text for every
chart; its fonts are embedded; every page names the region, the period and when the report
was generated, and has its number; a contents page gives each section's page; and it
fetches nothing but our stylesheet and the report's own charts.

veraPDF is not installed here, so the PDF/UA requirements the issue names are checked by
reading the PDF back with pypdf (structure tree, language, alternative text) and poppler
(fonts, text)."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.utils import formats, timezone, translation
from pypdf import PdfReader

from peersupport import charts
from peersupport.accounts.models import Region
from peersupport.documents import FetchRefused, SafeURLFetcher
from peersupport.reports import figures, registry
from peersupport.reports.actions import produce_report, request_report, scope_of
from peersupport.reports.documents import GENERATED_AT_FORMAT, render_report, report_title
from peersupport.reports.models import PeriodKind, Report, ReportStatus
from peersupport.reports.registry import (
    Definition,
    ReportChart,
    ReportScope,
    ReportSection,
    SectionContent,
)
from tests.services import require_executable

PDFTOTEXT = "/usr/bin/pdftotext"
PDFFONTS = "/usr/bin/pdffonts"
START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
MONTHS = ["January", "February", "March"]
# A name typed by a person: it is printed as text, never fetched.
TYPED_NAME = '<img src="file:///etc/passwd"> Ateljén'


def sessions_section(scope: ReportScope) -> SectionContent:
    """A section with two charts, each beside the table of its figures."""
    by_kind = figures.count_table(
        scope,
        caption="Support sessions by kind and month",
        row_header="Kind",
        row_labels=["One-to-one", "Group"],
        columns=MONTHS,
        counts_by_region={region_id: [[3, 7, 0], [12, 9, 11]] for region_id in scope.region_ids},
    )
    by_workplace = figures.unit_table(
        scope,
        caption="Support sessions by workplace",
        row_header="Workplace",
        columns=["Sessions"],
        units_by_region={
            region_id: [(TYPED_NAME, [14]), ("Kliniken", [6])] for region_id in scope.region_ids
        },
    )
    return SectionContent(
        title="Support sessions",
        intro="Support sessions logged by peer supporters in the period.",
        blocks=[
            ReportChart(
                charts.stacked_bar_chart(
                    title="Support sessions by month",
                    categories=MONTHS,
                    series=[
                        charts.Series(str(row.label), row.cells[:3]) for row in by_kind.rows[:2]
                    ],
                ),
                alt="Support sessions by month: most were one-to-one, about twenty a month.",
            ),
            by_kind,
            ReportChart(
                charts.stacked_bar_chart(
                    title="Support sessions by workplace",
                    categories=[TYPED_NAME, "Kliniken"],
                    series=[charts.Series("Sessions", [14, 6])],
                ),
                alt="Support sessions by workplace: Ateljén held more than twice as many as "
                "Kliniken.",
            ),
            by_workplace,
        ],
        definitions=[Definition("Support session", "A session logged with a date in the period.")],
    )


def quiet_section(scope: ReportScope) -> SectionContent:
    return SectionContent(title="Follow-ups", empty_text="No follow-up was due in the period.")


TEST_SECTIONS = (
    ReportSection("test-sessions", "Support sessions", 10, sessions_section),
    ReportSection("test-quiet", "Follow-ups", 20, quiet_section),
)


@contextmanager
def only_sections(*sections: ReportSection):
    """The registry holding only ``sections`` for a while; the apps' own sections are put
    back afterwards, so no other test sees the change."""
    saved = dict(registry._SECTIONS)
    registry._SECTIONS.clear()
    try:
        for section in sections:
            registry.register_section(section)
        yield
    finally:
        registry._SECTIONS.clear()
        registry._SECTIONS.update(saved)


@dataclass
class Rendered:
    report: Report
    built: list
    pdf: bytes
    pages: list[str]
    generated_at: set[str]
    fetched: list[str]

    @property
    def reader(self) -> PdfReader:
        return PdfReader(io.BytesIO(self.pdf))

    def charts(self) -> list[ReportChart]:
        return [
            b for _s, content in self.built for b in content.blocks if isinstance(b, ReportChart)
        ]

    def tables(self):
        return [table for _s, content in self.built for table in content.tables]


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, as pdftotext lays it out."""
    require_executable(PDFTOTEXT)
    text = subprocess.run(
        [PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return [re.sub(r"[ \t]+", " ", page) for page in text.rstrip("\f").split("\f")]


def render(report: Report, scope: ReportScope) -> Rendered:
    """The report rendered as the worker renders it, with every URL the PDF asked for
    recorded; any request through urllib fails."""
    fetched = []
    serve = SafeURLFetcher.fetch

    def recording_fetch(fetcher, url, headers=None):
        fetched.append(url)
        return serve(fetcher, url, headers)

    def no_urllib(*args, **kwargs):
        raise AssertionError("The PDF renderer opened a URL through urllib")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SafeURLFetcher, "fetch", recording_fetch)
        patch.setattr(urllib.request.OpenerDirector, "open", no_urllib)
        patch.setattr(urllib.request, "urlopen", no_urllib)
        with translation.override(report.language):
            built = registry.build_sections(scope)
            # The generation time is printed to the minute: it is one of these.
            before = formats.date_format(timezone.localtime(), GENERATED_AT_FORMAT)
            rendered = render_report(report, built)
            after = formats.date_format(timezone.localtime(), GENERATED_AT_FORMAT)
    return Rendered(report, built, rendered.pdf, pdf_pages(rendered.pdf), {before, after}, fetched)


@pytest.fixture(scope="module", params=["sv", "en"])
def rendered(request) -> Rendered:
    """Stockholm's first half of 2026 with this module's sections, in Swedish and in
    English. Unsaved rows: rendering reads no database."""
    stockholm = Region(pk=1, code="stockholm", name="Region Stockholm")
    report = Report(
        region=stockholm,
        period_kind=PeriodKind.HALF_YEAR,
        period_start=START,
        period_end=END,
        language=request.param,
    )
    with only_sections(*TEST_SECTIONS):
        return render(report, ReportScope(regions=(stockholm,), start=START, end=END))


def structure(reader: PdfReader) -> list[tuple[str, dict]]:
    """Every structure element in document order: its type and its dictionary."""
    elements = []

    def walk(node):
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if "/S" in node:
            elements.append((str(node["/S"]), node))
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            # Marked-content references and object references end the walk.
            if hasattr(kid, "get") and kid.get("/Type") not in ("/MCR", "/OBJR"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return elements


def descendants(element) -> list[str]:
    found = []
    kids = element.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "get") and "/S" in kid:
            found += [str(kid["/S"]), *descendants(kid)]
    return found


def test_the_pdf_is_tagged_with_its_language_and_a_title_shown_as_the_window_title(rendered):
    """PDF/UA-1: a structure tree, marked as tagged, the report's language, its title in
    the metadata (shown instead of the file name) and the PDF/UA identification; pages
    are read in structure order, and every link says where it goes."""
    reader = rendered.reader
    catalog = reader.trailer["/Root"]
    report = rendered.report

    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == report.language
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    with translation.override(report.language):
        title = report_title(report)
    assert reader.metadata.title == title
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp
    assert title in xmp
    for page in reader.pages:
        assert page["/Tabs"] == "/S"
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            assert annotation["/Contents"]
            assert "/StructParent" in annotation


def test_every_chart_is_a_figure_with_its_alternative_text(rendered):
    """Each chart of the content is one /Figure element whose /Alt is the chart's
    sentence, in order."""
    figures_alt = [
        str(element.get("/Alt", ""))
        for kind, element in structure(rendered.reader)
        if kind == "/Figure"
    ]

    assert figures_alt == [str(chart.alt) for chart in rendered.charts()]
    assert all(alt.strip() for alt in figures_alt)


def test_headings_and_tables_are_tagged(rendered):
    """One H1 (the title), an H2 for the contents, each section and the methods page;
    each table is a /Table with its caption, a header row of /TH and rows that start with
    a /TH and hold /TD cells."""
    elements = structure(rendered.reader)
    kinds = [kind for kind, _element in elements]
    tables = [element for kind, element in elements if kind == "/Table"]

    assert kinds.count("/H1") == 1
    assert kinds.count("/H2") == len(TEST_SECTIONS) + 2
    assert len(tables) == len(rendered.tables()) == 2
    for element, table in zip(tables, rendered.tables(), strict=True):
        inside = descendants(element)
        assert "/Caption" in inside
        assert inside.count("/TH") == len(table.columns) + 1 + len(table.rows)
        assert inside.count("/TD") == len(table.columns) * len(table.rows)


def test_every_font_is_embedded(rendered, tmp_path):
    """pdffonts lists each font of the PDF as embedded."""
    require_executable(PDFFONTS)
    path = tmp_path / "report.pdf"
    path.write_bytes(rendered.pdf)
    lines = subprocess.run(
        [PDFFONTS, path], capture_output=True, check=True, text=True
    ).stdout.splitlines()
    column = lines[0].index("emb")
    fonts = lines[2:]

    assert fonts
    assert all(line[column : column + 3] == "yes" for line in fonts), lines


def test_every_page_names_region_period_and_generation_time_and_is_numbered(rendered):
    """Each page's running header holds the region, the period and when the report was
    generated; each page says "n / N"."""
    report = rendered.report
    with translation.override(report.language):
        period = report.period_label
    pages = rendered.pages

    assert len(pages) >= 5
    for number, page in enumerate(pages, start=1):
        header = page.strip().splitlines()[0]
        assert report.scope_name in header
        assert period in header
        assert any(generated in header for generated in rendered.generated_at), header
        assert re.search(rf"\b{number}\s*/\s*{len(pages)}\s*$", page.strip())


def test_the_contents_page_gives_each_section_its_page(rendered):
    """The contents page lists every section and the methods page with the number of the
    page its heading is on; a section with nothing to show says so on its page."""
    with translation.override(rendered.report.language):
        contents_title = translation.gettext("Contents")
        methods_title = translation.gettext("Methods and definitions")
    contents = next(page for page in rendered.pages if contents_title in page)
    titles = [str(content.title) for _section, content in rendered.built] + [methods_title]

    for title in titles:
        match = re.search(rf"{re.escape(title)}\s*\.*\s*(\d+)\s*$", contents, re.MULTILINE)
        assert match, (title, contents)
        page = rendered.pages[int(match[1]) - 1]
        assert re.search(rf"^\s*{re.escape(title)}\s*$", page, re.MULTILINE), (title, page)
        if title == "Follow-ups":
            assert "No follow-up was due in the period." in page


def test_the_pdf_fetches_only_the_stylesheet_and_its_charts(rendered):
    """The renderer asks for our stylesheet and the report's two charts, nothing else: a
    typed name with an image tag is printed as text, never fetched."""
    assert sorted(set(rendered.fetched)) == [
        "generated:chart-1.svg",
        "generated:chart-2.svg",
        "static:css/report.css",
    ]
    assert any("Ateljén" in page and "file:///etc/passwd" in page for page in rendered.pages)


@pytest.mark.parametrize(
    "url",
    [
        "generated:chart-2.svg",
        "generated:",
        "generated:../chart-1.svg",
        "file:///etc/passwd",
        "http://example.org/chart-1.svg",
        "https://example.org/report.css",
        "data:image/svg+xml,<svg/>",
    ],
)
def test_the_fetcher_serves_only_the_generated_charts_it_was_given(url):
    """A report's fetcher serves the charts made for it by name; an unknown chart, a path,
    a file, a remote address or a data: URL is refused."""
    fetcher = SafeURLFetcher(generated={"chart-1.svg": (b"<svg/>", "image/svg+xml")})

    assert fetcher.fetch("generated:chart-1.svg").read() == b"<svg/>"
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)


def test_the_test_sections_stand_in_for_the_apps_sections_and_these_come_back():
    """While this module's sections are registered they alone are; afterwards the apps'
    own sections are registered again, so no other test sees the change."""
    before = registry.sections()

    with only_sections(*TEST_SECTIONS):
        assert [section.key for section in registry.sections()] == ["test-sessions", "test-quiet"]
    assert registry.sections() == before
    assert "test-sessions" not in [section.key for section in before]


@pytest.mark.django_db
def test_every_registered_section_renders_a_period_with_nothing_in_it(
    stockholm, skane, coordinator, settings, tmp_path
):
    """The apps' own seven sections, on a period nothing happened in: the worker's
    action writes Stockholm's report and the national one; every section is on the
    contents page and has its heading, and every chart has its alternative text."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.REPORTS_QUEUE_ON_REQUEST = False
    sections = registry.sections()
    assert [section.order for section in sections] == [10, 20, 30, 40, 50, 60, 70]

    for region in (stockholm, None):
        report = request_report(
            actor=coordinator,
            region=region,
            period_kind=PeriodKind.HALF_YEAR,
            start=START,
            end=END,
            language="sv",
        )
        produced = produce_report(report_id=report.pk)

        assert produced.status == ReportStatus.DONE, produced.error
        pdf = produced.pdf.read()
        assert produced.page_count == len(PdfReader(io.BytesIO(pdf)).pages)
        pages = pdf_pages(pdf)
        contents = pages[1]
        with translation.override("sv"):
            built = registry.build_sections(scope_of(produced))
        for _section, content in built:
            assert str(content.title) in contents
            assert any(
                re.search(rf"^\s*{re.escape(str(content.title))}\s*$", page, re.MULTILINE)
                for page in pages[2:]
            )
        alts = [
            str(e.get("/Alt", ""))
            for k, e in structure(PdfReader(io.BytesIO(pdf)))
            if k == "/Figure"
        ]
        assert alts == [
            str(block.alt)
            for _section, content in built
            for block in content.blocks
            if isinstance(block, ReportChart)
        ]
