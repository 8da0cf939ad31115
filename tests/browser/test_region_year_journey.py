"""A year in a region without the Django admin, in the browser on a 360 px phone: the
coordinator imports the region's people and workplaces (after the preview refused a broken
file), corrects a workplace and a placement, cancels an event and its invitees are told; a
placement ends on its end date by itself; the to-do page lists each kind of task and
empties as they are done; a message to a supervision group reaches its members through
the real worker; a peer supporter reports an incident and the coordinator follows it up.
Every new page the journey opens passes axe-core at 360 px."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from evaluation.models import InvitationStatus
from peersupport.accounts import actions as account_actions
from peersupport.accounts.models import Role
from peersupport.golive.models import PendingImport
from peersupport.messaging.models import Message
from peersupport.notifications.models import Notification
from peersupport.notifications.tasks import dispatch_notifications
from programmes import actions as programme_actions
from programmes.models import Participant, ParticipantStatus
from supervision import actions as supervision_actions
from tests.celery_worker import celery_worker_process  # noqa: F401
from tests.factories import (
    active_placement,
    certified_participant,
    person_with_role,
    ready_workplace,
)
from tests.golive.files import broken_people_xlsx, people_xlsx, workplaces_xlsx
from tests.supervision.state import placed_peer, supervision_group
from tests.todo.state import (
    confirm_budget,
    invitation_not_accepted,
    placed_since,
    proposed_placement,
    trainees_at_risk,
    waves_under_target,
)
from workplaces.actions import end_placements_past_end_date
from workplaces.models import Incident, IncidentStatus, PlacementStatus, Workplace

from .axe import assert_accessible

PHONE = {"width": 360, "height": 740}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def on_phone(page_for, user) -> Page:
    return page_for(user, viewport=PHONE)


def fits_the_phone(page: Page) -> None:
    """No sideways scrolling at 360 px, and no serious or critical axe-core violation."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    assert_accessible(page)


def submit(page: Page) -> None:
    """Send the page's form (the last one in the main content)."""
    page.locator("main form[method='post'] [type='submit']").last.click()


def upload(page: Page, *, kind: str, region, name: str, data: bytes) -> None:
    """Upload a spreadsheet on the import page and wait for its preview."""
    page.goto(reverse("golive:import_upload"))
    page.locator("select[name='kind']").select_option(kind)
    page.locator("select[name='region']").select_option(str(region.pk))
    page.locator("input[name='file']").set_input_files(
        files=[{"name": name, "mimeType": XLSX, "buffer": data}]
    )
    page.locator("main form[enctype='multipart/form-data'] [type='submit']").click()
    expect(page).to_have_url(re.compile(r"/import/\d+/$"))


def confirm_import(page: Page) -> None:
    page.locator("main form[action$='/confirm/'] [type='submit']").click()
    expect(page).to_have_url(re.compile(r"/import/$"))
    expect(page.locator(".alert-success").first).to_be_visible()


def test_go_live_import_after_a_broken_file_is_refused(page_for, coordinator, stockholm):
    """The preview of a file with three bad rows marks them and offers no import, so
    nothing is saved; the region's 20 peer supporters and 5 workplaces then import, and
    importing the people again creates no one twice."""
    page = on_phone(page_for, coordinator)
    page.goto(reverse("golive:import_upload"))
    fits_the_phone(page)

    upload(
        page,
        kind="peer_supporters",
        region=stockholm,
        name="peer-trasig.xlsx",
        data=broken_people_xlsx(stockholm),
    )
    expect(page.locator("main .alert-danger")).to_be_visible()
    expect(page.locator("main tr.table-danger")).to_have_count(3)
    expect(page.locator("main form[action$='/confirm/']")).to_have_count(0)
    fits_the_phone(page)
    assert not Participant.objects.exists()
    page.locator("main form[action$='/cancel/'] [type='submit']").click()
    expect(page).to_have_url(re.compile(r"/import/$"))
    assert not PendingImport.objects.exists()

    upload(
        page,
        kind="peer_supporters",
        region=stockholm,
        name="peer.xlsx",
        data=people_xlsx(stockholm),
    )
    expect(page.locator("main tr.table-danger")).to_have_count(0)
    confirm_import(page)
    assert (
        Participant.objects.filter(region=stockholm, status=ParticipantStatus.CERTIFIED).count()
        == 20
    )

    upload(
        page,
        kind="workplaces",
        region=stockholm,
        name="enheter.xlsx",
        data=workplaces_xlsx(stockholm),
    )
    confirm_import(page)
    assert Workplace.objects.filter(organisation__region=stockholm).count() == 5

    # The same people once more: every row is unchanged, so there is nothing to import.
    upload(
        page,
        kind="peer_supporters",
        region=stockholm,
        name="peer.xlsx",
        data=people_xlsx(stockholm),
    )
    expect(page.locator("main form[action$='/confirm/']")).to_have_count(0)
    assert Participant.objects.count() == 20


