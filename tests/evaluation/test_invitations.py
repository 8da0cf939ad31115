"""Invitations made from programme events: once, on the right day, called off when the
event is undone."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from evaluation.actions.invitations import make_due_invitations
from evaluation.actions.reminders import pending_survey_notifications
from evaluation.anchors import (
    STOCKHOLM,
    Focus,
    at_opening_time,
    open_anonymous_windows,
    readiness_met_on,
)
from evaluation.models import Anchor, Invitation, InvitationStatus, RespondentGroup, StudyStatus
from evaluation.signals import invite_enrolled_trainee
from programmes import actions as programme_actions
from programmes.models import Enrolment
from tests.factories import active_placement, certified_participant, ready_workplace
from tests.programmes.course_state import accepted_applicant, default_cohort
from workplaces import actions as workplace_actions

from .builders import make_instrument, make_study, make_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def instrument():
    return make_instrument("exp")


@pytest.fixture
def cohort(coordinator, stockholm):
    return default_cohort(coordinator, stockholm, timezone.localdate() + dt.timedelta(days=7))


def enrolled(coordinator, cohort, name="Tove Trainee", **fields) -> Enrolment:
    participant = accepted_applicant(coordinator, cohort.region, name, **fields)
    return programme_actions.enrol(actor=coordinator, cohort=cohort, participant=participant)


def test_enrolling_a_trainee_invites_them_to_the_baseline_with_its_emails(
    coordinator, stockholm, cohort, instrument
):
    """The real enrol action makes the baseline invitation at once, in the trainee's
    language, with the e-mail due when its window opens – at once in the day, at eight in the
    morning when enrolled at night – and reminders a week apart within the window."""
    wave = make_wave(
        make_study(regions=[stockholm]),
        [instrument],
        window_days=30,
        max_reminders=2,
        reminder_interval_days=7,
    )

    enrolment = enrolled(coordinator, cohort, language="en")

    invitation = Invitation.objects.get(wave=wave)
    assert invitation.anchor_key == f"enrolment:{enrolment.pk}"
    assert invitation.participant == enrolment.participant
    assert invitation.user is None
    assert invitation.region == stockholm
    assert invitation.language == "en"
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.opens_at <= max(timezone.now(), at_opening_time(timezone.localdate()))
    assert invitation.closes_at == invitation.opens_at + dt.timedelta(days=30)
    emails = pending_survey_notifications(Invitation.objects.all()).order_by("due_at")
    assert [(n.kind, n.occurrence, n.due_at, n.recipient) for n in emails] == [
        ("survey_invitation", "invitation", invitation.opens_at, None),
        ("survey_reminder", "reminder-1", invitation.opens_at + dt.timedelta(days=7), None),
        ("survey_reminder", "reminder-2", invitation.opens_at + dt.timedelta(days=14), None),
    ]


def test_sweeps_and_hooks_run_again_make_nothing_twice(coordinator, stockholm, cohort, instrument):
    """Running the sweep twice and the enrolment hook twice leaves one invitation per
    trainee and one of each e-mail."""
    wave = make_wave(make_study(regions=[stockholm]), [instrument])
    first = enrolled(coordinator, cohort, "Ada Ett")
    second = enrolled(coordinator, cohort, "Bo Två")

    assert make_due_invitations() == 0
    assert make_due_invitations() == 0
    invite_enrolled_trainee(sender=Enrolment, enrolment=first)
    invite_enrolled_trainee(sender=Enrolment, enrolment=first)

    assert sorted(wave.invitations.values_list("anchor_key", flat=True)) == sorted(
        [f"enrolment:{first.pk}", f"enrolment:{second.pk}"]
    )
    assert pending_survey_notifications(Invitation.objects.all()).count() == 2 * 3


def test_a_study_not_open_or_not_covering_the_region_invites_nobody(
    coordinator, stockholm, skane, cohort, instrument
):
    """A draft study and a study of another region make no invitations."""
    make_wave(make_study(regions=[stockholm], status=StudyStatus.DRAFT), [instrument])
    make_wave(make_study(regions=[skane]), [instrument])

    enrolled(coordinator, cohort)

    assert make_due_invitations() == 0
    assert not Invitation.objects.exists()


def test_a_national_study_covers_every_region(coordinator, stockholm, cohort, instrument):
    """A study with no regions invites in every region."""
    wave = make_wave(make_study(), [instrument])
    enrolled(coordinator, cohort)
    assert wave.invitations.count() == 1


def test_opening_a_study_invites_the_enrolments_whose_window_still_runs(
    coordinator, stockholm, cohort, instrument
):
    """A study opened after the enrolments invites those whose baseline window is still
    open, and not one whose window has passed."""
    study = make_study(regions=[stockholm], status=StudyStatus.DRAFT)
    wave = make_wave(study, [instrument], window_days=10)
    recent = enrolled(coordinator, cohort, "Ny Trainee")
    old = enrolled(coordinator, cohort, "Gammal Trainee")
    Enrolment.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=11))
    study.status = StudyStatus.OPEN
    study.save()

    assert make_due_invitations(study=study) == 1
    assert list(wave.invitations.values_list("anchor_key", flat=True)) == [f"enrolment:{recent.pk}"]


@pytest.fixture
def placed(coordinator, unit_manager, stockholm):
    """A placement that started two years ago (agreed and active at once)."""
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    participant = certified_participant(stockholm, name="Pia Placerad")
    start = timezone.localdate() - relativedelta(years=2)
    return active_placement(coordinator, unit_manager, workplace, participant, start_date=start)


@pytest.mark.parametrize("months", [6, 12])
def test_a_wave_months_after_placement_start_opens_on_its_day(
    placed, stockholm, instrument, months
):
    """A wave 6 (12) months after the placement started opens on that day at 08:00
    Swedish time: not the day before, and not after its window has passed."""
    study = make_study(regions=[stockholm])
    wave = make_wave(
        study,
        [instrument],
        anchor=Anchor.PLACEMENT_START,
        offset_months=months,
        window_days=21,
    )
    opening = placed.start_date + relativedelta(months=months)

    assert make_due_invitations(today=opening - dt.timedelta(days=1)) == 0
    assert make_due_invitations(today=opening + dt.timedelta(days=21)) == 0
    assert make_due_invitations(today=opening) == 1
    assert make_due_invitations(today=opening + dt.timedelta(days=3)) == 0

    invitation = wave.invitations.get()
    assert invitation.anchor_key == f"placement:{placed.pk}"
    assert (invitation.participant, invitation.placement, invitation.workplace) == (
        placed.participant,
        placed,
        placed.workplace,
    )
    assert invitation.opens_at == dt.datetime.combine(opening, dt.time(8), tzinfo=STOCKHOLM)
    assert invitation.closes_at == invitation.opens_at + dt.timedelta(days=21)


def test_activating_a_placement_invites_the_peer_supporter_and_its_unit_managers(
    coordinator, unit_manager, stockholm, instrument
):
    """Placement-start waves with no offset invite through the activation itself: the
    peer supporter, and each unit manager of the workplace in their own language."""
    study = make_study(regions=[stockholm])
    peer_wave = make_wave(study, [instrument], anchor=Anchor.PLACEMENT_START)
    manager_wave = make_wave(
        study, [instrument], group=RespondentGroup.UNIT_MANAGERS, anchor=Anchor.PLACEMENT_START
    )
    unit_manager.language = "en"
    unit_manager.save()
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    participant = certified_participant(stockholm)

    placement = active_placement(coordinator, unit_manager, workplace, participant)

    assert peer_wave.invitations.get().anchor_key == f"placement:{placement.pk}"
    manager_invitation = manager_wave.invitations.get()
    assert manager_invitation.anchor_key == f"placement:{placement.pk}:{unit_manager.pk}"
    assert (manager_invitation.user, manager_invitation.language) == (unit_manager, "en")
    assert manager_invitation.participant is None


def test_ending_a_placement_cancels_its_pending_invitations_and_their_emails(
    coordinator, unit_manager, stockholm, instrument
):
    """Ending the placement cancels the invitations nobody has started and withdraws
    their e-mails; a started one stays, with its reminders."""
    study = make_study(regions=[stockholm])
    waiting = make_wave(study, [instrument], anchor=Anchor.PLACEMENT_START, name="Start")
    answering = make_wave(
        study,
        [instrument],
        group=RespondentGroup.UNIT_MANAGERS,
        anchor=Anchor.PLACEMENT_START,
        name="Chefer",
    )
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    placement = active_placement(
        coordinator, unit_manager, workplace, certified_participant(stockholm)
    )
    answering.invitations.update(status=InvitationStatus.STARTED)

    workplace_actions.end_placement(
        actor=coordinator, placement=placement, reason="Avbruten", reason_category="other"
    )

    cancelled = waiting.invitations.get()
    assert cancelled.status == InvitationStatus.CANCELLED
    assert cancelled.cancelled_reason
    assert not pending_survey_notifications(waiting.invitations.all()).exists()
    assert answering.invitations.get().status == InvitationStatus.STARTED
    assert pending_survey_notifications(answering.invitations.all()).exists()
    assert make_due_invitations() == 0


def test_leaving_the_course_cancels_the_course_end_invitation(
    coordinator, stockholm, cohort, instrument
):
    """A trainee who leaves is not asked about the course's end; the baseline stays."""
    study = make_study(regions=[stockholm])
    baseline = make_wave(study, [instrument], name="Baslinje")
    course_end = make_wave(study, [instrument], anchor=Anchor.COURSE_END, name="Kursslut")
    enrolment = enrolled(coordinator, cohort)
    cohort.refresh_from_db()
    assert make_due_invitations(today=cohort.end_date + dt.timedelta(days=1)) == 1
    assert course_end.invitations.get().anchor_key == f"course_end:{enrolment.pk}"

    programme_actions.withdraw(actor=coordinator, enrolment=enrolment, reason="Flyttar")

    assert course_end.invitations.get().status == InvitationStatus.CANCELLED
    assert not pending_survey_notifications(course_end.invitations.all()).exists()
    assert baseline.invitations.get().status == InvitationStatus.PENDING


