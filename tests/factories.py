import factory
from allauth.mfa.totp.internal.auth import TOTP

from peersupport.accounts.models import Membership, Region, Role, User

TEST_PASSWORD = "correct-horse-battery-7"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# The language of users made in the running test; tests marked `english` switch it.
TEST_LANGUAGE = ["sv"]


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Region {n}")
    code = factory.Sequence(lambda n: f"region-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="sv_SE")
    language = factory.LazyFunction(lambda: TEST_LANGUAGE[0])
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def with_totp(obj, create, extracted, **kwargs):
        if create and extracted:
            TOTP.activate(obj, TEST_TOTP_SECRET)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.PEER_SUPPORTER
    region = factory.SubFactory(RegionFactory)


def person_with_role(role: str, region: Region, *, mfa: bool | None = None, **user_fields) -> User:
    """A user holding ``role`` in ``region``; staff roles get TOTP unless ``mfa=False``."""
    from peersupport.accounts.models import ROLES_REQUIRING_MFA

    if mfa is None:
        mfa = role in ROLES_REQUIRING_MFA
    user = UserFactory(with_totp=mfa, **user_fields)
    MembershipFactory(user=user, role=role, region=region)
    return user


def certified_participant(region: Region, user: User | None = None, *, name: str = ""):
    """A certified peer supporter's programme record, written directly.

    A test-only shortcut past the course (register, interview, accept, enrol, attend,
    certify); the programme's own tests take the real path through programmes.actions.
    """
    from programmes.models import Participant, ParticipantStatus

    name = name or (user.full_name if user and user.full_name else "Pia Peer")
    return Participant.objects.create(
        region=region,
        user=user,
        full_name=name,
        email=user.email if user else f"{name.replace(' ', '.').lower()}@example.org",
        lived_experience_declared=True,
        status=ParticipantStatus.CERTIFIED,
    )


def make_workplace_ready(actor: User, workplace) -> None:
    """Confirm every readiness item of ``workplace`` through workplaces.actions: budget,
    anchoring, user-movement contact and the required number of staff trainings."""
    import datetime as dt
    from decimal import Decimal

    from django.conf import settings
    from django.utils import timezone

    from workplaces import actions
    from workplaces.models import ReadinessItem

    today = timezone.localdate()
    actions.confirm_readiness(
        actor=actor,
        workplace=workplace,
        item=ReadinessItem.BUDGET,
        fte=Decimal("1.0"),
        period_start=today,
        period_end=today + dt.timedelta(days=365),
    )
    actions.confirm_readiness(actor=actor, workplace=workplace, item=ReadinessItem.ANCHORING)
    actions.confirm_readiness(
        actor=actor,
        workplace=workplace,
        item=ReadinessItem.USER_MOVEMENT_CONTACT,
        contact_name="RSMH Stockholm",
    )
    for weeks_ago in range(settings.READINESS_STAFF_TRAININGS, 0, -1):
        actions.record_staff_training(
            actor=actor,
            workplace=workplace,
            held_on=today - dt.timedelta(weeks=weeks_ago),
            staff_count=12,
        )


def ready_workplace(
    coordinator: User, region: Region, *, name: str = "Öppenvården Nord", managers=()
):
    """A workplace made ready through workplaces.actions: budget, anchoring, user-movement
    contact and the required number of staff trainings."""
    from workplaces import actions
    from workplaces.models import Principal, WorkplaceType

    organisation = actions.create_organisation(
        actor=coordinator, region=region, name=f"{name} (huvudman)", principal=Principal.REGION
    )
    workplace = actions.create_workplace(
        actor=coordinator,
        organisation=organisation,
        name=name,
        type=WorkplaceType.OUTPATIENT,
        managers=managers,
    )
    make_workplace_ready(coordinator, workplace)
    return workplace


def active_placement(coordinator: User, unit_manager: User, workplace, participant, **fields):
    """A placement proposed by the coordinator and agreed by both sides, so active at once
    (``start_date`` defaults to today; a past start gives follow-ups already due)."""
    from decimal import Decimal

    from django.utils import timezone

    from workplaces import actions
    from workplaces.models import Employer, Task

    fields.setdefault("employer", Employer.ASSOCIATION)
    fields.setdefault("hours_per_week", Decimal("20"))
    fields.setdefault("start_date", timezone.localdate())
    fields.setdefault("tasks", [Task.CONVERSATIONS, Task.BRIDGE_BUILDING])
    placement = actions.propose_placement(
        actor=coordinator, participant=participant, workplace=workplace, **fields
    )
    actions.agree_placement(actor=coordinator, placement=placement)
    return actions.agree_placement(actor=unit_manager, placement=placement)
