"""The region's register sheets as spreadsheets: each sheet holds the region's own rows
as the coordinator's pages show them (read back with openpyxl), never another region's
and never what those pages hide; asking needs a fresh password, only the region's
coordinators and admins reach them, and asking and downloading are audit-logged."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditAction, AuditEvent
from peersupport.reports import registers
from peersupport.reports.actions import LOST_AFTER
from peersupport.reports.models import RegisterExport, ReportStatus
from peersupport.reports.register_actions import (
    STALLED_AFTER,
    produce_register_export,
    produce_waiting_register_exports,
    request_register_export,
)
from peersupport.reports.registers import get_register_sheet, register_sheets
from peersupport.retention.actions import thin_due_records
from programmes import actions as programme_actions
from supervision import actions as supervision_actions
from supervision.cadence import month_starts
from supervision.models import AttendanceStatus as SupervisionAttendance
from tests.factories import (
    active_placement,
    certified_participant,
    person_with_role,
    ready_workplace,
)
from tests.programmes.course_state import accepted_applicant, default_cohort, fill_attendance
from tests.supervision.state import supervision_group
from workplaces import actions as workplace_actions
from workplaces.models import SessionKind, Theme

pytestmark = [pytest.mark.django_db, pytest.mark.english]

TODAY = timezone.localdate()
LAST_MONTH, THIS_MONTH = month_starts(TODAY, 2)
SHEET_KEYS = ["participants", "cohorts", "placements", "support_sessions", "supervision_cadence"]


@pytest.fixture(autouse=True)
def _no_broker(settings):
    """Tests write the sheets themselves through the task's function: no worker."""
    settings.REPORTS_QUEUE_ON_REQUEST = False


@dataclass
class World:
    trainee: object
    cohort: object
    enrolment: object
    placed: object
    placement: object
    group: object


def _supervised(supervisor, group, day: dt.date, status: str, reason: str = ""):
    [session] = supervision_actions.plan_series(
        actor=supervisor,
        group=group,
        first_date=day,
        until=day,
        start_time=dt.time(10, 0),
        skip_holidays=False,
    )
    supervision_actions.record_attendance(
        actor=supervisor,
        session=session,
        statuses={member.pk: (status, reason) for member in group.members.all()},
    )


@pytest.fixture
def world(coordinator, unit_manager, supervisor, stockholm) -> World:
    """In Stockholm: a trainee in a cohort (absent on day 2, excused on day 3 "Sjuk",
    present the rest); a peer supporter placed since the first of last month, in a
    supervision group, present once and absent once last month (a private reason)."""
    trainee = accepted_applicant(coordinator, stockholm, "Tova Trainee")
    trainee.phone = "070-1234567"
    trainee.save(update_fields=["phone"])
    cohort = default_cohort(coordinator, stockholm, TODAY - dt.timedelta(days=60))
    enrolment = programme_actions.enrol(actor=coordinator, cohort=cohort, participant=trainee)
    fill_attendance(coordinator, enrolment, {2: "", 3: "Sjuk"})
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    placed = certified_participant(stockholm, name="Petra Placerad")
    placement = active_placement(
        coordinator, unit_manager, workplace, placed, start_date=LAST_MONTH
    )
    group = supervision_group(coordinator, supervisor, [placed])
    _supervised(supervisor, group, LAST_MONTH.replace(day=10), SupervisionAttendance.PRESENT)
    _supervised(
        supervisor, group, LAST_MONTH.replace(day=20), SupervisionAttendance.EXCUSED, "Migrän"
    )
    return World(trainee, cohort, enrolment, placed, placement, group)


@pytest.fixture
def elsewhere(other_coordinator, skane):
    """Skåne's own participant and placement, which a Stockholm sheet never holds."""
    manager = person_with_role(Role.UNIT_MANAGER, skane, full_name="Stina Chef")
    workplace = ready_workplace(
        other_coordinator, skane, name="Malmö öppenvård", managers=[manager]
    )
    person = certified_participant(skane, name="Sven Skåning")
    active_placement(other_coordinator, manager, workplace, person, start_date=LAST_MONTH)
    return person


