"""The legal basis of the data-protection app's own personal records: the consents."""

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
            "Kept as long as the records given with the consent are kept, and thinned with them."
        ),
    )
)
