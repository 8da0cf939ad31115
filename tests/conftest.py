import os

import pytest
from allauth.account.internal.flows.login import record_authentication
from django.conf import settings
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.utils import translation
from zeal import zeal_ignore
from zeal.constants import initialize_app_registry
from zeal.patch import patch as patch_zeal

from peersupport.accounts.models import Role

from .factories import TEST_LANGUAGE, RegionFactory, UserFactory, person_with_role

# Playwright's sync API runs an event loop in the test thread; Django's ORM is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.NOTIFICATIONS_DISPATCH_ON_SCHEDULE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A private in-process cache: clearing it never touches a shared Redis (or its queues).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


# The N+1 guard (django-zeal, a dev dependency: production never installs it). Zeal's app
# config would do these two steps; the guard is a test-suite concern, so the suite does them.
initialize_app_registry()
patch_zeal()


@pytest.fixture(autouse=True)
def _n_plus_one_guard(request, settings):
    """Every page the test client reads raises ``zeal.NPlusOneError`` on an N+1 pattern (see
    tests/n_plus_one_guard.py), on top of the pinned query counts.
    ``@pytest.mark.zeal_ignore(allowlist=[{"model": "app.Model", "field": "f"}])`` exempts a
    documented false positive; an exemption that stops matching fails the test."""
    settings.MIDDLEWARE = ["tests.n_plus_one_guard.guard_page_reads", *settings.MIDDLEWARE]
    settings.ZEAL_RAISE = True
    settings.ZEAL_NPLUSONE_THRESHOLD = 2
    settings.ZEAL_CHECK_UNUSED_IGNORES = True
    marker = request.node.get_closest_marker("zeal_ignore")
    if marker is None:
        yield
        return
    with zeal_ignore(marker.kwargs["allowlist"]):
        yield


@pytest.fixture(autouse=True)
def _language(request):
    """Swedish, as the product; tests marked ``english`` compare messages as written in
    English, so their users (and code outside a request) use English."""
    english = request.node.get_closest_marker("english") and not request.node.get_closest_marker(
        "swedish"
    )
    language = "en" if english else "sv"
    TEST_LANGUAGE[0] = language
    with translation.override(language):
        yield
    TEST_LANGUAGE[0] = "sv"


@pytest.fixture
def client(client):
    """A visitor without an account sees pages in the test's language, chosen in the
    language menu (public pages such as the survey code page have no user to read it from)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = TEST_LANGUAGE[0]
    return client


@pytest.fixture
def stockholm(db):
    return RegionFactory(code="stockholm", name="Region Stockholm")


@pytest.fixture
def skane(db):
    return RegionFactory(code="skane", name="Region Skåne")


@pytest.fixture
def coordinator(stockholm):
    return person_with_role(Role.COORDINATOR, stockholm, full_name="Karin Koordinator")


@pytest.fixture
def other_coordinator(skane):
    """A coordinator of another region (Skåne)."""
    return person_with_role(Role.COORDINATOR, skane, full_name="Anders Annan")


@pytest.fixture
def peer_supporter(stockholm):
    return person_with_role(Role.PEER_SUPPORTER, stockholm, full_name="Elias Peer")


@pytest.fixture
def other_peer_supporter(skane):
    return person_with_role(Role.PEER_SUPPORTER, skane, full_name="Lina Annan")


@pytest.fixture
def supervisor(stockholm):
    return person_with_role(Role.SUPERVISOR, stockholm, full_name="Maria Handledare")


@pytest.fixture
def other_supervisor(stockholm):
    """A second supervisor in the same region, who leads none of the first one's groups."""
    return person_with_role(Role.SUPERVISOR, stockholm, full_name="Olle Handledare")


@pytest.fixture
def unit_manager(stockholm):
    return person_with_role(Role.UNIT_MANAGER, stockholm, full_name="Johan Enhetschef")


@pytest.fixture
def researcher(stockholm):
    return person_with_role(Role.RESEARCHER, stockholm, full_name="Sara Forskare")


@pytest.fixture
def auditor(stockholm):
    """Follows up Stockholm's access log (loggkontroll)."""
    return person_with_role(Role.AUDITOR, stockholm, full_name="Greta Granskare")


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True, is_superuser=True, with_totp=True, full_name="Ada Admin")


ROLE_FIXTURES = [
    "coordinator",
    "other_coordinator",
    "peer_supporter",
    "supervisor",
    "other_supervisor",
    "unit_manager",
    "researcher",
    "auditor",
    "admin_user",
]


def mark_reauthenticated(client: Client, user) -> None:
    """Records in the client's session, through allauth, that the user has just typed their
    password, as the re-authentication page does: views that ask for it then let them in."""
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = user
    record_authentication(request, user, method="password", email=user.email, reauthenticated=True)
    request.session.save()


@pytest.fixture
def client_for():
    """A test client logged in as the given user; ``reauthenticated=True`` as if they had
    just confirmed their password (for exports and private notes)."""

    def make(user, *, reauthenticated: bool = False):
        client = Client()
        client.force_login(user)
        if reauthenticated:
            mark_reauthenticated(client, user)
        return client

    return make
