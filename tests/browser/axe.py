"""Accessibility checks in the browser with axe-core (bundled by axe-playwright-python)."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

BLOCKING_IMPACTS = frozenset({"serious", "critical"})

_axe = Axe()


def _selector(target: str | list[str]) -> str:
    # A list is a path through iframes or shadow roots, outermost first.
    return target if isinstance(target, str) else " >>> ".join(target)


def _describe(violation: dict) -> str:
    targets = "\n".join(
        "    " + ", ".join(_selector(target) for target in node["target"])
        for node in violation["nodes"]
    )
    return (
        f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
        f"  {violation['helpUrl']}\n{targets}"
    )


def assert_accessible(page: Page) -> None:
    """Fail listing every serious or critical axe-core violation on the current page."""
    violations = _axe.run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, (
        f"{len(blocking)} serious/critical accessibility violation(s) on {page.url}:\n"
        + "\n".join(_describe(v) for v in blocking)
    )
