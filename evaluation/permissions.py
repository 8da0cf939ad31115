"""Who sees what in the evaluation.

Researchers build studies and instruments and see results and pseudonymised exports for
the regions they hold the researcher role in. Coordinators see their regions' results
and response rates, never answers one by one. Admins see everything. Respondents reach
their own invitation by its link or slip code only, never by login.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from peersupport.accounts.models import Role, User
from peersupport.accounts.scoping import has_role, region_ids_for

from .models import Instrument, InstrumentVersion, Invitation, ResearchExport, Study


def can_manage_evaluation(user: User) -> bool:
    """Researchers (and admins) import instruments and build studies."""
    return user.is_superuser or has_role(user, Role.RESEARCHER)


def result_region_ids(user: User) -> set[int] | None:
    """Regions whose respondents' results the user may see; ``None`` means every region."""
    if user.is_superuser:
        return None
    return region_ids_for(user, Role.RESEARCHER, Role.COORDINATOR)


def may_see_results(user: User) -> bool:
    return user.is_superuser or has_role(user, Role.RESEARCHER, Role.COORDINATOR)


def instruments_visible_to(user: User) -> QuerySet[Instrument]:
    if not may_see_results(user):
        return Instrument.objects.none()
    return Instrument.objects.all()


def get_instrument_for_user_or_404(user: User, pk: int) -> Instrument:
    return get_object_or_404(instruments_visible_to(user), pk=pk)


def get_instrument_version_for_user_or_404(user: User, pk: int) -> InstrumentVersion:
    return get_object_or_404(
        InstrumentVersion.objects.filter(
            instrument__in=instruments_visible_to(user)
        ).select_related("instrument"),
        pk=pk,
    )


def studies_visible_to(user: User) -> QuerySet[Study]:
    """Studies covering a region the user sees results for (national studies cover all)."""
    region_ids = result_region_ids(user)
    if region_ids is None:
        return Study.objects.all()
    if not region_ids:
        return Study.objects.none()
    return Study.objects.filter(Q(regions__isnull=True) | Q(regions__in=region_ids)).distinct()


def get_study_for_user_or_404(user: User, pk: int) -> Study:
    return get_object_or_404(studies_visible_to(user), pk=pk)


def can_edit_study(user: User, study: Study) -> bool:
    return can_manage_evaluation(user)


def invitations_for_results(user: User, study: Study) -> QuerySet[Invitation]:
    """The study's invitations whose figures the user may see."""
    invitations = Invitation.objects.filter(wave__study=study)
    region_ids = result_region_ids(user)
    if region_ids is None:
        return invitations
    return invitations.filter(region_id__in=region_ids)


def exports_visible_to(user: User) -> QuerySet[ResearchExport]:
    """A researcher sees the exports they asked for; an admin sees every export."""
    if user.is_superuser:
        return ResearchExport.objects.all()
    if not has_role(user, Role.RESEARCHER):
        return ResearchExport.objects.none()
    return ResearchExport.objects.filter(requested_by=user)


def get_export_for_user_or_404(user: User, pk: int) -> ResearchExport:
    return get_object_or_404(exports_visible_to(user).select_related("study"), pk=pk)


def may_export(user: User) -> bool:
    """Researchers (and admins) get pseudonymised exports; coordinators see results only."""
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.RESEARCHER)


def export_required(view):
    """View precondition: researcher or admin, else 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_export(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def export_region_ids(user: User) -> set[int] | None:
    """Regions whose respondents the user's exports hold: where they are a researcher
    (a coordinator role elsewhere adds none); ``None`` means every region."""
    if user.is_superuser:
        return None
    return region_ids_for(user, Role.RESEARCHER)
