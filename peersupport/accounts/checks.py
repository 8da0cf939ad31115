from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def mfa_enforced_in_production(app_configs, **kwargs):
    """Runs at every start and in ``check --deploy``: production never runs without MFA."""
    if settings.PRODUCTION and not settings.MFA_REQUIRED_FOR_STAFF:
        return [
            Error(
                "MFA_REQUIRED_FOR_STAFF is off in production.",
                hint="Staff roles must use two-factor authentication; unset "
                "MFA_REQUIRED_FOR_STAFF or set it to true.",
                id="accounts.E001",
            )
        ]
    return []
