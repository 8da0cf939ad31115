"""Go-live import of organisations with their workplaces, and of placements."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Sum
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.forms import PrivacyGuardedFormMixin
from peersupport.golive.registry import Column, Importer, Outcome, RowResult, register_importer
from peersupport.golive.rows import ChoiceColumn, DateColumn, add_action_errors, validate_row
from programmes.models import Participant, ParticipantStatus

from . import actions
from .models import (
    FULL_TIME_HOURS,
    Employer,
    Organisation,
    Placement,
    PlacementStatus,
    Principal,
    Task,
    Workplace,
    WorkplaceType,
)

COMPARED_FIELDS = ("type", "address", "contact_name", "contact_email", "contact_phone")


class WorkplaceRow(PrivacyGuardedFormMixin, forms.Form):
    # The unit's contact person is staff: their work e-mail and phone belong here.
    identifying_fields_allowed = ("contact_email", "contact_phone")
    person_name_fields = ("contact_name",)

    organisation = forms.CharField(max_length=200)
    principal = ChoiceColumn(choices=Principal.choices)
    workplace = forms.CharField(max_length=200)
    type = ChoiceColumn(choices=WorkplaceType.choices)
    address = forms.CharField(max_length=300, required=False)
    contact_name = forms.CharField(max_length=150, required=False)
    contact_email = forms.EmailField(required=False)
    contact_phone = forms.CharField(max_length=30, required=False)


def _key(organisation: str, workplace: str) -> tuple[str, str]:
    return organisation.strip().casefold(), workplace.strip().casefold()


def preview_workplaces(actor, region, rows: list[RowResult]) -> None:
    first_row_of: dict[tuple[str, str], int] = {}
    for row in rows:
        if not validate_row(row, WorkplaceRow):
            continue
        key = _key(row.cleaned["organisation"], row.cleaned["workplace"])
        if key in first_row_of:
            row.add_error(
                "workplace",
                _("This workplace is also on row %(row)s.") % {"row": first_row_of[key]},
            )
        first_row_of.setdefault(key, row.number)
    organisations = {
        organisation.name.casefold(): organisation
        for organisation in Organisation.objects.filter(region=region)
    }
    workplaces = {
        _key(workplace.organisation.name, workplace.name): workplace
        for workplace in Workplace.objects.filter(region=region).select_related("organisation")
    }
    for row in rows:
        if row.has_error:
            continue
        organisation = organisations.get(row.cleaned["organisation"].strip().casefold())
        if organisation is not None and organisation.principal != row.cleaned["principal"]:
            row.add_error(
                "principal",
                _("%(organisation)s is already registered with the principal %(principal)s.")
                % {
                    "organisation": organisation.name,
                    "principal": Principal(organisation.principal).label,
                },
            )
            continue
        workplace = workplaces.get(_key(row.cleaned["organisation"], row.cleaned["workplace"]))
        if workplace is None:
            row.outcome = Outcome.NEW
            continue
        row.existing = workplace
        row.outcome = Outcome.UNCHANGED
        differing = [
            str(Workplace._meta.get_field(name).verbose_name)
            for name in COMPARED_FIELDS
            if getattr(workplace, name) != row.cleaned[name].strip()
        ]
        if differing:
            # An existing workplace is corrected on its own page, where its managers and
            # readiness are in view; the import only says what differs.
            row.changes = [
                _(
                    "Not changed, though the file differs in: %(fields)s. Correct it on the "
                    "workplace's page."
                )
                % {"fields": ", ".join(differing)}
            ]


def apply_workplace(actor, region, row: RowResult) -> None:
    values = row.cleaned
    try:
        organisation = actions.create_organisation(
            actor=actor,
            region=region,
            name=values["organisation"],
            principal=values["principal"],
        )
        workplace = actions.create_workplace(
            actor=actor,
            organisation=organisation,
            name=values["workplace"],
            type=values["type"],
            address=values["address"],
            contact_name=values["contact_name"],
            contact_email=values["contact_email"],
            contact_phone=values["contact_phone"],
        )
    except ValidationError as error:
        add_action_errors(row, error, {"name": "workplace"})
        raise
    record_event(actor=actor, action=AuditAction.CREATE, obj=workplace, detail={"import": True})


register_importer(
    Importer(
        kind="workplaces",
        title=gettext_lazy("Workplaces"),
        description=gettext_lazy(
            "Units where peer supporters work, each under its organisation (made when new). "
            "A workplace is known by its organisation and name; one already registered is "
            "left as it is. Readiness and unit managers are recorded on the workplace's page."
        ),
        columns=(
            Column(
                "organisation",
                gettext_lazy("Organisation"),
                gettext_lazy("The principal organisation, e.g. the region's psychiatry."),
                "Psykiatri Nordväst",
                True,
            ),
            Column(
                "principal",
                gettext_lazy("Principal"),
                gettext_lazy("region, municipality, user_association or other."),
                Principal.REGION.value,
                True,
            ),
            Column(
                "workplace",
                gettext_lazy("Name of the unit"),
                gettext_lazy("Unique within its organisation."),
                "Öppenvården Solna",
                True,
            ),
            Column(
                "type",
                gettext_lazy("Type"),
                gettext_lazy(
                    "inpatient, outpatient, social_psychiatry, rehabilitation, act_team, "
                    "housing_first, meeting_place or other."
                ),
                WorkplaceType.OUTPATIENT.value,
                True,
            ),
            Column("address", gettext_lazy("Address"), gettext_lazy("Optional."), "Storgatan 1"),
            Column(
                "contact_name",
                gettext_lazy("Contact person"),
                gettext_lazy("A member of staff; optional."),
                "Karin Ek",
            ),
            Column(
                "contact_email",
                gettext_lazy("Contact person's e-mail"),
                gettext_lazy("Work e-mail; optional."),
                "karin.ek@example.org",
            ),
            Column(
                "contact_phone",
                gettext_lazy("Contact person's phone"),
                gettext_lazy("Work phone; optional."),
                "08-123 456",
            ),
        ),
        preview=preview_workplaces,
        apply=apply_workplace,
        order=30,
    )
)


# Placements -------------------------------------------------------------------------------


class PlacementRow(forms.Form):
    email = forms.EmailField(max_length=254)
    organisation = forms.CharField(max_length=200)
    workplace = forms.CharField(max_length=200)
    start_date = DateColumn()
    end_date = DateColumn(required=False)
    hours_per_week = forms.DecimalField(
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(FULL_TIME_HOURS)],
    )
    employer = ChoiceColumn(choices=Employer.choices)
    tasks = forms.CharField(required=False)

    def clean_tasks(self) -> list[str]:
        task_column = ChoiceColumn(choices=Task.choices)
        tasks = []
        for text in filter(None, (t.strip() for t in self.cleaned_data["tasks"].split(","))):
            task = task_column.to_python(text)
            if task not in Task.values:
                raise ValidationError(_("Unknown task: %(task)s.") % {"task": text})
            tasks.append(task)
        return tasks

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The placement must end after it starts."))
        return cleaned


def _placement_rows_valid(rows: list[RowResult]) -> None:
    for row in rows:
        if validate_row(row, PlacementRow):
            row.cleaned["email"] = row.cleaned["email"].strip().lower()


def preview_placements(actor, region, rows: list[RowResult]) -> None:
    _placement_rows_valid(rows)
    valid = [row for row in rows if not row.has_error]
    people = {
        participant.email_lower: participant
        for participant in Participant.objects.filter(region=region)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in={row.cleaned["email"] for row in valid})
    }
    workplaces = {
        _key(workplace.organisation.name, workplace.name): workplace
        for workplace in Workplace.objects.filter(region=region)
        .select_related("organisation")
        .prefetch_related("readiness", "staff_trainings")
    }
    placements = {
        (p.participant_id, p.workplace_id, p.start_date): p
        for p in Placement.objects.filter(participant__in=people.values())
    }
    committed = defaultdict(
        Decimal,
        Placement.objects.filter(
            participant__in=people.values(),
            status__in=[PlacementStatus.AGREED, PlacementStatus.ACTIVE],
        )
        .values("participant")
        .annotate(hours=Sum("hours_per_week"))
        .values_list("participant", "hours"),
    )
    ready = {}
    seen: dict[tuple, int] = {}
    for row in valid:
        values = row.cleaned
        participant = people.get(values["email"])
        if participant is None:
            row.add_error(
                "email",
                _("No one in %(region)s has this e-mail address; import them first.")
                % {"region": region},
            )
            continue
        workplace = workplaces.get(_key(values["organisation"], values["workplace"]))
        if workplace is None:
            row.add_error(
                "workplace",
                _("No such workplace of this organisation in %(region)s; import it first.")
                % {"region": region},
            )
            continue
        key = (participant.pk, workplace.pk, values["start_date"])
        if key in seen:
            row.add_error(
                "start_date",
                _("This placement is also on row %(row)s.") % {"row": seen[key]},
            )
            continue
        seen[key] = row.number
        row.cleaned.update(participant=participant, workplace=workplace)
        existing = placements.get(key)
        if existing is not None:
            row.existing = existing
            row.outcome = Outcome.UNCHANGED
            if (
                existing.hours_per_week != values["hours_per_week"]
                or existing.end_date != values["end_date"]
                or existing.employer != values["employer"]
                or list(existing.tasks) != values["tasks"]
            ):
                row.changes = [
                    _("Not changed, though the file differs: correct it on the placement's page.")
                ]
            continue
        if participant.status not in actions.PLACEABLE_STATUSES:
            row.add_error(
                "email",
                _("Only certified peer supporters can be placed; %(name)s is %(status)s.")
                % {
                    "name": participant.full_name,
                    "status": ParticipantStatus(participant.status).label.lower(),
                },
            )
            continue
        if workplace.pk not in ready:
            ready[workplace.pk] = actions.readiness_missing(workplace)
        if ready[workplace.pk]:
            row.add_error(
                "workplace",
                _("%(workplace)s is not ready: %(missing)s.")
                % {"workplace": workplace.name, "missing": ", ".join(ready[workplace.pk])},
            )
            continue
        committed[participant.pk] += values["hours_per_week"]
        if committed[participant.pk] > FULL_TIME_HOURS:
            row.add_error(
                "hours_per_week",
                _("With this placement %(name)s would work more than full time (%(full)s hours).")
                % {"name": participant.full_name, "full": FULL_TIME_HOURS},
            )
            continue
        row.outcome = Outcome.NEW


def apply_placement(actor, region, row: RowResult) -> None:
    values = row.cleaned
    try:
        placement = actions.propose_placement(
            actor=actor,
            participant=values["participant"],
            workplace=values["workplace"],
            employer=values["employer"],
            hours_per_week=values["hours_per_week"],
            start_date=values["start_date"],
            end_date=values["end_date"],
            tasks=values["tasks"],
        )
        record_event(actor=actor, action=AuditAction.CREATE, obj=placement, detail={"import": True})
        actions.agree_placement(actor=actor, placement=placement)
    except ValidationError as error:
        add_action_errors(
            row,
            error,
            {
                "participant": "email",
                "hours_per_week": "hours_per_week",
                "end_date": "end_date",
                "tasks": "tasks",
            },
        )
        raise


register_importer(
    Importer(
        kind="placements",
        title=gettext_lazy("Placements"),
        description=gettext_lazy(
            "Peer supporters' placements at workplaces, with the rules of agreeing one by "
            "hand: the person is certified, the workplace ready, and the hours within full "
            "time. A placement is known by its person, workplace and start date; one already "
            "registered is left as it is. You agree each new placement as coordinator by "
            "importing it; the unit manager agrees in the app, and it is active from then on "
            "(or from its start date)."
        ),
        columns=(
            Column(
                "email",
                gettext_lazy("Peer supporter's e-mail address"),
                gettext_lazy("As in the peer supporters' file."),
                "anna.lind@example.org",
                True,
            ),
            Column(
                "organisation",
                gettext_lazy("Organisation"),
                gettext_lazy("As in the workplaces' file."),
                "Psykiatri Nordväst",
                True,
            ),
            Column(
                "workplace",
                gettext_lazy("Name of the unit"),
                gettext_lazy("As in the workplaces' file."),
                "Öppenvården Solna",
                True,
            ),
            Column(
                "start_date",
                gettext_lazy("Start"),
                gettext_lazy("A date (2026-01-31)."),
                "2026-02-01",
                True,
            ),
            Column("end_date", gettext_lazy("End"), gettext_lazy("A date; optional."), ""),
            Column(
                "hours_per_week",
                gettext_lazy("Hours per week"),
                gettext_lazy("1 to 40."),
                20,
                True,
            ),
            Column(
                "employer",
                gettext_lazy("Employer of record"),
                gettext_lazy("association or workplace."),
                Employer.ASSOCIATION.value,
                True,
            ),
            Column(
                "tasks",
                gettext_lazy("Agreed tasks"),
                gettext_lazy(
                    "Separated by commas: bridge_building, conversations, leisure, "
                    "accompaniment, groups, care_contact, return_to_work."
                ),
                "conversations, groups",
            ),
        ),
        preview=preview_placements,
        apply=apply_placement,
        order=40,
    )
)
