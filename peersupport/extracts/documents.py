"""The register extract as a PDF (WeasyPrint, fetching nothing but our static files)."""

from __future__ import annotations

from .content import Content

EXTRACT_TEMPLATE = "extracts/documents/extract.html"


def render_extract_pdf(content: Content) -> bytes:
    # WeasyPrint takes over a second to import; only processes that make PDFs pay it.
    from peersupport.documents import render_pdf

    return render_pdf(EXTRACT_TEMPLATE, {"content": content}, language=content.language)
