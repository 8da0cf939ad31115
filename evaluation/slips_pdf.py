"""The printed invitation slips: eight to an A4 page, with cut lines, a QR code and the code.

Each slip carries everything a service user or a member of staff needs and nothing about
them: why (anonymous, voluntary, a few minutes), the QR code that opens the code page with
the code filled in, the address to type instead, the code and the last day to answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from .models import CODE_LENGTH, RespondentGroup, SlipBatch

SLIP_TEMPLATE = "evaluation/slip_sheet.html"
SLIPS_PER_PAGE = 8


def format_code(code: str) -> str:
    """``ABCDEFGH`` as ``ABCD-EFGH``: two groups of four are read and typed without slips."""
    half = CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}" if len(code) == CODE_LENGTH else code


def code_page_url() -> str:
    """The address printed for typing the code by hand."""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('evaluation:code_entry')}"


def code_link_url(code: str) -> str:
    """The QR code's target: the code page with the code filled in (it does not redeem)."""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('evaluation:code_link', args=[code])}"


def qr_svg(url: str) -> SafeString:
    # Error correction M survives a crease or a smudge; the SVG scales with its box.
    svg = segno.make(url, error="m").svg_inline(scale=1, border=0, omitsize=True)
    return mark_safe(svg)  # noqa: S308 – segno's own markup, the URL is percent-safe ASCII


def last_answer_day(closes_at: dt.datetime) -> dt.date:
    """The last day one can answer: ``closes_at`` is exclusive, often midnight after it."""
    return timezone.localtime(closes_at - dt.timedelta(microseconds=1)).date()


@dataclass(frozen=True)
class Slip:
    code: str
    qr: SafeString
    last_day: dt.date


def slip_pages(batch: SlipBatch) -> list[list[Slip]]:
    invitations = batch.invitations.order_by("pk").only("code", "closes_at")
    slips = [
        Slip(
            code=format_code(invitation.code),
            qr=qr_svg(code_link_url(invitation.code)),
            last_day=last_answer_day(invitation.closes_at),
        )
        for invitation in invitations
    ]
    return [slips[start : start + SLIPS_PER_PAGE] for start in range(0, len(slips), SLIPS_PER_PAGE)]


def slip_context(batch: SlipBatch) -> dict:
    """``batch`` comes with its wave, study and workplace selected."""
    return {
        "batch": batch,
        "pages": slip_pages(batch),
        "for_staff": batch.wave.group == RespondentGroup.WORKPLACE_STAFF,
        "code_page": code_page_url(),
    }


def render_slips_pdf(batch: SlipBatch) -> bytes:
    """The batch's slips, in Swedish with short English lines under each text."""
    # WeasyPrint takes over a second to import; only processes that make PDFs pay it.
    from peersupport.documents import render_pdf

    return render_pdf(SLIP_TEMPLATE, slip_context(batch), language="sv")


def slips_filename(batch: SlipBatch) -> str:
    """The download's name. ``batch`` comes with its workplace selected."""
    return f"enkatlappar-{slugify(batch.workplace.name) or 'arbetsplats'}-{batch.pk}.pdf"
