"""The audit log in a register extract and an erasure (registered in ``dataprotection.py``):
a person's own login history. The log itself is never erased: it is kept for log
follow-up (loggkontroll) until retention thins it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.registry import (
    DataSubject,
    ErasureRule,
    ExtractSection,
    register_erasure_rule,
    register_extract_section,
)
from peersupport.extracts.items import item_from

from .models import AuditAction, AuditEvent

LOGIN_ACTIONS = (AuditAction.LOGIN, AuditAction.LOGIN_FAILED, AuditAction.LOGOUT)


def _logins(subject: DataSubject):
    if subject.user_id is None:
        return []
    events = AuditEvent.objects.filter(actor_id=subject.user_id, action__in=LOGIN_ACTIONS)
    return [
        item_from(event, ["at", "action", "ip_address"], title=event.get_action_display())
        for event in events.order_by("at")
    ]


def _accesses(subject: DataSubject):
    """Who read or exported the person's records (GDPR art. 15.1 c: the recipients)."""
    events = AuditEvent.objects.filter(
        subject_kind=subject.kind,
        subject_id=subject.pk,
        action__in=(AuditAction.READ, AuditAction.EXPORT),
    )
    return [
        item_from(
            event, ["at", "action", "actor_email", "object_type"], title=event.get_action_display()
        )
        for event in events.order_by("at")
    ]


SECTIONS = [
    ExtractSection(
        key="audit.accesses",
        title=_("Who read or exported the records"),
        collect=_accesses,
        order=89,
    ),
    ExtractSection(key="audit.logins", title=_("Login history"), collect=_logins, order=90),
]

ERASURE = ErasureRule(
    key="audit.log",
    title=_("Audit log"),
    removes=_("Nothing."),
    keeps=_(
        "Who read or changed the person's records, and their logins: kept for log "
        "follow-up, and thinned after five years."
    ),
    erase=lambda subject, actor: 0,
    order=95,
)


def register() -> None:
    for section in SECTIONS:
        register_extract_section(section)
    register_erasure_rule(ERASURE)
