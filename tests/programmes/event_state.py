"""Events for the event tests: made in so many days, by a coordinator reading English."""

import datetime as dt

import pytest
from django.utils import timezone

from programmes import actions
from programmes.models import EventKind


@pytest.fixture(autouse=True)
def _english_speaking_coordinator(coordinator):
    """The coordinator reads the pages in English, so messages are compared as written."""
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])


def in_days(days: int, hour: int = 13) -> dt.datetime:
    return timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0) + (
        dt.timedelta(days=days)
    )


def event_in(coordinator, region, *, days=30, title="Återträff", kind=EventKind.REUNION):
    return actions.create_event(
        actor=coordinator,
        region=region,
        kind=kind,
        title=title,
        starts_at=in_days(days),
        ends_at=in_days(days, hour=16),
        venue="Folkets hus",
    )
