"""Supervision sessions: the supervisor's home, lists, detail, moving and cancelling,
attendance and themes, the supervisor's private note, and the peer supporter's
confirmation and rating."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from peersupport import smallnumbers
from peersupport.accounts.models import Role
from peersupport.accounts.permissions import role_required
from peersupport.accounts.scoping import has_role
from peersupport.forms import add_action_error, record_name_confirmations
from peersupport.paging import CappedPaginator

from .. import actions
from ..forms import (
    MISSING_ATTENDANCE,
    AttendanceForm,
    CancelForm,
    ConfirmForm,
    NoteForm,
    RescheduleForm,
    SessionFilterForm,
)
from ..models import AttendanceStatus, SupervisionSession
from ..permissions import (
    can_plan_sessions,
    can_record_attendance,
    get_note_session_for_user_or_404,
    get_own_attendance_or_404,
    get_session_for_user_or_404,
    groups_led_by,
    groups_visible_to,
    is_coordinator_of_region,
    is_group_supervisor,
    notes_visible_to,
    own_attendances,
    sessions_visible_to,
)

PAGE_SIZE = 50
OWN_VIEW = "own"
# The supervisor's home and the peer supporter's list show this many sessions to come.
NEXT_SESSIONS_SHOWN = 5
# The supervisor's home lists at most this many sessions still missing attendance; the
# session list (filtered on them) has the rest.
MISSING_SHOWN = 20
# The supervisor's home lists at most this many of their groups; the group list has all.
GROUPS_SHOWN = 20


# Supervisor's home ------------------------------------------------------------------------


@role_required(Role.SUPERVISOR)
def supervisor_home(request):
    """The groups the supervisor leads, their next sessions, and past sessions whose
    attendance nobody has recorded yet."""
    user = request.user
    led = list(groups_led_by(user).annotate(member_count=Count("members")).order_by("name", "pk"))
    # The sessions of the groups just read (what sessions_led_by selects), named by id: with
    # the ids in the query PostgreSQL knows how many groups they are and reads the sessions
    # in date order instead of every session of every group.
    mine = SupervisionSession.objects.filter(group__in=[group.pk for group in led]).select_related(
        "group"
    )
    groups = [group for group in led if group.active]
    upcoming = list(
        mine.upcoming().with_attendance_counts().order_by("starts_at", "pk")[:NEXT_SESSIONS_SHOWN]
    )
    missing = list(mine.missing_attendance().order_by("starts_at", "pk")[: MISSING_SHOWN + 1])
    return render(
        request,
        "supervision/supervisor_home.html",
        {
            "groups": groups[:GROUPS_SHOWN],
            "more_groups": len(groups) > GROUPS_SHOWN,
            "upcoming": upcoming,
            "missing": missing[:MISSING_SHOWN],
            "more_missing": len(missing) > MISSING_SHOWN,
            "missing_filter": MISSING_ATTENDANCE,
        },
    )


# Lists ------------------------------------------------------------------------------------


@role_required(Role.COORDINATOR, Role.SUPERVISOR, Role.PEER_SUPPORTER)
def session_list(request):
    """Coordinators: their regions' sessions; supervisors: their own; both with filters.
    Peer supporters: the sessions they are expected at, with their own attendance."""
    # A peer supporter who also supervises or coordinates reaches their own list with
    # ?view=own (linked from the staff list).
    wants_own = request.GET.get("view") == OWN_VIEW and has_role(request.user, Role.PEER_SUPPORTER)
    if has_role(request.user, Role.COORDINATOR, Role.SUPERVISOR) and not wants_own:
        return _staff_session_list(request)
    return _own_session_list(request)


def _staff_session_list(request):
    user = request.user
    groups = groups_visible_to(user).order_by("name", "pk")
    form = SessionFilterForm(request.GET or None, groups=groups)
    sessions = sessions_visible_to(user)
    if form.is_valid():
        sessions = form.apply(sessions)
    # Counted only as far as the page needs: a large region's ~19,000 sessions were counted
    # on every view, reading a third of the country's sessions table.
    page = CappedPaginator(
        sessions.with_attendance_counts()
        .select_related("group__supervisor__user")
        .order_by("-starts_at", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/session_list.html",
        {
            "form": form,
            # The filter's options as markup made here: a large region has hundreds of
            # groups, and the widget (or a template loop) would cost more than the table.
            "group_options": _options(
                form["group"],
                [("", form.fields["group"].empty_label), *groups.values_list("pk", "name")],
            ),
            "status_options": _options(form["status"], form.fields["status"].choices),
            "page": page,
            "own_view": OWN_VIEW if has_role(user, Role.PEER_SUPPORTER) else None,
        },
    )


def _options(field, choices) -> str:
    """``<option>``s for a filter's select from (value, label) pairs, the empty choice
    first, the field's current value selected."""
    chosen = str(field.value())
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if str(value) == chosen else "", label) for value, label in choices),
    )


