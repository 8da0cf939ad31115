"""Go-live import of applicants and of peer supporters certified before the system."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.dataprotection.models import ConsentMethod
from peersupport.forms import PrivacyGuardedFormMixin
from peersupport.golive.registry import Column, Importer, Outcome, RowResult, register_importer
from peersupport.golive.rows import ChoiceColumn, DateColumn, add_action_errors, validate_row

from . import actions
from .models import Participant, ParticipantStatus

# The path a peer supporter trained before the system walked, step by step.
PATH_TO_CERTIFIED = (
    ParticipantStatus.INTERVIEWED,
    ParticipantStatus.ACCEPTED,
    ParticipantStatus.TRAINEE,
    ParticipantStatus.CERTIFIED,
)
IMPORTABLE_STATUSES = [
    (ParticipantStatus.CERTIFIED.value, ParticipantStatus.CERTIFIED.label),
    (ParticipantStatus.ALUMNI.value, ParticipantStatus.ALUMNI.label),
]
ACTION_FIELDS = {
    "full_name": "full_name",
    "email": "email",
    "phone": "phone",
    "lived_experience_declared": "consent_on_paper",
    "consent_method": "consent_on_paper",
    "consent_given_on": "consent_on_paper",
}
CONSENT_RULE = gettext_lazy(
    "Every person imported declares own lived experience, which is health data: it is kept only "
    "with their consent. Import only people who signed the consent on paper, and give its date "
    "in the column consent_on_paper; a row without it is refused. The consent is recorded as "
    "given on paper on that date, to the consent text in force now."
)


class PersonRow(PrivacyGuardedFormMixin, forms.Form):
    identifying_fields_allowed = ("email", "phone")
    person_name_fields = ("full_name",)

    full_name = forms.CharField(max_length=150)
    email = forms.EmailField(max_length=254)
    phone = forms.CharField(max_length=30, required=False)
    language = ChoiceColumn(choices=settings.LANGUAGES, required=False)
    applied_on = DateColumn(required=False)
    consent_on_paper = DateColumn(
        error_messages={
            "required": gettext_lazy(
                "Give the date the person signed the consent on paper; without it the "
                "lived-experience declaration cannot be kept."
            )
        }
    )

    def clean_consent_on_paper(self) -> dt.date:
        given_on = self.cleaned_data["consent_on_paper"]
        if given_on > timezone.localdate():
            raise ValidationError(_("Consent cannot be given in the future."))
        return given_on


class PeerSupporterRow(PersonRow):
    status = ChoiceColumn(choices=IMPORTABLE_STATUSES)


def _person_preview(row_form: type[forms.Form]):
    def preview(actor, region, rows: list[RowResult]) -> None:
        first_row_of: dict[str, int] = {}
        for row in rows:
            if not validate_row(row, row_form):
                continue
            email = row.cleaned["email"].strip().lower()
            row.cleaned["email"] = email
            if email in first_row_of:
                row.add_error(
                    "email",
                    _("This e-mail address is also on row %(row)s.") % {"row": first_row_of[email]},
                )
            first_row_of.setdefault(email, row.number)
        existing = {
            participant.email_lower: participant
            for participant in Participant.objects.filter(region=region)
            .annotate(email_lower=Lower("email"))
            .filter(email_lower__in=list(first_row_of))
        }
        for row in rows:
            if row.has_error:
                continue
            row.cleaned["language"] = row.cleaned["language"] or "sv"
            participant = existing.get(row.cleaned["email"])
            if participant is None:
                row.outcome = Outcome.NEW
                continue
            row.existing = participant
            row.changes = [
                str(Participant._meta.get_field(name).verbose_name)
                for name in ("full_name", "phone", "language")
                if getattr(participant, name) != row.cleaned[name].strip()
            ]
            row.outcome = Outcome.UPDATED if row.changes else Outcome.UNCHANGED

    return preview


def _apply_person(actor, region, row: RowResult) -> None:
    values = row.cleaned
    try:
        if row.existing is not None:
            actions.update_participant(
                actor=actor,
                participant=row.existing,
                full_name=values["full_name"],
                email=row.existing.email,
                phone=values["phone"],
                language=values["language"],
                applied_on=row.existing.applied_on,
            )
            return
        participant = actions.register_applicant(
            actor=actor,
            region=region,
            full_name=values["full_name"],
            email=values["email"],
            phone=values["phone"],
            language=values["language"],
            lived_experience_declared=True,
            consent_method=ConsentMethod.PAPER,
            consent_given_on=values["consent_on_paper"],
            applied_on=values["applied_on"],
        )
        record_event(
            actor=actor, action=AuditAction.CREATE, obj=participant, detail={"import": True}
        )
        if values.get("status"):
            reason = _("Imported at go-live")
            path = list(PATH_TO_CERTIFIED)
            if values["status"] == ParticipantStatus.ALUMNI:
                path.append(ParticipantStatus.ALUMNI)
            for step in path:
                actions.change_status(
                    actor=actor, participant=participant, to_status=step, reason=reason
                )
    except ValidationError as error:
        add_action_errors(row, error, ACTION_FIELDS)
        raise


def _person_columns(*, with_status: bool) -> tuple[Column, ...]:
    columns = [
        Column(
            "full_name",
            gettext_lazy("Name"),
            gettext_lazy("First and last name."),
            "Anna Lind",
            True,
        ),
        Column(
            "email",
            gettext_lazy("E-mail address"),
            gettext_lazy(
                "The person's own; it tells people apart, so importing again changes no one twice."
            ),
            "anna.lind@example.org",
            True,
        ),
        Column("phone", gettext_lazy("Phone"), gettext_lazy("Optional."), "070-123 45 67"),
        Column(
            "language",
            gettext_lazy("Preferred language"),
            gettext_lazy("sv or en; empty is sv."),
            "sv",
        ),
        Column(
            "applied_on",
            gettext_lazy("Applied on"),
            gettext_lazy("A date (2026-01-31); empty is today."),
            "",
        ),
    ]
    if with_status:
        columns.append(
            Column(
                "status",
                gettext_lazy("Status"),
                gettext_lazy("certified or alumni."),
                ParticipantStatus.CERTIFIED.value,
                True,
            )
        )
    columns.append(
        Column(
            "consent_on_paper",
            gettext_lazy("Consent given on paper (date)"),
            gettext_lazy(
                "The date the person signed the consent to keeping their declaration of own "
                "lived experience."
            ),
            dt.date(2026, 1, 15),
            True,
        )
    )
    return tuple(columns)


register_importer(
    Importer(
        kind="applicants",
        title=gettext_lazy("Applicants"),
        description=gettext_lazy(
            "People who have applied to the course. New people are registered as applicants; "
            "a person already registered (same e-mail address) gets the file's name, phone "
            "and language and keeps their status."
        ),
        columns=_person_columns(with_status=False),
        preview=_person_preview(PersonRow),
        apply=_apply_person,
        notice=CONSENT_RULE,
        order=10,
    )
)
register_importer(
    Importer(
        kind="peer_supporters",
        title=gettext_lazy("Peer supporters"),
        description=gettext_lazy(
            "People who completed the course before the system: they are registered and "
            "their path is recorded up to certified (or alumni). A person already registered "
            "(same e-mail address) gets the file's name, phone and language and keeps their "
            "status."
        ),
        columns=_person_columns(with_status=True),
        preview=_person_preview(PeerSupporterRow),
        apply=_apply_person,
        notice=CONSENT_RULE,
        order=20,
    )
)
