"""Query plans for the pages ``make bench`` measures: every SQL query a page makes, with
PostgreSQL's ``EXPLAIN (ANALYZE, BUFFERS)`` of each SELECT, and the sequential scans on
big tables that a page should not need.

Each page in ``bench/pages.py`` (or only those named) is requested in this process with
Django's test client, logged in (``force_login``) as the person ``bench/pages.py`` finds for
it; staff users have authenticators in the seeded data, so the MFA middleware lets them
through. The page is requested once to warm up, ``--repeat`` times to time it (the fastest
is reported), and once more with every query captured. Then each SELECT is explained, with
its parameters, inside a transaction that is rolled back, and ``<out>/<page>.txt`` is
written: the page, its status, the query count, the SQL time, then each query with its
plan. One line per page is printed:

    support_session_list      200   14 queries    35.2 ms SQL    118.0 ms response
        seq scans on tables > 10,000 rows: workplaces_supportsession

A sequential scan is found in ``EXPLAIN (FORMAT JSON)`` (every ``Seq Scan`` node, in sub-
plans too) and the table's size is read from ``pg_class.reltuples`` (or the live-row count
if the table has never been analysed; run ``ANALYZE`` after loading data so the planner
and this report see the real sizes).

Usage, against PostgreSQL (never the national database ``ps_scale`` itself: the page
requests write sessions and audit entries, so use a copy):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ps_x_scale \\
    REDIS_URL=redis://127.0.0.1:6379/N \\
        .venv/bin/python bench/explain.py [page names…] [--out bench/explain] [--repeat 3]

With no page names every page is explained; ``--list`` prints the names. The exit status is
non-zero if any page does not answer 200 (a redirect to the login or MFA page, a 403 or an
error), so a script can rely on it. ``bench/run.py`` calls ``explain_pages()`` for the five
heaviest pages of a full run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# A table with more rows than this should not be read by a sequential scan on any page.
BIG_TABLE_ROWS = 10_000
DEFAULT_OUT = ROOT / "bench" / "explain"


@dataclass
class PageExplained:
    name: str
    path: str
    user: str
    status: int
    location: str = ""
    query_count: int = 0
    sql_ms: float = 0.0
    response_ms: float = 0.0
    # Tables over BIG_TABLE_ROWS read by a sequential scan, with their estimated rows.
    seq_scans: dict[str, int] = field(default_factory=dict)
    report_path: Path | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    def summary(self) -> str:
        line = (
            f"{self.name:<28} {self.status:>4} {self.query_count:>4} queries "
            f"{self.sql_ms:>9.1f} ms SQL {self.response_ms:>9.1f} ms response"
        )
        if self.location:
            line += f"  -> {self.location}"
        return line + "\n    seq scans on tables > 10,000 rows: " + seq_scan_text(self.seq_scans)


def seq_scan_text(seq_scans: dict[str, int]) -> str:
    if not seq_scans:
        return "none"
    return ", ".join(f"{table} ({rows:,} rows)" for table, rows in sorted(seq_scans.items()))


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersupport.settings")
    import django

    django.setup()


def table_sizes() -> dict[str, int]:
    """Rows per table of this database: the planner's estimate, or the live rows counted
    by the statistics collector where the table was never analysed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, GREATEST(c.reltuples, COALESCE(s.n_live_tup, 0))::bigint
            FROM pg_class c
            LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
            WHERE c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace
            """
        )
        return dict(cursor.fetchall())


def seq_scanned_tables(plan: dict) -> set[str]:
    """The relations read by a Seq Scan anywhere in one JSON plan node's tree."""
    found = set()
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name"):
        found.add(plan["Relation Name"])
    for child in plan.get("Plans", ()):
        found |= seq_scanned_tables(child)
    return found


def is_select(sql: str) -> bool:
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return head in {"SELECT", "WITH"} and " FOR UPDATE" not in sql.upper()


def host_header() -> str:
    """A host name the settings allow, so the request is not refused with 400."""
    from django.conf import settings

    for host in settings.ALLOWED_HOSTS:
        if host not in {"*", ""}:
            return host.lstrip(".")
    return "127.0.0.1"


def client_for(user):
    from django.test import Client

    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST=host_header())
    if user is not None:
        client.force_login(user)
    return client


def time_query(durations: list[float], execute, sql, params, many, context):
    """An execute wrapper that notes each query's milliseconds (Django's own capture
    rounds them to whole milliseconds)."""
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        durations.append((time.perf_counter() - started) * 1000)


def timed_get(client, path: str):
    started = time.perf_counter()
    response = client.get(path)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response, (time.perf_counter() - started) * 1000


