"""The evaluation's PDFs."""

from __future__ import annotations

from django.utils import timezone

from .models import Invitation, StudyInformation

# The published information text ------------------------------------------------------------

INFORMATION_TEMPLATE = "evaluation/study_information_pdf.html"


def information_pdf_filename(information: StudyInformation, language: str) -> str:
    return f"information-{information.study_id}-v{information.version}-{language}.pdf"


def render_information_pdf(information: StudyInformation, language: str) -> bytes:
    """The information text of one version in one language, as kept with the study and
    shown to respondents (``information.study`` is read)."""
    # WeasyPrint takes over a second to import; only processes that make PDFs pay it.
    from peersupport.documents import render_pdf

    return render_pdf(
        INFORMATION_TEMPLATE,
        {
            "study": information.study,
            "information": information,
            "text": information.text_en if language == "en" else information.text_sv,
            "published_at": timezone.localtime(information.published_at or timezone.now()),
        },
        language=language,
    )


# Consent receipts ---------------------------------------------------------------------------

CONSENT_RECEIPT_TEMPLATE = "evaluation/survey_consent_receipt.html"


def consent_receipt_filename(invitation: Invitation) -> str:
    information = invitation.information
    return f"consent-{information.study_id}-v{information.version}.pdf"


def render_consent_receipt_pdf(invitation: Invitation) -> bytes:
    """The respondent's copy of what they consented to: the information text of the
    version they were shown, in their language, with the date they said yes.

    ``invitation`` has consented; its wave and study are selected."""
    # WeasyPrint takes over a second to import; only processes that make PDFs pay it.
    from peersupport.documents import render_pdf

    return render_pdf(
        CONSENT_RECEIPT_TEMPLATE,
        {
            "invitation": invitation,
            "study": invitation.wave.study,
            "information": invitation.information,
            "consented_at": timezone.localtime(invitation.consent_answered_at),
        },
        language=invitation.language,
    )
