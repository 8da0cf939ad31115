"""Peak memory (RSS) of the exports at national scale: the admin's streamed register sheet
of every support session in the country, the largest region's sheet, and the research
export (long CSV, wide CSV, SPSS, codebook) of the study with the most answers.

Each export runs in a fresh child process (this file run as ``--child <what>``) that sets
Django up, writes the export with the real worker function (``produce_register_export``,
``produce_export``) and exits; its peak RSS is its own high-water mark (``VmHWM``, read
as its last act; ``ru_maxrss`` from ``os.wait4`` where /proc is missing), so the figure
includes the Django process itself. A child that only sets Django up gives the baseline.
The research export writes its SPSS file in a process of its own, without Django
(``evaluation/sav_writer.py``) while the worker waits: its peak is the child's
``RUSAGE_CHILDREN``, and the figure held to the target is the two added up. The child works inside
a transaction it rolls back and deletes the files it stored: the benchmark database is
left as it was.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

try:
    from bench.figures import Figure, at_most
except ImportError:  # run as a script: python bench/exports.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.figures import Figure, at_most

ROOT = Path(__file__).resolve().parent.parent
RSS_LIMIT_MB = 100.0
CHILDREN = ("baseline", "register_national", "register_region", "survey")


@dataclass
class ChildRun:
    peak_mb: float
    result: dict


def run_child(what: str) -> ChildRun:
    """Run ``what`` in a fresh Python process; its peak RSS from ``os.wait4``, which gives
    the rusage of that one child (``RUSAGE_CHILDREN`` would be the largest of them all)."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 (this file, our own interpreter)
            [sys.executable, str(Path(__file__).resolve()), "--child", what],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=errors,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "peersupport.settings"},
        )
        stdout = process.stdout.read()
        process.stdout.close()
        _pid, status, rusage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"export child {what!r} failed: {errors.read().decode()[-2000:]}")
    result = json.loads(stdout.decode().strip().splitlines()[-1])
    # ru_maxrss is in kilobytes on Linux, and for a child reaped with wait4 it is the
    # largest of the child and the children it waited for; the child's own high-water
    # mark (VmHWM) it reports itself, as its last act.
    peak_mb = round(rusage.ru_maxrss / 1024, 1)
    if result.get("own_peak_mb") is not None:
        peak_mb = result["own_peak_mb"]
    return ChildRun(peak_mb=peak_mb, result=result)


def measure(*, smoke: bool) -> list[Figure]:
    baseline = run_child("baseline")
    base_note = f"Django process alone: {baseline.peak_mb} MB"
    figures = []
    for what, name in (
        ("register_national", "Register export: every support session (admin, all regions)"),
        ("register_region", "Register export: the largest region's support sessions"),
        ("survey", "Survey export: the study with the most answers"),
    ):
        run = run_child(what)
        result = run.result
        note = f"{result['description']}; {base_note}"
        if "sav_writer_mb" in result:
            # The SPSS writer runs while the worker waits, so the export holds both at once:
            # the figure held to the target is their sum.
            sav_mb = result["sav_writer_mb"]
            note += (
                f"; the worker {run.peak_mb} MB (CSVs and codebook, streamed) and, while it "
                f"waits, the SPSS writer without Django {sav_mb} MB (pandas and pyreadstat: "
                "the .sav library needs a DataFrame)"
            )
            figures.append(
                at_most(
                    f"{name}: peak RSS, worker and SPSS writer together",
                    round(run.peak_mb + sav_mb, 1),
                    "MB",
                    RSS_LIMIT_MB,
                    smoke=smoke,
                    note=note,
                )
            )
            figures.append(Figure(f"{name}: peak RSS of the worker", run.peak_mb, "MB"))
            figures.append(Figure(f"{name}: peak RSS of the SPSS writer", sav_mb, "MB"))
        else:
            figures.append(
                at_most(
                    f"{name}: peak RSS", run.peak_mb, "MB", RSS_LIMIT_MB, smoke=smoke, note=note
                )
            )
        figures.append(Figure(f"{name}: rows", result["rows"], "count", note=result["unit"]))
        figures.append(Figure(f"{name}: time", round(result["seconds"], 1), "s"))
    figures.append(Figure("Exports: Django process baseline", baseline.peak_mb, "MB"))
    return figures


