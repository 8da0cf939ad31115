"""Who sees what at workplaces.

Coordinators see everything in their regions. Unit managers see their own workplaces'
placements and reviews and only aggregates of support sessions – never their content.
Peer supporters see their own placements and sessions.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from peersupport.accounts.models import Role, User
from peersupport.accounts.scoping import (
    coordinated_region_ids,
    has_role,
    has_role_in_region,
    region_ids_for,
)
from programmes.models import Participant

from .models import (
    FollowUpReview,
    Incident,
    Organisation,
    Placement,
    PlacementStatus,
    SupportSession,
    Workplace,
)


def managed_workplace_ids(user: User) -> set[int]:
    """Workplaces the user manages, while they hold the unit-manager role."""
    if not has_role(user, Role.UNIT_MANAGER):
        return set()
    cached = user.__dict__.get("_managed_workplace_ids")
    if cached is None:
        cached = set(Workplace.objects.filter(managers=user).values_list("pk", flat=True))
        user.__dict__["_managed_workplace_ids"] = cached
    return cached


def forget_managed_workplaces(user: User) -> None:
    """Drop the cached workplace ids after the user's workplaces change."""
    user.__dict__.pop("_managed_workplace_ids", None)


def workplaces_visible_to(user: User) -> QuerySet[Workplace]:
    return Workplace.objects.filter(
        Q(region_id__in=coordinated_region_ids(user)) | Q(pk__in=managed_workplace_ids(user))
    )


def get_workplace_for_user_or_404(user: User, pk: int) -> Workplace:
    return get_object_or_404(
        workplaces_visible_to(user).select_related("organisation", "region"), pk=pk
    )


def can_manage_workplace(user: User, workplace: Workplace) -> bool:
    """Coordinators of the region and the workplace's unit managers."""
    return has_role_in_region(user, workplace.region_id, [Role.COORDINATOR]) or (
        workplace.pk in managed_workplace_ids(user)
    )


def is_coordinator_for(user: User, workplace: Workplace) -> bool:
    return has_role_in_region(user, workplace.region_id, [Role.COORDINATOR])


def placements_visible_to(user: User) -> QuerySet[Placement]:
    return Placement.objects.filter(
        Q(workplace__region_id__in=coordinated_region_ids(user))
        | Q(workplace_id__in=managed_workplace_ids(user))
        | Q(participant__user=user)
    )


def get_placement_for_user_or_404(user: User, pk: int) -> Placement:
    return get_object_or_404(
        placements_visible_to(user).select_related("participant", "workplace__region"), pk=pk
    )


def can_agree_placement(user: User, placement: Placement) -> bool:
    """The region's coordinator and the workplace's unit manager each agree a proposal once."""
    if placement.status != PlacementStatus.PROPOSED:
        return False
    workplace = placement.workplace
    if is_coordinator_for(user, workplace) and not placement.coordinator_agreed_at:
        return True
    return workplace.pk in managed_workplace_ids(user) and not placement.manager_agreed_at


def can_end_placement(user: User, placement: Placement) -> bool:
    return placement.status != PlacementStatus.ENDED and can_manage_workplace(
        user, placement.workplace
    )


def own_placements(user: User) -> QuerySet[Placement]:
    return Placement.objects.filter(participant__user=user)


def reviews_visible_to(user: User) -> QuerySet[FollowUpReview]:
    return FollowUpReview.objects.filter(
        Q(placement__workplace__region_id__in=coordinated_region_ids(user))
        | Q(placement__workplace_id__in=managed_workplace_ids(user))
    )


def get_review_for_user_or_404(user: User, pk: int) -> FollowUpReview:
    return get_object_or_404(
        reviews_visible_to(user).select_related(
            "placement__participant", "placement__workplace__region"
        ),
        pk=pk,
    )


def _placed_as(user: User) -> Q:
    """Placements of the user as a peer supporter."""
    return Q(participant__in=Participant.objects.filter(user=user).values("pk"))


