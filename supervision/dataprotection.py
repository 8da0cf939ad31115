"""This app's personal data, as the data-protection core knows it (see
``peersupport.dataprotection.registry``). Imported from ``AppConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection import bases
from peersupport.dataprotection.registry import (
    LegalBasis,
    register_legal_basis,
    register_retention_rule,
)

from . import extract
from .retention import LEAVER_ATTENDANCE, PRIVATE_NOTES

# --- Data subjects ------------------------------------------------------------------------

# --- Legal basis --------------------------------------------------------------------------

register_legal_basis(
    LegalBasis(
        key="supervision.supervisors",
        title=_("Supervisors"),
        models=("supervision.supervisor",),
        purpose=_(
            "Know who supervises peer supporters in a region, and whether their supervision "
            "builds on their own lived experience (experience-based supervision)."
        ),
        article_6=bases.PUBLIC_TASK,
        article_9=_(
            "Experience-based supervision reveals that the supervisor has own lived "
            "experience of mental ill-health. It is a requirement of the assignment the region "
            "gives them, so it rests on art. 9.2 b (obligations in employment law) with the "
            "Data Protection Act 3 ch. 2 §, not on consent: a person working for the region is "
            "not free to refuse it (EDPB guidelines 05/2020 on consent, 3.1.1). Only yes or no "
            "is kept, never a diagnosis, and only coordinators and the supervisor's own groups "
            "see it."
        ),
        retention=_("Kept while the person holds the supervisor role, and 2 years after."),
    )
)
register_legal_basis(
    LegalBasis(
        key="supervision.groups",
        title=_("Supervision groups and sessions"),
        models=("supervision.supervisiongroup", "supervision.supervisionsession"),
        purpose=_(
            "Give every active peer supporter experience-based supervision twice a month: "
            "groups and individual arrangements, their members, the sessions, their themes "
            "and cancellations."
        ),
        article_6=bases.PUBLIC_TASK,
        article_9=bases.EMPLOYMENT,
        retention=_(
            "Kept while the arrangement runs; a member's part is thinned with their "
            "participant record."
        ),
    )
)
register_legal_basis(
    LegalBasis(
        key="supervision.attendance",
        title=_("Supervision attendance and ratings"),
        models=("supervision.sessionattendance",),
        purpose=_(
            "Follow whether each peer supporter gets the supervision they should (the "
            "cadence) and how useful they find it; ratings and comments are shown only when "
            "three or more have rated, so no single rating is recognisable."
        ),
        article_6=bases.PUBLIC_TASK,
        article_9=bases.EMPLOYMENT,
        retention=_("Kept and thinned with the participant record; averages are kept."),
    )
)
register_legal_basis(
    LegalBasis(
        key="supervision.private_notes",
        title=_("Supervisors' private notes"),
        models=("supervision.supervisornote",),
        purpose=_(
            "The supervisor's own working notes on a session, to prepare the next one. Only "
            "the author reads them, every read is logged, they are never exported and are "
            "stored encrypted."
        ),
        article_6=bases.PUBLIC_TASK,
        article_9=bases.EMPLOYMENT,
        retention=_("Deleted 12 months after the session (settable per region)."),
    )
)

# --- Consent ------------------------------------------------------------------------------

# --- Retention (gallring) -----------------------------------------------------------------

register_retention_rule(LEAVER_ATTENDANCE)
register_retention_rule(PRIVATE_NOTES)

# --- Register extract ---------------------------------------------------------------------

extract.register()
