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
    LegalBasis,
    RetentionRule,
    register_erasure_rule,
    register_extract_section,
    register_legal_basis,
    register_retention_rule,
)

from .actions import erase_extracts, extract_files_due, forget_files
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


register_legal_basis(
    LegalBasis(
        key="extracts.extracts",
        title=_("Register extracts"),
        models=("extracts.extract",),
        purpose=_(
            "Give a person everything stored about them, when they ask or a coordinator asks "
            "on their behalf, and show who asked for it and when."
        ),
        article_6=_(
            "Art. 6.1 c (a legal obligation): art. 15 GDPR gives the person the right of "
            "access, art. 12 requires the answer in a readable form, and art. 5.2 requires the "
            "region to show that it was given."
        ),
        article_9=_(
            "The extract copies the special-category data of the records it lists: only the "
            "person and the coordinators of their region may download it, and every download "
            "is logged."
        ),
        retention=_(
            "The files are removed a month after the request, when the person withdraws a "
            "consent behind what they hold, or when the person is erased; the request is kept."
        ),
    )
)

register_retention_rule(
    RetentionRule(
        key="extracts.files",
        title=_("Register extract files"),
        default_months=1,
        due=extract_files_due,
        thin=forget_files,
        action=_("The PDF and the JSON removed; who asked for the extract and when kept."),
        regional=False,
    )
)

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
