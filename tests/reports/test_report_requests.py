"""Asking for an evaluation report and writing it: the request only queues a row; the same
report asked for twice while it is pending is one report, and a worker writes its files
once, however often (or however concurrently) it is told to."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from peersupport.audit.models import AuditAction, AuditEvent
from peersupport.reports import registry
from peersupport.reports.actions import (
    STALLED_AFTER,
    half_year,
    produce_report,
    produce_waiting_reports,
    regenerate_report,
    request_report,
)
from peersupport.reports.models import PeriodKind, Report, ReportStatus
from tests.services import require_postgres

pytestmark = pytest.mark.django_db

H1_2026 = half_year(2026, 1)
# How long a test waits for another connection to reach the state it is waiting for.
WAIT_SECONDS = 10


@pytest.fixture(autouse=True)
def _reports(settings, tmp_path):
    """Reports are written where the test can count the files, and no request queues a
    task: the tests run the worker's function themselves."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.REPORTS_QUEUE_ON_REQUEST = False


def ask(actor, region, period=H1_2026, language="sv") -> Report:
    start, end = period
    return request_report(
        actor=actor,
        region=region,
        period_kind=PeriodKind.HALF_YEAR,
        start=start,
        end=end,
        language=language,
    )


def stored_files(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path.name for path in root.rglob("*") if path.is_file())


def test_a_request_queues_a_report_and_writes_nothing(coordinator, stockholm, settings):
    """The request stores the parameters, queued, with an audit event; no file yet."""
    report = ask(coordinator, stockholm)

    assert report.status == ReportStatus.QUEUED
    assert (report.region, report.period_start, report.period_end) == (stockholm, *H1_2026)
    assert report.requested_by == coordinator
    assert not report.pdf and stored_files(settings) == []
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(report.pk))
    assert event.actor == coordinator
    assert event.detail["region"] == "stockholm"
    assert event.region_id == stockholm.pk


def test_the_same_report_asked_for_twice_while_pending_is_one_report(
    coordinator, stockholm, skane, settings
):
    """Same region, period and language: the pending report is returned; another
    language or region is another report."""
    first = ask(coordinator, stockholm)

    assert ask(coordinator, stockholm).pk == first.pk
    assert ask(coordinator, stockholm, language="en").pk != first.pk
    assert ask(coordinator, skane).pk != first.pk
    assert Report.objects.count() == 3
    assert (
        AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="reports.report").count()
        == 3
    )


def test_the_worker_writes_the_files_once(coordinator, stockholm, settings):
    """A task delivered twice: the second finds the report written and does nothing."""
    report = ask(coordinator, stockholm)

    written = produce_report(report_id=report.pk)
    files = stored_files(settings)

    assert written.status == ReportStatus.DONE
    assert written.pdf.read().startswith(b"%PDF") and written.xlsx.name.endswith(".xlsx")
    assert written.finished_at is not None
    assert len(files) == 2
    assert produce_report(report_id=report.pk) is None
    assert stored_files(settings) == files
    # Written, it no longer stands in the way: asking again makes a new report.
    assert ask(coordinator, stockholm).pk != report.pk


def test_a_report_written_again_has_the_same_parameters(coordinator, stockholm):
    """'Write it again' is a new report of the same region, period and language."""
    report = produce_report(report_id=ask(coordinator, stockholm, language="en").pk)

    again = regenerate_report(actor=coordinator, report=report)

    assert again.pk != report.pk and again.status == ReportStatus.QUEUED
    assert (again.region, again.period_kind, again.period_start, again.period_end) == (
        stockholm,
        PeriodKind.HALF_YEAR,
        *H1_2026,
    )
    assert again.language == "en" and again.parameters_key == report.parameters_key


def test_a_failed_report_can_be_asked_for_again(coordinator, stockholm, monkeypatch):
    """A section that raises fails the report, with the error kept; asking again makes a
    new report instead of returning the failed one."""

    def broken(scope):
        raise RuntimeError("the section broke")

    monkeypatch.setitem(
        registry._SECTIONS,
        "broken",
        registry.ReportSection(key="broken", title="Broken", order=999, build=broken),
    )
    report = ask(coordinator, stockholm)

    assert produce_report(report_id=report.pk) is None
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "the section broke" in report.error and not report.pdf
    assert ask(coordinator, stockholm).pk != report.pk


