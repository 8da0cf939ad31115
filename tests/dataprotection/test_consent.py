"""Consent to keeping the self-declared lived experience: recorded with the text version
shown, required to keep the declaration, and acted on when withdrawn."""

from __future__ import annotations

import datetime as dt
import importlib
import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from peersupport.audit.models import AuditAction, AuditEvent
from peersupport.dataprotection.actions import (
    publish_consent_text,
    record_consent,
    valid_consent,
    withdraw_consent,
)
from peersupport.dataprotection.models import (
    Consent,
    ConsentMethod,
    ConsentText,
    PublishedTextError,
)
from programmes import actions
from programmes.models import Participant
from tests.factories import certified_participant

pytestmark = pytest.mark.django_db

CREATE = reverse("programmes:participant_create")
LIST = reverse("programmes:participant_list")


def detail_url(participant):
    return reverse("programmes:participant_detail", args=[participant.pk])


def record_url(participant):
    return reverse("programmes:participant_consent_record", args=[participant.pk])


def withdraw_url(participant, consent):
    return reverse("programmes:participant_consent_withdraw", args=[participant.pk, consent.pk])


def applicant(coordinator, region, full_name="Alva Ek", **fields):
    return actions.register_applicant(
        actor=coordinator,
        region=region,
        full_name=full_name,
        email=f"{full_name.replace(' ', '.').lower()}@example.org",
        lived_experience_declared=True,
        consent_method=fields.pop("consent_method", ConsentMethod.PAPER),
        **fields,
    )


def the_consent(participant) -> Consent:
    return Consent.objects.of_subject(participant.data_subject()).get()


def the_consent_valid(participant) -> Consent:
    return Consent.objects.of_subject(participant.data_subject()).valid().get()


def consent_events():
    return AuditEvent.objects.filter(action=AuditAction.CONSENT).order_by("pk")


# Registering an applicant --------------------------------------------------------------------


def test_the_declaration_is_refused_without_a_consent(coordinator, stockholm):
    """Without saying how consent was given nobody is registered and nothing is stored."""
    with pytest.raises(ValidationError) as error:
        actions.register_applicant(
            actor=coordinator,
            region=stockholm,
            full_name="Alva Ek",
            email="alva@example.org",
            lived_experience_declared=True,
        )
    assert "consent_method" in error.value.message_dict
    assert not Participant.objects.exists()
    assert not Consent.objects.exists()


def test_registering_records_the_consent_with_the_text_version_shown(coordinator, stockholm):
    """The consent names the current text version, the day, how and who recorded it."""
    text = ConsentText.objects.current("lived_experience")
    alva = applicant(coordinator, stockholm, consent_given_on=dt.date.today())
    consent = the_consent(alva)
    assert alva.lived_experience_declared
    assert (consent.purpose, consent.text, consent.method) == (
        "lived_experience",
        text,
        ConsentMethod.PAPER,
    )
    assert (consent.recorded_by, consent.region_id, consent.given_on) == (
        coordinator,
        stockholm.pk,
        timezone.localdate(),
    )
    assert consent.is_valid


def test_the_first_texts_are_published_in_swedish_and_english():
    """The data migration ships version 1; it speaks of art. 9 and of withdrawing."""
    text = ConsentText.objects.current("lived_experience")
    assert text.version == 1
    assert "artikel 9" in text.text_sv and "ta tillbaka" in text.text_sv
    assert "article 9" in text.text_en and "withdraw" in text.text_en


def test_the_form_shows_the_text_and_asks_how_consent_was_given(coordinator, client_for):
    response = client_for(coordinator).get(CREATE)
    assert response.status_code == 200
    form = response.context["form"]
    assert {"consent_method", "consent_given_on", "consent_version"} <= set(form.fields)
    assert form["consent_version"].value() == 1
    assert ConsentText.objects.current("lived_experience").text_sv[:40] in response.content.decode()


def test_registering_through_the_form_records_consent(coordinator, stockholm, client_for):
    response = client_for(coordinator).post(
        CREATE,
        {
            "full_name": "Alva Ek",
            "email": "alva@example.org",
            "region": stockholm.pk,
            "language": "sv",
            "lived_experience_declared": "on",
            "consent_method": "verbal",
            "consent_version": "1",
        },
    )
    alva = Participant.objects.get(email="alva@example.org")
    assert response.status_code == 302
    assert the_consent(alva).method == ConsentMethod.VERBAL


