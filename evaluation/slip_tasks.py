"""The Celery task that writes a batch of slips as a PDF.

Twenty-five pages of slips take WeasyPrint some 15 seconds, far too long for a request, so
every batch's PDF is written here and the batch page shows progress until it is ready.
Celery discovers only ``tasks`` modules: ``actions.slips`` imports this one, so the task
is known wherever slips can be printed.
"""

from celery import shared_task


@shared_task(ignore_result=True)
def write_slips_pdf_task(batch_id: int) -> None:
    """Write a slip batch's PDF."""
    # Imported here: this module is imported with the actions, the renderer runs only here.
    from .actions.slips import write_slips_pdf

    write_slips_pdf(batch_id=batch_id)
