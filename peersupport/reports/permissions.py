"""Who may ask for, see and download evaluation reports.

A coordinator asks for and reads the reports of the regions they coordinate (whoever
asked); a researcher asks for and reads national reports; an admin, everything. A report
outside a person's reach is 404, as if it did not exist. Standing orders are a
coordinator's own, for the regions they coordinate."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from peersupport.accounts.models import Region, Role
from peersupport.accounts.scoping import coordinated_region_ids, has_role

from .models import Report, ReportSubscription


def may_use_reports(user) -> bool:
    return user.is_superuser or has_role(user, Role.COORDINATOR, Role.RESEARCHER)


def reports_required(view):
    """View precondition: a coordinator, researcher or admin, else 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_use_reports(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def may_subscribe(user) -> bool:
    return has_role(user, Role.COORDINATOR)


def may_ask_for_national(user) -> bool:
    return user.is_superuser or has_role(user, Role.RESEARCHER)


def report_regions_for(user) -> QuerySet[Region]:
    """The regions whose reports the user may ask for."""
    if user.is_superuser:
        return Region.objects.order_by("name")
    return Region.objects.filter(pk__in=coordinated_region_ids(user)).order_by("name")


def can_request_report(user, region: Region | None) -> bool:
    """May the user ask for this region's report (``None``: the national one)?"""
    if region is None:
        return may_ask_for_national(user)
    return user.is_superuser or region.pk in coordinated_region_ids(user)


def reports_visible_to(user) -> QuerySet[Report]:
    reports = Report.objects.select_related("region", "requested_by")
    if user.is_superuser:
        return reports
    visible = Q(region_id__in=coordinated_region_ids(user))
    if has_role(user, Role.RESEARCHER):
        visible |= Q(region__isnull=True)
    return reports.filter(visible)


def get_report_for_user_or_404(user, pk: int) -> Report:
    return get_object_or_404(reports_visible_to(user), pk=pk)


def subscription_regions_for(user) -> QuerySet[Region]:
    """The regions whose reports the user may subscribe to: those they coordinate (an
    admin's reach is not a standing order's)."""
    return Region.objects.filter(pk__in=coordinated_region_ids(user)).order_by("name")


def subscriptions_visible_to(user) -> QuerySet[ReportSubscription]:
    return ReportSubscription.objects.filter(user=user).select_related("region")


def get_subscription_for_user_or_404(user, pk: int) -> ReportSubscription:
    return get_object_or_404(subscriptions_visible_to(user), pk=pk)
