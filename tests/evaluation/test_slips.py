"""Printed slips: who may print a batch for which group, the codes and their window, the
PDF a worker writes, and redeeming a code once."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from evaluation.actions import slips
from evaluation.anchors import end_of_day
from evaluation.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Anchor,
    Invitation,
    InvitationStatus,
    RespondentGroup,
    SlipBatch,
    StudyStatus,
)
from evaluation.slip_tasks import write_slips_pdf_task
from evaluation.slips_pdf import format_code
from peersupport.accounts.models import Role
from peersupport.audit.models import AuditAction, AuditEvent
from tests.celery_worker import celery_worker_process  # noqa: F401
from tests.factories import (
    active_placement,
    certified_participant,
    person_with_role,
)
from tests.services import require_executable
from workplaces import actions as workplace_actions

from .builders import make_instrument, make_study, make_wave

pytestmark = pytest.mark.django_db

PDFTOTEXT = "/usr/bin/pdftotext"


def pdf_text(batch: SlipBatch) -> str:
    require_executable(PDFTOTEXT)
    result = subprocess.run(
        [PDFTOTEXT, "-layout", batch.pdf.path, "-"], capture_output=True, check=True
    )
    return result.stdout.decode()


def test_a_batch_holds_one_anonymous_invitation_per_slip(placed, workplace, service_wave):
    """Each slip is an invitation of the wave at the workplace, in its region, with a code
    of its own in the slip alphabet, the custom wave's window and no person."""
    batch = slips.print_slips(actor=placed, wave=service_wave, workplace=workplace, size=12)

    invitations = list(batch.invitations.all())
    assert len(invitations) == 12 == batch.size
    codes = {invitation.code for invitation in invitations}
    assert len(codes) == 12
    for invitation in invitations:
        assert len(invitation.code) == CODE_LENGTH
        assert set(invitation.code) <= set(CODE_ALPHABET)
        assert invitation.anchor_key == f"slip:{invitation.code}"
        assert invitation.wave == service_wave
        assert invitation.workplace == workplace
        assert invitation.region_id == workplace.region_id
        assert invitation.participant_id is None and invitation.user_id is None
        assert invitation.status == InvitationStatus.PENDING
        assert invitation.code_used_at is None
        assert invitation.closes_at == end_of_day(service_wave.closes_on)
        assert invitation.opens_at <= timezone.now() < invitation.closes_at
    assert batch.created_by == placed


def test_printing_is_audit_logged_with_counts_only(placed, workplace, service_wave):
    batch = slips.print_slips(actor=placed, wave=service_wave, workplace=workplace, size=3)

    event = AuditEvent.objects.get(object_type="evaluation.slipbatch", object_id=str(batch.pk))
    assert event.action == AuditAction.CREATE
    assert event.actor == placed
    assert event.region_id == workplace.region_id
    assert event.detail == {"slip_batch": "printed", "slips": 3, "wave": service_wave.pk}
    for code in batch.invitations.values_list("code", flat=True):
        assert code not in str(event.detail) and code not in event.object_repr


@pytest.mark.parametrize(
    ("who", "group", "allowed"),
    [
        ("placed", "service", True),
        ("placed", "staff", False),
        ("peer_supporter", "service", False),
        ("unit_manager", "service", True),
        ("unit_manager", "staff", True),
        ("coordinator", "service", True),
        ("coordinator", "staff", True),
        ("other_coordinator", "service", False),
        ("researcher", "service", False),
    ],
)
def test_who_may_print_for_which_group(
    request, workplace, service_wave, staff_wave, who, group, allowed
):
    """A peer supporter placed at the workplace prints for its service users; its unit
    managers and the region's coordinators for service users and staff; nobody else."""
    actor = request.getfixturevalue(who)
    wave = service_wave if group == "service" else staff_wave
    if allowed:
        batch = slips.print_slips(actor=actor, wave=wave, workplace=workplace, size=2)
        assert batch.invitations.count() == 2
    else:
        with pytest.raises(ValidationError) as refused:
            slips.print_slips(actor=actor, wave=wave, workplace=workplace, size=2)
        assert refused.value.code == "forbidden"
        assert not SlipBatch.objects.exists()