@pytest.mark.english
def test_without_a_consent_method_the_form_says_so_next_to_the_field(
    coordinator, stockholm, client_for
):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    response = client_for(coordinator).post(
        CREATE,
        {
            "full_name": "Alva Ek",
            "email": "alva@example.org",
            "region": stockholm.pk,
            "language": "sv",
            "lived_experience_declared": "on",
        },
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors["consent_method"]
    assert "consent" in error
    assert response.context["form"]["full_name"].value() == "Alva Ek"
    assert not Participant.objects.exists()


def test_a_form_showing_an_outdated_text_is_refused(coordinator, admin_user, stockholm):
    """When a new text version was published after the form was shown, nothing is stored."""
    publish_consent_text(
        actor=admin_user, purpose="lived_experience", text_sv="Ny text.", text_en="New text."
    )
    with pytest.raises(ValidationError):
        applicant(coordinator, stockholm, consent_version=1)
    assert not Participant.objects.exists()
    alva = applicant(coordinator, stockholm, consent_version=2)
    assert the_consent(alva).text.version == 2


def test_a_published_text_is_never_changed(admin_user):
    """Editing a published version is refused; publishing makes the next version."""
    text = ConsentText.objects.current("lived_experience")
    text.text_sv = "Ändrad."
    with pytest.raises(PublishedTextError):
        text.save()
    newer = publish_consent_text(
        actor=admin_user, purpose="lived_experience", text_sv="Version två.", text_en="Two."
    )
    assert newer.version == 2
    assert ConsentText.objects.get(version=1).text_sv != "Ändrad."


def test_only_an_admin_publishes_a_text(coordinator):
    with pytest.raises(ValidationError):
        publish_consent_text(
            actor=coordinator, purpose="lived_experience", text_sv="x", text_en="y"
        )


# Who may record, and how ---------------------------------------------------------------------


def test_a_coordinator_of_another_region_cannot_record_or_withdraw(
    coordinator, other_coordinator, stockholm
):
    person = certified_participant(stockholm, name="Pia Peer")
    subject = person.data_subject()
    with pytest.raises(ValidationError):
        record_consent(
            actor=other_coordinator,
            subject=subject,
            purpose="lived_experience",
            method=ConsentMethod.PAPER,
        )
    consent = record_consent(
        actor=coordinator, subject=subject, purpose="lived_experience", method="paper"
    )
    with pytest.raises(ValidationError):
        withdraw_consent(actor=other_coordinator, consent=consent, method="paper")
    assert valid_consent(subject, "lived_experience") == consent


def test_only_the_person_gives_consent_digitally(coordinator, stockholm):
    subject = certified_participant(stockholm, name="Pia Peer").data_subject()
    with pytest.raises(ValidationError) as error:
        record_consent(
            actor=coordinator,
            subject=subject,
            purpose="lived_experience",
            method=ConsentMethod.DIGITAL,
        )
    assert "method" in error.value.message_dict


def test_a_consent_is_given_once_and_never_in_the_future(coordinator, stockholm):
    alva = applicant(coordinator, stockholm)
    with pytest.raises(ValidationError):
        record_consent(
            actor=coordinator,
            subject=alva.data_subject(),
            purpose="lived_experience",
            method="verbal",
        )
    with pytest.raises(ValidationError) as error:
        record_consent(
            actor=coordinator,
            subject=certified_participant(stockholm, name="Pia Peer").data_subject(),
            purpose="lived_experience",
            method="verbal",
            given_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert "given_on" in error.value.message_dict


# Withdrawing ---------------------------------------------------------------------------------


def test_withdrawing_clears_the_declaration_and_is_recorded(coordinator, stockholm):
    alva = applicant(coordinator, stockholm)
    consent = withdraw_consent(actor=coordinator, consent=the_consent(alva), method="verbal")
    alva.refresh_from_db()
    assert not alva.lived_experience_declared
    assert (consent.withdrawn_by, consent.withdrawal_method) == (coordinator, "verbal")
    assert consent.withdrawn_at is not None
    assert valid_consent(alva.data_subject(), "lived_experience") is None
    with pytest.raises(ValidationError):
        withdraw_consent(actor=coordinator, consent=consent, method="verbal")


def test_giving_and_withdrawing_are_audit_logged_without_the_text(coordinator, stockholm):
    """Two consent events name the person, the purpose, the version and how: never the text."""
    alva = applicant(coordinator, stockholm)
    withdraw_consent(actor=coordinator, consent=the_consent(alva), method="paper")
    given, withdrawn = consent_events()
    assert [given.detail["event"], withdrawn.detail["event"]] == ["given", "withdrawn"]
    for event in (given, withdrawn):
        assert event.actor == coordinator
        assert event.detail["subject"] == f"programmes.participant:{alva.pk}"
        assert (event.detail["purpose"], event.detail["version"]) == ("lived_experience", 1)
        assert (event.subject_kind, event.subject_id) == ("programmes.participant", alva.pk)
        logged = json.dumps(event.detail, ensure_ascii=False) + event.object_repr
        assert "psykisk ohälsa" not in logged and "mental ill-health" not in logged


@pytest.mark.english
def test_the_coordinator_withdraws_on_the_page_and_the_declaration_disappears(
    coordinator, stockholm, client_for
):
    """Withdrawn on the participant's page: the record says so with the date, the history
    says "consent withdrawn on <date>", and no page shows the declaration any more."""
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    alva = applicant(coordinator, stockholm)
    client = client_for(coordinator)
    before = client.get(detail_url(alva)).content.decode()
    assert "Declared by the person" in before
    assert 'id="withdraw-consent-lived_experience"' in before

    response = client.post(
        withdraw_url(alva, the_consent(alva)),
        {"withdraw-lived_experience-method": "verbal"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == detail_url(alva)
    today = date_format(timezone.localdate(), "j F Y")
    page = response.content.decode()
    assert "Declared by the person" not in page
    assert f"Not kept: consent withdrawn on {today}" in page
    history = [line["text"] for line in response.context["history"] if "text" in line]
    assert f"Consent withdrawn on {today}: Lived experience (self-declared)." in history[-1]
    assert 'id="record-consent-form"' in page
    listing = client.get(LIST).content.decode()
    assert "Alva Ek" in listing and "Declared by the person" not in listing
    assert not Participant.objects.get(pk=alva.pk).lived_experience_declared


def test_a_withdrawal_without_a_method_shows_the_page_again(coordinator, stockholm, client_for):
    alva = applicant(coordinator, stockholm)
    response = client_for(coordinator).post(withdraw_url(alva, the_consent(alva)), {})
    assert response.status_code == 200
    assert the_consent(alva).is_valid


def test_the_coordinator_records_a_new_consent_on_the_page(coordinator, stockholm, client_for):
    """After a withdrawal the person may consent again: the declaration is back, with a
    second consent record beside the withdrawn one."""
    alva = applicant(coordinator, stockholm)
    withdraw_consent(actor=coordinator, consent=the_consent(alva), method="paper")
    response = client_for(coordinator).post(
        record_url(alva),
        {
            "consent-declared": "on",
            "consent-method": "paper",
            "consent-given_on": "",
            "consent-text_version": "1",
        },
    )
    assert response.status_code == 302
    alva.refresh_from_db()
    assert alva.lived_experience_declared
    consents = Consent.objects.of_subject(alva.data_subject())
    assert consents.count() == 2 and consents.valid().count() == 1


def test_recording_without_the_declaration_ticked_changes_nothing(
    coordinator, stockholm, client_for
):
    alva = applicant(coordinator, stockholm)
    withdraw_consent(actor=coordinator, consent=the_consent(alva), method="paper")
    response = client_for(coordinator).post(
        record_url(alva), {"consent-method": "paper", "consent-text_version": "1"}
    )
    assert response.status_code == 200
    assert response.context["consent_form"].errors["declared"]
    alva.refresh_from_db()
    assert not alva.lived_experience_declared


def test_another_regions_coordinator_gets_404_on_the_consent_pages(
    coordinator, other_coordinator, stockholm, client_for
):
    alva = applicant(coordinator, stockholm)
    client = client_for(other_coordinator)
    assert client.post(record_url(alva), {}).status_code == 404
    assert client.post(withdraw_url(alva, the_consent(alva)), {}).status_code == 404
    assert the_consent(alva).is_valid


def test_a_withdrawn_consent_cannot_be_withdrawn_again_through_the_page(
    coordinator, stockholm, client_for
):
    alva = applicant(coordinator, stockholm)
    consent = withdraw_consent(actor=coordinator, consent=the_consent(alva), method="paper")
    response = client_for(coordinator).post(
        withdraw_url(alva, consent), {"withdraw-lived_experience-method": "paper"}
    )
    assert response.status_code == 404


# Records from before consents were kept ------------------------------------------------------


def test_existing_declarations_get_a_consent_recorded_before_the_system(stockholm):
    """The migration gives each declared participant without a consent one, dated the day
    they applied, whose method says it was recorded before the system kept consents."""
    declared = certified_participant(stockholm, name="Pia Peer")
    undeclared = certified_participant(stockholm, name="Olle Odeklarerad")
    Participant.objects.filter(pk=undeclared.pk).update(lived_experience_declared=False)
    migration = importlib.import_module(
        "programmes.migrations.0003_consents_recorded_before_the_system"
    )
    migration.record_existing(apps, None)
    migration.record_existing(apps, None)
    consent = the_consent(declared)
    assert (consent.method, consent.given_on, consent.recorded_by) == (
        ConsentMethod.BEFORE_SYSTEM,
        declared.applied_on,
        None,
    )
    assert not Consent.objects.of_subject(undeclared.data_subject()).exists()


# Demo data -----------------------------------------------------------------------------------


def test_the_demo_records_consents_and_one_withdrawal_per_region():
    """Every demo participant who declares lived experience has a valid consent, the person
    who left has withdrawn theirs, and a second run adds nothing."""
    from peersupport.accounts import demo as accounts_demo
    from programmes import demo

    accounts_demo.seed()
    demo.seed()
    declared = Participant.objects.filter(lived_experience_declared=True)
    assert declared.exists()
    for participant in declared:
        assert valid_consent(participant.data_subject(), "lived_experience") is not None
    withdrawn = Consent.objects.filter(withdrawn_at__isnull=False)
    assert withdrawn.count() == 2
    leavers = {demo.PEOPLE[code]["left"] for code in demo.PEOPLE}
    for consent in withdrawn:
        person = Participant.objects.get(pk=consent.subject_pk)
        assert person.full_name in leavers and not person.lived_experience_declared
    counts = (Consent.objects.count(), withdrawn.count())
    demo.seed()
    assert (Consent.objects.count(), withdrawn.count()) == counts


# The person withdraws their own consent ------------------------------------------------------


def test_a_peer_supporter_withdraws_their_own_consent_in_the_app(
    coordinator, peer_supporter, stockholm, client_for
):
    """As easy to withdraw as to give (art. 7.3): the person's own page lists the consent,
    one button withdraws it digitally, and the declaration is gone."""
    elias = applicant(coordinator, stockholm, full_name="Elias Peer")
    Participant.objects.filter(pk=elias.pk).update(user=peer_supporter)
    client = client_for(peer_supporter)
    page = client.get(reverse("dataprotection:my_consents"))
    [listed] = page.context["consents"]
    assert listed == the_consent(elias)
    assert 'id="withdraw-my-consent-lived_experience-button"' in page.content.decode()
    assert reverse("dataprotection:my_consents") in [
        item["url"] for item in page.context["account_items"]
    ]

    response = client.post(reverse("dataprotection:my_consent_withdraw", args=[listed.pk]))
    assert response.status_code == 302
    consent = the_consent(elias)
    assert (consent.withdrawal_method, consent.withdrawn_by) == (
        ConsentMethod.DIGITAL,
        peer_supporter,
    )
    assert not Participant.objects.get(pk=elias.pk).lived_experience_declared
    assert consent_events().last().actor == peer_supporter


def test_nobody_withdraws_another_persons_consent_in_the_app(
    coordinator, peer_supporter, stockholm, client_for
):
    alva = applicant(coordinator, stockholm)
    url = reverse("dataprotection:my_consent_withdraw", args=[the_consent(alva).pk])
    assert client_for(peer_supporter).post(url).status_code == 404
    assert client_for(coordinator).post(url).status_code == 404
    assert the_consent(alva).is_valid
    assert (
        client_for(coordinator)
        .get(reverse("dataprotection:my_consents"))
        .context["consents"]
        .count()
        == 0
    )


def test_the_participant_page_reads_consents_in_a_fixed_number_of_queries(
    coordinator, stockholm, client_for, django_assert_max_num_queries
):
    """Consents given and withdrawn again and again cost no query per consent."""
    alva = applicant(coordinator, stockholm)
    client = client_for(coordinator)
    with django_assert_max_num_queries(40) as counted:
        client.get(detail_url(alva))
    baseline = len(counted.captured_queries)
    for _round in range(3):
        withdraw_consent(actor=coordinator, consent=the_consent_valid(alva), method="paper")
        actions.declare_lived_experience(actor=coordinator, participant=alva, method="paper")
    with django_assert_max_num_queries(baseline):
        response = client.get(detail_url(alva))
    assert len(response.context["consents"]) == 4


def test_the_text_to_show_is_in_the_persons_language(coordinator, stockholm, client_for):
    """The coordinator shows the person the text in their preferred language."""
    daniel = applicant(coordinator, stockholm, full_name="Daniel Okafor", language="en")
    withdraw_consent(actor=coordinator, consent=the_consent(daniel), method="paper")
    page = client_for(coordinator).get(detail_url(daniel)).content.decode()
    text = ConsentText.objects.current("lived_experience")
    assert text.text_en.splitlines()[0] in page
    assert text.text_sv.splitlines()[0] not in page
