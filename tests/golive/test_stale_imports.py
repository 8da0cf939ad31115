import datetime as dt

import pytest
from django.utils import timezone

from peersupport.golive.actions import forget_stale_imports
from peersupport.golive.models import PendingImport

pytestmark = pytest.mark.django_db


def test_an_upload_left_in_its_preview_is_deleted_after_its_lifetime(coordinator, stockholm):
    """The hourly sweep deletes uploads older than their lifetime and keeps newer ones."""
    now = timezone.now()
    old = PendingImport.objects.create(
        region=stockholm, kind="applicants", file_name="gammal.xlsx", created_by=coordinator
    )
    PendingImport.objects.filter(pk=old.pk).update(
        created_at=now - PendingImport.LIFETIME - dt.timedelta(minutes=1)
    )
    fresh = PendingImport.objects.create(
        region=stockholm, kind="applicants", file_name="ny.xlsx", created_by=coordinator
    )

    assert forget_stale_imports(now=now) == 1
    assert list(PendingImport.objects.values_list("pk", flat=True)) == [fresh.pk]
