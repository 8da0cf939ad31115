"""Input validation for the workplace pages."""

from __future__ import annotations

import functools
import html
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.forms.boundfield import BoundField
from django.forms.utils import flatatt
from django.forms.widgets import Input
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import Membership, Role
from peersupport.forms import PrivacyGuardedFormMixin

from .models import (
    FULL_TIME_HOURS,
    GROUP_KINDS,
    Employer,
    IncidentKind,
    IncidentStatus,
    Likert,
    PlacementEndReason,
    PlacementStatus,
    Principal,
    ReadinessItem,
    SessionKind,
    Task,
    Theme,
    WorkplaceType,
)


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))


# Filters of list pages ---------------------------------------------------------------------


class QuickSelect(forms.Select):
    """A ``<select>`` drawn in Python rather than through a template per option: a region's
    peer supporters make hundreds of options, and the per-option template cost more than
    the rest of the list page. (The standard library's ``escape`` is several times faster
    than Django's here, and escapes the same five characters.)"""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = "".join(
            f'<option value="{html.escape(str(option_value))}"'
            f"{' selected' if str(option_value) in selected else ''}>"
            f"{html.escape(str(label))}</option>"
            for option_value, label in self.choices
        )
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html(
            "<select{}>{}</select>",
            flatatt(final_attrs),
            SafeString(options),  # every value and label escaped above
        )


class ChoiceButtonsMixin:
    """Choices as large buttons (each an input with Bootstrap's ``btn-check`` and its
    label), drawn in Python: one widget template per option cost more than the rest of the
    session form. The inputs are what Django draws (``id_<name>_<n>``), each followed by
    its label; ``workplaces/session_choices.html`` puts them in their fieldset."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.pop("id", None) or f"id_{name}"
        chosen = set(self.format_value(value))
        parts = []
        for index, (option_value, label) in enumerate(self.choices):
            option_id = f"{base_id}_{index}"
            checked = " checked" if str(option_value) in chosen else ""
            parts.append(
                f'<input type="{self.input_type}" name="{html.escape(name)}" '
                f'value="{html.escape(str(option_value))}"{flatatt({**attrs, "id": option_id})}'
                f'{checked}><label class="btn btn-outline-primary" for="{option_id}">'
                f"{html.escape(str(label))}</label>"
            )
        return SafeString("".join(parts))  # every value and label escaped above


class RadioButtons(ChoiceButtonsMixin, forms.RadioSelect):
    pass


class CheckboxButtons(ChoiceButtonsMixin, forms.CheckboxSelectMultiple):
    pass


class ValueOptions(BaseChoiceIterator):
    """A select's options read once, as plain values, from a queryset's ``pk`` and ``label``
    columns (no model instance per option, and no re-reading when iterated again)."""

    def __init__(self, queryset, label: str, empty_label):
        self.queryset, self.label, self.empty_label = queryset, label, empty_label

    @functools.cached_property
    def options(self) -> list[tuple]:
        return [("", self.empty_label), *self.queryset.values_list("pk", self.label)]

    def __iter__(self):
        return iter(self.options)


class PlainBoundField(BoundField):
    """Bootstrap's classes on a bare text, number, date or select widget ("is-invalid" too,
    with an error; Django links the help text and the error by aria-describedby), so that
    ``workplaces/includes/field.html`` draws the field without crispy's templates. Choice
    buttons and checkboxes keep their own classes."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, forms.Select):
            css = "form-select"
        elif isinstance(widget, Input | forms.Textarea) and not isinstance(
            widget, forms.CheckboxInput
        ):
            css = "form-control"
        else:
            return attrs
        classes = [*widget.attrs.get("class", "").split(), css]
        if self.errors:
            classes.append("is-invalid")
        attrs["class"] = " ".join(dict.fromkeys(classes))
        return attrs


class FilterForm(forms.Form):
    """A list page's filters, drawn as plain markup; their selects are ``QuickSelect``."""

    bound_field_class = PlainBoundField

    def offer(self, name: str, queryset, *, label: str) -> None:
        """Let the model choice field ``name`` accept the rows of ``queryset``, and list them
        by their ``label`` column (see ``ValueOptions``)."""
        field = self.fields[name]
        field.queryset = queryset
        field.widget.choices = ValueOptions(queryset, label, field.empty_label)


# Organisations and workplaces -------------------------------------------------------------


class OrganisationForm(PrivacyGuardedFormMixin, forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("Name"), max_length=200)
    principal = forms.ChoiceField(label=_("Principal"), choices=Principal.choices)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Create organisation")))


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.region})"


class UnitManagerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name or obj.email} ({obj.email})" if obj.full_name else obj.email