def peer_with_sessions(coordinator, manager, workplace, name: str, sessions: list[dict]):
    """A placed peer supporter with an account at ``workplace`` (whose unit manager is
    ``manager``), who logs ``sessions`` (dicts of log_support_session's keywords besides
    actor and placement)."""
    region = workplace.region
    user = person_with_role(Role.PEER_SUPPORTER, region, full_name=name)
    placement = active_placement(
        coordinator,
        manager,
        workplace,
        certified_participant(region, user, name=name),
        start_date=TODAY - dt.timedelta(days=90),
    )
    for session in sessions:
        workplace_actions.log_support_session(actor=user, placement=placement, **session)
    return placement


def session(days_ago: int, **fields) -> dict:
    return {
        "date": TODAY - dt.timedelta(days=days_ago),
        "minutes": 45,
        "kind": SessionKind.CONVERSATION,
        **fields,
    }


def written(coordinator, region, kind: str) -> RegisterExport:
    export = request_register_export(actor=coordinator, region=region, kind=kind, language="en")
    return produce_register_export(export_id=export.pk)


def rows_of(export: RegisterExport) -> list[list]:
    with export.file.open("rb") as stored:
        sheet = load_workbook(io.BytesIO(stored.read())).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def as_dicts(rows: list[list]) -> list[dict]:
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def all_text(rows: list[list]) -> str:
    return " | ".join(str(cell) for row in rows for cell in row if cell is not None)


def test_every_app_registers_its_sheet_in_order():
    """The programme, workplaces and supervision apps register their sheets."""
    assert [sheet.key for sheet in register_sheets()] == SHEET_KEYS


def test_the_participant_sheet_lists_the_regions_participants_as_the_list_shows_them(
    coordinator, stockholm, world, elsewhere
):
    """Name, e-mail, status and since, applied on and cohorts – no phone number, no
    lived-experience declaration, and nobody from another region."""
    export = written(coordinator, stockholm, "participants")

    rows = rows_of(export)
    assert rows[0] == ["Name", "E-mail address", "Status", "Since", "Applied on", "Cohorts"]
    by_name = {row["Name"]: row for row in as_dicts(rows)}
    assert set(by_name) == {"Petra Placerad", "Tova Trainee"}
    tova = by_name["Tova Trainee"]
    assert tova["E-mail address"] == "tova.trainee@example.org"
    assert tova["Status"] == "Trainee"
    assert tova["Since"].date() == timezone.localdate(world.trainee.status_changed_at)
    assert tova["Applied on"].date() == world.trainee.applied_on
    assert tova["Cohorts"] == f"{world.cohort.name} (enrolled)"
    assert "070-1234567" not in all_text(rows)
    assert "Sven Skåning" not in all_text(rows)
    assert export.row_count == 2 and export.status == ReportStatus.DONE


def test_the_cohort_sheet_counts_each_trainees_days_against_the_rule(coordinator, stockholm, world):
    """A row per enrolled trainee: days present, absent, excused and not recorded, the
    days required (80 % of 15) and the standing – never the reason given for an absence."""
    rows = rows_of(written(coordinator, stockholm, "cohorts"))

    [row] = as_dicts(rows)
    assert row["Cohort"] == world.cohort.name
    assert row["Start date"].date() == world.cohort.start_date
    assert row["Trainee"] == "Tova Trainee"
    assert world.cohort.sessions.count() == 15
    assert world.cohort.template.min_attendance_percent == 80
    assert (row["Course days"], row["Days present"], row["Days absent"]) == (15, 13, 1)
    assert (row["Days of excused absence"], row["Days not recorded"]) == (1, 0)
    assert (row["Days required"], row["Standing"]) == (12, "Complete")
    assert row["Certificate"] == "No"
    assert "Sjuk" not in all_text(rows)


