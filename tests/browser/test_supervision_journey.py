"""The supervision journey in the browser: a coordinator sets up a group and plans its
sessions, the supervisor records attendance and keeps a private note, the cadence grid
shows who falls short and why, and the peer supporter sees the session but never the note.
"""

import datetime as dt
import re

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditAction, AuditEvent
from programmes.schedule import is_public_holiday
from supervision.actions import series_dates
from supervision.cadence import REASONS
from supervision.models import (
    AttendanceStatus,
    SessionAttendance,
    SupervisionSession,
    Supervisor,
)
from tests.factories import person_with_role, ready_workplace
from tests.supervision.state import placed_peer

from .auth import submit_reauthentication
from .axe import assert_accessible

PHONE = {"width": 360, "height": 740}
NOTE = "Gruppen pratade länge om gränser; följ upp Bos trötthet nästa gång."


def submit(page: Page) -> None:
    page.locator("main form[method='post'] [type='submit']").last.click()


def start_time_already_passed() -> dt.time:
    """A time earlier today, so today's session has begun whenever the test runs."""
    now = timezone.localtime()
    earlier = now - dt.timedelta(hours=1)
    if earlier.date() != now.date():
        return dt.time(0, 0)
    return dt.time(earlier.hour, earlier.minute - earlier.minute % 15)


