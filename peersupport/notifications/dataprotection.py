"""This app's personal data, as the data-protection core knows it (see
``peersupport.dataprotection.registry``). Imported from ``AppConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection import bases
from peersupport.dataprotection.registry import LegalBasis, register_legal_basis

# --- Data subjects ------------------------------------------------------------------------

# --- Legal basis --------------------------------------------------------------------------

register_legal_basis(
    LegalBasis(
        key="notifications.outbox",
        title=_("Notification outbox"),
        models=("notifications.notification",),
        purpose=_(
            "Send each reminder and message once: recipient, kind, what it is about, when it "
            "is due and when it was sent or given up."
        ),
        article_6=bases.PUBLIC_TASK,
        article_9=_(
            "A message says no more than its recipient needs; reminders to people outside "
            "the programme never name a peer supporter's role."
        ),
        retention=_("Removed with the recipient's account."),
    )
)
register_legal_basis(
    LegalBasis(
        key="notifications.calendar_feeds",
        title=_("Calendar feeds"),
        models=("notifications.calendarfeed",),
        purpose=_(
            "Give a person a secret calendar address with their own course days, supervision "
            "sessions and follow-ups."
        ),
        article_6=bases.PUBLIC_TASK,
        article_9=_(
            "The feed needs no login, so it names workplaces and sessions, never that the "
            "person is a peer supporter."
        ),
        retention=_("Until the person revokes the address or their account is removed."),
    )
)

# --- Consent ------------------------------------------------------------------------------

# --- Retention (gallring) -----------------------------------------------------------------

# --- Register extract ---------------------------------------------------------------------
