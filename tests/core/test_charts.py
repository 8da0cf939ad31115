from xml.etree import ElementTree

import pytest
from django.test import override_settings

from peersupport.charts import Series, stacked_bar_chart
from peersupport.smallnumbers import figure


def test_chart_is_valid_svg_without_scripts_or_style_attributes():
    """Safe under the strict CSP inline, and labels are escaped."""
    svg = stacked_bar_chart(
        title="Samtal <per> månad",
        categories=["jan", "feb", "mar"],
        series=[Series("Enskilt samtal", [3, 0, 5]), Series("Grupp & cirkel", [1, 2, 0])],
    )
    root = ElementTree.fromstring(svg)
    tags = {element.tag.split("}")[1] for element in root.iter()}
    assert "script" not in tags and "style" not in tags
    assert not any("style" in element.attrib for element in root.iter())
    assert root.attrib["role"] == "img"
    titles = [e.text for e in root.iter() if e.tag.endswith("title")]
    assert "Samtal <per> månad" in titles
    assert "mar: Enskilt samtal 5" in titles
    bars = [e for e in root.iter() if e.tag.endswith("rect") and e.find("{*}title") is not None]
    assert len(bars) == 4  # zero values draw nothing


def test_empty_chart_renders():
    svg = stacked_bar_chart(title="Inga data", categories=[], series=[])
    assert ElementTree.fromstring(svg) is not None


@pytest.mark.english
@override_settings(SMALL_NUMBER_THRESHOLD=5)
def test_a_suppressed_figure_is_marked_not_drawn_to_scale():
    """A count shown as "<5" gets a mark and its text above the bar, and no bar whose height
    would tell it; the legend says small numbers are not drawn."""
    small, zero = figure(3), figure(0)
    svg = stacked_bar_chart(
        title="Samtal",
        categories=["jan", "feb"],
        series=[Series("Enskilt samtal", [figure(12), small]), Series("Grupp", [zero, zero])],
    )

    root = ElementTree.fromstring(svg)
    titles = [e.text for e in root.iter() if e.tag.endswith("title")]
    assert "feb: Enskilt samtal <5" in titles
    assert "jan: Enskilt samtal 12" in titles
    assert not any(title.endswith(" 3") for title in titles)
    texts = [e.text for e in root.iter() if e.tag.endswith("text")]
    assert "<5" in texts
    assert any("not drawn" in (text or "") for text in texts)
