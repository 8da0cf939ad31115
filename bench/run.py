"""``make bench``: the national-scale benchmark, measured as production serves it, written to
``bench/results.md``.

1. A database of its own (``ps_bench``, or ``BENCH_DATABASE``; dropped and created) on the
   PostgreSQL server of ``DATABASE_URL``, migrated, filled by ``manage.py seed_scale`` (timed;
   then run a second time, which must be refused or add nothing). ``--reuse-db NAME``
   migrates an existing database and measures that instead (no seeding).
2. ``collectstatic`` into a temporary folder (in parallel with the seeding), then gunicorn
   with 2 workers, ``DJANGO_ENV=production`` (``DEBUG`` off, persistent connections, Redis
   cache), on a free port of 127.0.0.1, until ``/healthz`` answers. It is stopped at the end
   whatever happens.
3. A logged-in session for the person who looks at each page (``bench/pages.py``), made in
   this process under the same settings; each page is warmed up and must answer 200.
4. ``wrk -t2 -c16 --latency`` on each page (10 s; 1 s with ``--smoke``), the floor page
   before and after the others: each page's throughput as a ratio to the floor (≥ 0.5) and
   its p99 (≤ 250 ms). Any response that is not 2xx, or a socket error, fails the run.
5. ``measure(smoke=…)`` of ``bench/reports.py``, ``bench/exports.py`` and
   ``bench/reminders.py``, where they exist; one that raises is a failed figure.
6. The query plans: sequential scans on tables over 10,000 rows for every page, and the
   plans of the five pages slowest at p50 written to ``bench/explain/`` (``bench/explain.py``).
7. ``bench/results.md``: the machine, the date, the scale, and one table of every figure.

``--smoke`` (``make bench-smoke``, and the test in ``tests/bench/``) seeds a tiny scale,
sets no targets and writes the results to a temporary file instead of ``bench/results.md``.
The exit status is non-zero when the benchmark could not run as it should (a page not
answering 200, errors under load, a measuring module failing), not when a target is missed.

    .venv/bin/python bench/run.py [--smoke] [--reuse-db NAME] [--duration S] [--pages a b …]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.figures import Figure, at_least, at_most  # noqa: E402

PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results.md"
EXPLAIN_DIR = ROOT / "bench" / "explain"
PROJECT_PACKAGES = ["peersupport", "programmes", "workplaces", "supervision", "evaluation", "bench"]
MEASURING_MODULES = ["reports", "exports", "reminders"]
# The main tables, for the scale in the results: (label, app label, model).
SCALE_MODELS = [
    ("regions", "accounts", "Region"),
    ("user accounts", "accounts", "User"),
    ("participants", "programmes", "Participant"),
    ("cohorts", "programmes", "Cohort"),
    ("enrolments", "programmes", "Enrolment"),
    ("course attendance", "programmes", "Attendance"),
    ("workplaces", "workplaces", "Workplace"),
    ("placements", "workplaces", "Placement"),
    ("follow-up reviews", "workplaces", "FollowUpReview"),
    ("support sessions", "workplaces", "SupportSession"),
    ("supervision sessions", "supervision", "SupervisionSession"),
    ("supervision attendance", "supervision", "SessionAttendance"),
    ("survey invitations", "evaluation", "Invitation"),
    ("survey answers", "evaluation", "Answer"),
]
SEED_TIME_LIMIT_S = 300
FLOOR_RATIO_TARGET = 0.5
P99_TARGET_MS = 250
SMOKE_FACTOR = 0.005
HEAVIEST_EXPLAINED = 5
WRK_THREADS = 2
WRK_CONNECTIONS = 16
# The smoke only proves the pages answer under wrk: at 16 connections a page slower than
# 1/8 s would not finish one request in its 1-second run on a busy CI machine.
SMOKE_CONNECTIONS = 2

# Counts the responses that are not 2xx over all of wrk's threads (wrk itself only counts
# those outside 2xx and 3xx, and a 302 to the login page is a failure here).
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("non2xx") end
  io.write(string.format("NON2XX %d\\n", total))
end
"""


