"""Production refuses to start half-configured, and responses carry security headers."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse


def _manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_its_settings():
    """DJANGO_ENV=production without secrets and services stops with a clear message."""
    result = _manage("check", DJANGO_ENV="production", DJANGO_SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS, DATABASE_URL, REDIS_URL" in result.stderr
    assert "DJANGO_SECRET_KEY" not in result.stderr.split("not set:")[1]


def test_production_with_mfa_off_fails_the_system_check():
    result = _manage(
        "check",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="k" * 20 + "production-check-secret-key-0123456789",
        DJANGO_ALLOWED_HOSTS="peer.example.org",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        REDIS_URL="redis://127.0.0.1:6379/0",
        MFA_REQUIRED_FOR_STAFF="false",
    )
    assert result.returncode != 0
    assert "accounts.E001" in result.stderr


@pytest.mark.django_db
def test_responses_carry_csp_and_security_headers(client):
    response = client.get(reverse("account_login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_health_check_is_public(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
