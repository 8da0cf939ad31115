"""Helpers for the apps' importers: a row validated by a Django form, so that a row meets
the same rules (and the same privacy guard) as the page where the record is made by hand."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from .registry import RowResult

LANGUAGES_OF_FILES = ("en", "sv")


class ChoiceColumn(forms.ChoiceField):
    """A choice written as its stored value or as its label, in English or Swedish."""

    def to_python(self, value):
        value = super().to_python(value).strip()
        return self._values_by_text().get(value.casefold(), value)

    def _values_by_text(self) -> dict[str, str]:
        lookup = getattr(self, "_lookup", None)
        if lookup is None:
            lookup = {}
            for language in LANGUAGES_OF_FILES:
                with translation.override(language):
                    lookup.update({str(label).casefold(): key for key, label in self.choices})
            lookup.update({str(key).casefold(): key for key, _label in self.choices})
            self._lookup = lookup
        return lookup


class DateColumn(forms.DateField):
    """A date as a spreadsheet writes it: ISO (also with a time of day) or day first."""

    input_formats = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%d.%m.%Y")


def validate_row(row: RowResult, form_class: type[forms.Form], **kwargs) -> bool:
    """Validate ``row.values`` with ``form_class`` (fields named as the columns); the cleaned
    values go to ``row.cleaned``, each error to its column."""
    form = form_class(data=row.values, **kwargs)
    if form.is_valid():
        row.cleaned = form.cleaned_data
        return True
    for name, errors in form.errors.items():
        for message in errors:
            row.add_error("" if name == forms.forms.NON_FIELD_ERRORS else name, message)
    return False


def add_action_errors(row: RowResult, error: ValidationError, columns: dict[str, str]) -> None:
    """Put an action's refusal on the row; ``columns`` maps the action's field names to the
    file's columns."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            for message in errors:
                row.add_error(columns.get(name, ""), message)
    else:
        for message in error.messages:
            row.add_error("", message)
