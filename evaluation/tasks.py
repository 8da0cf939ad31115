"""The evaluation's scheduled work."""

from __future__ import annotations

from celery import shared_task

from .actions.invitations import make_due_invitations


@shared_task(ignore_result=True)
def make_due_invitations_task() -> int:
    """Run by beat early every morning: waves counted in months from an event open on
    their day. Idempotent, so a missed or repeated run does no harm."""
    return make_due_invitations()
