"""The respondent's forms: consent, one page of questions, withdrawal, language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from peersupport.forms import PrivacyGuardedFormMixin

from .actions.answering import REQUIRED_MESSAGE
from .models import Answer, Item, ItemKind

FREE_TEXT_MAX_LENGTH = 4000


class ConsentForm(forms.Form):
    """The answer of the consent page's two buttons, and the information version shown, so
    a text published meanwhile is never consented to unseen."""

    consent = forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))])
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @property
    def agreed(self) -> bool:
        return self.cleaned_data["consent"] == "yes"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    input_id: str
    checked: bool


@dataclass(frozen=True)
class Question:
    """One item as the page lays it out: the field, and for a scale its radio buttons."""

    item: Item
    field: forms.BoundField
    choices: tuple[Choice, ...]

    @property
    def is_text(self) -> bool:
        return self.item.kind == ItemKind.TEXT

    @property
    def error_id(self) -> str:
        return f"{self.field.auto_id}_error"


def radio_choices(field: forms.BoundField) -> tuple[Choice, ...]:
    current = field.value()
    current = "" if current is None else str(current)
    return tuple(
        Choice(
            value=str(value),
            label=str(label),
            input_id=f"{field.auto_id}_{index}",
            checked=str(value) == current,
        )
        for index, (value, label) in enumerate(field.field.choices)
    )


class SurveyPageForm(PrivacyGuardedFormMixin, forms.Form):
    """One page's items, each a field named by the item's variable name.

    Free text is refused when it holds an identity number, a phone number or an e-mail
    address, with the message at the field and the text kept. With ``enforce_required``
    off (going back a page) nothing is required."""

    def __init__(self, *args, items: Iterable[Item], enforce_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            required = item.required and enforce_required
            if item.kind == ItemKind.TEXT:
                field: forms.Field = forms.CharField(
                    label=item.text,
                    required=required,
                    max_length=FREE_TEXT_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
                )
            else:
                field = forms.TypedChoiceField(
                    label=item.text,
                    required=required,
                    choices=item.scale.choices(),
                    coerce=int,
                    empty_value=None,
                    widget=forms.RadioSelect,
                )
            field.error_messages["required"] = REQUIRED_MESSAGE
            field.error_messages["invalid_choice"] = _("Choose one of the answers.")
            self.fields[item.key] = field

    @staticmethod
    def initial_from(answers: Iterable[Answer]) -> dict[str, int | str]:
        return {
            answer.item.key: answer.text if answer.item.kind == ItemKind.TEXT else answer.value
            for answer in answers
        }

    def questions(self) -> list[Question]:
        questions = []
        for item in self.items:
            field = self[item.key]
            choices = () if item.kind == ItemKind.TEXT else radio_choices(field)
            questions.append(Question(item=item, field=field, choices=choices))
        return questions

    def values(self) -> dict[int, int | str | None]:
        """The cleaned answers keyed by item id, as ``save_page`` takes them."""
        return {item.pk: self.cleaned_data.get(item.key) for item in self.items}


class WithdrawForm(forms.Form):
    answers = forms.ChoiceField(
        label=_("What should happen to the answers you have given?"),
        choices=[("keep", _("Keep my answers")), ("delete", _("Delete my answers"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether your answers are kept or deleted.")},
    )

    @property
    def keep_answers(self) -> bool:
        return self.cleaned_data["answers"] == "keep"

    def choices(self) -> tuple[Choice, ...]:
        return radio_choices(self["answers"])


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=500)
