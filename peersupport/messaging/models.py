"""Messages to groups: what was written, by whom, to which group and to whom it went."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import Region


class Message(models.Model):
    """A message a coordinator or supervisor wrote to a group (a cohort, a supervision
    group, a region's alumni, a workplace's managers). ``group_name`` keeps the group's name
    as it was, so the message reads the same after the group is renamed or gone."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="messages_written",
        verbose_name=_("author"),
    )
    audience = models.CharField(_("audience"), max_length=50)
    group_id = models.PositiveBigIntegerField(_("group id"))
    group_name = models.CharField(_("group"), max_length=200)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="messages", verbose_name=_("region")
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["author", "-created_at"])]

    def __str__(self) -> str:
        return self.subject


class MessageRecipient(models.Model):
    """One person a message went to: through their account, or – for a person without
    one – to the address and in the language given (the e-mail is all they get)."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("message")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages_received",
        verbose_name=_("recipient"),
    )
    # The data subject the row is about ("programmes.participant:12"), so a register
    # extract and an erasure find the rows of a person without an account too.
    person_key = models.CharField(_("person"), max_length=80, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="sv"
    )
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("message recipient")
        verbose_name_plural = _("message recipients")
        ordering = ["message", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "user"],
                condition=Q(user__isnull=False),
                name="message_recipient_once_per_account",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""),
                name="message_recipient_has_account_or_address",
            ),
        ]
        indexes = [models.Index(fields=["user", "message"])]

    def __str__(self) -> str:
        return f"{self.message} → {self.user or self.name or self.email}"
