from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.dataprotection.registry import DataSubject, subject_for_user


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    PEER_SUPPORTER = "peer_supporter", _("Peer supporter")
    SUPERVISOR = "supervisor", _("Supervisor")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    RESEARCHER = "researcher", _("Researcher")
    # Follows up the access log (loggkontroll) for the region; sees no records themselves.
    AUDITOR = "auditor", _("Log auditor")


# Roles that reach other people's sensitive records sign in with a second factor.
ROLES_REQUIRING_MFA = frozenset({Role.COORDINATOR, Role.SUPERVISOR, Role.RESEARCHER, Role.AUDITOR})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. People log in with their e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="sv"
    )
    is_staff = models.BooleanField(
        _("admin"), default=False, help_text=_("May log in to the admin site.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def data_subject(self) -> DataSubject:
        return subject_for_user(self)


class Region(models.Model):
    """A region that runs a peer support programme (e.g. Region Stockholm)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def in_regions(self, regions) -> MembershipQuerySet:
        return self.filter(region__in=regions)

    def with_role(self, *roles: str) -> MembershipQuerySet:
        return self.filter(role__in=roles)


class Membership(models.Model):
    """A role a person holds in a region. A person may hold several."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("region")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["region__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region"], name="membership_unique_role_per_region"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["region", "role"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.region})"
