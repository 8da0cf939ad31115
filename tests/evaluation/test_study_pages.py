"""The study pages: who may see and change what, what they show, and their query budgets."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evaluation.models import (
    Anchor,
    InvitationStatus,
    RespondentGroup,
    Study,
    StudyStatus,
    Wave,
)

from .builders import make_instrument, make_invitation, make_study, make_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def instrument():
    return make_instrument("exp")


@pytest.fixture
def study(stockholm, instrument):
    study = make_study(regions=[stockholm])
    make_wave(study, [instrument])
    return study


def test_researchers_and_coordinators_see_studies_others_are_refused(
    client_for, study, coordinator, researcher, peer_supporter, unit_manager, admin_user
):
    for user, expected in [
        (researcher, 200),
        (coordinator, 200),
        (admin_user, 200),
        (peer_supporter, 403),
        (unit_manager, 403),
    ]:
        client = client_for(user)
        assert client.get(reverse("evaluation:study_list")).status_code == expected
        detail = reverse("evaluation:study_detail", args=[study.pk])
        assert client.get(detail).status_code == expected


def test_a_study_of_another_region_is_not_found(client_for, study, other_coordinator):
    """Skåne's coordinator does not see a Stockholm study."""
    client = client_for(other_coordinator)
    assert client.get(reverse("evaluation:study_detail", args=[study.pk])).status_code == 404
    assert study.name not in client.get(reverse("evaluation:study_list")).content.decode()


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("study_create", "get"),
        ("study_edit", "get"),
        ("study_information", "get"),
        ("study_open", "post"),
        ("study_close", "post"),
        ("wave_create", "get"),
    ],
)
def test_coordinators_look_on_but_do_not_change_studies(
    client_for, study, coordinator, researcher, name, method
):
    args = [] if name == "study_create" else [study.pk]
    url = reverse(f"evaluation:{name}", args=args)
    assert getattr(client_for(coordinator), method)(url).status_code == 403
    assert getattr(client_for(researcher), method)(url).status_code in (200, 302)


def test_wave_pages_are_for_researchers(client_for, study, coordinator, researcher):
    wave = study.waves.get()
    for name, method in [("wave_edit", "get"), ("wave_close", "post")]:
        url = reverse(f"evaluation:{name}", args=[wave.pk])
        assert getattr(client_for(coordinator), method)(url).status_code == 403
    assert (
        client_for(researcher).get(reverse("evaluation:wave_edit", args=[wave.pk])).status_code
        == 200
    )


