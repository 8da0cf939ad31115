"""Every string a person sees has its Swedish translation in the catalogue."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings

from .services import require_executable

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.po"
SOURCES = [
    "manage.py",
    "peersupport",
    "programmes",
    "workplaces",
    "supervision",
    "evaluation",
    "templates",
    "locale",
]


def _entries(po: polib.POFile) -> dict[tuple[str, str], polib.POEntry]:
    return {(e.msgctxt or "", e.msgid): e for e in po if not e.obsolete and e.msgid}


def test_catalogue_has_every_string_translated(tmp_path):
    """makemessages over the source finds no string missing from, or untranslated in, sv."""
    require_executable("/usr/bin/xgettext")
    for name in SOURCES:
        source = Path(settings.BASE_DIR) / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sv", "--no-location", "-v", "0"],
        cwd=tmp_path,
        check=True,
    )
    fresh = _entries(polib.pofile(str(tmp_path / "locale/sv/LC_MESSAGES/django.po")))
    committed = _entries(polib.pofile(str(CATALOGUE)))
    missing = sorted(key[1] for key in fresh if key not in committed)
    assert not missing, f"Run `make messages` and translate: {missing}"
    untranslated = sorted(
        e.msgid
        for e in committed.values()
        if "fuzzy" in e.flags or not (e.msgstr or all(e.msgstr_plural.values()))
    )
    assert not untranslated, f"Untranslated or fuzzy in the sv catalogue: {untranslated}"


def test_compiled_catalogue_is_up_to_date():
    """The .mo the server reads holds the same translations as the .po."""
    compiled = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    source = polib.pofile(str(CATALOGUE))
    compiled_map = {e.msgid: (e.msgstr, e.msgstr_plural) for e in compiled}
    stale = [
        e.msgid
        for e in source.translated_entries()
        if compiled_map.get(e.msgid, (None, None))[0 if not e.msgid_plural else 1]
        != (e.msgstr if not e.msgid_plural else e.msgstr_plural)
    ]
    assert not stale, f"Run `make messages` (compilemessages): {stale[:5]}"
