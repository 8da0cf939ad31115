"""PDF rendering with WeasyPrint that never fetches anything but our own static files.

Text typed by a person ends up in documents; the fetcher makes sure it can never pull
``file://`` paths, ``data:`` payloads or remote content into a PDF. Templates refer to
their styles as ``static:<path>`` (for example ``static:css/certificate.css``): WeasyPrint
does not resolve relative URLs against a custom scheme, so the full form is required.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_SCHEME = "static:"


class FetchRefused(ValueError):
    """A PDF asked for something other than one of our static files."""


def static_file_for(url: str) -> Path:
    """The file behind a ``static:<path>`` URL; anything else is refused."""
    if not url.startswith(STATIC_SCHEME):
        raise FetchRefused(f"Refused to fetch {url[:80]!r} for a PDF: only static: URLs")
    relative = url[len(STATIC_SCHEME) :].lstrip("/")
    if not relative or ".." in PurePosixPath(relative).parts or "\\" in relative:
        raise FetchRefused(f"Refused {url[:80]!r}: not a path inside the static files")
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation as error:
        raise FetchRefused(f"Refused {url[:80]!r}: outside the static files") from error
    if not found:
        raise FetchRefused(f"No static file {relative!r}")
    return Path(found)


GENERATED_SCHEME = "generated:"


class SafeURLFetcher(URLFetcher):
    """WeasyPrint's fetcher, cut down to serving our static files and the resources our
    own code made for this one document (``generated:<name>``: a report's charts).

    Never calls the parent's ``fetch``: no urllib handler (file, http, ftp, data) is
    ever reached. A refused URL raises, and WeasyPrint skips that resource with a
    warning, so a PDF with an injected ``<img src="file:///…">`` still renders.
    """

    def __init__(self, *args, generated: dict[str, tuple[bytes, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.generated = generated or {}

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith(GENERATED_SCHEME):
            name = url[len(GENERATED_SCHEME) :]
            if name not in self.generated:
                raise FetchRefused(f"No generated resource {name[:80]!r}")
            body, mime_type = self.generated[name]
            return URLFetcherResponse(url, body=body, headers={"Content-Type": mime_type})
        path = static_file_for(url)
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime_type})


def html_to_pdf(
    html: str,
    *,
    generated: dict[str, tuple[bytes, str]] | None = None,
    pdf_variant: str | None = None,
) -> bytes:
    """PDF bytes from an HTML string, fetching only ``static:`` resources and the
    ``generated`` ones (name → bytes and MIME type). ``pdf_variant="pdf/ua-1"`` writes a
    tagged, accessible PDF."""
    return html_to_pdf_with_pages(html, generated=generated, pdf_variant=pdf_variant)[0]


def html_to_pdf_with_pages(
    html: str,
    *,
    generated: dict[str, tuple[bytes, str]] | None = None,
    pdf_variant: str | None = None,
) -> tuple[bytes, int]:
    """``html_to_pdf`` and the number of pages it laid out."""
    document = HTML(string=html, url_fetcher=SafeURLFetcher(generated=generated)).render(
        pdf_variant=pdf_variant
    )
    return document.write_pdf(pdf_variant=pdf_variant), len(document.pages)


def render_pdf(template_name: str, context: dict, *, language: str | None = None) -> bytes:
    """Render a template to PDF bytes, in ``language`` when given."""
    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
    return html_to_pdf(html)
