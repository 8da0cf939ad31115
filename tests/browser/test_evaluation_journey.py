"""The follow-up journey the research team asks to see, end to end: a researcher imports
an instrument (a broken file is refused with its line and nothing is saved), builds a
study with a baseline wave, publishes its information and opens it; enrolling a trainee
sends the baseline e-mail through the real worker; on a 360 px phone, without an
account, the trainee consents, answers half, leaves, comes back and finishes; no reminder
follows, even 60 days later; the researcher reads the response rate and the score and
downloads the export the worker wrote."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from statistics import mean

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from evaluation.export_tasks import produce_export_task
from evaluation.models import (
    Instrument,
    InstrumentVersion,
    Invitation,
    InvitationStatus,
    ResearchExport,
    Study,
    StudyStatus,
)
from peersupport.notifications.tasks import dispatch_notifications
from programmes import actions as programme_actions
from tests.celery_worker import celery_worker_process  # noqa: F401
from tests.evaluation.builders import answer, make_invitation
from tests.factories import certified_participant
from tests.programmes.course_state import accepted_applicant, default_cohort

from .auth import submit_reauthentication

pytestmark = pytest.mark.worker

PHONE = {"width": 360, "height": 740}
TOKEN_PATH = re.compile(r"/evaluation/s/[\w-]+/")

AGREE = [
    {"value": value, "label": {"sv": f"Svar {value}", "en": f"Answer {value}"}}
    for value in range(1, 6)
]
# Hope on page 1 (h3 reverse-scored), own recovery on page 2.
INSTRUMENT = {
    "format": "peersupport-instrument/1",
    "key": "journey-hope",
    "name": {"sv": "Hopp och återhämtning", "en": "Hope and recovery"},
    "description": {"sv": "Fem korta frågor.", "en": "Five short questions."},
    "source": "Skrivet av forskargruppen för testet, fritt att använda.",
    "scales": [{"key": "agree5", "min": 1, "max": 5, "anchors": AGREE}],
    "subscales": [
        {"key": "hope", "name": {"sv": "Hopp", "en": "Hope"}, "method": "mean",
         "min_answered": 1},
        {"key": "recovery", "name": {"sv": "Återhämtning", "en": "Recovery"},
         "method": "mean", "min_answered": 1},
    ],
    "items": [
        {"key": "h1", "text": {"sv": "Jag ser fram emot saker.", "en": "I look forward."},
         "scale": "agree5", "subscale": "hope", "page": 1},
        {"key": "h2", "text": {"sv": "Jag tror att det ordnar sig.", "en": "It will be fine."},
         "scale": "agree5", "subscale": "hope", "page": 1},
        {"key": "h3", "text": {"sv": "Jag känner mig uppgiven.", "en": "I feel hopeless."},
         "scale": "agree5", "subscale": "hope", "reverse": True, "page": 1},
        {"key": "r1", "text": {"sv": "Jag tar hand om mig.", "en": "I look after myself."},
         "scale": "agree5", "subscale": "recovery", "page": 2},
        {"key": "r2", "text": {"sv": "Jag vet vad som hjälper mig.", "en": "I know what helps."},
         "scale": "agree5", "subscale": "recovery", "page": 2},
    ],
}  # fmt: skip
# Five earlier respondents' answers, so the figures pass the small-number rule (n ≥ 5),
# and the trainee's. The hope score is the mean of h1, h2 and 6 − h3.
PLANTED = [
    {"h1": 4, "h2": 4, "h3": 2, "r1": 3, "r2": 4},
    {"h1": 3, "h2": 4, "h3": 3, "r1": 4, "r2": 4},
    {"h1": 5, "h2": 4, "h3": 1, "r1": 5, "r2": 5},
    {"h1": 2, "h2": 3, "h3": 4, "r1": 2, "r2": 3},
    {"h1": 4, "h2": 5, "h3": 2, "r1": 4, "r2": 3},
]
TRAINEE = {"h1": 5, "h2": 5, "h3": 2, "r1": 4, "r2": 5}


def instrument_file(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def hope_score(values: dict[str, int]) -> float:
    return mean([values["h1"], values["h2"], 6 - values["h3"]])


def decimal_pattern(value: float) -> re.Pattern:
    """The figure as the page prints it with two decimals, in Swedish or English."""
    whole, decimals = f"{value:.2f}".split(".")
    return re.compile(rf"\b{whole}[.,]{decimals}\b")


def upload(page: Page, name: str, text: str) -> None:
    page.locator("input[name='file']").set_input_files(
        files=[{"name": name, "mimeType": "application/json", "buffer": text.encode()}]
    )
    page.locator("form[enctype='multipart/form-data'] [type='submit']").click()


def choose(page: Page, values: dict[str, int]) -> None:
    """Tap the answer of each item (its choices are numbered from 0 for the value 1)."""
    for key, value in values.items():
        page.locator(f"label[for='id_{key}_{value - 1}']").click()


def test_from_instrument_to_export(
    browser: Browser,
    page_for,
    live_server,
    settings,
    celery_worker_process,  # noqa: F811
    researcher,
    coordinator,
    stockholm,
    tmp_path,
):
    settings.EVALUATION_EXPORTS_QUEUE_ON_REQUEST = False
    page = page_for(researcher)

    # 1. The researcher imports an instrument file; a broken one is refused with the line
    # and the reason, and nothing of it is saved.
    page.goto(live_server.url + reverse("evaluation:instrument_import"))
    broken = json.loads(json.dumps(INSTRUMENT))
    broken["items"][3]["scale"] = "agree7"
    broken_text = instrument_file(broken)
    line = broken_text[: broken_text.index('"agree7"')].count("\n") + 1
    upload(page, "hopp-trasig.json", broken_text)
    errors = page.locator("#import-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text(re.compile(rf"\b{line}\b.*agree7"))
    assert (Instrument.objects.count(), InstrumentVersion.objects.count()) == (0, 0)

    upload(page, "hopp.json", instrument_file(INSTRUMENT))
    expect(page).to_have_url(re.compile(r"/evaluation/instruments/\d+/$"))
    version = InstrumentVersion.objects.get(instrument__key="journey-hope")
    assert version.is_published and version.items.count() == 5

    # 2. A Stockholm study with a baseline wave counted from enrolment, its information
    # published, opened.
    page.goto(live_server.url + reverse("evaluation:study_create"))
    page.locator("input[name='name']").fill("Uppföljning av kursen 2027")
    page.locator(f"input[name='regions'][value='{stockholm.pk}']").check()
    page.locator("input[type='submit'][name='submit']").click()
    expect(page).to_have_url(re.compile(r"/evaluation/studies/\d+/$"))
    study = Study.objects.get(name="Uppföljning av kursen 2027")
    study_url = live_server.url + reverse("evaluation:study_detail", args=[study.pk])

    page.goto(live_server.url + reverse("evaluation:wave_create", args=[study.pk]))
    page.locator("input[name='name']").fill("Baslinje")
    page.locator("select[name='group']").select_option("peer_supporters")
    page.locator("select[name='anchor']").select_option("enrolment")
    page.locator("input[name='window_days']").fill("30")
    page.locator("input[name='max_reminders']").fill("3")
    page.locator("input[name='reminder_interval_days']").fill("7")
    page.locator(f"input[name='instruments'][value='{version.pk}']").check()
    page.locator("input[type='submit'][name='submit']").click()
    expect(page).to_have_url(study_url)
    wave = study.waves.get()

    page.goto(live_server.url + reverse("evaluation:study_information", args=[study.pk]))
    page.locator("textarea[name='text_sv']").fill(
        "Du tillfrågas om att delta i en uppföljning av kursen. Det är frivilligt och du kan "
        "avbryta när du vill. Svaren sparas pseudonymiserade hos CEPI och NSPH."
    )
    page.locator("textarea[name='text_en']").fill(
        "You are asked to take part in a follow-up of the course. Taking part is voluntary "
        "and you may stop at any time. Answers are kept pseudonymised by CEPI and NSPH."
    )
    page.locator("input[type='submit'][name='submit']").click()
    expect(page).to_have_url(study_url)
    assert study.information.current() is not None

    page.locator(
        f"form[action='{reverse('evaluation:study_open', args=[study.pk])}'] button"
    ).click()
    expect(page).to_have_url(study_url)
    study.refresh_from_db()
    assert study.status == StudyStatus.OPEN

    # Five peer supporters answered the baseline earlier.
    for number, values in enumerate(PLANTED):
        earlier = make_invitation(
            wave,
            region=stockholm,
            anchor_key=f"earlier:{number}",
            participant=certified_participant(stockholm, name=f"Tidigare Svarande {number}"),
        )
        answer(earlier, values)

    # 3. The coordinator enrols a trainee: the baseline e-mail goes out through the worker.
    cohort = default_cohort(coordinator, stockholm, timezone.localdate() + dt.timedelta(days=7))
    trainee = accepted_applicant(coordinator, stockholm, "Tove Trainee")
    programme_actions.enrol(actor=coordinator, cohort=cohort, participant=trainee)
    invitation = Invitation.objects.get(wave=wave, participant=trainee)
    # Before eight in the morning the baseline opens at eight: send and answer it then.
    first_dispatch = max(timezone.now(), invitation.opens_at)
    if invitation.opens_at > timezone.now():
        Invitation.objects.filter(pk=invitation.pk).update(opens_at=timezone.now())
    celery_worker_process.wait_for_task(
        celery_worker_process.send(dispatch_notifications, as_of=first_dispatch.isoformat())
    )
    [message] = celery_worker_process.sent_mail()
    assert message["To"] == trainee.email
    link = TOKEN_PATH.search(message.get_payload(decode=True).decode()).group(0)
    assert invitation.token in link

    # 4. On a phone, without an account: consent, the first page, a break.
    first_visit = browser.new_context(viewport=PHONE)
    phone = first_visit.new_page()
    phone.goto(live_server.url + link)
    expect(phone.locator(".survey-information")).to_contain_text("Du tillfrågas")
    phone.locator("#consent-yes").click()
    expect(phone).to_have_url(re.compile(r"/page/0/$"))
    choose(phone, {key: TRAINEE[key] for key in ("h1", "h2", "h3")})
    phone.locator("#survey-next").click()
    expect(phone).to_have_url(re.compile(r"/page/1/$"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first_visit.close()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.answers.count()) == (InvitationStatus.STARTED, 3)

    # Another time, another browser: the link continues on page 2, and the trainee finishes.
    second_visit = browser.new_context(viewport=PHONE)
    phone = second_visit.new_page()
    phone.goto(live_server.url + link)
    expect(phone).to_have_url(re.compile(r"/page/1/$"))
    choose(phone, {key: TRAINEE[key] for key in ("r1", "r2")})
    phone.locator("#survey-submit").click()
    expect(phone.locator("a[href$='/consent.pdf']")).to_be_visible()
    second_visit.close()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED
    assert dict(invitation.answers.values_list("item__key", "value")) == TRAINEE

    # No reminder follows, even when the dispatcher runs 60 days on.
    later = (timezone.now() + dt.timedelta(days=60)).isoformat()
    celery_worker_process.wait_for_task(
        celery_worker_process.send(dispatch_notifications, as_of=later)
    )
    assert len(celery_worker_process.sent_mail()) == 1

    # 5. The researcher reads the response rate and the hope score of the six respondents.
    page.goto(live_server.url + reverse("evaluation:study_results", args=[study.pk]))
    expect(page.locator("#response-table")).to_contain_text("100 %")
    hope = page.locator("#scores-table tr[data-key='hope']")
    expect(hope).to_contain_text(
        decimal_pattern(mean(hope_score(values) for values in [*PLANTED, TRAINEE]))
    )

    # Asking for the export asks for the password again; the worker writes it.
    page.goto(live_server.url + reverse("evaluation:study_exports", args=[study.pk]))
    page.locator("#export-request-form [type='submit']").click()
    submit_reauthentication(page)
    export = ResearchExport.objects.get(study=study)
    expect(page).to_have_url(
        live_server.url + reverse("evaluation:export_detail", args=[export.pk])
    )
    celery_worker_process.wait_for_task(celery_worker_process.send(produce_export_task, export.pk))
    wide_link = page.locator(
        f"a[href='{reverse('evaluation:export_download', args=[export.pk, 'wide'])}']"
    )
    expect(wide_link).to_be_visible(timeout=15_000)

    files = {}
    for kind in ("wide", "long", "sav", "codebook"):
        with page.expect_download() as download:
            page.locator(
                f"a[href='{reverse('evaluation:export_download', args=[export.pk, kind])}']"
            ).click()
        files[kind] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[kind])
    wide = files["wide"].read_text(encoding="utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(wide)))) == 6
    assert "Tove" not in wide and trainee.email not in files["long"].read_text("utf-8-sig")
    assert files["sav"].read_bytes().startswith(b"$FL2")
    assert "h3" in files["codebook"].read_text(encoding="utf-8-sig")
