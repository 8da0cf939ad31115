"""What a register extract holds: every registered section's records about one person,
in the extract's language, as plain data that the PDF and the JSON are both written from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.registry import DataSubject, registry

from .items import ExtractItem, plain

FORMAT = "peersupport.register-extract"
FORMAT_VERSION = 1


@dataclass
class Record:
    title: str
    # (key, label, value for the JSON, value as the PDF shows it)
    fields: list[tuple[str, str, Any, str]]


@dataclass
class Section:
    key: str
    title: str
    withheld: bool = False
    records: list[Record] = field(default_factory=list)


@dataclass
class Content:
    subject: DataSubject
    language: str
    produced_at: Any
    sections: list[Section]

    @property
    def record_count(self) -> int:
        return sum(len(section.records) for section in self.sections)

    def as_json(self) -> dict:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "language": self.language,
            "produced_at": plain(self.produced_at),
            "subject": {
                "kind": self.subject.kind,
                "id": self.subject.pk,
                "name": self.subject.name,
            },
            "sections": [
                {
                    "key": section.key,
                    "title": section.title,
                    "withheld": section.withheld,
                    "records": [
                        {
                            "title": record.title,
                            "fields": {key: value for key, _label, value, _shown in record.fields},
                        }
                        for record in section.records
                    ],
                }
                for section in self.sections
            ],
        }


def shown(value: Any) -> str:
    """A value as a person reads it in the PDF, in the active language."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return force_str(_("Yes") if value else _("No"))
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "j F Y H:i")
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    if isinstance(value, list | tuple):
        return ", ".join(shown(entry) for entry in value)
    return force_str(value)


def _record(item: ExtractItem) -> Record:
    return Record(
        title=force_str(item.title),
        fields=[
            (entry.key, force_str(entry.label), plain(entry.value), shown(entry.value))
            for entry in item.fields
        ],
    )


def collect_content(subject: DataSubject, *, language: str, own: bool) -> Content:
    """Every section registered for a register extract, in ``language``.

    A section given only to the person themselves is listed as withheld, without its
    records, in an extract someone else asked for.
    """
    sections = []
    with translation.override(language):
        for entry in sorted(registry.extract_sections.values(), key=lambda s: (s.order, s.key)):
            section = Section(key=entry.key, title=force_str(entry.title))
            if entry.own_only and not own:
                section.withheld = True
            else:
                section.records = [_record(item) for item in entry.collect(subject)]
            sections.append(section)
    return Content(
        subject=subject, language=language, produced_at=timezone.now(), sections=sections
    )
