import importlib

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def publish_first_texts(sender, apps=global_apps, **kwargs) -> None:
    """Publish the first consent texts if they are missing: a flush (as between
    transactional tests) empties the table the data migration filled, and emits this
    (without the migration state, hence the installed apps)."""
    try:
        apps.get_model("dataprotection", "ConsentText")
    except LookupError:
        return
    migration = importlib.import_module(
        "peersupport.dataprotection.migrations.0002_first_consent_texts"
    )
    migration.publish(apps, None)


class DataProtectionConfig(AppConfig):
    name = "peersupport.dataprotection"
    label = "dataprotection"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        from . import own_records  # noqa: F401

        post_migrate.connect(publish_first_texts, sender=self)