def test_a_peer_supporter_whose_placement_ended_prints_no_more(
    coordinator, unit_manager, stockholm, workplace, service_wave
):
    person = person_with_role(Role.PEER_SUPPORTER, stockholm, full_name="Ulla Utflyttad")
    participant = certified_participant(stockholm, person)
    placement = active_placement(coordinator, unit_manager, workplace, participant)
    workplace_actions.end_placement(
        actor=coordinator,
        placement=placement,
        end_date=timezone.localdate(),
        reason="Flyttat",
        reason_category="work_or_studies",
    )

    with pytest.raises(ValidationError):
        slips.print_slips(actor=person, wave=service_wave, workplace=workplace, size=1)


@pytest.mark.parametrize("size", [0, -1, 201])
def test_a_batch_has_between_1_and_200_slips(coordinator, workplace, service_wave, size):
    with pytest.raises(ValidationError) as refused:
        slips.print_slips(actor=coordinator, wave=service_wave, workplace=workplace, size=size)
    assert refused.value.code == "size"
    assert not Invitation.objects.exists()


def test_two_hundred_slips_is_the_most(coordinator, workplace, service_wave):
    batch = slips.print_slips(actor=coordinator, wave=service_wave, workplace=workplace, size=200)
    assert batch.invitations.values("code").distinct().count() == 200


@pytest.mark.parametrize("closing", ["wave_closed", "dates_passed", "not_yet", "study_closed"])
def test_no_slips_without_an_open_window(coordinator, workplace, service_wave, closing):
    today = timezone.localdate()
    if closing == "wave_closed":
        service_wave.closed_at = timezone.now()
    elif closing == "dates_passed":
        service_wave.opens_on = today - dt.timedelta(days=40)
        service_wave.closes_on = today - dt.timedelta(days=1)
    elif closing == "not_yet":
        service_wave.opens_on = today + dt.timedelta(days=1)
        service_wave.closes_on = today + dt.timedelta(days=30)
    service_wave.save()
    if closing == "study_closed":
        service_wave.study.status = StudyStatus.CLOSED
        service_wave.study.save()

    with pytest.raises(ValidationError) as refused:
        slips.print_slips(actor=coordinator, wave=service_wave, workplace=workplace, size=5)
    assert refused.value.code == "not_open"
    assert not SlipBatch.objects.exists()


def test_a_wave_of_another_region_cannot_be_printed_here(coordinator, workplace, skane):
    elsewhere = make_study(name="Skånes uppföljning", regions=[skane])
    wave = make_wave(
        elsewhere,
        [make_instrument("su")],
        group=RespondentGroup.SERVICE_USERS,
        anchor=Anchor.CUSTOM,
    )
    with pytest.raises(ValidationError):
        slips.print_slips(actor=coordinator, wave=wave, workplace=workplace, size=5)


def test_a_code_already_taken_is_never_given_again(
    coordinator, workplace, service_wave, monkeypatch
):
    first = slips.print_slips(actor=coordinator, wave=service_wave, workplace=workplace, size=1)
    taken = first.invitations.get().code
    fresh = iter([taken, taken, "ABCDEFGH"])
    monkeypatch.setattr(slips, "new_code", lambda: next(fresh))

    second = slips.print_slips(actor=coordinator, wave=service_wave, workplace=workplace, size=1)

    assert second.invitations.get().code == "ABCDEFGH"


