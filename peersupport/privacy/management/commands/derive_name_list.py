"""Write the privacy guard's compact Swedish name list from the names-dataset and wordfreq
packages (``uv sync --group namelist`` installs them). Run it when either package is updated
and commit the file it writes."""

import json
from importlib.metadata import version

from django.core.management.base import BaseCommand, CommandError

from peersupport.privacy.namelist import derive
from peersupport.privacy.names import NAME_LIST


class Command(BaseCommand):
    help = "Derive the Swedish first names and surnames the privacy guard warns about."

    def add_arguments(self, parser):
        parser.add_argument(
            "--first-names",
            type=int,
            default=1000,
            help="How many of the commonest first names to take, per gender (default 1000).",
        )
        parser.add_argument(
            "--surnames",
            type=int,
            default=2000,
            help="How many of the commonest surnames to take (default 2000).",
        )
        parser.add_argument("--output", default=str(NAME_LIST), help="Where to write the list.")

    def handle(self, *args, first_names: int, surnames: int, output: str, **options):
        # Imported here: the packages are not installed for the site, and loading
        # names-dataset takes about 20 s and 2 GB.
        try:
            from names_dataset import NameDataset
            from wordfreq import zipf_frequency
        except ImportError as error:
            raise CommandError(
                f"{error.name} is missing: install the name packages with "
                "`uv sync --group namelist`."
            ) from error
        self.stdout.write("Loading names-dataset (about 20 s)…")
        dataset = NameDataset()
        top_first = dataset.get_top_names(n=first_names, country_alpha2="SE")["SE"]
        top_surnames = dataset.get_top_names(
            n=surnames, country_alpha2="SE", use_first_names=False
        )["SE"]
        derived = derive(
            female=top_first["F"],
            male=top_first["M"],
            surnames=top_surnames,
            frequency=lambda word: zipf_frequency(word, "sv"),
        )
        document = {
            "source": {
                "names-dataset": version("names-dataset"),
                "wordfreq": version("wordfreq"),
                "country": "SE",
                "first_names_per_gender": first_names,
                "surnames": surnames,
            },
            **derived,
        }
        with open(output, "w", encoding="utf-8") as file:
            json.dump(document, file, ensure_ascii=False, indent=1)
            file.write("\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {len(derived['names'])} names and {len(derived['also_words'])} names "
                f"that are also ordinary words to {output}."
            )
        )