def test_corrections_a_cancelled_event_and_a_placement_that_ends_by_itself(
    page_for, coordinator, unit_manager, peer_supporter, stockholm, mailoutbox
):
    """The coordinator corrects a workplace (its address, and a second unit manager) and a
    placement (hours that with the person's other placement pass full time are refused
    next to the field; then fewer hours and an earlier end); cancels a reunion and the
    invited peer supporter gets the e-mail; the day after the corrected end date the daily
    task ends the placement as of that date, and both sides are told."""
    today = timezone.localdate()
    workplace = ready_workplace(coordinator, stockholm, name="Enhet 1", managers=[unit_manager])
    new_manager = person_with_role(Role.UNIT_MANAGER, stockholm, full_name="Nils Nyansvarig")
    participant = certified_participant(stockholm, peer_supporter)
    placement = active_placement(
        coordinator,
        unit_manager,
        workplace,
        participant,
        start_date=today - relativedelta(months=2),
        end_date=today + relativedelta(months=10),
    )
    # Twenty hours a week elsewhere as well: together within full time (40).
    active_placement(
        coordinator,
        unit_manager,
        ready_workplace(coordinator, stockholm, name="Enhet 2", managers=[unit_manager]),
        participant,
    )
    page = on_phone(page_for, coordinator)

    page.goto(reverse("workplaces:workplace_detail", args=[workplace.pk]))
    page.locator(
        f"main a[href='{reverse('workplaces:workplace_edit', args=[workplace.pk])}']"
    ).first.click()
    fits_the_phone(page)
    page.locator("input[name='address']").fill("Sveavägen 1")
    page.locator(f"input[name='managers'][value='{new_manager.pk}']").check()
    submit(page)
    expect(page).to_have_url(re.compile(rf"/workplaces/{workplace.pk}/$"))
    workplace.refresh_from_db()
    assert workplace.address == "Sveavägen 1"
    assert set(workplace.managers.all()) == {unit_manager, new_manager}

    page.goto(reverse("workplaces:placement_detail", args=[placement.pk]))
    edit = reverse("workplaces:placement_edit", args=[placement.pk])
    page.locator(f"main a[href='{edit}']").first.click()
    fits_the_phone(page)
    page.locator("input[name='hours_per_week']").fill("30")
    submit(page)
    expect(page.locator("#id_hours_per_week.is-invalid")).to_be_visible()
    fits_the_phone(page)
    end = today + dt.timedelta(days=10)
    page.locator("input[name='hours_per_week']").fill("15")
    page.locator("input[name='end_date']").fill(end.isoformat())
    submit(page)
    expect(page).to_have_url(re.compile(rf"/placements/{placement.pk}/$"))
    placement.refresh_from_db()
    assert (placement.hours_per_week, placement.end_date) == (Decimal("15"), end)

    # A reunion for the region's alumni, the peer supporter among them, is cancelled.
    event = programme_actions.create_event(
        actor=coordinator,
        region=stockholm,
        kind="reunion",
        title="Vårens återträff",
        starts_at=timezone.now() + dt.timedelta(days=30),
        ends_at=timezone.now() + dt.timedelta(days=30, hours=3),
    )
    programme_actions.invite_alumni(actor=coordinator, event=event)
    page.goto(reverse("programmes:event_detail", args=[event.pk]))
    page.locator("#event-cancel-link").click()
    fits_the_phone(page)
    page.locator("textarea[name='reason']").fill("Lokalen är inte längre ledig.")
    submit(page)
    expect(page.locator("#event-cancelled")).to_be_visible()
    fits_the_phone(page)
    dispatch_notifications()
    assert [message.to for message in mailoutbox] == [[peer_supporter.email]]
    assert "Vårens återträff" in mailoutbox[0].subject + mailoutbox[0].body
    mailoutbox.clear()

    # Beat runs the daily task; nothing ends on the end date itself, the day after it does.
    assert "workplaces.tasks.end_placements_past_end_date_task" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert end_placements_past_end_date(today=end) == 0
    assert end_placements_past_end_date(today=end + dt.timedelta(days=1)) == 1
    placement.refresh_from_db()
    assert (placement.status, placement.end_date) == (PlacementStatus.ENDED, end)
    dispatch_notifications()
    assert sorted(address for message in mailoutbox for address in message.to) == sorted(
        [peer_supporter.email, unit_manager.email, new_manager.email]
    )