def test_a_collision_at_the_last_moment_is_tried_again(
    coordinator, workplace, service_wave, monkeypatch
):
    """Another batch took the code between the check and the insert: the slips are made
    with new codes, and nothing of the failed try is left."""
    first = slips.print_slips(actor=coordinator, wave=service_wave, workplace=workplace, size=1)
    taken = first.invitations.get().code
    batches = iter([[taken, "ABCDEFGH"], ["JKMNPQRS", "TUVWXYZ2"]])
    monkeypatch.setattr(slips, "_fresh_codes", lambda count: next(batches))

    second = slips.print_slips(actor=coordinator, wave=service_wave, workplace=workplace, size=2)

    assert sorted(second.invitations.values_list("code", flat=True)) == ["JKMNPQRS", "TUVWXYZ2"]
    assert Invitation.objects.count() == 3


# Redeeming ---------------------------------------------------------------------------------


@pytest.fixture
def batch(coordinator, workplace, service_wave):
    return slips.print_slips(actor=coordinator, wave=service_wave, workplace=workplace, size=3)


def a_code(batch: SlipBatch) -> str:
    return batch.invitations.order_by("pk").first().code


@pytest.mark.parametrize(
    "typed", ["{code}", "{lower}", "{first}-{second}", " {first} {second} ", "{first}–{second}"]
)
def test_a_code_is_found_however_it_is_typed(batch, typed):
    code = a_code(batch)
    text = typed.format(code=code, lower=code.lower(), first=code[:4], second=code[4:])

    invitation = slips.redeem_code(code=text)

    assert invitation.code == code
    assert invitation.code_used_at is not None


@pytest.mark.parametrize(("language", "kept"), [("en", "en"), ("sv", "sv"), ("xx", "sv")])
def test_the_survey_continues_in_the_language_of_the_code_page(batch, language, kept):
    invitation = slips.redeem_code(code=a_code(batch), language=language)
    invitation.refresh_from_db()
    assert invitation.language == kept


def test_a_code_works_once(batch):
    code = a_code(batch)
    slips.redeem_code(code=code)
    used_at = Invitation.objects.get(code=code).code_used_at

    with pytest.raises(ValidationError) as refused:
        slips.redeem_code(code=code)

    assert refused.value.code == "used"
    assert Invitation.objects.get(code=code).code_used_at == used_at


@pytest.mark.parametrize("typed", ["", "ABC", "ABCDEFGHJ", "ABCDEFG0", "ABCDEFGI", "ZZZZZZZZ"])
def test_an_unknown_or_malformed_code_is_refused(batch, typed):
    with pytest.raises(ValidationError) as refused:
        slips.redeem_code(code=typed)
    assert refused.value.code == "unknown"
    assert not Invitation.objects.filter(code_used_at__isnull=False).exists()


@pytest.mark.english
def test_a_used_code_gets_a_clear_message(batch):
    code = a_code(batch)
    slips.redeem_code(code=code)
    with pytest.raises(ValidationError) as refused:
        slips.redeem_code(code=code)
    assert "already been used" in refused.value.messages[0]


@pytest.mark.parametrize("closing", ["window_passed", "wave_closed", "study_closed", "cancelled"])
def test_a_code_of_a_closed_survey_is_refused_and_stays_unused(batch, closing):
    code = a_code(batch)
    invitation = Invitation.objects.get(code=code)
    wave = invitation.wave
    if closing == "window_passed":
        Invitation.objects.filter(pk=invitation.pk).update(
            opens_at=timezone.now() - dt.timedelta(days=40),
            closes_at=timezone.now() - dt.timedelta(minutes=1),
        )
    elif closing == "wave_closed":
        wave.closed_at = timezone.now()
        wave.save()
    elif closing == "study_closed":
        wave.study.status = StudyStatus.CLOSED
        wave.study.save()
    else:
        Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.CANCELLED)

    with pytest.raises(ValidationError) as refused:
        slips.redeem_code(code=code)

    assert refused.value.code == "closed"
    assert Invitation.objects.get(code=code).code_used_at is None


def test_a_code_before_its_survey_opens_is_refused_with_the_day(batch):
    code = a_code(batch)
    opens = timezone.now() + dt.timedelta(days=3)
    Invitation.objects.filter(code=code).update(
        opens_at=opens, closes_at=opens + dt.timedelta(days=30)
    )

    with pytest.raises(ValidationError) as refused:
        slips.redeem_code(code=code)

    assert refused.value.code == "not_open"
    assert str(timezone.localtime(opens).day) in refused.value.messages[0]
    assert Invitation.objects.get(code=code).code_used_at is None


