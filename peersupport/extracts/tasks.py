from celery import shared_task

from .actions import produce_extract, produce_waiting_extracts


@shared_task(ignore_result=True)
def produce_extract_task(extract_id: int) -> None:
    """Write a register extract's PDF and JSON."""
    produce_extract(extract_id=extract_id)


@shared_task(ignore_result=True)
def produce_waiting_extracts_task() -> int:
    """Run by beat: write the extracts whose task the broker lost."""
    return produce_waiting_extracts()
