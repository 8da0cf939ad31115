from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The privacy guard on free text; an app only so that it can hold the command that
    derives its name list."""

    name = "peersupport.privacy"
    label = "privacy"
    verbose_name = _("Privacy guard")
