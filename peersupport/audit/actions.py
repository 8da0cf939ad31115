from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from peersupport.dataprotection.registry import DataSubject, subject_of

from .models import AuditAction, AuditEvent


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    """The address of the person behind the request.

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies of our own, each proxy appends the address
    it saw to X-Forwarded-For, so the client is the N-th entry from the right; anything to
    its left was written by the client and is never believed. Without trusted proxies (or
    when the header is shorter than the chain, i.e. the request bypassed a proxy) the
    connection's own address is used.
    """
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = forwarded.split(",")
        if len(hops) >= proxies:
            return _valid_ip(hops[-proxies])
    return _valid_ip(request.META.get("REMOTE_ADDR"))


def _region_of(obj: models.Model | None, subject: DataSubject | None) -> int | None:
    if subject is not None and subject.region_id is not None:
        return subject.region_id
    return getattr(obj, "region_id", None)


def _event(
    *,
    actor,
    action: AuditAction,
    obj: models.Model | None,
    subject: DataSubject | None,
    request: HttpRequest | None,
    detail: dict[str, Any] | None,
) -> AuditEvent:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if subject is None and obj is not None:
        subject = subject_of(obj)
    return AuditEvent(
        actor=actor,
        actor_email=actor.email if actor else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        subject_kind=subject.kind if subject else "",
        subject_id=subject.pk if subject else None,
        region_id=_region_of(obj, subject),
        ip_address=client_ip(request),
        path=request.get_full_path()[:500] if request is not None else "",
        detail=detail or {},
    )


def record_event(
    *,
    actor,
    action: AuditAction,
    obj: models.Model | None = None,
    subject: DataSubject | None = None,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit log.

    The person the event is about is ``subject``, or else the one ``obj`` is about (a model
    about one person defines ``data_subject()``); the region is theirs, or the object's.
    """
    event = _event(
        actor=actor, action=action, obj=obj, subject=subject, request=request, detail=detail
    )
    event.save()
    return event


def record_reads(
    *,
    actor,
    records: Iterable[models.Model],
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """One READ event per person whose records a list page showed, naming that person's
    record ids, so log follow-up finds every list read under each person (one query)."""
    by_subject: dict[str | None, tuple[DataSubject | None, list]] = {}
    label = ""
    for record in records:
        label = record._meta.label_lower
        subject = subject_of(record)
        key = subject.key if subject else None
        by_subject.setdefault(key, (subject, []))[1].append(record)
    events = []
    for subject, group in by_subject.values():
        event = _event(
            actor=actor,
            action=AuditAction.READ,
            obj=None,
            subject=subject,
            request=request,
            detail={**(detail or {}), "model": label, "ids": [record.pk for record in group]},
        )
        if event.region_id is None:
            event.region_id = getattr(group[0], "region_id", None)
        events.append(event)
    return AuditEvent.objects.bulk_create(events)
