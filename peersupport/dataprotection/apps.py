from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataProtectionConfig(AppConfig):
    name = "peersupport.dataprotection"
    label = "dataprotection"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        from . import own_records  # noqa: F401
