"""National benchmark data (``manage.py seed_scale``): the shared machinery and the accounts.

The scale seed builds a country's worth of rows in bulk, not through the actions: the
actions check, lock and notify one row at a time, which would take hours for 250,000
support sessions. Each app's ``scale.py`` instead writes rows the actions would have made,
with their dates set explicitly, through PostgreSQL's COPY (``Bulk.copy``) or
``bulk_create`` for the few rows that need the ORM (encrypted fields). Whether every row is
valid for the pages is checked by ``tests/bench/test_seed_scale.py``, which renders every
page ``make bench`` measures on a small seed.

This module holds what every builder shares (the plan, id reservation, COPY) and builds
the regions and their staff. The core imports no app: the apps' builders import this.

Everything is drawn from one seeded ``random.Random``, so a seed at the same factor on the
same day is the same data. The people are fictitious, their addresses are on a reserved
domain (``scale.invalid``), and nobody has a phone number or an identity number.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import random
import time
import unicodedata
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from psycopg import sql

from peersupport.notifications.models import CalendarFeed

from .models import Membership, Region, Role, User

SCALE_DOMAIN = "scale.invalid"
# Published, like the demo's: the scale data is fictitious and never beside real accounts.
SCALE_PASSWORD = "peer-scale-2026"  # noqa: S105 - published benchmark login
SCALE_TOTP_SECRET = "PEERSUPPORTSCALETOTPSECRET23456"  # noqa: S105 - published benchmark secret
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")

# The 21 regions with their share of the country's peer support (roughly their share of
# the population): a few large regions, many small ones.
REGIONS: list[tuple[str, str, float]] = [
    ("stockholm", "Region Stockholm", 25.0),
    ("vastra-gotaland", "Västra Götalandsregionen", 17.0),
    ("skane", "Region Skåne", 14.0),
    ("ostergotland", "Region Östergötland", 4.5),
    ("uppsala", "Region Uppsala", 3.8),
    ("jonkoping", "Region Jönköpings län", 3.5),
    ("halland", "Region Halland", 3.2),
    ("orebro", "Region Örebro län", 2.9),
    ("sormland", "Region Sörmland", 2.8),
    ("gavleborg", "Region Gävleborg", 2.7),
    ("dalarna", "Region Dalarna", 2.7),
    ("varmland", "Region Värmland", 2.7),
    ("vastmanland", "Region Västmanland", 2.6),
    ("vasterbotten", "Region Västerbotten", 2.6),
    ("norrbotten", "Region Norrbotten", 2.4),
    ("vasternorrland", "Region Västernorrland", 2.3),
    ("kalmar", "Region Kalmar län", 2.3),
    ("kronoberg", "Region Kronoberg", 1.9),
    ("blekinge", "Region Blekinge", 1.5),
    ("jamtland", "Region Jämtland Härjedalen", 1.3),
    ("gotland", "Region Gotland", 0.6),
]
NATIONAL_RESEARCHERS = 4

FIRST_NAMES = (  # noqa: SIM905 - a list of words reads best as words
    "Anna Eva Maria Karin Sara Lena Emma Kerstin Ingrid Malin Linnea Elin Hanna Johanna "
    "Ida Sofia Amanda Fatima Amira Leila Nour Elsa Maja Alva Astrid Ebba Greta Sanna Tove "
    "Vera Erik Lars Karl Anders Johan Per Nils Mikael Jan Hans Peter Olof Fredrik Daniel "
    "Oskar Emil Gustav Viktor Jonas Samir Ali Omar Yusuf Elias Hugo Axel Isak Leo Noah "
    "Arvid"
).split()
LAST_NAMES = (  # noqa: SIM905 - a list of words reads best as words
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson "
    "Gustafsson Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson "
    "Magnusson Olofsson Lindström Lindqvist Lindgren Berg Axelsson Bergström Lundberg "
    "Lind Lundgren Lundqvist Mattsson Berglund Fredriksson Sandberg Henriksson Forsberg "
    "Sjöberg Wallin Engström Eklund Danielsson Lundin Håkansson Björk Bergman Gunnarsson "
    "Holm Wikström Samuelsson Isaksson Fransson Bergqvist Nyström Holmberg Arvidsson "
    "Löfgren Söderberg Nyberg Blomqvist Claesson Nordström Mohammed Ali Hassan Ahmed "
    "Haddad Okafor Novak"
).split()


def scaled(count: float, factor: float, minimum: int = 0) -> int:
    return max(minimum, round(count * factor))


def apportion(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split ``total`` by ``weights`` (largest remainder), each part at least ``minimum``."""
    if not weights:
        return []
    base = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest <= 0:
        return base
    whole = sum(weights)
    exact = [rest * weight / whole for weight in weights]
    parts = [math.floor(share) for share in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in order[: rest - sum(parts)]:
        parts[i] += 1
    return [b + p for b, p in zip(base, parts, strict=True)]


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(c if c.isalnum() else "." for c in plain).strip(".")


def aware(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A Stockholm wall-clock time on ``day``, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=STOCKHOLM)


class Bulk:
    """Rows written straight into PostgreSQL: ids reserved from a table's sequence, then
    the rows sent with COPY. Every column without a default in the database (Django keeps
    its defaults in Python) must be given; ``copy`` refuses a row set that misses one."""

    def __init__(self):
        self.counts: dict[str, int] = {}
        self.models: dict[str, type[models.Model]] = {}

    def reserve_ids(self, model: type[models.Model], count: int) -> range:
        if count <= 0:
            return range(0)
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                [table, table, count],
            )
            last = cursor.fetchone()[0]
        return range(last - count + 1, last + 1)

    def copy(
        self, model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]
    ) -> int:
        meta = model._meta
        columns = [meta.get_field(name).column for name in fields]
        self._check_complete(model, fields)
        quoted = ", ".join(f'"{column}"' for column in columns)
        written = 0
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f'COPY "{meta.db_table}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        self.counts[meta.label] = self.counts.get(meta.label, 0) + written
        self.models[meta.label] = model
        return written

    def create(self, objects: list[models.Model], batch_size: int = 2000) -> list:
        """``bulk_create`` for the rows that need the ORM (encrypted fields, JSON)."""
        if not objects:
            return objects
        model = type(objects[0])
        created = model.objects.bulk_create(objects, batch_size=batch_size)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + len(created)
        self.models[model._meta.label] = model
        return created

    @staticmethod
    def _check_complete(model: type[models.Model], fields: Sequence[str]) -> None:
        given = set(fields)
        missing = [
            f.name
            for f in model._meta.concrete_fields
            if not (f.null or f.primary_key or f.name in given)
            and f.db_default is models.NOT_PROVIDED
        ]
        if missing:
            raise ValueError(f"{model._meta.label}: no value for {', '.join(missing)}")


