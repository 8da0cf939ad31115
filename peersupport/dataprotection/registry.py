"""What each app tells the core about the personal data it holds.

The core never imports an app. Each app registers, from its ``AppConfig.ready()`` (through
its own ``dataprotection.py``), the kinds of person it keeps records about, the legal basis
of each kind of record, its retention rules, its register-extract sections and the consents
its data depends on. The core's pages, commands and tasks loop over what was registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise

Text = str | Promise


@dataclass(frozen=True)
class DataSubject:
    """A person the system holds data about.

    ``kind`` names the record that identifies them: ``"accounts.user"`` for a person known
    only by their account (staff), or a kind an app registered (programmes registers
    ``"programmes.participant"``: applicants, trainees and peer supporters). ``user_id`` is
    their account, if they have one; ``region_id`` the region whose coordinators answer for
    the record.
    """

    kind: str
    pk: int
    name: str
    region_id: int | None = None
    user_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}"

    def pk_if(self, kind: str) -> int | None:
        """The record's id when the subject is of ``kind``; ``None`` (which matches no row)
        otherwise, so an app's query for another kind of person finds nothing."""
        return self.pk if self.kind == kind else None


@dataclass(frozen=True)
class SubjectKind:
    """How to find a data subject of one kind: by its key, for a logged-in user, and by
    name or e-mail within some regions (``None``: every region)."""

    kind: str
    title: Text
    resolve: Callable[[int], DataSubject | None]
    for_user: Callable[[Any], DataSubject | None]
    search: Callable[[str, set[int] | None], list[DataSubject]] | None = None


@dataclass(frozen=True)
class LegalBasis:
    """The documented legal basis of one kind of personal record (GDPR art. 6, and art. 9
    where the record is special-category data)."""

    key: str
    title: Text
    models: tuple[str, ...]
    purpose: Text
    article_6: Text
    article_9: Text = ""
    retention: Text = ""
    consent_purpose: str = ""


@dataclass(frozen=True)
class ConsentPurpose:
    """Something stored only with the person's recorded consent.

    ``on_withdraw(subject, actor)`` removes or hides what depended on the consent and
    writes the person's history; it runs inside the withdrawing transaction.
    """

    key: str
    title: Text
    on_withdraw: Callable[[DataSubject, Any], None]


@dataclass(frozen=True)
class RetentionRule:
    """A kind of record that is thinned out (gallras) after ``default_months``.

    ``due(cutoff, region_ids)`` returns what is due (a queryset or list) for records older than
    ``cutoff`` in the given regions (``None``: records that belong to no region);
    ``thin(due)`` deletes or anonymises it and returns how many records it changed.
    Thinning never changes an aggregate figure.
    """

    key: str
    title: Text
    default_months: int
    due: Callable[..., Any]
    thin: Callable[[Any], int]
    action: Text = ""
    # The key of another rule whose period this one follows, so that one setting thins all
    # of a person's records together (a leaver's placements follow "people who left").
    follows: str = ""
    # False: the records belong to no region (the audit log) and only the national
    # setting applies.
    regional: bool = True


@dataclass(frozen=True)
class ExtractSection:
    """One section of a register extract (registerutdrag): everything an app stores about
    a person of one kind. ``collect(subject)`` returns the section's records."""

    key: str
    title: Text
    collect: Callable[[DataSubject], Any]
    order: int = 100
    # Given only to the person themselves, never in an extract a coordinator produces
    # (a supervisor's private notes: only their author ever reads them).
    own_only: bool = False


@dataclass(frozen=True)
class ErasureRule:
    """What an app removes when a person is erased, and when it may not.

    ``refusals(subject)`` lists the reasons a duty to keep the records applies now (an
    empty list: nothing stands in the way); ``erase(subject, actor)`` deletes or
    anonymises, keeping every aggregate figure, and returns how many records it changed.
    ``removes`` and ``keeps`` tell the confirmation page what happens and what stays.
    """

    key: str
    title: Text
    removes: Text
    erase: Callable[[DataSubject, Any], int]
    refusals: Callable[[DataSubject], list] = lambda subject: []
    keeps: Text = ""
    order: int = 100


@dataclass
class Registry:
    subject_kinds: dict[str, SubjectKind] = field(default_factory=dict)
    legal_bases: dict[str, LegalBasis] = field(default_factory=dict)
    consent_purposes: dict[str, ConsentPurpose] = field(default_factory=dict)
    retention_rules: dict[str, RetentionRule] = field(default_factory=dict)
    extract_sections: dict[str, ExtractSection] = field(default_factory=dict)
    erasure_rules: dict[str, ErasureRule] = field(default_factory=dict)


registry = Registry()


def _add(table: dict, key: str, entry) -> None:
    if key in table and table[key] != entry:
        raise ValueError(f"{key!r} is registered twice")
    table[key] = entry


def register_subject_kind(entry: SubjectKind) -> None:
    _add(registry.subject_kinds, entry.kind, entry)


def register_legal_basis(entry: LegalBasis) -> None:
    _add(registry.legal_bases, entry.key, entry)


def register_consent_purpose(entry: ConsentPurpose) -> None:
    _add(registry.consent_purposes, entry.key, entry)


def register_retention_rule(entry: RetentionRule) -> None:
    _add(registry.retention_rules, entry.key, entry)


def register_extract_section(entry: ExtractSection) -> None:
    _add(registry.extract_sections, entry.key, entry)


def register_erasure_rule(entry: ErasureRule) -> None:
    _add(registry.erasure_rules, entry.key, entry)


def model_labels(entries: Iterable[LegalBasis]) -> set[str]:
    return {label for entry in entries for label in entry.models}


def subject_for_key(key: str) -> DataSubject | None:
    """The data subject named by ``"<kind>:<pk>"``, or ``None``."""
    kind, _sep, pk = key.partition(":")
    entry = registry.subject_kinds.get(kind)
    if entry is None or not pk.isdigit():
        return None
    return entry.resolve(int(pk))


def subject_for_user(user) -> DataSubject:
    """The data subject a logged-in user is: the record an app keeps about them (their
    programme record), or else their account."""
    for entry in registry.subject_kinds.values():
        if entry.kind == "accounts.user":
            continue
        subject = entry.for_user(user)
        if subject is not None:
            return subject
    return registry.subject_kinds["accounts.user"].for_user(user)


def subject_of(obj: models.Model) -> DataSubject | None:
    """The person a record is about, for the audit log: a model that holds data about one
    person defines ``data_subject()``."""
    method = getattr(obj, "data_subject", None)
    return method() if callable(method) else None
