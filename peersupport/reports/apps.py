from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "peersupport.reports"
    label = "reports"
    verbose_name = _("Evaluation reports")

    def ready(self) -> None:
        from . import dataprotection, notifications, register_tasks, tasks  # noqa: F401
