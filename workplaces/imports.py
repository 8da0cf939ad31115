"""Go-live import of organisations with their workplaces."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.forms import PrivacyGuardedFormMixin
from peersupport.golive.registry import Column, Importer, Outcome, RowResult, register_importer
from peersupport.golive.rows import ChoiceColumn, add_action_errors, validate_row

from . import actions
from .models import Organisation, Principal, Workplace, WorkplaceType

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
