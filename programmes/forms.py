"""Input validation for the programme's pages."""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import CERTIFICATE_CODE_ALPHABET

_CODE_CHARACTERS = re.compile(f"[{CERTIFICATE_CODE_ALPHABET}]{{12}}")


def normalise_certificate_code(typed: str) -> str | None:
    """``ABCD-EFGH-JK23`` from what a person typed (any case, spaces or dashes), or
    ``None`` when it cannot be a certificate code."""
    compact = re.sub(r"[\s\-‐‑–—]", "", typed).upper()
    if not _CODE_CHARACTERS.fullmatch(compact):
        return None
    return f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"


class CertificateVerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("As printed on the certificate, for example ABCD-EFGH-JK23."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The template writes the <form method="get"> and its button, so the URL stays
        # the same ``?code=`` link that is printed on the certificate.
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_code(self) -> str:
        code = normalise_certificate_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _(
                    "This is not a verification code. A code is three groups of four letters "
                    "and digits, such as ABCD-EFGH-JK23 (no O, I, 0 or 1)."
                ),
                code="malformed",
            )
        return code
