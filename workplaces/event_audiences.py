"""Who a network meeting (nätverksträff) invites: the unit managers who have taken on
peer supporters in the region."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import Region, User
from programmes.event_audiences import EventAudience, register_event_audience
from programmes.models import EventKind

from .models import Placement, PlacementStatus


def managers_with_peer_supporters(region: Region) -> QuerySet[User]:
    """Active unit managers of the region's workplaces with an agreed or active placement."""
    workplaces = Placement.objects.filter(
        workplace__region=region, status__in=(PlacementStatus.AGREED, PlacementStatus.ACTIVE)
    ).values("workplace_id")
    return User.objects.filter(managed_workplaces__in=workplaces, is_active=True).distinct()


register_event_audience(
    EventKind.NETWORK_MEETING,
    EventAudience(
        label=_("unit managers with peer supporters in the region"),
        accounts=managers_with_peer_supporters,
    ),
)
