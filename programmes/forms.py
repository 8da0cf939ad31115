"""Input validation for the programme's pages."""

from __future__ import annotations

import datetime as dt
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.models import ConsentMethod
from peersupport.forms import PrivacyGuardedFormMixin

from .actions import CERTIFICATE_CODE_ALPHABET
from .models import (
    ENDING_STATUSES,
    STATUS_TRANSITIONS,
    AttendanceStatus,
    CourseModule,
    CourseTemplate,
    EventKind,
    EventResponse,
    InterviewOutcome,
    LeavingReason,
    ParticipantStatus,
    TemplateDay,
)

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


# Wide enough for any real course or event, narrow enough that planning days ahead and
# converting Swedish time to UTC stay within what Python and PostgreSQL can hold.
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)


class PlausibleDateField(forms.DateField):
    """A date typed by a person, refused when it is far outside the programme's lifetime."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", _date_input())
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(
                _("Choose a date between %(earliest)s and %(latest)s.")
                % {
                    "earliest": date_format(EARLIEST_DATE, "j F Y"),
                    "latest": date_format(LATEST_DATE, "j F Y"),
                },
                code="out_of_range",
            )


def _time_input():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


# Recruitment ------------------------------------------------------------------------------


class CohortChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({date_format(obj.start_date, 'j M Y')})"


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(label=_("Search name or e-mail"), required=False, max_length=150)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ParticipantStatus.choices],
    )
    region = forms.ModelChoiceField(
        label=_("Region"), required=False, queryset=None, empty_label=_("All my regions")
    )
    cohort = CohortChoiceField(
        label=_("Cohort"), required=False, queryset=None, empty_label=_("All cohorts")
    )

    def __init__(self, *args, regions, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["cohort"].queryset = cohorts


# A coordinator records a consent given on paper or verbally; only the person themselves
# gives one digitally, in the app.
COORDINATOR_CONSENT_CHOICES = [
    ("", _("Choose…")),
    *(
        (value, label)
        for value, label in ConsentMethod.choices
        if value in (ConsentMethod.PAPER, ConsentMethod.VERBAL)
    ),
]


class ApplicantForm(PrivacyGuardedFormMixin, forms.Form):
    # The applicant's own contact details: what this form is for.
    identifying_fields_allowed = ("email", "phone")
    person_name_fields = ("full_name",)

    full_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, empty_label=None)
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        initial="sv",
        help_text=_("The language of the certificate and of messages to the person."),
    )
    applied_on = PlausibleDateField(
        label=_("Applied on"),
        required=False,
        help_text=_("Leave empty for today."),
    )
    lived_experience_declared = forms.BooleanField(
        label=_("The applicant declares own lived experience of mental ill-health (self-declared)"),
        help_text=_(
            "The programme is for people with own lived experience. Record only that the "
            "person says so themselves: never ask for or write down a diagnosis."
        ),
        error_messages={
            "required": _(
                "The applicant must declare own lived experience themselves before they can "
                "be registered."
            )
        },
    )

    consent_method = forms.ChoiceField(
        label=_("How the applicant consented to the declaration being kept"),
        choices=COORDINATOR_CONSENT_CHOICES,
        help_text=_(
            "The declaration is health data (GDPR art. 9): it is kept only with the "
            "applicant's consent to the text shown above."
        ),
        error_messages={
            "required": _(
                "Record how the applicant gave their consent, or the declaration cannot be kept."
            )
        },
    )
    consent_given_on = PlausibleDateField(
        label=_("Consent given on"), required=False, help_text=_("Leave empty for today.")
    )
    consent_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, regions, consent_version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["consent_version"].initial = consent_version
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Register applicant")))


class ConsentRecordForm(forms.Form):
    """The participant's consent to keeping their declaration of lived experience."""

    declared = forms.BooleanField(
        label=_(
            "The person declares own lived experience of mental ill-health and consents to "
            "the region keeping that declaration"
        ),
        error_messages={
            "required": _("Tick this only when the person has declared it and consented.")
        },
    )
    method = forms.ChoiceField(
        label=_("How consent was given"), choices=COORDINATOR_CONSENT_CHOICES
    )
    given_on = PlausibleDateField(
        label=_("Consent given on"), required=False, help_text=_("Leave empty for today.")
    )
    text_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, text_version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text_version"].initial = text_version


class ConsentWithdrawForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How the person withdrew consent"), choices=COORDINATOR_CONSENT_CHOICES
    )


