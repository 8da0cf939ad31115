"""Who may see the legal-basis register and record a person's consent."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied

from peersupport.accounts.models import Role, User
from peersupport.accounts.scoping import region_ids_for

from .registry import DataSubject


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.is_staff))


def admin_required(view):
    """View precondition: an admin (the Django admin's staff or a superuser), else 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def can_manage_consent(user: User, subject: DataSubject) -> bool:
    """The person themselves, or a coordinator of the region that answers for the record."""
    if not getattr(user, "is_authenticated", False):
        return False
    if subject.user_id is not None and subject.user_id == user.pk:
        return True
    return subject.region_id in region_ids_for(user, Role.COORDINATOR)
