"""Demo retention settings: Region Skåne keeps declined and withdrawn applicants 18 months
instead of 12, so the admin shows a regional setting and a dry run of ``thin_records``
lists Stockholm's applicant declined 13 months ago but not Skåne's."""

from __future__ import annotations

from peersupport.accounts.demo import demo_email
from peersupport.accounts.models import Region, User

from .actions import save_retention_setting
from .models import RetentionSetting

SKANE_APPLICANT_MONTHS = 18


def seed() -> None:
    """Add the demo setting (after the accounts' seed); nothing if it is there."""
    skane = Region.objects.get(code="skane")
    if RetentionSetting.objects.filter(rule="programmes.applicants", region=skane).exists():
        return
    save_retention_setting(
        actor=User.objects.get(email=demo_email("admin")),
        setting=RetentionSetting(
            rule="programmes.applicants", region=skane, months=SKANE_APPLICANT_MONTHS
        ),
    )