def test_group_planned_attendance_recorded_cadence_short_and_note_private(
    page_for, stockholm, coordinator, supervisor, other_supervisor, unit_manager
):
    today = timezone.localdate()
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    peers = [
        person_with_role(Role.PEER_SUPPORTER, stockholm, full_name=name)
        for name in ("Ali Ahmed", "Bo Berg", "Cia Ceder", "Dan Dal")
    ]
    members = [
        placed_peer(coordinator, unit_manager, workplace, user, start_date=today) for user in peers
    ]
    present, absent, excused, also_present = members

    # The coordinator registers the supervisor as experience-based…
    coordinator_page = page_for(coordinator)
    coordinator_page.goto(
        reverse("supervision:supervisor_list") + f"?user={supervisor.pk}&region={stockholm.pk}"
    )
    coordinator_page.locator("#id_experience_based").check()
    submit(coordinator_page)
    expect(
        coordinator_page.locator(f"#supervisor-table tr[data-user='{supervisor.pk}']")
    ).to_have_attribute("data-registered", "true")

    # …creates a group of four with them…
    coordinator_page.goto(reverse("supervision:group_create"))
    coordinator_page.locator("#id_name").fill("Tisdagsgruppen")
    coordinator_page.locator("#id_kind").select_option("group")
    registered = Supervisor.objects.get(user=supervisor, region=stockholm)
    assert registered.experience_based
    coordinator_page.locator("#id_supervisor").select_option(str(registered.pk))
    for member in members:
        coordinator_page.locator(f"input[name='members'][value='{member.pk}']").check()
    coordinator_page.locator("#id_place").fill("Folkets hus, rum 3")
    submit(coordinator_page)
    expect(coordinator_page).to_have_url(re.compile(r"/supervision/groups/\d+/$"))
    assert_accessible(coordinator_page)

    # …and plans a session every other week for three months, from today.
    coordinator_page.locator("main a[href$='/plan/']").first.click()
    until = today + relativedelta(months=3)
    start = start_time_already_passed()
    skip_holidays = not is_public_holiday(today)
    coordinator_page.locator("#id_first_date").fill(today.isoformat())
    coordinator_page.locator("#id_until").fill(until.isoformat())
    coordinator_page.locator("#id_start_time").fill(start.strftime("%H:%M"))
    coordinator_page.locator("#id_interval_weeks").select_option("2")
    coordinator_page.locator("#id_duration_minutes").fill("90")
    coordinator_page.locator("#id_skip_holidays").set_checked(skip_holidays)
    submit(coordinator_page)
    expect(coordinator_page.locator("main .alert-success")).to_be_visible()
    expected_dates = series_dates(
        first=today, until=until, interval_weeks=2, skip_holidays=skip_holidays
    )
    sessions = list(SupervisionSession.objects.order_by("starts_at"))
    assert [timezone.localtime(s.starts_at).date() for s in sessions] == expected_dates
    assert all(s.attendances.count() == 4 for s in sessions)
    todays = sessions[0]

    # The supervisor finds today's session on their home page, still without attendance,
    # and records it: one absent, one excused with a reason, two present.
    supervisor_page = page_for(supervisor)
    supervisor_page.goto(reverse("supervision:supervisor_home"))
    supervisor_page.locator(f"[data-session='{todays.pk}'] a[href$='/attendance/']").first.click()
    expect(supervisor_page).to_have_url(
        re.compile(rf"/supervision/sessions/{todays.pk}/attendance/$")
    )
    choices = {
        present: AttendanceStatus.PRESENT,
        absent: AttendanceStatus.ABSENT,
        excused: AttendanceStatus.EXCUSED,
        also_present: AttendanceStatus.PRESENT,
    }
    for member, status in choices.items():
        supervisor_page.locator(
            f"input[name='status_{member.pk}'][value='{status}'] + label"
        ).click()
    supervisor_page.locator("input[name='themes'][value='role_boundaries']").check()
    # An excused absence without a reason is refused next to the field, nothing lost.
    submit(supervisor_page)
    expect(supervisor_page.locator(f"#id_reason_{excused.pk}")).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(
        supervisor_page.locator(f"input[name='status_{absent.pk}'][value='absent']")
    ).to_be_checked()
    expect(supervisor_page.locator("input[name='themes'][value='role_boundaries']")).to_be_checked()
    supervisor_page.locator(f"#id_reason_{excused.pk}").fill("Sjuk")
    assert_accessible(supervisor_page)
    submit(supervisor_page)
    expect(supervisor_page).to_have_url(re.compile(rf"/supervision/sessions/{todays.pk}/$"))
    recorded = dict(
        SessionAttendance.objects.filter(session=todays).values_list("participant_id", "status")
    )
    assert recorded == {member.pk: status for member, status in choices.items()}

    # The supervisor keeps a private note, after typing the password again; reading it
    # back is audit-logged.
    supervisor_page.locator("#private-note-link").click()
    submit_reauthentication(supervisor_page)
    supervisor_page.locator("#id_text").fill(NOTE)
    submit(supervisor_page)
    supervisor_page.goto(reverse("supervision:session_note", args=[todays.pk]))
    expect(supervisor_page.locator("#id_text")).to_have_value(NOTE)
    reads = AuditEvent.objects.filter(
        action=AuditAction.READ, object_type="supervision.supervisornote", actor=supervisor
    )
    assert reads.exists()
    assert {event.object_id for event in reads} == {str(todays.notes.get().pk)}

    # The cadence grid shows the absent and the excused peer supporters short this month,
    # each with the reason.
    coordinator_page.goto(reverse("supervision:cadence"))
    this_month = today.strftime("%Y-%m")
    for member, reason in ((absent, "absent"), (excused, "excused")):
        cell = coordinator_page.locator(
            f"#cadence-table tr[data-participant='{member.pk}'] td[data-month='{this_month}']"
        )
        expect(cell).to_have_attribute("data-state", "short")
        expect(cell).to_contain_text(str(REASONS[reason]))
        expect(
            coordinator_page.locator(f"#short-list [data-participant='{member.pk}']")
        ).to_contain_text(str(REASONS[reason]))
    expect(coordinator_page.locator("main")).not_to_contain_text(NOTE)
    assert_accessible(coordinator_page)

    # The absent peer supporter sees the session on their phone, but never the note.
    peer_page = page_for(peers[1], viewport=PHONE)
    peer_page.goto(reverse("supervision:session_list"))
    expect(peer_page.locator(f"[data-session='{todays.pk}']").first).to_be_visible()
    assert peer_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(peer_page)
    peer_page.locator(f"[data-session='{todays.pk}'] a[href$='/{todays.pk}/']").first.click()
    expect(peer_page).to_have_url(re.compile(rf"/supervision/sessions/{todays.pk}/$"))
    expect(peer_page.locator("main")).to_contain_text("Tisdagsgruppen")
    expect(peer_page.locator("main")).not_to_contain_text(NOTE)
    expect(peer_page.locator("#private-note-link")).to_have_count(0)
    note_url = reverse("supervision:session_note", args=[todays.pk])
    assert peer_page.goto(note_url).status == 403

    # Another supervisor of the region cannot open the note either (asked for the password
    # first, like anyone opening a note page, then refused).
    other_page = page_for(other_supervisor)
    other_page.goto(note_url)
    submit_reauthentication(other_page)
    assert other_page.goto(note_url).status == 404
    expect(other_page.locator("main")).not_to_contain_text(NOTE)
    assert (
        not AuditEvent.objects.filter(
            action=AuditAction.READ, object_type="supervision.supervisornote"
        )
        .exclude(actor=supervisor)
        .exists()
    )
