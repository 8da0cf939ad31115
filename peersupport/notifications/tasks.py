from celery import shared_task

from .actions import dispatch_due_notifications


@shared_task(ignore_result=True)
def dispatch_notifications() -> int:
    """Run by beat every minute, and right after an immediate notification is scheduled."""
    return dispatch_due_notifications()