def _own_session_list(request):
    now = timezone.now()
    attendances = own_attendances(request.user).select_related("session__group__supervisor__user")
    upcoming = list(
        attendances.filter(session__starts_at__gte=now).order_by("session__starts_at", "pk")[
            : NEXT_SESSIONS_SHOWN + 1
        ]
    )
    past = Paginator(
        attendances.filter(session__starts_at__lt=now).order_by("-session__starts_at", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    for attendance in [*upcoming, *past]:
        attendance.can_confirm = actions.confirmation_refusal(attendance) is None
    return render(
        request,
        "supervision/session_list_own.html",
        {
            "upcoming": upcoming[:NEXT_SESSIONS_SHOWN],
            "more_upcoming": len(upcoming) > NEXT_SESSIONS_SHOWN,
            "page": past,
        },
    )


# One session ------------------------------------------------------------------------------


@role_required(Role.COORDINATOR, Role.SUPERVISOR, Role.PEER_SUPPORTER)
def session_detail(request, pk: int):
    """The session for its region's coordinators, its supervisor and the peer supporters
    expected at it. The supervisor's private note is never shown here."""
    user = request.user
    session = get_session_for_user_or_404(user, pk)
    is_coordinator = is_coordinator_of_region(user, session.group.region_id)
    is_supervisor = is_group_supervisor(user, session.group)
    context = {
        "session": session,
        "is_staff_view": is_coordinator or is_supervisor,
        "is_supervisor": is_supervisor,
    }
    if is_coordinator or is_supervisor:
        attendances = session.attendances.select_related("participant")
        can_plan = can_plan_sessions(user, session.group)
        # A rating from someone recorded absent afterwards does not count.
        ratings = (
            attendances.filter(rating__isnull=False)
            .exclude(status__in=[AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED])
            .aggregate(average=Avg("rating"), count=Count("pk"))
        )
        # Too few ratings would let the supervisor (or coordinator) tell who gave which.
        ratings_shown = smallnumbers.average_may_be_shown(ratings["count"])
        context.update(
            attendances=attendances,
            ratings=ratings,
            ratings_shown=ratings_shown,
            ratings_shown_from=smallnumbers.min_answers(),
            # Comments go to coordinators without names, in an order that tells nothing.
            comments=(
                list(
                    attendances.exclude(comment="")
                    .order_by("comment")
                    .values_list("comment", flat=True)
                )
                if is_coordinator and ratings_shown
                else []
            ),
            can_move=can_plan and _movable(session),
            can_record_attendance=can_record_attendance(user, session) and not session.is_cancelled,
        )
    else:
        own = own_attendances(user).filter(session=session).select_related("session").first()
        context.update(
            own=own, can_confirm=own is not None and actions.confirmation_refusal(own) is None
        )
    return render(request, "supervision/session_detail.html", context)


def _movable(session: SupervisionSession) -> bool:
    return not session.is_cancelled and not session.attendance_recorded_at


def _planned_session_or_403(request, pk: int) -> SupervisionSession:
    session = get_session_for_user_or_404(request.user, pk)
    if not can_plan_sessions(request.user, session.group):
        raise PermissionDenied
    return session


@role_required(Role.COORDINATOR, Role.SUPERVISOR)
def session_edit(request, pk: int):
    """Move a session, or change its length, place or video link."""
    session = _planned_session_or_403(request, pk)
    form = None
    if _movable(session):
        starts = timezone.localtime(session.starts_at)
        form = RescheduleForm(
            request.POST or None,
            initial={
                "date": starts.date(),
                "start_time": starts.time(),
                "duration_minutes": session.duration_minutes,
                "place": session.place,
                "video_link": session.video_link,
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                actions.reschedule_session(
                    actor=request.user, session=session, **form.session_fields()
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(request, _("The supervision session is saved."))
                return redirect("supervision:session_detail", pk=session.pk)
    return render(request, "supervision/session_edit.html", {"session": session, "form": form})


@role_required(Role.COORDINATOR, Role.SUPERVISOR)
def session_cancel(request, pk: int):
    """Cancel a session with a reason; it stays in the calendar as cancelled."""
    session = _planned_session_or_403(request, pk)
    form = None
    if _movable(session):
        form = CancelForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                actions.cancel_session(
                    actor=request.user, session=session, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(request, _("The session is cancelled."))
                return redirect("supervision:session_detail", pk=session.pk)
    return render(request, "supervision/session_cancel.html", {"session": session, "form": form})


@role_required(Role.COORDINATOR, Role.SUPERVISOR)
def session_attendance(request, pk: int):
    """Who came (present, absent, or excused with a reason) and the themes, from the day
    of the session on; recording again corrects the record."""
    session = get_session_for_user_or_404(request.user, pk)
    if not can_record_attendance(request.user, session):
        raise PermissionDenied
    too_early = timezone.localtime(session.starts_at).date() > timezone.localdate()
    form = None
    if not session.is_cancelled and not too_early:
        form = AttendanceForm(
            request.POST or None,
            attendances=session.attendances.select_related("participant"),
            initial={"themes": session.themes},
        )
        if request.method == "POST" and form.is_valid():
            try:
                actions.record_attendance(
                    actor=request.user,
                    session=session,
                    statuses=form.statuses(),
                    themes=form.cleaned_data["themes"],
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                record_name_confirmations(form, request=request, obj=session)
                messages.success(request, _("Attendance and themes are saved."))
                return redirect("supervision:session_detail", pk=session.pk)
    return render(
        request,
        "supervision/session_attendance.html",
        {"session": session, "form": form, "too_early": too_early},
    )


# The supervisor's private note ------------------------------------------------------------


@never_cache
@role_required(Role.SUPERVISOR)
@reauthentication_required
def session_note(request, pk: int):
    """The supervisor's own note on the session. Every time the page shows a saved note,
    the read is written to the audit log."""
    session = get_note_session_for_user_or_404(request.user, pk)
    note = (
        notes_visible_to(request.user)
        .filter(session=session)
        .select_related("session__group", "author")
        .first()
    )
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                saved = actions.save_private_note(
                    actor=request.user, session=session, text=form.cleaned_data["text"]
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(
                    request,
                    _("Your note is saved.") if saved.pk else _("Your note is deleted."),
                )
                return redirect("supervision:session_detail", pk=session.pk)
    else:
        form = NoteForm(initial={"text": note.text if note else ""})
        if note:
            actions.record_note_read(actor=request.user, note=note, request=request)
    return render(
        request, "supervision/session_note.html", {"session": session, "form": form, "note": note}
    )


# The peer supporter's confirmation --------------------------------------------------------


@role_required(Role.PEER_SUPPORTER)
def session_confirm(request, pk: int):
    """The peer supporter confirms they were there and may rate the session."""
    attendance = get_own_attendance_or_404(request.user, pk)
    form = ConfirmForm(
        request.POST or None,
        initial={"rating": attendance.rating, "comment": attendance.comment},
    )
    refusal = actions.confirmation_refusal(attendance)
    if request.method == "POST" and form.is_valid():
        try:
            actions.confirm_attendance(
                actor=request.user,
                attendance=attendance,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            record_name_confirmations(form, request=request, obj=attendance)
            messages.success(request, _("Thank you! Your answer is saved."))
            return redirect("supervision:session_list")
    return render(
        request,
        "supervision/session_confirm.html",
        {
            "attendance": attendance,
            "session": attendance.session,
            "form": form,
            "refusal": refusal,
        },
    )
