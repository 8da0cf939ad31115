"""Input validation for the supervision pages."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from dateutil.relativedelta import relativedelta
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.forms import PrivacyGuardedFormMixin
from programmes.forms import PlausibleDateField

from .models import (
    ArrangementKind,
    AttendanceStatus,
    SessionStatus,
    SupervisionSession,
    SupervisionTheme,
    Weekday,
)


def _time_input():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class MembersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


# Supervisors ------------------------------------------------------------------------------


class SupervisorForm(forms.Form):
    """Register a person with the supervisor role, or change their experience-based flag."""

    user = forms.ModelChoiceField(label=_("Supervisor"), queryset=None)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, empty_label=None)
    experience_based = forms.BooleanField(
        label=_("Experience-based supervisor"),
        required=False,
        initial=True,
        help_text=_("Has own lived experience and supervises from it."),
    )

    def __init__(self, *args, users, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["region"].queryset = regions
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))


# Groups -----------------------------------------------------------------------------------


class GroupForm(PrivacyGuardedFormMixin, forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ArrangementKind.choices, initial=ArrangementKind.GROUP
    )
    name = forms.CharField(label=_("Name"), max_length=150)
    supervisor = forms.ModelChoiceField(label=_("Supervisor"), queryset=None)
    members = MembersField(
        label=_("Peer supporters"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    weekday = forms.TypedChoiceField(
        label=_("Usual weekday"),
        choices=[("", "—"), *Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    start_time = forms.TimeField(label=_("Usual time"), required=False, widget=_time_input())
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=15, max_value=480, initial=90
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(
        label=_("Video link"), max_length=500, required=False, assume_scheme="https"
    )

    def __init__(self, *args, regions, supervisors, participants, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["supervisor"].queryset = supervisors
        self.fields["members"].queryset = participants
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label))

    def clean(self):
        cleaned = super().clean()
        region, supervisor = cleaned.get("region"), cleaned.get("supervisor")
        if region and supervisor and supervisor.region_id != region.pk:
            self.add_error("supervisor", _("The supervisor must supervise in this region."))
        members = cleaned.get("members") or []
        if region and any(member.region_id != region.pk for member in members):
            self.add_error("members", _("Every member must belong to the group's region."))
        if cleaned.get("kind") == ArrangementKind.INDIVIDUAL and len(members) != 1:
            self.add_error(
                "members", _("Individual supervision is for exactly one peer supporter.")
            )
        return cleaned

    def group_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["members"] = list(data["members"])
        return data


# Sessions ---------------------------------------------------------------------------------


class SeriesForm(PrivacyGuardedFormMixin, forms.Form):
    """Plan sessions every N weeks between two dates (the weekday is the first date's)."""

    first_date = PlausibleDateField(label=_("First session"))
    until = PlausibleDateField(label=_("Last date"))
    start_time = forms.TimeField(label=_("Time"), widget=_time_input())
    interval_weeks = forms.TypedChoiceField(
        label=_("How often"),
        choices=[
            (1, _("Every week")),
            (2, _("Every other week")),
            (3, _("Every third week")),
            (4, _("Every fourth week")),
        ],
        coerce=int,
        initial=2,
    )
    duration_minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=15, max_value=480)
    skip_holidays = forms.BooleanField(
        label=_("Skip public holidays"), required=False, initial=True
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(
        label=_("Video link"), max_length=500, required=False, assume_scheme="https"
    )

    def __init__(self, *args, group, **kwargs):
        today = timezone.localdate()
        first = today
        if group.weekday is not None:
            first = today + dt.timedelta(days=(group.weekday - today.weekday()) % 7)
        kwargs.setdefault(
            "initial",
            {
                "first_date": first,
                "until": first + relativedelta(months=3),
                "start_time": group.start_time,
                "duration_minutes": group.duration_minutes,
                "place": group.place,
                "video_link": group.video_link,
            },
        )
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Plan sessions")))

    def clean(self):
        cleaned = super().clean()
        first, until = cleaned.get("first_date"), cleaned.get("until")
        if first and until and until < first:
            self.add_error("until", _("The last date must be on or after the first date."))
        return cleaned


class RescheduleForm(PrivacyGuardedFormMixin, forms.Form):
    date = PlausibleDateField(label=_("Date"))
    start_time = forms.TimeField(label=_("Time"), widget=_time_input())
    duration_minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=15, max_value=480)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(
        label=_("Video link"), max_length=500, required=False, assume_scheme="https"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def session_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "starts_at": timezone.make_aware(dt.datetime.combine(data["date"], data["start_time"])),
            "duration_minutes": data["duration_minutes"],
            "place": data["place"],
            "video_link": data["video_link"],
        }


