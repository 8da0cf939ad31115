"""The demo as a newcomer meets it: seed_demo on a fresh checkout, then every demo login."""

import html
import os
import re
import subprocess
import sys
import time
import traceback
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from django.conf import global_settings, settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from peersupport.accounts import demo
from peersupport.accounts.models import Role
from tests.browser.auth import current_totp_code
from tests.services import require_postgres


def _database_url() -> str:
    """The address of the test database, for a command run in its own process."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST'] or 'localhost'}"
        f":{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """``manage.py seed_demo`` run once, as on a fresh checkout outside ``make run``: its own
    process, an empty var folder, and the embedded file-system broker (no Redis). The demo
    data stays committed for this module's tests; afterwards the database is put back as it
    was, so the other tests never see it."""
    require_postgres()
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ENV"}
    }
    var_dir = tmp_path_factory.mktemp("var")
    environment.update(DATABASE_URL=_database_url(), DJANGO_VAR_DIR=str(var_dir))
    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
        result = subprocess.run(
            [sys.executable, "manage.py", "seed_demo"],
            cwd=settings.BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
        )
    result.var_dir = var_dir
    yield result
    with django_db_blocker.unblock():
        # Sequences run on past the demo rows, so the restored rows' ids stay free.
        call_command(
            "flush",
            interactive=False,
            inhibit_post_migrate=True,
            reset_sequences=False,
            verbosity=0,
        )
        connection.creation.deserialize_db_from_string(before)


@pytest.mark.django_db
def test_seed_demo_on_a_fresh_checkout_prints_no_traceback(seeded_demo):
    """With no var folder and no Redis, seeding succeeds and says nothing of Celery failing:
    settings create the file-system broker's folders that the tasks it queues are written to."""
    output = seeded_demo.stdout + seeded_demo.stderr
    assert seeded_demo.returncode == 0, output
    assert "Traceback" not in output
    assert "Demo data ready" in seeded_demo.stdout


# The crawl ----------------------------------------------------------------------------------

# GET links that end the session or change a setting; every other link is followed.
SKIPPED_URL_NAMES = {"account_logout", "logout", "set_language"}
# Where to go after a page (``?next=``) does not change the page itself.
IGNORED_QUERY_PARAMETERS = {"next"}
# Every page is visited; of one page's filtered, sorted and paginated views (the same
# query-string parameters, other values), only this many.
VARIANTS_PER_PAGE = 3
# The admin shows every object of every model: each kind of admin page is visited, with
# this many objects of each model.
ADMIN_OBJECTS_PER_KIND = 3
ADMIN_OBJECT_PAGE = re.compile(r"^/admin/(?P<model>[\w-]+/[\w-]+)/[^/]+/(?P<kind>[\w-]+)/$")
LINK = re.compile(r"<a\b[^>]*?\shref=\"([^\"]*)\"")


