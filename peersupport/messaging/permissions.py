"""Who reads which message: its author and its recipients, nobody else."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from peersupport.accounts.models import Role, User
from peersupport.accounts.scoping import has_role

from .models import Message, MessageRecipient

# The roles that may write to a group (which groups, each audience decides).
WRITER_ROLES = (Role.COORDINATOR, Role.SUPERVISOR)


def may_write_messages(user: User) -> bool:
    return has_role(user, *WRITER_ROLES)


def messages_received_by(user: User) -> QuerySet[MessageRecipient]:
    return MessageRecipient.objects.filter(user=user)


def messages_visible_to(user: User) -> QuerySet[Message]:
    received = MessageRecipient.objects.filter(message_id=OuterRef("pk"), user=user)
    return Message.objects.filter(Q(author=user) | Exists(received))


def get_message_for_user_or_404(user: User, pk: int) -> Message:
    return get_object_or_404(messages_visible_to(user).select_related("author", "region"), pk=pk)