def _in_regions(region_ids) -> Q:
    """Placements at workplaces of the regions."""
    return Q(workplace__in=Workplace.objects.filter(region_id__in=region_ids).values("pk"))


def _sessions_of(placements: QuerySet[Placement]) -> QuerySet[SupportSession]:
    """Sessions of ``placements``, the scope written as subqueries without joins: the
    database then tests a session by its placement's primary key and two hashed lists, as it
    walks the sessions newest first, instead of joining placement, participant and
    workplace to every session it looks at (which made a region's 80,000 slow to list)."""
    return SupportSession.objects.filter(placement__in=placements.values("pk"))


def support_sessions_visible_to(user: User) -> QuerySet[SupportSession]:
    """Sessions whose content the user may read: their own, or their regions' as coordinator.

    Unit managers are deliberately absent: they get aggregates only
    (``support_sessions_countable_by``).
    """
    return _sessions_of(
        Placement.objects.filter(_placed_as(user) | _in_regions(coordinated_region_ids(user)))
    )


def own_support_sessions(user: User) -> QuerySet[SupportSession]:
    """The sessions the user logged at their own placements as a peer supporter."""
    return _sessions_of(Placement.objects.filter(_placed_as(user)))


def get_support_session_for_user_or_404(user: User, pk: int) -> SupportSession:
    return get_object_or_404(
        support_sessions_visible_to(user).select_related("placement__workplace"), pk=pk
    )


def support_sessions_countable_by(user: User) -> QuerySet[SupportSession]:
    """Sessions that may be counted in aggregates shown to the user (never their content)."""
    return _sessions_of(
        Placement.objects.filter(
            _in_regions(coordinated_region_ids(user))
            | Q(workplace_id__in=managed_workplace_ids(user))
            | _placed_as(user)
        )
    )


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    """Organisations are kept by the coordinators of their region."""
    return Organisation.objects.filter(region_id__in=coordinated_region_ids(user))


def get_organisation_for_user_or_404(user: User, pk: int) -> Organisation:
    return get_object_or_404(organisations_visible_to(user).select_related("region"), pk=pk)


def can_edit_placement(user: User, placement: Placement) -> bool:
    """The region's coordinators correct a placement's hours, dates and tasks until it ends."""
    return placement.status != PlacementStatus.ENDED and is_coordinator_for(
        user, placement.workplace
    )


# Incidents (avvikelser) ----------------------------------------------------------------------

INCIDENT_REPORTER_ROLES = (Role.PEER_SUPPORTER, Role.SUPERVISOR, Role.UNIT_MANAGER)


def incident_reporter_region_ids(user: User) -> set[int]:
    """The regions where the user works as a peer supporter, supervisor or unit manager."""
    return region_ids_for(user, *INCIDENT_REPORTER_ROLES)


def incident_workplaces_for(user: User) -> QuerySet[Workplace]:
    """The workplaces a reporter may name: those they manage, and those of their own
    placements that have not ended."""
    own = Placement.objects.filter(participant__user=user).exclude(status=PlacementStatus.ENDED)
    if not has_role(user, Role.PEER_SUPPORTER):
        own = own.none()
    return Workplace.objects.filter(
        Q(pk__in=managed_workplace_ids(user)) | Q(pk__in=own.values("workplace_id"))
    )


def incidents_visible_to(user: User) -> QuerySet[Incident]:
    """The reporter's own, the region's for its coordinators and, where the reporter chose
    it, the workplace's for its unit managers. Nobody else."""
    return Incident.objects.filter(
        Q(reported_by_id=user.pk)
        | Q(region_id__in=coordinated_region_ids(user))
        | Q(shared_with_managers=True, workplace_id__in=managed_workplace_ids(user))
    )


def get_incident_for_user_or_404(user: User, pk: int) -> Incident:
    return get_object_or_404(
        incidents_visible_to(user).select_related("region", "workplace", "reported_by"), pk=pk
    )


def can_follow_up_incident(user: User, incident: Incident) -> bool:
    return incident.region_id in coordinated_region_ids(user)