def test_a_custom_wave_invites_within_its_dates_until_its_last_day_ends(
    coordinator, stockholm, instrument
):
    """A custom wave asks the region's peer supporters while its dates run; its
    invitations close when its last day ends."""
    today = timezone.localdate()
    participant = certified_participant(stockholm)
    wave = make_wave(
        make_study(regions=[stockholm]),
        [instrument],
        anchor=Anchor.CUSTOM,
        opens_on=today + dt.timedelta(days=2),
        closes_on=today + dt.timedelta(days=12),
    )

    assert make_due_invitations(today=today + dt.timedelta(days=1)) == 0
    assert make_due_invitations(today=today + dt.timedelta(days=13)) == 0
    assert make_due_invitations(today=today + dt.timedelta(days=2)) == 1

    invitation = wave.invitations.get()
    assert invitation.participant == participant
    assert invitation.opens_at == dt.datetime.combine(
        today + dt.timedelta(days=2), dt.time(8), tzinfo=STOCKHOLM
    )
    assert invitation.closes_at == dt.datetime.combine(
        today + dt.timedelta(days=13), dt.time(0), tzinfo=STOCKHOLM
    )


def test_unit_managers_are_invited_when_their_workplace_becomes_ready(
    coordinator, unit_manager, stockholm, instrument
):
    """A readiness wave opens for each unit manager on the day the workplace's last
    requirement was met, made by the readiness action itself."""
    wave = make_wave(
        make_study(regions=[stockholm]),
        [instrument],
        group=RespondentGroup.UNIT_MANAGERS,
        anchor=Anchor.READINESS_MET,
    )

    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])

    assert readiness_met_on(workplace) == timezone.localdate()
    invitation = wave.invitations.get()
    assert invitation.anchor_key == f"readiness:{workplace.pk}:{unit_manager.pk}"
    assert invitation.user == unit_manager
    assert invitation.workplace == workplace


