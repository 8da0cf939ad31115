"""Every change in supervision: supervisors, groups, planning, attendance, notes, reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.accounts.models import Region, Role, User
from peersupport.accounts.scoping import coordinators_of, has_role_in_region
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.notifications.actions import cancel_notifications, schedule_notification
from peersupport.notifications.models import Notification
from programmes.actions import REMINDER_TIME
from programmes.models import Participant
from programmes.schedule import is_public_holiday

from .cadence_cache import cadence_changed
from .models import (
    ArrangementKind,
    AttendanceStatus,
    SessionAttendance,
    SessionStatus,
    SupervisionGroup,
    SupervisionSession,
    SupervisionTheme,
    Supervisor,
    SupervisorNote,
)
from .notifications import SUPERVISION_GROUP_ENDED, SUPERVISION_REMINDER, SUPERVISION_SHORTFALL
from .permissions import (
    can_edit_group,
    can_plan_sessions,
    can_record_attendance,
    can_write_note,
    is_coordinator_of_region,
)

# The monthly shortfall summary goes out on this day of the following month.
SHORTFALL_SUMMARY_DAY = 3
# A series never plans more than this many sessions at once (a year of weekly meetings).
MAX_SERIES_SESSIONS = 53


def _require_coordinator(actor: User, region_id: int) -> None:
    if not is_coordinator_of_region(actor, region_id):
        raise ValidationError(_("Only the region's coordinators may do this."))


# Supervisors ------------------------------------------------------------------------------


@transaction.atomic
def register_supervisor(
    *, actor: User, user: User, region: Region, experience_based: bool = True
) -> Supervisor:
    """Make a person with the supervisor role in ``region`` available for groups there, or
    update whether their supervision is experience-based."""
    _require_coordinator(actor, region.pk)
    if not has_role_in_region(user, region.pk, [Role.SUPERVISOR]):
        raise ValidationError(
            {
                "user": _("%(person)s has no supervisor role in %(region)s.")
                % {"person": user, "region": region}
            }
        )
    supervisor, _created = Supervisor.objects.update_or_create(
        user=user, region=region, defaults={"experience_based": experience_based}
    )
    return supervisor


# Groups and individual arrangements -------------------------------------------------------


def _clean_members(region: Region, kind: str, members: Iterable[Participant]) -> list[Participant]:
    members = list(members)
    if any(member.region_id != region.pk for member in members):
        raise ValidationError({"members": _("Every member must belong to the group's region.")})
    if kind == ArrangementKind.INDIVIDUAL and len(members) != 1:
        raise ValidationError(
            {"members": _("Individual supervision is for exactly one peer supporter.")}
        )
    return members


def _check_supervisor(
    region: Region, supervisor: Supervisor, *, current: Supervisor | None = None
) -> None:
    """The supervisor must be the region's and, unless already leading the group, still
    hold the supervisor role there: only then can they see the group."""
    if supervisor.region_id != region.pk:
        raise ValidationError({"supervisor": _("The supervisor must supervise in this region.")})
    if supervisor != current and not has_role_in_region(
        supervisor.user, region.pk, [Role.SUPERVISOR]
    ):
        raise ValidationError(
            {
                "supervisor": _("%(person)s has no supervisor role in %(region)s.")
                % {"person": supervisor.user, "region": region}
            }
        )


def _free_group_name(region: Region, name: str, *, group: SupervisionGroup | None = None) -> str:
    """The name, trimmed, unless another group of the region has it already."""
    name = name.strip()
    taken = SupervisionGroup.objects.filter(region=region, name__iexact=name)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    if taken.exists():
        raise ValidationError({"name": _("The region already has a group with this name.")})
    return name


@transaction.atomic
def create_group(
    *,
    actor: User,
    region: Region,
    name: str,
    supervisor: Supervisor,
    members: Iterable[Participant] = (),
    kind: str = ArrangementKind.GROUP,
    weekday: int | None = None,
    start_time: dt.time | None = None,
    duration_minutes: int = 90,
    place: str = "",
    video_link: str = "",
) -> SupervisionGroup:
    _require_coordinator(actor, region.pk)
    _check_supervisor(region, supervisor)
    members = _clean_members(region, kind, members)
    name = _free_group_name(region, name)
    group = SupervisionGroup.objects.create(
        region=region,
        name=name,
        kind=kind,
        supervisor=supervisor,
        weekday=weekday,
        start_time=start_time,
        duration_minutes=duration_minutes,
        place=place,
        video_link=video_link,
    )
    group.members.set(members)
    record_event(actor=actor, action=AuditAction.CREATE, obj=group)
    return group


@transaction.atomic
def update_group(
    *,
    actor: User,
    group: SupervisionGroup,
    members: Iterable[Participant],
    **fields,
) -> SupervisionGroup:
    """Change a group's settings and members. A new member is expected at the group's
    sessions from now on; a member who leaves is taken off its sessions to come (their
    past attendance stays)."""
    if not can_edit_group(actor, group):
        raise ValidationError(_("Only the region's coordinators may do this."))
    supervisor = fields.get("supervisor", group.supervisor)
    _check_supervisor(group.region, supervisor, current=group.supervisor)
    members = _clean_members(group.region, fields.get("kind", group.kind), members)
    fields["name"] = _free_group_name(group.region, fields.get("name", group.name), group=group)
    for field, value in fields.items():
        setattr(group, field, value)
    group.save()
    before = set(group.members.values_list("pk", flat=True))
    after = {member.pk for member in members}
    group.members.set(members)
    upcoming = group.sessions.upcoming()
    SessionAttendance.objects.filter(
        session__in=upcoming, participant_id__in=before - after, status=""
    ).delete()
    _withdraw_reminders_of_leavers(upcoming, before - after)
    joined = [member for member in members if member.pk in before ^ after]
    SessionAttendance.objects.bulk_create(
        [
            SessionAttendance(session=session, participant=member)
            for session in upcoming
            for member in joined
        ],
        ignore_conflicts=True,
    )
    cadence_changed()  # a bulk write sends no signal
    record_event(actor=actor, action=AuditAction.UPDATE, obj=group)
    return group


@transaction.atomic
def deactivate_group(*, actor: User, group: SupervisionGroup, reason: str) -> SupervisionGroup:
    """End a group: its planned sessions to come are cancelled with ``reason`` and their
    reminders withdrawn (past sessions and their attendance stay), and its members and
    supervisor are told. The group stays, listed as inactive, and can be reactivated."""
    if not can_edit_group(actor, group):
        raise ValidationError(_("Only the region's coordinators may do this."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the group ends.")})
    group = SupervisionGroup.objects.select_for_update().get(pk=group.pk)
    if not group.active:
        raise ValidationError(_("The group is already inactive."))
    now = timezone.now()
    group.active = False
    group.save(update_fields=["active"])
    upcoming = list(group.sessions.upcoming(now).select_for_update())
    for session in upcoming:
        session.status = SessionStatus.CANCELLED
        session.cancelled_reason = reason
        session.cancelled_at = now
    SupervisionSession.objects.bulk_update(upcoming, ["status", "cancelled_reason", "cancelled_at"])
    cadence_changed()  # a bulk write sends no signal
    Notification.objects.pending().filter(
        kind=SUPERVISION_REMINDER.key,
        subject_type=ContentType.objects.get_for_model(SupervisionSession),
        subject_id__in=[session.pk for session in upcoming],
    ).delete()
    told = {member.user for member in group.members.select_related("user") if member.user}
    told.add(group.supervisor.user)
    for person in told:
        if person.is_active:
            schedule_notification(
                recipient=person,
                kind=SUPERVISION_GROUP_ENDED.key,
                subject=group,
                occurrence=now.isoformat(),
            )
    record_event(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=group,
        detail={"active": False, "sessions_cancelled": len(upcoming)},
    )
    return group


@transaction.atomic
def reactivate_group(*, actor: User, group: SupervisionGroup) -> SupervisionGroup:
    """Make an inactive group active again; sessions cancelled when it ended stay
    cancelled, and new ones are planned as for any group."""
    if not can_edit_group(actor, group):
        raise ValidationError(_("Only the region's coordinators may do this."))
    group = SupervisionGroup.objects.select_for_update().get(pk=group.pk)
    if group.active:
        raise ValidationError(_("The group is already active."))
    group.active = True
    group.save(update_fields=["active"])
    record_event(actor=actor, action=AuditAction.UPDATE, obj=group, detail={"active": True})
    return group


# Sessions ---------------------------------------------------------------------------------


def series_dates(
    *, first: dt.date, until: dt.date, interval_weeks: int, skip_holidays: bool
) -> list[dt.date]:
    """Every ``interval_weeks`` from ``first`` up to and including ``until``; a date on a
    Swedish public holiday is left out (not moved) when ``skip_holidays``."""
    dates = []
    day = first
    while day <= until:
        if not (skip_holidays and is_public_holiday(day)):
            dates.append(day)
        day += dt.timedelta(weeks=interval_weeks)
    return dates


@transaction.atomic
def plan_series(
    *,
    actor: User,
    group: SupervisionGroup,
    first_date: dt.date,
    until: dt.date,
    start_time: dt.time,
    interval_weeks: int = 2,
    duration_minutes: int | None = None,
    skip_holidays: bool = True,
    place: str | None = None,
    video_link: str | None = None,
) -> list[SupervisionSession]:
    """Plan sessions every ``interval_weeks`` from ``first_date`` to ``until``. Each
    member of the group is expected at each one."""
    if not can_plan_sessions(actor, group):
        raise ValidationError(_("Only the group's supervisor and coordinators may plan sessions."))
    if not group.active:
        raise ValidationError(_("The group is no longer active."))
    if until < first_date:
        raise ValidationError({"until": _("The last date must be on or after the first date.")})
    if not 1 <= interval_weeks <= 8:
        raise ValidationError({"interval_weeks": _("Choose between every week and every 8 weeks.")})
    too_many = _("A series can hold at most %(max)d sessions; choose an earlier last date.") % {
        "max": MAX_SERIES_SESSIONS
    }
    # Holidays take out a few dates at most: refuse a far too long series before listing it.
    if (until - first_date).days // (7 * interval_weeks) + 1 > 2 * MAX_SERIES_SESSIONS:
        raise ValidationError({"until": too_many})
    dates = series_dates(
        first=first_date, until=until, interval_weeks=interval_weeks, skip_holidays=skip_holidays
    )
    if not dates:
        raise ValidationError(_("Every date in the series falls on a public holiday."))
    if len(dates) > MAX_SERIES_SESSIONS:
        raise ValidationError({"until": too_many})
    taken = set(
        group.sessions.planned()
        .filter(starts_at__date__in=dates)
        .values_list("starts_at", flat=True)
    )
    sessions = []
    for day in dates:
        starts_at = timezone.make_aware(dt.datetime.combine(day, start_time))
        if starts_at in taken:
            continue
        sessions.append(
            SupervisionSession(
                group=group,
                starts_at=starts_at,
                duration_minutes=duration_minutes or group.duration_minutes,
                place=group.place if place is None else place,
                video_link=group.video_link if video_link is None else video_link,
                created_by=actor,
            )
        )
    SupervisionSession.objects.bulk_create(sessions)
    members = list(group.members.all())
    SessionAttendance.objects.bulk_create(
        [SessionAttendance(session=s, participant=m) for s in sessions for m in members]
    )
    cadence_changed()  # a bulk write sends no signal
    return sessions


def _require_planner(actor: User, session: SupervisionSession) -> None:
    if not can_plan_sessions(actor, session.group):
        raise ValidationError(_("Only the group's supervisor and coordinators may do this."))


def _withdraw_reminders(session: SupervisionSession) -> None:
    cancel_notifications(subject=session, kind=SUPERVISION_REMINDER.key)


def _withdraw_reminders_of_leavers(sessions, participant_ids: set[int]) -> None:
    """A member who leaves is no longer expected tomorrow: withdraw their reminder still
    waiting in the outbox."""
    if not participant_ids:
        return
    Notification.objects.pending().filter(
        kind=SUPERVISION_REMINDER.key,
        subject_type=ContentType.objects.get_for_model(SupervisionSession),
        subject_id__in=sessions.values("pk"),
        recipient__participant__in=participant_ids,
    ).delete()


@transaction.atomic
def reschedule_session(
    *,
    actor: User,
    session: SupervisionSession,
    starts_at: dt.datetime,
    duration_minutes: int,
    place: str = "",
    video_link: str = "",
) -> SupervisionSession:
    _require_planner(actor, session)
    session = SupervisionSession.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise ValidationError(_("The session is cancelled; plan a new one instead."))
    if session.attendance_recorded_at:
        raise ValidationError(_("Attendance is recorded for this session; it can't be moved."))
    if starts_at != session.starts_at:
        _withdraw_reminders(session)
    session.starts_at = starts_at
    session.duration_minutes = duration_minutes
    session.place = place
    session.video_link = video_link
    session.save(update_fields=["starts_at", "duration_minutes", "place", "video_link"])
    record_event(actor=actor, action=AuditAction.UPDATE, obj=session)
    return session


@transaction.atomic
def cancel_session(*, actor: User, session: SupervisionSession, reason: str) -> SupervisionSession:
    """Cancel a session: it stays in the calendar as cancelled, its reminders are
    withdrawn, and the month's cadence shows it as the reason for a shortfall."""
    _require_planner(actor, session)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the session is cancelled.")})
    session = SupervisionSession.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise ValidationError(_("The session is already cancelled."))
    if session.attendance_recorded_at:
        raise ValidationError(_("Attendance is recorded for this session; it can't be cancelled."))
    session.status = SessionStatus.CANCELLED
    session.cancelled_reason = reason
    session.cancelled_at = timezone.now()
    session.save(update_fields=["status", "cancelled_reason", "cancelled_at"])
    _withdraw_reminders(session)
    record_event(actor=actor, action=AuditAction.UPDATE, obj=session, detail={"cancelled": True})
    return session


