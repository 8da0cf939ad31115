from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "peersupport.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from django.contrib import admin

        from peersupport.admin import audit_every_admin

        from . import dataprotection, signals  # noqa: F401

        # Runs after the admin has imported every app's admin module.
        audit_every_admin(admin.site)
