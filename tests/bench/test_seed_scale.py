"""``manage.py seed_scale``: national benchmark data, here at a small factor.

The seed writes its rows in bulk rather than through the actions, so these tests are what
says the rows are valid: every page ``make bench`` measures renders on them.
"""

from collections import defaultdict

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.db.models import Count, Q, Sum
from django.utils import timezone
from psycopg.errors import ForeignKeyViolation

from evaluation.models import Answer, Invitation, InvitationStatus
from peersupport.accounts.models import ROLES_REQUIRING_MFA, Membership, Region, Role, User
from peersupport.accounts.scale import (
    REGIONS,
    SCALE_DOMAIN,
    Bulk,
    check_foreign_keys,
    defer_foreign_key_checks,
)
from peersupport.privacy import find_identifying_data
from programmes.models import STATUS_TRANSITIONS, Participant, ParticipantStatus, StatusChange
from supervision.models import SessionAttendance, SupervisionSession
from tests.services import require_postgres
from workplaces.models import Organisation, Placement, PlacementStatus, SupportSession, Workplace

FACTOR = 0.01
APPLICANT_SIDE = {
    ParticipantStatus.APPLICANT,
    ParticipantStatus.INTERVIEWED,
    ParticipantStatus.ACCEPTED,
    ParticipantStatus.DECLINED,
    ParticipantStatus.LEFT,
}


def _seed(factor: float = FACTOR) -> None:
    require_postgres()
    call_command("seed_scale", factor=factor, stdout=open("/dev/null", "w"))  # noqa: SIM115


def _assert_paths_follow_the_status_machine():
    """Each participant's status changes are steps the status machine allows, in order,
    ending at the status the participant has."""
    paths = defaultdict(list)
    for participant, before, to in StatusChange.objects.order_by(
        "participant_id", "changed_at", "pk"
    ).values_list("participant_id", "from_status", "to_status"):
        paths[participant].append((before, to))
    wrong = []
    for pk, status in Participant.objects.values_list("pk", "status"):
        current = ""
        for before, to in paths[pk]:
            if before != current or (current and to not in STATUS_TRANSITIONS[current]):
                wrong.append((pk, current, before, to))
            current = to
        if current != status:
            wrong.append((pk, current, status))
    assert wrong == []


def _assert_placements_follow_their_rules():
    """Running and past placements were agreed by both sides and have started; no one
    works more than full time; every certified peer supporter has a certificate."""
    today = timezone.localdate()
    placed = Placement.objects.filter(status__in=[PlacementStatus.ACTIVE, PlacementStatus.ENDED])
    assert not placed.filter(
        Q(coordinator_agreed_at__isnull=True) | Q(manager_agreed_at__isnull=True)
    ).exists()
    assert not placed.filter(start_date__gt=today).exists()
    assert not Placement.objects.filter(status=PlacementStatus.ENDED, end_date__gt=today).exists()
    hours = (
        Placement.objects.filter(status=PlacementStatus.ACTIVE)
        .values("participant")
        .annotate(total=Sum("hours_per_week"))
    )
    assert not hours.filter(total__gt=40).exists()
    certified = Participant.objects.filter(
        status__in=[ParticipantStatus.CERTIFIED, ParticipantStatus.PLACED, ParticipantStatus.ALUMNI]
    )
    assert not certified.filter(certificates__isnull=True).exists()


