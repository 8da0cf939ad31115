"""The admin cannot go round the rules: domain records are read-only there, configuration is
edited with the privacy guard on its free text, and every change made there, and every read
of a person's record, is audit-logged."""

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from peersupport.accounts.models import Region
from peersupport.admin import AuditedAdminMixin, ReadOnlyAdminMixin
from peersupport.audit.models import AuditAction, AuditEvent
from programmes.models import CourseTemplate, Participant
from tests.factories import active_placement, certified_participant, ready_workplace
from workplaces import actions as workplace_actions
from workplaces.models import SupportSession

pytestmark = pytest.mark.django_db

DOMAIN_MODELS = [
    "programmes.Participant",
    "programmes.StatusChange",
    "programmes.Cohort",
    "programmes.CourseSession",
    "programmes.Enrolment",
    "programmes.Attendance",
    "programmes.Certificate",
    "programmes.Event",
    "programmes.EventInvitation",
    "workplaces.ReadinessConfirmation",
    "workplaces.StaffTraining",
    "workplaces.TraineeOrder",
    "workplaces.Placement",
    "workplaces.FollowUpReview",
    "workplaces.ReviewResponse",
    "workplaces.SupportSession",
    "supervision.Supervisor",
    "supervision.SupervisionGroup",
    "supervision.SupervisionSession",
    "supervision.SessionAttendance",
    "supervision.SupervisorNote",
    "notifications.Notification",
    "notifications.CalendarFeed",
    "dataprotection.Consent",
    "extracts.Extract",
    "audit.AuditEvent",
]


def admin_url(obj, view="change"):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk])


def model_admin(label):
    return next(a for m, a in admin.site._registry.items() if m._meta.label == label)


@pytest.mark.parametrize("label", DOMAIN_MODELS)
def test_a_domain_record_is_read_only_in_the_admin(label, admin_user, rf):
    """No add, change or delete for anyone, the superuser included."""
    request = rf.get("/admin/")
    request.user = admin_user
    model_admin_ = model_admin(label)
    assert isinstance(model_admin_, ReadOnlyAdminMixin)
    assert not model_admin_.has_add_permission(request)
    assert not model_admin_.has_change_permission(request)
    assert not model_admin_.has_delete_permission(request)
    assert model_admin_.has_view_permission(request)


def test_every_admin_page_is_audited():
    """Ours and the libraries' (allauth, Celery beat, Django's groups) alike."""
    unaudited = [
        model._meta.label
        for model, model_admin_ in admin.site._registry.items()
        if not isinstance(model_admin_, AuditedAdminMixin)
    ]
    assert unaudited == []


