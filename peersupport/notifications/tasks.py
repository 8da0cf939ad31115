from __future__ import annotations

from celery import shared_task
from django.utils.dateparse import parse_datetime

from .actions import dispatch_due_notifications


@shared_task(ignore_result=True)
def dispatch_notifications(as_of: str | None = None) -> int:
    """Run by beat every minute, and right after an immediate notification is scheduled.

    ``as_of`` (an ISO date-time) sends what is due by then instead of by now: tests use it
    to see what a later sweep would send.
    """
    return dispatch_due_notifications(now=parse_datetime(as_of) if as_of else None)
