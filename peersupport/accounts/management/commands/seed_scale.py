"""``manage.py seed_scale``: national benchmark data, built in bulk.

See ``peersupport.accounts.scale`` for how (rows written with COPY, not through the
actions) and each app's ``scale.py`` for what. It runs once, on an empty PostgreSQL
database, in one transaction: a failure leaves nothing behind.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from evaluation import scale as evaluation_scale
from peersupport.accounts import scale
from peersupport.accounts.models import Region, User
from programmes import scale as programme_scale
from programmes.models import Participant
from supervision import scale as supervision_scale
from workplaces import scale as workplace_scale


class Command(BaseCommand):
    help = (
        "Fill an empty PostgreSQL database with national benchmark data (21 regions, 2,000 "
        "peer supporters, 250,000 support sessions, …). Fictitious; refused in production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--factor",
            type=float,
            default=1.0,
            help="Scale every count by this (e.g. 0.005 for a few seconds' worth).",
        )

    def handle(self, *args, factor: float, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "seed_scale does not run with DJANGO_ENV=production: it fills the database "
                "with fictitious people whose logins share a published password."
            )
        if connection.vendor != "postgresql":
            raise CommandError(
                f"seed_scale needs PostgreSQL (it writes with COPY); this database is "
                f"{connection.vendor}."
            )
        if factor <= 0 or factor > 10:
            raise CommandError("--factor must be above 0 and at most 10.")
        if Region.objects.exists() or Participant.objects.exists() or User.objects.exists():
            raise CommandError(
                "This database already holds data (regions, participants or accounts). "
                "seed_scale fills only an empty, migrated database: running it a second "
                "time is refused."
            )
        plan = scale.Plan.start(factor)
        timer = scale.Timer(plan, self.stdout.write)
        with transaction.atomic():
            triggers_off = scale.defer_foreign_key_checks()
            timer.run("accounts", scale.build_accounts, plan)
            timer.run("programmes", programme_scale.build, plan)
            timer.run("workplaces", workplace_scale.build, plan)
            timer.run("supervision", supervision_scale.build, plan)
            timer.run("evaluation", evaluation_scale.build, plan)
            timer.run("calendar", scale.build_calendar_feeds, plan)
            if triggers_off:
                timer.run("foreign keys", scale.check_foreign_keys, plan.bulk)
        timer.run("analyze", scale.analyze)
        for label, count in sorted(plan.bulk.counts.items()):
            self.stdout.write(f"  {label:<36} {count:>9,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data ready (factor {factor:g}) in {timer.total:.1f} s. Every login's "
                f"password is {scale.SCALE_PASSWORD!r}; staff TOTP secret "
                f"{scale.SCALE_TOTP_SECRET}."
            )
        )
