from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .registry import importers


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"))
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, empty_label=None)
    file = forms.FileField(
        label=_("File"),
        help_text=_("An .xlsx or .csv file with the template's columns in its first row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(i.kind, i.title) for i in importers()]
        self.fields["region"].queryset = regions
