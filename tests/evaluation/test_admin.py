"""The evaluation in the admin: studies, invitations, answers, slips and exports are
read-only; a published instrument version cannot be changed; the link token, the slip
code, the pseudonym key and what an answer says never show in a list."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from evaluation.models import (
    Answer,
    Instrument,
    Invitation,
    InvitationStatus,
    Item,
    ResearchExport,
    ResponseScale,
    SlipBatch,
    Study,
    StudyInformation,
    Subscale,
    Wave,
    WaveInstrument,
)
from peersupport.admin import ReadOnlyAdminMixin
from peersupport.audit.models import AuditAction, AuditEvent
from tests.factories import certified_participant

from .builders import answer, make_instrument, make_invitation, make_study, make_wave

pytestmark = pytest.mark.django_db

FREE_TEXT = "Jag mår mycket bättre sedan i våras"

READ_ONLY = [
    Instrument,
    ResponseScale,
    Subscale,
    Item,
    Study,
    StudyInformation,
    Wave,
    WaveInstrument,
    SlipBatch,
    Invitation,
    Answer,
    ResearchExport,
]


def url(obj, view: str = "change") -> str:
    meta = obj._meta
    args = [obj.pk] if view == "change" else []
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


@pytest.fixture
def invitation(stockholm):
    version = make_instrument()
    wave = make_wave(make_study(regions=[stockholm]), [version])
    invitation = make_invitation(
        wave,
        region=stockholm,
        anchor_key="enrolment:1",
        participant=certified_participant(stockholm, name="Alva Ek"),
    )
    answer(invitation, {"a1": 4, "a2": 2, "a3": 5, "b1": 3})
    Answer.objects.filter(invitation=invitation, item__key="b1").update(text=FREE_TEXT)
    return invitation


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda model: model.__name__)
def test_evaluation_records_are_read_only_in_the_admin(model, admin_user, rf):
    """No add, change or delete for anyone, the superuser included."""
    request = rf.get("/admin/")
    request.user = admin_user
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, ReadOnlyAdminMixin)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)


def test_a_published_instrument_version_cannot_be_changed(admin_user, client_for):
    """Posting a new description to a published version is refused and changes nothing."""
    version = make_instrument(published=True)
    response = client_for(admin_user).post(
        url(version), {"description_sv": "Ändrad", "description_en": "", "source": ""}
    )

    assert response.status_code == 403
    version.refresh_from_db()
    assert version.description_sv == ""


def test_a_draft_versions_description_is_corrected_and_audit_logged(admin_user, client_for):
    """A draft's description and source are editable; its items and scoring are not."""
    version = make_instrument(published=False)
    client = client_for(admin_user)
    page = client.get(url(version))
    form = page.context["adminform"].form
    assert set(form.fields) == {"description_sv", "description_en", "source"}

    response = client.post(
        url(version),
        {
            "description_sv": "Om deltagarens upplevelse",
            "description_en": "About the participant's experience",
            "source": "Skrivet av forskargruppen, CC BY 4.0",
            "total_method": "sum",
            **{
                f"{inline.formset.prefix}-{field}": 0
                for inline in page.context["inline_admin_formsets"]
                for field in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        },
    )

    assert response.status_code == 302
    version.refresh_from_db()
    assert version.description_sv == "Om deltagarens upplevelse"
    assert version.total_method == "mean"
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.object_type == "evaluation.instrumentversion"
    assert "deltagarens" not in str(event.detail)


def test_the_invitation_page_shows_neither_link_token_nor_slip_code(
    admin_user, client_for, invitation, stockholm
):
    """An invitation's token or code would let its reader answer in the respondent's
    place: neither the list nor the page shows them, nor filters on them (400)."""
    slip = make_invitation(invitation.wave, region=stockholm, anchor_key="slip:1", code="ABCDEFGH")
    client = client_for(admin_user)
    listing = client.get(url(invitation, "changelist")).content.decode()
    pages = client.get(url(invitation)).content.decode() + client.get(url(slip)).content.decode()

    assert "Alva Ek" in listing
    for secret in (invitation.token, slip.token, slip.code):
        assert secret not in listing and secret not in pages
    for lookup in ("token", "code__startswith"):
        response = client.get(url(invitation, "changelist"), {lookup: "A"})
        assert response.status_code == 400


def test_the_study_page_never_shows_the_pseudonym_key(admin_user, client_for, invitation):
    study = invitation.wave.study
    client = client_for(admin_user)
    page = client.get(url(study)).content.decode()

    assert study.name in page
    assert study.pseudonym_key not in page
    assert study.pseudonym_key not in client.get(url(study, "changelist")).content.decode()


def test_the_answer_list_shows_that_an_item_was_answered_never_what(
    admin_user, client_for, invitation
):
    """The list has no value or text column, its search does not reach the text, and a
    filter on the value or text from the address is refused; one answer's page shows
    it, and opening it is audit-logged as a read of the respondent's record."""
    client = client_for(admin_user)
    changelist = url(Answer.objects.first(), "changelist")
    listing = client.get(changelist)

    assert listing.status_code == 200
    columns = listing.context["cl"].list_display
    assert "value" not in columns and "text" not in columns
    assert FREE_TEXT not in listing.content.decode()
    assert client.get(changelist, {"q": "bättre"}).context["cl"].result_count == 0
    for lookup in ("text__contains", "value", "value__gte"):
        assert client.get(changelist, {lookup: "3"}).status_code == 400

    free_text = Answer.objects.get(item__key="b1")
    detail = client.get(url(free_text))
    assert FREE_TEXT in detail.content.decode()
    read = AuditEvent.objects.get(
        action=AuditAction.READ, object_type="evaluation.answer", object_id=str(free_text.pk)
    )
    assert (read.subject_kind, read.subject_id) == (
        "programmes.participant",
        invitation.participant_id,
    )


def test_a_withdrawn_invitation_lists_its_status(admin_user, client_for, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        status=InvitationStatus.WITHDRAWN, withdrawn_at=timezone.now()
    )
    response = client_for(admin_user).get(
        url(invitation, "changelist"), {"status__exact": InvitationStatus.WITHDRAWN}
    )
    assert response.context["cl"].result_count == 1
