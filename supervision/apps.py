from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from . import (  # noqa: F401
            calendar,
            dataprotection,
            messaging,
            register_sheets,
            reports,
            todo,
        )
        from .cadence_cache import connect_signals

        connect_signals()