class StatusChangeForm(PrivacyGuardedFormMixin, forms.Form):
    """The next step on a participant's path. Only the steps open from the current status
    are offered; the action has the last word (the status may have changed meanwhile)."""

    to_status = forms.ChoiceField(
        label=_("New status"), choices=[("", _("Choose…")), *ParticipantStatus.choices]
    )
    reason_category = forms.ChoiceField(
        label=_("Kind of reason"),
        required=False,
        choices=[("", _("Choose…")), *LeavingReason.choices],
        help_text=_(
            "Required when the path ends here (declined or left). Counted in the evaluation "
            "report, unlike the reason written below."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the path ends here (declined or left)."),
    )

    def clean(self):
        """A path that ends needs a kind of reason and a reason, both reported at once; the
        kind is kept only then."""
        cleaned = super().clean()
        if cleaned.get("to_status") not in ENDING_STATUSES:
            cleaned["reason_category"] = None
            return cleaned
        if not cleaned.get("reason_category"):
            self.add_error(
                "reason_category", _("Choose the kind of reason when the path ends here.")
            )
        if "reason" in cleaned and not cleaned["reason"].strip():
            self.add_error("reason", _("Give a reason when the path ends here."))
        return cleaned

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = STATUS_TRANSITIONS.get(participant.status, set())
        self.fields["to_status"].widget.choices = [
            ("", _("Choose…")),
            *((value, label) for value, label in ParticipantStatus.choices if value in allowed),
        ]
        self.helper = FormHelper()
        self.helper.form_action = reverse(
            "programmes:participant_status", kwargs={"pk": participant.pk}
        )
        self.helper.add_input(Submit("submit", _("Change status")))


# Course templates -------------------------------------------------------------------------


class CourseTemplateForm(PrivacyGuardedFormMixin, forms.ModelForm):
    class Meta:
        model = CourseTemplate
        fields = ["name", "description", "min_attendance_percent", "day_start", "day_end"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "day_start": _time_input(),
            "day_end": _time_input(),
        }


class CourseModuleForm(PrivacyGuardedFormMixin, forms.ModelForm):
    class Meta:
        model = CourseModule
        fields = ["name", "learning_aims", "required"]
        widgets = {"learning_aims": forms.Textarea(attrs={"rows": 2})}


class BaseCourseModuleFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if self._should_delete_form(form) or not form.cleaned_data.get("name"):
                continue
            name = form.cleaned_data["name"].strip().casefold()
            if name in seen:
                form.add_error("name", _("Two modules cannot have the same name."))
            seen.add(name)


CourseModuleFormSet = forms.modelformset_factory(
    CourseModule,
    form=CourseModuleForm,
    formset=BaseCourseModuleFormSet,
    extra=1,
    can_delete=True,
)


class TemplateDayForm(forms.Form):
    """One course day of the plan. Weeks are counted from 1 here (the model counts from 0)."""

    week = forms.IntegerField(label=_("Week"), min_value=1, max_value=52)
    weekday = forms.TypedChoiceField(
        label=_("Weekday"), choices=[("", "—"), *TemplateDay.Weekday.choices], coerce=int
    )
    modules = forms.TypedMultipleChoiceField(
        label=_("Modules"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, module_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modules"].choices = module_choices


TemplateDayFormSet = forms.formset_factory(TemplateDayForm, extra=1, can_delete=True)


# Reunions and continuing education --------------------------------------------------------


class EventForm(PrivacyGuardedFormMixin, forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    start_date = PlausibleDateField(label=_("Date"))
    start_time = forms.TimeField(label=_("Starts at"), widget=_time_input())
    end_date = PlausibleDateField(
        label=_("Ends on"),
        required=False,
        help_text=_("Leave empty when the event ends the same day."),
    )
    end_time = forms.TimeField(label=_("Ends at"), widget=_time_input())
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Create event")))

    def clean(self):
        """Times are typed in Swedish time (Europe/Stockholm) and stored aware."""
        data = super().clean()
        if data.get("start_date") and data.get("start_time") and data.get("end_time"):
            zone = timezone.get_default_timezone()
            end_date = data.get("end_date") or data["start_date"]
            data["starts_at"] = timezone.make_aware(
                dt.datetime.combine(data["start_date"], data["start_time"]), zone
            )
            data["ends_at"] = timezone.make_aware(
                dt.datetime.combine(end_date, data["end_time"]), zone
            )
        return data


class EventEditForm(EventForm):
    """The event's details; its region stays."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, regions=None, **kwargs)
        del self.fields["region"]
        self.helper.inputs.clear()
        self.helper.add_input(Submit("submit", _("Save")))

    @classmethod
    def initial_for(cls, event) -> dict:
        starts_at = timezone.localtime(event.starts_at)
        ends_at = timezone.localtime(event.ends_at)
        return {
            "kind": event.kind,
            "title": event.title,
            "start_date": starts_at.date(),
            "start_time": starts_at.time(),
            "end_date": ends_at.date() if ends_at.date() != starts_at.date() else None,
            "end_time": ends_at.time(),
            "venue": event.venue,
            "description": event.description,
        }


class EventCancelForm(PrivacyGuardedFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Told to everyone invited."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Cancel the event"), css_class="btn-danger"))


class EventAnswerForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Are you coming?"), choices=EventResponse.choices, widget=forms.RadioSelect
    )


class EventAttendanceForm(forms.Form):
    ATTENDED = {"yes": True, "no": False, "unknown": None}

    attended = forms.ChoiceField(
        label=_("Attended"),
        choices=[("yes", _("Attended")), ("no", _("Did not attend")), ("unknown", _("Not known"))],
    )

    @property
    def attended_value(self) -> bool | None:
        return self.ATTENDED[self.cleaned_data["attended"]]


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
    start_date = PlausibleDateField(
        label=_("Start date"),
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
    date = PlausibleDateField(label=_("Date"))
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


# Upkeep (issue 12) ------------------------------------------------------------------------


class ParticipantDetailsForm(PrivacyGuardedFormMixin, forms.Form):
    """Correct what registering the applicant recorded about them."""

    # The participant's own contact details: what this form is for.
    identifying_fields_allowed = ("email", "phone")
    person_name_fields = ("full_name",)

    full_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("An account the person already has keeps the address they log in with."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("The language of the certificate and of messages to the person."),
    )
    applied_on = PlausibleDateField(label=_("Applied on"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save details")))


class TemplateCopyForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Copy to region"), queryset=None, empty_label=None)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


# Recruitment intake -----------------------------------------------------------------------

# The honeypot: a field people never see or fill in; a bot that fills every field gives
# itself away (see ``programmes.views.intake``).
HONEYPOT_FIELD = "website"


class InterestForm(PrivacyGuardedFormMixin, forms.Form):
    """The public interest form: who the person is, how to reach them, why they apply, and
    their own declaration of lived experience with consent to it being kept."""

    # The applicant's own contact details: what this form is for.
    identifying_fields_allowed = ("email", "phone", HONEYPOT_FIELD)
    person_name_fields = ("full_name",)

    full_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We write to you here about an interview."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        help_text=_("If you would rather be called."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    motivation = forms.CharField(
        label=_("Why do you want to become a peer supporter?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "A few sentences are enough. Do not write about your diagnosis or anyone else's "
            "details."
        ),
    )
    declared = forms.BooleanField(
        label=_(
            "I have own lived experience of mental ill-health, and I consent to the region "
            "keeping this declaration as the text above describes"
        ),
        error_messages={
            "required": _(
                "The programme is for people with own lived experience: tick this to apply. "
                "Without your consent we cannot keep your application."
            )
        },
    )
    consent_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, consent_version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_version"].initial = consent_version
        # The template writes the form tag, the honeypot (out of sight) and the button.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "full_name", "email", "phone", "motivation", "declared", "consent_version"
        )

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix(HONEYPOT_FIELD), "").strip())


class InterviewForm(PrivacyGuardedFormMixin, forms.Form):
    """An interview with an applicant. Declining needs a reason, as any ended path does."""

    held_on = PlausibleDateField(label=_("Interview date"), initial=timezone.localdate)
    interviewer = forms.ModelChoiceField(label=_("Interviewer"), queryset=None)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("Choose…")), *InterviewOutcome.choices]
    )
    reason_category = forms.ChoiceField(
        label=_("Kind of reason"),
        required=False,
        choices=[("", _("Choose…")), *LeavingReason.choices],
        help_text=_("Required when the applicant is not offered a place."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the applicant is not offered a place."),
    )

    def __init__(self, *args, participant, interviewers, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewer"].queryset = interviewers
        self.fields["interviewer"].initial = actor.pk
        self.helper = FormHelper()
        self.helper.form_action = reverse(
            "programmes:participant_interview", kwargs={"pk": participant.pk}
        )
        self.helper.add_input(Submit("submit", _("Record interview")))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") != InterviewOutcome.DECLINED:
            cleaned["reason_category"] = None
            cleaned["reason"] = ""
            return cleaned
        if not cleaned.get("reason_category"):
            self.add_error(
                "reason_category", _("Choose the kind of reason when the path ends here.")
            )
        if "reason" in cleaned and not cleaned["reason"].strip():
            self.add_error("reason", _("Give a reason when the path ends here."))
        return cleaned
