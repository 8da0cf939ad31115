"""Who may see and do what with accounts and roles."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Membership, Region, Role, User
from .scoping import coordinated_region_ids, has_role, has_role_in_region, region_ids_for


def role_required(*roles: str):
    """View precondition: the user holds one of ``roles`` somewhere, else 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def memberships_visible_to(user: User) -> QuerySet[Membership]:
    """Coordinators see the memberships of their own regions."""
    return Membership.objects.filter(region_id__in=region_ids_for(user, Role.COORDINATOR))


def people_visible_to(user: User) -> QuerySet[User]:
    """People with a role in a region the user coordinates."""
    return User.objects.filter(pk__in=memberships_visible_to(user).values("user_id"))


def get_person_for_user_or_404(user: User, pk: int) -> User:
    return get_object_or_404(people_visible_to(user), pk=pk)


def regions_where_user_may_invite(user: User) -> QuerySet[Region]:
    if user.is_superuser:
        return Region.objects.all()
    return Region.objects.filter(pk__in=region_ids_for(user, Role.COORDINATOR))


def can_invite_to_region(user: User, region: Region) -> bool:
    return user.is_superuser or has_role_in_region(user, region, [Role.COORDINATOR])


def can_manage_account(actor: User, person: User) -> bool:
    """Whether the actor may correct, close or reopen the person's account: every role the
    person holds is in a region the actor coordinates (so nobody changes another region's
    staff), and it is not the actor's own account."""
    if actor.pk == person.pk:
        return False
    if actor.is_superuser:
        return True
    if person.is_staff or person.is_superuser:
        return False
    regions = set(person.memberships.values_list("region_id", flat=True))
    return bool(regions) and regions <= coordinated_region_ids(actor)


def can_end_membership(actor: User, membership: Membership) -> bool:
    return actor.is_superuser or membership.region_id in coordinated_region_ids(actor)
