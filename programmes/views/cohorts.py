"""Course cohorts: schedule, enrolment, the attendance grid, certification and closing."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_POST

from peersupport.accounts.models import Role
from peersupport.accounts.permissions import role_required
from peersupport.accounts.scoping import regions_for
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.forms import add_action_error

from .. import actions
from ..completion import Progress, Standing, cohort_progress
from ..forms import (
    AttendanceForm,
    CertifyForm,
    CohortCreateForm,
    CohortDetailsForm,
    CourseSessionForm,
    EnrolForm,
    WithdrawForm,
)
from ..models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    ParticipantStatus,
)
from ..permissions import (
    cohorts_visible_to,
    get_cohort_for_user_or_404,
    get_enrolment_for_user_or_404,
    get_session_for_user_or_404,
    participants_visible_to,
    templates_visible_to,
)

coordinator_required = role_required(Role.COORDINATOR)


@dataclass(frozen=True)
class CellState:
    """How one attendance state looks in the grid: a letter, its full text, a colour."""

    abbreviation: str
    label: str
    css: str


CELL_STATES = {
    "": CellState(
        pgettext_lazy("attendance not recorded", "–"),
        gettext_lazy("Not recorded"),
        "btn-outline-secondary",
    ),
    AttendanceStatus.PRESENT: CellState(
        pgettext_lazy("attendance: present, one letter", "P"),
        AttendanceStatus.PRESENT.label,
        "btn-success",
    ),
    AttendanceStatus.ABSENT: CellState(
        pgettext_lazy("attendance: absent, one letter", "A"),
        AttendanceStatus.ABSENT.label,
        "btn-danger",
    ),
    AttendanceStatus.EXCUSED: CellState(
        pgettext_lazy("attendance: excused absence, one letter", "E"),
        AttendanceStatus.EXCUSED.label,
        "btn-warning",
    ),
}

STANDING_CSS = {
    Standing.ON_TRACK: "text-bg-primary",
    Standing.AT_RISK: "text-bg-danger",
    Standing.COMPLETE: "text-bg-success",
}


def _days_summary(progress: Progress) -> str:
    return _("%(present)s of %(required)s days") % {
        "present": progress.present,
        "required": progress.days_required,
    }


def _current_certificates(cohort: Cohort) -> dict[int, object]:
    return {c.participant_id: c for c in cohort.certificates.filter(replaced_at__isnull=True)}


# Cohorts ----------------------------------------------------------------------------------


@coordinator_required
def cohort_list(request):
    cohorts = (
        cohorts_visible_to(request.user)
        .select_related("region")
        .annotate(
            enrolled_count=Count(
                "enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)
            ),
            waiting_count=Count(
                "enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)
            ),
        )
        .order_by("-start_date", "name")
    )
    page = Paginator(cohorts, 50).get_page(request.GET.get("page"))
    return render(request, "programmes/cohort_list.html", {"page": page})


@coordinator_required
def cohort_create(request):
    form = CohortCreateForm(
        request.POST if request.method == "POST" else None,
        regions=regions_for(request.user, Role.COORDINATOR),
        templates=templates_visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            cohort = actions.create_cohort(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is created with %(count)s course days from %(start)s to %(end)s.")
                % {
                    "name": cohort.name,
                    "count": cohort.sessions.count(),
                    "start": date_format(cohort.start_date, "j F Y"),
                    "end": date_format(cohort.end_date, "j F Y"),
                },
            )
            return redirect("programmes:cohort_detail", pk=cohort.pk)
    return render(request, "programmes/cohort_form.html", {"form": form, "cohort": None})


@coordinator_required
def cohort_detail(request, pk: int):
    cohort = get_cohort_for_user_or_404(request.user, pk)
    record_event(actor=request.user, action=AuditAction.READ, obj=cohort, request=request)
    # One query for every enrolment (the trainees by name, the others split off below) and
    # one for the attendance, which also says whether any has been recorded.
    sessions = list(cohort.sessions.prefetch_related("modules"))
    everyone = list(
        cohort.enrolments.select_related("participant").order_by("participant__full_name", "pk")
    )
    enrolments = [e for e in everyone if e.status == EnrolmentStatus.ENROLLED]
    attendances = list(
        Attendance.objects.filter(session__cohort=cohort).only(
            "enrolment_id", "session_id", "status"
        )
    )
    progress = cohort_progress(cohort, sessions, enrolments, attendances)
    certificates = _current_certificates(cohort)
    trainees = [
        {
            "enrolment": enrolment,
            "progress": progress[enrolment.pk],
            "standing_css": STANDING_CSS[progress[enrolment.pk].standing],
            "certificate": certificates.get(enrolment.participant_id),
        }
        for enrolment in enrolments
    ]
    others = sorted(
        (e for e in everyone if e.status != EnrolmentStatus.ENROLLED),
        key=lambda e: (e.created_at, e.pk),
    )
    context = {
        "cohort": cohort,
        "sessions": sessions,
        "trainees": trainees,
        "waiting": [e for e in others if e.status == EnrolmentStatus.WAITLISTED],
        "withdrawn": [e for e in others if e.status == EnrolmentStatus.WITHDRAWN],
        "complete_count": sum(p.is_complete for p in progress.values()),
        "attendance_recorded": bool(attendances),
        "enrol_form": None if cohort.is_closed else _enrol_form(request, cohort),
    }
    return render(request, "programmes/cohort_detail.html", context)


@coordinator_required
def cohort_edit(request, pk: int):
    cohort = get_cohort_for_user_or_404(request.user, pk)
    form = CohortDetailsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "name": cohort.name,
            "venue": cohort.venue,
            "capacity": cohort.capacity,
            "trainers": cohort.trainers,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_cohort(actor=request.user, cohort=cohort, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The cohort is saved."))
            return redirect("programmes:cohort_detail", pk=cohort.pk)
    return render(request, "programmes/cohort_form.html", {"form": form, "cohort": cohort})


@require_POST
@coordinator_required
def cohort_schedule(request, pk: int):
    """Regenerate the schedule from the template (only before any attendance)."""
    cohort = get_cohort_for_user_or_404(request.user, pk)
    try:
        sessions = actions.generate_schedule(actor=request.user, cohort=cohort)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The schedule is generated again: %(count)s course days from %(start)s to %(end)s.")
            % {
                "count": len(sessions),
                "start": date_format(sessions[0].date, "j F Y"),
                "end": date_format(sessions[-1].date, "j F Y"),
            },
        )
    return redirect(reverse("programmes:cohort_detail", kwargs={"pk": cohort.pk}) + "#schedule")


@coordinator_required
def session_edit(request, pk: int):
    session = get_session_for_user_or_404(request.user, pk)
    form = CourseSessionForm(
        request.POST if request.method == "POST" else None,
        initial={
            "date": session.date,
            "start_time": session.start_time,
            "end_time": session.end_time,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_session(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("Course day %(number)s is now on %(date)s.")
                % {"number": session.day_number, "date": date_format(session.date, "l j F Y")},
            )
            return redirect(
                reverse("programmes:cohort_detail", kwargs={"pk": session.cohort_id}) + "#schedule"
            )
    return render(
        request,
        "programmes/session_edit.html",
        {"form": form, "session": session, "cohort": session.cohort},
    )


# Enrolment --------------------------------------------------------------------------------


def _enrol_form(request, cohort: Cohort) -> EnrolForm:
    in_region = participants_visible_to(request.user).filter(region=cohort.region_id)
    eligible = (
        in_region.with_status(ParticipantStatus.ACCEPTED, ParticipantStatus.TRAINEE)
        .exclude(
            pk__in=cohort.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN).values(
                "participant_id"
            )
        )
        .order_by("full_name")
    )
    return EnrolForm(
        request.POST if request.method == "POST" else None,
        participants=in_region,
        eligible=eligible,
        action=reverse("programmes:cohort_enrol", kwargs={"pk": cohort.pk}),
    )


@coordinator_required
def cohort_enrol(request, pk: int):
    cohort = get_cohort_for_user_or_404(request.user, pk)
    form = _enrol_form(request, cohort)
    if request.method == "POST" and form.is_valid():
        participant = form.cleaned_data["participant"]
        try:
            enrolment = actions.enrol(actor=request.user, cohort=cohort, participant=participant)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            if enrolment.status == EnrolmentStatus.ENROLLED:
                messages.success(
                    request, _("%(name)s is enrolled.") % {"name": participant.full_name}
                )
            else:
                place = cohort.enrolments.filter(
                    status=EnrolmentStatus.WAITLISTED, created_at__lte=enrolment.created_at
                ).count()
                messages.warning(
                    request,
                    _(
                        "The cohort is full, so %(name)s is on the waiting list (place "
                        "%(place)s). They move up when someone withdraws."
                    )
                    % {"name": participant.full_name, "place": place},
                )
            return redirect(
                reverse("programmes:cohort_detail", kwargs={"pk": cohort.pk}) + "#trainees"
            )
    return render(request, "programmes/cohort_enrol.html", {"form": form, "cohort": cohort})


@coordinator_required
def enrolment_withdraw(request, pk: int, enrolment_pk: int):
    cohort = get_cohort_for_user_or_404(request.user, pk)
    enrolment = get_enrolment_for_user_or_404(request.user, cohort, enrolment_pk)
    name = enrolment.participant.full_name
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        messages.info(request, _("%(name)s is already withdrawn.") % {"name": name})
        return redirect("programmes:cohort_detail", pk=cohort.pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            moved_up = actions.withdraw(
                actor=request.user, enrolment=enrolment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            message = _("%(name)s is withdrawn from the cohort.") % {"name": name}
            if moved_up:
                message += " " + _(
                    "%(next)s moved up from the waiting list and is now enrolled."
                ) % {"next": moved_up.participant.full_name}
            messages.success(request, message)
            return redirect(
                reverse("programmes:cohort_detail", kwargs={"pk": cohort.pk}) + "#trainees"
            )
    return render(
        request,
        "programmes/enrolment_withdraw.html",
        {"form": form, "cohort": cohort, "enrolment": enrolment},
    )


# Attendance -------------------------------------------------------------------------------


# A cell of the grid, made here rather than in the template: a cohort's grid has hundreds
# of cells, and a dozen template lookups, escapes and a date filter per cell were most of
# the page's time. The grid's script reads and changes this markup
# (static/js/attendance-grid.js). Every part is escaped where it is made.
CELL_HTML = (
    '<td class="text-center"><button type="button" class="btn btn-sm attendance-cell {css}"'
    ' disabled data-session="{session}" data-status="{status}" data-reason="{reason}"{title}>'
    '<span class="attendance-abbreviation" aria-hidden="true">{abbreviation}</span>'
    '<span class="visually-hidden"><span class="attendance-label">{label}</span>, '
    '<span class="attendance-context">{context}</span></span></button></td>'
)


@dataclass
class GridCell:
    session: CourseSession
    status: str
    reason: str
    html: str = ""

    @property
    def state(self) -> CellState:
        return CELL_STATES[self.status]


def _cell_html(state: dict, session_id: int, status: str, reason: str, context: str) -> str:
    """``state``, ``context`` (which day and trainee) already escaped; ``reason`` not."""
    reason = escape(reason) if reason else ""
    return mark_safe(  # noqa: S308 – every part escaped here or by the caller
        CELL_HTML.format(
            css=state["css"],
            session=session_id,
            status=status,
            reason=reason,
            title=f' title="{reason}"' if reason else "",
            abbreviation=state["abbreviation"],
            label=f"{state['label']}: {reason}" if reason else state["label"],
            context=context,
        )
    )


@dataclass
class GridRow:
    enrolment: Enrolment
    progress: Progress
    cells: list[GridCell]

    @property
    def standing_css(self) -> str:
        return STANDING_CSS[self.progress.standing]

    @property
    def cells_html(self) -> str:
        return mark_safe("".join(cell.html for cell in self.cells))  # noqa: S308 – safe parts


def _grid_rows(cohort: Cohort) -> tuple[list[CourseSession], list[GridRow]]:
    """Trainees × course days with each trainee's standing, in a fixed number of queries."""
    sessions = list(cohort.sessions.prefetch_related("modules"))
    enrolments = list(
        cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related("participant")
    )
    attendances = list(
        Attendance.objects.filter(
            session__cohort=cohort, enrolment__status=EnrolmentStatus.ENROLLED
        ).values_list("enrolment_id", "session_id", "status", "reason", named=True)
    )
    progress = cohort_progress(cohort, sessions, enrolments, attendances)
    recorded = {(a.enrolment_id, a.session_id): a for a in attendances}
    states = {
        status: {
            "css": state.css,
            # str() first: escaping a lazy text gives a lazy result, translated at each use.
            "abbreviation": escape(str(state.abbreviation)),
            "label": escape(str(state.label)),
        }
        for status, state in CELL_STATES.items()
    }
    day_names = {session.pk: escape(date_format(session.date, "l j F")) for session in sessions}
    rows = []
    for enrolment in enrolments:
        cells = []
        name = escape(enrolment.participant.full_name)
        for session in sessions:
            attendance = recorded.get((enrolment.pk, session.pk))
            status = attendance.status if attendance else ""
            reason = attendance.reason if attendance else ""
            html = _cell_html(
                states[status], session.pk, status, reason, f"{day_names[session.pk]}, {name}"
            )
            cells.append(GridCell(session=session, status=status, reason=reason, html=html))
        rows.append(GridRow(enrolment=enrolment, progress=progress[enrolment.pk], cells=cells))
    return sessions, rows


