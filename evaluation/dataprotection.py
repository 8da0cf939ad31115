"""This app's personal data, as the data-protection core knows it (see
``peersupport.dataprotection.registry``). Imported from ``AppConfig.ready()``.

Survey consent is not a ``ConsentPurpose``: the legal basis of research answers is art.
6.1 e and 9.2 j, and the consent the Ethical Review Act asks for is an ethical safeguard
recorded with each invitation (the information version shown, yes or no, when). The
respondent withdraws it in the survey itself, by their link, choosing whether their
answers are kept or deleted; the core's consent pages are for consents that are the
legal basis.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection import bases
from peersupport.dataprotection.registry import (
    LegalBasis,
    register_legal_basis,
    register_retention_rule,
)

from . import extract
from .retention import EXPORT_FILE_RULE, NAMED_INVITATIONS

# --- Legal basis --------------------------------------------------------------------------

# GDPR art. 6.1 e for research the region and its partners carry out.
RESEARCH_TASK = _(
    "Art. 6.1 e (a task carried out in the public interest): research and follow-up of "
    "the programme (the Data Protection Act, 2018:218, 2 ch. 2 § 1 and 3; the Act on "
    "Ethical Review of Research Involving Humans, 2003:460), under the study's ethics "
    "approval."
)

RESEARCH_HEALTH = _(
    "Art. 9.2 j (scientific research) with the Data Protection Act 3 ch. 8 § and the "
    "Ethical Review Act: answers about one's own recovery are health data. The respondent "
    "reads the study's information text and says yes or no before the first question; the "
    "invitation keeps the version shown and the time. This consent is the ethical "
    "safeguard the Ethical Review Act requires (§§ 16–17), not the legal basis: withdrawing "
    "it stops every further question and reminder, and the respondent chooses whether the "
    "answers given so far are kept or deleted (§ 19). Results are shown only as figures "
    "for groups, with cells under five suppressed."
)

register_legal_basis(
    LegalBasis(
        key="evaluation.instruments_and_studies",
        title=_("Survey instruments and studies"),
        models=("evaluation.instrumentversion", "evaluation.study"),
        purpose=_(
            "Know who imported an instrument version and who set up a study, as evidence "
            "of the research team's decisions."
        ),
        article_6=RESEARCH_TASK,
        retention=_("Kept as long as the study's data, with the instrument versions it used."),
    )
)
register_legal_basis(
    LegalBasis(
        key="evaluation.personal_answers",
        title=_("Survey invitations and answers of peer supporters and unit managers"),
        models=("evaluation.invitation", "evaluation.answer"),
        purpose=_(
            "Follow up the programme scientifically: peer supporters answer at enrolment, "
            "at the end of the course and 6 and 12 months into their placement, unit "
            "managers 6 months into it, by a personal one-time link sent by e-mail. The "
            "invitation links the answers to the person so that the change between waves "
            "can be followed and reminders stop once they have answered."
        ),
        article_6=RESEARCH_TASK,
        article_9=RESEARCH_HEALTH,
        retention=_(
            "Answers are kept for the study, pseudonymised: 24 months after a closed study's "
            "last invitation closed, the invitations no longer name the respondent "
            "(settable per region). Answers deleted on withdrawal are deleted at once."
        ),
    )
)
register_legal_basis(
    LegalBasis(
        key="evaluation.anonymous_answers",
        title=_("Survey slips and anonymous answers of service users and staff"),
        models=("evaluation.slipbatch",),
        purpose=_(
            "Let service users and workplace staff answer through a printed slip's one-time "
            "code: the batch records which workplace and wave it was printed for and which "
            "staff member printed it. The answers carry only the workplace, the wave and "
            "the region, never a name, contact or account, and are counted per workplace "
            "and wave, never per person, so they are not personal data."
        ),
        article_6=bases.PUBLIC_TASK,
        retention=_(
            "The batch is kept with the study; who printed it is kept as evidence of who "
            "handed out the codes."
        ),
    )
)
register_legal_basis(
    LegalBasis(
        key="evaluation.research_exports",
        title=_("Research exports"),
        models=("evaluation.researchexport",),
        purpose=_(
            "Give the researcher a study's data for analysis: long and wide CSV, SPSS and a "
            "codebook, with study-specific pseudonyms (a keyed hash no one outside the "
            "system can reverse) and without names, contact details or, unless the study "
            "allows it, free text. Who asked for each export and when is kept."
        ),
        article_6=RESEARCH_TASK,
        article_9=RESEARCH_HEALTH,
        retention=_(
            "The files are deleted 3 months after the export was asked for; the request is "
            "kept. The researcher keeps their copy under the study's data management plan."
        ),
    )
)

# --- Retention (gallring) -----------------------------------------------------------------

register_retention_rule(EXPORT_FILE_RULE)
register_retention_rule(NAMED_INVITATIONS)

# --- Register extract ---------------------------------------------------------------------

extract.register()
