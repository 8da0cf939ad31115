import pytest
from django.urls import reverse

from peersupport.audit.actions import record_event
from peersupport.audit.models import AppendOnlyError, AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def test_audit_events_cannot_be_changed_or_deleted(peer_supporter):
    """The audit log is append-only through the application."""
    event = record_event(actor=peer_supporter, action=AuditAction.READ, obj=peer_supporter)
    event.action = AuditAction.EXPORT
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.EXPORT)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.READ


def test_admin_can_filter_the_audit_log_but_not_edit_it(admin_user, peer_supporter, client_for):
    record_event(actor=peer_supporter, action=AuditAction.READ, obj=peer_supporter)
    record_event(actor=peer_supporter, action=AuditAction.EXPORT, obj=peer_supporter)
    client = client_for(admin_user)
    listing = client.get(reverse("admin:audit_auditevent_changelist"), {"action": "export"})
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list.values_list("action", flat=True)) == ["export"]
    event = AuditEvent.objects.first()
    change = client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {})
    assert change.status_code == 403
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
