"""Log follow-up (loggkontroll): audit events name whom they are about, and the region's log
auditor (or the admin) sees who read or exported whose records, what one user read, and the
unusual patterns; the pages' own use is in the log."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.audit.actions import record_event, record_reads
from peersupport.audit.followup import read_bursts, reads_outside_region
from peersupport.audit.models import AuditAction, AuditEvent
from peersupport.dataprotection.registry import subject_for_user
from tests.factories import (
    active_placement,
    certified_participant,
    person_with_role,
    ready_workplace,
)

pytestmark = pytest.mark.django_db
AUDIT_DEMO_PEOPLE = 21


def _read(actor, participant, *, at=None) -> AuditEvent:
    event = record_event(actor=actor, action=AuditAction.READ, obj=participant)
    if at is not None:
        # The log is append-only through the application; a test moves time with SQL.
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET at = %s WHERE id = %s", [at, event.pk])
    return event


@pytest.fixture
def anna(stockholm):
    return certified_participant(stockholm, name="Anna Andersson")


@pytest.fixture
def bo_in_skane(skane):
    return certified_participant(skane, name="Bo Bengtsson")


def test_an_event_names_the_person_and_region_of_the_record(coordinator, anna, stockholm):
    """A read of a participant's record is about that participant, in their region."""
    event = record_event(actor=coordinator, action=AuditAction.READ, obj=anna)
    assert (event.subject_kind, event.subject_id, event.region_id) == (
        "programmes.participant",
        anna.pk,
        stockholm.pk,
    )


def test_a_record_about_one_person_names_them(coordinator, unit_manager, stockholm):
    """A placement (and what hangs off it) is about the placed peer supporter."""
    participant = certified_participant(stockholm, name="Cecilia Carlsson")
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    placement = active_placement(coordinator, unit_manager, workplace, participant)
    event = record_event(actor=coordinator, action=AuditAction.READ, obj=placement)
    assert (event.subject_kind, event.subject_id) == ("programmes.participant", participant.pk)
    review = placement.reviews.first()
    assert record_event(actor=coordinator, action=AuditAction.READ, obj=review).subject_id == (
        participant.pk
    )


def test_an_account_read_is_about_the_persons_programme_record(coordinator, stockholm):
    """A person with a programme record is named by it, whichever record was read; a staff
    member without one is named by their account."""
    peer = person_with_role(Role.PEER_SUPPORTER, stockholm, full_name="Dora Dahl")
    record = certified_participant(stockholm, peer)
    event = record_event(actor=coordinator, action=AuditAction.READ, obj=peer)
    assert (event.subject_kind, event.subject_id) == ("programmes.participant", record.pk)
    staff = record_event(actor=coordinator, action=AuditAction.READ, obj=coordinator)
    assert (staff.subject_kind, staff.subject_id) == ("accounts.user", coordinator.pk)


def test_an_explicit_subject_wins(coordinator, anna, bo_in_skane):
    """An event about no single record names the person it was given."""
    event = record_event(
        actor=coordinator, action=AuditAction.EXPORT, subject=bo_in_skane.data_subject()
    )
    assert (event.subject_id, event.region_id) == (bo_in_skane.pk, bo_in_skane.region_id)


def test_a_list_read_is_one_event_per_person(coordinator, anna, stockholm):
    """Reading a list of several people's records names each of them, with their record ids."""
    other = certified_participant(stockholm, name="Erik Ek")
    events = record_reads(actor=coordinator, records=[anna, other, anna])
    assert sorted((e.subject_id, tuple(e.detail["ids"])) for e in events) == sorted(
        [(anna.pk, (anna.pk, anna.pk)), (other.pk, (other.pk,))]
    )


def test_the_auditor_sees_who_read_a_persons_records(
    auditor, coordinator, anna, stockholm, client_for
):
    """Filtered by a person, the log shows each read of their records, and nobody else's;
    the auditor's own look is logged with ids, never the person's name."""
    other = certified_participant(stockholm, name="Erik Ek")
    _read(coordinator, anna)
    _read(coordinator, other)
    key = anna.data_subject().key
    response = client_for(auditor).get(reverse("audit:event_list"), {"subject": key})
    assert response.status_code == 200
    shown = [row["event"] for row in response.context["rows"]]
    assert [(e.actor_id, e.subject_id) for e in shown] == [(coordinator.pk, anna.pk)]
    own = AuditEvent.objects.get(actor=auditor, action=AuditAction.READ)
    assert own.action == AuditAction.READ
    assert own.detail["filter"] == {"subject": key}
    assert "Anna" not in str(own.detail) and "Anna" not in own.path


