"""A study's results page, kept in the cache while nothing it is made of changes.

Computing the figures reads every answer in the viewer's scope (100,000 nationally) and
scores them in Python; the page they fill is large. So the rendered figures are cached,
keyed on a version token that every write to what they are made of replaces: invitations
(made, answered, withdrawn, cancelled, unnamed, erased), answers, studies, waves and their
instruments, instruments, and the regions and workplaces whose names the tables show. The
models' signals replace it, and so does the invitation queryset's bulk writes (which send
no signal). It is replaced at once and again when the transaction commits: a request that
read the new token before the data was committed may have cached the old figures under
it, and the second replacement retires them.

The figures also move with the clock: an invitation counts as invited once it opens. An
entry lives until the study's next invitation opens, and an hour at most.

Small numbers are applied before anything is cached, and the key holds the viewer's scope
(their result regions), the region chosen, the language and the threshold, so a cached
page is exactly what the viewer would have been shown.
"""

from __future__ import annotations

import hashlib

from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

from peersupport import smallnumbers
from peersupport.accounts.models import User
from peersupport.cacheversion import CacheVersion

from .permissions import invitations_for_results, result_region_ids

VERSION = CacheVersion("evaluation:results-version")
LONGEST_SECONDS = 3600


def results_changed(**_signal) -> None:
    """Something the results are made of changed: no cached page is read again."""
    VERSION.replace()


def page_key(user: User, study_id: int, region_id: int | None) -> str:
    scope = result_region_ids(user)
    parts = [
        VERSION.current(),
        study_id,
        "all" if scope is None else sorted(scope),
        region_id,
        get_language(),
        smallnumbers.threshold(),
        smallnumbers.min_answers(),
    ]
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"evaluation:results-page:{digest}"


def seconds_to_keep(user: User, study) -> int:
    """Until the study's next invitation (in the viewer's scope) opens; an hour at most."""
    now = timezone.now()
    next_opening = (
        invitations_for_results(user, study)
        .filter(opens_at__gt=now)
        .aggregate(next=Min("opens_at"))["next"]
    )
    if next_opening is None:
        return LONGEST_SECONDS
    return max(1, min(LONGEST_SECONDS, int((next_opening - now).total_seconds())))


def connect_signals() -> None:
    """From ``EvaluationConfig.ready()``, so the worker's writes count as well as the web's."""
    from peersupport.accounts.models import Region
    from workplaces.models import Workplace

    from .models import (
        Answer,
        Instrument,
        InstrumentVersion,
        Invitation,
        Item,
        Study,
        Subscale,
        Wave,
        WaveInstrument,
    )

    models = [
        Answer,
        Instrument,
        InstrumentVersion,
        Invitation,
        Item,
        Study,
        Subscale,
        Wave,
        WaveInstrument,
        Region,
        Workplace,
    ]
    for model in models:
        name = model._meta.label_lower
        post_save.connect(results_changed, sender=model, dispatch_uid=f"results-saved-{name}")
        post_delete.connect(results_changed, sender=model, dispatch_uid=f"results-gone-{name}")
    m2m_changed.connect(
        results_changed, sender=Study.regions.through, dispatch_uid="results-study-regions"
    )
