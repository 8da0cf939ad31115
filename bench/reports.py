"""The time for one region-year and one national evaluation report, through the worker.

Each report is asked for with the real action (``request_report``), whose commit queues
the real task; a real Celery worker process (``bench/report_worker.py``: the usual worker
with timers around the parts) on a private queue writes it. The figure is the time from
the request to the report's row reading "done", as the person waiting on the page sees it;
the note splits the worker's time into the sections, the PDF and the workbook.

The region is the one with the most participants, the year the last full calendar year
the support sessions fill (the year six months back where none is full, as on the demo).
The reports are deleted afterwards, with their files.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

try:
    from bench.figures import Figure, at_most
    from bench.worker import (
        ROOT,
        default_queue,
        machine_load,
        private_queue,
        running_workers,
        setup_django,
    )
except ImportError:  # run as a script: python bench/reports.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.figures import Figure, at_most
    from bench.worker import (
        ROOT,
        default_queue,
        machine_load,
        private_queue,
        running_workers,
        setup_django,
    )

REGION_YEAR_LIMIT = 3.0
NATIONAL_LIMIT = 15.0
LANGUAGE = "sv"
TIMEOUT = 900


@dataclass
class Timed:
    seconds: float
    status: str
    page_count: int
    # From the worker's timers: (key, seconds, queries) per section; PDF and workbook seconds.
    sections: list[tuple[str, float, int]]
    pdf: float
    workbook: float
    # The worker's CPU seconds: building the sections, writing the PDF.
    sections_cpu: float = 0.0
    pdf_cpu: float = 0.0
    error: str = ""

    def note(self) -> str:
        if self.status != "done":
            return f"report {self.status}: {self.error[:200]}"
        slowest = sorted(self.sections, key=lambda section: -section[1])[:3]
        return (
            f"worker: sections {sum(s for _k, s, _q in self.sections):.2f} s "
            f"({sum(q for *_r, q in self.sections)} queries; slowest "
            + ", ".join(f"{key} {seconds:.2f} s" for key, seconds, _q in slowest)
            + f"; CPU {self.sections_cpu:.2f} s), PDF {self.pdf:.2f} s (CPU "
            f"{self.pdf_cpu:.2f} s, {self.page_count} pages), workbook {self.workbook:.2f} s"
        )


def report_year(today: dt.date) -> int:
    """The last calendar year the support sessions fill from January to December; the
    year six months back where none is full."""
    from django.db.models import Max, Min

    from workplaces.models import SupportSession

    span = SupportSession.objects.aggregate(first=Min("date"), last=Max("date"))
    if span["first"] and span["last"]:
        last = min(span["last"], today)
        year = last.year if last.month == 12 and last.day == 31 else last.year - 1
        # A month's slack at the start: a seed "two years back" may begin in mid-January.
        if span["first"] <= dt.date(year, 1, 31):
            return year
    return (today - dt.timedelta(days=182)).year


def _people():
    from django.db.models import Count

    from peersupport.accounts.models import Membership, Region, Role, User

    region = Region.objects.annotate(n=Count("participants")).order_by("-n", "pk").first()
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()

    def member(role, **filters):
        membership = (
            Membership.objects.filter(role=role, user__is_active=True, **filters)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        return membership.user if membership else admin

    return region, member(Role.COORDINATOR, region=region), member(Role.RESEARCHER)


def _parse_timings(lines: list[str]) -> dict:
    """The worker's timings (``bench/report_worker.py``) as ``Timed``'s fields."""
    from bench.report_worker import TIMING

    parsed = {"sections": [], "pdf": 0.0, "workbook": 0.0, "sections_cpu": 0.0, "pdf_cpu": 0.0}
    for line in lines:
        if TIMING not in line:
            continue
        timing = json.loads(line.split(TIMING, 1)[1])
        if timing["part"] == "section":
            parsed["sections"].append((timing["key"], timing["seconds"], timing["queries"]))
            parsed["sections_cpu"] += timing["cpu"]
        elif timing["part"] == "pdf":
            parsed["pdf"] += timing["seconds"]
            parsed["pdf_cpu"] += timing["cpu"]
        elif timing["part"] == "workbook":
            parsed["workbook"] += timing["seconds"]
    return parsed


def _through_worker(worker, *, actor, region, year: int) -> tuple[Timed, int]:
    """Ask for the report and wait for it to be written; the timing and the report's id."""
    from django.db import transaction

    from peersupport.reports.actions import request_report
    from peersupport.reports.models import PeriodKind, Report, ReportStatus

    seen = len(worker.lines)
    started = time.perf_counter()
    with transaction.atomic():
        report = request_report(
            actor=actor,
            region=region,
            period_kind=PeriodKind.YEAR,
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
            language=LANGUAGE,
        )
    finished = (ReportStatus.DONE, ReportStatus.FAILED)
    status = None
    while time.perf_counter() - started < TIMEOUT:
        status = Report.objects.filter(pk=report.pk).values_list("status", flat=True).first()
        if status in finished:
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    report.refresh_from_db()
    # The worker prints its last timer before the row is saved; give the pipe a moment.
    time.sleep(0.2)
    return (
        Timed(
            seconds=seconds,
            status=status or "lost",
            page_count=report.page_count,
            error=report.error,
            **_parse_timings(worker.lines[seen:]),
        ),
        report.pk,
    )


def _delete_reports(pks: list[int]) -> None:
    from peersupport.reports.models import Report

    for report in Report.objects.filter(pk__in=pks):
        for stored in (report.pdf, report.xlsx):
            if stored:
                stored.delete(save=False)
        report.delete()


def measure(*, smoke: bool) -> list[Figure]:
    setup_django()
    from django.conf import settings
    from django.test.utils import override_settings
    from django.utils import timezone

    region, coordinator, researcher = _people()
    year = report_year(timezone.localdate())
    queue = private_queue("reports")
    created: list[int] = []
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as mail_dir:
        try:
            with (
                running_workers(
                    count=1,
                    queue=queue,
                    mail_dir=Path(mail_dir),
                    entry=[sys.executable, str(ROOT / "bench" / "report_worker.py")],
                ) as (worker,),
                default_queue(queue),
                override_settings(REPORTS_QUEUE_ON_REQUEST=True),
            ):
                regional, pk = _through_worker(worker, actor=coordinator, region=region, year=year)
                created.append(pk)
                national, pk = _through_worker(worker, actor=researcher, region=None, year=year)
                created.append(pk)
        finally:
            _delete_reports(created)
    database = settings.DATABASES["default"]["NAME"]
    return [
        _figure(
            f"Region-year report ({region.name} {year}), through the worker",
            regional,
            REGION_YEAR_LIMIT,
            smoke=smoke,
            database=database,
        ),
        _figure(
            f"National report ({year}), through the worker",
            national,
            NATIONAL_LIMIT,
            smoke=smoke,
            database=database,
        ),
    ]


def _figure(name: str, timed: Timed, limit: float, *, smoke: bool, database: str) -> Figure:
    note = f"{database}; {machine_load()}; request to done; {timed.note()}"
    if timed.status == "done":
        return at_most(name, round(timed.seconds, 2), "s", limit, smoke=smoke, note=note)
    if smoke:
        raise RuntimeError(f"{name}: {note}")
    return Figure(name, round(timed.seconds, 2), "s", f"≤ {limit:g} s", False, note)


if __name__ == "__main__":
    for figure in measure(smoke="--smoke" in sys.argv):
        print(figure)
