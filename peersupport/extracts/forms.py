from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ExtractRequestForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the extract"), choices=settings.LANGUAGES)


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I have checked that this person asked to be erased, or that no duty to keep "
            "their records remains."
        ),
        required=True,
    )