@dataclass
class RegionPlan:
    pk: int
    code: str
    name: str
    weight: float
    coordinators: list[int] = field(default_factory=list)
    supervisors: list[int] = field(default_factory=list)
    auditor: int | None = None


@dataclass
class Plan:
    """What every builder shares: the random source, the scale, the day it is built "as
    of", the regions with their staff, and the rows written so far."""

    factor: float
    today: dt.date
    now: dt.datetime
    rng: random.Random
    bulk: Bulk
    password_hash: str
    regions: list[RegionPlan] = field(default_factory=list)
    researchers: list[int] = field(default_factory=list)
    # Filled in by the builders for the ones after them.
    shared: dict = field(default_factory=dict)
    _emails: set[str] = field(default_factory=set)
    _tokens: set[str] = field(default_factory=set)

    @classmethod
    def start(cls, factor: float, seed: str = "peer-support-scale") -> Plan:
        return cls(
            factor=factor,
            today=timezone.localdate(),
            now=timezone.now(),
            rng=random.Random(seed),
            bulk=Bulk(),
            # One hash for every login: hashing thousands of passwords would take minutes.
            password_hash=make_password(SCALE_PASSWORD),
        )

    def count(self, national: float, minimum: int = 0) -> int:
        return scaled(national, self.factor, minimum)

    def person_name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def email_for(self, full_name: str, hint: str = "") -> str:
        local = ascii_slug(f"{full_name} {hint}") or "person"
        email = f"{local}@{SCALE_DOMAIN}"
        number = 1
        while email in self._emails:
            number += 1
            email = f"{local}.{number}@{SCALE_DOMAIN}"
        self._emails.add(email)
        return email

    def token(self, length: int = 32) -> str:
        """A random URL-safe token (as ``secrets.token_urlsafe``), unique in the seed."""
        while True:
            value = base64.urlsafe_b64encode(self.rng.randbytes(length)).rstrip(b"=").decode()
            if value not in self._tokens:
                self._tokens.add(value)
                return value

    def add_users(
        self,
        people: Sequence[tuple[str, str, str]],
        joined: dt.datetime | Sequence[dt.datetime],
    ) -> list[int]:
        """Accounts for ``(full_name, email, language)`` with verified addresses, joined on
        ``joined`` (one moment for all, or one each); their ids."""
        ids = list(self.bulk.reserve_ids(User, len(people)))
        if isinstance(joined, dt.datetime):
            joined = [joined] * len(people)
        self.bulk.copy(
            User,
            [
                "id",
                "password",
                "last_login",
                "is_superuser",
                "email",
                "full_name",
                "language",
                "is_staff",
                "is_active",
                "date_joined",
            ],
            (
                (pk, self.password_hash, None, False, email, name, language, False, True, at)
                for pk, (name, email, language), at in zip(ids, people, joined, strict=True)
            ),
        )
        self.bulk.copy(
            EmailAddress,
            ["user", "email", "verified", "primary"],
            (
                (pk, email, True, True)
                for pk, (_name, email, _lang) in zip(ids, people, strict=True)
            ),
        )
        return ids

    def add_memberships(self, rows: Iterable[tuple[int, str, int]], at: dt.datetime) -> None:
        """``(user id, role, region id)``."""
        self.bulk.copy(
            Membership,
            ["user", "role", "region", "created_at", "created_by"],
            ((user, role, region, at, None) for user, role, region in rows),
        )

    def add_authenticators(self, user_ids: Sequence[int], at: dt.datetime) -> None:
        """A TOTP authenticator each (staff must sign in with a second factor)."""
        data = {"secret": encrypt(SCALE_TOTP_SECRET)}
        self.bulk.create(
            [
                Authenticator(user_id=pk, type=Authenticator.Type.TOTP, data=data, created_at=at)
                for pk in user_ids
            ]
        )