# The coordinator's kinds of task on the to-do page.
COORDINATOR_TASKS = (
    "placements_awaiting_agreement",
    "followups_overdue",
    "trainees_at_risk",
    "supervision_shortfalls",
    "invitations_not_accepted",
    "readiness_lapsing",
    "response_rates_under_target",
)


def open_task(page: Page, kind: str) -> None:
    """Follow the first line of a kind of task on the to-do page to where it is done."""
    page.goto("/")
    page.locator(f"[data-todo='{kind}'] li a").first.click()


def test_the_to_do_page_lists_each_kind_of_task_and_empties_as_they_are_done(
    page_for, coordinator, unit_manager, supervisor, stockholm
):
    """The coordinator's home lists a task of every kind; agreeing the placement, answering
    the overdue follow-up and confirming the next budget are done from its links; the
    trainee leaves, supervision is held, the invitee accepts and the wave reaches its
    target; then the page says there is nothing to do."""
    today = timezone.localdate()
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    proposed = proposed_placement(coordinator, workplace, "Petra Föreslagen")
    placed = placed_since(coordinator, unit_manager, workplace, "Olle Placerad")
    _cohort, (at_risk,) = trainees_at_risk(coordinator, stockholm, 1)
    _study, (wave,) = waves_under_target(stockholm, 1)
    invited = invitation_not_accepted(coordinator, stockholm, "Nora Inbjuden")
    confirm_budget(coordinator, workplace, ends_in_days=30)

    page = on_phone(page_for, coordinator)
    page.goto("/")
    for kind in COORDINATOR_TASKS:
        expect(page.locator(f"[data-todo='{kind}'] li a").first).to_be_visible()
    fits_the_phone(page)

    open_task(page, "placements_awaiting_agreement")
    expect(page).to_have_url(re.compile(rf"/placements/{proposed.pk}/$"))
    page.locator("main form[action$='/agree/'] [type='submit']").click()
    proposed.refresh_from_db()
    assert proposed.coordinator_agreed_at is not None

    open_task(page, "followups_overdue")
    expect(page).to_have_url(re.compile(r"/reviews/\d+/"))
    for question in ("role_works", "role_clarity", "staff_attitudes"):
        page.locator(f"input[name='{question}'][value='4']").check()
    submit(page)
    expect(page).not_to_have_url(re.compile(r"/reviews/\d+/"))

    open_task(page, "readiness_lapsing")
    expect(page).to_have_url(re.compile(r"/readiness/budget/"))
    page.locator("input[name='fte']").fill("1.0")
    page.locator("input[name='period_start']").fill(today.isoformat())
    page.locator("input[name='period_end']").fill((today + relativedelta(years=1)).isoformat())
    submit(page)
    expect(page).to_have_url(re.compile(rf"/workplaces/{workplace.pk}/$"))

    # The rest is done elsewhere: the trainee at risk leaves the course, the peer
    # supporter attends two supervision sessions this month, the invitee chooses a
    # password and the wave's last respondents answer.
    programme_actions.withdraw(actor=coordinator, enrolment=at_risk, reason="Flyttar")
    group = supervision_group(coordinator, supervisor, [placed.participant])
    for minute in (0, 1):
        (session,) = supervision_actions.plan_series(
            actor=coordinator,
            group=group,
            first_date=today,
            until=today,
            start_time=dt.time(0, minute),
            skip_holidays=False,
        )
        supervision_actions.record_attendance(
            actor=coordinator, session=session, statuses={placed.participant.pk: ("present", "")}
        )
    account_actions.accept_invitation(user=invited, password="Ett långt lösenord 2027!")
    wave.invitations.filter(status=InvitationStatus.PENDING).update(
        status=InvitationStatus.COMPLETED
    )

    page.goto("/")
    expect(page.locator("[data-todo-empty]")).to_be_visible()
    for kind in COORDINATOR_TASKS:
        expect(page.locator(f"[data-todo='{kind}'] li a")).to_have_count(0)
    fits_the_phone(page)


