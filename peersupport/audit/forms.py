from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditAction

SUBJECT_KEY = re.compile(r"^[a-z_]+\.[a-z_]+:\d+$")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DateRangeForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_input())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filter(self, events):
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        if data.get("date_from"):
            events = events.filter(at__gte=dt.datetime.combine(data["date_from"], dt.time(), zone))
        if data.get("date_to"):
            next_day = data["date_to"] + dt.timedelta(days=1)
            events = events.filter(at__lt=dt.datetime.combine(next_day, dt.time(), zone))
        return events

    def described(self) -> dict[str, str | int]:
        """The filter as ids and dates, for the audit log's own record of the page."""
        return {
            name: self.cleaned_data[name].isoformat()
            for name in ("date_from", "date_to")
            if self.cleaned_data.get(name)
        }


class EventFilterForm(DateRangeForm):
    """The filters of the log follow-up list and its CSV export. A person is named by their
    data-subject key only, so no name ends up in an address or in the log itself."""

    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditAction.choices]
    )
    actor = forms.ModelChoiceField(
        label=_("User"), required=False, queryset=None, empty_label=_("Everyone")
    )
    subject = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, readers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = readers.order_by("email")
        self.fields["actor"].label_from_instance = lambda user: user.email

    def clean_subject(self) -> str:
        key = self.cleaned_data["subject"].strip()
        if key and not SUBJECT_KEY.match(key):
            raise forms.ValidationError(_("Choose the person through the person search."))
        return key

    def filter(self, events):
        events = super().filter(events)
        data = self.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["actor"]:
            events = events.filter(actor=data["actor"])
        if data["subject"]:
            kind, _sep, pk = data["subject"].partition(":")
            events = events.filter(subject_kind=kind, subject_id=int(pk))
        return events

    def described(self) -> dict[str, str | int]:
        described = super().described()
        data = self.cleaned_data
        if data.get("action"):
            described["action"] = data["action"]
        if data.get("actor"):
            described["actor"] = data["actor"].pk
        if data.get("subject"):
            described["subject"] = data["subject"]
        return described


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or e-mail address"),
        min_length=2,
        max_length=100,
        help_text=_("Sent in the form, never in the address, so the name is not logged anywhere."),
    )
