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
from peersupport.accounts.scoping import coordinated_region_ids, has_role, region_ids_for
from workplaces.models import Placement, Workplace
from workplaces.permissions import is_coordinator_for, managed_workplace_ids

from .models import (
    ANONYMOUS_GROUPS,
    Instrument,
    InstrumentVersion,
    Invitation,
    ResearchExport,
    RespondentGroup,
    SlipBatch,
    Study,
)


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


# Printed slips ----------------------------------------------------------------------------


def placed_workplace_ids(user: User) -> set[int]:
    """Workplaces where the user is a peer supporter with an active placement."""
    if not has_role(user, Role.PEER_SUPPORTER):
        return set()
    cached = user.__dict__.get("_placed_workplace_ids")
    if cached is None:
        cached = set(
            Placement.objects.active()
            .filter(participant__user=user)
            .values_list("workplace_id", flat=True)
        )
        user.__dict__["_placed_workplace_ids"] = cached
    return cached


def slip_groups_at(user: User, workplace: Workplace) -> frozenset[str]:
    """The anonymous groups the user may print slips for at ``workplace``: the region's
    coordinators and the workplace's unit managers both groups, a peer supporter placed
    there the service users they meet."""
    if is_coordinator_for(user, workplace) or workplace.pk in managed_workplace_ids(user):
        return ANONYMOUS_GROUPS
    if workplace.pk in placed_workplace_ids(user):
        return frozenset({RespondentGroup.SERVICE_USERS})
    return frozenset()


def may_print_slips(user: User) -> bool:
    return has_role(user, Role.COORDINATOR, Role.UNIT_MANAGER, Role.PEER_SUPPORTER)


def slip_workplaces_for(user: User) -> QuerySet[Workplace]:
    """Workplaces the user may print slips for, for at least one group."""
    return Workplace.objects.filter(
        Q(region_id__in=coordinated_region_ids(user))
        | Q(pk__in=managed_workplace_ids(user))
        | Q(pk__in=placed_workplace_ids(user))
    )


def slip_batches_visible_to(user: User) -> QuerySet[SlipBatch]:
    """Coordinators see their regions' batches, unit managers their workplaces', and
    whoever printed a batch sees it (a peer supporter only their own: the PDF holds codes
    that open the survey)."""
    if not may_print_slips(user):
        return SlipBatch.objects.none()
    return SlipBatch.objects.filter(
        Q(workplace__region_id__in=coordinated_region_ids(user))
        | Q(workplace_id__in=managed_workplace_ids(user))
        | Q(created_by=user)
    )


def get_slip_batch_for_user_or_404(user: User, pk: int) -> SlipBatch:
    return get_object_or_404(
        slip_batches_visible_to(user).select_related("wave__study", "workplace", "created_by"),
        pk=pk,
    )
