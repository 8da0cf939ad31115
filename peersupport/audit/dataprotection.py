"""This app's personal data, as the data-protection core knows it (see
``peersupport.dataprotection.registry``). Imported from ``AppConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.registry import RetentionRule, register_retention_rule

from .models import AuditEvent

# --- Data subjects ------------------------------------------------------------------------

# --- Legal basis --------------------------------------------------------------------------

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
