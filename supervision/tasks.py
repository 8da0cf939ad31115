from celery import shared_task

from .actions import schedule_shortfall_summaries, schedule_supervision_reminders


@shared_task(ignore_result=True)
def schedule_supervision_reminders_task() -> int:
    """Run by beat: tomorrow's supervision reminders into the outbox (idempotent)."""
    return schedule_supervision_reminders()


@shared_task(ignore_result=True)
def schedule_shortfall_summaries_task() -> int:
    """Run by beat on the first of the month: last month's shortfalls to coordinators."""
    return schedule_shortfall_summaries()