def test_a_superuser_cannot_change_a_participant(admin_user, stockholm, client_for):
    """The page shows the record without a form to save; a post is refused (403) and
    changes nothing. Opening the page is logged as a read of that person's record."""
    participant = certified_participant(stockholm, name="Alva Ek")
    client = client_for(admin_user)

    page = client.get(admin_url(participant))
    post = client.post(
        admin_url(participant),
        {"full_name": "Someone Else", "region": stockholm.pk, "status": "left"},
    )
    delete = client.post(admin_url(participant, "delete"), {"post": "yes"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert post.status_code == 403
    assert delete.status_code == 403
    assert client.get(reverse("admin:programmes_participant_add")).status_code == 403
    participant.refresh_from_db()
    assert (participant.full_name, participant.status) == ("Alva Ek", "certified")
    read = AuditEvent.objects.get(action=AuditAction.READ)
    assert (read.actor, read.object_id, read.detail) == (
        admin_user,
        str(participant.pk),
        {"via": "admin"},
    )


def test_a_superuser_cannot_change_or_delete_a_support_session(
    admin_user, coordinator, unit_manager, peer_supporter, stockholm, client_for
):
    """A logged support session cannot be rewritten or removed in the admin."""
    workplace = ready_workplace(coordinator, stockholm, managers=[unit_manager])
    placement = active_placement(
        coordinator, unit_manager, workplace, certified_participant(stockholm, peer_supporter)
    )
    session = workplace_actions.log_support_session(
        actor=peer_supporter,
        placement=placement,
        date=timezone.localdate(),
        minutes=45,
        kind="conversation",
    )
    client = client_for(admin_user)

    post = client.post(admin_url(session), {"minutes": 300, "kind": "conversation"})
    delete = client.post(admin_url(session, "delete"), {"post": "yes"})
    bulk = client.post(
        reverse("admin:workplaces_supportsession_changelist"),
        {"action": "delete_selected", "_selected_action": [session.pk], "post": "yes"},
    )

    assert (post.status_code, delete.status_code) == (403, 403)
    assert bulk.status_code in (200, 302)
    assert SupportSession.objects.get().minutes == 45


def test_a_change_to_configuration_is_audit_logged(admin_user, stockholm, client_for):
    """Renaming a region in the admin writes an UPDATE naming the field, not its value."""
    response = client_for(admin_user).post(
        admin_url(stockholm), {"name": "Region Stockholm-Gotland", "code": "stockholm"}
    )

    assert response.status_code == 302
    assert Region.objects.get(pk=stockholm.pk).name == "Region Stockholm-Gotland"
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert (event.actor, event.object_type, event.object_id) == (
        admin_user,
        "accounts.region",
        str(stockholm.pk),
    )
    assert event.detail["via"] == "admin"
    assert [change["kind"] for change in event.detail["changes"]] == ["changed"]
    assert len(event.detail["changes"][0]["fields"]) == 1
    assert "Gotland" not in str(event.detail)


def test_adding_and_deleting_configuration_is_audit_logged(admin_user, client_for):
    """A region added and then deleted in the admin leaves a CREATE and a DELETE."""
    client = client_for(admin_user)
    client.post(reverse("admin:accounts_region_add"), {"name": "Region Gotland", "code": "gotland"})
    gotland = Region.objects.get(code="gotland")
    client.post(admin_url(gotland, "delete"), {"post": "yes"})

    assert not Region.objects.filter(code="gotland").exists()
    assert list(
        AuditEvent.objects.filter(object_type="accounts.region")
        .order_by("at")
        .values_list("action", "object_id")
    ) == [(AuditAction.CREATE, str(gotland.pk)), (AuditAction.DELETE, str(gotland.pk))]


def test_free_text_in_configuration_passes_the_privacy_guard(admin_user, client_for):
    """A course module's learning aims holding a personal identity number are refused with
    a message at the field, and nothing is saved or logged."""
    template = CourseTemplate.objects.get(is_default=True)
    response = client_for(admin_user).post(
        reverse("admin:programmes_coursemodule_add"),
        {
            "template": template.pk,
            "name": "Egen berättelse",
            "learning_aims": "Som Anna 19900101-1234 berättade",
            "position": 9,
        },
    )

    assert response.status_code == 200
    assert "learning_aims" in response.context["adminform"].form.errors
    assert not template.modules.filter(name="Egen berättelse").exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


def test_a_workplace_contact_name_holding_a_phone_number_is_refused(
    admin_user, coordinator, stockholm, client_for
):
    """The contact person's name is a name: a phone number there is refused at the field."""
    workplace = ready_workplace(coordinator, stockholm)
    client = client_for(admin_user)
    page = client.get(admin_url(workplace))
    response = client.post(
        admin_url(workplace),
        {
            "name": workplace.name,
            "type": workplace.type,
            "contact_name": "Per 070-123 45 67",
            **unchanged_inlines(page),
        },
    )

    assert response.status_code == 200
    assert "contact_name" in response.context["adminform"].form.errors
    workplace.refresh_from_db()
    assert workplace.contact_name == ""


def unchanged_inlines(page) -> dict[str, int]:
    """The management fields of the page's inline formsets, posting none of their rows."""
    return {
        inline.formset.management_form.add_prefix(field): 0
        for inline in page.context["inline_admin_formsets"]
        for field in ("TOTAL_FORMS", "INITIAL_FORMS")
    }


def test_participants_are_never_changed_by_a_bulk_action(admin_user, stockholm, client_for):
    """The delete action is not offered on a domain record's list."""
    certified_participant(stockholm, name="Alva Ek")
    response = client_for(admin_user).get(reverse("admin:programmes_participant_changelist"))
    assert "delete_selected" not in response.content.decode()
    assert Participant.objects.count() == 1


def test_a_bulk_action_on_a_librarys_admin_page_is_audit_logged(admin_user, client_for):
    """Celery beat's "disable" action changes rows without the admin's change log: the audit
    log names the action and the rows."""
    every_hour = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    task = PeriodicTask.objects.create(
        name="Nightly thinning", task="peersupport.retention.tasks.thin", interval=every_hour
    )

    client_for(admin_user).post(
        reverse("admin:django_celery_beat_periodictask_changelist"),
        {"action": "disable_tasks", ACTION_CHECKBOX_NAME: [task.pk]},
    )

    task.refresh_from_db()
    assert not task.enabled
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.actor == admin_user
    assert event.detail == {
        "via": "admin",
        "model": "django_celery_beat.periodictask",
        "admin_action": "disable_tasks",
        "ids": [str(task.pk)],
    }
