"""Printed invitation slips for the anonymous groups (service users, workplace staff):
printing a batch, writing its PDF and redeeming a slip's code.

A slip invitation holds the wave, the workplace and its region, the code and the window:
nothing about the person who answers. Redeeming a code is logged nowhere, so not even the
address it came from is kept.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from workplaces.models import Workplace

from ..anchors import open_anonymous_windows
from ..models import CODE_ALPHABET, CODE_LENGTH, Invitation, SlipBatch, Wave, new_code
from ..permissions import slip_groups_at

# Imported so the task is registered wherever slips can be printed.
from ..slip_tasks import write_slips_pdf_task
from .answering import LANGUAGE_CODES, LinkState, link_state

MAX_SLIPS = 200
# A collision of two fresh 8-character codes (31^8 possibilities) is rare; one between two
# batches printed at the same moment rarer still. A few tries settle both.
PRINT_ATTEMPTS = 3
# A PDF not written this long after the batch was made was lost (the worker failed or the
# broker dropped the task): the batch page then offers to write it again.
PDF_LOST_AFTER = dt.timedelta(minutes=5)

UNKNOWN_CODE = _(
    "There is no survey with this code. Check that you typed it as it is printed on the slip."
)


def _fresh_codes(count: int) -> list[str]:
    """``count`` distinct codes that no invitation has yet."""
    codes: set[str] = set()
    while len(codes) < count:
        candidates = {new_code() for _ in range(count - len(codes))} - codes
        taken = set(Invitation.objects.filter(code__in=candidates).values_list("code", flat=True))
        codes |= candidates - taken
    return sorted(codes)


@transaction.atomic
def print_slips(
    *,
    actor,
    wave: Wave,
    workplace: Workplace,
    size: int,
    request: HttpRequest | None = None,
) -> SlipBatch:
    """Make a batch of ``size`` slip invitations for ``wave`` at ``workplace``; a worker
    writes their PDF once the batch is saved.

    Peer supporters placed at the workplace print for service users, its unit managers
    and the region's coordinators for both anonymous groups. Refused when the wave is not
    open for slips at the workplace now.
    """
    if wave.group not in slip_groups_at(actor, workplace):
        raise ValidationError(
            _("You may not print slips for this survey at this workplace."), code="forbidden"
        )
    if not 1 <= size <= MAX_SLIPS:
        raise ValidationError(
            _("Print between 1 and %(max)d slips at a time.") % {"max": MAX_SLIPS}, code="size"
        )
    windows = {
        open_wave.pk: (opens_at, closes_at)
        for open_wave, opens_at, closes_at in open_anonymous_windows(workplace)
    }
    if wave.pk not in windows:
        raise ValidationError(
            _("This survey is not open for slips at this workplace now."), code="not_open"
        )
    opens_at, closes_at = windows[wave.pk]
    batch = SlipBatch.objects.create(wave=wave, workplace=workplace, size=size, created_by=actor)
    for attempt in range(PRINT_ATTEMPTS):
        invitations = [
            Invitation(
                wave=wave,
                region_id=workplace.region_id,
                workplace=workplace,
                slip_batch=batch,
                anchor_key=f"slip:{code}",
                code=code,
                opens_at=opens_at,
                closes_at=closes_at,
            )
            for code in _fresh_codes(size)
        ]
        try:
            with transaction.atomic():
                Invitation.objects.bulk_create(invitations)
            break
        except IntegrityError:
            if attempt == PRINT_ATTEMPTS - 1:
                raise
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=batch,
        request=request,
        detail={"slip_batch": "printed", "slips": size, "wave": wave.pk},
    )
    queue_slips_pdf(batch=batch)
    return batch


def queue_slips_pdf(*, batch: SlipBatch) -> None:
    """Have a worker write the batch's PDF once the transaction commits."""
    transaction.on_commit(lambda: write_slips_pdf_task.delay(batch.pk))


def pdf_is_lost(batch: SlipBatch, now: dt.datetime | None = None) -> bool:
    """The PDF should long have been written: it may be asked for again."""
    return not batch.pdf and (now or timezone.now()) - batch.created_at > PDF_LOST_AFTER


@transaction.atomic
def rewrite_slips_pdf(*, actor, batch: SlipBatch, request: HttpRequest | None = None) -> None:
    """Ask again for a PDF that was never written (see ``pdf_is_lost``)."""
    if not pdf_is_lost(batch):
        raise ValidationError(
            _("The PDF is already written, or is still being written."), code="not_lost"
        )
    record_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=batch,
        request=request,
        detail={"slip_batch": "pdf asked for again"},
    )
    queue_slips_pdf(batch=batch)


def write_slips_pdf(*, batch_id: int) -> SlipBatch | None:
    """Write the batch's PDF (run by the worker). A task delivered twice writes it once:
    the file is kept only if the batch has none yet when the rendering is done."""
    from ..slips_pdf import render_slips_pdf

    batch = (
        SlipBatch.objects.select_related("wave__study", "workplace")
        .filter(pk=batch_id, pdf="")
        .first()
    )
    if batch is None:
        return None
    pdf = render_slips_pdf(batch)
    with transaction.atomic():
        locked = SlipBatch.objects.select_for_update().filter(pk=batch_id, pdf="").first()
        if locked is None:
            return None
        # A random part: the file's name never lets anyone guess another batch's.
        name = f"slips-{batch_id}-{get_random_string(12).lower()}.pdf"
        locked.pdf.save(name, ContentFile(pdf), save=False)
        locked.save(update_fields=["pdf"])
    return locked


def record_pdf_download(*, actor, batch: SlipBatch, request: HttpRequest) -> None:
    """The PDF holds codes that open the survey: every download goes to the audit log."""
    record_event(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=batch,
        request=request,
        detail={"slip_batch": "pdf", "slips": batch.size},
    )


def normalise_code(raw: str) -> str:
    """The code as stored: upper case, without the spaces and dashes people type."""
    return re.sub(r"[\s\-‐‑–—]", "", raw).upper()


def is_well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(char in CODE_ALPHABET for char in code)


@transaction.atomic
def redeem_code(*, code: str, language: str | None = None) -> Invitation:
    """Open the survey of a slip: the code works once, and the respondent goes on through
    the invitation's personal link, in ``language`` (the page's) when given.

    Refused with a message the respondent understands when the code is unknown, already
    used, or its survey is not open. Nothing about who typed it is recorded.
    """
    normalised = normalise_code(code)
    if not is_well_formed(normalised):
        raise ValidationError(UNKNOWN_CODE, code="unknown")
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("wave__study")
        .filter(code=normalised)
        .first()
    )
    if invitation is None:
        raise ValidationError(UNKNOWN_CODE, code="unknown")
    if invitation.code_used_at is not None:
        raise ValidationError(
            _(
                "This code has already been used: each code works once. If you have started "
                "answering, go back to the survey's page, for example through your browser's "
                "history."
            ),
            code="used",
        )
    state = link_state(invitation)
    if state == LinkState.NOT_OPEN:
        opens = formats.date_format(timezone.localtime(invitation.opens_at), "j F Y")
        raise ValidationError(
            _("The survey opens on %(date)s. Welcome back then!") % {"date": opens},
            code="not_open",
        )
    if state != LinkState.CONSENT:
        raise ValidationError(
            _("The survey on this slip has closed. Thank you for wanting to answer!"),
            code="closed",
        )
    invitation.code_used_at = timezone.now()
    if language in LANGUAGE_CODES:
        invitation.language = language
    invitation.save(update_fields=["code_used_at", "language"])
    return invitation
