from celery import shared_task

from .actions import thin_due_records


@shared_task(ignore_result=True)
def thin_records_task() -> int:
    """Run by beat every night: thin out what is due; returns how many records changed."""
    return sum(run.count for run in thin_due_records())