def _same_origin(href: str) -> str | None:
    """The path and query of a link into this site, or None for one that leaves it."""
    parts = urlsplit(html.unescape(href))
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
        return None
    if not parts.path.startswith("/") or parts.path.startswith(settings.STATIC_URL):
        return None
    query = urlencode(
        sorted(
            (name, value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
            if name not in IGNORED_QUERY_PARAMETERS
        )
    )
    return parts.path + (f"?{query}" if query else "")


def _budget(url: str) -> tuple[tuple, int] | None:
    """Which group of like pages a URL belongs to, and how many of them are visited."""
    parts = urlsplit(url)
    match = ADMIN_OBJECT_PAGE.match(parts.path)
    if match:
        return ("admin", match["model"], match["kind"]), ADMIN_OBJECTS_PER_KIND
    if parts.query:
        names = tuple(sorted({name for name, _value in parse_qsl(parts.query)}))
        return ("variants", parts.path, names), VARIANTS_PER_PAGE
    return None


def _skipped(path: str) -> bool:
    try:
        return resolve(path).url_name in SKIPPED_URL_NAMES
    except Resolver404:
        return False


@dataclass
class Crawl:
    user: str
    visited: dict[str, str] = field(default_factory=dict)  # URL -> the page that linked it
    errors: list[str] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    admin_links: list[str] = field(default_factory=list)  # "link (on page)"


def crawl(client: Client, user: str, start: str = "/") -> Crawl:
    """Follow every same-origin link (GET only) breadth-first from ``start``."""
    result = Crawl(user)
    queue = deque([(start, "(start)")])
    seen = {start}
    budgets: Counter = Counter()
    while queue:
        url, source = queue.popleft()
        budget = _budget(url)
        if budget:
            key, limit = budget
            if budgets[key] >= limit:
                continue
            budgets[key] += 1
        result.visited[url] = source
        response = client.get(url)
        result.statuses[f"{response.status_code // 100}xx"] += 1
        if response.status_code >= 500:
            failure = "".join(traceback.format_exception(*response.exc_info)[-4:])
            result.errors.append(
                f"{user}: {response.status_code} at {url} (linked from {source})\n{failure}"
            )
            continue
        if 300 <= response.status_code < 400:
            links = [response["Location"]]
        elif response.status_code == 200 and "html" in response.get("Content-Type", ""):
            links = LINK.findall(response.content.decode())
        else:
            continue
        for href in links:
            target = _same_origin(href.partition("#")[0]) if not href.startswith("#") else None
            if target and target.startswith(reverse("admin:index")):
                result.admin_links.append(f"{target} (on {url})")
            if target and target not in seen and not _skipped(urlsplit(target).path):
                seen.add(target)
                queue.append((target, url))
    return result


def log_in(email: str) -> Client:
    """A client logged in through the real login form, and the TOTP step where asked."""
    client = Client(raise_request_exception=False)
    response = client.post(
        reverse("account_login"), {"login": email, "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302, f"{email}: the login form answered {response.status_code}"
    if response["Location"] == reverse("mfa_authenticate"):
        response = client.post(
            reverse("mfa_authenticate"), {"code": current_totp_code(demo.DEMO_TOTP_SECRET)}
        )
        assert response.status_code == 302, (
            f"{email}: the TOTP step answered {response.status_code}"
        )
    assert "_auth_user_id" in client.session, f"{email} is not logged in"
    return client


@pytest.mark.django_db
def test_every_demo_user_follows_every_link_without_a_server_error(seeded_demo, settings, capsys):
    """Each demo login (from the demo module, so new demo people are crawled too) signs in
    through the login form, with TOTP for staff, and follows every same-origin link it is
    shown, GET only; no page answers 5xx. Every page is opened; of one page's filtered and
    paginated views a few, and in the admin every kind of page for a few objects of each
    model. No page a coordinator is shown links (or redirects) to the admin: running a
    region takes no coordinator task there."""
    assert seeded_demo.returncode == 0, seeded_demo.stderr
    # A code computed now is checked a moment later: accept the neighbouring 30 s window.
    settings.MFA_TOTP_TOLERANCE = 1
    # The seed ran in its own process with Django's own password hashers, not the tests',
    # and stored its files (register extracts) in its own var folder.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    settings.MEDIA_ROOT = str(seeded_demo.var_dir / "media")
    emails = list(demo.demo_users().order_by("email").values_list("email", flat=True))
    role_logins = {
        demo.demo_email(local)
        for people in demo.ROLE_PEOPLE.values()
        for local, _name in people.values()
    }
    assert role_logins < set(emails)
    coordinators = set(
        demo.demo_users()
        .filter(memberships__role=Role.COORDINATOR, is_staff=False)
        .values_list("email", flat=True)
    )
    assert coordinators
    errors = []
    admin_links = []
    for email in emails:
        started = time.monotonic()
        result = crawl(log_in(email), email)
        errors += result.errors
        if email in coordinators:
            admin_links += [f"{email}: {link}" for link in result.admin_links]
        assert len(result.visited) > 3, f"{email} found no links to follow"
        statuses = ", ".join(f"{count} {kind}" for kind, count in sorted(result.statuses.items()))
        with capsys.disabled():  # the figures belong in the test run's output
            print(
                f"\n  demo crawl: {email}: {len(result.visited)} pages in "
                f"{time.monotonic() - started:.1f} s ({statuses})",
                end="",
            )
    assert not errors, f"{len(errors)} server error(s):\n" + "\n".join(errors)
    assert not admin_links, "Coordinator pages link to the admin:\n" + "\n".join(admin_links)