@pytest.mark.worker
def test_a_message_to_a_supervision_group_reaches_its_members_through_the_worker(
    page_for,
    celery_worker_process,  # noqa: F811
    coordinator,
    supervisor,
    unit_manager,
    peer_supporter,
    stockholm,
):
    """The supervisor writes to their group on the phone; the real worker sends the
    e-mail to each member, also to the one without an account (at the address the
    programme has), never to the supervisor; the member reads the copy in the app."""
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    with_account = placed_peer(coordinator, unit_manager, workplace, peer_supporter)
    without_account = placed_peer(coordinator, unit_manager, workplace, name="Vera Utankonto")
    group = supervision_group(coordinator, supervisor, [with_account, without_account])

    page = on_phone(page_for, supervisor)
    page.goto(reverse("messaging:message_inbox"))
    fits_the_phone(page)
    page.locator(f"main a[href='{reverse('messaging:message_groups')}']").first.click()
    fits_the_phone(page)
    write = reverse("messaging:message_write", args=["supervision_group", group.pk])
    page.locator(f"main a[href='{write}']").click()
    fits_the_phone(page)
    page.locator("input[name='subject']").fill("Flyttad handledning")
    page.locator("textarea[name='body']").fill(
        "Nästa träff hålls i det stora rummet på tredje våningen. Välkomna!"
    )
    submit(page)
    expect(page).to_have_url(re.compile(r"/messages/\d+/$"))
    fits_the_phone(page)
    message = Message.objects.get()

    celery_worker_process.wait_for_task(celery_worker_process.send(dispatch_notifications))
    sent = celery_worker_process.sent_mail()
    assert sorted(m["To"] for m in sent) == sorted([peer_supporter.email, without_account.email])
    assert all("Flyttad handledning" in m["Subject"] for m in sent)

    member = on_phone(page_for, peer_supporter)
    member.goto(reverse("messaging:message_inbox"))
    fits_the_phone(member)
    member.locator(
        f"main a[href='{reverse('messaging:message_detail', args=[message.pk])}']"
    ).click()
    expect(member.locator("main")).to_contain_text("tredje våningen")


def test_a_peer_supporter_reports_an_incident_and_the_coordinator_follows_it_up(
    page_for, coordinator, peer_supporter, unit_manager, stockholm
):
    """On the phone the peer supporter reports a threat at their workplace and shares it
    with its managers; the coordinator is told at once, finds it among the region's open
    incidents, notes what was done and closes it; the reporter reads the follow-up."""
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    placed_peer(coordinator, unit_manager, workplace, peer_supporter)

    peer = on_phone(page_for, peer_supporter)
    peer.goto(reverse("workplaces:my_incidents"))
    fits_the_phone(peer)
    peer.locator(f"main a[href='{reverse('workplaces:incident_create')}']").first.click()
    expect(peer).to_have_url(re.compile(r"/incidents/new/$"))
    fits_the_phone(peer)
    peer.locator("input[name='kind'][value='threat_or_violence']").check()
    peer.locator("select[name='workplace']").select_option(str(workplace.pk))
    peer.locator("textarea[name='description']").fill("En besökare blev hotfull i korridoren.")
    peer.locator("textarea[name='actions_taken']").fill("Personalen larmades och kom direkt.")
    peer.locator("input[name='shared_with_managers']").check()
    peer.locator("main form [type='submit']").last.click()
    expect(peer).to_have_url(re.compile(r"/incidents/\d+/$"))
    fits_the_phone(peer)
    incident = Incident.objects.get()
    assert (incident.reported_by, incident.workplace) == (peer_supporter, workplace)
    assert Notification.objects.filter(
        recipient=coordinator, kind="incident_reported", subject_id=incident.pk
    ).exists()

    office = on_phone(page_for, coordinator)
    office.goto(reverse("workplaces:incident_list"))
    fits_the_phone(office)
    office.locator(
        f"main a[href='{reverse('workplaces:incident_detail', args=[incident.pk])}']"
    ).click()
    office.locator("textarea[name='note']").fill("Pratat med enhetschefen; larmrutinen ses över.")
    office.locator("input[name='status'][value='closed']").check()
    office.locator("main form[action$='/follow-up/'] [type='submit']").click()
    expect(office.locator("#follow-ups")).to_contain_text("larmrutinen ses över")
    fits_the_phone(office)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED

    peer.reload()
    expect(peer.locator("#follow-ups")).to_contain_text("larmrutinen ses över")
