"""Supervision through the outbox: a reminder the day before each session, and a monthly
summary to the coordinators of who fell short of supervision."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from peersupport.accounts.models import Role
from peersupport.notifications.actions import render_notification
from peersupport.notifications.models import Notification
from peersupport.notifications.tasks import dispatch_notifications
from programmes.actions import REMINDER_TIME
from supervision import actions
from supervision.cadence import REASONS
from supervision.models import ArrangementKind, AttendanceStatus
from supervision.notifications import SUPERVISION_REMINDER, SUPERVISION_SHORTFALL
from supervision.tasks import schedule_shortfall_summaries_task, schedule_supervision_reminders_task
from tests.celery_worker import celery_worker_process  # noqa: F401
from tests.factories import person_with_role, ready_workplace

from .state import placed_peer, supervision_group

SESSION_TIME = dt.time(14, 0)


def _body(message) -> str:
    return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")


@pytest.fixture
def workplace(coordinator, unit_manager, stockholm):
    return ready_workplace(coordinator, stockholm, managers=[unit_manager])


@pytest.fixture
def peer_with_account(coordinator, unit_manager, workplace, stockholm):
    """A placed peer supporter with a login of their own."""

    def make(name: str, start_date: dt.date | None = None):
        user = person_with_role(Role.PEER_SUPPORTER, stockholm, full_name=name)
        return placed_peer(
            coordinator, unit_manager, workplace, user, name=name, start_date=start_date
        )

    return make


def session_on(actor, group, day: dt.date, at: dt.time = SESSION_TIME):
    (session,) = actions.plan_series(
        actor=actor, group=group, first_date=day, until=day, start_time=at, skip_holidays=False
    )
    return session


def reminders():
    return Notification.objects.filter(kind=SUPERVISION_REMINDER.key)


def bring_forward_due_reminders() -> None:
    """Reminders are due at nine the morning before; before nine, send them now."""
    Notification.objects.filter(due_at__gt=timezone.now()).update(due_at=timezone.now())


def send_twice(worker, task) -> None:
    """A task delivered twice (beat and a duplicate delivery): it must not double up."""
    first = worker.send(task)
    second = worker.send(task)
    worker.wait_for_task(first)
    worker.wait_for_task(second)


# The day before each session ------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_one_reminder_per_participant_of_tomorrows_session(
    celery_worker_process,  # noqa: F811
    coordinator,
    supervisor,
    other_supervisor,
    peer_with_account,
):
    """Scheduling twice and dispatching twice through a real worker: each of the three
    members gets exactly one e-mail about tomorrow's session, with the group, the local
    time, the place and a link to the session; nothing about another group's cancelled
    session tomorrow, nor about the session the day after."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    members = [peer_with_account(name) for name in ("Alva Ask", "Bo Björk", "Cilla Cedersund")]
    group = supervision_group(
        coordinator, supervisor, members, name="Onsdagsgruppen", place="Rum Lärkan, Gamla stan"
    )
    planned = session_on(supervisor, group, tomorrow)
    session_on(supervisor, group, tomorrow + dt.timedelta(days=1))
    loner = peer_with_account("Dan Dahl")
    other_group = supervision_group(
        coordinator,
        other_supervisor,
        [loner],
        name="Dan enskilt",
        kind=ArrangementKind.INDIVIDUAL,
        video_link="https://meet.example.org/dan",
    )
    cancelled = session_on(other_supervisor, other_group, tomorrow, dt.time(10, 0))
    actions.cancel_session(actor=other_supervisor, session=cancelled, reason="Handledaren är sjuk")
    scheduled_from = timezone.now()

    send_twice(celery_worker_process, schedule_supervision_reminders_task)

    assert sorted(reminders().values_list("recipient_id", flat=True)) == sorted(
        member.user_id for member in members
    )
    assert {n.subject for n in reminders()} == {planned}
    morning_before = timezone.make_aware(dt.datetime.combine(timezone.localdate(), REMINDER_TIME))
    for reminder in reminders():
        assert reminder.due_at == morning_before or scheduled_from <= reminder.due_at
    bring_forward_due_reminders()

    send_twice(celery_worker_process, dispatch_notifications)

    mail = celery_worker_process.sent_mail()
    assert sorted(message["To"] for message in mail) == sorted(m.user.email for m in members)
    for message in mail:
        body = _body(message)
        assert "Onsdagsgruppen" in message["Subject"]
        assert "Onsdagsgruppen" in body
        assert "14:00" in body
        assert "Rum Lärkan, Gamla stan" in body
        assert reverse("supervision:session_detail", args=[planned.pk]) in body
    assert not reminders().filter(sent_at__isnull=True).exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_cancelled_session_is_not_reminded_of_and_a_moved_one_at_its_new_time(
    celery_worker_process,  # noqa: F811
    coordinator,
    supervisor,
    peer_with_account,
):
    """Reminders already in the outbox: cancelling a session withdraws its reminder;
    moving one withdraws the reminder of the old time, and the next run reminds of the
    new time (once)."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    ada, bert = peer_with_account("Ada Al"), peer_with_account("Bert Bok")
    staying = supervision_group(coordinator, supervisor, [ada], name="Gruppen som flyttar")
    stopping = supervision_group(coordinator, supervisor, [bert], name="Gruppen som ställs in")
    moved = session_on(supervisor, staying, tomorrow, dt.time(9, 0))
    cancelled = session_on(supervisor, stopping, tomorrow)
    celery_worker_process.wait_for_task(
        celery_worker_process.send(schedule_supervision_reminders_task)
    )
    assert reminders().count() == 2

    actions.cancel_session(actor=supervisor, session=cancelled, reason="Lokalen är upptagen")
    actions.reschedule_session(
        actor=supervisor,
        session=moved,
        starts_at=timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(15, 30))),
        duration_minutes=moved.duration_minutes,
        place="Rum Svalan",
    )
    assert not reminders().exists()

    send_twice(celery_worker_process, schedule_supervision_reminders_task)
    bring_forward_due_reminders()
    celery_worker_process.wait_for_task(celery_worker_process.send(dispatch_notifications))

    (message,) = celery_worker_process.sent_mail()
    assert message["To"] == ada.user.email
    assert "15:30" in _body(message)
    assert "Rum Svalan" in _body(message)
    (reminder,) = reminders()
    assert reminder.subject == moved
    assert reminder.sent_at is not None


@pytest.mark.django_db
def test_only_people_with_an_active_account_are_reminded_and_only_once(
    coordinator, supervisor, peer_with_account, unit_manager, workplace
):
    """A member without a login, or whose account is closed, gets no reminder; running
    the scheduler again schedules nothing new; another day's run finds nothing."""
    day = timezone.localdate() + dt.timedelta(days=10)
    with_account = peer_with_account("Eva Ek")
    closed = peer_with_account("Frans Fur")
    closed.user.is_active = False
    closed.user.save(update_fields=["is_active"])
    without_account = placed_peer(coordinator, unit_manager, workplace, name="Gun Utan")
    group = supervision_group(coordinator, supervisor, [with_account, closed, without_account])
    session_on(supervisor, group, day)

    assert actions.schedule_supervision_reminders(day=day + dt.timedelta(days=1)) == 0
    assert actions.schedule_supervision_reminders(day=day) == 1
    assert actions.schedule_supervision_reminders(day=day) == 0
    (reminder,) = reminders()
    assert reminder.recipient == with_account.user
    assert timezone.localtime(reminder.due_at) == timezone.make_aware(
        dt.datetime.combine(day - dt.timedelta(days=1), REMINDER_TIME)
    )


