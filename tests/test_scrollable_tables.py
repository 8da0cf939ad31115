"""Every scrolling table wrapper in the templates can be reached by keyboard and is named."""

import re

from django.conf import settings

WRAPPER = re.compile(r"<div\b[^>]*\bclass=\"[^\"]*\btable-responsive\b[^>]*>")


def test_every_table_responsive_wrapper_is_a_focusable_named_region():
    """A wrapper that scrolls on a phone takes the keyboard focus (tabindex="0") and is a
    region with a name (axe-core: scrollable-region-focusable)."""
    wrappers = [
        (path.relative_to(settings.BASE_DIR), tag)
        for path in (settings.BASE_DIR / "templates").rglob("*.html")
        for tag in WRAPPER.findall(path.read_text())
    ]
    assert len(wrappers) > 30
    unreachable = [
        f"{path}: {tag}"
        for path, tag in wrappers
        if not (
            'tabindex="0"' in tag
            and 'role="region"' in tag
            and re.search(r"aria-label(ledby)?=\"[^\"]+\"", tag)
        )
    ]
    assert not unreachable, "\n".join(unreachable)
