"""State for the to-do tests: ``n`` tasks of every kind a role sees, built through the
apps' actions (evaluation invitations straight in the database, as its builders do)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from evaluation.models import InvitationStatus
from peersupport.accounts import actions as account_actions
from peersupport.accounts.models import Membership, Role
from peersupport.notifications.models import Notification
from programmes import actions as programme_actions
from programmes.models import AttendanceStatus
from tests.evaluation.builders import make_instrument, make_invitation, make_study, make_wave
from tests.factories import active_placement, certified_participant
from tests.programmes.course_state import accepted_applicant, default_cohort
from workplaces import actions as workplace_actions
from workplaces.models import Employer, ReadinessItem

# Completed and pending invitations of a wave under target: both at least the small-number
# threshold, so the rate is shown (5 of 15 = 33 %, target 60 %).
COMPLETED, PENDING = 5, 10


def proposed_placement(coordinator, workplace, name: str):
    """A placement the coordinator proposed and no one has agreed yet."""
    return workplace_actions.propose_placement(
        actor=coordinator,
        participant=certified_participant(workplace.region, name=name),
        workplace=workplace,
        employer=Employer.ASSOCIATION,
        hours_per_week=Decimal("20"),
        start_date=timezone.localdate() + dt.timedelta(days=7),
    )


def placed_since(coordinator, unit_manager, workplace, name: str, *, months: int = 2, user=None):
    """An active placement that started ``months`` ago: its first follow-up is overdue
    and, with no supervision planned, its peer supporter is short of supervision."""
    participant = certified_participant(workplace.region, user, name=name)
    return active_placement(
        coordinator,
        unit_manager,
        workplace,
        participant,
        start_date=timezone.localdate() - relativedelta(months=months),
    )


def trainees_at_risk(coordinator, region, n: int):
    """A cohort under way with ``n`` trainees absent from more days than the rule allows."""
    start = timezone.localdate() - dt.timedelta(days=40)
    cohort = default_cohort(coordinator, region, start, name="Riskkursen")
    enrolments = [
        programme_actions.enrol(
            actor=coordinator,
            cohort=cohort,
            participant=accepted_applicant(coordinator, region, f"Risk Deltagare {index}"),
        )
        for index in range(n)
    ]
    days = list(cohort.sessions.order_by("date"))[:4]
    for enrolment in enrolments:
        for day in days:
            programme_actions.record_attendance(
                actor=coordinator, session=day, enrolment=enrolment, status=AttendanceStatus.ABSENT
            )
    return cohort, enrolments


def waves_under_target(region, n: int):
    """``n`` open waves in the region's study, each answered by a third of those invited."""
    study = make_study(name="Uppföljning", regions=[region])
    instrument = make_instrument()
    waves = []
    for index in range(n):
        wave = make_wave(study, [instrument], name=f"Våg {index}")
        for number in range(COMPLETED + PENDING):
            make_invitation(
                wave,
                region=region,
                anchor_key=f"w{index}-{number}",
                status=(
                    InvitationStatus.COMPLETED if number < COMPLETED else InvitationStatus.PENDING
                ),
            )
        waves.append(wave)
    return study, waves


def invitation_not_accepted(coordinator, region, name: str):
    """A person invited eight days ago who has not chosen a password."""
    membership = account_actions.invite_person(
        actor=coordinator,
        email=f"{name.replace(' ', '.').lower()}@example.org",
        full_name=name,
        role=Role.PEER_SUPPORTER,
        region=region,
    )
    week_ago = timezone.now() - dt.timedelta(days=8)
    Membership.objects.filter(pk=membership.pk).update(created_at=week_ago)
    Notification.objects.filter(recipient=membership.user).update(created_at=week_ago)
    return membership.user


def confirm_budget(coordinator, workplace, *, ends_in_days: int):
    """The workplace's budget confirmed for a period ending ``ends_in_days`` from today."""
    today = timezone.localdate()
    workplace_actions.confirm_readiness(
        actor=coordinator,
        workplace=workplace,
        item=ReadinessItem.BUDGET,
        fte=Decimal("1.0"),
        period_start=today - dt.timedelta(days=300),
        period_end=today + dt.timedelta(days=ends_in_days),
    )
