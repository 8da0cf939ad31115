"""``make bench-smoke``: the benchmark runs end to end at a tiny scale, so it cannot rot.

``bench/run.py --smoke`` makes a database of its own, seeds it, serves it with gunicorn in
production mode, puts every page under wrk and runs every measuring module; it sets no
targets and leaves ``bench/results.md`` alone.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg import sql

from bench.pages import FLOOR, PAGES
from bench.run import MEASURING_MODULES, database_url
from tests.services import _unavailable, require_postgres, require_redis

ROOT = Path(settings.BASE_DIR)


def _drop(name: str) -> None:
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def bench_database():
    """A database name of this test's own, derived from the configured one (so parallel
    test runs on other databases never share it), dropped afterwards."""
    require_postgres()
    require_redis()
    if shutil.which("wrk") is None:
        _unavailable("wrk is not installed")
    name = f"{connection.settings_dict['NAME']}_benchsmoke"
    yield name
    _drop(name)


def test_bench_smoke_measures_every_page_and_module(bench_database, tmp_path):
    """Every page of bench/pages.py gets its throughput and p99, every measuring module in
    bench/ its figures, the run exits 0, and bench/results.md is not touched."""
    results = ROOT / "bench" / "results.md"
    before = results.stat().st_mtime_ns if results.exists() else None
    env = {**os.environ, "BENCH_DATABASE": bench_database}

    run = subprocess.run(
        [sys.executable, "bench/run.py", "--smoke", "--results", str(tmp_path / "results.md")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )

    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "| floor: throughput |" in run.stdout
    for page in PAGES:
        if page.name != FLOOR:
            assert f"| {page.name}: throughput |" in run.stdout, output
            assert f"| {page.name}: p99 |" in run.stdout, output
    for module in MEASURING_MODULES:
        if (ROOT / "bench" / f"{module}.py").exists():
            assert re.search(rf"bench/{module}\.py: \d+ figures in", run.stdout), output
    assert "| seed_scale time |" in run.stdout
    assert "smoke run" in (tmp_path / "results.md").read_text()
    assert (results.stat().st_mtime_ns if results.exists() else None) == before