def test_the_placement_sheet_holds_the_placements_and_their_follow_ups(
    coordinator, unit_manager, stockholm, world, elsewhere
):
    """Peer supporter, workplace, employer, hours, dates, status, tasks; follow-ups due,
    answered and overdue; only the region's own workplaces, and never the answers' text."""
    earlier = active_placement(
        coordinator,
        unit_manager,
        world.placement.workplace,
        certified_participant(stockholm, name="Olga Tidig"),
        start_date=TODAY - dt.timedelta(days=130),
    )
    first, second = earlier.reviews.order_by("due_on")[:2]
    workplace_actions.submit_review(
        actor=unit_manager,
        review=first,
        role_works=4,
        role_clarity=4,
        staff_attitudes=4,
        support_needs="Behöver mer stöd kring sömn",
    )

    rows = rows_of(written(coordinator, stockholm, "placements"))

    by_name = {row["Peer supporter"]: row for row in as_dicts(rows)}
    assert set(by_name) == {"Petra Placerad", "Olga Tidig"}
    petra = by_name["Petra Placerad"]
    placement = world.placement
    assert petra["Workplace"] == placement.workplace.name
    assert petra["Workplace type"] == "Outpatient psychiatry"
    assert petra["Organisation"] == placement.workplace.organisation.name
    assert petra["Employer of record"] == "The regional user association"
    assert petra["Hours per week"] == 20
    assert petra["Start"].date() == LAST_MONTH and petra["End"] is None
    assert petra["Status"] == "Active"
    assert petra["Agreed tasks"] == ", ".join(str(label) for label in placement.task_labels())
    olga = by_name["Olga Tidig"]
    due = earlier.reviews.filter(due_on__lte=TODAY).count()
    assert due >= 2 and second.due_on < TODAY
    assert (olga["Follow-ups due"], olga["Follow-ups answered"]) == (due, 1)
    assert olga["Follow-ups overdue"] == earlier.reviews.filter(due_on__lt=TODAY).count() - 1
    assert "Sven Skåning" not in all_text(rows)
    assert "sömn" not in all_text(rows)


def test_the_cadence_sheet_has_a_row_per_person_and_month_with_the_reasons(
    coordinator, stockholm, world
):
    """Last month: one of two sessions attended, short because of an excused absence
    (its private reason never shown); this month: none planned yet."""
    rows = rows_of(written(coordinator, stockholm, "supervision_cadence"))

    last, this = as_dicts(rows)
    assert last == {
        "Peer supporter": "Petra Placerad",
        "Month": f"{LAST_MONTH:%Y-%m}",
        "Sessions attended": 1,
        "Goal": 2,
        "Sessions planned": 2,
        "Result": "Short",
        "Why it fell short": "Excused absence: 1",
    }
    assert this["Month"] == f"{THIS_MONTH:%Y-%m}"
    assert (this["Sessions attended"], this["Result"]) == (0, "Short")
    assert this["Why it fell short"] == "None planned"
    assert "Migrän" not in all_text(rows)


def test_the_support_session_sheet_holds_what_the_session_list_shows(
    coordinator, other_coordinator, unit_manager, stockholm, skane, world
):
    """Date, peer supporter, workplace, kind, participants, minutes and themes, newest
    first; only the region's own sessions, and never the reflection or the service-user
    code (reading those is audited one session at a time on the coordinator's pages)."""
    workplace = world.placement.workplace
    peer_with_sessions(
        coordinator,
        unit_manager,
        workplace,
        "Sara Samtal",
        [
            session(
                5,
                kind=SessionKind.GROUP_ACTIVITY,
                minutes=90,
                participant_count=3,
                themes=[Theme.SLEEP, Theme.MONEY],
                service_user_code="KOD-4711",
                reflection="Hemlig reflektion om gruppen",
            ),
            session(20, minutes=30, themes=[]),
        ],
    )
    manager = person_with_role(Role.UNIT_MANAGER, skane, full_name="Stina Chef")
    peer_with_sessions(
        other_coordinator,
        manager,
        ready_workplace(other_coordinator, skane, name="Malmö öppenvård", managers=[manager]),
        "Sven Skåning",
        [session(2)],
    )

    export = written(coordinator, stockholm, "support_sessions")

    rows = rows_of(export)
    assert rows[0] == [
        "Date",
        "Peer supporter",
        "Workplace",
        "Kind of support",
        "Participants",
        "Minutes",
        "Themes",
    ]
    newest, oldest = as_dicts(rows)
    assert newest["Date"].date() == TODAY - dt.timedelta(days=5)
    assert (newest["Peer supporter"], newest["Workplace"]) == ("Sara Samtal", workplace.name)
    assert (newest["Kind of support"], newest["Participants"]) == ("Group activity", 3)
    assert (newest["Minutes"], newest["Themes"]) == (90, "Sleep, Money")
    assert (oldest["Minutes"], oldest["Themes"]) == (30, None)
    assert oldest["Kind of support"] == "One-to-one conversation"
    text = all_text(rows)
    assert "KOD-4711" not in text and "Hemlig" not in text and "Sven Skåning" not in text
    assert export.row_count == 2