@dataclass
class Step:
    name: str
    seconds: float
    rows: int


class Timer:
    """Each step's time and rows, for the command to print."""

    def __init__(self, plan: Plan, write):
        self.plan = plan
        self.write = write
        self.steps: list[Step] = []
        self.started = time.monotonic()

    def run(self, name: str, build, *args) -> None:
        before = sum(self.plan.bulk.counts.values())
        started = time.monotonic()
        build(*args)
        seconds = time.monotonic() - started
        rows = sum(self.plan.bulk.counts.values()) - before
        self.steps.append(Step(name, seconds, rows))
        self.write(f"{name:<14} {seconds:7.1f} s {rows:>9,} rows")

    @property
    def total(self) -> float:
        return time.monotonic() - self.started


# Accounts --------------------------------------------------------------------------------


def build_accounts(plan: Plan) -> None:
    """The 21 regions; per region one to three coordinators, its supervisors' accounts
    and a log auditor; and a few national researchers (a researcher role in every region,
    which is how a researcher sees the whole country)."""
    weights = [weight for _code, _name, weight in REGIONS]
    region_ids = plan.bulk.reserve_ids(Region, len(REGIONS))
    plan.bulk.copy(
        Region,
        ["id", "name", "code"],
        ((pk, name, code) for pk, (code, name, _w) in zip(region_ids, REGIONS, strict=True)),
    )
    plan.regions = [
        RegionPlan(pk=pk, code=code, name=name, weight=weight)
        for pk, (code, name, weight) in zip(region_ids, REGIONS, strict=True)
    ]
    peers = apportion(plan.count(2000), weights)
    joined = plan.now - dt.timedelta(days=3 * 365)
    staff: list[tuple[str, str, str]] = []
    roles: list[tuple[RegionPlan | None, str]] = []
    for region, region_peers in zip(plan.regions, peers, strict=True):
        coordinators = 3 if region.weight >= 10 else 2 if region.weight >= 3 else 1
        supervisors = max(1, round(region_peers / 15))
        for role, count in (
            (Role.COORDINATOR, coordinators),
            (Role.SUPERVISOR, supervisors),
            (Role.AUDITOR, 1),
        ):
            for _ in range(count):
                name = plan.person_name()
                staff.append((name, plan.email_for(name), "sv"))
                roles.append((region, role))
    for _ in range(NATIONAL_RESEARCHERS):
        name = plan.person_name()
        staff.append((name, plan.email_for(name), "sv"))
        roles.append((None, Role.RESEARCHER))
    ids = plan.add_users(staff, joined)
    memberships = []
    for pk, (region, role) in zip(ids, roles, strict=True):
        if region is None:
            plan.researchers.append(pk)
            memberships.extend((pk, role, r.pk) for r in plan.regions)
            continue
        memberships.append((pk, role, region.pk))
        if role == Role.COORDINATOR:
            region.coordinators.append(pk)
        elif role == Role.SUPERVISOR:
            region.supervisors.append(pk)
        else:
            region.auditor = pk
    plan.add_memberships(memberships, joined)
    plan.add_authenticators(ids, joined)


