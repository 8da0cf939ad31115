"""Thinning out (gallring) with time travel: each rule thins exactly what is due in each
region under the region's, the national or the default period, and nothing else."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from peersupport.accounts.models import Role
from peersupport.audit.models import AuditAction, AuditEvent
from peersupport.retention.actions import thin_due_records
from peersupport.retention.anonymise import THINNED_EMAIL_DOMAIN, THINNED_NAME, THINNED_TEXT
from peersupport.retention.models import RetentionSetting
from programmes import actions as programmes
from programmes.models import (
    Attendance,
    AttendanceStatus,
    Participant,
    ParticipantStatus,
    StatusChange,
)
from supervision.models import SessionAttendance, SupervisorNote
from tests.factories import person_with_role
from tests.programmes.course_state import accepted_applicant, default_cohort
from workplaces.models import Placement, ReviewResponse, SupportSession

from .state import (
    EXCUSED_REASON,
    LEAVING_REASON,
    PRIVATE_NOTE,
    RATING_COMMENT,
    REFLECTION,
    REVIEW_COMMENT,
    build_region,
    participant,
)


@pytest.fixture
def regions(stockholm, skane):
    return build_region(stockholm, tag="Sthlm"), build_region(skane, tag="Skåne")


def months_ahead(months: int) -> dt.datetime:
    return timezone.now() + relativedelta(months=months)


def counts(runs) -> dict[tuple[str, str | None], int]:
    return {(run.rule.key, run.region.code if run.region else None): run.count for run in runs}


def is_thinned(person: Participant) -> bool:
    person.refresh_from_db()
    return person.full_name == THINNED_NAME and person.email.endswith(THINNED_EMAIL_DOMAIN)


def reflections(region) -> int:
    return SupportSession.objects.filter(
        placement__workplace__region=region, reflection=REFLECTION
    ).count()


def test_nothing_is_due_today(regions):
    """Records made today are all kept: every rule in every region thins nothing."""
    runs = thin_due_records()
    assert {run.count for run in runs} == {0}
    assert not Participant.objects.filter(full_name=THINNED_NAME).exists()
    assert SupportSession.objects.exclude(reflection="").count() == 8


def test_after_a_year_applicants_and_session_text_are_thinned_but_not_leavers(regions):
    """13 months on: declined and withdrawn applicants are anonymised, and support
    sessions and private notes lose their text; those in process, people who left and
    everyone's counts are kept."""
    sthlm, skane = regions
    runs = counts(thin_due_records(now=months_ahead(13)))

    assert runs[("programmes.applicants", "stockholm")] == 2
    assert runs[("programmes.applicants", "skane")] == 2
    assert runs[("workplaces.session_text", "stockholm")] == 4
    assert runs[("supervision.private_notes", "stockholm")] == 1
    assert runs[("programmes.leavers", "stockholm")] == 0
    assert runs[("workplaces.leaver_placements", "stockholm")] == 0
    assert runs[("audit.events", None)] == 0
    for state in regions:
        assert is_thinned(state.declined) and is_thinned(state.withdrawn)
        assert not is_thinned(state.in_process)
        assert not is_thinned(state.leaver)
        assert reflections(state.region) == 0
        assert state.declined.phone == "" and state.declined.status == ParticipantStatus.DECLINED
    assert not StatusChange.objects.filter(
        participant__in=[sthlm.declined, sthlm.withdrawn], reason=LEAVING_REASON
    ).exists()
    assert StatusChange.objects.filter(participant=sthlm.leaver, reason=LEAVING_REASON).exists()
    assert SupportSession.objects.count() == 8
    assert not SupervisorNote.objects.exists()