@pytest.mark.django_db
def test_counts_follow_the_national_proportions_with_fictitious_people():
    """At a small factor the seed still has the 21 regions with their staff, the big
    tables scaled exactly, and the largest region largest; its people are fictitious
    (addresses on the reserved domain, no phone numbers, no identifying data in free
    text) and every staff member has a TOTP authenticator."""
    _seed()

    assert Region.objects.count() == len(REGIONS) == 21
    for region in Region.objects.all():
        roles = set(Membership.objects.filter(region=region).values_list("role", flat=True))
        assert {Role.COORDINATOR, Role.SUPERVISOR, Role.AUDITOR, Role.RESEARCHER} <= roles
    assert SupportSession.objects.count() == 250_000 * FACTOR
    assert SupervisionSession.objects.count() == 60_000 * FACTOR
    assert abs(Answer.objects.count() - 100_000 * FACTOR) <= 0.02 * 100_000 * FACTOR
    assert Workplace.objects.count() >= 600 * FACTOR
    # Every region has a peer supporter in post, however small the seed.
    assert Placement.objects.filter(status=PlacementStatus.ACTIVE).count() >= 21
    applicants = Participant.objects.filter(status__in=APPLICANT_SIDE, user__isnull=True)
    assert applicants.count() >= 0.9 * 6000 * FACTOR
    assert Participant.objects.filter(user__isnull=False).count() >= 2000 * FACTOR

    by_size = Region.objects.annotate(n=Count("participants")).order_by("-n")
    assert [region.code for region in by_size[:1]] == ["stockholm"]
    assert SessionAttendance.objects.filter(status="present").exists()

    # The same seed (one seed per test keeps the module quick): no identifying data, and
    # staff have their second factor.
    assert not User.objects.exclude(email__endswith=f"@{SCALE_DOMAIN}").exists()
    assert not Participant.objects.exclude(phone="").exists()
    staff = User.objects.filter(memberships__role__in=ROLES_REQUIRING_MFA).distinct()
    assert staff.exists()
    assert not staff.exclude(
        pk__in=Authenticator.objects.filter(type=Authenticator.Type.TOTP).values("user")
    ).exists()
    texts = [
        *SupportSession.objects.values_list("service_user_code", flat=True),
        *SupportSession.objects.values_list("reflection", flat=True),
        *Participant.objects.values_list("motivation", flat=True),
        *Participant.objects.values_list("full_name", flat=True),
    ]
    assert [text for text in texts if find_identifying_data(text)] == []
    _assert_paths_follow_the_status_machine()
    _assert_placements_follow_their_rules()
    # Answers belong to completed invitations only.
    assert not Answer.objects.exclude(invitation__status=InvitationStatus.COMPLETED).exists()
    assert not Invitation.objects.filter(
        status=InvitationStatus.COMPLETED, answers__isnull=True
    ).exists()


@pytest.mark.django_db
def test_every_benchmarked_page_renders_for_its_user(client):
    """Every page ``make bench`` measures answers 200 to the person who looks at it (staff
    have their TOTP authenticator, so the second-factor check lets them through)."""
    from bench.pages import resolve_pages

    _seed(0.005)

    failures = []
    for page in resolve_pages():
        client.logout()
        if page.user is not None:
            client.force_login(page.user)
        response = client.get(page.path)
        if response.status_code != 200:
            failures.append((page.name, page.path, response.status_code))
    assert failures == []


@pytest.mark.django_db
def test_a_second_run_is_refused_and_adds_nothing():
    _seed(0.005)
    before = (User.objects.count(), Participant.objects.count(), SupportSession.objects.count())

    with pytest.raises(CommandError, match="running it a second time is refused"):
        call_command("seed_scale", factor=0.005)

    after = (User.objects.count(), Participant.objects.count(), SupportSession.objects.count())
    assert after == before


@pytest.mark.django_db
def test_refused_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="DJANGO_ENV=production"):
        call_command("seed_scale", factor=0.005)

    assert not Region.objects.exists()


@pytest.mark.django_db
def test_refused_on_another_database_than_postgresql(monkeypatch):
    from django.db import connection

    monkeypatch.setattr(connection, "vendor", "sqlite")

    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("seed_scale", factor=0.005)


@pytest.mark.django_db
def test_a_row_pointing_at_nothing_fails_the_seed():
    """The seed loads without the per-row foreign-key triggers when it may, then checks
    every key it wrote; a row whose parent is missing stops it either way."""
    bulk = Bulk()
    defer_foreign_key_checks()
    missing_region = 2_000_000_000

    with pytest.raises((ValueError, ForeignKeyViolation), match="region"):
        bulk.copy(
            Organisation, ["region", "name", "principal"], [(missing_region, "Org", "region")]
        )
        check_foreign_keys(bulk)
