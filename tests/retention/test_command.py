"""``manage.py thin_records``: a dry run lists the counts per rule and region and changes
nothing; a real run thins and says how much; the nightly task does the same work."""

from __future__ import annotations

import io
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import CommandError, call_command
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditAction, AuditEvent
from peersupport.retention.anonymise import THINNED_NAME
from peersupport.retention.tasks import thin_records_task
from programmes.models import Participant, ParticipantStatus
from tests.celery_worker import celery_worker_process  # noqa: F401
from tests.factories import person_with_role
from workplaces.models import SupportSession

from .state import REFLECTION, build_region, participant

LINE = re.compile(
    r"^(?P<rule>[a-z_.]+)\s+(?P<region>\S+)\s+(?P<months>\d+) \d{4}-\d\d-\d\d\s+(?P<count>\d+)$",
    re.MULTILINE,
)


def run(*args) -> dict[tuple[str, str], int]:
    out = io.StringIO()
    call_command("thin_records", *args, stdout=out)
    return {
        (match["rule"], match["region"]): int(match["count"])
        for match in LINE.finditer(out.getvalue())
    }


def as_of(months: int) -> str:
    return (timezone.localdate() + relativedelta(months=months)).isoformat()


def test_a_dry_run_lists_counts_per_rule_and_region_and_changes_nothing(stockholm):
    """Two years and a month on, the dry run lists what each rule would thin in Stockholm
    (and 0 for the audit log), and the database is as it was."""
    build_region(stockholm, tag="Sthlm")
    events = AuditEvent.objects.count()

    listed = run("--dry-run", "--as-of", as_of(25))

    assert listed[("programmes.applicants", "stockholm")] == 2
    assert listed[("programmes.leavers", "stockholm")] == 1
    assert listed[("workplaces.session_text", "stockholm")] == 4
    assert listed[("supervision.leaver_attendance", "stockholm")] == 2
    assert listed[("audit.events", "-")] == 0
    assert not Participant.objects.filter(full_name=THINNED_NAME).exists()
    assert SupportSession.objects.filter(reflection=REFLECTION).count() == 4
    assert AuditEvent.objects.count() == events


def test_the_command_thins_what_the_dry_run_listed(stockholm):
    """A real run as of the same day thins exactly the counts the dry run listed, and a
    second run finds nothing left."""
    build_region(stockholm, tag="Sthlm")
    listed = run("--dry-run", "--as-of", as_of(13))

    thinned = run("--as-of", as_of(13))

    assert thinned == listed
    assert thinned[("programmes.applicants", "stockholm")] == 2
    assert set(run("--as-of", as_of(13)).values()) == {0}
    assert AuditEvent.objects.filter(action=AuditAction.THIN).count() == 2


def test_production_refuses_to_thin_ahead_of_time(stockholm, settings):
    """In production a future date is for previews only."""
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("thin_records", "--as-of", as_of(13), stdout=io.StringIO())
    run("--dry-run", "--as-of", as_of(13))


def _declined_a_year_ago(region):
    coordinator = person_with_role(Role.COORDINATOR, region)
    person = participant(coordinator, region, ParticipantStatus.DECLINED, full_name="Dina Avböjd")
    # Test-only: the path's last step 13 months ago, as the nightly task finds it.
    Participant.objects.filter(pk=person.pk).update(
        status_changed_at=timezone.now() - relativedelta(months=13)
    )
    return person


@pytest.mark.worker
def test_the_nightly_task_thins_through_a_real_worker(celery_worker_process, stockholm):  # noqa: F811
    """The beat task, run by a Celery worker, anonymises an applicant declined 13 months
    ago and logs the run."""
    person = _declined_a_year_ago(stockholm)

    celery_worker_process.wait_for_task(celery_worker_process.send(thin_records_task))

    person.refresh_from_db()
    assert person.full_name == THINNED_NAME
    event = AuditEvent.objects.get(action=AuditAction.THIN)
    assert event.detail["counts"] == [
        {"rule": "programmes.applicants", "region": "stockholm", "months": 12, "count": 1}
    ]
