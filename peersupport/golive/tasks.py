from celery import shared_task

from .actions import forget_stale_imports


@shared_task(ignore_result=True)
def forget_stale_imports_task() -> int:
    """Run by beat every hour: delete uploaded files left unconfirmed past their lifetime."""
    return forget_stale_imports()