def test_the_readiness_date_is_the_day_the_last_requirement_was_met(
    coordinator, unit_manager, stockholm
):
    """Ready on the latest of the confirmations and the required staff training."""
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    workplace.readiness.update(confirmed_on=timezone.localdate() - dt.timedelta(days=30))
    workplace.refresh_from_db()
    held = sorted(workplace.staff_trainings.values_list("held_on", flat=True))

    assert readiness_met_on(workplace) == held[-1]

    workplace.readiness.first().delete()
    workplace.refresh_from_db()
    assert readiness_met_on(workplace) is None


def test_anonymous_waves_get_no_invitations_but_open_windows_for_slips(
    coordinator, unit_manager, stockholm, placed, instrument
):
    """Staff and service-user waves make no personal invitations; the slip printer learns
    which of them are open at the workplace today (from eight in the morning)."""
    study = make_study(regions=[stockholm])
    staff_ready = make_wave(
        study,
        [instrument],
        group=RespondentGroup.WORKPLACE_STAFF,
        anchor=Anchor.READINESS_MET,
        window_days=400,
        name="Personal före",
    )
    users_now = make_wave(
        study,
        [instrument],
        group=RespondentGroup.SERVICE_USERS,
        anchor=Anchor.PLACEMENT_START,
        offset_months=12,
        window_days=400,
        name="Brukare 12 mån",
    )
    make_wave(
        study,
        [instrument],
        group=RespondentGroup.SERVICE_USERS,
        anchor=Anchor.PLACEMENT_START,
        offset_months=6,
        window_days=30,
        name="Brukare 6 mån (stängd)",
    )
    custom = make_wave(
        study, [instrument], group=RespondentGroup.SERVICE_USERS, anchor=Anchor.CUSTOM
    )

    assert make_due_invitations() == 0
    windows = open_anonymous_windows(placed.workplace)

    assert [wave for wave, _opens, _closes in windows] == [staff_ready, users_now, custom]
    today_from_eight = max(timezone.now(), at_opening_time(timezone.localdate()))
    for _wave, opens_at, closes_at in windows:
        assert opens_at <= today_from_eight < closes_at


def test_the_fast_path_invites_only_the_one_respondent(coordinator, stockholm, cohort, instrument):
    """A hook's focus limits the run to the enrolment it names."""
    study = make_study(regions=[stockholm], status=StudyStatus.DRAFT)
    wave = make_wave(study, [instrument])
    first = enrolled(coordinator, cohort, "Ada Ett")
    enrolled(coordinator, cohort, "Bo Två")
    study.status = StudyStatus.OPEN
    study.save()

    assert make_due_invitations(focus=Focus(enrolment_id=first.pk), anchor=Anchor.ENROLMENT) == 1
    assert wave.invitations.get().anchor_key == f"enrolment:{first.pk}"