class BenchError(Exception):
    """The benchmark cannot go on; the message says why."""


def say(message: str) -> None:
    # UTC: Django sets the process's TZ to Europe/Stockholm once it is set up.
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


# The database -------------------------------------------------------------------------------


def server_url() -> str:
    """The PostgreSQL server of DATABASE_URL (or the local one), without a database name."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def database_url(name: str) -> str:
    return f"{server_url()}/{name}"


def admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as connection:
        connection.execute(statement)


def recreate_database(name: str) -> None:
    from psycopg import sql

    identifier = sql.Identifier(name).as_string(None)
    admin_sql(f"DROP DATABASE IF EXISTS {identifier} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {identifier}")


def development_env(db_url: str) -> dict[str, str]:
    """The environment for management commands that refuse production (seed_scale)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ENV"}
    env.update(DATABASE_URL=db_url, DJANGO_LOG_LEVEL="WARNING")
    return env


def run_command(args: list[str], env: dict[str, str], timeout: float = 3600):
    """``manage.py <args>``: the finished process and the seconds it took."""
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our own command line
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return result, time.perf_counter() - started


def checked(result, what: str):
    if result.returncode != 0:
        raise BenchError(
            f"{what} failed (exit status {result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return result


def encryption_keys(env: dict[str, str]) -> dict[str, str]:
    """The keys the seeded data was encrypted with (development settings derive them from
    the development secret key), so the production server can read it with its own key."""
    code = (
        "import json, peersupport.settings as s; "
        "print(json.dumps({'MFA_ENCRYPTION_KEY': s.MFA_ENCRYPTION_KEY, "
        "'FIELD_ENCRYPTION_KEYS': ','.join(s.FIELD_ENCRYPTION_KEYS)}))"
    )
    result = subprocess.run(  # noqa: S603 - our own command line
        [PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


# The server ---------------------------------------------------------------------------------


def compile_bytecode() -> None:
    import compileall
    import sysconfig

    for folder in (sysconfig.get_paths()["purelib"], *PROJECT_PACKAGES):
        compileall.compile_dir(str(ROOT / folder), quiet=1, workers=0)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(db_url: str, workdir: Path, keys: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(keys)
    env.update(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=db_url,
        REDIS_URL=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        # A cache of its own in a shared Redis: nothing left from another run is read.
        DJANGO_CACHE_PREFIX=f"bench-{secrets.token_hex(4)}",
        DJANGO_VAR_DIR=str(workdir / "var"),
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
        EMAIL_FILE_PATH=str(workdir / "mail"),
        DJANGO_LOG_LEVEL="WARNING",
    )
    env.pop("EMAIL_URL", None)
    return env


@dataclass
class Server:
    process: subprocess.Popen
    base_url: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(env: dict[str, str], workdir: Path) -> Server:
    port = free_port()
    log = workdir / "gunicorn.log"
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "peersupport.wsgi",
            "--workers=2",
            f"--bind=127.0.0.1:{port}",
            "--error-logfile",
            str(log),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn stopped at start:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            if fetch(server.base_url + "/healthz")[0] == 200:
                return server
        time.sleep(0.3)
    server.stop()
    raise BenchError(f"gunicorn did not answer /healthz within 60 s:\n{log.read_text()[-3000:]}")


def drain(server: Server) -> None:
    """Wait until gunicorn has worked off what the last wrk run left queued.

    wrk stops after its duration, but the requests its connections had sent wait in the
    listen backlog and are still served; the next page measured would wait behind them.
    One /healthz per worker, sent together, comes back once both have reached it (twice:
    one worker may answer both while the other finishes a slow page).
    """
    with ThreadPoolExecutor(max_workers=2) as pool:
        for _ in range(2):
            try:
                list(pool.map(lambda _: fetch(server.base_url + "/healthz", timeout=600), range(2)))
            except OSError as error:
                raise BenchError(
                    f"gunicorn did not work off the requests left queued within 600 s ({error})"
                ) from error


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, cookie: str = "", timeout: float = 120) -> tuple[int, str, bytes]:
    """Status, Location and body of one GET, as wrk sends it (HTTPS behind a proxy)."""
    headers = {"X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = cookie
    opener = urllib.request.build_opener(NoRedirect)
    try:
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http://127.0.0.1
        with opener.open(request, timeout=timeout) as response:
            return response.status, "", response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", ""), error.read()


# Sessions -----------------------------------------------------------------------------------


def session_cookies(pages) -> dict[int, str]:
    """A Cookie header per user, from a login made under the server's settings."""
    from django.conf import settings
    from django.test import Client

    cookies = {}
    for page in pages:
        if page.user is None or page.user.pk in cookies:
            continue
        client = Client()
        client.force_login(page.user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies[page.user.pk] = f"{settings.SESSION_COOKIE_NAME}={session}"
    return cookies


def cookie_for(page, cookies: dict[int, str]) -> str:
    return cookies[page.user.pk] if page.user is not None else ""


def warm_up(server: Server, pages, cookies: dict[int, str]) -> dict[str, float]:
    """Each page twice; it must answer 200. Returns one warm request's milliseconds."""
    timings = {}
    for page in pages:
        cookie = cookie_for(page, cookies)
        for _ in range(2):
            started = time.perf_counter()
            status, location, body = fetch(server.base_url + page.path, cookie)
            elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            detail = f" -> {location}" if location else ""
            hint = ""
            if "login" in location:
                hint = " (the session was not accepted: a login redirect)"
            elif "2fa" in location or "mfa" in location:
                hint = " (the user has no authenticator: the MFA middleware redirects)"
            raise BenchError(
                f"{page.name} ({page.path} as {page.role}) answered {status}{detail}{hint}; "
                f"the server log:\n{server.log.read_text()[-3000:]}"
            )
        timings[page.name] = elapsed
    return timings


# Load ---------------------------------------------------------------------------------------


@dataclass
class Load:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int

    @property
    def clean(self) -> bool:
        return self.requests > 0 and self.non_2xx == 0 and self.socket_errors == 0

    def problems(self) -> str:
        if not self.requests:
            return "no request finished within the run"
        return f"{self.non_2xx} responses not 2xx, {self.socket_errors} socket errors"


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_latency(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise BenchError(f"Unreadable latency from wrk: {text!r}")
    return float(match.group(1)) * UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> Load:
    def find(pattern: str) -> re.Match:
        match = re.search(pattern, output, re.MULTILINE)
        if not match:
            raise BenchError(f"Unreadable wrk output (no {pattern!r}):\n{output}")
        return match

    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return Load(
        requests_per_s=float(find(r"^Requests/sec:\s+([\d.]+)").group(1)),
        p50_ms=parse_latency(find(r"^\s+50%\s+(\S+)").group(1)),
        p99_ms=parse_latency(find(r"^\s+99%\s+(\S+)").group(1)),
        requests=int(find(r"^\s+(\d+) requests in").group(1)),
        non_2xx=int(find(r"^NON2XX (\d+)").group(1)),
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def run_wrk(url: str, cookie: str, duration: float, connections: int, script: Path) -> Load:
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{duration:g}s",
        "--timeout=30s",
        "--latency",
        "-s",
        str(script),
        "-H",
        "X-Forwarded-Proto: https",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run(  # noqa: S603 - our own command line
        [*command, url], capture_output=True, text=True, timeout=duration + 120
    )
    if result.returncode != 0:
        raise BenchError(f"wrk failed on {url}:\n{result.stdout}{result.stderr}")
    return parse_wrk(result.stdout)


# Figures ------------------------------------------------------------------------------------


def display_path(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def failed_figure(name: str, error: str) -> Figure:
    return Figure(name, math.nan, "", "runs", False, error)


def page_figures(name: str, load: Load, floor_rps: float, smoke: bool) -> list[Figure]:
    ratio = load.requests_per_s / floor_rps if floor_rps else 0.0
    note = (
        f"{load.requests_per_s:.1f} req/s (floor {floor_rps:.1f}), p50 {load.p50_ms:.1f} ms, "
        f"{load.requests} requests"
    )
    if not load.clean:
        note += f"; {load.problems()}"
    throughput = at_least(
        f"{name}: throughput", round(ratio, 2), "×floor", FLOOR_RATIO_TARGET, smoke=smoke, note=note
    )
    p99 = at_most(f"{name}: p99", round(load.p99_ms, 1), "ms", P99_TARGET_MS, smoke=smoke)
    if not load.clean:
        throughput = Figure(
            throughput.name,
            throughput.value,
            throughput.unit,
            throughput.target or "no errors",
            False,
            throughput.note,
        )
    return [throughput, p99]


def measuring_modules() -> list[str]:
    return [name for name in MEASURING_MODULES if (ROOT / "bench" / f"{name}.py").exists()]


def measure_module(name: str, smoke: bool) -> tuple[list[Figure], bool]:
    """The module's figures, and whether it ran; an exception becomes a failed figure."""
    say(f"bench/{name}.py: measuring")
    started = time.perf_counter()
    try:
        module = importlib.import_module(f"bench.{name}")
        figures = list(module.measure(smoke=smoke))
        if not figures:
            return [failed_figure(f"bench/{name}.py", "measure() returned no figures")], False
    except Exception as error:
        detail = "".join(traceback.format_exception_only(error)).strip()
        print(traceback.format_exc(), file=sys.stderr)
        return [failed_figure(f"bench/{name}.py", f"raised {detail}")], False
    say(f"bench/{name}.py: {len(figures)} figures in {time.perf_counter() - started:.1f} s")
    return figures, True


def seq_scan_figures(
    pages, heaviest: list[str], out: Path | None, smoke: bool
) -> tuple[list[Figure], bool]:
    """Sequential scans on tables over 10,000 rows, per page; plans of the heaviest pages.
    A page that cannot be explained is a failed figure (and the second value False)."""
    from bench.explain import explain_page, seq_scan_text, table_sizes

    sizes = table_sizes()
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob("*.txt"):
            old.unlink()
    figures = []
    all_explained = True
    for page in pages:
        write_to = out if page.name in heaviest else None
        if smoke and write_to is None:
            continue
        name = f"{page.name}: seq scans on big tables"
        try:
            result = explain_page(page, sizes, write_to, repeat=0)
        except Exception as error:
            print(traceback.format_exc(), file=sys.stderr)
            detail = "".join(traceback.format_exception_only(error)).strip()
            figures.append(failed_figure(name, f"bench/explain.py raised {detail}"))
            all_explained = False
            continue
        if not result.ok:
            figures.append(failed_figure(name, f"answered {result.status} in process"))
            all_explained = False
            continue
        count = len(result.seq_scans)
        note = seq_scan_text(result.seq_scans)
        if write_to is not None and not smoke:
            note += f"; plans in {display_path(result.report_path)}"
        if smoke:
            figures.append(Figure(name, count, "tables", note=note))
        else:
            figures.append(
                Figure(
                    name,
                    count,
                    "tables",
                    "none",
                    count == 0,
                    note,
                )
            )
    return figures, all_explained


# The results --------------------------------------------------------------------------------


def machine(connections: int, load_at_start: float) -> list[tuple[str, str]]:
    import django
    from django.db import connection

    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    redis_version = "unknown"
    with contextlib.suppress(Exception):
        import redis

        redis_version = redis.Redis.from_url(os.environ["REDIS_URL"]).info("server")[
            "redis_version"
        ]
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True)  # noqa: S607 - on PATH
    wrk_version = (wrk.stdout + wrk.stderr).split("\n", 1)[0].split(" [")[0]
    gunicorn = subprocess.run(  # noqa: S603 - our own command line
        [str(Path(PYTHON).parent / "gunicorn"), "--version"], capture_output=True, text=True
    )
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} cores"),
        ("RAM", memory),
        ("OS", platform.platform()),
        ("PostgreSQL", postgres),
        ("Redis", redis_version),
        ("Python", platform.python_version()),
        ("Django", django.get_version()),
        ("Server", (gunicorn.stdout or gunicorn.stderr).strip() + ", 2 workers"),
        ("Load", f"{wrk_version}, {WRK_THREADS} threads, {connections} connections"),
        (
            "Other work on the machine",
            f"load average {load_at_start:.1f} when the run began, "
            f"{os.getloadavg()[0]:.1f} when it ended (1-minute averages)",
        ),
    ]


def scale() -> list[tuple[str, int]]:
    from django.apps import apps

    counts = []
    for label, app_label, model_name in SCALE_MODELS:
        with contextlib.suppress(LookupError):
            counts.append((label, apps.get_model(app_label, model_name).objects.count()))
    return counts


def format_value(figure: Figure) -> str:
    if isinstance(figure.value, float) and math.isnan(figure.value):
        return "–"
    value = (
        f"{figure.value:,.2f}".rstrip("0").rstrip(".")
        if isinstance(figure.value, float)
        else f"{figure.value:,}"
    )
    return f"{value} {figure.unit}".strip()


def result_text(figure: Figure) -> str:
    if figure.passed is None:
        return "–"
    return "pass" if figure.passed else "falls short"


def figure_table(figures: list[Figure]) -> str:
    lines = ["| figure | value | target | result |", "|---|---|---|---|"]
    for figure in figures:
        target = figure.target or "–"
        lines.append(
            f"| {figure.name} | {format_value(figure)} | {target} | {result_text(figure)} |"
        )
    return "\n".join(lines)


def results_markdown(
    figures: list[Figure], machine_rows, scale_rows, notes: list[str], smoke: bool
) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`bench/run.py`) on "
        f"{now}{' (smoke run: tiny scale, no targets)' if smoke else ''}. Do not edit: run "
        "`make bench` again (bench/run.py's docstring says what it measures).",
        "",
        "## Machine",
        "",
        *[f"- {name}: {value}" for name, value in machine_rows],
        "",
        "## Scale",
        "",
        ", ".join(f"{label} {count:,}" for label, count in scale_rows) + ".",
        "",
        "## Figures",
        "",
        figure_table(figures),
        "",
        "## Notes",
        "",
    ]
    with_notes = [f for f in figures if f.note]
    parts += [f"- {note}" for note in notes]
    parts += [f"- {figure.name}: {figure.note}" for figure in with_notes]
    return "\n".join(parts) + "\n"


# The run ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny scale, 1 s per page, no targets")
    parser.add_argument("--reuse-db", metavar="NAME", help="measure this database, do not seed")
    parser.add_argument("--duration", type=float, help="seconds of wrk per page (10; smoke 1)")
    parser.add_argument("--factor", type=float, help="seed_scale --factor (1; smoke 0.005)")
    parser.add_argument("--pages", nargs="+", metavar="PAGE", help="only these pages")
    parser.add_argument(
        "--skip-modules", action="store_true", help="leave out reports, exports and reminders"
    )
    parser.add_argument(
        "--results",
        type=Path,
        help="where to write the results (bench/results.md; smoke: a temp file)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    smoke = args.smoke
    duration = args.duration or (1.0 if smoke else 10.0)
    connections = SMOKE_CONNECTIONS if smoke else WRK_CONNECTIONS
    factor = args.factor if args.factor is not None else (SMOKE_FACTOR if smoke else None)
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed (apt-get install wrk)")

    figures: list[Figure] = []
    notes: list[str] = []
    ok = True
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    server = None
    try:
        name = args.reuse_db or os.environ.get("BENCH_DATABASE") or "ps_bench"
        db_url = database_url(name)
        dev_env = development_env(db_url)
        keys = encryption_keys(dev_env)
        env = production_env(db_url, workdir, keys)
        with ThreadPoolExecutor(max_workers=1) as pool:
            # Static files are collected while the database is made: they do not depend on it.
            collecting = pool.submit(run_command, ["collectstatic", "--noinput", "-v0"], env)
            if not smoke:
                # Bytecode as the production image has it (UV_COMPILE_BYTECODE, compileall in
                # the Dockerfile): with PYTHONDONTWRITEBYTECODE a process would compile every
                # module it imports, which inflates the exports' peak memory by ~10 MB.
                pool.submit(compile_bytecode)
            if not args.reuse_db:
                say(f"Database {name}: created afresh, migrating")
                recreate_database(name)
            else:
                say(f"Database {name}: reused, migrating")
            checked(run_command(["migrate", "--noinput", "-v0"], dev_env)[0], "migrate")
            if args.reuse_db:
                notes.append(f"Database {name} reused (--reuse-db): seed_scale was not run.")
            else:
                figures += seed(dev_env, factor, smoke, notes)
            result, seconds = collecting.result()
            checked(result, "collectstatic")
            say(f"collectstatic: {seconds:.1f} s")

        # This process now speaks to the bench database under the server's settings.
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "peersupport.settings"
        import django

        django.setup()
        from bench.pages import FLOOR, PAGES, resolve_pages

        chosen = [p for p in PAGES if p.name == FLOOR or not args.pages or p.name in args.pages]
        unknown = set(args.pages or ()) - {p.name for p in PAGES}
        if unknown:
            raise BenchError(f"Unknown pages: {', '.join(sorted(unknown))}")
        pages = resolve_pages(chosen)
        scale_rows = scale()
        server = start_server(env, workdir)
        say(f"gunicorn serves {server.base_url}")
        cookies = session_cookies(pages)
        warm = warm_up(server, pages, cookies)
        say("every page answers 200: " + ", ".join(f"{n} {ms:.0f} ms" for n, ms in warm.items()))

        script = workdir / "count.lua"
        script.write_text(WRK_SCRIPT)
        floor = next(p for p in pages if p.name == FLOOR)
        others = [p for p in pages if p.name != FLOOR]

        def load(page) -> Load:
            result = run_wrk(
                server.base_url + page.path,
                cookie_for(page, cookies),
                duration,
                connections,
                script,
            )
            drain(server)
            problems = "" if result.clean else f"  FAILED: {result.problems()}"
            say(
                f"{page.name:<28} {result.requests_per_s:8.1f} req/s  p50 {result.p50_ms:7.1f} ms"
                f"  p99 {result.p99_ms:7.1f} ms{problems}"
            )
            return result

        healthz = run_wrk(server.base_url + "/healthz", "", duration, connections, script)
        drain(server)
        floor_before = load(floor)
        loads = {page.name: load(page) for page in others}
        floor_after = load(floor)
        floor_rps = (floor_before.requests_per_s + floor_after.requests_per_s) / 2
        figures.append(
            Figure(
                "floor: throughput",
                round(floor_rps, 1),
                "req/s",
                note=(
                    f"the mean of {floor_before.requests_per_s:.1f} before and "
                    f"{floor_after.requests_per_s:.1f} after the pages; p50 "
                    f"{floor_before.p50_ms:.1f}/{floor_after.p50_ms:.1f} ms, p99 "
                    f"{floor_before.p99_ms:.1f}/{floor_after.p99_ms:.1f} ms; /healthz "
                    f"{healthz.requests_per_s:.1f} req/s"
                ),
            )
        )
        for load_result in (floor_before, floor_after, healthz):
            ok &= load_result.clean
        for page_name, result in loads.items():
            figures += page_figures(page_name, result, floor_rps, smoke)
            ok &= result.clean
        server.stop()

        for module in [] if args.skip_modules else measuring_modules():
            module_figures, ran = measure_module(module, smoke)
            figures += module_figures
            ok &= ran

        heaviest = [n for n, _ in sorted(loads.items(), key=lambda item: -item[1].p50_ms)]
        heaviest = heaviest[:HEAVIEST_EXPLAINED]
        say(f"query plans: seq scans on every page, plans of {', '.join(heaviest)}")
        # Plans go to bench/explain/ with the results they belong to, nowhere near them
        # from a smoke or a run written elsewhere.
        if smoke:
            plans_dir = workdir / "explain"
        elif args.results is None:
            plans_dir = EXPLAIN_DIR
        else:
            plans_dir = args.results.parent / "explain"
        plan_figures, explained = seq_scan_figures(others, heaviest, plans_dir, smoke)
        figures += plan_figures
        ok &= explained

        elapsed = time.perf_counter() - started
        if args.pages or args.skip_modules:
            notes.append(
                "A partial run: "
                + (f"only the pages {', '.join(args.pages)}" if args.pages else "every page")
                + (", without the measuring modules" if args.skip_modules else "")
                + "."
            )
        notes.append(
            f"Each page: wrk {duration:g} s at {connections} connections against gunicorn "
            f"with 2 workers, DJANGO_ENV=production; throughput as a ratio to the floor page "
            f"(/bench/floor/), measured before and after the pages. This run took "
            f"{elapsed / 60:.1f} minutes."
        )
        machine_rows = machine(connections, load_at_start)
        text = results_markdown(figures, machine_rows, scale_rows, notes, smoke)
        target = args.results or RESULTS
        if smoke and args.results is None:
            handle, name = tempfile.mkstemp(prefix="bench-smoke-", suffix=".md")
            os.close(handle)
            target = Path(name)
        target.write_text(text, encoding="utf-8")
        print()
        print(figure_table(figures))
        print()
        say(f"results written to {target} ({elapsed:.0f} s in all)")
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if not ok:
        say("FAILED: a page or a measuring module did not run cleanly (see above)")
    return 0 if ok else 1


def seed(env: dict[str, str], factor: float | None, smoke: bool, notes: list[str]) -> list[Figure]:
    """Time seed_scale, then run it again: the second run must be refused or add nothing."""
    args = ["seed_scale"] + ([f"--factor={factor:g}"] if factor is not None else [])
    say(f"manage.py {' '.join(args)}")
    result, seconds = run_command(args, env)
    checked(result, "seed_scale")
    say(f"seed_scale: {seconds:.1f} s")
    scale_note = f"factor {factor:g}" if factor is not None else "full national scale"
    figures = [
        at_most(
            "seed_scale time",
            round(seconds, 1),
            "s",
            SEED_TIME_LIMIT_S,
            smoke=smoke,
            note=scale_note,
        )
    ]
    counts_before = row_total(env)
    again, _ = run_command(args, env)
    added = row_total(env) - counts_before
    last_line = (again.stderr.strip() or again.stdout.strip()).splitlines()[-1:] or [""]
    refused = again.returncode != 0
    note = (
        f"refused (exit status {again.returncode}): {last_line[0]}"
        if refused
        else f"ran (exit status 0) and added {added} rows: {last_line[0]}"
    )
    passed = refused or added == 0
    figures.append(
        Figure(
            "seed_scale run a second time: rows added",
            added,
            "rows",
            None if smoke else "refused or 0",
            None if smoke else passed,
            note,
        )
    )
    if not passed:
        notes.append("seed_scale's second run added rows: the scale above counts them.")
    return figures


def row_total(env: dict[str, str]) -> int:
    """Rows in every table, counted with psycopg (Django is not set up here yet)."""
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT relname FROM pg_class WHERE relkind = 'r' "
                "AND relnamespace = 'public'::regnamespace"
            )
        ]
        total = 0
        for table in tables:
            total += connection.execute(
                f'SELECT count(*) FROM "{table}"'  # noqa: S608 - names from pg_class
            ).fetchone()[0]
    return total


def stop_on_signal(signum, frame):
    """SIGTERM (and SIGINT, which a shell ignores in background jobs) end the run through
    its ``finally``, so gunicorn is stopped too."""
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"\nbench/run.py: {error}", file=sys.stderr)
        sys.exit(2)
