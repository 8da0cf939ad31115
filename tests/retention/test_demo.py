"""The demo holds one record due for thinning, like a region in use: Stockholm's applicant
declined 13 months ago. Skåne's demo setting keeps declined applicants 18 months, so its
own is not due. Once thinned, seeding again brings no new one."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from peersupport.retention.actions import thin_due_records
from peersupport.retention.anonymise import THINNED_NAME
from programmes.models import Participant

pytestmark = pytest.mark.django_db


def due() -> dict[tuple[str, str | None], int]:
    return {
        (run.rule.key, run.region.code if run.region else None): run.count
        for run in thin_due_records(dry_run=True)
        if run.count
    }


def test_the_demo_has_exactly_one_record_due_and_keeps_none_after_thinning():
    call_command("seed_demo", stdout=StringIO())
    assert due() == {("programmes.applicants", "stockholm"): 1}

    thin_due_records()
    call_command("seed_demo", stdout=StringIO())

    assert due() == {}
    assert Participant.objects.filter(full_name=THINNED_NAME).count() == 1
