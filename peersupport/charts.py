"""Server-side SVG charts, one module for pages and PDF reports alike.

Plain SVG with presentation attributes (no scripts, no style attributes), so it passes
the strict Content-Security-Policy inline and renders the same in WeasyPrint.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from .smallnumbers import Figure

# Colour-blind safe (Okabe–Ito), dark enough against white for bars with labels beside.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]


@dataclass(frozen=True)
class Series:
    """One series; a value may be a small-numbers ``Figure``, and a suppressed one ("<5",
    "x") is marked on its bar with its text, never drawn to a height that would tell it."""

    label: str
    values: list[float | Figure]


def _amount(value: float | Figure) -> float:
    if isinstance(value, Figure):
        return 0 if value.suppressed else value.value
    return value


def _suppressed(value: float | Figure) -> bool:
    return isinstance(value, Figure) and value.suppressed


# DejaVu Sans at 11 units is about this wide per character, on average.
CHARACTER_WIDTH = 6.5


def _axis_label(category: str, *, x: float, y: float, room: float) -> str:
    """A category's name under its bar, cut short with "…" where it would run into the
    next one; the full name stays in the text's tooltip (and in the table beside it)."""
    fits = max(3, int(room / CHARACTER_WIDTH))
    short = category if len(category) <= fits else category[: fits - 1].rstrip() + "…"
    tooltip = f"<title>{escape(category)}</title>" if short != category else ""
    return (
        f'<text x="{x:.1f}" y="{y}" text-anchor="middle" fill="#333">'
        f"{escape(short)}{tooltip}</text>"
    )


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 5:
            return step * 5 if value > step * 4 else step * (int(value / step) + 1)
    return value


def stacked_bar_chart(
    *, title: str, categories: list[str], series: list[Series], width: int = 640, height: int = 260
) -> str:
    """A stacked bar chart with a legend, as an SVG string safe to include in HTML."""
    marks = max(
        (sum(_suppressed(s.values[i]) for s in series) for i in range(len(categories))),
        default=0,
    )
    any_suppressed = bool(marks)
    # Room above the tallest bar for the marks of suppressed values.
    left, right, top, bottom = 40, 10, 10 + 11 * marks, 40
    legend_height = 18 * ((len(series) + 1) // 2 + any_suppressed)
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(_amount(s.values[i]) for s in series) for i in range(len(categories))]
    y_max = _nice_max(max(totals, default=0))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + legend_height}" '
        f'role="img" aria-label="{escape(title)}" class="chart" font-family="DejaVu Sans, '
        f'sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(5):
        value = y_max * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#ddd" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#333">{value:g}</text>'
        )
    slot = plot_w / max(len(categories), 1)
    bar_w = slot * 0.7
    for index, category in enumerate(categories):
        x = left + slot * index + (slot - bar_w) / 2
        y = top + plot_h
        marked = []
        for colour_index, s in enumerate(series):
            value = s.values[index]
            colour = PALETTE[colour_index % len(PALETTE)]
            if _suppressed(value):
                marked.append((colour, s.label, str(value)))
                continue
            value = _amount(value)
            if not value:
                continue
            h = plot_h * value / y_max
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(category)}: {escape(s.label)} {value:g}</title>'
                f"</rect>"
            )
        # Above the bar, one small key and its text per suppressed value: not to scale.
        for mark, (colour, label, text) in enumerate(marked):
            my = y - 11 * (mark + 1)
            parts.append(
                f'<rect x="{x:.1f}" y="{my:.1f}" width="7" height="7" fill="{colour}">'
                f"<title>{escape(category)}: {escape(label)} {escape(text)}</title></rect>"
            )
            parts.append(
                f'<text x="{x + 9:.1f}" y="{my + 7:.1f}" font-size="9" fill="#333">'
                f"{escape(text)}</text>"
            )
        parts.append(_axis_label(category, x=x + bar_w / 2, y=top + plot_h + 14, room=slot))
    for index, s in enumerate(series):
        lx = left + (index % 2) * (plot_w / 2)
        ly = height + 18 * (index // 2)
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{lx:.1f}" y="{ly - 10}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 14:.1f}" y="{ly}" fill="#333">{escape(s.label)}</text>')
    if any_suppressed:
        ly = height + 18 * ((len(series) + 1) // 2)
        note = _("Small numbers are marked above the bars, not drawn; the table has them.")
        parts.append(f'<text x="{left}" y="{ly}" fill="#333">{escape(note)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def percent_bar_chart(
    *,
    title: str,
    categories: list[str],
    values: list[int | None],
    width: int = 640,
    height: int = 220,
) -> str:
    """One bar per category on a 0–100 % scale, its value written above it; a category
    without a value (``None``: nothing to measure) gets a dash instead of a bar."""
    left, right, top, bottom = 44, 10, 16, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="chart" font-family="DejaVu Sans, '
        f'sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(5):
        y = top + plot_h - plot_h * tick / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#ddd" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#333">'
            f"{tick * 25} %</text>"
        )
    slot = plot_w / max(len(categories), 1)
    bar_w = slot * 0.6
    baseline = top + plot_h
    for index, (category, value) in enumerate(zip(categories, values, strict=True)):
        x = left + slot * index + (slot - bar_w) / 2
        centre = x + bar_w / 2
        if value is None:
            label, label_y = "–", baseline - 4
        else:
            h = plot_h * max(0, min(value, 100)) / 100
            label, label_y = f"{value} %", baseline - h - 4
            if h:
                parts.append(
                    f'<rect x="{x:.1f}" y="{baseline - h:.1f}" width="{bar_w:.1f}" '
                    f'height="{h:.1f}" fill="{PALETTE[0]}"><title>{escape(category)}: '
                    f"{value} %</title></rect>"
                )
        parts.append(
            f'<text x="{centre:.1f}" y="{label_y:.1f}" text-anchor="middle" fill="#333">'
            f"{label}</text>"
        )
        parts.append(_axis_label(category, x=centre, y=baseline + 14, room=slot))
    parts.append("</svg>")
    return "".join(parts)
