from celery import shared_task

from .actions import schedule_course_day_reminders


@shared_task(ignore_result=True)
def schedule_course_day_reminders_task() -> int:
    """Run by beat: tomorrow's course-day reminders into the outbox (idempotent)."""
    return schedule_course_day_reminders()