def test_what_one_user_read(auditor, coordinator, supervisor, anna, client_for):
    """Filtered by a user, the log shows what that user read."""
    _read(coordinator, anna)
    _read(supervisor, anna)
    response = client_for(auditor).get(
        reverse("audit:event_list"), {"actor": supervisor.pk, "action": "read"}
    )
    assert [row["event"].actor_id for row in response.context["rows"]] == [supervisor.pk]


def test_the_auditor_sees_only_their_regions(
    auditor, coordinator, other_coordinator, anna, bo_in_skane, client_for
):
    """A Stockholm auditor follows up Stockholm's records and readers, not Skåne's; a Skåne
    person's log is 404 to them. The admin sees both."""
    _read(coordinator, anna)
    _read(other_coordinator, bo_in_skane)
    client = client_for(auditor)
    response = client.get(reverse("audit:event_list"), {"action": "read"})
    assert {row["event"].subject_id for row in response.context["rows"]} == {anna.pk}
    skane_key = bo_in_skane.data_subject().key
    assert client.get(reverse("audit:event_list"), {"subject": skane_key}).status_code == 404


def test_admin_sees_every_region(
    admin_user, coordinator, other_coordinator, anna, bo_in_skane, client_for
):
    _read(coordinator, anna)
    _read(other_coordinator, bo_in_skane)
    response = client_for(admin_user).get(reverse("audit:event_list"), {"action": "read"})
    assert {row["event"].subject_id for row in response.context["rows"]} >= {
        anna.pk,
        bo_in_skane.pk,
    }


def test_bad_filter_input_gets_a_message_at_the_field(auditor, client_for):
    """An end before the start is refused next to the field, and the dates stay typed."""
    response = client_for(auditor).get(
        reverse("audit:event_list"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]
    assert 'value="2026-05-02"' in response.content.decode()


def test_person_search_finds_by_name_without_logging_it(
    auditor, coordinator, stockholm, anna, bo_in_skane, client_for
):
    """A name typed in the search finds the region's people (a peer supporter with an
    account once, as their programme record); the search is logged by result ids only."""
    peer = person_with_role(Role.PEER_SUPPORTER, stockholm, full_name="Anna Berg")
    record = certified_participant(stockholm, peer)
    response = client_for(auditor).post(reverse("audit:person_search"), {"q": "anna"})
    found = [result["subject"].key for result in response.context["results"]]
    assert sorted(found) == sorted([anna.data_subject().key, record.data_subject().key])
    assert subject_for_user(peer).key in found
    event = AuditEvent.objects.get(actor=auditor, action=AuditAction.READ)
    assert sorted(event.detail["results"]) == sorted(found)
    assert "anna" not in (str(event.detail) + event.path).lower()


def test_many_people_read_in_a_short_time_is_a_pattern(coordinator, stockholm):
    """20 different people's records within 10 minutes is flagged once; 19 is not, and
    neither are 20 spread over more than 10 minutes."""
    start = timezone.now() - dt.timedelta(hours=1)
    people = [certified_participant(stockholm, name=f"Person {i}") for i in range(20)]
    for i, person in enumerate(people[:19]):
        _read(coordinator, person, at=start + dt.timedelta(seconds=20 * i))
    assert read_bursts(AuditEvent.objects.all()) == []
    _read(coordinator, people[19], at=start + dt.timedelta(minutes=20))
    assert read_bursts(AuditEvent.objects.all()) == []
    _read(coordinator, people[19], at=start + dt.timedelta(minutes=9))
    [burst] = read_bursts(AuditEvent.objects.all())
    assert (burst.actor_id, burst.subjects) == (coordinator.pk, 20)


@override_settings(AUDIT_MANY_SUBJECTS_COUNT=3, AUDIT_MANY_SUBJECTS_MINUTES=5)
def test_patterns_page_shows_bursts_and_reads_outside_the_region(
    auditor, coordinator, stockholm, skane, client_for
):
    """The page lists the user who read many people's records, and a Stockholm
    coordinator's read of a Skåne record (they hold no role there)."""
    for i in range(3):
        _read(coordinator, certified_participant(stockholm, name=f"Person {i}"))
    outside = _read(coordinator, certified_participant(skane, name="Bo Bengtsson"))
    response = client_for(auditor).get(reverse("audit:patterns"))
    assert [b.actor_id for b in response.context["bursts"]] == [coordinator.pk]
    assert [e.pk for e in response.context["outside"]] == [outside.pk]
    assert AuditEvent.objects.filter(actor=auditor, detail__log_follow_up="patterns").exists()


def test_csv_export_asks_for_the_password_again(auditor, client_for):
    """Without a recent password the export sends the auditor to re-authenticate."""
    response = client_for(auditor).get(reverse("audit:event_export"))
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]