@pytest.mark.django_db
def test_a_member_who_leaves_the_group_loses_the_reminder_waiting_in_the_outbox(
    coordinator, supervisor, peer_with_account
):
    """Taken off the group after tomorrow's reminders were scheduled: their reminder is
    withdrawn, the others' stay."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    staying, leaving = peer_with_account("Hanna Hed"), peer_with_account("Ivar Is")
    group = supervision_group(coordinator, supervisor, [staying, leaving])
    session_on(supervisor, group, tomorrow)
    assert actions.schedule_supervision_reminders() == 2

    actions.update_group(actor=coordinator, group=group, members=[staying])

    assert list(reminders().values_list("recipient_id", flat=True)) == [staying.user_id]


@pytest.mark.django_db
def test_the_reminder_gives_the_video_link_in_the_recipients_language(
    coordinator, supervisor, peer_with_account
):
    """Rendered at send time in the recipient's language: an English-speaking peer
    supporter reads English, with the session's video link and the supervisor's name."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    member = peer_with_account("Jon Jay")
    member.user.language = "en"
    member.user.save(update_fields=["language"])
    group = supervision_group(
        coordinator,
        supervisor,
        [member],
        name="Jon individually",
        kind=ArrangementKind.INDIVIDUAL,
        video_link="https://meet.example.org/jon",
    )
    session = session_on(supervisor, group, tomorrow, dt.time(8, 15))
    actions.schedule_supervision_reminders()

    subject_line, body = render_notification(reminders().get())

    assert subject_line.startswith("Supervision tomorrow")
    assert "Jon individually" in subject_line
    assert "08:15–09:45" in body
    assert "https://meet.example.org/jon" in body
    assert supervisor.full_name in body
    assert reverse("supervision:session_detail", args=[session.pk]) in body


