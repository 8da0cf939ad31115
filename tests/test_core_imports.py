"""Dependencies point one way, apps → core: the core gathers what apps add through
registries (calendar sources, data-protection entries, notification kinds)."""

import re
from pathlib import Path

import peersupport

APPS = ("programmes", "workplaces", "supervision", "evaluation")
# The demo and the national benchmark data are seeded across every app on purpose; they
# are development commands.
ALLOWED = {
    Path("accounts/management/commands/seed_demo.py"),
    Path("accounts/management/commands/seed_scale.py"),
}


def test_the_core_imports_no_app():
    """No module of ``peersupport/`` imports an app, at module level or inside a function,
    apart from the commands that seed the demo and the benchmark's data."""
    core = Path(peersupport.__file__).parent
    pattern = re.compile(rf"^\s*(from|import) ({'|'.join(APPS)})\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(core))
        for path in core.rglob("*.py")
        if path.relative_to(core) not in ALLOWED and pattern.search(path.read_text())
    ]

    assert offenders == []
