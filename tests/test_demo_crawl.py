"""The demo as a newcomer meets it: seed_demo on a fresh checkout, then every demo login."""

import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection


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
    if connection.vendor != "postgresql":
        pytest.fail("The demo crawl runs on PostgreSQL: set DATABASE_URL.")
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ENV"}
    }
    environment.update(
        DATABASE_URL=_database_url(), DJANGO_VAR_DIR=str(tmp_path_factory.mktemp("var"))
    )
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
    yield result
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(before)


@pytest.mark.django_db
def test_seed_demo_on_a_fresh_checkout_prints_no_traceback(seeded_demo):
    """With no var folder and no Redis, seeding succeeds and says nothing of Celery failing:
    settings create the file-system broker's folders that the tasks it queues are written to."""
    output = seeded_demo.stdout + seeded_demo.stderr
    assert seeded_demo.returncode == 0, output
    assert "Traceback" not in output
    assert "Demo data ready" in seeded_demo.stdout
