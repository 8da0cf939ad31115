"""A demo access trail, so log follow-up has something to follow up: everyday reads by the
Stockholm coordinator and supervisor, one afternoon when the coordinator opened every
Stockholm person's record within minutes, and a Skåne coordinator reading a Stockholm record.

Written as past events (marked ``"demo": True``), since real reads are only ever logged as
they happen. The people are found through the data-protection registry by the demo
e-mail domain, so the core needs no app.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from peersupport.accounts.demo import DEMO_DOMAIN, demo_email
from peersupport.accounts.models import Region, User
from peersupport.dataprotection.registry import DataSubject, registry

from .models import AuditAction, AuditEvent

DEMO_IP = "192.0.2.10"  # TEST-NET-1: an address that is never anyone's


def _people(region: Region) -> list[DataSubject]:
    kind = registry.subject_kinds["programmes.participant"]
    return kind.search(f"@{DEMO_DOMAIN}", {region.pk})


def _read(actor: User, subject: DataSubject, at: dt.datetime) -> AuditEvent:
    return AuditEvent(
        at=at,
        actor=actor,
        actor_email=actor.email,
        action=AuditAction.READ,
        object_type=subject.kind,
        object_id=str(subject.pk),
        object_repr=subject.name,
        subject_kind=subject.kind,
        subject_id=subject.pk,
        region_id=subject.region_id,
        ip_address=DEMO_IP,
        detail={"demo": True},
    )


def seed() -> None:
    if AuditEvent.objects.filter(detail__demo=True).exists():
        return
    stockholm = Region.objects.get(code="stockholm")
    coordinator = User.objects.get(email=demo_email("koordinator.stockholm"))
    supervisor = User.objects.get(email=demo_email("handledare.stockholm"))
    skane_coordinator = User.objects.get(email=demo_email("koordinator.skane"))
    people = _people(stockholm)
    now = timezone.now().replace(second=0, microsecond=0)
    events = []
    for day, subject in enumerate(people[:8], start=1):
        events.append(_read(coordinator, subject, now - dt.timedelta(days=day, hours=3)))
    for day, subject in enumerate(people[:2], start=2):
        events.append(_read(supervisor, subject, now - dt.timedelta(days=day, hours=5)))
    burst_start = now - dt.timedelta(days=2, hours=1)
    events.extend(
        _read(coordinator, subject, burst_start + dt.timedelta(seconds=20 * i))
        for i, subject in enumerate(people)
    )
    if people:
        events.append(_read(skane_coordinator, people[-1], now - dt.timedelta(days=3, hours=2)))
    AuditEvent.objects.bulk_create(events)
