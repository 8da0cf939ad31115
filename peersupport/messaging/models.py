"""Messages to groups (issue 12)."""

from django.db import models  # noqa: F401
