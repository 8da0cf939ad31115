"""Demo messages: in each region the supervisor has written to their supervision group and
the coordinator to the region's alumni, so Messages has something to read for the author
and the recipients. Idempotent. The audiences come from the registry, so the core needs
no app."""

from __future__ import annotations

from peersupport.accounts.demo import REGIONS, ROLE_PEOPLE, demo_email
from peersupport.accounts.models import Region, Role, User

from .actions import send_group_message
from .audiences import get_audience
from .models import Message

DEMO_MESSAGES = [
    (
        Role.SUPERVISOR,
        "supervision_group",
        "Handledning efter sommaren",
        "Hej alla! Vi börjar som vanligt efter sommaren. Tänk gärna ut en situation från "
        "arbetsplatsen som ni vill ta upp.",
    ),
    (
        Role.COORDINATOR,
        "alumni",
        "Återträff i höst",
        "Hej! I höst ordnar vi en återträff för alla som gått kursen. Inbjudan kommer snart.",
    ),
]


def seed() -> None:
    for code, _name in REGIONS:
        region = Region.objects.get(code=code)
        for role, audience_key, subject, body in DEMO_MESSAGES:
            author = User.objects.filter(email=demo_email(ROLE_PEOPLE[code][role][0])).first()
            if author is None or Message.objects.filter(author=author, subject=subject).exists():
                continue
            audience = get_audience(audience_key)
            group = next(
                (
                    group
                    for group in audience.who_may_write(author)
                    if audience.region_of(group) == region.pk
                ),
                None,
            )
            if group is not None:
                send_group_message(
                    actor=author, audience=audience, group=group, subject=subject, body=body
                )
