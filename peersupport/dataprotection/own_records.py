"""The legal basis of the data-protection core's own personal records: consents and retention
settings (peersupport.retention). Register extracts register theirs in their own app."""

from django.utils.translation import gettext_lazy as _

from .registry import LegalBasis, register_legal_basis

register_legal_basis(
    LegalBasis(
        key="dataprotection.consents",
        title=_("Consent records"),
        models=("dataprotection.consent",),
        purpose=_(
            "Show which consent a person gave, to which text version, when and how, who "
            "recorded it, and when and how it was withdrawn."
        ),
        article_6=_(
            "Art. 6.1 c (a legal obligation): art. 7.1 GDPR requires the region to be able to "
            "show that the person consented, and art. 5.2 to show that the processing "
            "followed the rules."
        ),
        article_9=_(
            "The record names the purpose and the text version, never the health data itself."
        ),
        retention=_(
            "Kept as proof of what the person allowed, also after a withdrawal. When the "
            "person's record is thinned or erased, the consent points only at an anonymised "
            "record and names no one."
        ),
    )
)
register_legal_basis(
    LegalBasis(
        key="dataprotection.retention_settings",
        title=_("Retention settings"),
        models=("retention.retentionsetting",),
        purpose=_("Show who set a region's retention period for a kind of record, and when."),
        article_6=_(
            "Art. 6.1 c (a legal obligation): art. 5.1 e and 5.2 GDPR require the region to "
            "keep personal data no longer than needed and to be able to show its decisions."
        ),
        retention=_("Kept while the setting applies."),
    )
)