@transaction.atomic
def record_attendance(
    *,
    actor: User,
    session: SupervisionSession,
    statuses: Mapping[int, tuple[str, str]],
    themes: Iterable[str] = (),
) -> SupervisionSession:
    """Record who came (``statuses``: participant id → (status, reason)) and the themes.

    Attendance can be recorded from the day of the session; an excused absence needs a
    reason. Recording again corrects the earlier record.
    """
    if not can_record_attendance(actor, session):
        raise ValidationError(_("Only the group's supervisor and coordinators may do this."))
    # Locked and read afresh, so a cancellation or a move at the same moment cannot slip
    # in between.
    session.status, session.starts_at = (
        SupervisionSession.objects.select_for_update()
        .values_list("status", "starts_at")
        .get(pk=session.pk)
    )
    if session.is_cancelled:
        raise ValidationError(_("The session is cancelled."))
    if timezone.localtime(session.starts_at).date() > timezone.localdate():
        raise ValidationError(_("Attendance can be recorded from the day of the session."))
    themes = list(dict.fromkeys(themes))
    if any(theme not in SupervisionTheme.values for theme in themes):
        raise ValidationError({"themes": _("Choose themes from the list.")})
    now = timezone.now()
    attendances = {
        a.participant_id: a
        for a in session.attendances.select_for_update().select_related("participant")
    }
    if set(statuses) - set(attendances):
        raise ValidationError(_("That person is not expected at this session."))
    if set(attendances) - set(statuses):
        raise ValidationError(_("Record attendance for everyone expected at the session."))
    for participant_id, (status, reason) in statuses.items():
        attendance = attendances[participant_id]
        if status not in AttendanceStatus.values:
            raise ValidationError(_("Choose present, absent or excused for everyone."))
        reason = (reason or "").strip()
        if status == AttendanceStatus.EXCUSED and not reason:
            raise ValidationError(
                _("Give a reason for %(person)s's excused absence.")
                % {"person": attendance.participant}
            )
        attendance.status = status
        attendance.reason = reason if status != AttendanceStatus.PRESENT else ""
        attendance.recorded_at = now
        attendance.recorded_by = actor
    SessionAttendance.objects.bulk_update(
        attendances.values(), ["status", "reason", "recorded_at", "recorded_by"]
    )
    cadence_changed()  # a bulk write sends no signal
    session.themes = themes
    session.attendance_recorded_at = now
    session.save(update_fields=["themes", "attendance_recorded_at"])
    return session


