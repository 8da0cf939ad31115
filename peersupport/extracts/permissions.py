"""Who may ask for, see and download register extracts, and erase a person.

A coordinator acts for the people of the regions they coordinate: a programme record of
their region, or an account holding a role there. A person may ask for and download
their own extract. Anyone else gets 404, as for a record that does not exist.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from peersupport.accounts.models import Membership, User
from peersupport.accounts.scoping import coordinated_region_ids
from peersupport.dataprotection.registry import (
    DataSubject,
    registry,
    subject_for_user,
)

from .models import Extract


def _canonical(subject: DataSubject) -> DataSubject:
    """An account is looked at through the fullest record kept about its holder (their
    programme record, when they have one), so an extract or an erasure misses nothing."""
    if subject.kind != "accounts.user":
        return subject
    user = User.objects.filter(pk=subject.pk).first()
    return subject_for_user(user) if user is not None else subject


def region_for(user: User, subject: DataSubject) -> int | None:
    """The region through which ``user`` coordinates ``subject``, or ``None``."""
    regions = coordinated_region_ids(user)
    if subject.region_id is not None:
        return subject.region_id if subject.region_id in regions else None
    if subject.user_id is None:
        return None
    shared = (
        Membership.objects.filter(user_id=subject.user_id, region_id__in=regions)
        .order_by("region_id")
        .values_list("region_id", flat=True)
        .first()
    )
    return shared


def get_subject_for_user_or_404(user: User, kind: str, pk: int) -> tuple[DataSubject, int]:
    """The person ``kind:pk`` and the region through which ``user`` coordinates them."""
    entry = registry.subject_kinds.get(kind)
    subject = entry.resolve(pk) if entry is not None else None
    if subject is None:
        raise Http404
    subject = _canonical(subject)
    region_id = region_for(user, subject)
    if region_id is None:
        raise Http404
    return subject, region_id


def own_subject(user: User) -> DataSubject:
    return subject_for_user(user)


def extracts_visible_to(user: User) -> QuerySet[Extract]:
    """Coordinators see the extracts they or their region's coordinators asked for; a
    person sees the extracts they asked for about themselves."""
    return Extract.objects.filter(
        Q(region_id__in=coordinated_region_ids(user), own_request=False)
        | Q(own_request=True, requested_by=user, subject_user=user)
    )


def get_extract_for_user_or_404(user: User, pk: int) -> Extract:
    return get_object_or_404(extracts_visible_to(user), pk=pk)
