"""The legal-basis register: every kind of personal record has one, and admins read it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from peersupport.dataprotection.registry import model_labels, registry
from programmes.models import Participant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("dataprotection:legal_basis")


def _our_models():
    """Every model of the project's own apps (not Django's or a library's)."""
    root = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if root in path.parents and ".venv" not in path.parts:
            yield from config.get_models()


def _is_personal(model) -> bool:
    """A person's record: the account or programme record itself, or a row that points at
    one (a foreign key, one-to-one or many-to-many)."""
    people = {get_user_model(), Participant}
    if model in people:
        return True
    return any(
        field.is_relation and not field.auto_created and field.related_model in people
        for field in model._meta.get_fields()
    )


def test_every_personal_record_of_every_app_has_a_legal_basis():
    """A model holding or pointing at a person has a legal-basis entry: a new model fails
    here until its app registers why it keeps the data."""
    personal = {model._meta.label_lower for model in _our_models() if _is_personal(model)}
    assert {"programmes.participant", "accounts.user", "supervision.supervisornote"} <= personal
    missing = personal - model_labels(registry.legal_bases.values())
    assert not missing, f"Register a LegalBasis for: {sorted(missing)}"


def test_every_model_named_in_the_register_exists():
    """A misspelt or removed model in the register is caught."""
    for label in model_labels(registry.legal_bases.values()):
        assert apps.get_model(label) is not None


def test_every_entry_states_purpose_and_article_6_and_consent_entries_name_a_purpose():
    """Each entry says why (purpose) and on which art. 6 ground; an entry resting on
    consent names a consent purpose that is registered, and says art. 9.2 a."""
    for entry in registry.legal_bases.values():
        assert str(entry.purpose).strip() and str(entry.article_6).strip(), entry.key
        assert str(entry.retention).strip(), entry.key
        if entry.consent_purpose:
            assert entry.consent_purpose in registry.consent_purposes
            assert "9.2 a" in str(entry.article_9)
    declaration = registry.legal_bases["programmes.lived_experience"]
    assert declaration.consent_purpose == "lived_experience"


def test_admins_read_the_register(admin_user, client_for):
    """The page lists every entry with its articles and the consent text version."""
    response = client_for(admin_user).get(PAGE)
    assert response.status_code == 200
    assert len(response.context["entries"]) == len(registry.legal_bases)
    page = response.content.decode()
    assert 'id="basis-programmes-lived_experience"' in page
    assert "9.2 a" in page and "6.1 e" in page


def test_a_staff_member_who_is_not_superuser_reads_it_too(client_for):
    staff = UserFactory(is_staff=True, with_totp=True)
    assert client_for(staff).get(PAGE).status_code == 200


@pytest.mark.parametrize("role", ["coordinator", "peer_supporter", "auditor", "researcher"])
def test_other_roles_are_refused(role, request, client_for):
    """Only admins: everyone else gets 403, whatever their role."""
    user = request.getfixturevalue(role)
    assert client_for(user).get(PAGE).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_menu_links_it_for_admins_only(admin_user, coordinator, client_for):
    def account_menu(user):
        response = client_for(user).get(reverse("home"))
        return [item["url"] for item in response.context["account_items"]]

    assert PAGE in account_menu(admin_user)
    assert PAGE not in account_menu(coordinator)
