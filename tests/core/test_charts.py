from xml.etree import ElementTree

from peersupport.charts import Series, stacked_bar_chart


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