def build_calendar_feeds(plan: Plan) -> None:
    """Calendar subscriptions for some peer supporters and every coordinator."""
    users = [pk for region in plan.regions for pk in region.coordinators]
    peer_users = plan.shared.get("peer_user_ids", [])
    users += plan.rng.sample(peer_users, k=len(peer_users) // 5)
    plan.bulk.copy(
        CalendarFeed,
        ["user", "token", "created_at"],
        ((pk, plan.token(), plan.now - dt.timedelta(days=30)) for pk in users),
    )


def defer_foreign_key_checks() -> bool:
    """Load without PostgreSQL's per-row foreign-key triggers, as ``pg_restore
    --disable-triggers`` does: checking each of a million rows against its parents one by
    one takes about a third of the seed. ``check_foreign_keys`` then checks every foreign
    key of the rows written, a query each. Only a superuser may do this; for anyone else
    the keys are checked row by row as the rows arrive. Unique and check constraints are
    not triggers and hold throughout. True when the triggers are off."""
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            return False
    return True


def check_foreign_keys(bulk: Bulk) -> None:
    """Every foreign key of every row written points at a row that exists; the triggers
    are back on afterwards."""
    orphans = []
    with connection.cursor() as cursor:
        for model in bulk.models.values():
            for fk in model._meta.concrete_fields:
                if not fk.is_relation:
                    continue
                parent = fk.related_model._meta
                target = parent.get_field(fk.target_field.name).column
                cursor.cursor.execute(
                    sql.SQL(
                        "SELECT count(*) FROM {child} AS c WHERE c.{key} IS NOT NULL AND NOT "
                        "EXISTS (SELECT 1 FROM {parent} AS p WHERE p.{target} = c.{key})"
                    ).format(
                        child=sql.Identifier(model._meta.db_table),
                        key=sql.Identifier(fk.column),
                        parent=sql.Identifier(parent.db_table),
                        target=sql.Identifier(target),
                    )
                )
                (count,) = cursor.cursor.fetchone()
                if count:
                    orphans.append(f"{model._meta.label}.{fk.name}: {count}")
        cursor.execute("SET LOCAL session_replication_role = origin")
    if orphans:
        raise ValueError(f"Rows pointing at nothing: {'; '.join(orphans)}")


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
