"""Personal calendar feeds: a secret, revocable iCalendar address per person."""

from __future__ import annotations

from .models import CalendarFeed


def calendar_feed_for(user) -> CalendarFeed:
    """The person's feed, made on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed
