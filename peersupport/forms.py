"""What every form of the project shares: the privacy guard on free text, and showing an
action's refusal next to the fields it is about."""

from __future__ import annotations

from fnmatch import fnmatchcase

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .audit.actions import record_event
from .audit.models import AuditAction
from .privacy import validate_no_identifying_data, validate_person_name
from .privacy.names import find_possible_names

# Added after a text field that may name someone, e.g. "reflection_not_a_name".
NOT_A_NAME_SUFFIX = "_not_a_name"


def guard_free_text(
    form: forms.BaseForm,
    *,
    allowed: tuple[str, ...] = (),
    person_names: tuple[str, ...] = (),
) -> None:
    """Refuse identifying data in every free-text field of a cleaned form.

    Each text field (``CharField`` and its subclasses) is checked except those named in
    ``allowed``, which hold contact data of staff or of the person themselves by design. A
    field in ``person_names`` holds a person's name and is refused with a message that says
    so. The error goes next to the field; ``form.data`` is untouched, so the page shows again
    with everything the person typed.
    """
    for name, field in form.fields.items():
        if name in allowed or not isinstance(field, forms.CharField):
            continue
        value = form.cleaned_data.get(name)
        if not isinstance(value, str):
            continue
        validate = validate_person_name if name in person_names else validate_no_identifying_data
        try:
            validate(value)
        except ValidationError as error:
            form.add_error(name, error)


class PrivacyGuardedFormMixin:
    """A form whose free text may never identify a service user (see ``peersupport.privacy``).

    List in ``identifying_fields_allowed`` the text fields that legitimately hold a phone
    number or an e-mail address – a staff member's contact details, or an applicant's own.
    Everything else a person can type is guarded.

    List in ``person_name_fields`` the fields that hold a person's name: they never hold an
    identity number, a phone number or an e-mail address, and the message says so.

    List in ``name_warning_fields`` (names or ``fnmatch`` patterns such as ``"reason_*"``) the
    free text about service users and sessions. A capitalised word there that may be a
    person's name is a warning at the field: the writer removes it, or ticks the checkbox
    that appears under the field to confirm that the word is not a person's name. After
    saving, the view passes the form to ``record_name_confirmations`` for the audit log.
    """

    identifying_fields_allowed: tuple[str, ...] = ()
    person_name_fields: tuple[str, ...] = ()
    name_warning_fields: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        overlap = set(cls.person_name_fields) & set(cls.identifying_fields_allowed)
        if overlap:
            raise ImproperlyConfigured(
                f"{cls.__name__}: a person's name may never hold contact data ({overlap})."
            )

    def clean(self):
        cleaned_data = super().clean()
        guard_free_text(
            self, allowed=self.identifying_fields_allowed, person_names=self.person_name_fields
        )
        self.confirmed_names: dict[str, list[str]] = {}
        for name in [n for n in self.fields if self._warns_about_names(n)]:
            value = cleaned_data.get(name)
            if isinstance(value, str) and name not in self.errors:
                self._warn_about_names(name, value)
        return cleaned_data

    def not_a_name_field(self, name: str) -> forms.BoundField | None:
        """The checkbox confirming that the words warned about in ``name`` are not names,
        once a warning has added it; for templates that lay out fields one by one."""
        checkbox_name = name + NOT_A_NAME_SUFFIX
        return self[checkbox_name] if checkbox_name in self.fields else None

    def _warns_about_names(self, name: str) -> bool:
        return any(fnmatchcase(name, pattern) for pattern in self.name_warning_fields)

    def _warn_about_names(self, name: str, value: str) -> None:
        words = find_possible_names(value)
        if not words:
            return
        checkbox = forms.MultipleChoiceField(
            label=_("Not a person's name"),
            choices=[(word, word) for word in words],
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Tick each word that is not a person's name. Your answer is logged."),
        )
        checkbox_name = name + NOT_A_NAME_SUFFIX
        fields = {}
        for field_name, field in self.fields.items():
            fields[field_name] = field
            if field_name == name:
                fields[checkbox_name] = checkbox
        self.fields = fields
        ticked = checkbox.to_python(
            checkbox.widget.value_from_datadict(
                self.data, self.files, self.add_prefix(checkbox_name)
            )
        )
        unconfirmed = [word for word in words if word not in ticked]
        if not unconfirmed:
            self.confirmed_names[name] = words
            return
        listing = ", ".join(unconfirmed)
        self.add_error(
            name,
            ValidationError(
                ngettext(
                    "This may be a name: %(names)s. Remove it, or tick below that it is not "
                    "a person's name.",
                    "These may be names: %(names)s. Remove them, or tick below each one that "
                    "is not a person's name.",
                    len(unconfirmed),
                )
                % {"names": listing},
                code="possible_name",
            ),
        )


def record_name_confirmations(
    form: PrivacyGuardedFormMixin, *, request: HttpRequest, obj=None
) -> None:
    """Log that the writer confirmed words the name warning asked about (the words and the
    fields, never the text). Call it once the form's data is saved."""
    confirmed = getattr(form, "confirmed_names", None)
    if not confirmed:
        return
    form_class = type(form)
    record_event(
        actor=request.user,
        action=AuditAction.NAME_CONFIRMED,
        obj=obj,
        request=request,
        detail={"form": f"{form_class.__module__}.{form_class.__name__}", "fields": confirmed},
    )


def add_action_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show an action's ``ValidationError`` on the form: each message next to its field
    when the form has that field, otherwise above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