# The monthly summary of shortfalls -------------------------------------------------------


def last_month() -> dt.date:
    return timezone.localdate().replace(day=1) - relativedelta(months=1)


@pytest.fixture
def last_months_group(coordinator, supervisor, peer_with_account):
    """Two peer supporters placed since before last month, in a group that met twice then
    (on the 3rd and the 17th); no attendance recorded yet."""
    month = last_month()
    members = [
        peer_with_account(name, start_date=month - dt.timedelta(days=20))
        for name in ("Klara Kvist", "Leo Lund")
    ]
    group = supervision_group(coordinator, supervisor, members)
    actions.plan_series(
        actor=supervisor,
        group=group,
        first_date=month + dt.timedelta(days=2),
        until=month + dt.timedelta(days=16),
        start_time=SESSION_TIME,
        skip_holidays=False,
    )
    return group


def record(supervisor, group, statuses_per_session):
    """Record each of last month's sessions: {member: (status, reason)} per session."""
    sessions = group.sessions.order_by("starts_at")
    for session, statuses in zip(sessions, statuses_per_session, strict=True):
        actions.record_attendance(
            actor=supervisor,
            session=session,
            statuses={member.pk: value for member, value in statuses.items()},
        )


PRESENT = (AttendanceStatus.PRESENT, "")


def summaries():
    return Notification.objects.filter(kind=SUPERVISION_SHORTFALL.key)


@pytest.mark.django_db
def test_every_coordinator_of_the_region_gets_one_summary_a_month_when_someone_fell_short(
    coordinator, other_coordinator, stockholm, supervisor, last_months_group
):
    """Everyone attended twice: no summary. Corrected so that one fell short: each of the
    region's coordinators gets one summary about last month, and only once however often
    the scheduler runs; the other region's coordinator gets none."""
    second_coordinator = person_with_role(Role.COORDINATOR, stockholm)
    klara, leo = last_months_group.members.order_by("full_name")
    record(supervisor, last_months_group, [{klara: PRESENT, leo: PRESENT}] * 2)

    assert actions.schedule_shortfall_summaries() == 0

    record(
        supervisor,
        last_months_group,
        [{klara: PRESENT, leo: PRESENT}, {klara: PRESENT, leo: (AttendanceStatus.ABSENT, "")}],
    )
    scheduled_from = timezone.now()
    assert actions.schedule_shortfall_summaries() == 2
    assert actions.schedule_shortfall_summaries() == 0
    # Due at nine on the third, so the month's last sessions can be recorded first.
    third = timezone.make_aware(
        dt.datetime.combine(timezone.localdate().replace(day=3), dt.time(9, 0))
    )
    for summary in summaries():
        assert summary.due_at == third or third < scheduled_from <= summary.due_at
    assert actions.schedule_shortfall_summaries(month=last_month()) == 0

    assert sorted(summaries().values_list("recipient_id", flat=True)) == sorted(
        [coordinator.pk, second_coordinator.pk]
    )
    assert {(n.subject, n.occurrence) for n in summaries()} == {
        (stockholm, last_month().strftime("%Y-%m"))
    }


