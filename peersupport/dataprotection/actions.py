"""Every change to consents: publishing a text version, recording and withdrawing a consent.

The audit log gets the purpose, the text version and how consent was given or withdrawn,
never the text itself.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.accounts.models import User
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.extracts.actions import forget_files
from peersupport.extracts.models import Extract

from .models import Consent, ConsentMethod, ConsentText
from .permissions import can_manage_consent, is_admin
from .registry import DataSubject, registry


def _require_purpose(purpose: str) -> None:
    if purpose not in registry.consent_purposes:
        raise ValidationError(_("No consent purpose is called %(purpose)s.") % {"purpose": purpose})


@transaction.atomic
def publish_consent_text(*, actor: User, purpose: str, text_sv: str, text_en: str) -> ConsentText:
    """Publish the next version of a purpose's consent text. Earlier versions stay as they
    were: consents already given keep pointing at the words the person was shown."""
    if not is_admin(actor):
        raise ValidationError(_("Only an admin can publish a consent text."))
    _require_purpose(purpose)
    if not text_sv.strip() or not text_en.strip():
        raise ValidationError(_("Write the consent text in both Swedish and English."))
    latest = (
        ConsentText.objects.select_for_update()
        .filter(purpose=purpose)
        .aggregate(latest=Max("version"))["latest"]
    )
    text = ConsentText.objects.create(
        purpose=purpose,
        version=(latest or 0) + 1,
        text_sv=text_sv.strip(),
        text_en=text_en.strip(),
    )
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=text,
        detail={"purpose": purpose, "version": text.version},
    )
    return text


def current_text(purpose: str) -> ConsentText:
    text = ConsentText.objects.current(purpose)
    if text is None:
        raise ValidationError(
            _("No consent text is published for this purpose yet; ask an admin to publish one.")
        )
    return text


def valid_consent(subject: DataSubject, purpose: str) -> Consent | None:
    return Consent.objects.of_subject(subject).valid().filter(purpose=purpose).first()


@transaction.atomic
def record_consent(
    *,
    actor: User | None,
    subject: DataSubject,
    purpose: str,
    method: str,
    given_on: dt.date | None = None,
    text_version: int | None = None,
    request: HttpRequest | None = None,
) -> Consent:
    """Record that ``subject`` consented to ``purpose`` after being shown the current text.

    ``text_version`` is the version the form showed; if a newer one was published since,
    the person has not seen the text in force, so nothing is recorded.

    ``actor`` is None when the person, without an account, consents themselves on a public
    form (the recruitment interest form): only digitally, as they are the one who ticks it.
    """
    _require_purpose(purpose)
    if actor is None:
        if method != ConsentMethod.DIGITAL:
            raise ValidationError(
                {"method": _("A person without an account consents only digitally, themselves.")}
            )
    elif not can_manage_consent(actor, subject):
        raise ValidationError(
            _("You can record consents only for people in regions you coordinate.")
        )
    if method not in ConsentMethod.values or method == ConsentMethod.BEFORE_SYSTEM:
        raise ValidationError({"method": _("Say how the person gave their consent.")})
    if method == ConsentMethod.DIGITAL and actor is not None and subject.user_id != actor.pk:
        raise ValidationError(
            {"method": _("Only the person themselves gives consent digitally in the app.")}
        )
    text = current_text(purpose)
    if text_version is not None and text_version != text.version:
        raise ValidationError(
            _(
                "The consent text has changed (now version %(version)s). Show the person the "
                "new text before recording their consent."
            )
            % {"version": text.version}
        )
    today = timezone.localdate()
    given_on = given_on or today
    if given_on > today:
        raise ValidationError({"given_on": _("Consent cannot be given in the future.")})
    # Lock the person's consents, so two coordinators recording at once make one record.
    list(Consent.objects.of_subject(subject).select_for_update())
    if valid_consent(subject, purpose) is not None:
        raise ValidationError(
            _("%(name)s has already given this consent.") % {"name": subject.name}
        )
    consent = Consent.objects.create(
        subject_kind=subject.kind,
        subject_pk=subject.pk,
        region_id=subject.region_id,
        purpose=purpose,
        text=text,
        given_on=given_on,
        method=method,
        recorded_by=actor,
    )
    record_event(
        actor=actor,
        action=AuditAction.CONSENT,
        obj=consent,
        subject=subject,
        request=request,
        detail={
            "event": "given",
            "subject": subject.key,
            "purpose": purpose,
            "version": text.version,
            "method": method,
        },
    )
    return consent


@transaction.atomic
def withdraw_consent(
    *, actor: User, consent: Consent, method: str, request: HttpRequest | None = None
) -> Consent:
    """Withdraw a consent and act on it: the purpose's app removes or hides what depended
    on it and writes the person's history, in the same transaction."""
    consent = Consent.objects.select_for_update().select_related("text").get(pk=consent.pk)
    subject = consent.data_subject()
    if subject is None or not can_manage_consent(actor, subject):
        raise ValidationError(
            _("You can withdraw consents only for people in regions you coordinate.")
        )
    if not consent.is_valid:
        raise ValidationError(_("This consent is already withdrawn."))
    if method not in ConsentMethod.values or method == ConsentMethod.BEFORE_SYSTEM:
        raise ValidationError({"method": _("Say how the person withdrew their consent.")})
    if method == ConsentMethod.DIGITAL and subject.user_id != actor.pk:
        raise ValidationError(
            {"method": _("Only the person themselves withdraws consent digitally in the app.")}
        )
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.withdrawal_method = method
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_method"])
    registry.consent_purposes[consent.purpose].on_withdraw(subject, actor)
    # A register extract written before now is a copy of what depended on the consent.
    extracts_forgotten = forget_files(Extract.objects.of_subject(subject))
    record_event(
        actor=actor,
        action=AuditAction.CONSENT,
        obj=consent,
        subject=subject,
        request=request,
        detail={
            "event": "withdrawn",
            "subject": subject.key,
            "purpose": consent.purpose,
            "version": consent.text.version,
            "method": method,
            "extract_files_removed": extracts_forgotten,
        },
    )
    return consent