def test_a_sheets_rows_are_read_as_the_file_is_written(coordinator, stockholm):
    """The support-session sheet hands the writer a generator, not a list: the country's
    sessions are never held at once (the query runs only when the rows are read)."""
    with CaptureQueriesContext(connection) as built:
        content = get_register_sheet("support_sessions").build(stockholm, coordinator)
    assert len(built) == 0 and not isinstance(content.rows, list)

    with CaptureQueriesContext(connection) as read:
        assert list(content.rows) == []
    assert len(read) == 1


def test_text_that_looks_like_a_formula_stays_text(coordinator, stockholm):
    """A name typed as a formula is written with a leading apostrophe, never run."""
    certified_participant(stockholm, name='=HYPERLINK("http://evil")')

    rows = rows_of(written(coordinator, stockholm, "participants"))

    assert rows[1][0] == '\'=HYPERLINK("http://evil")'


def test_the_file_has_bold_headers_frozen_under_them_and_dates_as_dates():
    """The worker's .xlsx file, read back with openpyxl: the title made a legal
    sheet name, bold headers, the pane frozen under them, dates with the yyyy-mm-dd format,
    numbers as numbers, text escaped and characters XML cannot hold dropped."""
    stream = io.BytesIO()
    rows = iter([["Tova <&> \x01Trainee", dt.date(2026, 3, 4), 5, None, True]])

    written = registers.write_workbook(
        stream,
        "Cohorts: with/attendance",
        registers.SheetContent(headers=["Name", "Day", "Count", "Empty", "Flag"], rows=rows),
    )

    assert written == 1
    sheet = load_workbook(stream).active
    assert sheet.title == "Cohorts  with attendance"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    name, day, count, empty, flag = sheet[2]
    assert (name.value, name.font.b) == ("Tova <&> Trainee", False)
    assert (day.value, day.number_format) == (dt.datetime(2026, 3, 4), "yyyy-mm-dd")
    assert (count.value, empty.value, flag.value) == (5, None, True)


@pytest.mark.parametrize("key", SHEET_KEYS)
def test_building_a_sheet_costs_the_same_queries_whatever_the_rows(
    key, coordinator, unit_manager, supervisor, stockholm, world
):
    """A second trainee, placement and supervised peer adds rows, not queries."""
    sheet = get_register_sheet(key)
    with CaptureQueriesContext(connection) as few:
        small = list(sheet.build(stockholm, coordinator).rows)
    trainee = accepted_applicant(coordinator, stockholm, "Ulla Utokad")
    enrolment = programme_actions.enrol(actor=coordinator, cohort=world.cohort, participant=trainee)
    fill_attendance(coordinator, enrolment)
    second = default_cohort(coordinator, stockholm, TODAY - dt.timedelta(days=120), name="Våren")
    other = accepted_applicant(coordinator, stockholm, "Vera Varen")
    programme_actions.enrol(actor=coordinator, cohort=second, participant=other)
    placed = certified_participant(stockholm, name="Qvintus Placerad")
    active_placement(
        coordinator, unit_manager, world.placement.workplace, placed, start_date=LAST_MONTH
    )
    peer_with_sessions(
        coordinator,
        unit_manager,
        world.placement.workplace,
        "Rut Rapport",
        [session(3), session(4)],
    )
    with CaptureQueriesContext(connection) as many:
        large = list(sheet.build(stockholm, coordinator).rows)

    assert len(large) > len(small)
    assert len(many) == len(few)


# Pages ---------------------------------------------------------------------------------


def ask(client, region, kind="participants", language="en"):
    return client.post(
        reverse("reports:register_list"), {"region": region.pk, "kind": kind, "language": language}
    )