def _grid_config(request, cohort: Cohort) -> dict:
    """What the grid's script needs: where to save, and the words for each state."""
    return {
        "url": reverse("programmes:attendance_grid", kwargs={"pk": cohort.pk}),
        "csrfToken": get_token(request),
        "states": {
            status: {"abbreviation": str(s.abbreviation), "label": str(s.label), "css": s.css}
            for status, s in CELL_STATES.items()
        },
        "standingCss": STANDING_CSS,
        "messages": {
            "failed": _("The change could not be saved. Reload the page and try again."),
            "network": _("The server could not be reached, so the change was not saved."),
            "reasonRequired": _("Give a reason for the excused absence."),
        },
    }


@coordinator_required
def attendance_grid(request, pk: int):
    """GET: the grid. POST (from the grid's script): save one cell, answer in JSON."""
    cohort = get_cohort_for_user_or_404(request.user, pk)
    if request.method == "POST":
        return _save_attendance(request, cohort)
    sessions, rows = _grid_rows(cohort)
    return render(
        request,
        "programmes/attendance_grid.html",
        {
            "cohort": cohort,
            "sessions": sessions,
            "rows": rows,
            "grid_config": _grid_config(request, cohort),
        },
    )


def _save_attendance(request, cohort: Cohort) -> JsonResponse:
    form = AttendanceForm(request.POST, cohort=cohort)
    if not form.is_valid():
        if "session" in form.errors or "enrolment" in form.errors:
            message = _("The course day or trainee is not part of this cohort.")
        else:
            message = " ".join(m for messages in form.errors.values() for m in messages)
        return JsonResponse({"error": message}, status=400)
    enrolment = form.cleaned_data["enrolment"]
    try:
        actions.record_attendance(
            actor=request.user,
            session=form.cleaned_data["session"],
            enrolment=enrolment,
            status=form.cleaned_data["status"] or None,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    _sessions, _enrolments, progress = actions.cohort_standings(cohort)
    standing = progress[enrolment.pk]
    status = form.cleaned_data["status"]
    return JsonResponse(
        {
            "session": form.cleaned_data["session"].pk,
            "enrolment": enrolment.pk,
            "status": status,
            "reason": form.cleaned_data["reason"].strip()
            if status == AttendanceStatus.EXCUSED
            else "",
            "standing": standing.standing,
            "standing_label": str(standing.standing_label),
            "present": standing.present,
            "days_required": standing.days_required,
            "days_total": standing.days_total,
            "summary": _days_summary(standing),
        }
    )


# Completion and closing -------------------------------------------------------------------


def _why_not_complete(progress: Progress) -> list[str]:
    reasons = [
        _("%(present)s of %(required)s required days present.")
        % {"present": progress.present, "required": progress.days_required}
    ]
    if progress.absences > progress.absences_allowed:
        reasons.append(
            ngettext(
                "%(absences)s absence; %(allowed)s allowed.",
                "%(absences)s absences; %(allowed)s allowed.",
                progress.absences,
            )
            % {"absences": progress.absences, "allowed": progress.absences_allowed}
        )
    if progress.missing_required_modules:
        reasons.append(
            _("Required modules not attended: %(modules)s.")
            % {"modules": ", ".join(progress.missing_required_modules)}
        )
    return reasons


@coordinator_required
def cohort_certify(request, pk: int):
    cohort = get_cohort_for_user_or_404(request.user, pk)
    _sessions, enrolments, progress = actions.cohort_standings(cohort)
    certificates = _current_certificates(cohort)
    ready = [
        e for e in enrolments if progress[e.pk].is_complete and e.participant_id not in certificates
    ]
    form = CertifyForm(
        request.POST if request.method == "POST" else None,
        enrolments=cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related(
            "participant"
        ),
        initial={"enrolments": [e.pk for e in ready]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            issued = actions.certify(
                actor=request.user,
                cohort=cohort,
                enrolments=list(form.cleaned_data["enrolments"]),
            )
        except ValidationError as error:
            form.add_error("enrolments", error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s trainee is certified and has a certificate.",
                    "%(count)s trainees are certified and have certificates.",
                    len(issued),
                )
                % {"count": len(issued)},
            )
            return redirect(
                reverse("programmes:cohort_detail", kwargs={"pk": cohort.pk}) + "#trainees"
            )
    chosen = {str(value) for value in (form["enrolments"].value() or [])}
    context = {
        "cohort": cohort,
        "form": form,
        "ready": [{"enrolment": e, "progress": progress[e.pk]} for e in ready],
        "chosen": chosen,
        "certified": [
            {"enrolment": e, "certificate": certificates[e.participant_id]}
            for e in enrolments
            if e.participant_id in certificates
        ],
        "not_complete": [
            {
                "enrolment": e,
                "progress": progress[e.pk],
                "standing_css": STANDING_CSS[progress[e.pk].standing],
                "reasons": _why_not_complete(progress[e.pk]),
            }
            for e in enrolments
            if not progress[e.pk].is_complete
        ],
    }
    return render(request, "programmes/cohort_certify.html", context)


@coordinator_required
def cohort_close(request, pk: int):
    """GET asks to confirm; POST closes the cohort, which locks its attendance."""
    cohort = get_cohort_for_user_or_404(request.user, pk)
    if request.method == "POST":
        try:
            actions.close_cohort(actor=request.user, cohort=cohort)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s is closed. Its attendance and enrolments can no longer change.")
                % {"name": cohort.name},
            )
        return redirect("programmes:cohort_detail", pk=cohort.pk)
    _sessions, enrolments, progress = actions.cohort_standings(cohort)
    certificates = _current_certificates(cohort)
    uncertified_complete = sum(
        1 for e in enrolments if progress[e.pk].is_complete and e.participant_id not in certificates
    )
    return render(
        request,
        "programmes/cohort_close.html",
        {"cohort": cohort, "uncertified_complete": uncertified_complete},
    )
