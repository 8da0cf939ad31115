"""A workplace's unit managers as a message's audience (see ``peersupport.messaging``):
coordinators write to their regions' workplaces."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peersupport.accounts.scoping import coordinated_region_ids
from peersupport.messaging.audiences import Audience, Recipient, register_audience

from .models import Workplace


def _workplaces(user):
    return Workplace.objects.in_regions(coordinated_region_ids(user)).order_by("name")


def _managers(workplace: Workplace) -> list[Recipient]:
    return [
        Recipient(user=manager, person_key=f"accounts.user:{manager.pk}")
        for manager in workplace.managers.filter(is_active=True)
    ]


register_audience(
    Audience(
        key="workplace_managers",
        title=_("A workplace's unit managers"),
        who_may_write=_workplaces,
        recipients=_managers,
        order=40,
    )
)