class WorkplaceForm(PrivacyGuardedFormMixin, forms.Form):
    # The unit's contact person is staff: their work e-mail and phone belong here.
    identifying_fields_allowed = ("contact_email", "contact_phone")
    person_name_fields = ("contact_name",)

    organisation = OrganisationChoiceField(label=_("Organisation"), queryset=None)
    name = forms.CharField(label=_("Name of the unit"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=WorkplaceType.choices)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=150, required=False)
    contact_email = forms.EmailField(label=_("Contact person's e-mail"), required=False)
    contact_phone = forms.CharField(
        label=_("Contact person's phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    managers = UnitManagerChoiceField(
        label=_("Unit managers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People who hold the unit-manager role in the organisation's region."),
    )

    def __init__(self, *args, organisations, managers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["managers"].queryset = managers
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Register workplace")))

    def clean(self):
        cleaned = super().clean()
        organisation, managers = cleaned.get("organisation"), cleaned.get("managers")
        if organisation and managers:
            in_region = set(
                Membership.objects.filter(
                    user__in=managers, role=Role.UNIT_MANAGER, region_id=organisation.region_id
                ).values_list("user_id", flat=True)
            )
            elsewhere = [str(m) for m in managers if m.pk not in in_region]
            if elsewhere:
                self.add_error(
                    "managers",
                    _("%(names)s is not a unit manager in %(region)s.")
                    % {"names": ", ".join(elsewhere), "region": organisation.region},
                )
        return cleaned


# Readiness --------------------------------------------------------------------------------


class ReadinessForm(PrivacyGuardedFormMixin, forms.Form):
    """Confirming one readiness item; the fields depend on the item."""

    person_name_fields = ("contact_name",)

    confirmed_on = forms.DateField(
        label=_("Date confirmed"), widget=_date_input(), validators=[_not_in_future]
    )
    fte = forms.DecimalField(
        label=_("Posts (FTE)"),
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0.1"),
        help_text=_("For example 1 for one full-time post, 0.5 for half time."),
    )
    period_start = forms.DateField(label=_("Budget from"), widget=_date_input())
    period_end = forms.DateField(label=_("Budget until"), widget=_date_input())
    contact_name = forms.CharField(
        label=_("Contact in the user movement"),
        max_length=200,
        help_text=_("The name of the person or the association."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    FIELDS_BY_ITEM = {
        ReadinessItem.BUDGET: ["fte", "period_start", "period_end"],
        ReadinessItem.ANCHORING: [],
        ReadinessItem.USER_MOVEMENT_CONTACT: ["contact_name"],
    }

    def __init__(self, *args, item: str, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = {"confirmed_on", "note", *self.FIELDS_BY_ITEM[item]}
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Confirm")))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The budget period must end after it starts."))
        return cleaned


class StaffTrainingForm(forms.Form):
    """A training held (with the staff who attended) or planned (a date to come, no staff
    count yet)."""

    held_on = forms.DateField(label=_("Date"), widget=_date_input())
    staff_count = forms.IntegerField(
        label=_("Number of staff attending"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_("Leave empty to plan a training; record who attended once it is held."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save training")))

    def clean(self):
        cleaned = super().clean()
        held_on, staff_count = cleaned.get("held_on"), cleaned.get("staff_count")
        today = timezone.localdate()
        if held_on and staff_count is not None and held_on > today:
            self.add_error(
                "held_on",
                _(
                    "Record trainings that have been held. To plan one, leave the number of "
                    "staff empty."
                ),
            )
        elif (
            held_on
            and held_on < today
            and staff_count is None
            and not self.has_error("staff_count")
        ):
            self.add_error("staff_count", _("Give the number of staff who attended the training."))
        return cleaned


class StaffTrainingAttendanceForm(forms.Form):
    staff_count = forms.IntegerField(
        label=_("Number of staff attending"), min_value=1, max_value=1000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Record as held")))


class TraineeOrderForm(PrivacyGuardedFormMixin, forms.Form):
    posts = forms.IntegerField(
        label=_("Peer supporters wanted"), min_value=1, max_value=50, initial=1
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Order trainees")))


class AggregatesExportForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=None, required=False, empty_label=_("All my regions")
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class WorkplaceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=None, required=False, empty_label=_("All regions")
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *WorkplaceType.choices]
    )
    readiness = forms.ChoiceField(
        label=_("Readiness"),
        required=False,
        choices=[("", _("All")), ("ready", _("Ready")), ("not_ready", _("Not ready"))],
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


# Placements and follow-up reviews ---------------------------------------------------------


class PlacementFilterForm(FilterForm):
    q = forms.CharField(label=_("Search by name"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *PlacementStatus.choices],
        widget=QuickSelect,
    )
    workplace = forms.ModelChoiceField(
        label=_("Workplace"),
        required=False,
        queryset=None,
        empty_label=_("All workplaces"),
        widget=QuickSelect,
    )

    def __init__(self, *args, workplaces, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer("workplace", workplaces, label="name")


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


class PlacementEndForm(PrivacyGuardedFormMixin, forms.Form):
    reason_category = forms.ChoiceField(
        label=_("Kind of reason"),
        choices=[("", _("Choose…")), *PlacementEndReason.choices],
        error_messages={"required": _("Choose the kind of reason for ending the placement.")},
        help_text=_("Counted in the evaluation report, unlike the reason written below."),
    )
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


class ReviewForm(PrivacyGuardedFormMixin, forms.Form):
    # The unit may write about what happened with service users: no names there.
    name_warning_fields = ("support_needs", "comments")

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


# Support sessions -------------------------------------------------------------------------

QUICK_MINUTES = (15, 30, 45, 60, 90)


class PlacementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.workplace.name


class SupportSessionForm(PrivacyGuardedFormMixin, forms.Form):
    """A support session as the peer supporter logs it, built to take under a minute on a
    phone: the length is one tap on a common value (or typed), the kind one tap."""

    name_warning_fields = ("service_user_code", "reflection")
    bound_field_class = PlainBoundField

    date = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    minutes = forms.TypedChoiceField(
        label=_("Length"),
        choices=[(m, format_lazy("{} {}", m, _("min"))) for m in QUICK_MINUTES],
        coerce=int,
        empty_value=None,
        required=False,
        widget=RadioButtons(attrs={"class": "btn-check"}),
    )
    other_minutes = forms.IntegerField(
        label=_("Other length, in minutes"),
        required=False,
        min_value=1,
        max_value=720,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind of support"),
        choices=SessionKind.choices,
        widget=RadioButtons(attrs={"class": "btn-check"}),
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        choices=Theme.choices,
        required=False,
        widget=CheckboxButtons(attrs={"class": "btn-check"}),
    )
    participant_count = forms.IntegerField(
        label=_("Number of participants"),
        required=False,
        min_value=2,
        max_value=500,
        help_text=_("For group activities and study circles."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    service_user_code = forms.CharField(
        label=_("Pseudonymous code"),
        required=False,
        max_length=20,
        help_text=_("Optional. A code you choose to count unique people – never a name."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    reflection = forms.CharField(
        label=_("Reflection"),
        required=False,
        max_length=4000,
        help_text=_(
            "Optional. Your own notes on the session. Never write anything that could "
            "identify the person."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    # Read by static/js/session-form.js, which shows the participant count only for these.
    group_kinds = " ".join(sorted(GROUP_KINDS))

    def __init__(self, *args, session=None, **kwargs):
        if session is not None:
            kwargs.setdefault("initial", self._initial_from(session))
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()

    @staticmethod
    def _initial_from(session) -> dict:
        quick = session.minutes in QUICK_MINUTES
        return {
            "date": session.date,
            "minutes": session.minutes if quick else None,
            "other_minutes": None if quick else session.minutes,
            "kind": session.kind,
            "themes": session.themes,
            "participant_count": session.participant_count if session.kind in GROUP_KINDS else None,
            "service_user_code": session.service_user_code,
            "reflection": session.reflection,
        }

    def clean(self):
        data = super().clean()
        # A typed length is more specific than a tapped one.
        minutes = data.get("other_minutes") or data.get("minutes")
        if minutes is None and not {"minutes", "other_minutes"} & self.errors.keys():
            self.add_error("minutes", _("Choose or type how long the session was."))
        data["minutes"] = minutes
        if data.get("kind") in GROUP_KINDS:
            if not data.get("participant_count") and "participant_count" not in self.errors:
                self.add_error(
                    "participant_count", _("Give the number of participants in the group.")
                )
        else:
            data["participant_count"] = 1
        return data

    def session_fields(self) -> dict:
        """The cleaned values, as the session actions take them."""
        data = self.cleaned_data
        return {
            "date": data["date"],
            "minutes": data["minutes"],
            "kind": data["kind"],
            "themes": data["themes"],
            "participant_count": data["participant_count"],
            "service_user_code": data["service_user_code"],
            "reflection": data["reflection"],
        }


class SupportSessionCreateForm(SupportSessionForm):
    """Logging a new session: in which placement, preselected and hidden when there is
    only one."""

    placement = PlacementChoiceField(
        label=_("Workplace"),
        queryset=None,
        empty_label=None,
        widget=RadioButtons(attrs={"class": "btn-check"}),
    )

    field_order = ["placement"]

    def __init__(self, *args, placements, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["placement"]
        field.queryset = placements
        if len(placements) == 1:
            field.initial = placements[0].pk
            field.widget = forms.HiddenInput()

    def session_fields(self) -> dict:
        return {"placement": self.cleaned_data["placement"], **super().session_fields()}


class SupportSessionFilterForm(FilterForm):
    workplace = forms.ModelChoiceField(
        label=_("Workplace"),
        required=False,
        queryset=None,
        empty_label=_("All workplaces"),
        widget=QuickSelect,
    )
    peer_supporter = forms.ModelChoiceField(
        label=_("Peer supporter"),
        required=False,
        queryset=None,
        empty_label=_("All peer supporters"),
        widget=QuickSelect,
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *SessionKind.choices],
        widget=QuickSelect,
    )
    theme = forms.ChoiceField(
        label=_("Theme"),
        required=False,
        choices=[("", _("All themes")), *Theme.choices],
        widget=QuickSelect,
    )
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args, workplaces, peer_supporters, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer("workplace", workplaces, label="name")
        self.offer("peer_supporter", peer_supporters.order_by("full_name"), label="full_name")


# Upkeep -----------------------------------------------------------------------------------


class OrganisationEditForm(PrivacyGuardedFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    principal = forms.ChoiceField(label=_("Principal"), choices=Principal.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save changes")))


class WorkplaceEditForm(WorkplaceForm):
    """The registration form's fields; the organisations offered are the workplace's
    region's, since its region cannot change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["managers"].help_text = _(
            "People who hold the unit-manager role in the region. Untick someone to remove "
            "them as a manager of this workplace."
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save changes")))


class ReadinessWithdrawForm(PrivacyGuardedFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the funding was withdrawn in the new budget."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Withdraw confirmation"), css_class="btn-danger"))


class PlacementEditForm(forms.Form):
    """A placement's hours, dates and tasks, as its proposal holds them."""

    hours_per_week = PlacementForm.base_fields["hours_per_week"]
    start_date = PlacementForm.base_fields["start_date"]
    end_date = PlacementForm.base_fields["end_date"]
    tasks = PlacementForm.base_fields["tasks"]

    def __init__(self, *args, placement, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "hours_per_week": placement.hours_per_week,
                "start_date": placement.start_date,
                "end_date": placement.end_date,
                "tasks": placement.tasks,
            },
        )
        super().__init__(*args, **kwargs)
        if placement.status == PlacementStatus.ACTIVE:
            self.fields["start_date"].disabled = True
            self.fields["start_date"].help_text = _(
                "An active placement keeps its start date; its follow-ups count from it."
            )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save changes")))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The placement must end after it starts."))
        return cleaned


# Incidents (avvikelser) ----------------------------------------------------------------------


class IncidentForm(PrivacyGuardedFormMixin, forms.Form):
    """An incident or a risk as a peer supporter, supervisor or unit manager reports it.
    What happened may concern a service user: never their name or details."""

    name_warning_fields = ("description", "actions_taken")

    occurred_on = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=_date_input(),
        validators=[_not_in_future],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=IncidentKind.choices, widget=forms.RadioSelect
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=None,
        required=False,
        help_text=_("Where it happened, when no workplace is chosen."),
    )
    workplace = forms.ModelChoiceField(
        label=_("Workplace"), queryset=None, required=False, empty_label=_("No workplace")
    )
    description = forms.CharField(
        label=_("What happened"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Describe what happened or what the risk is. Never name a service user."),
    )
    actions_taken = forms.CharField(
        label=_("Actions taken"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you or others have already done about it."),
    )
    shared_with_managers = forms.BooleanField(
        label=_("Let the workplace's unit managers read this report"),
        required=False,
        help_text=_("Only you and the region's coordinators read it otherwise."),
    )

    def __init__(self, *args, workplaces, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workplace"].queryset = workplaces
        self.fields["region"].queryset = regions
        if len(regions) == 1:
            self.fields["region"].initial = regions[0].pk
            self.fields["region"].widget = forms.HiddenInput()
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Send report")))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("shared_with_managers") and not cleaned.get("workplace"):
            self.add_error(
                "shared_with_managers",
                _("Choose the workplace whose unit managers should see it."),
            )
        if not cleaned.get("workplace") and not cleaned.get("region") and "region" in cleaned:
            self.add_error("region", _("Choose the region where it happened."))
        return cleaned


class IncidentFollowUpForm(PrivacyGuardedFormMixin, forms.Form):
    """A coordinator's follow-up note, and whether the incident stays open or is closed."""

    name_warning_fields = ("note",)

    note = forms.CharField(
        label=_("Follow-up note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done or decided. Never name a service user."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (IncidentStatus.FOLLOWING_UP, IncidentStatus.FOLLOWING_UP.label),
            (IncidentStatus.CLOSED, IncidentStatus.CLOSED.label),
        ],
        initial=IncidentStatus.FOLLOWING_UP,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.add_input(Submit("submit", _("Save follow-up")))
