"""Recruitment: the coordinator's list of participants, registering applicants, a
participant's record and the steps on their path."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peersupport.accounts.models import Role
from peersupport.accounts.permissions import role_required
from peersupport.accounts.scoping import regions_for
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.dataprotection.actions import withdraw_consent
from peersupport.dataprotection.models import Consent, ConsentMethod, ConsentText
from peersupport.forms import add_action_error

from .. import actions
from ..actions import LIVED_EXPERIENCE
from ..forms import (
    ApplicantForm,
    ConsentRecordForm,
    ConsentWithdrawForm,
    ParticipantFilterForm,
    StatusChangeForm,
)
from ..models import ParticipantStatus
from ..permissions import (
    cohorts_visible_to,
    get_participant_for_user_or_404,
    participants_visible_to,
)

PAGE_SIZE = 50


@role_required(Role.COORDINATOR)
def participant_list(request):
    """Participants of the coordinator's regions, filtered, with a funnel count per status."""
    form = ParticipantFilterForm(
        request.GET or None,
        regions=regions_for(request.user, Role.COORDINATOR),
        cohorts=cohorts_visible_to(request.user),
    )
    participants = participants_visible_to(request.user)
    in_funnel = participants
    if form.is_valid():
        filters = form.cleaned_data
        if filters["region"]:
            participants = participants.filter(region=filters["region"])
            in_funnel = participants
        if filters["status"]:
            participants = participants.filter(status=filters["status"])
        if filters["cohort"]:
            participants = participants.filter(enrolments__cohort=filters["cohort"])
        if filters["q"]:
            query = filters["q"].strip()
            participants = participants.filter(
                Q(full_name__icontains=query) | Q(email__icontains=query)
            )
    counts = dict(
        in_funnel.order_by()
        .values("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    funnel = [
        {"status": status, "label": label, "count": counts.get(status, 0)}
        for status, label in ParticipantStatus.choices
    ]
    page = Paginator(
        participants.select_related("region").order_by("full_name", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    # Each status's words once, not get_status_display() on every row (which rebuilds the
    # choices and translates them all each time).
    labels = {status: str(label) for status, label in ParticipantStatus.choices}
    page.object_list = list(page.object_list)
    for participant in page.object_list:
        participant.status_label = labels.get(participant.status, participant.status)
    return render(
        request,
        "programmes/participant_list.html",
        {"form": form, "page": page, "funnel": funnel},
    )


@role_required(Role.COORDINATOR)
def participant_create(request):
    consent_text = ConsentText.objects.current(LIVED_EXPERIENCE)
    form = ApplicantForm(
        request.POST or None,
        regions=regions_for(request.user, Role.COORDINATOR),
        consent_version=consent_text.version if consent_text else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            participant = actions.register_applicant(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered as an applicant.") % {"name": participant.full_name},
            )
            return redirect("programmes:participant_detail", pk=participant.pk)
    return render(
        request,
        "programmes/participant_create.html",
        {"form": form, "consent_text": consent_text},
    )


@role_required(Role.COORDINATOR)
def participant_detail(request, pk: int):
    participant = get_participant_for_user_or_404(request.user, pk)
    return _render_record(request, participant, StatusChangeForm(participant=participant))


@role_required(Role.COORDINATOR)
@require_POST
def participant_status(request, pk: int):
    participant = get_participant_for_user_or_404(request.user, pk)
    form = StatusChangeForm(request.POST, participant=participant)
    if form.is_valid():
        try:
            change = actions.change_status(
                actor=request.user,
                participant=participant,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
                reason_category=form.cleaned_data["reason_category"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now %(status)s.")
                % {
                    "name": participant.full_name,
                    "status": change.get_to_status_display().lower(),
                },
            )
            return redirect("programmes:participant_detail", pk=participant.pk)
    return _render_record(request, participant, form)


@role_required(Role.COORDINATOR)
@require_POST
def participant_account(request, pk: int):
    participant = get_participant_for_user_or_404(request.user, pk)
    try:
        actions.give_account(actor=request.user, participant=participant, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is invited by e-mail to log in as a peer supporter.")
            % {"name": participant.full_name},
        )
    return redirect("programmes:participant_detail", pk=participant.pk)


@role_required(Role.COORDINATOR)
@require_POST
def participant_consent_record(request, pk: int):
    """The person declares own lived experience and consents to it being kept."""
    participant = get_participant_for_user_or_404(request.user, pk)
    form = ConsentRecordForm(request.POST, prefix="consent")
    if form.is_valid():
        try:
            actions.declare_lived_experience(
                actor=request.user,
                participant=participant,
                method=form.cleaned_data["method"],
                given_on=form.cleaned_data["given_on"],
                text_version=form.cleaned_data["text_version"],
                request=request,
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("The consent of %(name)s is recorded.") % {"name": participant.full_name},
            )
            return redirect("programmes:participant_detail", pk=participant.pk)
    return _render_record(
        request, participant, StatusChangeForm(participant=participant), consent_form=form
    )


@role_required(Role.COORDINATOR)
@require_POST
def participant_consent_withdraw(request, pk: int, consent_pk: int):
    """Withdraw one of the participant's consents; what depended on it goes at once."""
    participant = get_participant_for_user_or_404(request.user, pk)
    consent = get_object_or_404(
        Consent.objects.of_subject(participant.data_subject()).valid(), pk=consent_pk
    )
    form = ConsentWithdrawForm(request.POST, prefix=f"withdraw-{consent.purpose}")
    if form.is_valid():
        try:
            withdraw_consent(
                actor=request.user,
                consent=consent,
                method=form.cleaned_data["method"],
                request=request,
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("The consent is withdrawn, and what depended on it is removed."),
            )
            return redirect("programmes:participant_detail", pk=participant.pk)
    return _render_record(
        request,
        participant,
        StatusChangeForm(participant=participant),
        withdraw_forms={consent.pk: form},
    )


def _consent_history(consents) -> list[dict]:
    """History lines for each consent given and withdrawn, dated like status changes."""
    lines = []
    for consent in consents:
        method = ConsentMethod(consent.method).label
        lines.append(
            {
                "at": timezone.make_aware(dt.datetime.combine(consent.given_on, dt.time.min)),
                "text": _("Consent given: %(purpose)s (text version %(version)s)")
                % {"purpose": consent.purpose_title, "version": consent.text.version},
                "by": consent.recorded_by,
                "reason": method,
            }
        )
        if consent.withdrawn_at:
            lines.append(
                {
                    "at": consent.withdrawn_at,
                    "text": _(
                        "Consent withdrawn on %(date)s: %(purpose)s. What depended on it "
                        "was removed."
                    )
                    % {
                        "date": date_format(timezone.localdate(consent.withdrawn_at), "j F Y"),
                        "purpose": consent.purpose_title,
                    },
                    "by": consent.withdrawn_by,
                    "reason": ConsentMethod(consent.withdrawal_method).label,
                }
            )
    return lines


def _render_record(request, participant, status_form, *, consent_form=None, withdraw_forms=None):
    """The participant's record; every showing of it is written to the audit log."""
    record_event(actor=request.user, action=AuditAction.READ, obj=participant, request=request)
    invitations = list(
        participant.event_invitations.select_related("event").order_by("-event__starts_at")
    )
    consents = list(
        Consent.objects.of_subject(participant.data_subject())
        .select_related("text", "recorded_by", "withdrawn_by")
        .order_by("given_on", "pk")
    )
    withdraw_forms = withdraw_forms or {}
    for consent in consents:
        if consent.is_valid:
            consent.withdraw_form = withdraw_forms.get(consent.pk) or ConsentWithdrawForm(
                prefix=f"withdraw-{consent.purpose}"
            )
    lived_experience = [c for c in consents if c.purpose == LIVED_EXPERIENCE]
    valid_consent = next((c for c in lived_experience if c.is_valid), None)
    consent_text = None
    if consent_form is not None or valid_consent is None:
        consent_text = ConsentText.objects.current(LIVED_EXPERIENCE)
    if consent_form is None and valid_consent is None:
        consent_form = ConsentRecordForm(
            prefix="consent", text_version=consent_text.version if consent_text else None
        )
    status_changes = list(participant.status_changes.select_related("changed_by"))
    status_history = [
        {
            "at": change.changed_at,
            "status_change": change,
            "by": change.changed_by,
            "reason": change.reason,
        }
        for change in status_changes
    ]
    context = {
        "participant": participant,
        "status_form": status_form,
        "status_changes": status_changes,
        "history": sorted(status_history + _consent_history(consents), key=lambda line: line["at"]),
        "consents": consents,
        "lived_experience_consent": valid_consent,
        "lived_experience_withdrawn": None
        if valid_consent
        else next((c for c in reversed(lived_experience) if c.withdrawn_at), None),
        "consent_form": consent_form,
        "consent_text": consent_text,
        # Shown to the person, so in their preferred language.
        "consent_text_body": consent_text.in_language(participant.language) if consent_text else "",
        "enrolments": participant.enrolments.select_related("cohort").order_by(
            "-cohort__start_date"
        ),
        "certificates": participant.certificates.select_related("cohort"),
        "interviews": participant.interviews.select_related("interviewer"),
        "events_attended": [i for i in invitations if i.attended],
        "events_invited": [i for i in invitations if not i.attended],
    }
    return render(request, "programmes/participant_detail.html", context)
