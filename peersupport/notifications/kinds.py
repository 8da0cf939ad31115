"""The kinds of notification the apps send, each with its e-mail templates.

A kind's templates are ``notifications/email/<key>_subject.txt`` and
``notifications/email/<key>_body.txt``; they are rendered at send time in the
recipient's language with ``recipient``, ``subject``, ``site_url`` and whatever the
kind's ``build_context`` adds.

A kind may also say where a message without a recipient account goes (``address``:
the e-mail address and language, read from the subject at send time) and whether a
message is still wanted when it falls due (``still_wanted``, asked by the dispatcher in
the transaction that sends it; a message no longer wanted is given up unsent, with the
reason in ``last_error``, and kept so the outbox shows what happened), and which of the
subject's relations its templates read (``subject_related``), loaded with the subject.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Notification


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: Any
    build_context: Callable[[Notification], dict[str, Any]] = field(default=lambda notification: {})
    # (e-mail, language) for a notification whose recipient is None.
    address: Callable[[Notification], tuple[str, str]] | None = None
    still_wanted: Callable[[Notification], bool] | None = None
    # Relations of the subject its templates read (``select_related`` paths): the
    # dispatcher loads them with the subject, in one query instead of one each.
    subject_related: tuple[str, ...] = ()

    @property
    def subject_template(self) -> str:
        return f"notifications/email/{self.key}_subject.txt"

    @property
    def body_template(self) -> str:
        return f"notifications/email/{self.key}_body.txt"


_KINDS: dict[str, NotificationKind] = {}


def register(kind: NotificationKind) -> NotificationKind:
    _KINDS[kind.key] = kind
    return kind


def get_kind(key: str) -> NotificationKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"Unknown notification kind {key!r}") from None


def all_kinds() -> list[NotificationKind]:
    return list(_KINDS.values())


def _invitation_context(notification: Notification) -> dict[str, Any]:
    from peersupport.accounts.invitations import invitation_path

    return {"invitation_path": invitation_path(notification.recipient)}


ACCOUNT_INVITATION = register(
    NotificationKind(
        "account_invitation",
        _("Invitation to PEER Support"),
        _invitation_context,
        # The body names the membership's region.
        subject_related=("region",),
    )
)
