"""The research export's Celery tasks. Celery discovers only ``tasks`` modules: the app
config imports this one in ``ready()`` so the worker knows them."""

from celery import shared_task


@shared_task(ignore_result=True)
def produce_export_task(export_id: int) -> None:
    """Write a research export's files."""
    # Imported here: ready() imports this module in every process, the writers only run here.
    from .actions.exports import produce_export

    produce_export(export_id=export_id)


@shared_task(ignore_result=True)
def produce_waiting_exports_task() -> int:
    """Run by beat: write the exports whose task the broker lost."""
    from .actions.exports import produce_waiting_exports

    return produce_waiting_exports()
