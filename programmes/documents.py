"""The programme's PDFs: the course certificate."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Max, Min
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify

from .models import Certificate

CERTIFICATE_TEMPLATE = "programmes/documents/certificate.html"


def certificate_language(certificate: Certificate) -> str:
    """Swedish, or English when the participant prefers it."""
    return "en" if certificate.participant.language == "en" else "sv"


def certificate_verify_url(certificate: Certificate) -> str:
    """The public page where anyone can check the code, with the code filled in."""
    path = reverse("programmes:certificate_verify")
    return f"{settings.SITE_URL.rstrip('/')}{path}?{urlencode({'code': certificate.code})}"


def certificate_filename(certificate: Certificate) -> str:
    name = slugify(certificate.participant.full_name) or "participant"
    return f"certificate-{name}-{certificate.code}.pdf"


def certificate_context(certificate: Certificate) -> dict:
    """Everything the certificate shows, read in one query beyond the certificate's own."""
    course_days = certificate.cohort.sessions.aggregate(first=Min("date"), last=Max("date"))
    return {
        "certificate": certificate,
        "participant": certificate.participant,
        "cohort": certificate.cohort,
        "course_name": certificate.cohort.template.name,
        "region": certificate.cohort.region,
        "first_day": course_days["first"] or certificate.cohort.start_date,
        "last_day": course_days["last"] or certificate.cohort.end_date,
        "verify_url": certificate_verify_url(certificate),
        "verify_page": f"{settings.SITE_URL.rstrip('/')}{reverse('programmes:certificate_verify')}",
    }


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """The one-page certificate, in the participant's language.

    ``certificate`` comes with participant, cohort, its region and template selected.
    """
    # WeasyPrint takes over a second to import; only processes that make PDFs pay it.
    from peersupport.documents import render_pdf

    return render_pdf(
        CERTIFICATE_TEMPLATE,
        certificate_context(certificate),
        language=certificate_language(certificate),
    )
