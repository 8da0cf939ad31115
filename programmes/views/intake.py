"""Recruitment intake: the public interest form of each region, the page where coordinators
find its address, and recording an interview with an applicant.

The interest form is public (no account), so it guards itself against bots without any
third-party service: a honeypot field that people never see (a form that fills it in is
thanked and dropped), and ``INTAKE_ATTEMPTS`` forms sent per client address (default
``"5/1h"``, counted in the cache under a keyed hash, never the address itself); past that
the page answers 429 until the window has passed.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from peersupport.accounts.models import Region, Role, User
from peersupport.accounts.permissions import role_required
from peersupport.accounts.scoping import regions_for
from peersupport.audit.actions import client_ip
from peersupport.dataprotection.models import ConsentText
from peersupport.forms import add_action_error

from .. import actions
from ..actions import INTERVIEWED_STATUSES, INTERVIEWER_ROLES, LIVED_EXPERIENCE
from ..forms import HONEYPOT_FIELD, InterestForm, InterviewForm
from ..permissions import get_participant_for_user_or_404

_ATTEMPTS = re.compile(r"(\d+)/(\d+)([smh])")
_SECONDS = {"s": 1, "m": 60, "h": 3600}


def intake_attempts() -> tuple[int, int]:
    """``INTAKE_ATTEMPTS`` as (forms allowed, window in seconds)."""
    value = settings.INTAKE_ATTEMPTS
    match = _ATTEMPTS.fullmatch(str(value).strip())
    if not match:
        raise ImproperlyConfigured(
            f"INTAKE_ATTEMPTS must look like '5/1h' (forms/window), not {value!r}."
        )
    count, length, unit = match.groups()
    return int(count), int(length) * _SECONDS[unit]


def _attempts_key(request: HttpRequest) -> str:
    # A keyed hash: the cache never holds a visitor's address.
    address = client_ip(request) or "unknown"
    return f"intake-attempts:{salted_hmac('programmes.intake-attempts', address).hexdigest()}"


def _over_limit(request: HttpRequest) -> bool:
    """Count this attempt; True once the address has sent more than it may in the window."""
    key = _attempts_key(request)
    allowed, window = intake_attempts()
    cache.add(key, 0, timeout=window)
    try:
        sent = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=window)
        sent = 1
    return sent > allowed


def _form_page(request, region: Region, form, consent_text, *, status: int = 200):
    return render(
        request,
        "programmes/intake_form.html",
        {
            "region": region,
            "form": form,
            "consent_text": consent_text,
            "honeypot": form[HONEYPOT_FIELD],
        },
        status=status,
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def intake_form(request, region_code: str):
    """Public: a person interested in becoming a peer supporter in the region applies."""
    region = get_object_or_404(Region, code=region_code)
    consent_text = ConsentText.objects.current(LIVED_EXPERIENCE)
    if consent_text is None:
        # Without a published consent text the declaration cannot be kept: no form yet.
        return render(request, "programmes/intake_closed.html", {"region": region})
    if request.method != "POST":
        return _form_page(
            request, region, InterestForm(consent_version=consent_text.version), consent_text
        )
    form = InterestForm(request.POST, consent_version=consent_text.version)
    if _over_limit(request):
        _allowed, window = intake_attempts()
        return render(
            request,
            "programmes/intake_rate_limited.html",
            {"region": region, "wait_minutes": max(1, window // 60)},
            status=429,
        )
    if form.is_bot:
        return redirect("programmes:intake_thanks", region_code=region.code)
    if not form.is_valid():
        return _form_page(request, region, form, consent_text, status=400)
    try:
        actions.submit_interest(
            region=region,
            full_name=form.cleaned_data["full_name"],
            email=form.cleaned_data["email"],
            phone=form.cleaned_data["phone"],
            motivation=form.cleaned_data["motivation"],
            language=request.LANGUAGE_CODE,
            consent_version=form.cleaned_data["consent_version"],
            request=request,
        )
    except ValidationError as error:
        add_action_error(form, error)
        return _form_page(request, region, form, consent_text, status=400)
    return redirect("programmes:intake_thanks", region_code=region.code)


@login_not_required
@require_http_methods(["GET", "HEAD"])
def intake_thanks(request, region_code: str):
    """Public: the same thanks whatever happened, so the form reveals nothing of who applied."""
    region = get_object_or_404(Region, code=region_code)
    return render(request, "programmes/intake_thanks.html", {"region": region})


@role_required(Role.COORDINATOR)
def intake_links(request):
    """The address of each coordinated region's interest form, to copy into an
    advertisement, a web page or an e-mail."""
    links = [
        {
            "region": region,
            "url": request.build_absolute_uri(
                reverse("programmes:intake_form", kwargs={"region_code": region.code})
            ),
        }
        for region in regions_for(request.user, Role.COORDINATOR).order_by("name")
    ]
    return render(request, "programmes/intake_links.html", {"links": links})


def interviewers_for(participant) -> list[User]:
    return (
        User.objects.filter(
            is_active=True,
            memberships__region_id=participant.region_id,
            memberships__role__in=INTERVIEWER_ROLES,
        )
        .distinct()
        .order_by("full_name", "pk")
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "HEAD", "POST"])
def participant_interview(request, pk: int):
    """Record an interview with an applicant; its outcome moves their path."""
    participant = get_participant_for_user_or_404(request.user, pk)
    form = InterviewForm(
        request.POST or None,
        participant=participant,
        interviewers=interviewers_for(participant),
        actor=request.user,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.record_interview(
                    actor=request.user, participant=participant, **form.cleaned_data
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(
                    request,
                    _("The interview with %(name)s is recorded.") % {"name": participant.full_name},
                )
                return redirect("programmes:participant_detail", pk=participant.pk)
        status = 400
    return render(
        request,
        "programmes/participant_interview.html",
        {
            "participant": participant,
            "form": form,
            "can_interview": participant.status in INTERVIEWED_STATUSES,
        },
        status=status,
    )


urlpatterns = [
    path("apply/<slug:region_code>/", intake_form, name="intake_form"),
    path("apply/<slug:region_code>/thanks/", intake_thanks, name="intake_thanks"),
    path("participants/interest-forms/", intake_links, name="intake_links"),
    path(
        "participants/<int:pk>/interview/",
        participant_interview,
        name="participant_interview",
    ),
]
