"""Input validation for printing slips and for typing a slip's code."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from workplaces.models import Workplace

from .actions.slips import MAX_SLIPS, is_well_formed, normalise_code
from .models import Wave
from .slips_pdf import format_code


class WaveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, wave: Wave) -> str:
        return f"{wave.study.name}: {wave.name} ({wave.get_group_display()})"


class SlipWorkplaceForm(forms.Form):
    """The first step: which workplace the slips are for (the open surveys depend on it)."""

    workplace = forms.ModelChoiceField(label=_("Workplace"), queryset=Workplace.objects.none())

    def __init__(self, *args, workplaces: QuerySet[Workplace], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workplace"].queryset = workplaces
        self.helper = FormHelper()
        self.helper.form_tag = False


class SlipBatchForm(forms.Form):
    wave = WaveChoiceField(
        label=_("Survey"),
        queryset=Wave.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    size = forms.IntegerField(
        label=_("Number of slips"),
        min_value=1,
        max_value=MAX_SLIPS,
        initial=8,
        help_text=_("Eight slips fit on a page. At most %(max)d at a time.") % {"max": MAX_SLIPS},
    )

    def __init__(self, *args, waves: list[Wave], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wave"].queryset = Wave.objects.filter(
            pk__in=[wave.pk for wave in waves]
        ).select_related("study")
        if len(waves) == 1:
            self.fields["wave"].initial = waves[0].pk
        self.helper = FormHelper()
        self.helper.form_tag = False


class CodeForm(forms.Form):
    """One field, the code from the slip: typed in any case, with or without the dash."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("As printed on the slip, for example ABCD-EFGH."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autocorrect": "off",
                "spellcheck": "false",
                "inputmode": "text",
                "class": "form-control-lg text-uppercase font-monospace",
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not is_well_formed(code):
            raise forms.ValidationError(
                _("A code has eight letters and digits, for example ABCD-EFGH."), code="format"
            )
        return code

    @staticmethod
    def initial_for(raw: str) -> str:
        """What the QR link's code looks like in the field: as printed on the slip."""
        return format_code(normalise_code(raw)[:20])
