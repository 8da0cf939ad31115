"""The slip pages: staff print batches and fetch their PDF, with progress; respondents type
or scan a code on a public page, rate-limited against guessing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from evaluation.actions import slips
from evaluation.models import Invitation, SlipBatch
from evaluation.slip_tasks import write_slips_pdf_task
from evaluation.slips_pdf import format_code
from evaluation.views.slips import code_attempts
from peersupport.audit.models import AuditAction, AuditEvent
from tests.factories import ready_workplace

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def no_queue(monkeypatch):
    """Printing queues the PDF after commit; the tests write it themselves."""
    monkeypatch.setattr(write_slips_pdf_task, "delay", lambda batch_id: None)


@pytest.fixture
def batch(coordinator, workplace, service_wave):
    return slips.print_slips(actor=coordinator, wave=service_wave, workplace=workplace, size=3)


def written(batch: SlipBatch) -> SlipBatch:
    return slips.write_slips_pdf(batch_id=batch.pk) or SlipBatch.objects.get(pk=batch.pk)


def staff_urls(batch: SlipBatch) -> dict[str, str]:
    return {
        "list": reverse("evaluation:slip_batches"),
        "create": reverse("evaluation:slip_batch_create"),
        "detail": reverse("evaluation:slip_batch_detail", args=[batch.pk]),
        "status": reverse("evaluation:slip_batch_status", args=[batch.pk]),
        "pdf": reverse("evaluation:slip_batch_pdf", args=[batch.pk]),
    }


# Permission matrix -------------------------------------------------------------------------

# A batch printed by the coordinator at a Stockholm workplace; the peer supporter is placed
# there but did not print it, so cannot fetch its codes.
EXPECTED = {
    "coordinator": {"list": 200, "create": 200, "detail": 200, "status": 200, "pdf": 200},
    "unit_manager": {"list": 200, "create": 200, "detail": 200, "status": 200, "pdf": 200},
    "peer_supporter": {"list": 200, "create": 200, "detail": 404, "status": 404, "pdf": 404},
    "other_coordinator": {"list": 200, "create": 200, "detail": 404, "status": 404, "pdf": 404},
    "other_peer_supporter": {
        "list": 200,
        "create": 200,
        "detail": 404,
        "status": 404,
        "pdf": 404,
    },
    "supervisor": dict.fromkeys(("list", "create", "detail", "status", "pdf"), 403),
    "researcher": dict.fromkeys(("list", "create", "detail", "status", "pdf"), 403),
    "auditor": dict.fromkeys(("list", "create", "detail", "status", "pdf"), 403),
    "admin_user": dict.fromkeys(("list", "create", "detail", "status", "pdf"), 403),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_permission_matrix_for_the_staff_pages(request, client_for, placed, batch, role):
    user = request.getfixturevalue(role)
    client = client_for(user)
    written(batch)
    for name, url in staff_urls(batch).items():
        assert client.get(url).status_code == EXPECTED[role][name], (role, name)


def test_the_staff_pages_ask_an_anonymous_visitor_to_log_in(client, batch):
    for name, url in staff_urls(batch).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert reverse("account_login") in response["Location"]


def test_the_code_pages_are_open_to_everyone(client, client_for, coordinator):
    for visitor in (client, client_for(coordinator)):
        assert visitor.get(reverse("evaluation:code_entry")).status_code == 200
        assert visitor.get(reverse("evaluation:code_link", args=["ABCDEFGH"])).status_code == 200


# The list ----------------------------------------------------------------------------------


def test_the_list_shows_workplaces_open_surveys_and_counts(
    client_for, coordinator, workplace, batch, service_wave, staff_wave
):
    slips.redeem_code(code=batch.invitations.order_by("pk").first().code)

    response = client_for(coordinator).get(reverse("evaluation:slip_batches"))

    assert response.status_code == 200
    content = response.content.decode()
    assert workplace.name in content
    assert "Brukarenkät" in content and "Personalenkät" in content
    row = next(row for row in response.context["page"] if row.pk == batch.pk)
    assert (row.used, row.unused) == (1, 2)
    for code in batch.invitations.values_list("code", flat=True):
        assert code not in content and format_code(code) not in content


def test_a_peer_supporter_sees_only_service_user_surveys_and_own_batches(
    client_for, placed, coordinator, workplace, service_wave, staff_wave
):
    slips.print_slips(actor=coordinator, wave=service_wave, workplace=workplace, size=2)
    own = slips.print_slips(actor=placed, wave=service_wave, workplace=workplace, size=4)

    response = client_for(placed).get(reverse("evaluation:slip_batches"))

    content = response.content.decode()
    assert "Brukarenkät" in content
    assert "Personalenkät" not in content
    assert [row.pk for row in response.context["page"]] == [own.pk]


def test_someone_without_a_workplace_is_told_who_prints(client_for, peer_supporter):
    response = client_for(peer_supporter).get(reverse("evaluation:slip_batches"))
    assert response.status_code == 200
    assert response.context["workplaces"] == []
    assert not response.context["waves"]


def test_the_list_costs_the_same_queries_however_many_batches(
    client_for, coordinator, stockholm, workplace, service_wave, django_assert_num_queries
):
    client = client_for(coordinator)
    url = reverse("evaluation:slip_batches")
    slips.print_slips(actor=coordinator, wave=service_wave, workplace=workplace, size=1)
    client.get(url)
    with django_assert_num_queries(8):
        client.get(url)
    other = ready_workplace(coordinator, stockholm, name="Boendestöd Syd")
    for place in (workplace, other, other):
        slips.print_slips(actor=coordinator, wave=service_wave, workplace=place, size=2)
    with django_assert_num_queries(8):
        client.get(url)


# Printing ----------------------------------------------------------------------------------


def test_a_peer_supporter_prints_slips_for_their_workplace(client_for, placed, service_wave):
    client = client_for(placed)
    page = client.get(reverse("evaluation:slip_batch_create"))
    assert page.status_code == 200
    assert list(page.context["form"].fields["wave"].queryset) == [service_wave]

    response = client.post(
        reverse("evaluation:slip_batch_create") + f"?workplace={page.context['workplace'].pk}",
        {"wave": service_wave.pk, "size": 16},
    )

    batch = SlipBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:slip_batch_detail", args=[batch.pk])
    assert batch.size == 16 and batch.created_by == placed
    assert batch.invitations.count() == 16


@pytest.mark.parametrize("size", ["0", "201", "åtta", ""])
def test_a_wrong_number_is_refused_next_to_the_field(
    client_for, coordinator, workplace, service_wave, size
):
    url = reverse("evaluation:slip_batch_create") + f"?workplace={workplace.pk}"
    response = client_for(coordinator).post(url, {"wave": service_wave.pk, "size": size})

    assert response.status_code == 200
    assert response.context["form"].errors["size"]
    assert not SlipBatch.objects.exists()


def test_a_peer_supporter_cannot_print_for_staff(client_for, placed, workplace, staff_wave):
    url = reverse("evaluation:slip_batch_create") + f"?workplace={workplace.pk}"
    response = client_for(placed).post(url, {"wave": staff_wave.pk, "size": 5})

    assert response.status_code == 200
    assert response.context["form"].errors["wave"]
    assert not SlipBatch.objects.exists()


def test_a_coordinator_first_chooses_among_several_workplaces(
    client_for, coordinator, stockholm, workplace, service_wave, staff_wave
):
    ready_workplace(coordinator, stockholm, name="Boendestöd Syd")
    client = client_for(coordinator)

    first = client.get(reverse("evaluation:slip_batch_create"))
    assert first.context["workplace"] is None
    assert "waves" not in first.context

    second = client.get(reverse("evaluation:slip_batch_create"), {"workplace": workplace.pk})
    assert second.context["workplace"] == workplace
    assert set(second.context["form"].fields["wave"].queryset) == {service_wave, staff_wave}


def test_another_regions_workplace_cannot_be_chosen(client_for, other_coordinator, workplace):
    response = client_for(other_coordinator).get(
        reverse("evaluation:slip_batch_create"), {"workplace": workplace.pk}
    )
    assert response.status_code == 200
    assert response.context["workplace"] is None
    assert response.context["picker"].errors["workplace"]


def test_no_open_survey_says_so(client_for, coordinator, workplace, service_wave):
    service_wave.closed_at = timezone.now()
    service_wave.save()
    response = client_for(coordinator).get(
        reverse("evaluation:slip_batch_create"), {"workplace": workplace.pk}
    )
    assert response.status_code == 200
    assert response.context["waves"] == []


# The batch and its PDF ---------------------------------------------------------------------


def test_the_batch_page_shows_progress_until_the_pdf_is_written(client_for, coordinator, batch):
    client = client_for(coordinator)
    detail = reverse("evaluation:slip_batch_detail", args=[batch.pk])
    status = reverse("evaluation:slip_batch_status", args=[batch.pk])

    writing = client.get(detail)
    assert writing.context["state"] == "writing"
    assert status in writing.content.decode()
    assert client.get(status).json() == {"status": "writing"}
    assert client.get(reverse("evaluation:slip_batch_pdf", args=[batch.pk])).status_code == 404

    written(batch)

    ready = client.get(detail)
    assert ready.context["state"] == "ready"
    assert reverse("evaluation:slip_batch_pdf", args=[batch.pk]) in ready.content.decode()
    assert client.get(status).json() == {"status": "ready"}


def test_every_pdf_download_is_audit_logged(client_for, unit_manager, batch):
    written(batch)
    before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()

    response = client_for(unit_manager).get(reverse("evaluation:slip_batch_pdf", args=[batch.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == before + 1
    assert event.actor == unit_manager
    assert event.object_id == str(batch.pk)
    assert event.detail == {"slip_batch": "pdf", "slips": 3}


def test_a_lost_pdf_is_asked_for_again_from_the_batch_page(
    client_for, coordinator, batch, monkeypatch, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    detail = reverse("evaluation:slip_batch_detail", args=[batch.pk])
    SlipBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=30)
    )
    assert client.get(detail).context["state"] == "lost"
    queued = []
    monkeypatch.setattr(write_slips_pdf_task, "delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail)

    assert response.status_code == 302
    assert queued == [batch.pk]


def test_a_pdf_still_being_written_is_not_asked_for_twice(client_for, coordinator, batch):
    response = client_for(coordinator).post(
        reverse("evaluation:slip_batch_detail", args=[batch.pk]), follow=True
    )
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(batch.pk))


# The public code pages ---------------------------------------------------------------------


def first_code(batch: SlipBatch) -> str:
    return batch.invitations.order_by("pk").first().code


def test_the_code_page_has_one_big_field_without_autocomplete(client):
    response = client.get(reverse("evaluation:code_entry"))
    content = response.content.decode()
    assert 'name="code"' in content
    assert 'autocomplete="off"' in content
    assert "form-control-lg" in content
    assert 'name="robots" content="noindex"' in content
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_the_qr_link_fills_in_the_code_but_does_not_use_it(client, batch):
    code = first_code(batch)

    response = client.get(reverse("evaluation:code_link", args=[code.lower()]))

    assert response.status_code == 200
    assert f'value="{format_code(code)}"' in response.content.decode()
    assert Invitation.objects.get(code=code).code_used_at is None


def test_a_good_code_opens_the_survey_through_the_personal_link(client, batch):
    code = first_code(batch)

    response = client.post(reverse("evaluation:code_entry"), {"code": format_code(code).lower()})

    invitation = Invitation.objects.get(code=code)
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:answer_start", args=[invitation.token])
    assert invitation.code_used_at is not None


@pytest.mark.english
def test_an_unknown_code_is_explained_next_to_the_field(client, batch):
    response = client.post(reverse("evaluation:code_entry"), {"code": "ZZZZ-ZZZZ"})

    assert response.status_code == 200
    assert "There is no survey with this code" in response.content.decode()
    assert 'value="ZZZZ-ZZZZ"' in response.content.decode()


@pytest.mark.english
def test_a_malformed_code_is_explained_and_not_counted(client, settings, batch):
    settings.SURVEY_CODE_ATTEMPTS = "1/15m"
    for _ in range(3):
        response = client.post(reverse("evaluation:code_entry"), {"code": "abc"})
        assert response.status_code == 200
        assert "eight letters and digits" in response.content.decode()
    assert (
        client.post(reverse("evaluation:code_entry"), {"code": first_code(batch)}).status_code
        == 302
    )


@pytest.mark.english
def test_a_used_code_gets_a_clear_page(client, batch):
    code = first_code(batch)
    client.post(reverse("evaluation:code_entry"), {"code": code})

    response = client.post(reverse("evaluation:code_entry"), {"code": code})

    assert response.status_code == 200
    assert response.context["refusal"] == "used"
    assert "This code has already been used" in response.content.decode()


@pytest.mark.english
def test_a_closed_survey_gets_a_clear_page(client, batch):
    code = first_code(batch)
    batch.wave.closed_at = timezone.now()
    batch.wave.save()

    response = client.post(reverse("evaluation:code_entry"), {"code": code})

    assert response.status_code == 200
    assert "The survey has closed" in response.content.decode()
    assert Invitation.objects.get(code=code).code_used_at is None


@pytest.mark.english
def test_too_many_wrong_codes_answer_429_even_for_a_good_one(client, settings, batch):
    settings.SURVEY_CODE_ATTEMPTS = "3/15m"
    url = reverse("evaluation:code_entry")
    for wrong in ("ZZZZZZZZ", "YYYYYYYY", "XXXXXXXX"):
        assert client.post(url, {"code": wrong}).status_code == 200

    response = client.post(url, {"code": first_code(batch)})

    assert response.status_code == 429
    assert "Wait 15 minutes" in response.content.decode()
    assert Invitation.objects.get(code=first_code(batch)).code_used_at is None


def test_good_codes_do_not_count_towards_the_limit(client, settings, coordinator, batch):
    settings.SURVEY_CODE_ATTEMPTS = "3/15m"
    url = reverse("evaluation:code_entry")
    codes = list(batch.invitations.order_by("pk").values_list("code", flat=True))
    client.post(url, {"code": "ZZZZZZZZ"})
    client.post(url, {"code": "YYYYYYYY"})
    assert client.post(url, {"code": codes[0]}).status_code == 302
    assert client.post(url, {"code": codes[1]}).status_code == 302
    assert client.post(url, {"code": "XXXXXXXX"}).status_code == 200
    assert client.post(url, {"code": codes[2]}).status_code == 429


def test_the_limit_is_counted_per_address_and_the_address_is_not_kept(client, settings, batch):
    settings.SURVEY_CODE_ATTEMPTS = "2/15m"
    url = reverse("evaluation:code_entry")
    for _ in range(2):
        client.post(url, {"code": "ZZZZZZZZ"}, REMOTE_ADDR="203.0.113.7")
    assert client.post(url, {"code": "ZZZZZZZZ"}, REMOTE_ADDR="203.0.113.7").status_code == 429

    response = client.post(url, {"code": first_code(batch)}, REMOTE_ADDR="198.51.100.2")

    assert response.status_code == 302
    keys = list(cache._cache.keys())  # the test cache is local memory
    assert keys and not any("203.0.113.7" in key or "198.51.100.2" in key for key in keys)


def test_the_window_of_the_limit_passes(client, settings, batch):
    settings.SURVEY_CODE_ATTEMPTS = "1/15m"
    url = reverse("evaluation:code_entry")
    client.post(url, {"code": "ZZZZZZZZ"})
    assert client.post(url, {"code": first_code(batch)}).status_code == 429

    cache.clear()  # what the window's expiry does

    assert client.post(url, {"code": first_code(batch)}).status_code == 302


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("10/15m", (10, 900)), ("5/30s", (5, 30)), ("20/1h", (20, 3600))],
)
def test_the_limit_setting(settings, setting, expected):
    settings.SURVEY_CODE_ATTEMPTS = setting
    assert code_attempts() == expected


def test_a_malformed_limit_setting_is_a_configuration_error(settings):
    settings.SURVEY_CODE_ATTEMPTS = "ten a minute"
    with pytest.raises(ImproperlyConfigured):
        code_attempts()


def test_the_survey_goes_on_in_the_language_of_the_code_page(client, settings, batch):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(reverse("evaluation:code_entry"), {"code": first_code(batch)})
    assert Invitation.objects.get(code=first_code(batch)).language == "en"


def test_a_strange_qr_link_shows_the_page_without_trusting_it(client):
    response = client.get(reverse("evaluation:code_link", args=["<script>x" + "A" * 60]))
    assert response.status_code == 200
    assert "<script>x" not in response.content.decode()
