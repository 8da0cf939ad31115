from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from . import (  # noqa: F401
            calendar,
            dataprotection,
            imports,
            messaging,
            notifications,
            register_sheets,
            reports,
            todo,
        )
