"""Periods are set in the admin, per region or nationally; every change is audit-logged."""

from __future__ import annotations

from django.urls import reverse

from peersupport.audit.models import AuditAction, AuditEvent
from peersupport.retention.models import RetentionSetting

ADD = reverse("admin:retention_retentionsetting_add")


def test_the_admin_offers_the_settable_rules_only(admin_user, client_for):
    """Rules that follow another rule's period are not offered on their own."""
    response = client_for(admin_user).get(ADD)
    choices = dict(response.context["adminform"].form.fields["rule"].choices)
    assert {"programmes.applicants", "programmes.leavers", "workplaces.session_text"} <= set(
        choices
    )
    assert "audit.events" in choices
    assert "workplaces.leaver_placements" not in choices


def test_setting_a_regional_period_is_audit_logged(admin_user, client_for, skane):
    """The admin sets Skåne's period for declined applicants; the event names the rule,
    the region and the months."""
    response = client_for(admin_user).post(
        ADD, {"rule": "programmes.applicants", "region": skane.pk, "months": 24}
    )
    assert response.status_code == 302
    setting = RetentionSetting.objects.get()
    assert (setting.region, setting.months, setting.changed_by) == (skane, 24, admin_user)
    event = AuditEvent.objects.get(
        action=AuditAction.CREATE, object_type="retention.retentionsetting"
    )
    assert event.detail == {"rule": "programmes.applicants", "region": "skane", "months": 24}


def test_a_second_national_setting_for_a_rule_is_refused_at_the_form(admin_user, client_for):
    """One national setting per rule: a second one is refused with a message, not a 500."""
    RetentionSetting.objects.create(rule="audit.events", region=None, months=120)
    response = client_for(admin_user).post(ADD, {"rule": "audit.events", "months": 84})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert RetentionSetting.objects.get().months == 120


def test_the_settings_page_lists_every_kind_of_record_with_its_default(admin_user, client_for):
    """The admin sees each settable rule's default period and what thinning does, with
    the records that follow it."""
    response = client_for(admin_user).get(reverse("admin:retention_retentionsetting_changelist"))
    rules = {entry["rule"].key: entry for entry in response.context["retention_rules"]}
    assert rules["programmes.applicants"]["rule"].default_months == 12
    assert rules["audit.events"]["rule"].default_months == 60
    assert {f.key for f in rules["programmes.leavers"]["followers"]} == {
        "workplaces.leaver_placements",
        "workplaces.leaver_reviews",
        "supervision.leaver_attendance",
    }
    assert b"<code>workplaces.session_text</code>" in response.content
