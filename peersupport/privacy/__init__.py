"""The privacy guard: free text must never identify a service user.

Text that contains a Swedish personal identity number (personnummer, also the
coordination number, samordningsnummer), a phone number or an e-mail address is
refused with a message that says what was found, so the person can remove it. A person's
name never holds any of them. Words that may be a person's name are found by
``peersupport.privacy.names``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# 10 or 12 digits: (century) YYMMDD, then -, + or nothing, then four digits.
_IDENTITY_NUMBER = re.compile(
    r"(?<![\d\w])(\d{2})?(\d{2})(\d{2})(\d{2})\s?[-+]?\s?(\d{4})(?![\d\w])"
)
# A Swedish phone number: 0 or +46/0046, then 7 to 10 more digits in groups.
_PHONE = re.compile(r"(?<![\d\w+])(?:\+46|0046|0)[\s-]?(?:\(0\))?\d(?:[\s-]?\d){6,9}(?![\d\w])")
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")

KINDS = {
    "identity_number": _("a personal identity number"),
    "phone": _("a phone number"),
    "email": _("an e-mail address"),
}


def _is_identity_number(match: re.Match) -> bool:
    century, year, month, day, _serial = match.groups()
    day_of_month = int(day)
    if day_of_month > 60:  # coordination number: day + 60
        day_of_month -= 60
    full_year = int((century or "19") + year)
    try:
        dt.date(full_year, int(month), day_of_month)
    except ValueError:
        return False
    return True


# Phone keyboards and word processors type other dashes than "-", and area codes are often
# written in brackets – "(08) 123 45 67"; both are read as the plain forms above.
_DASHES_AND_BRACKETS = {
    **{ord(dash): "-" for dash in "\u2010\u2011\u2012\u2013\u2014\u2212"},
    ord("("): None,
    ord(")"): None,
}


def find_identifying_data(text: str) -> list[str]:
    """The kinds of identifying data found in ``text``, in a fixed order."""
    # Full-width and other compatibility forms ("０７０", "＠") are read as their plain forms.
    text = unicodedata.normalize("NFKC", text).translate(_DASHES_AND_BRACKETS)
    found = []
    if any(_is_identity_number(m) for m in _IDENTITY_NUMBER.finditer(text)):
        found.append("identity_number")
    if _PHONE.search(text):
        found.append("phone")
    if _EMAIL.search(text):
        found.append("email")
    return found


def _listing(found: list[str]):
    return format_lazy("{}" + ", {}" * (len(found) - 1), *(KINDS[kind] for kind in found))


def validate_no_identifying_data(value: str) -> None:
    """Refuse text that could identify a person; the message names what was found."""
    if not value:
        return
    found = find_identifying_data(str(value))
    if found:
        raise ValidationError(
            format_lazy(
                "{} {}",
                format_lazy(_("The text seems to contain {what}."), what=_listing(found)),
                _(
                    "Remove it: no service user may ever be identifiable. Use a pseudonymous "
                    "code if you need to tell people apart."
                ),
            ),
            code="identifying_data",
        )


def validate_person_name(value: str, *, field: str | None = None) -> None:
    """Refuse a person's name that holds an identity number, a phone number or an e-mail
    address: they have fields of their own, or no place at all. Actions name the ``field``
    so that the message lands next to it."""
    if not value:
        return
    found = find_identifying_data(str(value))
    if found:
        error = ValidationError(
            format_lazy(
                "{} {}",
                format_lazy(_("A name cannot hold {what}."), what=_listing(found)),
                _("Write only the person's name here."),
            ),
            code="identifying_data_in_name",
        )
        raise ValidationError({field: error}) if field else error
