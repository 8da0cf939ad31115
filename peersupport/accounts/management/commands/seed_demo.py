from django.core.management.base import BaseCommand
from django.db import transaction

from peersupport.accounts import demo
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
        demo.seed(password=password)
        programme_demo.seed()
        workplace_demo.seed(password=password)
        supervision_demo.seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Log in as e.g. {demo.demo_email('koordinator.stockholm')} "
                f"with password {password!r}; TOTP secret {demo.DEMO_TOTP_SECRET}."
            )
        )
