"""Forms for building studies and waves (validation of the input only: the actions hold
the rules)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from peersupport.forms import PrivacyGuardedFormMixin

from .models import Anchor, InstrumentVersion, RespondentGroup


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StudyForm(PrivacyGuardedFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for a national study that covers every region."),
    )
    allows_free_text = forms.BooleanField(
        label=_("Free-text answers"),
        required=False,
        help_text=_(
            "Ask and export free-text items only when the study's ethics approval allows it."
        ),
    )

    def __init__(self, *args, regions, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = regions
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label))


class InformationForm(PrivacyGuardedFormMixin, forms.Form):
    # The information names the research principal's contact people: their e-mail and
    # phone number belong there.
    identifying_fields_allowed = ("text_sv", "text_en")

    text_sv = forms.CharField(
        label=_("Information in Swedish"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "What the study is, who is responsible, what taking part means, how answers are "
            "kept and whom to contact. Blank lines separate paragraphs."
        ),
    )
    text_en = forms.CharField(
        label=_("Information in English"), widget=forms.Textarea(attrs={"rows": 14})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Publish a new version")))


class InstrumentVersionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.instrument.name} (v{obj.version})"


class WaveForm(PrivacyGuardedFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    group = forms.ChoiceField(label=_("Who answers"), choices=RespondentGroup.choices)
    anchor = forms.ChoiceField(
        label=_("Counted from"),
        choices=Anchor.choices,
        help_text=_(
            "The programme event the wave opens after, for each respondent. "
            'For example "6 months after the placement\'s start" is counted from the start '
            "of the placement with 6 months after the event. Peer supporters can be counted "
            "from enrolment, the end of the course or the placement's start; staff and unit "
            "managers from the workplace being ready or the placement's start; service users "
            "from the placement's start. A custom window opens for everyone between two dates."
        ),
    )
    offset_months = forms.IntegerField(
        label=_("Months after the event"), min_value=0, max_value=120, initial=0
    )
    offset_days = forms.IntegerField(
        label=_("Days after the event"), min_value=0, max_value=365, initial=0
    )
    window_days = forms.IntegerField(
        label=_("Open for (days)"),
        min_value=1,
        max_value=365,
        initial=30,
        help_text=_("How long each respondent may answer once the wave has opened."),
    )
    opens_on = forms.DateField(
        label=_("Opens (custom window)"), required=False, widget=_date_input()
    )
    closes_on = forms.DateField(
        label=_("Closes (custom window)"), required=False, widget=_date_input()
    )
    max_reminders = forms.IntegerField(
        label=_("Reminders at most"), min_value=0, max_value=10, initial=2
    )
    reminder_interval_days = forms.IntegerField(
        label=_("Days between reminders"), min_value=1, max_value=90, initial=7
    )
    target_response_rate = forms.IntegerField(
        label=_("Target response rate (%)"), min_value=0, max_value=100, initial=60
    )
    instruments = InstrumentVersionChoiceField(
        label=_("Instruments"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only published versions. They are asked in the order listed here."),
    )

    def __init__(self, *args, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instruments"].queryset = (
            InstrumentVersion.objects.published()
            .select_related("instrument")
            .order_by("instrument__key", "-version")
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label))

    def ordered_instruments(self) -> list[InstrumentVersion]:
        """The chosen versions in the order the form lists them."""
        chosen = {version.pk for version in self.cleaned_data["instruments"]}
        return [version for version in self.fields["instruments"].queryset if version.pk in chosen]
