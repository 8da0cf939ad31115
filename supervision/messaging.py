"""Supervision groups as a message's audience (see ``peersupport.messaging``): the group's
supervisor writes to their own group, coordinators to their regions' groups."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peersupport.messaging.audiences import Audience, Recipient, register_audience
from programmes.messaging import recipient_for

from .models import SupervisionGroup
from .permissions import groups_visible_to


def _groups(user):
    return groups_visible_to(user).active().order_by("name")


def _members(group: SupervisionGroup) -> list[Recipient]:
    return [recipient_for(member) for member in group.members.select_related("user")]


register_audience(
    Audience(
        key="supervision_group",
        title=_("A supervision group"),
        who_may_write=_groups,
        recipients=_members,
        order=30,
    )
)