class CancelForm(PrivacyGuardedFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why is the session cancelled?"),
        max_length=300,
        help_text=_("Shown to the participants and in the cadence overview."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Cancel the session"), css_class="btn-danger"))


class GroupDeactivateForm(PrivacyGuardedFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why does the group end?"),
        max_length=300,
        help_text=_("Given as the reason on each cancelled session."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("End the group"), css_class="btn-danger"))


class AttendanceForm(PrivacyGuardedFormMixin, forms.Form):
    """One status (and a reason for an excused absence) per expected peer supporter, and
    the session's themes."""

    name_warning_fields = ("reason_*",)

    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        choices=SupervisionTheme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, attendances, **kwargs):
        super().__init__(*args, **kwargs)
        self.attendances = list(attendances)
        for attendance in self.attendances:
            pid = attendance.participant_id
            self.fields[f"status_{pid}"] = forms.ChoiceField(
                label=attendance.participant.full_name,
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect,
                initial=attendance.status or None,
            )
            self.fields[f"reason_{pid}"] = forms.CharField(
                label=_("Reason for %(name)s's excused absence")
                % {"name": attendance.participant.full_name},
                max_length=300,
                required=False,
                initial=attendance.reason,
            )

    def rows(self):
        """(attendance, status field, reason field, the reason's not-a-name checkbox or None)
        for the template."""
        return [
            (
                a,
                self[f"status_{a.participant_id}"],
                self[f"reason_{a.participant_id}"],
                self.not_a_name_field(f"reason_{a.participant_id}"),
            )
            for a in self.attendances
        ]

    def clean(self):
        cleaned = super().clean()
        for attendance in self.attendances:
            pid = attendance.participant_id
            if (
                cleaned.get(f"status_{pid}") == AttendanceStatus.EXCUSED
                and not cleaned.get(f"reason_{pid}", "").strip()
            ):
                self.add_error(f"reason_{pid}", _("Give a reason for the excused absence."))
        return cleaned

    def statuses(self) -> dict[int, tuple[str, str]]:
        return {
            a.participant_id: (
                self.cleaned_data[f"status_{a.participant_id}"],
                self.cleaned_data.get(f"reason_{a.participant_id}", ""),
            )
            for a in self.attendances
        }


class NoteForm(PrivacyGuardedFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Private note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Only you can read this note. It is never shown to anyone else or exported. "
            "Leave it empty to delete it."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save note")))


class ConfirmForm(PrivacyGuardedFormMixin, forms.Form):
    name_warning_fields = ("comment",)

    rating = forms.TypedChoiceField(
        label=_("How useful was the session? (optional)"),
        choices=[("", _("No rating")), *[(n, str(n)) for n in range(1, 6)]],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("1 is not useful, 5 is very useful. Never shown to your workplace."),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("I was there")))


# The session list's filter: a status value for sessions still missing attendance.
MISSING_ATTENDANCE = "missing"


class SessionFilterForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Group"),
        required=False,
        queryset=None,
        empty_label=_("All groups"),
    )
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All sessions")),
            *SessionStatus.choices,
            (MISSING_ATTENDANCE, _("Attendance not recorded")),
        ],
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups

    def apply(self, sessions: QuerySet[SupervisionSession]) -> QuerySet[SupervisionSession]:
        filters = self.cleaned_data
        if filters["group"]:
            sessions = sessions.filter(group=filters["group"])
        if filters["month"]:
            # A range on starts_at (its index), in the local time zone as the month reads.
            month = filters["month"].replace(day=1)
            sessions = sessions.filter(
                starts_at__gte=_local_midnight(month),
                starts_at__lt=_local_midnight(month + relativedelta(months=1)),
            )
        if filters["status"] == MISSING_ATTENDANCE:
            sessions = sessions.missing_attendance()
        elif filters["status"]:
            sessions = sessions.filter(status=filters["status"])
        return sessions
