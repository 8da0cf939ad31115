"""This app's personal data, as the data-protection core knows it (see
``peersupport.dataprotection.registry``). Imported from ``AppConfig.ready()``."""

from __future__ import annotations

from peersupport.dataprotection.registry import register_retention_rule

from .retention import LEAVER_ATTENDANCE, PRIVATE_NOTES

# --- Data subjects ------------------------------------------------------------------------

# --- Legal basis --------------------------------------------------------------------------

# --- Consent ------------------------------------------------------------------------------

# --- Retention (gallring) -----------------------------------------------------------------

register_retention_rule(LEAVER_ATTENDANCE)
register_retention_rule(PRIVATE_NOTES)

# --- Register extract ---------------------------------------------------------------------