@transaction.atomic
def save_private_note(*, actor: User, session: SupervisionSession, text: str) -> SupervisorNote:
    """The supervisor's own note; an empty text deletes it."""
    if not can_write_note(actor, session):
        raise ValidationError(_("Only the session's supervisor keeps notes on it."))
    text = text.strip()
    if not text:
        SupervisorNote.objects.filter(session=session, author=actor).delete()
        return SupervisorNote(session=session, author=actor, text="")
    note, _created = SupervisorNote.objects.update_or_create(
        session=session, author=actor, defaults={"text": text}
    )
    return note


def record_note_read(*, actor: User, note: SupervisorNote, request=None) -> None:
    """Every read of a private note is in the audit log, even the author's own."""
    record_event(actor=actor, action=AuditAction.READ, obj=note, request=request)


def confirmation_refusal(attendance: SessionAttendance) -> str | None:
    """Why the peer supporter can't confirm this session now, or None if they can."""
    session = attendance.session
    if session.is_cancelled:
        return _("The session was cancelled.")
    if not session.has_started:
        return _("You can confirm once the session has started.")
    if attendance.status in (AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED):
        return _("Your supervisor recorded you as absent. Talk to them if that is wrong.")
    return None


@transaction.atomic
def confirm_attendance(
    *, actor: User, attendance: SessionAttendance, rating: int | None = None, comment: str = ""
) -> SessionAttendance:
    """The peer supporter confirms they were there and may rate the session (1–5).

    The rating is for the programme's coordinators; it is never shown to the workplace.
    """
    if attendance.participant.user_id != actor.pk:
        raise ValidationError(_("You can only confirm your own attendance."))
    refusal = confirmation_refusal(attendance)
    if refusal:
        raise ValidationError(refusal)
    if rating is not None and not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Rate from 1 to 5.")})
    attendance.confirmed_at = attendance.confirmed_at or timezone.now()
    attendance.rating = rating
    attendance.comment = comment.strip()
    attendance.save(update_fields=["confirmed_at", "rating", "comment"])
    return attendance


