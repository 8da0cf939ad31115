"""Who may follow up the access log (loggkontroll), and which events they see."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from peersupport.accounts.models import Membership, Role, User
from peersupport.accounts.scoping import has_role, region_ids_for

from .models import AuditEvent


def can_follow_up_log(user: User) -> bool:
    """The region's log auditors, and the admin."""
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.AUDITOR)


def log_follow_up_required(view):
    """View precondition: log auditor or admin, else 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_follow_up_log(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def audited_region_ids(user: User) -> set[int] | None:
    """The regions whose log the user follows up; ``None``: every region (the admin)."""
    if user.is_superuser:
        return None
    return region_ids_for(user, Role.AUDITOR)


def events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """An auditor sees the events about their regions' records and about the accounts of
    people who hold a role there, and everything those people did; the admin sees every
    event."""
    regions = audited_region_ids(user)
    if regions is None:
        return AuditEvent.objects.all()
    if not regions:
        return AuditEvent.objects.none()
    in_regions = Membership.objects.filter(region_id__in=regions)
    by_member = in_regions.filter(user_id=OuterRef("actor_id"))
    about_member = in_regions.filter(user_id=OuterRef("subject_id"))
    return AuditEvent.objects.filter(
        Q(region_id__in=regions)
        | Q(Exists(by_member))
        | Q(subject_kind="accounts.user", region__isnull=True) & Q(Exists(about_member))
    )


def readers_visible_to(user: User) -> QuerySet[User]:
    """Whose actions the user may follow up: people with a role in the audited regions."""
    regions = audited_region_ids(user)
    if regions is None:
        return User.objects.all()
    return User.objects.filter(
        pk__in=Membership.objects.filter(region_id__in=regions).values("user_id")
    )
