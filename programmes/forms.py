"""Input validation for the programme's pages."""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from peersupport.forms import PrivacyGuardedFormMixin

from .actions import CERTIFICATE_CODE_ALPHABET
from .models import AttendanceStatus

_CODE_CHARACTERS = re.compile(f"[{CERTIFICATE_CODE_ALPHABET}]{{12}}")


def normalise_certificate_code(typed: str) -> str | None:
    """``ABCD-EFGH-JK23`` from what a person typed (any case, spaces or dashes), or
    ``None`` when it cannot be a certificate code."""
    compact = re.sub(r"[\s\-‐‑–—]", "", typed).upper()
    if not _CODE_CHARACTERS.fullmatch(compact):
        return None
    return f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"


class CertificateVerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("As printed on the certificate, for example ABCD-EFGH-JK23."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The template writes the <form method="get"> and its button, so the URL stays
        # the same ``?code=`` link that is printed on the certificate.
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_code(self) -> str:
        code = normalise_certificate_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _(
                    "This is not a verification code. A code is three groups of four letters "
                    "and digits, such as ABCD-EFGH-JK23 (no O, I, 0 or 1)."
                ),
                code="malformed",
            )
        return code


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


# Cohorts, enrolment, attendance and completion --------------------------------------------


class CohortDetailsForm(PrivacyGuardedFormMixin, forms.Form):
    """What can change while a cohort runs."""

    name = forms.CharField(label=_("Name"), max_length=150)
    venue = forms.CharField(label=_("Venue"), max_length=200)
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=500,
        initial=16,
        help_text=_("Places in the cohort; those enrolled beyond it go on the waiting list."),
    )
    trainers = forms.CharField(
        label=_("Trainers"),
        max_length=300,
        required=False,
        help_text=_("Names, separated by commas."),
    )

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label or _("Save")))


class CohortCreateForm(CohortDetailsForm):
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, empty_label=None)
    template = forms.ModelChoiceField(
        label=_("Course template"),
        queryset=None,
        empty_label=None,
        help_text=_("The course days and modules are copied from the template."),
    )
    start_date = forms.DateField(
        label=_("Start date"),
        widget=_date_input(),
        help_text=_(
            "The course days are planned from this date, skipping weekends and Swedish "
            "public holidays."
        ),
    )

    field_order = ["region", "template", "name", "venue", "capacity", "trainers", "start_date"]

    def __init__(self, *args, regions, templates, **kwargs):
        super().__init__(*args, submit_label=_("Create cohort"), **kwargs)
        self.fields["region"].queryset = regions
        self.fields["template"].queryset = templates
        default = next((t for t in templates if t.is_default), None)
        if default is not None:
            self.fields["template"].initial = default.pk


class CourseSessionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=_date_input())
    start_time = forms.TimeField(label=_("Starts at"), widget=_time_input())
    end_time = forms.TimeField(label=_("Ends at"), widget=_time_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save course day")))


class EnrolForm(forms.Form):
    """Offers the accepted applicants who could join; accepts anyone of the region so that
    a choice gone stale (enrolled elsewhere meanwhile) gets the action's explanation."""

    participant = forms.ModelChoiceField(label=_("Applicant"), queryset=None)

    def __init__(self, *args, participants, eligible, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["participant"]
        field.queryset = participants
        field.widget.choices = [
            ("", _("Choose an accepted applicant…")),
            *((p.pk, f"{p.full_name} ({p.get_status_display()})") for p in eligible),
        ]
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.add_input(Submit("submit", _("Enrol")))


class WithdrawForm(PrivacyGuardedFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the participant's history."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Withdraw"), css_class="btn-danger"))


class AttendanceForm(PrivacyGuardedFormMixin, forms.Form):
    """One cell of the attendance grid; an empty status clears it."""

    session = forms.ModelChoiceField(queryset=None)
    enrolment = forms.ModelChoiceField(queryset=None)
    status = forms.ChoiceField(
        choices=[("", _("Not recorded")), *AttendanceStatus.choices], required=False
    )
    reason = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = cohort.sessions.all()
        # Every enrolment of the cohort: the action explains why a withdrawn one is refused.
        self.fields["enrolment"].queryset = cohort.enrolments.select_related("participant")


class CertifyForm(forms.Form):
    enrolments = forms.ModelMultipleChoiceField(
        label=_("Trainees to certify"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one trainee to certify.")},
    )

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolments"].queryset = enrolments
