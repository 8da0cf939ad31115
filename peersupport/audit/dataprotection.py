"""This app's personal data, as the data-protection core knows it (see
``peersupport.dataprotection.registry``). Imported from ``AppConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection import bases
from peersupport.dataprotection.registry import (
    LegalBasis,
    RetentionRule,
    register_legal_basis,
    register_retention_rule,
)

from . import extract
from .models import AuditEvent

# --- Data subjects ------------------------------------------------------------------------

# --- Legal basis --------------------------------------------------------------------------

register_legal_basis(
    LegalBasis(
        key="audit.events",
        title=_("Audit log"),
        models=("audit.auditevent",),
        purpose=_(
            "Show who logged in, read, exported or changed which person's records, when and "
            "from where, so that access can be followed up systematically (log follow-up) and "
            "misuse found."
        ),
        article_6=bases.LEGAL_OBLIGATION_LOG,
        article_9=_(
            "The log names whose record was read and what kind of record it was, never its "
            "content; it is read only by auditors and admins."
        ),
        retention=_("Thinned after 5 years (settable)."),
    )
)

# --- Consent ------------------------------------------------------------------------------

# --- Retention (gallring) -----------------------------------------------------------------

register_retention_rule(
    RetentionRule(
        key="audit.events",
        title=_("Audit log"),
        default_months=60,
        due=lambda cutoff, region_ids: AuditEvent.objects.filter(at__lt=cutoff),
        thin=lambda due: due.thin_out(),
        action=_("Deleted"),
        regional=False,
    )
)

# --- Register extract ---------------------------------------------------------------------

extract.register()