def test_a_report_whose_worker_died_is_taken_up_again(coordinator, stockholm):
    """A report left running longer than a worker can take is written by beat's sweep;
    one running now, or queued a moment ago, is left to its worker."""
    stalled = ask(coordinator, stockholm)
    Report.objects.filter(pk=stalled.pk).update(
        status=ReportStatus.RUNNING, started_at=timezone.now() - STALLED_AFTER - dt.timedelta(1)
    )
    running = ask(coordinator, stockholm, language="en")
    Report.objects.filter(pk=running.pk).update(
        status=ReportStatus.RUNNING, started_at=timezone.now()
    )
    queued = ask(coordinator, stockholm, period=half_year(2025, 2))

    assert produce_waiting_reports() == 1
    assert produce_report(report_id=running.pk) is None
    statuses = dict(Report.objects.values_list("pk", "status"))
    assert statuses == {
        stalled.pk: ReportStatus.DONE,
        running.pk: ReportStatus.RUNNING,
        queued.pk: ReportStatus.QUEUED,
    }


def test_a_stalled_worker_that_comes_back_leaves_the_report_to_its_successor(
    coordinator, stockholm, settings, monkeypatch
):
    """While the first worker was writing, the report was taken over (its claim renewed
    by another worker): the first writes no file and leaves the report running."""
    report = ask(coordinator, stockholm)

    def taken_over_meanwhile(scope):
        Report.objects.filter(pk=report.pk).update(started_at=timezone.now())
        return registry.SectionContent(title="Taken over")

    monkeypatch.setitem(
        registry._SECTIONS,
        "taken_over",
        registry.ReportSection(
            key="taken_over", title="Taken over", order=999, build=taken_over_meanwhile
        ),
    )

    assert produce_report(report_id=report.pk) is None
    assert Report.objects.get(pk=report.pk).status == ReportStatus.RUNNING
    assert stored_files(settings) == []


def _in_thread(target, results: dict, key: str):
    """Run ``target`` on a thread with its own database connection (closed at the end,
    so the test database can be flushed)."""

    def run():
        try:
            results[key] = target()
        except BaseException as error:  # noqa: BLE001 – reported to the test thread
            results[key] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting until {what}")
        time.sleep(0.02)


def _backend_waits_for_a_lock(query_start: str) -> bool:
    """Does another connection wait for a row or index lock in a statement like this?"""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND pid <> pg_backend_pid() AND query LIKE %s",
            [query_start + "%"],
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_for_the_same_report_get_one_report(coordinator, stockholm):
    """Both requests look before either has inserted: the second insert waits on the
    first's uncommitted row, fails on the unique constraint once it commits, and returns
    the first's report. One row, one audit event."""
    require_postgres()
    results: dict = {}
    first_inserted, first_may_commit = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            report = ask(coordinator, stockholm)
            first_inserted.set()
            first_may_commit.wait(WAIT_SECONDS)
        return report

    threads = [_in_thread(first, results, "first")]
    assert first_inserted.wait(WAIT_SECONDS)
    threads.append(_in_thread(lambda: ask(coordinator, stockholm), results, "second"))
    _wait_until(
        lambda: _backend_waits_for_a_lock('INSERT INTO "reports_report"'),
        "the second request waits on the first's row",
    )
    first_may_commit.set()
    for thread in threads:
        thread.join(WAIT_SECONDS)

    assert isinstance(results["first"], Report), results["first"]
    assert isinstance(results["second"], Report), results["second"]
    assert results["second"].pk == results["first"].pk
    assert Report.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="reports.report").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_write_the_files_once(coordinator, stockholm, settings):
    """A worker that finds the report locked by another leaves at once (it does not wait
    and then write it again); two workers started together write one set of files."""
    require_postgres()
    report = ask(coordinator, stockholm)
    results: dict = {}

    with transaction.atomic():
        Report.objects.select_for_update().get(pk=report.pk)
        _in_thread(lambda: produce_report(report_id=report.pk), results, "locked").join(
            WAIT_SECONDS
        )
    assert results["locked"] is None
    assert stored_files(settings) == []

    start = threading.Barrier(2)

    def worker():
        start.wait(WAIT_SECONDS)
        return produce_report(report_id=report.pk)

    threads = [_in_thread(worker, results, name) for name in ("one", "two")]
    for thread in threads:
        thread.join(WAIT_SECONDS * 3)

    written = [result for result in (results["one"], results["two"]) if result is not None]
    assert len(written) == 1 and isinstance(written[0], Report), results
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DONE
    assert len(stored_files(settings)) == 2