def test_after_two_years_people_who_left_are_thinned_with_their_records(regions):
    """25 months on: a peer supporter who left is anonymised, their account closed, and
    their placement's reason, follow-up answers, supervision reasons and comments and
    course reasons emptied; ratings, attendance and the placement itself are kept; the
    peer supporter who stays is untouched."""
    sthlm, _skane = regions
    runs = counts(thin_due_records(now=months_ahead(25)))

    assert runs[("programmes.leavers", "stockholm")] == 1
    assert runs[("workplaces.leaver_placements", "stockholm")] == 1
    assert runs[("workplaces.leaver_reviews", "stockholm")] == 1
    assert runs[("supervision.leaver_attendance", "stockholm")] == 2
    assert is_thinned(sthlm.leaver)
    assert sthlm.leaver.user is None and sthlm.leaver.status == ParticipantStatus.LEFT
    account = sthlm.leaver_user
    account.refresh_from_db()
    assert not account.is_active and not account.has_usable_password()
    assert account.full_name == THINNED_NAME and account.email.endswith(THINNED_EMAIL_DOMAIN)
    assert not account.memberships.exists()
    placement = Placement.objects.get(pk=sthlm.placement.pk)
    assert placement.ended_reason == THINNED_TEXT
    response = ReviewResponse.objects.get(review__placement=placement)
    assert (response.comments, response.support_needs, response.role_works) == ("", "", 4)
    attendances = SessionAttendance.objects.filter(participant=sthlm.leaver)
    assert attendances.count() == 4
    assert not attendances.exclude(reason="", comment="").exists()
    assert attendances.filter(rating=4).count() == 1
    assert not StatusChange.objects.filter(participant=sthlm.leaver).exclude(reason="").exists()
    assert not is_thinned(sthlm.stayer)
    assert sthlm.stayer_user.is_active


def test_a_second_run_thins_nothing_more(regions):
    """Thinning is idempotent: what was thinned is not due again."""
    thin_due_records(now=months_ahead(25))
    assert {run.count for run in thin_due_records(now=months_ahead(25))} == {0}


def test_a_regional_setting_overrides_the_default_for_that_region_only(regions, admin_user):
    """Skåne keeps declined applicants 24 months: at 13 months only Stockholm's are
    thinned, at 25 months Skåne's too."""
    sthlm, skane = regions
    RetentionSetting.objects.create(rule="programmes.applicants", region=skane.region, months=24)

    runs = counts(thin_due_records(now=months_ahead(13)))
    assert runs[("programmes.applicants", "stockholm")] == 2
    assert runs[("programmes.applicants", "skane")] == 0
    assert is_thinned(sthlm.declined) and not is_thinned(skane.declined)

    runs = counts(thin_due_records(now=months_ahead(25)))
    assert runs[("programmes.applicants", "skane")] == 2
    assert is_thinned(skane.declined)


def test_the_national_setting_applies_where_a_region_has_none(regions):
    """Session text kept 6 months nationally, 18 in Stockholm: at 7 months Skåne's is
    thinned and Stockholm's kept; at 19 months Stockholm's too."""
    sthlm, skane = regions
    RetentionSetting.objects.create(rule="workplaces.session_text", region=None, months=6)
    RetentionSetting.objects.create(rule="workplaces.session_text", region=sthlm.region, months=18)

    thin_due_records(now=months_ahead(7))
    assert reflections(skane.region) == 0
    assert reflections(sthlm.region) == 4

    thin_due_records(now=months_ahead(19))
    assert reflections(sthlm.region) == 0


def test_followers_take_the_period_of_people_who_left(regions):
    """A region that keeps people who left for 36 months keeps their placements,
    follow-up answers and supervision comments as long."""
    sthlm, _skane = regions
    RetentionSetting.objects.create(rule="programmes.leavers", region=sthlm.region, months=36)

    runs = counts(thin_due_records(now=months_ahead(25)))
    assert runs[("workplaces.leaver_placements", "stockholm")] == 0
    assert runs[("supervision.leaver_attendance", "stockholm")] == 0
    assert runs[("supervision.leaver_attendance", "skane")] == 2
    assert SessionAttendance.objects.filter(comment=RATING_COMMENT).count() == 1
    assert ReviewResponse.objects.filter(comments=REVIEW_COMMENT).count() == 1


def test_audit_events_are_deleted_after_five_years_nationally(db, stockholm):
    """The audit log keeps five years by default; a national setting changes it."""
    now = timezone.now()
    old = AuditEvent.objects.create(action=AuditAction.LOGIN, at=now - relativedelta(months=61))
    recent = AuditEvent.objects.create(action=AuditAction.LOGIN, at=now - relativedelta(months=59))

    runs = counts(thin_due_records(now=now))
    assert runs[("audit.events", None)] == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()

    RetentionSetting.objects.create(rule="audit.events", region=None, months=120)
    runs = counts(thin_due_records(now=now + relativedelta(months=12)))
    assert runs[("audit.events", None)] == 0