def test_the_page_lists_each_sheet_for_each_region_coordinated(coordinator, client_for, stockholm):
    response = client_for(coordinator).get(reverse("reports:register_list"))

    assert response.status_code == 200
    page = response.content.decode()
    for key in SHEET_KEYS:
        assert f'data-sheet="{key}" data-region="{stockholm.pk}"' in page


def test_asking_needs_a_fresh_password(coordinator, client_for, stockholm):
    """Without re-authentication the request goes to the password page; nothing queued."""
    response = ask(client_for(coordinator), stockholm)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not RegisterExport.objects.exists()


def test_asking_queues_the_sheet_logs_it_and_shows_progress(coordinator, client_for, stockholm):
    """With a fresh password the sheet is queued and the asking audit-logged; the page
    polls the export's status with the shared progress script."""
    client = client_for(coordinator, reauthenticated=True)

    response = ask(client, stockholm, kind="placements")

    export = RegisterExport.objects.get()
    assert response["Location"] == reverse("reports:register_detail", args=[export.pk])
    assert (export.region, export.kind, export.status) == (stockholm, "placements", "queued")
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="reports.registerexport", actor=coordinator
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert 'id="extract-status"' in page and "js/extract-progress.js" in page
    assert reverse("reports:register_status", args=[export.pk]) in page
    status = client.get(reverse("reports:register_status", args=[export.pk])).json()
    assert status["status"] == "queued" and status["ready"] is False
    assert ask(client, stockholm, kind="placements")["Location"] == response["Location"]


