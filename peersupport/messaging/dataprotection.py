"""Messages to groups as the data-protection core knows them (see
``peersupport.dataprotection.registry``). Imported from ``AppConfig.ready()``."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection import bases
from peersupport.dataprotection.registry import (
    DataSubject,
    ErasureRule,
    ExtractSection,
    LegalBasis,
    RetentionRule,
    register_erasure_rule,
    register_extract_section,
    register_legal_basis,
    register_retention_rule,
)
from peersupport.extracts.items import field, item_from

from .models import Message, MessageRecipient

register_legal_basis(
    LegalBasis(
        key="messaging.messages",
        title=_("Messages to groups"),
        models=("messaging.message", "messaging.messagerecipient"),
        purpose=_(
            "Let coordinators and supervisors write to a cohort, a supervision group, the "
            "region's alumni or a workplace's unit managers by e-mail, and keep a copy that "
            "the author and the recipients read in the app."
        ),
        article_6=bases.PUBLIC_TASK,
        retention=_("Thinned out two years after sending."),
    )
)


def _received_by(subject: DataSubject):
    rows = Q(person_key=subject.key)
    if subject.user_id:
        rows |= Q(user_id=subject.user_id)
    return MessageRecipient.objects.filter(rows)


def _received(subject: DataSubject):
    rows = _received_by(subject).select_related("message__author")
    return [
        item_from(
            row.message,
            ["subject", "body", "group_name", "created_at"],
            title=row.message.subject,
            extra=[field("author", _("author"), str(row.message.author or ""))],
        )
        for row in rows
    ]


def _written(subject: DataSubject):
    if not subject.user_id:
        return []
    return [
        item_from(message, ["subject", "body", "group_name", "created_at"])
        for message in Message.objects.filter(author_id=subject.user_id)
    ]


register_extract_section(
    ExtractSection(
        key="messaging.received", title=_("Messages received"), collect=_received, order=70
    )
)
register_extract_section(
    ExtractSection(key="messaging.written", title=_("Messages written"), collect=_written, order=71)
)

register_erasure_rule(
    ErasureRule(
        key="messaging.received",
        title=_("Messages received"),
        removes=_("The person's copies of messages to groups, and that they received them."),
        erase=lambda subject, actor: _received_by(subject).delete()[0],
        keeps=_("Messages the person wrote to a group stay with the group's history."),
        order=70,
    )
)

register_retention_rule(
    RetentionRule(
        key="messaging.messages",
        title=_("Messages to groups"),
        default_months=24,
        due=lambda cutoff, region_ids: Message.objects.filter(
            created_at__lt=cutoff, region_id__in=region_ids or []
        ),
        thin=lambda due: due.delete()[1].get(Message._meta.label, 0),
        action=_("Deleted"),
    )
)