# The PDF -----------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_pdf_prints_every_code_with_the_address_and_last_day(
    media, settings, coordinator, workplace, service_wave
):
    """Nine slips make two pages; each slip shows its code as ABCD-EFGH, the address to
    type it at and the last day to answer."""
    settings.SITE_URL = "https://enkat.example.se"
    batch = slips.print_slips(actor=coordinator, wave=service_wave, workplace=workplace, size=9)

    written = slips.write_slips_pdf(batch_id=batch.pk)

    assert written.pdf.name.startswith("evaluation/slips/slips-")
    text = pdf_text(written)
    assert text.count("\f") >= 1  # a page break: two pages
    for code in batch.invitations.values_list("code", flat=True):
        assert format_code(code) in text
    assert "https://enkat.example.se/evaluation/k/" in text.replace("\n", "").replace(" ", "")
    assert service_wave.closes_on.strftime("%Y") in text
    assert str(service_wave.closes_on.day) in text


def test_the_staff_slips_ask_about_the_workplace(media, coordinator, workplace, staff_wave):
    batch = slips.print_slips(actor=coordinator, wave=staff_wave, workplace=workplace, size=1)
    text = pdf_text(slips.write_slips_pdf(batch_id=batch.pk))
    assert "workplace" in text or "arbetsplats" in text
    assert "peer supporter?" not in text and "peer supporter?" not in text.replace("\n", " ")


def test_the_pdf_is_written_once(media, coordinator, workplace, service_wave):
    batch = slips.print_slips(actor=coordinator, wave=service_wave, workplace=workplace, size=1)
    first = slips.write_slips_pdf(batch_id=batch.pk)

    assert slips.write_slips_pdf(batch_id=batch.pk) is None
    batch.refresh_from_db()
    assert batch.pdf.name == first.pdf.name


def test_printing_queues_the_pdf_after_commit(
    coordinator, workplace, service_wave, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(write_slips_pdf_task, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        batch = slips.print_slips(actor=coordinator, wave=service_wave, workplace=workplace, size=1)
    assert queued == [batch.pk]


def test_a_lost_pdf_may_be_asked_for_again(
    coordinator, workplace, service_wave, django_capture_on_commit_callbacks, monkeypatch
):
    batch = slips.print_slips(actor=coordinator, wave=service_wave, workplace=workplace, size=1)
    with pytest.raises(ValidationError):
        slips.rewrite_slips_pdf(actor=coordinator, batch=batch)

    SlipBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - slips.PDF_LOST_AFTER - dt.timedelta(seconds=1)
    )
    batch.refresh_from_db()
    queued = []
    monkeypatch.setattr(write_slips_pdf_task, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        slips.rewrite_slips_pdf(actor=coordinator, batch=batch)
    assert queued == [batch.pk]


@pytest.fixture
def worker_media(settings, tmp_path, monkeypatch):
    """The worker's media folder, and the test's: the worker reads it from the environment."""
    folder = tmp_path / "worker-media"
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(folder))
    settings.MEDIA_ROOT = folder
    return folder


@pytest.mark.worker
def test_the_real_worker_knows_and_runs_the_pdf_task(
    worker_media,
    celery_worker_process,  # noqa: F811
    coordinator,
    workplace,
    service_wave,
):
    batch = slips.print_slips(actor=coordinator, wave=service_wave, workplace=workplace, size=2)

    result = celery_worker_process.send(write_slips_pdf_task, batch.pk)
    celery_worker_process.wait_for_task(result, timeout=60)

    batch.refresh_from_db()
    assert (worker_media / batch.pdf.name).is_file()
    assert "evaluation.slip_tasks.write_slips_pdf_task" in celery_worker_process.log