@pytest.mark.django_db
def test_the_summary_names_each_person_short_with_the_reason(
    coordinator, supervisor, last_months_group
):
    """The body names the month, each person who fell short with how often they came
    and why (absent, excused), and links to the cadence grid; someone who met the goal
    is not named."""
    klara, leo = last_months_group.members.order_by("full_name")
    record(
        supervisor,
        last_months_group,
        [
            {klara: PRESENT, leo: (AttendanceStatus.EXCUSED, "Sjuk")},
            {klara: PRESENT, leo: PRESENT},
        ],
    )
    actions.schedule_shortfall_summaries()

    subject_line, body = render_notification(summaries().get(recipient=coordinator))

    with translation.override(coordinator.language):
        month_name = date_format(last_month(), "F Y")
        excused = str(REASONS["excused"])
    assert month_name in subject_line
    assert "Leo Lund" in body
    assert f"{excused}: 1" in body
    assert "Klara Kvist" not in body
    assert reverse("supervision:cadence") in body


@pytest.mark.english
@pytest.mark.django_db
def test_the_summary_reads_in_english_with_the_month_name(
    coordinator, supervisor, last_months_group
):
    """In English: the month by name, the count attended of the goal, and a session
    that was cancelled shown as a reason alongside too few planned."""
    klara, leo = last_months_group.members.order_by("full_name")
    first, second = last_months_group.sessions.order_by("starts_at")
    actions.cancel_session(actor=supervisor, session=second, reason="Handledaren är sjuk")
    actions.record_attendance(
        actor=supervisor,
        session=first,
        statuses={klara.pk: PRESENT, leo.pk: (AttendanceStatus.ABSENT, "")},
    )
    actions.schedule_shortfall_summaries()

    subject_line, body = render_notification(summaries().get(recipient=coordinator))

    assert subject_line == f"Supervision shortfalls in {last_month():%B %Y}: Region Stockholm"
    assert "Klara Kvist: attended 1 of 2. Session cancelled: 1, Too few planned: 1 of 2." in (body)
    assert "Leo Lund: attended 0 of 2. Absent: 1, Session cancelled: 1" in body


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_summary_once_to_the_coordinator(
    celery_worker_process,  # noqa: F811
    coordinator,
    supervisor,
    last_months_group,
):
    """Beat's monthly task delivered twice, then the dispatcher: one e-mail, naming the
    person who fell short."""
    klara, leo = last_months_group.members.order_by("full_name")
    record(
        supervisor,
        last_months_group,
        [{klara: PRESENT, leo: PRESENT}, {klara: (AttendanceStatus.ABSENT, ""), leo: PRESENT}],
    )

    send_twice(celery_worker_process, schedule_shortfall_summaries_task)
    # Due on the third of the month: on the first two days, bring it forward.
    summaries().filter(due_at__gt=timezone.now()).update(due_at=timezone.now())
    celery_worker_process.wait_for_task(celery_worker_process.send(dispatch_notifications))

    (message,) = celery_worker_process.sent_mail()
    assert message["To"] == coordinator.email
    assert "Klara Kvist" in _body(message)
    assert "Leo Lund" not in _body(message)
    assert summaries().get().sent_at is not None
