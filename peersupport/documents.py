"""PDF rendering with WeasyPrint that never fetches anything but our own static files.

Text typed by a person ends up in documents; the fetcher makes sure it can never pull
``file://`` paths or remote content into a PDF.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

STATIC_SCHEME = "static:"


class FetchRefused(ValueError):
    pass


def safe_url_fetcher(url: str, *args, **kwargs) -> dict:
    """Serve ``static:<path>`` (our static files) only; refuse every other URL."""
    if not url.startswith(STATIC_SCHEME):
        raise FetchRefused(f"Refused to fetch {urlparse(url).scheme or 'relative'} URL in a PDF")
    relative = url[len(STATIC_SCHEME):].lstrip("/")
    if ".." in Path(relative).parts:
        raise FetchRefused("Refused a path outside the static files")
    found = finders.find(relative)
    if not found:
        raise FetchRefused(f"No static file {relative}")
    return {
        "string": Path(found).read_bytes(),
        "mime_type": mimetypes.guess_type(found)[0] or "application/octet-stream",
    }


def render_pdf(template_name: str, context: dict, *, language: str | None = None) -> bytes:
    """Render a template to PDF bytes, in ``language`` when given."""
    from weasyprint import HTML

    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
    return HTML(string=html, url_fetcher=safe_url_fetcher, base_url=STATIC_SCHEME).write_pdf()
