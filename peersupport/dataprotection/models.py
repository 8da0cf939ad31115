"""Consent: the versioned texts people are shown, and each consent given or withdrawn."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from peersupport.accounts.models import Region

from .registry import DataSubject, registry, subject_for_key


class PublishedTextError(Exception):
    """A published consent text is never changed: publish a new version instead."""


class ConsentTextQuerySet(models.QuerySet["ConsentText"]):
    def current(self, purpose: str) -> ConsentText | None:
        """The version a person is shown today for ``purpose``: the latest published."""
        return self.filter(purpose=purpose).order_by("-version").first()


class ConsentText(models.Model):
    """The text a person is shown before consenting to one purpose, in Swedish and English.

    Once published a version is never edited: a changed text is a new version, so every
    consent record keeps pointing at exactly the words that person agreed to.
    """

    purpose = models.CharField(_("purpose"), max_length=64)
    version = models.PositiveSmallIntegerField(_("version"))
    text_sv = models.TextField(_("text in Swedish"))
    text_en = models.TextField(_("text in English"))
    published_on = models.DateField(_("published on"), default=timezone.localdate)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ConsentTextQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["purpose", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version"], name="consent_text_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="consent_text_version_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose_title} v{self.version}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PublishedTextError("A published consent text cannot be changed.")
        super().save(*args, **kwargs)

    @property
    def purpose_title(self):
        entry = registry.consent_purposes.get(self.purpose)
        return entry.title if entry else self.purpose

    @property
    def text(self) -> str:
        """The text in the language the page is shown in."""
        return self.in_language(get_language() or "sv")

    def in_language(self, language: str) -> str:
        return self.text_en if language.startswith("en") else self.text_sv


class ConsentMethod(models.TextChoices):
    PAPER = "paper", _("On paper, signed by the person")
    VERBAL = "verbal", _("Verbally, to the person recording it")
    DIGITAL = "digital", _("Digitally, by the person in the app")
    # Only the migration that met consents already given writes this one.
    BEFORE_SYSTEM = "before_system", _("Recorded before the system kept consents")


class ConsentQuerySet(models.QuerySet["Consent"]):
    def of_subject(self, subject: DataSubject) -> ConsentQuerySet:
        return self.filter(subject_kind=subject.kind, subject_pk=subject.pk)

    def valid(self) -> ConsentQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """One person's consent to one purpose: which text version they were shown, when
    and how they gave it, who recorded it, and, once withdrawn, when, how and by whom."""

    subject_kind = models.CharField(_("kind of record"), max_length=64)
    subject_pk = models.PositiveBigIntegerField(_("record id"))
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    purpose = models.CharField(_("purpose"), max_length=64)
    text = models.ForeignKey(
        ConsentText, on_delete=models.PROTECT, related_name="consents", verbose_name=_("text")
    )
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("given"), max_length=20, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )
    withdrawal_method = models.CharField(
        _("withdrawn"), max_length=20, choices=ConsentMethod.choices, blank=True
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_kind", "subject_pk", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_valid_per_purpose",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawal_method="")
                | Q(withdrawn_at__isnull=False) & ~Q(withdrawal_method=""),
                name="consent_withdrawal_has_method",
            ),
        ]
        indexes = [models.Index(fields=["subject_kind", "subject_pk"])]

    def __str__(self) -> str:
        return f"{self.subject_kind}:{self.subject_pk} – {self.text}"

    @property
    def is_valid(self) -> bool:
        return self.withdrawn_at is None

    @property
    def purpose_title(self):
        return self.text.purpose_title

    def data_subject(self) -> DataSubject | None:
        return subject_for_key(f"{self.subject_kind}:{self.subject_pk}")
