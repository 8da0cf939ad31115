"""The Celery worker ``bench/reports.py`` starts: ``celery`` as usual (same arguments), with
timers around the three parts of writing a report, each printing one line when it ends:

    BENCH-TIMING {"part": "section", "key": "course", "seconds": 0.41, "cpu": 0.1, "queries": 6}
    BENCH-TIMING {"part": "pdf", "seconds": 2.1, "cpu": 2.0}
    BENCH-TIMING {"part": "workbook", "seconds": 0.2, "cpu": 0.2}

(``cpu``: this process's CPU seconds, which a busy machine inflates less than the wall
clock; the database's time is not in them.)

The solo pool runs the task in this process, so what is timed is the real task. Before
it takes tasks the worker is warmed as a long-running production worker is after its
first report: SciPy and openpyxl imported (imported on first use: seconds) and
one tiny PDF written (WeasyPrint's fonts loaded). Run as
``python bench/report_worker.py -A peersupport worker …``."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMING = "BENCH-TIMING "


def _print_timing(**values) -> None:
    print(TIMING + json.dumps(values), flush=True)


def _timed(part: str, function):
    def wrapper(*args, **kwargs):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            _print_timing(
                part=part,
                seconds=round(time.perf_counter() - started, 3),
                cpu=round(time.process_time() - cpu, 3),
            )

    return wrapper


def install_timers() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from peersupport.reports import actions, documents
    from peersupport.reports.registry import sections

    def build_sections(scope):
        built = []
        for section in sections():
            with CaptureQueriesContext(connection) as queries:
                started, cpu = time.perf_counter(), time.process_time()
                built.append((section, section.build(scope)))
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            _print_timing(
                part="section",
                key=section.key,
                seconds=round(seconds, 3),
                cpu=round(cpu, 3),
                queries=len(queries),
            )
        return built

    # Looked up in their modules when called, so replacing them there times the real calls.
    actions.build_sections = build_sections
    documents.html_to_pdf_with_pages = _timed("pdf", documents.html_to_pdf_with_pages)
    documents.render_workbook = _timed("workbook", documents.render_workbook)


def warm_up() -> None:
    import openpyxl  # noqa: F401
    import scipy.stats  # noqa: F401

    from peersupport.documents import html_to_pdf

    html_to_pdf("<p>Warm</p>", pdf_variant="pdf/ua-1")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersupport.settings")
    import django

    django.setup()
    warm_up()
    install_timers()
    from celery.__main__ import main as celery_main

    sys.argv = ["celery", *sys.argv[1:]]
    celery_main()


if __name__ == "__main__":
    main()
