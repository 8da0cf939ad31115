from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet["Notification"]):
    def pending(self) -> NotificationQuerySet:
        return self.filter(sent_at__isnull=True, failed_at__isnull=True)

    def due(self, now=None) -> NotificationQuerySet:
        return self.pending().filter(due_at__lte=now or timezone.now())

    def for_recipient(self, user) -> NotificationQuerySet:
        return self.filter(recipient=user)


class Notification(models.Model):
    """One message to one person, in the outbox until it has been sent.

    The row is unique per recipient × kind × subject × occurrence, so scheduling the
    same reminder twice, or a task that runs twice, never sends twice. A message to
    someone without an account has no ``recipient``: its kind finds the address from the
    subject when sending, and the row is then unique per kind × subject × occurrence.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
        help_text=_("Empty for a person without an account: the kind names the address."),
    )
    kind = models.CharField(_("kind"), max_length=64)
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("subject type")
    )
    subject_id = models.PositiveBigIntegerField(_("subject id"))
    subject = GenericForeignKey("subject_type", "subject_id")
    occurrence = models.CharField(_("occurrence"), max_length=64, blank=True, default="")
    due_at = models.DateTimeField(_("due"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    failed_at = models.DateTimeField(
        _("given up"), null=True, blank=True, help_text=_("Set when every attempt has failed.")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_type", "subject_id", "occurrence"],
                name="notification_once_per_occurrence",
            ),
            # NULLs are distinct in a unique index, so the rows with no recipient need
            # their own constraint to be made once.
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "occurrence"],
                condition=Q(recipient__isnull=True),
                name="notification_once_per_occurrence_no_recipient",
            ),
        ]
        indexes = [
            # In the dispatcher's claiming order (due, then id): a claim reads the first
            # row it may lock, not every due row sorted (reminders share their due time).
            models.Index(
                fields=["due_at", "id"],
                name="notification_pending_due",
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-due_at"]),
        ]

    def __str__(self) -> str:
        to = self.recipient or _("address from the subject")
        return f"{self.kind} → {to} ({self.due_at:%Y-%m-%d %H:%M})"

    @property
    def status(self) -> str:
        if self.sent_at:
            return "sent"
        if self.failed_at:
            return "failed"
        return "pending"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's secret calendar subscription address.

    Whoever holds the token can read the feed without logging in (calendar apps cannot
    log in), so the token is long and random, and revoking the feed replaces it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("user"),
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_calendar_token, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
