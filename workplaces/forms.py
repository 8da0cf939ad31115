"""Input validation for the workplace pages."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import FULL_TIME_HOURS, Employer, Likert, PlacementStatus, Task


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# Placements and follow-up reviews ---------------------------------------------------------


class PlacementFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *PlacementStatus.choices],
    )
    workplace = forms.ModelChoiceField(
        label=_("Workplace"), required=False, queryset=None, empty_label=_("All workplaces")
    )

    def __init__(self, *args, workplaces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workplace"].queryset = workplaces


class PlacementForm(forms.Form):
    participant = forms.ModelChoiceField(label=_("Peer supporter"), queryset=None)
    workplace = forms.ModelChoiceField(label=_("Workplace"), queryset=None)
    employer = forms.ChoiceField(
        label=_("Employer of record"), choices=Employer.choices, widget=forms.RadioSelect
    )
    hours_per_week = forms.DecimalField(
        label=_("Hours per week"),
        min_value=1,
        max_value=FULL_TIME_HOURS,
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    start_date = forms.DateField(label=_("Start"), widget=_date_input())
    end_date = forms.DateField(
        label=_("End"),
        required=False,
        widget=_date_input(),
        help_text=_("Leave empty while the end is not decided."),
    )
    tasks = forms.MultipleChoiceField(
        label=_("Agreed tasks"),
        required=False,
        choices=Task.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, participants, workplaces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = participants
        self.fields["workplace"].queryset = workplaces
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Propose placement")))


class PlacementEndForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for ending"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the funding ended, or the peer supporter moved on."),
    )
    end_date = forms.DateField(label=_("Last day"), widget=_date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].initial = timezone.localdate
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("End placement"), css_class="btn-danger"))


def _likert_field(label) -> forms.TypedChoiceField:
    """A 1–5 scale whose every step carries its labelled anchor."""
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        choices=[
            (value, format_lazy("{} – {}", value, anchor)) for value, anchor in Likert.choices
        ],
        widget=forms.RadioSelect,
    )


class ReviewForm(forms.Form):
    role_works = _likert_field(_("How well does the peer support role work at the unit?"))
    role_clarity = _likert_field(_("How well defined is the role – its tasks and boundaries?"))
    staff_attitudes = _likert_field(_("How well do the staff receive the role?"))
    support_needs = forms.CharField(
        label=_("Support needs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What support do the peer supporter and the unit need now?"),
    )
    comments = forms.CharField(
        label=_("Other comments"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Send follow-up")))
