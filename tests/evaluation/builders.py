"""Small builders for evaluation tests: an instrument, a study with a wave, invitations and
answers, made straight in the database so each test module depends only on the models.

Tests of importing, answering or inviting use the real actions instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from evaluation.models import (
    Anchor,
    Answer,
    Instrument,
    InstrumentVersion,
    Invitation,
    InvitationStatus,
    Item,
    RespondentGroup,
    ResponseScale,
    ScoringMethod,
    Study,
    StudyInformation,
    StudyStatus,
    Subscale,
    Wave,
    WaveInstrument,
)

AGREEMENT = [
    {"value": 1, "label_sv": "Stämmer inte alls", "label_en": "Not at all true"},
    {"value": 2, "label_sv": "Stämmer dåligt", "label_en": "Hardly true"},
    {"value": 3, "label_sv": "Stämmer delvis", "label_en": "Partly true"},
    {"value": 4, "label_sv": "Stämmer ganska bra", "label_en": "Mostly true"},
    {"value": 5, "label_sv": "Stämmer helt", "label_en": "Completely true"},
]


def make_instrument(
    key: str = "test-instrument",
    *,
    subscales: dict[str, Sequence[str]] | None = None,
    reverse: Sequence[str] = (),
    method: str = ScoringMethod.MEAN,
    min_answered: float = 0.5,
    prorate: bool = False,
    total_method: str = ScoringMethod.MEAN,
    items_per_page: int = 3,
    published: bool = True,
) -> InstrumentVersion:
    """A published 1–5 agreement instrument. ``subscales`` maps a subscale key to its item
    keys (default: two subscales of three items, ``a1``–``a3`` and ``b1``–``b3``)."""
    subscales = subscales or {"a": ["a1", "a2", "a3"], "b": ["b1", "b2", "b3"]}
    instrument, _ = Instrument.objects.get_or_create(
        key=key, defaults={"name_sv": f"Formulär {key}", "name_en": f"Instrument {key}"}
    )
    number = (
        instrument.versions.order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        version=number,
        definition={"key": key, "version": number},
        total_method=total_method,
        total_min_answered=min_answered,
        published_at=timezone.now() if published else None,
    )
    scale = ResponseScale.objects.create(
        version=version, key="agree5", min_value=1, max_value=5, anchors=AGREEMENT
    )
    position = 0
    for index, (subscale_key, item_keys) in enumerate(subscales.items()):
        subscale = Subscale.objects.create(
            version=version,
            key=subscale_key,
            name_sv=f"Delskala {subscale_key}",
            name_en=f"Subscale {subscale_key}",
            method=method,
            min_answered=min_answered,
            prorate=prorate,
            position=index,
        )
        for item_key in item_keys:
            Item.objects.create(
                version=version,
                key=item_key,
                position=position,
                page=position // items_per_page + 1,
                text_sv=f"Påstående {item_key}",
                text_en=f"Statement {item_key}",
                scale=scale,
                subscale=subscale,
                reverse=item_key in reverse,
            )
            position += 1
    return version


def make_study(
    *, name: str = "Uppföljning 2026", regions=(), status: str = StudyStatus.OPEN, **fields
) -> Study:
    study = Study.objects.create(name=name, status=status, **fields)
    if regions:
        study.regions.set(regions)
    StudyInformation.objects.create(
        study=study,
        version=1,
        text_sv="Du tillfrågas om att delta i en uppföljning. Deltagandet är frivilligt.",
        text_en="You are asked to take part in a follow-up. Taking part is voluntary.",
        published_at=timezone.now(),
    )
    return study


def make_wave(
    study: Study,
    instruments: Sequence[InstrumentVersion],
    *,
    name: str = "Baslinje",
    group: str = RespondentGroup.PEER_SUPPORTERS,
    anchor: str = Anchor.ENROLMENT,
    **fields,
) -> Wave:
    if anchor == Anchor.CUSTOM:
        today = timezone.localdate()
        fields.setdefault("opens_on", today - dt.timedelta(days=1))
        fields.setdefault("closes_on", today + dt.timedelta(days=30))
    wave = Wave.objects.create(
        study=study,
        name=name,
        group=group,
        anchor=anchor,
        position=study.waves.count(),
        **fields,
    )
    for position, version in enumerate(instruments):
        WaveInstrument.objects.create(wave=wave, instrument_version=version, position=position)
    return wave


def make_invitation(wave: Wave, *, region, anchor_key: str, **fields) -> Invitation:
    now = timezone.now()
    fields.setdefault("opens_at", now - dt.timedelta(days=1))
    fields.setdefault("closes_at", now + dt.timedelta(days=29))
    return Invitation.objects.create(wave=wave, region=region, anchor_key=anchor_key, **fields)


def answer(invitation: Invitation, values: dict[str, int | None], *, complete: bool = True) -> None:
    """Plant answers by item key (``None`` leaves an item unanswered) on the wave's items."""
    items = {
        item.key: item
        for item in Item.objects.filter(version__in=invitation.wave.instruments.all())
    }
    study = invitation.wave.study
    Answer.objects.bulk_create(
        [
            Answer(invitation=invitation, item=items[key], value=value)
            for key, value in values.items()
            if value is not None
        ]
    )
    now = timezone.now()
    invitation.information = study.information.current()
    invitation.consent_answered_at = now
    invitation.started_at = now
    if complete:
        invitation.status = InvitationStatus.COMPLETED
        invitation.completed_at = now
    else:
        invitation.status = InvitationStatus.STARTED
    invitation.save()
