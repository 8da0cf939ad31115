"""Instruments in and out: importing a JSON file as a new version, publishing, exporting.

A version is imported whole or not at all, and once published it never changes: a file
with other content makes the next version, and a file with the same content as the latest
version is refused as unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.accounts.models import User
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction

from ..models import Instrument, InstrumentVersion, Item, ResponseScale, Subscale
from ..permissions import can_manage_evaluation
from ..schema import FORMAT, validate_instrument_document

SHIPPED_DIRECTORY = Path(__file__).resolve().parent.parent / "instruments"


class InstrumentUnchanged(ValidationError):
    """The file holds exactly the content of the instrument's latest version."""

    def __init__(self, version: InstrumentVersion):
        self.version = version
        super().__init__(
            _(
                "The file is identical to version %(version)s of “%(name)s”, so no new "
                "version was made."
            )
            % {"version": version.version, "name": version.instrument.name},
            code="unchanged",
        )


def _require_manager(actor: User | None) -> None:
    # ``None`` is the system itself: the shipped instruments and the command line.
    if actor is not None and not can_manage_evaluation(actor):
        raise PermissionDenied(_("Only researchers and administrators manage instruments."))


def _content(definition: dict) -> dict:
    return {key: value for key, value in definition.items() if key != "version"}


def _create_rows(version: InstrumentVersion, document: dict) -> None:
    scales = {
        scale["key"]: ResponseScale(
            version=version,
            key=scale["key"],
            min_value=scale["min"],
            max_value=scale["max"],
            anchors=[
                {
                    "value": anchor["value"],
                    "label_sv": anchor["label"]["sv"],
                    "label_en": anchor["label"]["en"],
                }
                for anchor in scale["anchors"]
            ],
        )
        for scale in document["scales"]
    }
    ResponseScale.objects.bulk_create(scales.values())
    subscales = {
        subscale["key"]: Subscale(
            version=version,
            key=subscale["key"],
            name_sv=subscale["name"]["sv"],
            name_en=subscale["name"]["en"],
            method=subscale["method"],
            min_answered=subscale["min_answered"],
            prorate=subscale["prorate"],
            position=position,
        )
        for position, subscale in enumerate(document["subscales"])
    }
    Subscale.objects.bulk_create(subscales.values())
    Item.objects.bulk_create(
        Item(
            version=version,
            key=item["key"],
            position=position,
            page=item["page"],
            kind=item["kind"],
            text_sv=item["text"]["sv"],
            text_en=item["text"]["en"],
            scale=scales.get(item.get("scale")),
            subscale=subscales.get(item.get("subscale")),
            reverse=item.get("reverse", False),
            required=item["required"],
        )
        for position, item in enumerate(document["items"])
    )


@transaction.atomic
def import_instrument(
    *, actor: User | None, text: str | bytes, publish: bool = True, shipped: bool = False
) -> InstrumentVersion:
    """Import a file as the instrument's next version (version 1 of a new instrument).

    Raises ``InstrumentFileError`` (a ``ValidationError``) listing every problem with its
    line, ``InstrumentUnchanged`` when the content equals the latest version's, and
    ``PermissionDenied`` for anyone but a researcher or an administrator.
    """
    _require_manager(actor)
    document = validate_instrument_document(text)
    instrument, created = Instrument.objects.select_for_update().get_or_create(
        key=document["key"],
        defaults={
            "name_sv": document["name"]["sv"],
            "name_en": document["name"]["en"],
            "shipped": shipped,
        },
    )
    latest = instrument.versions.order_by("-version").first()
    if latest is not None and _content(latest.definition) == document:
        raise InstrumentUnchanged(latest)
    if not created:
        instrument.name_sv = document["name"]["sv"]
        instrument.name_en = document["name"]["en"]
        instrument.save(update_fields=["name_sv", "name_en"])
    number = latest.version + 1 if latest else 1
    total = document.get("total") or {}
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        version=number,
        definition={**document, "version": number},
        description_sv=document["description"]["sv"],
        description_en=document["description"]["en"],
        source=document["source"],
        total_method=total.get("method", ""),
        total_min_answered=total.get("min_answered", 1),
        total_prorate=total.get("prorate", False),
        imported_by=actor,
    )
    _create_rows(version, document)
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=version,
        detail={"instrument": instrument.key, "version": number},
    )
    if publish:
        publish_version(actor=actor, version=version)
    return version


@transaction.atomic
def publish_version(*, actor: User | None, version: InstrumentVersion) -> InstrumentVersion:
    """Publish a version: from now on studies may use it and nothing in it changes."""
    _require_manager(actor)
    if version.is_published:
        raise ValidationError(_("This version is already published."))
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    record_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=version,
        detail={"instrument": version.instrument.key, "published": True},
    )
    return version


def _text(sv: str, en: str) -> dict[str, str]:
    return {"sv": sv, "en": en}


def _rule(method: str, min_answered, prorate: bool) -> dict[str, Any]:
    return {"method": method, "min_answered": float(min_answered), "prorate": prorate}


def export_instrument(version: InstrumentVersion) -> dict:
    """The version as a document in the import format, built from its rows.

    Importing it gives a version with equal content (for the same key: it is refused as
    unchanged). Four queries.
    """
    instrument = version.instrument
    name = version.definition.get("name") or _text(instrument.name_sv, instrument.name_en)
    scales = list(version.scales.order_by("pk"))
    subscales = list(version.subscales.order_by("position", "pk"))
    items = []
    for item in version.items.select_related("scale", "subscale").order_by("position"):
        entry: dict[str, Any] = {"key": item.key, "text": _text(item.text_sv, item.text_en)}
        entry["kind"] = item.kind
        if item.scale is not None:
            entry["scale"] = item.scale.key
            if item.subscale is not None:
                entry["subscale"] = item.subscale.key
            entry["reverse"] = item.reverse
        entry["required"] = item.required
        entry["page"] = item.page
        items.append(entry)
    document: dict[str, Any] = {
        "format": FORMAT,
        "key": instrument.key,
        "version": version.version,
        "name": name,
        "description": _text(version.description_sv, version.description_en),
        "source": version.source,
        "scales": [
            {
                "key": scale.key,
                "min": scale.min_value,
                "max": scale.max_value,
                "anchors": [
                    {
                        "value": anchor["value"],
                        "label": _text(anchor["label_sv"], anchor["label_en"]),
                    }
                    for anchor in scale.anchors
                ],
            }
            for scale in scales
        ],
        "subscales": [
            {
                "key": subscale.key,
                "name": _text(subscale.name_sv, subscale.name_en),
                **_rule(subscale.method, subscale.min_answered, subscale.prorate),
            }
            for subscale in subscales
        ],
        "items": items,
    }
    if version.total_method:
        document["total"] = _rule(
            version.total_method, version.total_min_answered, version.total_prorate
        )
    return document


def load_shipped_instruments(actor: User | None = None) -> list[InstrumentVersion]:
    """Load the instruments written by us (``evaluation/instruments/*.json``), each as a new
    version only when its content changed; returns each one's latest version."""
    versions = []
    for path in sorted(SHIPPED_DIRECTORY.glob("*.json")):
        try:
            versions.append(import_instrument(actor=actor, text=path.read_bytes(), shipped=True))
        except InstrumentUnchanged as unchanged:
            versions.append(unchanged.version)
    return versions