def explain(cursor, sql: str) -> tuple[str, set[str]]:
    """The text plan with ANALYZE and BUFFERS, and the tables a Seq Scan reads (from the
    JSON plan without ANALYZE: the same plan, without running the query twice more)."""
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
    text = "\n".join(row[0] for row in cursor.fetchall())
    cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
    document = cursor.fetchone()[0]
    if isinstance(document, str):
        document = json.loads(document)
    tables = set()
    for statement in document:
        tables |= seq_scanned_tables(statement["Plan"])
    return text, tables


def explain_page(page, sizes: dict[str, int], out: Path | None, repeat: int) -> PageExplained:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    client = client_for(page.user)
    user_text = f"{page.role}: {page.user.email}" if page.user is not None else "not logged in"
    response, _ = timed_get(client, page.path)  # warm-up: templates, caches, connection
    timings = [timed_get(client, page.path)[1] for _ in range(max(repeat, 0))]
    durations: list[float] = []
    with (
        CaptureQueriesContext(connection) as captured,
        connection.execute_wrapper(partial(time_query, durations)),
    ):
        response, elapsed = timed_get(client, page.path)
    timings.append(elapsed)
    result = PageExplained(
        name=page.name,
        path=page.path,
        user=user_text,
        status=response.status_code,
        location=response.get("Location", ""),
        query_count=len(captured.captured_queries),
        sql_ms=sum(durations),
        response_ms=min(timings),
    )

    sections = []
    repeated = Counter(q["sql"] for q in captured.captured_queries)
    with transaction.atomic(), connection.cursor() as cursor:
        # BEGIN and COMMIT are logged by Django but never pass the execute wrapper.
        statements = [q for q in captured if q["sql"] not in ("BEGIN", "COMMIT", "ROLLBACK")]
        for number, (query, ms) in enumerate(zip(statements, durations, strict=True), start=1):
            sql = query["sql"]
            head = f"-- Query {number} ({ms:.2f} ms during the request)"
            if repeated[sql] > 1:
                head += f", the same query {repeated[sql]} times on this page"
            if not is_select(sql):
                sections.append(f"{head}\n{sql}\n(not a SELECT: not explained)\n")
                continue
            try:
                with transaction.atomic():
                    plan, tables = explain(cursor, sql)
            except Exception as error:  # a plan we cannot get is reported, not fatal
                sections.append(f"{head}\n{sql}\n(EXPLAIN failed: {error})\n")
                continue
            for table in tables:
                if sizes.get(table, 0) > BIG_TABLE_ROWS:
                    result.seq_scans[table] = sizes[table]
            sections.append(f"{head}\n{sql}\n\n{plan}\n")
        transaction.set_rollback(True)

    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        result.report_path = out / f"{page.name}.txt"
        header = [
            f"Page: {page.name}  GET {page.path}  as {user_text}",
            f"Status: {result.status}" + (f" -> {result.location}" if result.location else ""),
            f"Queries: {result.query_count}, SQL {result.sql_ms:.1f} ms, "
            f"response {result.response_ms:.1f} ms (fastest of {len(timings)})",
            "Seq scans on tables > 10,000 rows: " + seq_scan_text(result.seq_scans),
            f"Database: {connection.settings_dict['NAME']}, written by bench/explain.py",
            "",
        ]
        result.report_path.write_text("\n".join(header + sections), encoding="utf-8")
    return result


def explain_pages(
    names: list[str] | None = None, out: Path | None = DEFAULT_OUT, repeat: int = 3
) -> Iterator[PageExplained]:
    """Explain the named pages (all with None), one by one; Django must be set up."""
    from bench.pages import PAGES, resolve_pages

    known = {page.name: page for page in PAGES}
    unknown = [name for name in names or () if name not in known]
    if unknown:
        raise SystemExit(
            f"Unknown page(s): {', '.join(unknown)}. Pages: {', '.join(known)}",
        )
    pages = resolve_pages([known[name] for name in names] if names else None)
    sizes = table_sizes()
    for page in pages:
        yield explain_page(page, sizes, out, repeat)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help="page names from bench/pages.py (default: all)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write <page>.txt")
    parser.add_argument("--repeat", type=int, default=3, help="timed requests per page")
    parser.add_argument("--list", action="store_true", help="print the page names and stop")
    args = parser.parse_args(argv)

    if args.list:
        from bench.pages import PAGES

        print("\n".join(page.name for page in PAGES))
        return 0
    setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench/explain.py needs PostgreSQL: set DATABASE_URL.")
    failed = []
    for result in explain_pages(args.pages or None, args.out, args.repeat):
        print(result.summary(), flush=True)
        if not result.ok:
            failed.append(result.name)
    if failed:
        print(f"Not 200: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
