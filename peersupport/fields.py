"""Free text kept encrypted at rest.

``EncryptedTextField`` stores its text as a Fernet token (AES-128-CBC with an HMAC-SHA256,
from ``cryptography``), so a database dump, a backup or a replica holds no plaintext; the
model attribute is the plain text. Use it for any free text marked sensitive.

Keys come from ``settings.FIELD_ENCRYPTION_KEYS``: the first encrypts, every one decrypts
(``MultiFernet``). A key is rotated by putting the new key first, running
``manage.py rotate_field_encryption`` (which re-encrypts every such field with the first
key) and then dropping the old key.

The database cannot compare what it cannot read: the field takes no lookups apart from
``isnull`` (a filter on its text raises ``FieldError`` instead of silently matching nothing).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import models


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def field_fernet() -> MultiFernet:
    """The keys in use now (read from settings each time, so tests may override them)."""
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_text(text: str) -> str:
    return field_fernet().encrypt(text.encode()).decode("ascii")


def decrypt_text(token: str) -> str:
    return field_fernet().decrypt(token.encode("ascii")).decode()


def rotate_token(token: str) -> str:
    """The same text encrypted with the first key (its original timestamp kept)."""
    return field_fernet().rotate(token.encode("ascii")).decode("ascii")


class EncryptedTextField(models.TextField):
    """A text field whose column holds only a Fernet token of the text."""

    description = "Text encrypted at rest"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt_text(value)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return decrypt_text(value)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        return None


def encrypted_fields() -> Iterator[tuple[type[models.Model], EncryptedTextField]]:
    """Every encrypted field of every installed model."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field


@checks.register(checks.Tags.security)
def field_encryption_keys_are_valid(app_configs, **kwargs):
    """A malformed key would make every encrypted field unreadable: refuse to start."""
    keys = getattr(settings, "FIELD_ENCRYPTION_KEYS", [])
    if not keys:
        return [
            checks.Error(
                "FIELD_ENCRYPTION_KEYS is empty.",
                hint="Unset it to use the key derived from DJANGO_SECRET_KEY, or give one "
                "or more Fernet keys, comma-separated.",
                id="peersupport.E010",
            )
        ]
    errors = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            errors.append(
                checks.Error(
                    f"Key number {position} in FIELD_ENCRYPTION_KEYS is not a Fernet key.",
                    hint="A Fernet key is 32 random bytes in URL-safe base64 (44 characters); "
                    "`manage.py rotate_field_encryption --add-key` prints a new one.",
                    id="peersupport.E011",
                )
            )
    return errors
