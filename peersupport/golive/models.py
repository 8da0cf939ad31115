from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import Region


class PendingImport(models.Model):
    """An uploaded file's rows, kept only between its preview and its confirmation: the row
    is deleted when the import is confirmed or cancelled, when its uploader uploads again,
    and after ``LIFETIME`` at the latest."""

    LIFETIME = timezone.timedelta(hours=2)

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region")
    )
    kind = models.CharField(_("kind"), max_length=40)
    file_name = models.CharField(_("file"), max_length=200)
    rows = models.JSONField(_("rows"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")

    def __str__(self) -> str:
        return self.file_name
