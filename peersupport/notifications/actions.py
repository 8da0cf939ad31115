"""The outbox: the one way in (``schedule_notification``) and the dispatcher."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .kinds import get_kind
from .models import Notification

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)


def schedule_notification(
    *,
    recipient,
    kind: str,
    subject: models.Model | None = None,
    occurrence: str = "",
    due_at: datetime | None = None,
) -> tuple[Notification, bool]:
    """Put a notification in the outbox once; scheduling it again changes nothing.

    ``subject`` is the record the message is about (the recipient when omitted) and
    ``occurrence`` tells apart several messages of one kind about one subject (for
    example the date of a session). ``recipient`` is None for a person without an
    account; the kind's ``address`` then finds the address from the subject. Returns the
    row and whether it was new.
    """
    notification_kind = get_kind(kind)
    if recipient is None and (subject is None or notification_kind.address is None):
        raise ValueError(
            f"A {kind!r} notification without a recipient needs a subject and an address"
        )
    subject = subject if subject is not None else recipient
    notification, created = Notification.objects.get_or_create(
        recipient=recipient,
        kind=kind,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        occurrence=occurrence,
        defaults={"due_at": due_at or timezone.now()},
    )
    if (
        created
        and notification.due_at <= timezone.now()
        and settings.NOTIFICATIONS_DISPATCH_ON_SCHEDULE
    ):
        from .tasks import dispatch_notifications

        # robust: a broker outage must not fail the request; beat's sweep sends it anyway.
        transaction.on_commit(dispatch_notifications.delay, robust=True)
    return notification, created


def cancel_notifications(
    *, subject: models.Model, kind: str | None = None, occurrence: str | None = None
) -> int:
    """Withdraw pending notifications about ``subject`` (for example a cancelled session)."""
    pending = Notification.objects.pending().filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    )
    if kind:
        pending = pending.filter(kind=kind)
    if occurrence is not None:
        pending = pending.filter(occurrence=occurrence)
    return pending.delete()[0]


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** (attempts - 1)), MAX_BACKOFF)


def address_of(notification: Notification) -> tuple[str, str]:
    """The e-mail address and language the notification is sent to and written in."""
    if notification.recipient is not None:
        return notification.recipient.email, notification.recipient.language
    kind = get_kind(notification.kind)
    if kind.address is None:
        raise LookupError(f"Kind {kind.key!r} gives no address for a message without a recipient")
    return kind.address(notification)


def render_notification(notification: Notification) -> tuple[str, str]:
    """The subject line and body, in the recipient's language."""
    kind = get_kind(notification.kind)
    _email, language = address_of(notification)
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {
            "recipient": notification.recipient,
            "subject": notification.subject,
            "notification": notification,
            "site_url": settings.SITE_URL.rstrip("/"),
            **kind.build_context(notification),
        }
        subject_line = " ".join(render_to_string(kind.subject_template, context).split())
        body = render_to_string(kind.body_template, context)
    return subject_line, body


class SubjectGone(Exception):
    """The record the notification was about has been deleted."""


class NoLongerWanted(Exception):
    """The kind says the message is no longer wanted (its ``still_wanted`` is false)."""


class _Mailer:
    """One connection to the mail server for a whole sweep, not one per message (with SMTP
    each is a TCP and TLS handshake and a login): opened for the first message, opened
    again after a failed one (the server may have dropped it), closed at the end."""

    def __init__(self) -> None:
        self._connection = None

    def send(self, message: EmailMessage) -> None:
        if self._connection is None:
            self._connection = get_connection(fail_silently=False)
            self._connection.open()
        message.connection = self._connection
        try:
            message.send(fail_silently=False)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.close()
        except Exception as error:
            logger.warning("Closing the mail connection failed: %s", error)


def _load_subject(notification: Notification) -> None:
    """Load the subject with the relations its kind's templates read, in one query (the
    generic relation would load the subject alone, and each relation after it)."""
    related = get_kind(notification.kind).subject_related
    # The content type's cache, not the foreign key (a query).
    model = ContentType.objects.get_for_id(notification.subject_type_id).model_class()
    if not related or model is None:
        return
    subject = (
        model._base_manager.select_related(*related).filter(pk=notification.subject_id).first()
    )
    if subject is not None:
        notification.subject = subject


def _send(notification: Notification, mailer: _Mailer) -> None:
    _load_subject(notification)
    if notification.subject is None:
        raise SubjectGone("The subject of this notification no longer exists; not sent.")
    still_wanted = get_kind(notification.kind).still_wanted
    if still_wanted is not None and not still_wanted(notification):
        raise NoLongerWanted(
            "No longer wanted: what it is about has ended (for example the survey was "
            "answered, withdrawn or closed); not sent."
        )
    subject_line, body = render_notification(notification)
    email, _language = address_of(notification)
    mailer.send(EmailMessage(subject=subject_line, body=body, to=[email]))
    notification.title = subject_line[:200]


def dispatch_due_notifications(*, limit: int = 500, now: datetime | None = None) -> int:
    """Send the notifications that are due; returns how many were sent.

    Each row is claimed, sent and marked in its own transaction. The row lock keeps a
    concurrent dispatcher off it (it skips locked rows), and a crash mid-send rolls back
    only the row being sent, so the next sweep sends it once more and nothing else twice.
    The kind's ``still_wanted`` is asked inside that transaction, so a kind that locks
    its subject there serialises with a change to it committing at the same time.
    ``now`` sends what is due by then (tests "travel" in time with it).
    """
    mailer = _Mailer()
    try:
        return _dispatch(mailer, limit=limit, now=now)
    finally:
        mailer.close()


def _dispatch(mailer: _Mailer, *, limit: int, now: datetime | None) -> int:
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            notification = (
                Notification.objects.due(now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .order_by("due_at", "pk")
                .first()
            )
            if notification is None:
                break
            try:
                # A savepoint, so a database error while rendering can still be recorded.
                with transaction.atomic():
                    _send(notification, mailer)
            except (SubjectGone, NoLongerWanted) as error:
                _give_up(notification, error)
            except Exception as error:
                _record_failure(notification, error)
            else:
                notification.sent_at = timezone.now()
                notification.attempts += 1
                notification.last_error = ""
                notification.save(update_fields=["sent_at", "attempts", "last_error", "title"])
                sent += 1
    return sent


def _give_up(notification: Notification, error: Exception) -> None:
    notification.failed_at = timezone.now()
    notification.last_error = str(error)
    notification.save(update_fields=["failed_at", "last_error"])


def _record_failure(notification: Notification, error: Exception) -> None:
    now = timezone.now()
    notification.attempts += 1
    notification.last_error = f"{type(error).__name__}: {error}"[:2000]
    if notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        notification.failed_at = now
        logger.error("Gave up notification %s: %s", notification.pk, notification.last_error)
    else:
        notification.due_at = now + backoff(notification.attempts)
        logger.warning("Notification %s failed, retrying: %s", notification.pk, error)
    notification.save(update_fields=["attempts", "last_error", "failed_at", "due_at"])
