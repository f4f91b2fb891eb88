"""The SVG charts: classes only (the CSP allows no inline style or script), escaped text."""

import re

from connect.insights.charts import Chart, Series, nice_top, render


def test_bars_lines_and_hbars_use_classes_only():
    for kind in ("bars", "lines", "hbars"):
        chart = Chart(
            kind, ("a", "b", "c"), (Series("One", (1, None, 3)), Series("Two", (2, 2, 0)))
        )
        svg = str(render(chart, "Title", f"k-{kind}"))
        assert svg.startswith('<svg class="chart') and svg.endswith("</svg>")
        assert "style" not in svg and "<script" not in svg and "fill=" not in svg
        assert 'role="img"' in svg and '<title id="chart-k-' in svg
        assert "s0" in svg and "s1" in svg


def test_missing_values_break_lines_and_are_not_drawn():
    svg = str(render(Chart("lines", ("a", "b", "c"), (Series("S", (1, None, 3)),)), "T", "k"))
    path = re.search(r'<path class="chart-line s0" d="([^"]+)"', svg).group(1)
    assert path.count("M") == 2 and "L" not in path  # two lone points, no line across the gap
    assert svg.count("<circle") == 2
    bars = str(render(Chart("bars", ("a", "b"), (Series("S", (None, 2)),)), "T", "k"))
    assert bars.count("<rect") == 1


def test_text_is_escaped_and_empty_data_says_so():
    svg = str(render(Chart("hbars", ("<b>&",), (Series("x<y", (1,)),)), "A<B", "k"))
    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg and "A&lt;B" in svg
    empty = str(render(Chart("bars", (), ()), "Nothing", "k"))
    assert "No data for this period" in empty


def test_nice_scale_tops():
    assert [nice_top(v) for v in (0, 1, 3, 7, 12, 180, 2400)] == [1, 1, 5, 10, 20, 200, 2500]


def test_tables_escape_and_format():
    from connect.insights.tables import table_html

    html = str(table_html(["<W>", "N"], [["<b>", 12345], ["x", None], ["y", 2.25]], "Cap", "c"))
    assert "&lt;W&gt;" in html and "&lt;b&gt;" in html and "<b>" not in html
    assert "<td>12,345</td>" in html and "<td>—</td>" in html and "<td>2.2</td>" in html
    assert '<th scope="row">' in html and '<caption id="c">Cap</caption>' in html
    assert "No data for this period." in str(table_html(["A", "B"], [], "Cap", "c"))
