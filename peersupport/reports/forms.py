from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .actions import half_year, last_complete_period, month_period
from .models import Frequency, PeriodKind

NATIONAL = "national"
FIRST_YEAR = 2020


class ReportRequestForm(forms.Form):
    """Which report: a region (or the whole country) and a period."""

    scope = forms.ChoiceField(label=_("Region"))
    period_kind = forms.ChoiceField(
        label=_("Period"), choices=PeriodKind.choices, initial=PeriodKind.HALF_YEAR
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    half = forms.TypedChoiceField(
        label=_("Half-year"),
        coerce=int,
        choices=[(1, _("January–June")), (2, _("July–December"))],
        required=False,
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        coerce=int,
        required=False,
    )
    # An <input type="date"> takes ISO dates whatever the language.
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES)

    def __init__(self, *args, regions, national: bool, language: str, **kwargs):
        super().__init__(*args, **kwargs)

        today = timezone.localdate()
        choices = [(str(region.pk), region.name) for region in regions]
        if national:
            choices.insert(0, (NATIONAL, _("All regions (national report)")))
        self.fields["scope"].choices = choices
        self.fields["year"].choices = [
            (year, year) for year in range(today.year, FIRST_YEAR - 1, -1)
        ]
        self.fields["month"].choices = [
            (number, formats.date_format(dt.date(2000, number, 1), "F").capitalize())
            for number in range(1, 13)
        ]
        _kind, last_start, _end = last_complete_period(Frequency.HALF_YEARLY, today)
        self.initial.setdefault("year", last_start.year)
        self.initial.setdefault("half", 1 if last_start.month == 1 else 2)
        self.initial.setdefault("month", today.month)
        self.initial.setdefault("language", language)
        self.regions = {str(region.pk): region for region in regions}

    def clean(self):
        data = super().clean()
        kind, year = data.get("period_kind"), data.get("year")
        if kind in (PeriodKind.HALF_YEAR, PeriodKind.YEAR, PeriodKind.MONTH) and not year:
            if "year" not in self.errors:
                self.add_error("year", _("Choose the year."))
        elif kind == PeriodKind.HALF_YEAR:
            if not data.get("half"):
                self.add_error("half", _("Choose the half-year."))
            else:
                self._set_period(data, "half", *half_year(year, data["half"]))
        elif kind == PeriodKind.YEAR:
            self._set_period(data, "year", dt.date(year, 1, 1), dt.date(year, 12, 31))
        elif kind == PeriodKind.MONTH:
            if not data.get("month"):
                self.add_error("month", _("Choose the month."))
            else:
                self._set_period(data, "month", *month_period(year, data["month"]))
        elif kind == PeriodKind.CUSTOM:
            self._clean_custom(data)
        return data

    def _set_period(self, data, field: str, start: dt.date, end: dt.date) -> None:
        if start > timezone.localdate():
            self.add_error(field, _("This period has not begun yet."))
        data["start"], data["end"] = start, end

    def _clean_custom(self, data) -> None:
        start, end = data.get("start"), data.get("end")
        if not start and "start" not in self.errors:
            self.add_error("start", _("Give the first day of the period."))
        if not end and "end" not in self.errors:
            self.add_error("end", _("Give the last day of the period."))
        if start and start > timezone.localdate():
            self.add_error("start", _("This period has not begun yet."))
        if start and end and start > end:
            self.add_error("end", _("The period must end on or after the day it starts."))
        elif start and end and (end - start).days > 366 * 3:
            self.add_error("end", _("A report covers at most three years."))

    @property
    def region(self):
        """The chosen region, or None for the national report."""
        scope = self.cleaned_data["scope"]
        return None if scope == NATIONAL else self.regions[scope]


class SubscriptionForm(forms.Form):
    """A standing order: which of the coordinator's regions, how often, which language."""

    region = forms.ChoiceField(label=_("Region"))
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Frequency.choices, initial=Frequency.HALF_YEARLY
    )
    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES)

    def __init__(self, *args, regions, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(str(region.pk), region.name) for region in regions]
        self.initial.setdefault("language", language)
        self.regions = {str(region.pk): region for region in regions}