def test_a_researcher_creates_a_study_adds_a_wave_publishes_and_opens_it(
    client_for, researcher, stockholm, instrument
):
    """The whole build through the pages, ending with an open study."""
    client = client_for(researcher)
    response = client.post(
        reverse("evaluation:study_create"),
        {"name": "Uppföljning av kursen", "description": "", "regions": [stockholm.pk]},
    )
    study = Study.objects.get(name="Uppföljning av kursen")
    assert response.url == reverse("evaluation:study_detail", args=[study.pk])

    response = client.post(
        reverse("evaluation:wave_create", args=[study.pk]),
        {
            "name": "6 månader",
            "group": RespondentGroup.PEER_SUPPORTERS,
            "anchor": Anchor.PLACEMENT_START,
            "offset_months": 6,
            "offset_days": 0,
            "window_days": 30,
            "max_reminders": 2,
            "reminder_interval_days": 7,
            "target_response_rate": 60,
            "instruments": [instrument.pk],
        },
    )
    assert response.status_code == 302
    wave = Wave.objects.get(study=study)
    assert (wave.anchor, wave.offset_months) == (Anchor.PLACEMENT_START, 6)

    client.post(
        reverse("evaluation:study_information", args=[study.pk]),
        {"text_sv": "Om studien. Kontakt: forskare@example.org", "text_en": "About the study."},
    )
    information = study.information.current()
    assert information.version == 1

    client.post(reverse("evaluation:study_open", args=[study.pk]))
    study.refresh_from_db()
    assert study.status == StudyStatus.OPEN

    pdf = client.get(reverse("evaluation:study_information_pdf", args=[information.pk, "sv"]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_wave_with_an_anchor_its_group_cannot_have_is_refused_keeping_the_input(
    client_for, researcher, study, instrument
):
    response = client_for(researcher).post(
        reverse("evaluation:wave_create", args=[study.pk]),
        {
            "name": "Brukare vid inskrivning",
            "group": RespondentGroup.SERVICE_USERS,
            "anchor": Anchor.ENROLMENT,
            "offset_months": 0,
            "offset_days": 0,
            "window_days": 30,
            "max_reminders": 2,
            "reminder_interval_days": 7,
            "target_response_rate": 60,
            "instruments": [instrument.pk],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["anchor"]
    assert "Brukare vid inskrivning" in response.content.decode()
    assert study.waves.count() == 1


def test_opening_without_information_says_what_is_missing(
    client_for, researcher, stockholm, instrument
):
    study = Study.objects.create(name="Utan text", status=StudyStatus.DRAFT)
    study.regions.set([stockholm])
    make_wave(study, [instrument])
    response = client_for(researcher).post(
        reverse("evaluation:study_open", args=[study.pk]), follow=True
    )
    study.refresh_from_db()
    assert study.status == StudyStatus.DRAFT
    assert len(list(response.context["messages"])) == 1


def test_the_detail_shows_counts_per_status_and_never_names(
    client_for, coordinator, researcher, study, stockholm
):
    """The coordinator of the region sees the counts as they are; a researcher sees small
    counts as "<5"; nobody sees who was invited."""
    from tests.factories import certified_participant

    wave = study.waves.get()
    for number in range(6):
        participant = certified_participant(stockholm, name=f"Hemlig Person{number}")
        make_invitation(
            wave,
            region=stockholm,
            anchor_key=f"enrolment:{number}",
            participant=participant,
            status=InvitationStatus.COMPLETED if number < 2 else InvitationStatus.PENDING,
        )

    as_coordinator = client_for(coordinator).get(
        reverse("evaluation:study_detail", args=[study.pk])
    )
    as_researcher = client_for(researcher).get(reverse("evaluation:study_detail", args=[study.pk]))

    coordinator_cells = [str(cell) for cell in as_coordinator.context["waves"][0].status_counts]
    researcher_cells = [str(cell) for cell in as_researcher.context["waves"][0].status_counts]
    assert coordinator_cells == ["4", "0", "2", "0", "0", "0"]
    assert "2" not in researcher_cells
    assert "<5" in researcher_cells
    for response in (as_coordinator, as_researcher):
        assert "Hemlig" not in response.content.decode()


def test_the_study_list_costs_the_same_queries_for_one_or_many_studies(
    client_for, researcher, stockholm, instrument, django_assert_num_queries
):
    client = client_for(researcher)
    make_wave(make_study(regions=[stockholm], name="Första"), [instrument])
    client.get(reverse("evaluation:study_list"))  # session and memberships warmed alike
    with django_assert_num_queries(6) as one:
        client.get(reverse("evaluation:study_list"))
    for number in range(4):
        study = make_study(regions=[stockholm], name=f"Studie {number}")
        make_wave(study, [instrument])
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("evaluation:study_list"))
    assert len(response.context["studies"]) == 5


def test_the_study_detail_costs_the_same_queries_for_few_or_many_waves(
    client_for, researcher, study, stockholm, instrument, django_assert_num_queries
):
    client = client_for(researcher)
    url = reverse("evaluation:study_detail", args=[study.pk])
    client.get(url)  # session and memberships warmed alike
    with django_assert_num_queries(10) as few:
        client.get(url)
    for number in range(3):
        wave = make_wave(
            study, [instrument, make_instrument(f"extra{number}")], name=f"Våg {number}"
        )
        for index in range(4):
            make_invitation(wave, region=stockholm, anchor_key=f"w{number}:{index}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["waves"]) == 4
