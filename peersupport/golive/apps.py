from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoLiveConfig(AppConfig):
    name = "peersupport.golive"
    label = "golive"
    verbose_name = _("Go-live import")

    def ready(self) -> None:
        from . import dataprotection, tasks  # noqa: F401
