"""Who sees what in supervision.

Coordinators see their regions' groups and sessions (attendance, themes, ratings without
names). A supervisor sees the groups they lead and their sessions, while they hold the
supervisor role in the group's region: a group still names a supervisor whose role has
ended until the coordinator gives it another, but it is no longer theirs to see. A peer
supporter sees the
sessions they are expected at and their own attendance. The supervisor's private notes
are read by their author only. Unit managers see nothing of supervision.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from peersupport.accounts.models import Membership, Role, User
from peersupport.accounts.scoping import (
    coordinated_region_ids,
    has_role,
    has_role_in_region,
    region_ids_for,
)

from .models import (
    SessionAttendance,
    SupervisionGroup,
    SupervisionSession,
    Supervisor,
    SupervisorNote,
)


def is_coordinator_of_region(user: User, region_id: int) -> bool:
    return has_role_in_region(user, region_id, [Role.COORDINATOR])


def supervisors_visible_to(user: User) -> QuerySet[Supervisor]:
    return Supervisor.objects.filter(region_id__in=coordinated_region_ids(user))


def supervisors_who_may_lead(region_ids) -> QuerySet[Supervisor]:
    """Registered supervisors in ``region_ids`` who still hold the supervisor role there,
    with an open account: whom a group can be given to (a group given to anyone else
    would be theirs to see only on paper)."""
    holds_the_role = Membership.objects.filter(
        user_id=OuterRef("user_id"), region_id=OuterRef("region_id"), role=Role.SUPERVISOR
    )
    return Supervisor.objects.filter(
        Exists(holds_the_role), region_id__in=region_ids, user__is_active=True
    )


def _led_by(user: User, group_path: str = "") -> Q:
    """Groups (reached through ``group_path``) that name the user as supervisor, in a
    region where the user holds the supervisor role."""
    return Q(
        **{
            f"{group_path}supervisor__user": user,
            f"{group_path}region_id__in": region_ids_for(user, Role.SUPERVISOR),
        }
    )


def groups_led_by(user: User) -> QuerySet[SupervisionGroup]:
    return SupervisionGroup.objects.filter(_led_by(user))


def groups_visible_to(user: User) -> QuerySet[SupervisionGroup]:
    """The region's groups for its coordinators; the groups they lead for supervisors."""
    return SupervisionGroup.objects.filter(
        Q(region_id__in=coordinated_region_ids(user)) | _led_by(user)
    )


def get_group_for_user_or_404(user: User, pk: int) -> SupervisionGroup:
    return get_object_or_404(
        groups_visible_to(user).select_related("region", "supervisor__user"), pk=pk
    )


def can_edit_group(user: User, group: SupervisionGroup) -> bool:
    """Who is in a group, and its settings, are the coordinator's to decide."""
    return is_coordinator_of_region(user, group.region_id)


def is_group_supervisor(user: User, group: SupervisionGroup) -> bool:
    return group.supervisor.user_id == user.pk and has_role_in_region(
        user, group.region_id, [Role.SUPERVISOR]
    )


def can_plan_sessions(user: User, group: SupervisionGroup) -> bool:
    """The coordinator and the group's own supervisor plan, move and cancel sessions."""
    return can_edit_group(user, group) or is_group_supervisor(user, group)


def can_record_attendance(user: User, session: SupervisionSession) -> bool:
    return can_plan_sessions(user, session.group)


def own_attendances(user: User) -> QuerySet[SessionAttendance]:
    return SessionAttendance.objects.filter(participant__user=user)


def sessions_led_by(user: User) -> QuerySet[SupervisionSession]:
    return SupervisionSession.objects.filter(_led_by(user, "group__"))


def sessions_visible_to(user: User) -> QuerySet[SupervisionSession]:
    """The region's sessions for coordinators, the sessions of the groups they lead for
    supervisors, and for a peer supporter the sessions they are expected at."""
    visible = Q(group__region_id__in=coordinated_region_ids(user)) | _led_by(user, "group__")
    if has_role(user, Role.PEER_SUPPORTER):
        # Only a peer supporter is expected at sessions. Testing it for nobody else keeps
        # the staff list's query on the groups' index: a subquery in the OR would make
        # PostgreSQL read every session in the country.
        visible |= Q(pk__in=own_attendances(user).values("session_id"))
    return SupervisionSession.objects.filter(visible)


def get_session_for_user_or_404(user: User, pk: int) -> SupervisionSession:
    return get_object_or_404(
        sessions_visible_to(user).select_related("group__region", "group__supervisor__user"),
        pk=pk,
    )


def get_own_attendance_or_404(user: User, session_pk: int) -> SessionAttendance:
    return get_object_or_404(
        own_attendances(user).select_related(
            "session__group__region", "session__group__supervisor__user", "participant"
        ),
        session_id=session_pk,
    )


def can_write_note(user: User, session: SupervisionSession) -> bool:
    """Only the session's supervisor keeps notes on it – not even the coordinator."""
    return is_group_supervisor(user, session.group)


def notes_visible_to(user: User) -> QuerySet[SupervisorNote]:
    """A note is its author's alone, and only while they supervise the session's group."""
    return SupervisorNote.objects.filter(_led_by(user, "session__group__"), author=user)


def get_note_session_for_user_or_404(user: User, session_pk: int) -> SupervisionSession:
    """The session whose private note the user may keep: 404 for anyone but its supervisor."""
    return get_object_or_404(
        sessions_led_by(user).select_related("group__region", "group__supervisor__user"),
        pk=session_pk,
    )
