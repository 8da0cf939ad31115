"""Demo register extracts: in each region the coordinator has produced one of the demo peer
supporter, who has also asked for their own. Written at once, so the demo needs no worker."""

from __future__ import annotations

from peersupport.accounts.demo import ROLE_PEOPLE, demo_email
from peersupport.accounts.models import Role, User
from peersupport.dataprotection.registry import subject_for_user

from .actions import produce_extract, request_extract
from .models import Extract
from .permissions import region_for


def seed() -> None:
    for people in ROLE_PEOPLE.values():
        coordinator = User.objects.get(email=demo_email(people[Role.COORDINATOR][0]))
        peer = User.objects.get(email=demo_email(people[Role.PEER_SUPPORTER][0]))
        subject = subject_for_user(peer)
        extracts = Extract.objects.of_subject(subject)
        if not extracts.filter(own_request=False).exists():
            extract = request_extract(
                actor=coordinator,
                subject=subject,
                language=coordinator.language,
                region_id=region_for(coordinator, subject),
                own=False,
            )
            produce_extract(extract_id=extract.pk)
        if not extracts.filter(own_request=True).exists():
            extract = request_extract(
                actor=peer,
                subject=subject,
                language=peer.language,
                region_id=subject.region_id,
                own=True,
            )
            produce_extract(extract_id=extract.pk)
