"""The legal basis of the data-protection core's own personal records: consents, register
extracts (peersupport.extracts) and retention settings (peersupport.retention)."""

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
        key="dataprotection.extracts",
        title=_("Register extracts and erasure requests"),
        models=("extracts.extract",),
        purpose=_(
            "Answer a person's request for everything stored about them (art. 15) or for "
            "erasure (art. 17): who asked, who produced the extract, when, and the file."
        ),
        article_6=_(
            "Art. 6.1 c (a legal obligation): art. 12, 15 and 17 GDPR require the region to "
            "answer the request and to be able to show that it did."
        ),
        article_9=_(
            "The extract file holds the person's own records, including special-category "
            "data; only the person and the coordinator who produced it download it, and "
            "every download is logged."
        ),
        retention=_(
            "The files are removed a month after the request, when the person withdraws a "
            "consent behind what they hold, or when the person is erased; the request is kept."
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