# Reminders --------------------------------------------------------------------------------


def schedule_supervision_reminders(*, day: dt.date | None = None) -> int:
    """Queue a reminder to each peer supporter expected at a planned session on ``day``
    (tomorrow by default). Running it again schedules nothing new."""
    day = day or timezone.localdate() + dt.timedelta(days=1)
    morning_before = timezone.make_aware(
        dt.datetime.combine(day - dt.timedelta(days=1), REMINDER_TIME)
    )
    due_at = max(morning_before, timezone.now())
    day_start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    attendances = SessionAttendance.objects.filter(
        session__status=SessionStatus.PLANNED,
        session__starts_at__gte=day_start,
        session__starts_at__lt=day_start + dt.timedelta(days=1),
        participant__user__isnull=False,
        participant__user__is_active=True,
    ).select_related("session", "participant__user")
    scheduled = 0
    for attendance in attendances:
        _n, created = schedule_notification(
            recipient=attendance.participant.user,
            kind=SUPERVISION_REMINDER.key,
            subject=attendance.session,
            occurrence=timezone.localtime(attendance.session.starts_at).isoformat(),
            due_at=due_at,
        )
        scheduled += created
    return scheduled


def schedule_shortfall_summaries(*, month: dt.date | None = None) -> int:
    """Tell each region's coordinators who fell short of supervision in ``month`` (the
    month before this one by default), once per coordinator and month."""
    from .cadence import shortfalls_by_region

    month = (month or (timezone.localdate().replace(day=1) - dt.timedelta(days=1))).replace(day=1)
    # Sent a few days into the next month, so the month's last sessions can be recorded
    # first; the summary is written when it is sent.
    send_from = timezone.make_aware(
        dt.datetime.combine(
            month + relativedelta(months=1, day=SHORTFALL_SUMMARY_DAY), REMINDER_TIME
        )
    )
    scheduled = 0
    for region in Region.objects.filter(pk__in=shortfalls_by_region(month)):
        for coordinator in coordinators_of(region.pk):
            _n, created = schedule_notification(
                recipient=coordinator,
                kind=SUPERVISION_SHORTFALL.key,
                subject=region,
                occurrence=month.strftime("%Y-%m"),
                due_at=max(send_from, timezone.now()),
            )
            scheduled += created
    return scheduled
