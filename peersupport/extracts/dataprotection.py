"""What the core's own records add to a register extract and to an erasure: the consents
a person gave (kept by ``peersupport.dataprotection``) and their register extracts.
Imported from ``AppConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.models import Consent
from peersupport.dataprotection.registry import (
    DataSubject,
    ErasureRule,
    ExtractSection,
    register_erasure_rule,
    register_extract_section,
)

from .actions import erase_extracts
from .items import field, item_from


def _consents(subject: DataSubject):
    return [
        item_from(
            consent,
            [
                "given_on",
                "method",
                "recorded_by",
                "recorded_at",
                "withdrawn_at",
                "withdrawal_method",
            ],
            title=consent.purpose_title,
            extra=[
                field("text_version", _("text version"), consent.text.version),
                field("text", _("text shown"), consent.text.text),
            ],
        )
        for consent in Consent.objects.of_subject(subject).select_related("text", "recorded_by")
    ]


register_extract_section(
    ExtractSection(key="dataprotection.consents", title=_("Consents"), collect=_consents, order=15)
)

register_erasure_rule(
    ErasureRule(
        key="extracts.extracts",
        title=_("Register extracts"),
        removes=_("The files of every register extract of the person."),
        keeps=_("That an extract was asked for, by whom and when."),
        erase=erase_extracts,
        order=900,
    )
)
