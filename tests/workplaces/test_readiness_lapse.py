"""Readiness lapses when the budget period ends; 60 days before, the unit managers and the
region's coordinators are told, once per budget period."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from peersupport.notifications.actions import render_notification
from peersupport.notifications.models import Notification
from tests.factories import ready_workplace
from workplaces import actions, tasks
from workplaces.models import ReadinessItem, Workplace

pytestmark = [pytest.mark.django_db, pytest.mark.english]
TODAY = timezone.localdate()


@pytest.fixture
def workplace(coordinator, unit_manager, stockholm):
    """Ready, with a budget period that ends in 365 days."""
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


def budget_end(workplace):
    return workplace.readiness.get(item=ReadinessItem.BUDGET).period_end


def test_a_workplace_is_not_ready_once_its_budget_period_has_ended(
    workplace, coordinator, client_for
):
    """Ready on the last day of the budget period, not the day after, with the end named;
    the list's filter agrees."""
    end = budget_end(workplace)
    assert actions.readiness_missing(workplace, today=end) == []
    missing = actions.readiness_missing(workplace, today=end + dt.timedelta(days=1))
    assert len(missing) == 1 and "budget period ended" in missing[0]
    confirmation = workplace.readiness.get(item=ReadinessItem.BUDGET)
    confirmation.period_end = TODAY - dt.timedelta(days=1)
    confirmation.save()
    assert not actions.is_ready(workplace)
    response = client_for(coordinator).get(
        reverse("workplaces:workplace_list"), {"readiness": "not_ready"}
    )
    assert [w.pk for w in response.context["page"]] == [workplace.pk]
    page = client_for(coordinator).get(reverse("workplaces:workplace_detail", args=[workplace.pk]))
    assert "Budget period ended" in page.content.decode()


def test_confirming_a_new_budget_period_makes_it_ready_again(workplace, unit_manager):
    confirmation = workplace.readiness.get(item=ReadinessItem.BUDGET)
    confirmation.period_end = TODAY - dt.timedelta(days=1)
    confirmation.save()
    actions.confirm_readiness(
        actor=unit_manager,
        workplace=workplace,
        item=ReadinessItem.BUDGET,
        fte=Decimal("1"),
        period_start=TODAY,
        period_end=TODAY + dt.timedelta(days=365),
    )
    assert actions.is_ready(workplace)


def test_readiness_lapsing_lists_budgets_ending_within_the_window(
    workplace, coordinator, stockholm
):
    """``Workplace.objects.readiness_lapsing`` finds the workplace from 60 days before its
    budget ends until its last day, with ``budget_ends_on``; not a withdrawn budget."""
    end = budget_end(workplace)
    assert not Workplace.objects.readiness_lapsing(end - dt.timedelta(days=61)).exists()
    found = Workplace.objects.readiness_lapsing(end - dt.timedelta(days=60)).get()
    assert found.budget_ends_on == end
    assert Workplace.objects.readiness_lapsing(end).exists()
    assert not Workplace.objects.readiness_lapsing(end + dt.timedelta(days=1)).exists()
    assert Workplace.objects.readiness_lapsing(end - dt.timedelta(days=80), days=90).exists()
    actions.withdraw_readiness(
        actor=coordinator,
        confirmation=workplace.readiness.get(item=ReadinessItem.BUDGET),
        reason="Indragen",
    )
    assert not Workplace.objects.readiness_lapsing(end).exists()


def test_notice_60_days_before_to_managers_and_coordinators_once(
    workplace, coordinator, other_coordinator, unit_manager
):
    """The managers and the region's coordinators (not another region's) get one notice per
    budget period, however many days the task runs."""
    end = budget_end(workplace)
    assert actions.schedule_readiness_lapse_notices(today=end - dt.timedelta(days=61)) == 0
    assert actions.schedule_readiness_lapse_notices(today=end - dt.timedelta(days=60)) == 2
    assert actions.schedule_readiness_lapse_notices(today=end - dt.timedelta(days=59)) == 0
    notices = Notification.objects.filter(kind="readiness_lapsing")
    assert {n.recipient for n in notices} == {coordinator, unit_manager}
    subject, body = render_notification(notices.get(recipient=unit_manager))
    assert workplace.name in subject
    assert f"/workplaces/{workplace.pk}/" in body


def test_a_new_budget_period_gets_its_own_notice(workplace, unit_manager):
    end = budget_end(workplace)
    actions.schedule_readiness_lapse_notices(today=end - dt.timedelta(days=30))
    new_end = end + dt.timedelta(days=365)
    actions.confirm_readiness(
        actor=unit_manager,
        workplace=workplace,
        item=ReadinessItem.BUDGET,
        fte=Decimal("1"),
        period_start=end,
        period_end=new_end,
    )
    assert actions.schedule_readiness_lapse_notices(today=new_end - dt.timedelta(days=10)) == 2
    assert Notification.objects.filter(kind="readiness_lapsing").count() == 4


def test_the_beat_task_is_scheduled_daily(settings, workplace):
    schedule = settings.CELERY_BEAT_SCHEDULE["readiness-lapse-notices"]
    assert schedule["task"] == "workplaces.tasks.readiness_lapse_notices_task"
    assert tasks.readiness_lapse_notices_task() == 0
