"""The outbox: the one way in (``schedule_notification``) and the dispatcher."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import DatabaseError, connection, models, transaction
from django.template.backends.django import Template
from django.template.loader import get_template
from django.utils import timezone, translation

from .kinds import NotificationKind, get_kind
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


def render_notification(
    notification: Notification,
    *,
    language: str | None = None,
    templates: dict[str, Template] | None = None,
) -> tuple[str, str]:
    """The subject line and body, in the recipient's language.

    The dispatcher passes the ``language`` it has already read and a ``templates`` cache
    for its sweep, so each template is loaded and compiled once per sweep, not per message.
    """
    kind = get_kind(notification.kind)
    if language is None:
        _email, language = address_of(notification)
    templates = {} if templates is None else templates

    def template(name: str) -> Template:
        if name not in templates:
            templates[name] = get_template(name)
        return templates[name]

    with translation.override(language or settings.LANGUAGE_CODE):
        context = {
            "recipient": notification.recipient,
            "subject": notification.subject,
            "notification": notification,
            "site_url": settings.SITE_URL.rstrip("/"),
            **kind.build_context(notification),
        }
        subject_line = " ".join(template(kind.subject_template).render(context).split())
        body = template(kind.body_template).render(context)
    return subject_line, body


class SubjectGone(Exception):
    """The record the notification was about has been deleted."""


class NoLongerWanted(Exception):
    """The kind says the message is no longer wanted (its ``still_wanted`` is false)."""


class _Mailer:
    """One connection to the mail server for a whole sweep, not one per message (with SMTP
    each is a TCP and TLS handshake and a login): opened for the first message, opened
    again after a failed one (the server may have dropped it), closed at the end. Each
    message is handed over alone (``send_messages([message])`` on the shared connection),
    so a refused message is known and retried by itself while the others go out."""

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


def _kind_or_none(key: str) -> NotificationKind | None:
    try:
        return get_kind(key)
    except LookupError:
        return None


def _load_subjects(batch: list[Notification]) -> None:
    """Load the subjects of a whole batch, with the relations each kind's templates read:
    one query per subject model and set of relations, not one (or more) per message. A
    subject that no longer exists is cached as None, so reading it costs no query."""
    subject_field = Notification._meta.get_field("subject")
    groups: dict[tuple[int, tuple[str, ...]], list[Notification]] = defaultdict(list)
    for notification in batch:
        kind = _kind_or_none(notification.kind)
        related = kind.subject_related if kind is not None else ()
        groups[(notification.subject_type_id, related)].append(notification)
    for (type_id, related), notifications in groups.items():
        # The content type's cache, not the foreign key (a query).
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            found = {}
        else:
            subjects = model._base_manager.all()
            if related:
                subjects = subjects.select_related(*related)
            found = subjects.in_bulk({notification.subject_id for notification in notifications})
        for notification in notifications:
            subject = found.get(notification.subject_id)
            if subject is None:
                subject_field.set_cached_value(notification, None)
            else:
                notification.subject = subject


def _prepare(notification: Notification, templates: dict[str, Template]) -> EmailMessage:
    """The message to send, or SubjectGone / NoLongerWanted / another error."""
    if notification.subject is None:
        raise SubjectGone("The subject of this notification no longer exists; not sent.")
    still_wanted = get_kind(notification.kind).still_wanted
    if still_wanted is not None and not still_wanted(notification):
        raise NoLongerWanted(
            "No longer wanted: what it is about has ended (for example the survey was "
            "answered, withdrawn or closed); not sent."
        )
    email, language = address_of(notification)
    subject_line, body = render_notification(notification, language=language, templates=templates)
    notification.title = subject_line[:200]
    return EmailMessage(subject=subject_line, body=body, to=[email])


# Outcome of preparing one message: the message, or the error that stops it.
_Outcome = EmailMessage | Exception


def _prepare_alone(notification: Notification, templates: dict[str, Template]) -> _Outcome:
    """Prepare one message in its own savepoint, so a database error in it (a survey
    kind's NOWAIT lock refused) is recorded as this message's failure and the batch goes on."""
    try:
        with transaction.atomic():
            return _prepare(notification, templates)
    except Exception as error:
        return error


def _prepare_batch(batch: list[Notification], templates: dict[str, Template]) -> list[_Outcome]:
    """Prepare every message of the batch before any is sent.

    A kind that asks ``still_wanted`` (the survey kinds lock their invitation, NOWAIT, and
    expect the lock to be refused now and then) gets a savepoint per message, as before.
    The others share one savepoint: a database error there is not expected, and if one
    comes, that savepoint is rolled back and those messages are prepared again one by one
    in savepoints of their own. Nothing has been sent yet, so nothing is lost.
    """
    outcomes: dict[int, _Outcome] = {}
    plain = []
    for notification in batch:
        kind = _kind_or_none(notification.kind)
        if kind is not None and kind.still_wanted is not None:
            outcomes[notification.pk] = _prepare_alone(notification, templates)
        else:
            plain.append(notification)
    if plain:
        try:
            with transaction.atomic():
                for notification in plain:
                    try:
                        outcomes[notification.pk] = _prepare(notification, templates)
                    except DatabaseError:
                        raise
                    except Exception as error:
                        outcomes[notification.pk] = error
        except DatabaseError:
            for notification in plain:
                outcomes[notification.pk] = _prepare_alone(notification, templates)
    return [outcomes[notification.pk] for notification in batch]


# A sweep claims its first batch small, so a few due messages are shared between
# dispatchers running at once, then doubles it up to BATCH_SIZE.
FIRST_BATCH_SIZE = 10
BATCH_SIZE = 100


def dispatch_due_notifications(*, limit: int = 500, now: datetime | None = None) -> int:
    """Send the notifications that are due; returns how many were sent.

    The due rows are claimed a batch at a time, each batch in one transaction: claimed in
    one query (locked, skipping rows another dispatcher holds), their subjects and
    recipients loaded in a fixed number of queries, rendered, sent one by one over one
    mail connection, and marked (sent, failed for a retry with backoff, or given up) in
    one UPDATE before the transaction commits and the locks go. So a row is marked sent
    in the transaction that holds its lock, and a concurrent dispatcher never sends it.
    An exception that ends the process from within (``BaseException``: a shutdown, a time
    limit) stops the sending, but the messages already sent are marked and committed
    before it goes on; only a hard kill between a send and the commit leaves the batch's
    sent messages unmarked, to be sent again by the next sweep.
    The kind's ``still_wanted`` is asked inside that transaction, so a kind that locks
    its subject there serialises with a change to it committing at the same time.
    ``now`` sends what is due by then (tests "travel" in time with it).
    """
    mailer = _Mailer()
    templates: dict[str, Template] = {}
    sent = 0
    size = FIRST_BATCH_SIZE
    try:
        while limit > 0:
            wanted = min(size, limit)
            claimed, delivered = _dispatch_batch(mailer, templates, size=wanted, now=now)
            sent += delivered
            if claimed < wanted:
                break
            limit -= claimed
            size = min(2 * size, BATCH_SIZE)
    finally:
        mailer.close()
    return sent


def _dispatch_batch(
    mailer: _Mailer, templates: dict[str, Template], *, size: int, now: datetime | None
) -> tuple[int, int]:
    """Claim, send and mark one batch; returns how many rows were claimed and sent."""
    interrupted: BaseException | None = None
    with transaction.atomic():
        batch = list(
            Notification.objects.due(now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .order_by("due_at", "pk")[:size]
        )
        if not batch:
            return 0, 0
        _load_subjects(batch)
        delivered: list[Notification] = []
        stopped: list[Notification] = []
        for notification, outcome in zip(batch, _prepare_batch(batch, templates), strict=True):
            if isinstance(outcome, SubjectGone | NoLongerWanted):
                _give_up(notification, outcome)
                stopped.append(notification)
            elif isinstance(outcome, Exception):
                _record_failure(notification, outcome)
                stopped.append(notification)
            elif interrupted is None:
                try:
                    mailer.send(outcome)
                except Exception as error:
                    _record_failure(notification, error)
                    stopped.append(notification)
                except BaseException as error:
                    # Mark what has gone out, commit, then let the process end.
                    interrupted = error
                else:
                    delivered.append(notification)
        _mark(delivered, stopped)
    if interrupted is not None:
        raise interrupted
    return len(batch), len(delivered)


def _mark(delivered: list[Notification], stopped: list[Notification]) -> None:
    """One UPDATE for the batch's sent rows, one for its failed or given-up rows."""
    now = timezone.now()
    for notification in delivered:
        notification.sent_at = now
        notification.attempts += 1
        notification.last_error = ""
    if delivered and connection.vendor == "postgresql":
        # bulk_update's CASE per row and field costs more than the sending (0.4 s a
        # batch of 100 under load); the titles joined from arrays cost next to nothing.
        table = connection.ops.quote_name(Notification._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                # The table name is the model's own; every value is a parameter.
                f"UPDATE {table} AS n SET sent_at = %s, attempts = n.attempts + 1,"  # noqa: S608
                " last_error = '', title = v.title"
                " FROM unnest(%s::bigint[], %s::text[]) AS v(id, title) WHERE n.id = v.id",
                [
                    now,
                    [notification.pk for notification in delivered],
                    [notification.title for notification in delivered],
                ],
            )
    elif delivered:
        Notification.objects.bulk_update(delivered, ["sent_at", "attempts", "last_error", "title"])
    if stopped:
        Notification.objects.bulk_update(stopped, ["attempts", "last_error", "failed_at", "due_at"])


def _give_up(notification: Notification, error: Exception) -> None:
    notification.failed_at = timezone.now()
    notification.last_error = str(error)


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
