"""Plain pytest for lib/svg_chart.py."""

import re
import xml.etree.ElementTree as ET

from odoo.addons.kundekartotek.lib.svg_chart import bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_bars_are_proportional_and_negative_ones_hang_below_zero():
    svg = ET.fromstring(bar_chart([("jan", 2000.0), ("feb", -500.0), ("mar", 1000.0)], height=230))
    bars = svg.findall(f"{SVG}rect")
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[0] == 2 * heights[2] == 4 * heights[1]
    zero = float(svg.find(f"{SVG}line").get("y1"))
    assert float(bars[0].get("y")) + heights[0] == zero  # up from the zero line
    assert float(bars[1].get("y")) == zero  # down from it
    assert bars[1].get("fill") != bars[0].get("fill")
    labels = [text.text for text in svg.findall(f"{SVG}text")]
    assert labels[1:] == ["2000", "jan", "-500", "feb", "1000", "mar"]


def test_labels_are_escaped_and_large_values_shortened():
    svg = bar_chart([("<b>&co", 1_250_000.0), ("x", 12_345.0)], title="A & B")
    ET.fromstring(svg)  # still well-formed
    assert "&lt;b&gt;&amp;co" in svg and "<b>" not in svg
    assert re.search(r">1\.2 M<|>1\.3 M<", svg)
    assert ">12 k<" in svg


def test_no_bars_is_an_empty_chart():
    svg = ET.fromstring(bar_chart([], title="Tomt"))
    assert svg.findall(f"{SVG}rect") == []
