"""The instrument pages: researchers import and export, coordinators read, nobody else."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation.actions.instruments import import_instrument, load_shipped_instruments
from evaluation.models import Instrument, InstrumentVersion, Item

from .builders import make_instrument

pytestmark = pytest.mark.django_db

SHIPPED = Path(__file__).resolve().parents[2] / "evaluation" / "instruments"


def shipped_text(key: str) -> str:
    return (SHIPPED / f"{key}.json").read_text(encoding="utf-8")


def upload(text: str | bytes, name: str = "instrument.json") -> SimpleUploadedFile:
    content = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, content, content_type="application/json")


def post_file(client, text, name="instrument.json"):
    return client.post(reverse("evaluation:instrument_import"), {"file": upload(text, name)})


def counts() -> tuple[int, int, int]:
    return Instrument.objects.count(), InstrumentVersion.objects.count(), Item.objects.count()


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


# Importing through the page ------------------------------------------------------------


@pytest.mark.english
def test_researcher_imports_a_file_and_lands_on_its_page(researcher, client_for):
    client = client_for(researcher)
    assert client.get(reverse("evaluation:instrument_import")).status_code == 200
    response = post_file(client, shipped_text("service-user-short"), "service-user-short.json")
    instrument = Instrument.objects.get(key="service-user-short")
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:instrument_detail", args=[instrument.pk])
    page = client.get(response["Location"])
    assert "was imported as version 1" in page.content.decode()
    assert "I have been listened to." in page.content.decode()


@pytest.mark.english
def test_broken_json_is_shown_with_its_line_and_nothing_is_saved(researcher, client_for):
    text = shipped_text("peer-experience").replace('"key": "pe05",', '"key": "pe05"', 1)
    response = post_file(client_for(researcher), text)
    assert response.status_code == 200
    html = response.content.decode()
    line = line_of(text, '"key": "pe05"') + 1
    assert f"Line {line}: Column" in html
    assert "comma is missing" in html
    assert "Nothing was saved" in html
    assert counts() == (0, 0, 0)


@pytest.mark.english
def test_a_schema_error_is_shown_with_its_line(researcher, client_for):
    text = shipped_text("peer-experience").replace('"method": "mean"', '"method": "median"', 1)
    response = post_file(client_for(researcher), text)
    html = response.content.decode()
    line = line_of(text, '"method": "median"')
    assert f"Line {line}: “method” must be one of: “sum”, “mean”." in html
    assert counts() == (0, 0, 0)


@pytest.mark.english
def test_a_cross_reference_error_is_shown_and_nothing_half_imported(researcher, client_for):
    """Earlier instruments stay exactly as they were when a later file is refused."""
    load_shipped_instruments()
    before = counts()
    text = shipped_text("staff-recovery-attitudes").replace(
        '"subscale": "openness"', '"subscale": "opennes"', 1
    )
    text = text.replace("Personalens syn", "Ändrad syn")
    response = post_file(client_for(researcher), text)
    html = response.content.decode()
    line = line_of(text, '"opennes"')
    assert (
        f"Line {line}: Item “sr07” names the subscale “opennes”, which is not in "
        "“subscales”." in html
    )
    assert counts() == before
    assert Instrument.objects.get(key="staff-recovery-attitudes").name_sv.startswith("Personalens")


def test_a_changed_file_becomes_a_new_version(researcher, client_for):
    load_shipped_instruments()
    text = shipped_text("service-user-short").replace(
        "Jag har blivit lyssnad på.", "Någon lyssnade."
    )
    response = post_file(client_for(researcher), text)
    assert response.status_code == 302
    instrument = Instrument.objects.get(key="service-user-short")
    assert list(instrument.versions.values_list("version", flat=True)) == [2, 1]


@pytest.mark.english
def test_the_same_file_again_is_refused_with_a_clear_message(researcher, client_for):
    load_shipped_instruments()
    before = counts()
    response = post_file(client_for(researcher), shipped_text("service-user-short"))
    assert response.status_code == 200
    assert "identical to version 1" in response.content.decode()
    assert counts() == before


@pytest.mark.english
def test_a_file_that_is_not_json_by_name_is_refused(researcher, client_for):
    response = post_file(client_for(researcher), "key,text\n", "instrument.csv")
    assert response.status_code == 200
    assert "not allowed" in response.content.decode()
    assert counts() == (0, 0, 0)


# Export --------------------------------------------------------------------------------


def test_export_downloads_json_that_imports_as_the_same_content(researcher, client_for):
    [version, *_] = load_shipped_instruments()
    response = client_for(researcher).get(
        reverse("evaluation:instrument_export", args=[version.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert f"{version.instrument.key}-v1.json" in response["Content-Disposition"]
    exported = json.loads(response.content)
    assert exported["key"] == version.instrument.key
    copied = import_instrument(actor=researcher, text=json.dumps({**exported, "key": "copy-of-it"}))
    assert copied.items.count() == version.items.count()
    assert list(copied.items.values_list("key", "reverse", "text_sv")) == list(
        version.items.values_list("key", "reverse", "text_sv")
    )


# Reading -------------------------------------------------------------------------------


def test_detail_shows_subscales_items_anchors_reverse_marks_and_older_versions(
    researcher, client_for
):
    load_shipped_instruments()
    text = shipped_text("peer-experience").replace("Jag får handledning", "Jag får stöd")
    newest = import_instrument(actor=researcher, text=text)
    response = client_for(researcher).get(
        reverse("evaluation:instrument_detail", args=[newest.instrument_id])
    )
    html = response.content.decode()
    assert response.context["version"] == newest
    assert "Jag får stöd när jag behöver den." in html
    assert "Stämmer ganska bra" in html
    assert "Stöd och handledning" in html
    assert html.count('class="badge text-bg-info"') == 4  # the four reverse items
    older = newest.instrument.versions.get(version=1)
    assert reverse("evaluation:instrument_version_detail", args=[older.pk]) in html

    older_page = client_for(researcher).get(
        reverse("evaluation:instrument_version_detail", args=[older.pk])
    )
    assert "Jag får handledning när jag behöver den." in older_page.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("researcher", 200),
        ("admin_user", 200),
        ("coordinator", 200),
        ("peer_supporter", 403),
        ("supervisor", 403),
        ("unit_manager", 403),
        ("auditor", 403),
    ],
)
def test_who_may_read_instruments(role, status, request, client_for):
    version = make_instrument()
    client = client_for(request.getfixturevalue(role))
    for url in (
        reverse("evaluation:instrument_list"),
        reverse("evaluation:instrument_detail", args=[version.instrument_id]),
        reverse("evaluation:instrument_version_detail", args=[version.pk]),
    ):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("researcher", 200),
        ("admin_user", 200),
        ("coordinator", 403),
        ("peer_supporter", 403),
        ("unit_manager", 403),
    ],
)
def test_only_researchers_and_admins_import_and_export(role, status, request, client_for):
    version = make_instrument()
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("evaluation:instrument_import")).status_code == status
    export_url = reverse("evaluation:instrument_export", args=[version.pk])
    assert client.get(export_url).status_code == status
    if status == 403:
        assert post_file(client, shipped_text("service-user-short")).status_code == 403
        assert not Instrument.objects.filter(key="service-user-short").exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("evaluation:instrument_list"))
    assert response.status_code == 302


def test_import_link_only_for_those_who_may_import(researcher, coordinator, client_for):
    url = reverse("evaluation:instrument_import")
    assert url in client_for(researcher).get(reverse("evaluation:instrument_list")).content.decode()
    assert (
        url
        not in client_for(coordinator).get(reverse("evaluation:instrument_list")).content.decode()
    )


# Query budgets -------------------------------------------------------------------------


@pytest.mark.parametrize("instruments", [1, 6])
def test_list_queries_do_not_grow_with_instruments(
    instruments, researcher, client_for, django_assert_num_queries
):
    for index in range(instruments):
        make_instrument(f"instrument-{index}")
    client = client_for(researcher)
    client.get(reverse("home"))
    # session, user, memberships, MFA check, instruments
    with django_assert_num_queries(5):
        response = client.get(reverse("evaluation:instrument_list"))
    assert len(response.context["instruments"]) == instruments


@pytest.mark.parametrize("versions", [1, 4])
def test_detail_queries_do_not_grow_with_items_or_versions(
    versions, researcher, client_for, django_assert_num_queries
):
    for _number in range(versions):
        version = make_instrument(
            "big", subscales={f"s{n}": [f"s{n}i{m}" for m in range(4)] for n in range(4)}
        )
    client = client_for(researcher)
    client.get(reverse("home"))
    # session, user, memberships, MFA check, instrument, versions, items, subscales, scales
    with django_assert_num_queries(9):
        client.get(reverse("evaluation:instrument_detail", args=[version.instrument_id]))
    # session, user, memberships, MFA check, version, versions, items, subscales, scales
    with django_assert_num_queries(9):
        client.get(reverse("evaluation:instrument_version_detail", args=[version.pk]))
