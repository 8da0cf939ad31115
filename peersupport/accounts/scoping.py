"""Who holds which role where. Every region-scoped query starts here.

A user's memberships are read once per request and kept on the user object, so
checks in middleware, navigation and views cost one query between them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser

from .models import ROLES_REQUIRING_MFA, Membership, Region, Role

_CACHE_ATTR = "_scoping_memberships"


def _memberships(user) -> list[tuple[str, int]]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = user.__dict__.get(_CACHE_ATTR)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user).order_by().values_list("role", "region_id")
        )
        user.__dict__[_CACHE_ATTR] = cached
    return cached


def forget_memberships(user) -> None:
    """Drop the cached memberships after they change."""
    user.__dict__.pop(_CACHE_ATTR, None)


def roles_of(user: AnonymousUser | object) -> set[str]:
    return {role for role, _region in _memberships(user)}


def has_role(user, *roles: str) -> bool:
    return any(role in roles for role, _region in _memberships(user))


def region_ids_for(user, *roles: str) -> set[int]:
    """Ids of the regions where the user holds any of ``roles``."""
    return {region for role, region in _memberships(user) if role in roles}


def coordinated_region_ids(user) -> set[int]:
    """The regions the user coordinates: what a coordinator's pages may show."""
    return region_ids_for(user, Role.COORDINATOR)


def coordinators_of(region_id: int):
    """The active users who coordinate the region: who is told about its events."""
    from .models import User

    return User.objects.filter(
        memberships__role=Role.COORDINATOR, memberships__region_id=region_id, is_active=True
    ).distinct()


def regions_for(user, *roles: str):
    return Region.objects.filter(pk__in=region_ids_for(user, *roles))


def has_role_in_region(user, region: Region | int, roles: Iterable[str]) -> bool:
    region_id = region if isinstance(region, int) else region.pk
    return region_id in region_ids_for(user, *roles)


def requires_mfa(user) -> bool:
    """Staff roles (and admins) must sign in with a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or bool(roles_of(user) & ROLES_REQUIRING_MFA)
