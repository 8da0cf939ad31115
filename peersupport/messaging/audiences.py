"""The audiences a message can be written to, registered by the apps.

The core never imports an app. Each app registers, from its ``messaging.py`` (imported by
its ``AppConfig.ready()``), the kinds of group it knows about::

    register_audience(Audience(
        key="cohort",
        title=_("A cohort's trainees"),
        who_may_write=cohorts_the_user_may_write_to,
        recipients=trainees_of_cohort,
    ))

``who_may_write(user)`` returns a queryset of the groups the user may write to (each group
is a model instance whose ``str()`` names it and whose region ``region_of`` gives);
``recipients(group)`` the people the message goes to, as ``Recipient`` rows: a person with
an account is written to through it (and reads the message in the app too); a person
without one (a trainee who was never given an account) gets the e-mail only, at the
address and in the language the app gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.functional import Promise

Text = str | Promise


@dataclass(frozen=True)
class Recipient:
    """A person a message goes to: ``user`` (an account), or else the ``name``, ``email``
    and ``language`` to write to. ``person_key`` is their data subject's key (see
    ``peersupport.dataprotection.registry.DataSubject.key``), so their register extract
    and erasure find the message."""

    user: Any = None
    name: str = ""
    email: str = ""
    language: str = "sv"
    person_key: str = ""


@dataclass(frozen=True)
class Audience:
    key: str
    title: Text
    who_may_write: Callable[[Any], QuerySet]
    recipients: Callable[[Model], list[Recipient]]
    region_of: Callable[[Model], int] = lambda group: group.region_id
    order: int = 100


_AUDIENCES: dict[str, Audience] = {}


def register_audience(audience: Audience) -> Audience:
    _AUDIENCES[audience.key] = audience
    return audience


def audiences() -> list[Audience]:
    return sorted(_AUDIENCES.values(), key=lambda audience: (audience.order, audience.key))


def get_audience(key: str) -> Audience:
    try:
        return _AUDIENCES[key]
    except KeyError:
        raise Http404 from None


def writable_group_or_404(user, audience: Audience, group_id: int) -> Model:
    """The group, if the user may write to it; 404 for missing and not theirs alike."""
    group = audience.who_may_write(user).filter(pk=group_id).first()
    if group is None:
        raise Http404
    return group
