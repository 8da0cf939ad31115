from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from evaluation.actions.instruments import (
    InstrumentUnchanged,
    import_instrument,
    load_shipped_instruments,
)
from evaluation.schema import InstrumentFileError


class Command(BaseCommand):
    help = (
        "Load the instruments written by the project (a version only when its content "
        "changed), or, given files, load those: e.g. the research team's licensed copy of "
        "an instrument. Problems in a file are listed with their line; nothing of that "
        "file is loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="Instrument JSON files.")

    def handle(self, *args, paths: list[Path], **options):
        if not paths:
            for version in load_shipped_instruments():
                self.stdout.write(f"{version.instrument.key} v{version.version}")
            return
        failed = False
        for path in paths:
            try:
                version = import_instrument(actor=None, text=path.read_bytes())
            except OSError as error:
                failed = True
                self.stderr.write(f"{path}: {error.strerror}")
            except InstrumentUnchanged as unchanged:
                self.stdout.write(f"{path}: {unchanged.messages[0]}")
            except InstrumentFileError as error:
                failed = True
                for line in error.lines():
                    self.stderr.write(f"{path}: {line}")
            else:
                self.stdout.write(
                    _("%(path)s: loaded as %(key)s v%(version)s")
                    % {"path": path, "key": version.instrument.key, "version": version.version}
                )
        if failed:
            raise CommandError(_("Some files were not loaded."))
