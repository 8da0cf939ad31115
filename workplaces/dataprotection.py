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
from .retention import LEAVER_PLACEMENTS, LEAVER_REVIEWS, SESSION_TEXT

# --- Data subjects ------------------------------------------------------------------------

# --- Legal basis --------------------------------------------------------------------------

register_legal_basis(
    LegalBasis(
        key="workplaces.contacts",
        title=_("Workplaces' contact people and unit managers"),
        models=(
            "workplaces.workplace",
            "workplaces.readinessconfirmation",
            "workplaces.stafftraining",
            "workplaces.traineeorder",
        ),
        purpose=_(
            "Prepare and follow the workplaces: the contact person and unit managers, and who "
            "confirmed the budget and anchoring, recorded staff training or ordered posts."
        ),
        article_6=bases.PUBLIC_TASK,
        retention=_(
            "Kept while the workplace takes part; who confirmed a readiness item is kept with "
            "the confirmation as evidence of the decision."
        ),
    )
)
register_legal_basis(
    LegalBasis(
        key="workplaces.placements",
        title=_("Placements"),
        models=("workplaces.placement",),
        purpose=_(
            "Agree and follow a peer supporter's placement: workplace, employer, hours, "
            "agreed tasks, status and who agreed to it."
        ),
        article_6=bases.PUBLIC_TASK,
        article_9=bases.INDIRECT_HEALTH,
        retention=_(
            "Thinned 2 years after the peer supporter left the programme (settable per region)."
        ),
    )
)
register_legal_basis(
    LegalBasis(
        key="workplaces.reviews",
        title=_("Follow-up reviews of placements"),
        models=("workplaces.followupreview", "workplaces.reviewresponse"),
        purpose=_(
            "Follow up at set intervals how the role works at the workplace, answered by the "
            "unit manager and the coordinator, so that support can be given in time."
        ),
        article_6=bases.PUBLIC_TASK,
        article_9=bases.EMPLOYMENT,
        retention=_("Kept and thinned with the placement."),
    )
)
register_legal_basis(
    LegalBasis(
        key="workplaces.support_sessions",
        title=_("Support sessions"),
        models=("workplaces.supportsession",),
        purpose=_(
            "Log the peer supporter's work with service users: date, minutes, kind, themes, "
            "an optional pseudonymous service-user code to count unique people, and an "
            "optional reflection. No service user is ever named: identity numbers, phone "
            "numbers and e-mail addresses are refused."
        ),
        article_6=bases.PUBLIC_TASK,
        article_9=bases.CARE_MANAGEMENT,
        retention=_(
            "The reflection text is thinned after 12 months; the counts (sessions, minutes, "
            "themes) are kept for follow-up."
        ),
    )
)

register_legal_basis(
    LegalBasis(
        key="workplaces.incidents",
        title=_("Incident reports (avvikelser)"),
        models=("workplaces.incident", "workplaces.incidentfollowup"),
        purpose=_(
            "Report and follow up incidents and risks in the peer supporters' work (threats, "
            "risks to service users, confidentiality, work environment, the role's "
            "boundaries): who reported, when, what happened, actions taken and the "
            "coordinators' follow-up. No service user is ever named."
        ),
        article_6=bases.PUBLIC_TASK,
        article_9=bases.EMPLOYMENT,
        retention=_(
            "Kept while the programme runs in the region, as the record of how the "
            "incident was handled."
        ),
    )
)

# --- Consent ------------------------------------------------------------------------------

# --- Retention (gallring) -----------------------------------------------------------------

register_retention_rule(SESSION_TEXT)
register_retention_rule(LEAVER_PLACEMENTS)
register_retention_rule(LEAVER_REVIEWS)

# --- Register extract ---------------------------------------------------------------------

extract.register()
