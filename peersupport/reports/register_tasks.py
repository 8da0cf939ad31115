from celery import shared_task

from .register_actions import produce_register_export, produce_waiting_register_exports


@shared_task(ignore_result=True)
def produce_register_export_task(export_id: int) -> None:
    """Write one of a region's register sheets."""
    produce_register_export(export_id=export_id)


@shared_task(ignore_result=True)
def produce_waiting_register_exports_task() -> int:
    """Run by beat: write the register sheets whose task the broker lost."""
    return produce_waiting_register_exports()
