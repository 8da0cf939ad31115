"""Who may ask for and download the region's register sheets.

The sheets hold names, so only the region's coordinators (and admins) may: any other role
gets 403, and a coordinator asking for another region's export gets 404, as if it did not
exist. A coordinator sees every export of the regions they coordinate, whoever asked.
Every region's sheet at once (a national export) is the admin's alone: a researcher asks
for national reports, but a register holds names."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from peersupport.accounts.models import Region, Role
from peersupport.accounts.scoping import coordinated_region_ids, has_role

from .models import RegisterExport


def may_use_registers(user) -> bool:
    return user.is_superuser or has_role(user, Role.COORDINATOR)


def registers_required(view):
    """View precondition: a coordinator or an admin, else 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_use_registers(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def may_ask_for_national_registers(user) -> bool:
    return user.is_superuser


def register_regions_for(user) -> QuerySet[Region]:
    """The regions whose register sheets the user may ask for."""
    if user.is_superuser:
        return Region.objects.order_by("name")
    return Region.objects.filter(pk__in=coordinated_region_ids(user)).order_by("name")


def register_exports_visible_to(user) -> QuerySet[RegisterExport]:
    exports = RegisterExport.objects.select_related("region", "requested_by")
    if user.is_superuser:
        return exports
    return exports.filter(region_id__in=coordinated_region_ids(user))


def get_register_export_for_user_or_404(user, pk: int) -> RegisterExport:
    return get_object_or_404(register_exports_visible_to(user), pk=pk)
