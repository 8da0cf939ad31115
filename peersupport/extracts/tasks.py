from celery import shared_task

from .actions import produce_extract


@shared_task(ignore_result=True)
def produce_extract_task(extract_id: int) -> None:
    """Write a register extract's PDF and JSON."""
    produce_extract(extract_id=extract_id)
