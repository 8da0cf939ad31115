"""Who may see a pending import: only the coordinator who uploaded it, while they still
coordinate its region, and only within its lifetime."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from peersupport.accounts.scoping import coordinated_region_ids

from .models import PendingImport


def pending_imports_visible_to(user) -> QuerySet[PendingImport]:
    return PendingImport.objects.filter(
        created_by=user,
        region_id__in=coordinated_region_ids(user),
        created_at__gt=timezone.now() - PendingImport.LIFETIME,
    )


def get_pending_import_for_user_or_404(user, pk: int) -> PendingImport:
    return get_object_or_404(pending_imports_visible_to(user).select_related("region"), pk=pk)
