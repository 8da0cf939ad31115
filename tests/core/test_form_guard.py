"""The privacy guard on forms: every free-text field refuses identifying data next to the
field and keeps what was typed; staff contact fields are the named exceptions."""

import inspect

import pytest
from django import forms

from peersupport.forms import PrivacyGuardedFormMixin, add_action_error
from peersupport.privacy import validate_no_identifying_data
from programmes import forms as programme_forms
from workplaces import forms as workplace_forms

# Forms whose text never becomes a record: searches, and the public certificate check.
NOT_STORED = {
    "programmes.forms.CertificateVerifyForm",
    "programmes.forms.ParticipantFilterForm",
    "workplaces.forms.WorkplaceFilterForm",
    "workplaces.forms.PlacementFilterForm",
}


def guard_message(text: str) -> str:
    with pytest.raises(forms.ValidationError) as refused:
        validate_no_identifying_data(text)
    return refused.value.messages[0]


class NoteForm(PrivacyGuardedFormMixin, forms.Form):
    title = forms.CharField()
    note = forms.CharField(required=False, widget=forms.Textarea)
    staff_email = forms.EmailField(required=False)
    staff_phone = forms.CharField(required=False)
    visitors = forms.IntegerField(required=False)

    identifying_fields_allowed = ("staff_email", "staff_phone")


def test_guard_puts_each_error_at_its_field_and_keeps_the_input():
    """Each guarded field gets its own message; the bound data is left as typed."""
    data = {
        "title": "Möte med 19850312-1234",
        "note": "ring mig på 070-123 45 67\nannars inget",
        "staff_email": "enhetschef@region.se",
        "staff_phone": "08-123 456 78",
        "visitors": "12",
    }
    form = NoteForm(data)

    assert not form.is_valid()
    assert set(form.errors) == {"title", "note"}
    assert form.errors["title"] == [guard_message(data["title"])]
    assert form.errors["note"] == [guard_message(data["note"])]
    assert form["note"].value() == data["note"]
    assert "ring mig på 070-123 45 67" in str(form["note"])


def test_guard_lets_ordinary_text_and_allowed_contact_fields_through():
    """Dates, times, durations and counts pass; named staff contact fields are not guarded."""
    form = NoteForm(
        {
            "title": "Träff 2025-03-12 kl. 14.30",
            "note": "Vi sågs 45 minuter, 3 deltagare, rum 204.",
            "staff_email": "enhetschef@region.se",
            "staff_phone": "070-123 45 67",
        }
    )

    assert form.is_valid(), form.errors


def test_action_errors_go_to_their_fields_or_above_the_form():
    """A field dict from an action lands at the fields; unknown keys and plain messages
    above the form."""
    form = NoteForm({"title": "Träff"})
    form.is_valid()

    add_action_error(
        form,
        forms.ValidationError({"note": "Fel i anteckningen.", "region": "Fel region."}),
    )
    add_action_error(form, forms.ValidationError("Något annat."))

    assert form.errors["note"] == ["Fel i anteckningen."]
    assert form.non_field_errors() == ["Fel region.", "Något annat."]


def test_a_programme_form_refuses_identifying_data_in_its_reason():
    """Withdrawing a trainee: a phone number in the reason is refused at the reason."""
    reason = "Ring henne på 0701234567 först."
    form = programme_forms.WithdrawForm({"reason": reason})

    assert not form.is_valid()
    assert form.errors == {"reason": [guard_message(reason)]}


def test_the_applicant_form_takes_the_applicants_own_contact_details(stockholm):
    """An applicant's own e-mail and phone are what the form is for, so they pass."""
    form = programme_forms.ApplicantForm(
        {
            "full_name": "Ada Sökande",
            "email": "ada@example.org",
            "phone": "070-123 45 67",
            "region": stockholm.pk,
            "language": "sv",
            "lived_experience_declared": "on",
            "consent_method": "paper",
        },
        regions=type(stockholm).objects.all(),
    )

    assert form.is_valid(), form.errors


def _forms_in(module):
    for _name, cls in inspect.getmembers(module, inspect.isclass):
        if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
            yield cls


@pytest.mark.parametrize(
    "form_class",
    [*_forms_in(programme_forms), *_forms_in(workplace_forms)],
    ids=lambda cls: cls.__name__,
)
def test_every_form_with_free_text_is_guarded(form_class):
    """A form that stores typed text carries the guard, and its exceptions are real fields."""
    label = f"{form_class.__module__}.{form_class.__name__}"
    text_fields = {
        name for name, field in form_class.base_fields.items() if isinstance(field, forms.CharField)
    }
    if not text_fields or label in NOT_STORED:
        return
    assert issubclass(form_class, PrivacyGuardedFormMixin), (
        f"{label} has free-text fields {sorted(text_fields)}: add PrivacyGuardedFormMixin"
    )
    allowed = set(form_class.identifying_fields_allowed)
    assert allowed <= text_fields, f"{label} allows fields it does not have"