def test_a_download_is_audit_logged(coordinator, client_for, stockholm, world):
    export = written(coordinator, stockholm, "participants")
    client = client_for(coordinator)

    response = client.get(reverse("reports:register_download", args=[export.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(b"".join(response.streaming_content))).active["A2"].value
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_id=str(export.pk))
    assert event.actor == coordinator and event.detail["register"] == "participants"


def test_a_sheet_not_yet_written_cannot_be_downloaded(coordinator, client_for, stockholm):
    export = request_register_export(
        actor=coordinator, region=stockholm, kind="participants", language="en"
    )
    url = reverse("reports:register_download", args=[export.pk])
    assert client_for(coordinator).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize(
    "role", ["peer_supporter", "supervisor", "unit_manager", "researcher", "auditor"]
)
def test_other_roles_are_refused(role, request, coordinator, client_for, stockholm):
    """Every page is 403 for anyone who coordinates no region and is no admin."""
    export = request_register_export(
        actor=coordinator, region=stockholm, kind="participants", language="en"
    )
    client = client_for(request.getfixturevalue(role), reauthenticated=True)
    urls = [
        reverse("reports:register_list"),
        reverse("reports:register_detail", args=[export.pk]),
        reverse("reports:register_status", args=[export.pk]),
        reverse("reports:register_download", args=[export.pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [403] * 4
    assert ask(client, stockholm).status_code == 403
    assert RegisterExport.objects.count() == 1


def test_another_regions_coordinator_gets_404_and_cannot_ask(
    coordinator, other_coordinator, client_for, stockholm
):
    export = produce_register_export(
        export_id=request_register_export(
            actor=coordinator, region=stockholm, kind="participants", language="en"
        ).pk
    )
    client = client_for(other_coordinator, reauthenticated=True)
    for name in ["register_detail", "register_status", "register_download"]:
        assert client.get(reverse(f"reports:{name}", args=[export.pk])).status_code == 404
    refused = ask(client, stockholm)
    assert refused.status_code == 400
    assert 'id="register-request-error"' in refused.content.decode()
    assert RegisterExport.objects.count() == 1
    page = client.get(reverse("reports:register_list")).content.decode()
    assert reverse("reports:register_detail", args=[export.pk]) not in page


def test_an_admin_reaches_every_regions_sheets(admin_user, coordinator, client_for, stockholm):
    export = produce_register_export(
        export_id=request_register_export(
            actor=coordinator, region=stockholm, kind="cohorts", language="en"
        ).pk
    )
    client = client_for(admin_user, reauthenticated=True)
    assert client.get(reverse("reports:register_list")).status_code == 200
    assert client.get(reverse("reports:register_download", args=[export.pk])).status_code == 200
    assert ask(client, stockholm).status_code == 302


# The worker -------------------------------------------------------------------------------


def test_a_task_delivered_twice_writes_one_file(coordinator, stockholm):
    export = request_register_export(
        actor=coordinator, region=stockholm, kind="participants", language="en"
    )
    first = produce_register_export(export_id=export.pk)

    assert produce_register_export(export_id=export.pk) is None
    export.refresh_from_db()
    assert export.file.name == first.file.name
    assert "register-participants-stockholm-" in export.file.name


def test_the_sweep_writes_the_exports_the_broker_lost_or_a_worker_died_on(coordinator, stockholm):
    """An export queued longer than a lost task's time, or left running longer than a
    stalled worker's, is written; a fresh one, or one being written now, is left alone."""

    def asked(kind: str) -> RegisterExport:
        return request_register_export(
            actor=coordinator, region=stockholm, kind=kind, language="en"
        )

    now = timezone.now()
    lost = asked("participants")
    asked("cohorts")
    stalled = asked("placements")
    running = asked("supervision_cadence")
    RegisterExport.objects.filter(pk=lost.pk).update(
        requested_at=now - LOST_AFTER - dt.timedelta(minutes=1)
    )
    RegisterExport.objects.filter(pk=stalled.pk).update(
        status=ReportStatus.RUNNING, started_at=now - STALLED_AFTER - dt.timedelta(minutes=1)
    )
    RegisterExport.objects.filter(pk=running.pk).update(
        status=ReportStatus.RUNNING, started_at=now - dt.timedelta(minutes=1)
    )

    assert produce_waiting_register_exports() == 2
    assert produce_register_export(export_id=running.pk) is None
    statuses = dict(RegisterExport.objects.values_list("kind", "status"))
    assert statuses == {
        "participants": ReportStatus.DONE,
        "cohorts": ReportStatus.QUEUED,
        "placements": ReportStatus.DONE,
        "supervision_cadence": ReportStatus.RUNNING,
    }


def test_a_sheet_that_fails_is_marked_failed_with_its_error(coordinator, stockholm, monkeypatch):
    """The worker records the failure instead of leaving the export pending for ever."""

    def broken(region, actor):
        raise RuntimeError("the sheet broke")

    monkeypatch.setitem(
        registers._SHEETS,
        "broken",
        registers.RegisterSheet(
            key="broken", title="Broken", order=99, description="", build=broken
        ),
    )
    export = request_register_export(
        actor=coordinator, region=stockholm, kind="broken", language="en"
    )

    assert produce_register_export(export_id=export.pk) is None
    export.refresh_from_db()
    assert export.status == ReportStatus.FAILED and not export.file
    assert export.error == "RuntimeError: the sheet broke"


def test_retention_removes_a_sheets_file_after_a_month_and_keeps_the_record(
    coordinator, client_for, stockholm, django_capture_on_commit_callbacks
):
    """A month after it was asked for, the file is deleted from storage and can no longer
    be downloaded; who asked for which sheet is kept. A newer sheet keeps its file."""
    old = written(coordinator, stockholm, "participants")
    new = written(coordinator, stockholm, "cohorts")
    RegisterExport.objects.filter(pk=old.pk).update(
        requested_at=timezone.now() - dt.timedelta(days=40)
    )
    name = old.file.name

    with django_capture_on_commit_callbacks(execute=True):
        thin_due_records()

    old.refresh_from_db()
    new.refresh_from_db()
    assert not old.file and not default_storage.exists(name)
    assert old.requested_by == coordinator and old.kind == "participants"
    assert new.file and default_storage.exists(new.file.name)
    url = reverse("reports:register_download", args=[old.pk])
    assert client_for(coordinator).get(url).status_code == 404


# Every region at once (the admin's) ---------------------------------------------------------


@pytest.fixture
def two_regions_sessions(coordinator, other_coordinator, unit_manager, stockholm, skane):
    """A session in Stockholm (yesterday) and one in Skåne (two days ago)."""
    peer_with_sessions(
        coordinator,
        unit_manager,
        ready_workplace(coordinator, stockholm, managers=[unit_manager]),
        "Sara Samtal",
        [session(1)],
    )
    manager = person_with_role(Role.UNIT_MANAGER, skane, full_name="Stina Chef")
    peer_with_sessions(
        other_coordinator,
        manager,
        ready_workplace(other_coordinator, skane, name="Malmö öppenvård", managers=[manager]),
        "Sven Skåning",
        [session(2, reflection="Hemlig")],
    )


def test_an_admin_exports_every_regions_support_sessions(
    admin_user, client_for, two_regions_sessions
):
    """With no region the sheet holds every region's sessions, each with its region; the
    file's name says national, and the download is audit-logged as national."""
    export = written(admin_user, None, "support_sessions")

    rows = rows_of(export)
    assert rows[0][:4] == ["Date", "Peer supporter", "Workplace", "Region"]
    assert [(row["Peer supporter"], row["Region"]) for row in as_dicts(rows)] == [
        ("Sara Samtal", "Region Stockholm"),
        ("Sven Skåning", "Region Skåne"),
    ]
    assert "Hemlig" not in all_text(rows)
    assert "register-support_sessions-national-" in export.file.name
    assert export.row_count == 2 and export.national

    client = client_for(admin_user)
    page = client.get(reverse("reports:register_detail", args=[export.pk])).content.decode()
    assert "All regions" in page
    assert client.get(reverse("reports:register_download", args=[export.pk])).status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_id=str(export.pk))
    assert event.detail == {"register": "support_sessions", "region": "national", "rows": 2}


def test_only_an_admin_asks_for_every_region_and_only_for_a_national_sheet(
    admin_user, coordinator, client_for, stockholm
):
    """A coordinator cannot ask for every region (in the action or by posting the form);
    an admin cannot ask for a sheet written one region at a time; the page offers the
    national sheets to the admin alone."""
    with pytest.raises(ValidationError, match="Only an administrator"):
        request_register_export(
            actor=coordinator, region=None, kind="support_sessions", language="en"
        )
    with pytest.raises(ValidationError, match="one region at a time"):
        request_register_export(actor=admin_user, region=None, kind="participants", language="en")
    refused = client_for(coordinator, reauthenticated=True).post(
        reverse("reports:register_list"),
        {"region": "national", "kind": "support_sessions", "language": "en"},
    )
    assert refused.status_code == 400
    assert not RegisterExport.objects.exists()
    assert 'data-region="national"' not in refused.content.decode()

    admin = client_for(admin_user, reauthenticated=True)
    page = admin.get(reverse("reports:register_list")).content.decode()
    assert 'data-sheet="support_sessions" data-region="national"' in page
    assert 'data-sheet="participants" data-region="national"' not in page
    asked = admin.post(
        reverse("reports:register_list"),
        {"region": "national", "kind": "support_sessions", "language": "sv"},
    )
    export = RegisterExport.objects.get()
    assert asked["Location"] == reverse("reports:register_detail", args=[export.pk])
    assert (export.region, export.kind, export.language) == (None, "support_sessions", "sv")
    again = admin.post(
        reverse("reports:register_list"),
        {"region": "national", "kind": "support_sessions", "language": "sv"},
    )
    assert again["Location"] == asked["Location"] and RegisterExport.objects.count() == 1


def test_a_coordinator_never_reaches_an_export_of_every_region(
    admin_user, coordinator, client_for, two_regions_sessions
):
    export = written(admin_user, None, "support_sessions")
    client = client_for(coordinator)
    for name in ["register_detail", "register_status", "register_download"]:
        assert client.get(reverse(f"reports:{name}", args=[export.pk])).status_code == 404
    page = client.get(reverse("reports:register_list")).content.decode()
    assert reverse("reports:register_detail", args=[export.pk]) not in page


def test_retention_removes_the_file_of_an_export_of_every_region(
    admin_user, two_regions_sessions, django_capture_on_commit_callbacks
):
    """An export of every region belongs to no region: the national period (a month by
    default) removes its file."""
    old = written(admin_user, None, "support_sessions")
    RegisterExport.objects.filter(pk=old.pk).update(
        requested_at=timezone.now() - dt.timedelta(days=40)
    )
    name = old.file.name

    with django_capture_on_commit_callbacks(execute=True):
        thin_due_records()

    old.refresh_from_db()
    assert not old.file and not default_storage.exists(name)
    assert old.kind == "support_sessions" and old.requested_by == admin_user
