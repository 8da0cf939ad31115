"""The PDF fetcher serves our static files and nothing else."""

from __future__ import annotations

import subprocess
import urllib.request

import pytest

from peersupport import documents
from peersupport.documents import FetchRefused, SafeURLFetcher, html_to_pdf
from tests.services import require_executable

PDFTOTEXT = "/usr/bin/pdftotext"


def pdf_text(pdf: bytes) -> str:
    require_executable(PDFTOTEXT)
    return subprocess.run(
        [PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_the_fetcher_serves_a_static_stylesheet_as_css():
    """static:css/certificate.css is read from our static files, typed text/css."""
    response = SafeURLFetcher().fetch("static:css/certificate.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.org/x.png",
        "https://example.org/x.css",
        "data:text/css,body{color:red}",
        "ftp://example.org/x",
        "css/certificate.css",
        "/etc/passwd",
        "static:../peersupport/settings.py",
        "static:css/../../peersupport/settings.py",
        "static:/etc/passwd",
        "static:",
        "static:css/no-such-file.css",
    ],
)
def test_the_fetcher_refuses_everything_else(url):
    """Other schemes, relative paths and paths that climb out of static are refused."""
    with pytest.raises(FetchRefused):
        SafeURLFetcher().fetch(url)


@pytest.fixture
def fetched(monkeypatch):
    """The URLs the PDF fetcher was asked for and what it served; any real urllib
    request (file, http, data …) fails the test."""
    log = {"asked": [], "served": []}
    serve = SafeURLFetcher.fetch

    def recording_fetch(self, url, headers=None):
        log["asked"].append(url)
        response = serve(self, url, headers)
        log["served"].append(url)
        return response

    def no_urllib(*args, **kwargs):
        raise AssertionError("The PDF renderer opened a URL through urllib")

    monkeypatch.setattr(SafeURLFetcher, "fetch", recording_fetch)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_urllib)
    monkeypatch.setattr(urllib.request, "urlopen", no_urllib)
    return log


def test_a_pdf_with_hostile_references_renders_and_fetches_nothing(fetched):
    """An injected file:// image and remote stylesheet are skipped; the PDF still renders."""
    pdf = html_to_pdf(
        """<html><head>
        <link rel="stylesheet" href="static:css/certificate.css">
        <link rel="stylesheet" href="http://example.org/x.css">
        </head><body>
        <p>Intyg för Åsa Öberg</p>
        <img src="file:///etc/passwd" alt="">
        <img src="http://example.org/x.png" alt="">
        <p style="background: url(file:///etc/shadow)">slut</p>
        </body></html>"""
    )
    assert pdf.startswith(b"%PDF-")
    assert "Intyg för Åsa Öberg" in pdf_text(pdf)
    assert fetched["served"] == ["static:css/certificate.css"]
    assert "file:///etc/passwd" in fetched["asked"]
    assert "http://example.org/x.css" in fetched["asked"]
    assert b"root:" not in pdf


def test_render_pdf_renders_a_template_in_the_given_language(settings, tmp_path):
    """render_pdf renders the template under the language asked for."""
    (tmp_path / "pdf_language.html").write_text(
        "{% load i18n %}{% get_current_language as LANG %}<p>lang={{ LANG }}</p>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    assert "lang=en" in pdf_text(documents.render_pdf("pdf_language.html", {}, language="en"))
    assert "lang=sv" in pdf_text(documents.render_pdf("pdf_language.html", {}))
