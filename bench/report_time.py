"""Print how long one region-year evaluation report takes: a region's report (Stockholm,
or ``--region CODE``) for the calendar year the data fills, built and rendered as the worker
does it (nothing is stored): seconds and CPU seconds for building the sections, for the PDF
(laying it out and writing the file apart) and for the workbook, the PDF's pages and size,
and the database queries. Like the bench worker, one tiny PDF is written first (WeasyPrint's
fonts loaded). ``--profile FILE`` writes a cProfile of the PDF to FILE.

The demo's records run over the twelve months up to the day it was seeded, so the year
they fill most is the one six months back: the current year from July, the last one
before. On a fresh SQLite demo:

    unset DATABASE_URL REDIS_URL; export DJANGO_VAR_DIR=$(mktemp -d)
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python bench/report_time.py
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersupport.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from peersupport.accounts.models import Region  # noqa: E402
from peersupport.reports import documents  # noqa: E402
from peersupport.reports.actions import scope_of  # noqa: E402
from peersupport.reports.models import PeriodKind, Report  # noqa: E402
from peersupport.reports.registry import sections  # noqa: E402

LANGUAGE = "sv"


def timed(timings: dict[str, float], name: str, function):
    """``function``, adding the seconds each call takes to ``timings[name]``."""

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - started

    return wrapper


def cpu_timed(timings: dict[str, float], name: str, function):
    """``timed``, also adding this process's CPU seconds to ``timings[name + " cpu"]``."""

    def wrapper(*args, **kwargs):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - started
            timings[name + " cpu"] = timings.get(name + " cpu", 0.0) + time.process_time() - cpu

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--region", default="stockholm")
    parser.add_argument("--profile", help="write a cProfile of the PDF to this file")
    arguments = parser.parse_args()
    from weasyprint import HTML
    from weasyprint.document import Document

    documents.html_to_pdf_with_pages("<p>Warm</p>", pdf_variant=documents.PDF_VARIANT)
    year = (timezone.localdate() - dt.timedelta(days=182)).year
    report = Report(
        region=Region.objects.get(code=arguments.region),
        period_kind=PeriodKind.YEAR,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        language=LANGUAGE,
    )
    timings: dict[str, float] = {}
    # render_report looks both up in its module: timing them there times the real calls.
    pdf_function = cpu_timed(timings, "pdf", documents.html_to_pdf_with_pages)
    if arguments.profile:
        profiled = pdf_function

        def pdf_function(*args, **kwargs):
            profile = cProfile.Profile()
            try:
                return profile.runcall(profiled, *args, **kwargs)
            finally:
                profile.dump_stats(arguments.profile)

    documents.html_to_pdf_with_pages = pdf_function
    HTML.render = cpu_timed(timings, "layout", HTML.render)
    Document.write_pdf = cpu_timed(timings, "write", Document.write_pdf)
    documents.render_workbook = timed(timings, "workbook", documents.render_workbook)

    built, per_section = [], []
    with translation.override(LANGUAGE):
        scope = scope_of(report)
        for section in sections():
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                built.append((section, section.build(scope)))
                per_section.append((section.key, time.perf_counter() - started, len(queries)))
    timings["sections"] = sum(seconds for _key, seconds, _queries in per_section)
    with CaptureQueriesContext(connection) as render_queries:
        started = time.perf_counter()
        rendered = documents.render_report(report, built)
        timings["render"] = time.perf_counter() - started

    print(f"report: {report.scope_name}, {year} ({connection.vendor})")
    print(f"sections: {len(built)}, built in {timings['sections']:.2f} s")
    for key, seconds, queries in per_section:
        print(f"  {key}: {seconds:.2f} s, {queries} queries")
    size = len(rendered.pdf) / 1024
    print(
        f"PDF: {timings['pdf']:.2f} s (CPU {timings['pdf cpu']:.2f} s: layout "
        f"{timings['layout cpu']:.2f} s, write {timings['write cpu']:.2f} s), "
        f"{rendered.page_count} pages, {size:.0f} KiB"
    )
    print(f"workbook: {timings['workbook']:.2f} s, {len(rendered.xlsx) / 1024:.0f} KiB")
    print(f"total: {timings['sections'] + timings['render']:.2f} s")
    print(
        f"database queries: {sum(queries for *_rest, queries in per_section)} building the "
        f"sections, {len(render_queries)} rendering"
    )


if __name__ == "__main__":
    main()