def test_thinning_is_audit_logged_with_counts_only(regions):
    """The thinning run's audit event holds counts per rule and region, never a name or
    a word of the text thinned."""
    sthlm, _skane = regions
    thin_due_records(now=months_ahead(25))

    event = AuditEvent.objects.get(action=AuditAction.THIN)
    assert (event.object_type, event.object_id, event.object_repr) == ("", "", "")
    text = json.dumps(event.detail, ensure_ascii=False)
    for secret in (
        "Lämnare",
        "Avböjd",
        "example.org",
        LEAVING_REASON,
        REFLECTION,
        RATING_COMMENT,
        REVIEW_COMMENT,
        PRIVATE_NOTE,
    ):
        assert secret not in text
    assert set(event.detail) == {"as_of", "total", "counts"}
    assert {"rule": "programmes.leavers", "region": "stockholm", "months": 24, "count": 1} in (
        event.detail["counts"]
    )
    assert event.detail["total"] == sum(row["count"] for row in event.detail["counts"])


def test_a_dry_run_counts_and_changes_nothing(regions):
    """A dry run reports what a real run would thin, and thins nothing nor logs it."""
    dry = counts(thin_due_records(now=months_ahead(25), dry_run=True))
    assert not Participant.objects.filter(full_name=THINNED_NAME).exists()
    assert SupportSession.objects.filter(reflection=REFLECTION).count() == 8
    assert not AuditEvent.objects.filter(action=AuditAction.THIN).exists()
    assert counts(thin_due_records(now=months_ahead(25))) == dry


def test_a_trainee_who_left_keeps_course_attendance_without_the_reasons(stockholm, coordinator):
    """Someone who left during the course: each day's attendance stays (completion and
    attendance figures), the reasons go; an excused absence keeps a placeholder, as the
    database requires a reason for it."""
    person = accepted_applicant(coordinator, stockholm, "Tilda Avbrutit")
    cohort = default_cohort(coordinator, stockholm, timezone.localdate() - dt.timedelta(weeks=30))
    enrolment = programmes.enrol(actor=coordinator, cohort=cohort, participant=person)
    first, second = cohort.sessions.order_by("date")[:2]
    programmes.record_attendance(
        actor=coordinator,
        session=first,
        enrolment=enrolment,
        status=AttendanceStatus.EXCUSED,
        reason=EXCUSED_REASON,
    )
    programmes.record_attendance(
        actor=coordinator,
        session=second,
        enrolment=enrolment,
        status=AttendanceStatus.ABSENT,
        reason="Missade bussen",
    )
    programmes.withdraw(actor=coordinator, enrolment=enrolment, reason=LEAVING_REASON)
    person.refresh_from_db()
    programmes.change_status(
        actor=coordinator,
        participant=person,
        to_status=ParticipantStatus.LEFT,
        reason="Slutat",
        reason_category="other",
    )

    runs = counts(thin_due_records(now=months_ahead(25)))

    assert runs[("programmes.leavers", "stockholm")] == 1
    assert is_thinned(person)
    assert dict(Attendance.objects.filter(enrolment=enrolment).values_list("status", "reason")) == {
        AttendanceStatus.EXCUSED: THINNED_TEXT,
        AttendanceStatus.ABSENT: "",
    }


def test_someone_who_left_but_now_supervises_keeps_their_account(stockholm, coordinator):
    """The programme record is anonymised and no longer linked to the account; the account
    of a person who holds another role stays as it is."""
    user = person_with_role(Role.SUPERVISOR, stockholm, full_name="Sam Handledare")
    person = participant(
        coordinator,
        stockholm,
        ParticipantStatus.DECLINED,
        full_name="Sam Handledare",
        email=user.email,
    )
    assert person.user == user

    thin_due_records(now=months_ahead(13))

    assert is_thinned(person) and person.user is None
    user.refresh_from_db()
    assert user.is_active and user.full_name == "Sam Handledare"
    assert user.memberships.filter(role=Role.SUPERVISOR).exists()
