"""Studies and their waves: building, information texts, opening and closing.

Researchers (and admins) build studies; every change is audit-logged. A study is drafted,
opened (which makes the invitations already due) and closed; a closed study stays closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.accounts.models import Region, Role, User
from peersupport.accounts.scoping import region_ids_for
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction

from ..documents import information_pdf_filename, render_information_pdf
from ..models import (
    ANCHORS_FOR_GROUP,
    Anchor,
    InstrumentVersion,
    Invitation,
    RespondentGroup,
    Study,
    StudyInformation,
    StudyStatus,
    Wave,
    WaveInstrument,
)
from ..permissions import can_manage_evaluation
from .invitations import make_due_invitations
from .reminders import stop_reminders_of

# What a wave's invitations were made from: fixed once the first invitation exists.
WAVE_FIELDS_FIXED_BY_INVITATIONS = (
    "group",
    "anchor",
    "offset_months",
    "offset_days",
    "window_days",
    "opens_on",
    "closes_on",
)


def _require_manager(actor: User) -> None:
    if not can_manage_evaluation(actor):
        raise ValidationError(_("Only researchers may build studies."))


def _require_not_closed(study: Study) -> None:
    if study.status == StudyStatus.CLOSED:
        raise ValidationError(_("The study is closed; it can no longer be changed."))


def _check_regions(actor: User, regions: Iterable[Region]) -> list[Region]:
    regions = list(regions)
    if actor.is_superuser:
        return regions
    own = region_ids_for(actor, Role.RESEARCHER)
    if any(region.pk not in own for region in regions):
        raise ValidationError(
            {"regions": _("Choose only regions where you hold the researcher role.")}
        )
    return regions


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the study a name.")})
    return name


@transaction.atomic
def create_study(
    *,
    actor: User,
    name: str,
    description: str = "",
    regions: Iterable[Region] = (),
    allows_free_text: bool = False,
) -> Study:
    _require_manager(actor)
    regions = _check_regions(actor, regions)
    study = Study.objects.create(
        name=_clean_name(name),
        description=description.strip(),
        allows_free_text=allows_free_text,
        created_by=actor,
    )
    study.regions.set(regions)
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=study,
        detail={"regions": [region.code for region in regions], "free_text": allows_free_text},
    )
    return study


@transaction.atomic
def update_study(
    *,
    actor: User,
    study: Study,
    name: str,
    description: str,
    regions: Iterable[Region],
    allows_free_text: bool,
) -> Study:
    _require_manager(actor)
    study = Study.objects.select_for_update().get(pk=study.pk)
    _require_not_closed(study)
    regions = _check_regions(actor, regions)
    study.name = _clean_name(name)
    study.description = description.strip()
    study.allows_free_text = allows_free_text
    study.save(update_fields=["name", "description", "allows_free_text"])
    study.regions.set(regions)
    record_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=study,
        detail={"regions": [region.code for region in regions], "free_text": allows_free_text},
    )
    return study


@transaction.atomic
def publish_information(
    *, actor: User, study: Study, text_sv: str, text_en: str
) -> StudyInformation:
    """Publish a new version of the information a respondent consents to, with its PDFs.

    Earlier versions stay as they were: each consent points at the version shown.
    """
    _require_manager(actor)
    study = Study.objects.select_for_update().get(pk=study.pk)
    _require_not_closed(study)
    errors = {}
    if not text_sv.strip():
        errors["text_sv"] = _("Write the information in Swedish.")
    if not text_en.strip():
        errors["text_en"] = _("Write the information in English.")
    if errors:
        raise ValidationError(errors)
    version = (study.information.aggregate(last=Max("version"))["last"] or 0) + 1
    information = StudyInformation(
        study=study,
        version=version,
        text_sv=text_sv.strip(),
        text_en=text_en.strip(),
        published_at=timezone.now(),
    )
    for language in ("sv", "en"):
        getattr(information, f"pdf_{language}").save(
            information_pdf_filename(information, language),
            ContentFile(render_information_pdf(information, language)),
            save=False,
        )
    information.save()
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=information,
        detail={"study": study.pk, "version": version},
    )
    return information


@transaction.atomic
def open_study(*, actor: User, study: Study) -> int:
    """Open the study and make the invitations already due; returns how many were made."""
    _require_manager(actor)
    study = Study.objects.select_for_update().get(pk=study.pk)
    if study.status == StudyStatus.OPEN:
        raise ValidationError(_("The study is already open."))
    _require_not_closed(study)
    problems = []
    ready_waves = (
        study.waves.filter(closed_at__isnull=True, instruments__published_at__isnull=False)
        .distinct()
        .exists()
    )
    if not ready_waves:
        problems.append(_("add a wave with at least one published instrument"))
    if study.information.current() is None:
        problems.append(_("publish the information text respondents consent to"))
    if problems:
        raise ValidationError(
            _("The study cannot be opened yet: %(problems)s.") % {"problems": "; ".join(problems)}
        )
    study.status = StudyStatus.OPEN
    study.save(update_fields=["status"])
    record_event(actor=actor, action=AuditAction.UPDATE, obj=study, detail={"status": "open"})
    return make_due_invitations(study=study)


@transaction.atomic
def close_study(*, actor: User, study: Study) -> Study:
    """Close the study and all its waves: no invitation, e-mail or reminder follows."""
    _require_manager(actor)
    study = Study.objects.select_for_update().get(pk=study.pk)
    _require_not_closed(study)
    study.status = StudyStatus.CLOSED
    study.save(update_fields=["status"])
    now = timezone.now()
    study.waves.filter(closed_at__isnull=True).update(closed_at=now)
    stop_reminders_of(Invitation.objects.filter(wave__study=study))
    record_event(actor=actor, action=AuditAction.UPDATE, obj=study, detail={"status": "closed"})
    return study


# Waves ------------------------------------------------------------------------------------


def _clean_wave(
    *,
    group: str,
    anchor: str,
    opens_on: dt.date | None,
    closes_on: dt.date | None,
    window_days: int,
    reminder_interval_days: int,
    max_reminders: int,
    target_response_rate: int,
    instruments: Sequence[InstrumentVersion],
) -> tuple[dt.date | None, dt.date | None]:
    errors: dict[str, str] = {}
    if group not in RespondentGroup.values:
        errors["group"] = _("Choose who answers the wave.")
    elif anchor not in ANCHORS_FOR_GROUP[group]:
        errors["anchor"] = _("%(group)s cannot be counted from this event.") % {
            "group": RespondentGroup(group).label
        }
    if anchor == Anchor.CUSTOM:
        if not opens_on:
            errors["opens_on"] = _("Give the day the wave opens.")
        if not closes_on:
            errors["closes_on"] = _("Give the day the wave closes.")
        elif opens_on and closes_on < opens_on:
            errors["closes_on"] = _("The wave must close on or after the day it opens.")
    else:
        opens_on = closes_on = None
    if window_days < 1:
        errors["window_days"] = _("A wave is open for at least one day.")
    if reminder_interval_days < 1:
        errors["reminder_interval_days"] = _("Leave at least one day between reminders.")
    if not 0 <= max_reminders <= 10:
        errors["max_reminders"] = _("Send at most 10 reminders.")
    if not 0 <= target_response_rate <= 100:
        errors["target_response_rate"] = _("Give a response rate between 0 and 100 %.")
    if not instruments:
        errors["instruments"] = _("Choose at least one instrument.")
    elif any(not version.is_published for version in instruments):
        errors["instruments"] = _("Only published instrument versions can be asked.")
    elif len({version.pk for version in instruments}) != len(instruments):
        errors["instruments"] = _("Each instrument version can be asked once in a wave.")
    if errors:
        raise ValidationError(errors)
    return opens_on, closes_on


def _set_instruments(wave: Wave, instruments: Sequence[InstrumentVersion]) -> None:
    wave.wave_instruments.all().delete()
    WaveInstrument.objects.bulk_create(
        WaveInstrument(wave=wave, instrument_version=version, position=position)
        for position, version in enumerate(instruments)
    )


@transaction.atomic
def add_wave(
    *,
    actor: User,
    study: Study,
    name: str,
    group: str,
    anchor: str,
    instruments: Sequence[InstrumentVersion],
    offset_months: int = 0,
    offset_days: int = 0,
    window_days: int = 30,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    max_reminders: int = 2,
    reminder_interval_days: int = 7,
    target_response_rate: int = 60,
) -> Wave:
    _require_manager(actor)
    study = Study.objects.select_for_update().get(pk=study.pk)
    _require_not_closed(study)
    if not name.strip():
        raise ValidationError({"name": _("Give the wave a name.")})
    opens_on, closes_on = _clean_wave(
        group=group,
        anchor=anchor,
        opens_on=opens_on,
        closes_on=closes_on,
        window_days=window_days,
        reminder_interval_days=reminder_interval_days,
        max_reminders=max_reminders,
        target_response_rate=target_response_rate,
        instruments=instruments,
    )
    wave = Wave.objects.create(
        study=study,
        name=name.strip(),
        group=group,
        anchor=anchor,
        offset_months=offset_months,
        offset_days=offset_days,
        window_days=window_days,
        opens_on=opens_on,
        closes_on=closes_on,
        max_reminders=max_reminders,
        reminder_interval_days=reminder_interval_days,
        target_response_rate=target_response_rate,
        position=(study.waves.aggregate(last=Max("position"))["last"] or 0) + 1,
    )
    _set_instruments(wave, instruments)
    record_event(
        actor=actor, action=AuditAction.CREATE, obj=wave, detail=_wave_detail(wave, instruments)
    )
    if study.status == StudyStatus.OPEN:
        make_due_invitations(study=study)
    return wave


@transaction.atomic
def update_wave(
    *,
    actor: User,
    wave: Wave,
    name: str,
    group: str,
    anchor: str,
    instruments: Sequence[InstrumentVersion],
    offset_months: int = 0,
    offset_days: int = 0,
    window_days: int = 30,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    max_reminders: int = 2,
    reminder_interval_days: int = 7,
    target_response_rate: int = 60,
) -> Wave:
    """Change a wave. Once it has invitations, who answers what and when is fixed: the
    answers already given were asked that way."""
    _require_manager(actor)
    wave = Wave.objects.select_for_update().select_related("study").get(pk=wave.pk)
    _require_not_closed(wave.study)
    if wave.closed_at:
        raise ValidationError(_("The wave is closed; it can no longer be changed."))
    if not name.strip():
        raise ValidationError({"name": _("Give the wave a name.")})
    opens_on, closes_on = _clean_wave(
        group=group,
        anchor=anchor,
        opens_on=opens_on,
        closes_on=closes_on,
        window_days=window_days,
        reminder_interval_days=reminder_interval_days,
        max_reminders=max_reminders,
        target_response_rate=target_response_rate,
        instruments=instruments,
    )
    changes = {
        "group": group,
        "anchor": anchor,
        "offset_months": offset_months,
        "offset_days": offset_days,
        "window_days": window_days,
        "opens_on": opens_on,
        "closes_on": closes_on,
    }
    current_instruments = list(
        wave.wave_instruments.order_by("position").values_list("instrument_version_id", flat=True)
    )
    fixed_changed = any(getattr(wave, field) != changes[field] for field in changes) or (
        current_instruments != [version.pk for version in instruments]
    )
    if fixed_changed and wave.invitations.exists():
        raise ValidationError(
            _(
                "The wave has invitations, so its group, timing and instruments can no longer "
                "change. Add a new wave instead."
            )
        )
    for field, value in changes.items():
        setattr(wave, field, value)
    wave.name = name.strip()
    wave.max_reminders = max_reminders
    wave.reminder_interval_days = reminder_interval_days
    wave.target_response_rate = target_response_rate
    wave.save()
    if current_instruments != [version.pk for version in instruments]:
        _set_instruments(wave, instruments)
    record_event(
        actor=actor, action=AuditAction.UPDATE, obj=wave, detail=_wave_detail(wave, instruments)
    )
    return wave


@transaction.atomic
def close_wave(*, actor: User, wave: Wave) -> Wave:
    """Close the wave for everyone now; its unsent reminders are withdrawn at once."""
    _require_manager(actor)
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.closed_at:
        raise ValidationError(_("The wave is already closed."))
    wave.closed_at = timezone.now()
    wave.save(update_fields=["closed_at"])
    stopped = stop_reminders_of(Invitation.objects.filter(wave=wave))
    detail = {"closed": True, "reminders_withdrawn": stopped}
    record_event(actor=actor, action=AuditAction.UPDATE, obj=wave, detail=detail)
    return wave


def _wave_detail(wave: Wave, instruments: Sequence[InstrumentVersion]) -> dict:
    return {
        "study": wave.study_id,
        "group": wave.group,
        "anchor": wave.anchor,
        "offset_months": wave.offset_months,
        "offset_days": wave.offset_days,
        "window_days": wave.window_days,
        "opens_on": wave.opens_on.isoformat() if wave.opens_on else None,
        "closes_on": wave.closes_on.isoformat() if wave.closes_on else None,
        "instruments": [version.pk for version in instruments],
    }
