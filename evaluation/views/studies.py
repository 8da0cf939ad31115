"""Studies and waves: researchers (and admins) build them; coordinators look on.

The pages show how many invitations a wave has in each state, never who was invited:
counts outside the coordinator's own regions go through the small-numbers rule.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from peersupport import smallnumbers
from peersupport.accounts.models import Region, Role
from peersupport.accounts.scoping import region_ids_for
from peersupport.forms import add_action_error

from ..actions import studies as actions
from ..documents import information_pdf_filename, render_information_pdf
from ..models import (
    InvitationStatus,
    StudyInformation,
    StudyStatus,
    Wave,
    WaveInstrument,
)
from ..permissions import (
    can_edit_study,
    can_manage_evaluation,
    get_study_for_user_or_404,
    invitations_for_results,
    may_export,
    may_see_results,
    result_region_ids,
    studies_visible_to,
)
from ..study_forms import InformationForm, StudyForm, WaveForm

LANGUAGES = ("sv", "en")
# The columns of a wave's invitation counts, in the order a respondent moves through them.
STATUS_COLUMNS = [
    InvitationStatus.PENDING,
    InvitationStatus.STARTED,
    InvitationStatus.COMPLETED,
    InvitationStatus.DECLINED,
    InvitationStatus.WITHDRAWN,
    InvitationStatus.CANCELLED,
]
WAVE_FORM_FIELDS = (
    "name",
    "group",
    "anchor",
    "offset_months",
    "offset_days",
    "window_days",
    "opens_on",
    "closes_on",
    "max_reminders",
    "reminder_interval_days",
    "target_response_rate",
)


def _readers_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_see_results(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _managers_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_manage_evaluation(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _regions_for_study(user):
    if user.is_superuser:
        return Region.objects.order_by("name")
    return Region.objects.filter(pk__in=region_ids_for(user, Role.RESEARCHER)).order_by("name")


def _get_wave_for_user_or_404(user, pk: int) -> Wave:
    return get_object_or_404(
        Wave.objects.filter(study__in=studies_visible_to(user)).select_related("study"), pk=pk
    )


def _counts_are_protected(user) -> bool:
    """Figures are shown as they are only to a coordinator of every region they cover."""
    region_ids = result_region_ids(user)
    if region_ids is None:
        return True
    return not region_ids <= region_ids_for(user, Role.COORDINATOR)


# Studies ----------------------------------------------------------------------------------


@_readers_only
def study_list(request):
    studies = (
        studies_visible_to(request.user)
        .annotate(wave_count=Count("waves", distinct=True))
        .prefetch_related(Prefetch("regions", queryset=Region.objects.order_by("name")))
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "evaluation/study_list.html",
        {"studies": studies, "can_manage": can_manage_evaluation(request.user)},
    )


@_managers_only
def study_create(request):
    form = StudyForm(
        request.POST or None,
        regions=_regions_for_study(request.user),
        submit_label=_("Create study"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            study = actions.create_study(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request, _("The study is created. Add its waves and information text next.")
            )
            return redirect("evaluation:study_detail", pk=study.pk)
    return render(request, "evaluation/study_form.html", {"form": form, "study": None})


@_readers_only
def study_detail(request, pk: int):
    study = get_study_for_user_or_404(request.user, pk)
    waves = list(
        study.waves.prefetch_related(
            Prefetch(
                "wave_instruments",
                queryset=WaveInstrument.objects.select_related(
                    "instrument_version__instrument"
                ).order_by("position", "pk"),
            )
        ).order_by("position", "pk")
    )
    counts: dict[tuple[int, str], int] = {
        (row["wave_id"], row["status"]): row["count"]
        for row in invitations_for_results(request.user, study)
        .order_by()
        .values("wave_id", "status")
        .annotate(count=Count("pk"))
    }
    table = smallnumbers.protect_table(
        [[counts.get((wave.pk, status), 0) for status in STATUS_COLUMNS] for wave in waves],
        protect=_counts_are_protected(request.user),
    )
    for wave, cells, total in zip(waves, table.cells, table.row_totals, strict=True):
        wave.status_counts = cells
        wave.invitation_total = total
    return render(
        request,
        "evaluation/study_detail.html",
        {
            "study": study,
            "regions": list(study.regions.order_by("name")),
            "waves": waves,
            "status_labels": [InvitationStatus(status).label for status in STATUS_COLUMNS],
            "information_versions": list(study.information.order_by("-version")),
            "can_edit": can_edit_study(request.user, study),
            "can_export": may_export(request.user),
            "is_draft": study.status == StudyStatus.DRAFT,
            "is_open": study.status == StudyStatus.OPEN,
        },
    )


@_managers_only
def study_edit(request, pk: int):
    study = get_study_for_user_or_404(request.user, pk)
    initial = {
        "name": study.name,
        "description": study.description,
        "regions": list(study.regions.all()),
        "allows_free_text": study.allows_free_text,
    }
    form = StudyForm(
        request.POST or None,
        initial=initial,
        regions=_regions_for_study(request.user),
        submit_label=_("Save"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_study(actor=request.user, study=study, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The study is saved."))
            return redirect("evaluation:study_detail", pk=study.pk)
    return render(request, "evaluation/study_form.html", {"form": form, "study": study})


@_managers_only
def study_information(request, pk: int):
    study = get_study_for_user_or_404(request.user, pk)
    current = study.information.current()
    initial = {"text_sv": current.text_sv, "text_en": current.text_en} if current else {}
    form = InformationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            information = actions.publish_information(
                actor=request.user, study=study, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("Version %(version)s of the information is published.")
                % {"version": information.version},
            )
            return redirect("evaluation:study_detail", pk=study.pk)
    return render(
        request,
        "evaluation/study_information.html",
        {"form": form, "study": study, "current": current},
    )


@_readers_only
def study_information_pdf(request, pk: int, lang: str):
    if lang not in LANGUAGES:
        raise Http404
    information = get_object_or_404(
        StudyInformation.objects.filter(
            study__in=studies_visible_to(request.user), published_at__isnull=False
        ).select_related("study"),
        pk=pk,
    )
    stored = getattr(information, f"pdf_{lang}")
    if stored:
        with stored.open("rb") as pdf:
            content = pdf.read()
    else:
        # Written when the version was published; rows made another way get it now.
        content = render_information_pdf(information, lang)
    response = HttpResponse(content, content_type="application/pdf")
    filename = information_pdf_filename(information, lang)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@_managers_only
@require_POST
def study_open(request, pk: int):
    study = get_study_for_user_or_404(request.user, pk)
    try:
        made = actions.open_study(actor=request.user, study=study)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "The study is open; %(count)d invitation was made at once.",
                "The study is open; %(count)d invitations were made at once.",
                made,
            )
            % {"count": made},
        )
    return redirect("evaluation:study_detail", pk=study.pk)


@_managers_only
@require_POST
def study_close(request, pk: int):
    study = get_study_for_user_or_404(request.user, pk)
    try:
        actions.close_study(actor=request.user, study=study)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The study is closed. No more invitations or reminders."))
    return redirect("evaluation:study_detail", pk=study.pk)


# Waves ------------------------------------------------------------------------------------


def _wave_arguments(form: WaveForm) -> dict:
    arguments = {field: form.cleaned_data[field] for field in WAVE_FORM_FIELDS}
    arguments["instruments"] = form.ordered_instruments()
    return arguments


@_managers_only
def wave_create(request, pk: int):
    study = get_study_for_user_or_404(request.user, pk)
    form = WaveForm(request.POST or None, submit_label=_("Add wave"))
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_wave(actor=request.user, study=study, **_wave_arguments(form))
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The wave is added."))
            return redirect("evaluation:study_detail", pk=study.pk)
    return render(request, "evaluation/wave_form.html", {"form": form, "study": study})


@_managers_only
def wave_edit(request, pk: int):
    wave = _get_wave_for_user_or_404(request.user, pk)
    initial = {field: getattr(wave, field) for field in WAVE_FORM_FIELDS}
    initial["instruments"] = [
        row.instrument_version_id for row in wave.wave_instruments.order_by("position")
    ]
    form = WaveForm(request.POST or None, initial=initial, submit_label=_("Save"))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_wave(actor=request.user, wave=wave, **_wave_arguments(form))
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The wave is saved."))
            return redirect("evaluation:study_detail", pk=wave.study_id)
    return render(
        request, "evaluation/wave_form.html", {"form": form, "study": wave.study, "wave": wave}
    )


@_managers_only
@require_POST
def wave_close(request, pk: int):
    wave = _get_wave_for_user_or_404(request.user, pk)
    try:
        actions.close_wave(actor=request.user, wave=wave)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The wave is closed; its reminders not yet sent are withdrawn.")
        )
    return redirect("evaluation:study_detail", pk=wave.study_id)


urlpatterns = [
    path("studies/", study_list, name="study_list"),
    path("studies/new/", study_create, name="study_create"),
    path("studies/<int:pk>/", study_detail, name="study_detail"),
    path("studies/<int:pk>/edit/", study_edit, name="study_edit"),
    path("studies/<int:pk>/information/", study_information, name="study_information"),
    path(
        "studies/information/<int:pk>/<str:lang>.pdf",
        study_information_pdf,
        name="study_information_pdf",
    ),
    path("studies/<int:pk>/open/", study_open, name="study_open"),
    path("studies/<int:pk>/close/", study_close, name="study_close"),
    path("studies/<int:pk>/waves/new/", wave_create, name="wave_create"),
    path("waves/<int:pk>/edit/", wave_edit, name="wave_edit"),
    path("waves/<int:pk>/close/", wave_close, name="wave_close"),
]
