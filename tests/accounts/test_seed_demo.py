"""seed_demo makes logins with a published password: it runs only on a database of demo data,
never in production."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from peersupport.accounts import demo
from peersupport.accounts.models import Region, User
from tests.factories import UserFactory


def test_seed_demo_refuses_to_run_in_production():
    """Under DJANGO_ENV=production the command stops with a clear message and a non-zero exit
    status before it touches the database."""
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": "s" * 20 + "production-seed-secret-key-0123456789",
            "DJANGO_ALLOWED_HOSTS": "peer.example.org",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "seed_demo does not run with DJANGO_ENV=production" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_seed_demo_refuses_a_database_with_real_accounts():
    """One account outside the demo domain is enough: nothing is seeded and the message says
    why."""
    UserFactory(email="anna.andersson@region.se")
    with pytest.raises(CommandError, match="1 account\\(s\\) that are not demo accounts"):
        call_command("seed_demo")
    assert not Region.objects.exists()
    assert list(User.objects.values_list("email", flat=True)) == ["anna.andersson@region.se"]


@pytest.mark.django_db
def test_demo_users_are_the_accounts_the_seed_made():
    """Every account the seed makes counts as a demo user, and a real account does not."""
    real = UserFactory(email="anna.andersson@region.se")
    demo.seed()
    assert demo.demo_users().exists()
    assert set(demo.demo_users()) == set(User.objects.exclude(pk=real.pk))
