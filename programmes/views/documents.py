"""Certificates: the PDF, reissuing, and the public verification page."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from peersupport.accounts.models import Role
from peersupport.accounts.permissions import role_required

from .. import actions
from ..documents import certificate_filename, render_certificate_pdf
from ..forms import CertificateVerifyForm
from ..permissions import (
    can_manage_region,
    certificate_code_is_valid,
    get_certificate_for_user_or_404,
)

# Checks of codes per client address and minute: plenty for a person, useless for guessing.
VERIFY_RATE_LIMIT = 30
VERIFY_RATE_WINDOW = 60


@require_GET
def certificate_pdf(request, pk: int):
    """The trainee's own certificate, or any of the region's for its coordinator.

    GET only: each download is written to the audit log, which a HEAD must not do.
    """
    certificate = get_certificate_for_user_or_404(request.user, pk)
    pdf = render_certificate_pdf(certificate)
    actions.record_certificate_download(
        actor=request.user, certificate=certificate, request=request
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=certificate_filename(certificate)
    )
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(Role.COORDINATOR)
@require_POST
def certificate_reissue(request, pk: int):
    certificate = get_certificate_for_user_or_404(request.user, pk)
    if not can_manage_region(request.user, certificate.participant.region):
        raise Http404
    try:
        new = actions.reissue_certificate(actor=request.user, certificate=certificate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "A new certificate with the code %(new)s is issued. The old code %(old)s no "
                "longer verifies."
            )
            % {"new": new.code, "old": certificate.code},
        )
    return redirect("programmes:participant_detail", pk=certificate.participant_id)


def _verification_allowed(request) -> bool:
    """Count one check for the client's address; False once it is over the limit."""
    window_key = f"certificate-verify:{get_adapter().get_client_ip(request)}"
    cache.add(window_key, 0, timeout=VERIFY_RATE_WINDOW)
    try:
        checks = cache.incr(window_key)
    except ValueError:  # the window expired between add and incr
        cache.add(window_key, 1, timeout=VERIFY_RATE_WINDOW)
        checks = 1
    return checks <= VERIFY_RATE_LIMIT


@login_not_required
@never_cache
@require_safe
def certificate_verify(request):
    """Public: is there a valid certificate with this code? Shows nothing else.

    The form submits with GET, so the link printed on a certificate (``?code=…``) and
    the form are one and the same.
    """
    form = CertificateVerifyForm(request.GET if "code" in request.GET else None)
    result = None
    status = 200
    if form.is_bound:
        if not _verification_allowed(request):
            status = 429
            result = "rate_limited"
        elif form.is_valid():
            result = "valid" if certificate_code_is_valid(form.cleaned_data["code"]) else "invalid"
    return render(
        request,
        "programmes/certificate_verify.html",
        {"form": form, "result": result},
        status=status,
    )
