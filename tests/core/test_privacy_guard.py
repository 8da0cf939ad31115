"""The privacy guard catches identity numbers, phone numbers and e-mail addresses, and
lets ordinary text about dates, times, durations and counts through."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from peersupport.privacy import find_identifying_data, validate_no_identifying_data


@st.composite
def identity_numbers(draw):
    """Personal identity and coordination numbers in every written format."""
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)))
    coordination = draw(st.booleans())
    day = born.day + 60 if coordination else born.day
    serial = draw(st.integers(0, 9999))
    long_form = draw(st.booleans())
    year = f"{born.year:04d}" if long_form else f"{born.year % 100:02d}"
    separator = draw(st.sampled_from(["", "-", "+"]))
    number = f"{year}{born.month:02d}{day:02d}{separator}{serial:04d}"
    before = draw(st.sampled_from(["", "Pnr ", "hen har ", "(", "nr: "]))
    after = draw(st.sampled_from(["", ".", " idag", ")", ", tack"]))
    return before + number + after


@given(identity_numbers())
def test_every_identity_number_format_is_caught(text):
    assert "identity_number" in find_identifying_data(text)


@st.composite
def ordinary_text(draw):
    """Text a peer supporter writes: dates, times, durations, counts."""
    day = draw(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2035, 12, 31)))
    hour, minute = draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45]))
    minutes = draw(st.integers(1, 600))
    count = draw(st.integers(0, 5000))
    pieces = [
        f"Vi sågs {day.isoformat()} kl {hour:02d}:{minute:02d}",
        f"den {day.day}/{day.month}",
        f"{day:%d.%m.%Y}",
        f"i {minutes} minuter",
        f"{count} deltagare",
        f"{hour:02d}.{minute:02d}–{(hour + 1) % 24:02d}.{minute:02d}",
        f"vecka {day.isocalendar().week}",
        f"{day.year}",
    ]
    chosen = draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=5))
    return ", ".join(chosen) + "."


@given(ordinary_text())
def test_ordinary_text_passes(text):
    assert find_identifying_data(text) == []


@pytest.mark.parametrize(
    "text,kind",
    [
        ("ring mig på 070-123 45 67", "phone"),
        ("19850312-1234", "identity_number"),
        ("+46 70 123 45 67", "phone"),
        ("08-123 456 78", "phone"),
        ("mejla anna.berg@exempel.se", "email"),
    ],
)
def test_known_examples(text, kind):
    assert kind in find_identifying_data(text)


@pytest.mark.english
def test_the_message_names_what_was_found():
    with pytest.raises(ValidationError) as error:
        validate_no_identifying_data("ring 070-123 45 67 eller mejla a@b.se")
    message = error.value.messages[0]
    assert "phone number" in message and "e-mail address" in message


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ring ０７０-１２３ ４５ ６７", "phone"),
        ("hen heter anna＠example.org", "email"),
        ("pnr １９８５０３１２-１２３４", "identity_number"),
    ],
)
def test_full_width_characters_are_read_as_their_plain_forms(text, kind):
    """Digits and @ typed in full width (some phone keyboards do) are caught as well."""
    assert kind in find_identifying_data(text)
