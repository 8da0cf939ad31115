"""How long each kind of record is kept, where a region (or the whole country) departs from
the default its app registered (see ``peersupport.dataprotection.registry.RetentionRule``)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import Region
from peersupport.dataprotection.registry import registry

MAX_MONTHS = 600


class RetentionSetting(models.Model):
    """The months after which one kind of record is thinned in one region; with no region,
    the national setting, which applies where a region has none of its own."""

    rule = models.CharField(_("kind of record"), max_length=100)
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="retention_settings",
        verbose_name=_("region"),
        help_text=_(
            "Leave empty for the national setting, which applies to every region "
            "without a setting of its own."
        ),
    )
    months = models.PositiveSmallIntegerField(
        _("months"), validators=[MinValueValidator(1), MaxValueValidator(MAX_MONTHS)]
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        ordering = ["rule", "region__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "region"],
                condition=Q(region__isnull=False),
                name="retention_setting_once_per_region",
            ),
            models.UniqueConstraint(
                fields=["rule"],
                condition=Q(region__isnull=True),
                name="retention_setting_once_nationally",
            ),
            models.CheckConstraint(
                condition=Q(months__gte=1, months__lte=MAX_MONTHS),
                name="retention_setting_months_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_title} – {self.region or _('national')}: {self.months}"

    @property
    def rule_title(self) -> str:
        rule = registry.retention_rules.get(self.rule)
        return str(rule.title) if rule else self.rule
