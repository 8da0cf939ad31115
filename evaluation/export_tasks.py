"""The research export's Celery task. Celery discovers only ``tasks`` modules: the app
config imports this one in ``ready()`` so the worker knows the task."""

from celery import shared_task


@shared_task(ignore_result=True)
def produce_export_task(export_id: int) -> None:
    """Write a research export's files."""
    # Imported here: ready() imports this module in every process, the writers only run here.
    from .actions.exports import produce_export

    produce_export(export_id=export_id)
