import factory
from allauth.mfa.totp.internal.auth import TOTP

from peersupport.accounts.models import Membership, Region, Role, User

TEST_PASSWORD = "correct-horse-battery-7"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


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
    language = "sv"
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
