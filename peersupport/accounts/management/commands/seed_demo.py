from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from evaluation import demo as evaluation_demo
from peersupport.accounts import demo
from peersupport.accounts.models import User
from peersupport.audit import demo as audit_demo
from peersupport.extracts import demo as extract_demo
from peersupport.messaging import demo as messaging_demo
from peersupport.reports import demo as report_demo
from peersupport.retention import demo as retention_demo
from programmes import demo as programme_demo
from supervision import demo as supervision_demo
from workplaces import demo as workplace_demo


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo regions, people and data. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=demo.DEMO_PASSWORD, help="Password for every demo login."
        )

    @transaction.atomic
    def handle(self, *args, password: str, **options):
        # Demo logins share a published password and TOTP secret: they must never sit
        # beside real people's accounts.
        if settings.PRODUCTION:
            raise CommandError(
                "seed_demo does not run with DJANGO_ENV=production: it makes logins with a "
                "published password and TOTP secret."
            )
        others = User.objects.exclude(pk__in=demo.demo_users()).count()
        if others:
            raise CommandError(
                f"This database holds {others} account(s) that are not demo accounts (not on "
                f"@{demo.DEMO_DOMAIN}). seed_demo runs only on a database of demo data: it makes "
                "logins with a published password and TOTP secret."
            )
        demo.seed(password=password)
        programme_demo.seed()
        workplace_demo.seed(password=password)
        # Events reach the peer supporters and unit managers the workplace seed gives accounts.
        programme_demo.seed_events()
        supervision_demo.seed()
        messaging_demo.seed()
        evaluation_demo.seed()
        retention_demo.seed()
        extract_demo.seed()
        report_demo.seed()
        audit_demo.seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Log in as e.g. {demo.demo_email('koordinator.stockholm')} "
                f"with password {password!r}; TOTP secret {demo.DEMO_TOTP_SECRET}."
            )
        )
