"""A version token for cached figures that every write to what they are made of replaces.

A cache key that holds ``CacheVersion.current()`` is never read again once ``replace()``
has run: the survey results and the supervision cadence grid are cached this way, with
their models' signals (and the bulk writes that send none) calling ``replace()``.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction


class CacheVersion:
    def __init__(self, key: str):
        self.key = key

    def current(self) -> str:
        version = cache.get(self.key)
        if version is None:
            # Never set, or evicted: a new token, so nothing cached before is read again.
            cache.add(self.key, uuid.uuid4().hex, timeout=None)
            version = cache.get(self.key)
        return version

    def _new(self) -> None:
        cache.set(self.key, uuid.uuid4().hex, timeout=None)

    def replace(self) -> None:
        """Replaced at once and again when the transaction commits: a request that read the
        new token before the data was committed may have cached the old figures under it,
        and the second replacement retires them."""
        self._new()
        transaction.on_commit(self._new)
