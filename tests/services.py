"""Tests that need a real service: with CI=true a missing service fails the test."""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(
            f"{reason} – CI requires every service, so this test fails instead of skipping."
        )
    pytest.skip(f"{reason} (under CI=true this fails instead)")


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        _unavailable("This test needs PostgreSQL: set DATABASE_URL")


def require_redis() -> str:
    url = settings.REDIS_URL or os.environ.get("REDIS_URL", "")
    if not url:
        _unavailable("This test needs Redis: set REDIS_URL")
    parsed = urlparse(url)
    try:
        socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 2).close()
    except OSError:
        _unavailable(f"Redis at {url} does not answer")
    return url


def require_executable(path: str) -> None:
    if not os.access(path, os.X_OK):
        _unavailable(f"{path} is not installed")
