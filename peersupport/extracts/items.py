"""How an app describes one stored record in a register extract.

A section's ``collect(subject)`` returns a list of ``ExtractItem``: each field with a
machine-readable key (for the JSON), a label (for the PDF) and its value. ``item_from``
reads keys and labels from a model's fields, and shows a choice by its label.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str


@dataclass(frozen=True)
class ExtractField:
    key: str
    label: Any
    value: Any


@dataclass(frozen=True)
class ExtractItem:
    title: Any
    fields: tuple[ExtractField, ...]


def plain(value: Any) -> Any:
    """A value as JSON holds it: text, a number, a boolean, an ISO date, or a list."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(entry) for entry in value]
    return force_str(value)


def item_from(
    instance: models.Model,
    names: Iterable[str],
    *,
    title: Any = None,
    extra: Iterable[ExtractField] = (),
) -> ExtractItem:
    """An extract item of ``instance``'s fields ``names``, labelled as the model labels
    them; a field with choices shows its label, a relation its name."""
    fields = []
    for name in names:
        model_field = instance._meta.get_field(name)
        if model_field.choices:
            value = getattr(instance, f"get_{name}_display")()
        else:
            value = getattr(instance, name)
        fields.append(ExtractField(key=name, label=model_field.verbose_name, value=value))
    return ExtractItem(
        title=title if title is not None else str(instance), fields=(*fields, *extra)
    )


def field(key: str, label: Any, value: Any) -> ExtractField:
    return ExtractField(key=key, label=label, value=value)