# The child --------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _child(what: str) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersupport.settings")
    import django

    django.setup()
    if what == "baseline":
        return {"rows": 0, "seconds": 0.0, "unit": "", "description": "django.setup() only"}
    from django.db import transaction

    outcome: dict = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            outcome = {"register_national": _register, "register_region": _register}.get(
                what, _survey
            )(what)
            outcome["seconds"] = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return outcome


def _delete_files(*files) -> int:
    size = 0
    for file in files:
        if file:
            size += file.size
            file.storage.delete(file.name)
    return size


def _register(what: str) -> dict:
    from django.db.models import Count

    from peersupport.accounts.models import Region
    from peersupport.reports.models import RegisterExport
    from peersupport.reports.register_actions import produce_register_export
    from workplaces.models import SupportSession

    region = None
    if what == "register_region":
        largest = (
            SupportSession.objects.values("placement__workplace__region")
            .annotate(sessions=Count("pk"))
            .order_by("-sessions")
            .first()
        )
        region = Region.objects.get(pk=largest["placement__workplace__region"])
    export = RegisterExport.objects.create(region=region, kind="support_sessions", language="sv")
    written = produce_register_export(export_id=export.pk)
    if written is None:
        export.refresh_from_db()
        raise RuntimeError(f"register export failed: {export.error}")
    size = _delete_files(written.file)
    scope = region.name if region else "all regions"
    return {
        "rows": written.row_count,
        "unit": "support sessions",
        "description": f"{scope}, {written.row_count} rows, .xlsx {size / 2**20:.1f} MB",
    }


def _survey(what: str) -> dict:
    from django.db.models import Count

    from evaluation.actions.exports import FILES, produce_export
    from evaluation.models import Answer, ResearchExport, Study
    from peersupport.accounts.models import Region
    from peersupport.audit.models import AuditEvent

    top = (
        Answer.objects.values("invitation__wave__study")
        .annotate(answers=Count("pk"))
        .order_by("-answers")
        .first()
    )
    if top is None:
        raise RuntimeError("no survey answers in the database")
    study = Study.objects.get(pk=top["invitation__wave__study"])
    export = ResearchExport.objects.create(study=study)
    regions = study.regions.all() if study.regions.exists() else Region.objects.all()
    export.regions.set(regions)
    written = produce_export(export_id=export.pk)
    if written is None:
        export.refresh_from_db()
        raise RuntimeError(f"research export failed: {export.error}")
    size = _delete_files(*(getattr(written, field) for field, _suffix in FILES.values()))
    # The SPSS file is written by a process of the export's own (evaluation/sav_writer.py),
    # waited for here: the largest peak among this process's children is that one's.
    sav_writer_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    counts = (
        AuditEvent.objects.filter(object_id=str(export.pk), detail__research_export="written")
        .values_list("detail", flat=True)
        .get()
    )
    return {
        "rows": counts["answers"],
        "unit": "answers written (long CSV rows)",
        "sav_writer_mb": round(sav_writer_mb, 1),
        "description": (
            f"study {study.pk}: {counts['answers']} answers, {counts['rows']} wide rows, "
            f"{counts['respondents']} respondents, 4 files {size / 2**20:.1f} MB"
        ),
    }


def _own_peak_mb() -> float | None:
    """This process's own peak RSS (VmHWM), without the children it ran."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child" and sys.argv[2] in CHILDREN:
        outcome = _child(sys.argv[2])
        outcome["own_peak_mb"] = _own_peak_mb()
        print(json.dumps(outcome))
    else:
        for figure in measure(smoke="--smoke" in sys.argv):
            print(figure)
