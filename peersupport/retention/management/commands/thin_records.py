import argparse
import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.retention.actions import thin_due_records


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


class Command(BaseCommand):
    help = (
        "Gallra (thin out) what every retention rule says is due: anonymise or delete it, "
        "keeping every count. With --dry-run, only list how many records each rule would "
        "thin in each region."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the counts per rule and region; change nothing.",
        )
        # For tests and previews ("what falls due by then?"): thin as on another day.
        parser.add_argument("--as-of", type=_date, help=argparse.SUPPRESS)

    def handle(self, *args, dry_run: bool, as_of: dt.date | None, **options):
        now = timezone.now()
        if as_of is not None:
            now = timezone.make_aware(dt.datetime.combine(as_of, dt.time.min))
            if settings.PRODUCTION and not dry_run and as_of > timezone.localdate():
                raise CommandError(_("A future date may only be used with --dry-run."))
        runs = thin_due_records(now=now, dry_run=dry_run)
        heading = (
            _("Due for thinning on %(date)s (dry run: nothing is changed)")
            if dry_run
            else _("Thinned on %(date)s")
        )
        self.stdout.write(heading % {"date": timezone.localdate(now).isoformat()})
        self.stdout.write(_("Rule, region (- nationally), months, records older than, count:"))
        for run in runs:
            region = run.region.code if run.region else "-"
            self.stdout.write(
                f"{run.rule.key:<32} {region:<16} {run.months:>4} "
                f"{timezone.localdate(run.cutoff).isoformat()} {run.count:>7}"
            )
        self.stdout.write(_("Total: %(count)s") % {"count": sum(run.count for run in runs)})
