from celery import shared_task

from .actions import (
    activate_due_placements,
    end_placements_past_end_date,
    schedule_readiness_lapse_notices,
    schedule_review_reminders,
)


@shared_task(ignore_result=True)
def placement_daily_task() -> int:
    """Run by beat: start agreed placements whose day has come, remind of due reviews."""
    activate_due_placements()
    return schedule_review_reminders()


@shared_task(ignore_result=True)
def schedule_review_reminders_task() -> int:
    return schedule_review_reminders()


@shared_task(ignore_result=True)
def end_placements_past_end_date_task() -> int:
    """Run by beat once a day: end active placements whose end date has passed."""
    return end_placements_past_end_date()


@shared_task(ignore_result=True)
def readiness_lapse_notices_task() -> int:
    """Run by beat once a day: notice of budget periods ending within 60 days."""
    return schedule_readiness_lapse_notices()
