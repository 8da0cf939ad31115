"""What each app offers to import at go-live. The core never imports an app: every app
registers its importers in ``AppConfig.ready()`` and the import pages loop over them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    NEW = "new", _("New")
    UPDATED = "updated", _("Updated")
    UNCHANGED = "unchanged", _("Unchanged")
    ERROR = "error", _("Error")


@dataclass(frozen=True)
class Column:
    """One column of a kind's file: ``key`` is its header, ``meaning`` says what goes in it."""

    key: str
    label: str | Promise
    meaning: str | Promise
    example: Any = ""
    required: bool = False


@dataclass
class RowResult:
    """What importing one row of the file does, or why it cannot."""

    number: int
    values: dict[str, str]
    outcome: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    cleaned: dict[str, Any] = field(default_factory=dict)
    existing: Any = None

    def add_error(self, column: str, message: str) -> None:
        self.errors.append((column, str(message)))
        self.outcome = Outcome.ERROR

    @property
    def has_error(self) -> bool:
        return bool(self.errors)


@dataclass(frozen=True)
class Importer:
    """A kind of file.

    ``preview(actor, region, rows)`` sets each row's outcome with a fixed number of queries
    whatever the row count (look existing records up in bulk). ``apply(actor, region, row)``
    saves one new or updated row through the app's actions and raises ``ValidationError``
    when an action refuses it; it runs inside the import's one transaction.
    """

    kind: str
    title: str | Promise
    description: str | Promise
    columns: tuple[Column, ...]
    preview: Callable[[Any, Any, list[RowResult]], None]
    apply: Callable[[Any, Any, RowResult], None]
    # What happens to sensitive data in the file, stated on the preview.
    notice: str | Promise = ""
    order: int = 0

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


_importers: dict[str, Importer] = {}


def register_importer(importer: Importer) -> None:
    _importers[importer.kind] = importer


def importers() -> list[Importer]:
    return sorted(_importers.values(), key=lambda importer: importer.order)


def get_importer(kind: str) -> Importer | None:
    return _importers.get(kind)
