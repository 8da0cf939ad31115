"""This app's personal data, as the data-protection core knows it (see
``peersupport.dataprotection.registry``). Imported from ``AppConfig.ready()``."""

from __future__ import annotations

from peersupport.dataprotection.registry import register_retention_rule

from .retention import LEAVER_PLACEMENTS, LEAVER_REVIEWS, SESSION_TEXT

# --- Data subjects ------------------------------------------------------------------------

# --- Legal basis --------------------------------------------------------------------------

# --- Consent ------------------------------------------------------------------------------

# --- Retention (gallring) -----------------------------------------------------------------

register_retention_rule(SESSION_TEXT)
register_retention_rule(LEAVER_PLACEMENTS)
register_retention_rule(LEAVER_REVIEWS)

# --- Register extract ---------------------------------------------------------------------
