"""The sections of the evaluation report, registered by the apps.

The core never imports an app: each app registers, from its ``AppConfig.ready()``, the
sections it writes (``register_section``). A section is a function of a ``ReportScope``
(one region or the whole country, and a period) that returns a ``SectionContent``:
tables of figures already protected by the small-number rule, charts drawn from the same
figures, and the definitions that the methods page prints. The PDF, the workbook and the
pages all loop over what was registered, in ``order``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise

from peersupport.accounts.models import Region
from peersupport.smallnumbers import Figure

Text = str | Promise
Cell = Figure | int | float | str | None


@dataclass(frozen=True)
class ReportScope:
    """What one report covers: the regions (one, or every region for a national report)
    and the period, both dates inclusive."""

    regions: tuple[Region, ...]
    start: dt.date
    end: dt.date
    national: bool = False

    @property
    def region_ids(self) -> list[int]:
        return [region.pk for region in self.regions]

    @property
    def region(self) -> Region | None:
        """The region of a regional report."""
        return None if self.national else self.regions[0]

    def months(self) -> list[dt.date]:
        """The first day of every month the period touches."""
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return months


@dataclass(frozen=True)
class ReportRow:
    label: Text
    cells: list[Cell]
    # A row of totals is set off in the PDF and the workbook.
    total: bool = False


@dataclass(frozen=True)
class ReportTable:
    """A table of the report; ``columns`` are the headers of the cells, after the row
    label's header ``row_header``."""

    caption: Text
    row_header: Text
    columns: list[Text]
    rows: list[ReportRow]
    note: Text = ""

    def is_empty(self) -> bool:
        return not self.rows


@dataclass(frozen=True)
class ReportChart:
    """An SVG chart (from ``peersupport.charts``) and the text that stands in for it: the
    PDF's alternative text for readers who cannot see it."""

    svg: str
    alt: Text


@dataclass(frozen=True)
class Definition:
    """How one figure is counted, for the methods and definitions page."""

    term: Text
    text: Text


@dataclass
class SectionContent:
    """What a section shows: an introduction, then its charts and tables in order."""

    title: Text
    intro: Text = ""
    blocks: list[ReportTable | ReportChart] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    # Said instead of the blocks when the period holds nothing to show.
    empty_text: Text = ""

    @property
    def tables(self) -> list[ReportTable]:
        return [block for block in self.blocks if isinstance(block, ReportTable)]


@dataclass(frozen=True)
class ReportSection:
    key: str
    title: Text
    order: int
    build: Callable[[ReportScope], SectionContent]


_SECTIONS: dict[str, ReportSection] = {}


def register_section(section: ReportSection) -> ReportSection:
    _SECTIONS[section.key] = section
    return section


def sections() -> list[ReportSection]:
    return sorted(_SECTIONS.values(), key=lambda section: (section.order, section.key))


def build_sections(scope: ReportScope) -> list[tuple[ReportSection, SectionContent]]:
    return [(section, section.build(scope)) for section in sections()]
