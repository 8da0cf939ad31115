"""The form for importing an instrument file."""

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

# A questionnaire of a few hundred items is well under this; anything larger is not one.
MAX_FILE_BYTES = 1_000_000


class InstrumentImportForm(forms.Form):
    file = forms.FileField(
        label=_("Instrument file (JSON)"),
        help_text=_(
            "A new instrument becomes version 1; a file for an instrument that already "
            "exists becomes its next version."
        ),
        validators=[FileExtensionValidator(["json"])],
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is too large: an instrument file is at most 1 MB.")
            )
        return upload
