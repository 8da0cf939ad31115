"""Every model of ours is in the admin, with columns, search and filters that work."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

OUR_APPS = {
    "accounts",
    "audit",
    "notifications",
    "programmes",
    "workplaces",
    "supervision",
    "evaluation",
    "retention",
    "extracts",
}


def our_models():
    return [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m._meta.label)
def test_model_is_registered_usefully(model):
    model_admin = admin.site._registry.get(model)
    assert model_admin is not None, f"{model._meta.label} is not registered in the admin"
    assert tuple(model_admin.list_display) != ("__str__",), "give it list_display"
    assert model_admin.search_fields, "give it search_fields"
    filterable = [
        f
        for f in model._meta.fields
        if not f.primary_key
        and (
            f.choices
            or f.is_relation
            or f.get_internal_type() in {"BooleanField", "DateField", "DateTimeField"}
        )
    ]
    if filterable:
        assert model_admin.list_filter, "give it list_filter"


@pytest.mark.django_db
@pytest.mark.parametrize("model", our_models(), ids=lambda m: m._meta.label)
def test_changelist_opens_with_a_search(model, admin_user, client_for):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client_for(admin_user).get(url, {"q": "x"})
    assert response.status_code == 200
