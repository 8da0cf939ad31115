from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExtractsConfig(AppConfig):
    name = "peersupport.extracts"
    label = "extracts"
    verbose_name = _("Register extracts and erasure")

    def ready(self) -> None:
        from . import dataprotection  # noqa: F401
