from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    PERMISSION_DENIED = "permission_denied", _("Permission denied")
    READ = "read", _("Read sensitive record")
    EXPORT = "export", _("Export")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    INVITE = "invite", _("Invited")
    MFA = "mfa", _("Two-factor authentication changed")
    CONSENT = "consent", _("Consent recorded or withdrawn")
    THIN = "thin", _("Thinned out (retention)")
    ERASE = "erase", _("Erased")
    NAME_CONFIRMED = "name_confirmed", _("Confirmed that a word is not a name")


class AppendOnlyError(Exception):
    """The audit log is never changed or deleted through the application."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def thin_out(self) -> int:
        """Delete these events: the one way events leave the log, used only by the audit
        log's retention rule (its period has run out). Returns how many were deleted."""
        deleted, _per_model = models.QuerySet.delete(self)
        return deleted


class AuditEvent(models.Model):
    """Who did what to which record, when and from where."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Kept as text too, so the trail survives the erasure of the account.
    actor_email = models.CharField(_("actor e-mail"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    # Whom the record is about (a registered data subject kind and its key) and the region
    # that answers for it: what log follow-up (loggkontroll) searches by.
    subject_kind = models.CharField(_("data subject kind"), max_length=50, blank=True)
    subject_id = models.BigIntegerField(_("data subject id"), null=True, blank=True)
    region = models.ForeignKey(
        "accounts.Region",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["action", "-at"]),
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["subject_kind", "subject_id", "-at"]),
            models.Index(fields=["actor", "-at"]),
            models.Index(fields=["region", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email or '-'} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")
