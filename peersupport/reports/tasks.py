import datetime as dt

from celery import shared_task

from .actions import deliver_subscriptions, produce_report, produce_waiting_reports


@shared_task(ignore_result=True)
def produce_report_task(report_id: int) -> None:
    """Write an evaluation report's PDF and workbook."""
    produce_report(report_id=report_id)


@shared_task(ignore_result=True)
def produce_waiting_reports_task() -> int:
    """Run by beat: write the reports whose task the broker lost."""
    return produce_waiting_reports()


@shared_task(ignore_result=True)
def deliver_report_subscriptions_task(today: str | None = None) -> int:
    """Run by beat each morning: ask for the reports of the periods that have ended.
    ``today`` (ISO date) runs it as on another day."""
    return deliver_subscriptions(today=dt.date.fromisoformat(today) if today else None)
