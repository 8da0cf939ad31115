from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplacesConfig(AppConfig):
    name = "workplaces"
    verbose_name = _("Workplaces")

    def ready(self) -> None:
        from . import (  # noqa: F401
            calendar,
            dataprotection,
            event_audiences,
            imports,
            messaging,
            notifications,
            register_sheets,
            report_funnel,
            reports,
            todo,
        )