def test_csv_export_streams_the_filtered_events_and_is_logged(
    auditor, coordinator, anna, stockholm, client_for
):
    """The CSV holds the filtered events only (the export itself among them: it is logged,
    with its filter, before the first row is sent)."""
    _read(coordinator, anna)
    _read(coordinator, certified_participant(stockholm, name="Erik Ek"))
    key = anna.data_subject().key
    response = client_for(auditor, reauthenticated=True).get(
        reverse("audit:event_export"), {"subject": key}
    )
    assert response.status_code == 200
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["actor_email"], r["action"], r["subject_id"]) for r in rows] == [
        (auditor.email, "export", str(anna.pk)),
        (coordinator.email, "read", str(anna.pk)),
    ]
    export = AuditEvent.objects.get(actor=auditor, action=AuditAction.EXPORT)
    assert export.detail["filter"] == {"subject": key}
    assert export.subject_id == anna.pk


@pytest.mark.parametrize("events", [1, 60])
def test_follow_up_pages_cost_the_same_queries_whatever_the_number_of_events(
    events,
    auditor,
    coordinator,
    other_coordinator,
    stockholm,
    skane,
    client_for,
    django_assert_num_queries,
):
    """Each page issues a fixed number of queries for 1 and for 60 events (of as many people,
    some outside the reader's region)."""
    for i in range(events):
        region = skane if i % 5 == 0 else stockholm
        _read(coordinator, certified_participant(region, name=f"Person {i}"))
    anna = certified_participant(stockholm, name="Anna Andersson")
    for _ in range(events):
        _read(coordinator, anna)
    client = client_for(auditor, reauthenticated=True)
    key = anna.data_subject().key
    # session, user, memberships, MFA check, reader choices, count, page, audit event
    with django_assert_num_queries(8):
        client.get(reverse("audit:event_list"))
    # … plus the chosen user and the person's record
    with django_assert_num_queries(10):
        client.get(reverse("audit:event_list"), {"subject": key, "actor": coordinator.pk})
    # session, user, memberships, MFA check, bursts, outside count, outside page, audit event
    with django_assert_num_queries(8):
        client.get(reverse("audit:patterns"))
    # session, user, memberships, MFA check, the re-authentication check (one per kind of
    # authenticator), audit event, and the streamed rows (one cursor)
    with django_assert_num_queries(9):
        response = client.get(reverse("audit:event_export"))
        b"".join(response.streaming_content)


def test_demo_trail_gives_log_follow_up_something_to_find():
    """The demo's access trail holds one burst of reads and one read outside the reader's
    region, and seeding it twice adds nothing."""
    from peersupport.accounts import demo as account_demo
    from peersupport.audit import demo as audit_demo

    regions = account_demo.seed(password="demo-password-for-tests")
    for i in range(AUDIT_DEMO_PEOPLE):
        certified_participant(regions["stockholm"], name=f"Demo Person {i}")
    audit_demo.seed()
    audit_demo.seed()
    [burst] = read_bursts(AuditEvent.objects.all())
    assert burst.subjects == AUDIT_DEMO_PEOPLE
    [outside] = reads_outside_region(AuditEvent.objects.all())
    assert outside.actor_email == "koordinator.skane@example.org"


def test_reads_of_a_staff_members_account_reach_their_regions_auditor(
    auditor, admin_user, supervisor, other_coordinator, client_for
):
    """A staff member's account belongs to no region; a read of it by someone outside the
    region (the admin) still shows to the auditor of the region where they hold a role, and
    not a read of a Skåne coordinator's account."""
    stockholm_read = record_event(actor=admin_user, action=AuditAction.READ, obj=supervisor)
    record_event(actor=admin_user, action=AuditAction.READ, obj=other_coordinator)
    response = client_for(auditor).get(reverse("audit:event_list"), {"action": "read", "actor": ""})
    assert [row["event"].pk for row in response.context["rows"]] == [stockholm_read.pk]
