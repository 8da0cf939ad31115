from celery import shared_task

from .actions import activate_due_placements, schedule_review_reminders


@shared_task(ignore_result=True)
def placement_daily_task() -> int:
    """Run by beat: start agreed placements whose day has come, remind of due reviews."""
    activate_due_placements()
    return schedule_review_reminders()


@shared_task(ignore_result=True)
def schedule_review_reminders_task() -> int:
    return schedule_review_reminders()
