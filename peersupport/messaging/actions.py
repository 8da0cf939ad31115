"""Writing to a group: the message is stored, each recipient's copy made and one e-mail
per recipient put in the outbox."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peersupport.accounts.models import User
from peersupport.audit.actions import record_event
from peersupport.audit.models import AuditAction
from peersupport.notifications.actions import schedule_notification
from peersupport.privacy import validate_no_identifying_data

from .audiences import Audience, Recipient
from .models import Message, MessageRecipient
from .notifications import GROUP_MESSAGE


def recipients_of(audience: Audience, group: Model, *, author: User) -> list[Recipient]:
    """Who a message to the group reaches: each person once, never the author, never a
    closed account."""
    seen: set[object] = set()
    chosen = []
    for recipient in audience.recipients(group):
        if recipient.user is not None:
            if not recipient.user.is_active or recipient.user.pk == author.pk:
                continue
            key: object = ("user", recipient.user.pk)
        elif recipient.email:
            key = ("email", recipient.email.lower())
        else:
            continue
        if key not in seen:
            seen.add(key)
            chosen.append(recipient)
    return chosen


def _check_rate(author: User, now: dt.datetime) -> None:
    limit = settings.GROUP_MESSAGES_PER_HOUR
    recent = Message.objects.filter(author=author, created_at__gt=now - dt.timedelta(hours=1))
    if recent.count() >= limit:
        raise ValidationError(
            ngettext(
                "You have sent %(count)d message in the last hour, which is the most "
                "allowed. Try again later.",
                "You have sent %(count)d messages in the last hour, which is the most "
                "allowed. Try again later.",
                limit,
            )
            % {"count": limit}
        )


@transaction.atomic
def send_group_message(
    *,
    actor: User,
    audience: Audience,
    group: Model,
    subject: str,
    body: str,
    request=None,
) -> Message:
    """Write to a group the actor may write to: a copy for every recipient, read in the
    app, and an e-mail each through the outbox. At most ``GROUP_MESSAGES_PER_HOUR``
    messages per author an hour."""
    if not audience.who_may_write(actor).filter(pk=group.pk).exists():
        raise ValidationError(_("You cannot write to this group."))
    for name, text in (("subject", subject), ("body", body)):
        try:
            validate_no_identifying_data(text)
        except ValidationError as error:
            raise ValidationError({name: error.messages}) from None
    # The author's row is locked so that two messages sent at once count each other.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    now = timezone.now()
    _check_rate(actor, now)
    recipients = recipients_of(audience, group, author=actor)
    if not recipients:
        raise ValidationError(_("Nobody in this group can be written to."))
    message = Message.objects.create(
        author=actor,
        audience=audience.key,
        group_id=group.pk,
        group_name=str(group)[:200],
        region_id=audience.region_of(group),
        subject=subject,
        body=body,
    )
    rows = MessageRecipient.objects.bulk_create(
        MessageRecipient(
            message=message,
            user=recipient.user,
            person_key=recipient.person_key,
            name="" if recipient.user else recipient.name,
            email="" if recipient.user else recipient.email,
            language=recipient.user.language if recipient.user else recipient.language,
        )
        for recipient in recipients
    )
    for row in rows:
        schedule_notification(recipient=row.user, kind=GROUP_MESSAGE.key, subject=row)
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        obj=message,
        request=request,
        detail={
            "audience": audience.key,
            "group": group.pk,
            "recipients": len(rows),
            "without_account": sum(1 for row in rows if row.user_id is None),
        },
    )
    return message


def mark_read(*, user: User, message: Message) -> None:
    """The recipient has opened the message (the author's own reading changes nothing)."""
    MessageRecipient.objects.filter(message=message, user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
