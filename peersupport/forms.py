"""What every form of the project shares: the privacy guard on free text, and showing an
action's refusal next to the fields it is about."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from .privacy import validate_no_identifying_data


def guard_free_text(form: forms.BaseForm, *, allowed: tuple[str, ...] = ()) -> None:
    """Refuse identifying data in every free-text field of a cleaned form.

    Each text field (``CharField`` and its subclasses) is checked except those named in
    ``allowed``, which hold contact data of staff or of the person themselves by design.
    The error goes next to the field; ``form.data`` is untouched, so the page shows again
    with everything the person typed.
    """
    for name, field in form.fields.items():
        if name in allowed or not isinstance(field, forms.CharField):
            continue
        value = form.cleaned_data.get(name)
        if not isinstance(value, str):
            continue
        try:
            validate_no_identifying_data(value)
        except ValidationError as error:
            form.add_error(name, error)


class PrivacyGuardedFormMixin:
    """A form whose free text may never identify a service user (see ``peersupport.privacy``).

    List in ``identifying_fields_allowed`` the text fields that legitimately hold a phone
    number or an e-mail address – a staff member's contact details, or an applicant's own.
    Everything else a person can type is guarded.
    """

    identifying_fields_allowed: tuple[str, ...] = ()

    def clean(self):
        cleaned_data = super().clean()
        guard_free_text(self, allowed=self.identifying_fields_allowed)
        return cleaned_data


def add_action_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show an action's ``ValidationError`` on the form: each message next to its field
    when the form has that field, otherwise above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
