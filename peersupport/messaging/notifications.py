"""The e-mail that carries a message to each recipient, through the outbox."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from peersupport.notifications.kinds import NotificationKind, register


def _context(notification) -> dict:
    row = notification.subject
    return {
        "message": row.message,
        # A person without an account has the e-mail only: no link into the app.
        "message_path": reverse("messaging:message_detail", args=[row.message_id])
        if row.user_id
        else "",
        "name": row.user.get_short_name() if row.user_id else row.name,
    }


def _address(notification) -> tuple[str, str]:
    row = notification.subject
    return row.email, row.language


GROUP_MESSAGE = register(
    NotificationKind("group_message", _("Message to a group"), _context, address=_address)
)
