"""Small server-rendered SVG charts that keep the Content-Security-Policy.

Why not pygal: its SVG carries a ``<style>`` element, ``style`` attributes and
a ``<script>``, which the site's policy (no inline style or script) refuses;
rewriting its output would be more code than this. These charts use classes
only (``static/css/insights.css`` colours them, with a dark-mode palette) and
scale with their ``viewBox``, so they read at phone width. Every chart sits
beside a table with the same numbers; each bar or point also carries a
``<title>`` with its value.

Three kinds: ``bars`` (grouped vertical bars), ``lines`` (one line per series,
broken where a value is missing, e.g. a suppressed small cell) and ``hbars``
(horizontal bars with the label above each bar, for long labels).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

WIDTH, HEIGHT = 400, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 14, 38
MAX_X_LABELS = 5


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    kind: str  # "bars", "lines" or "hbars"
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""  # appended to values: "%", " h", " days"
    max_value: float | None = None  # a fixed top of the scale (100 for shares)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "labels": list(self.labels),
            "series": [{"name": s.name, "values": list(s.values)} for s in self.series],
            "unit": self.unit,
        }


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return gettext("not shown")
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.1f}"
    else:
        text = f"{int(value):,}"
    return f"{text}{unit}"


def nice_top(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^n at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover  (the loop always returns)


def _values(chart: Chart) -> list[float]:
    return [v for s in chart.series for v in s.values if v is not None]


def render(chart: Chart, title: str, key: str) -> SafeString:
    """The chart as an inline ``<svg>`` (classes only: no style, no script)."""
    if chart.kind == "hbars":
        body, height = _hbars(chart)
    else:
        body, height = _vertical(chart)
    title_id, desc_id = f"chart-{key}-title", f"chart-{key}-desc"
    names = ", ".join(s.name for s in chart.series)
    desc = gettext("%(names)s. The table beside the chart has every value.") % {"names": names}
    svg = (
        f'<svg class="chart chart-{escape(chart.kind)}" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(desc)}</desc>'
        f"{body}</svg>"
    )
    return mark_safe(svg)  # noqa: S308  (every text is escaped above)


def _empty(height: int) -> str:
    return (
        f'<text class="chart-empty" x="{WIDTH / 2:.0f}" y="{height / 2:.0f}" '
        f'text-anchor="middle">No data for this period</text>'
    )


def _vertical(chart: Chart) -> tuple[str, int]:
    values = _values(chart)
    n = len(chart.labels)
    if n == 0 or not chart.series:
        return _empty(HEIGHT), HEIGHT
    top = chart.max_value or nice_top(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h

    def y(v: float) -> float:
        return base - plot_h * min(v, top) / top

    parts = []
    for i in range(5):
        tick = top * i / 4
        ty = y(tick)
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
            f'y1="{ty:.1f}" y2="{ty:.1f}"/>'
            f'<text class="chart-tick" x="{LEFT - 4}" y="{ty + 4:.1f}" text-anchor="end">'
            f"{escape(number(tick, chart.unit if chart.unit == '%' else ''))}</text>"
        )
    slot = plot_w / n
    step = max(1, math.ceil(n / MAX_X_LABELS))
    for i, label in enumerate(chart.labels):
        if i % step == 0:
            x = LEFT + slot * (i + 0.5)
            parts.append(
                f'<text class="chart-label" x="{x:.1f}" y="{base + 16}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    parts.append(
        f'<line class="chart-axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base}" y2="{base}"/>'
    )
    if chart.kind == "bars":
        k = len(chart.series)
        bar_w = slot * 0.8 / k
        for s_i, series in enumerate(chart.series):
            for i, v in enumerate(series.values):
                if v is None:
                    continue
                x = LEFT + slot * i + slot * 0.1 + bar_w * s_i
                parts.append(
                    f'<rect class="chart-bar s{s_i}" x="{x:.1f}" y="{y(v):.1f}" '
                    f'width="{max(bar_w - 1, 1):.1f}" height="{max(base - y(v), 0):.1f}">'
                    f"<title>{escape(chart.labels[i])}: {escape(series.name)} "
                    f"{escape(number(v, chart.unit))}</title></rect>"
                )
    else:
        paths, dots = [], []
        for s_i, series in enumerate(chart.series):
            path, pen = [], "M"
            for i, v in enumerate(series.values):
                if v is None:
                    pen = "M"  # a gap: the line breaks where a value is not shown
                    continue
                x = LEFT + slot * (i + 0.5)
                path.append(f"{pen}{x:.1f} {y(v):.1f}")
                pen = "L"
                dots.append(
                    f'<circle class="chart-dot s{s_i}" cx="{x:.1f}" cy="{y(v):.1f}" r="3">'
                    f"<title>{escape(chart.labels[i])}: {escape(series.name)} "
                    f"{escape(number(v, chart.unit))}</title></circle>"
                )
            if path:
                paths.append(f'<path class="chart-line s{s_i}" d="{" ".join(path)}"/>')
        parts += paths + dots
    return "".join(parts), HEIGHT


def _hbars(chart: Chart) -> tuple[str, int]:
    values = _values(chart)
    n = len(chart.labels)
    k = max(len(chart.series), 1)
    row = 18 + 14 * k
    height = TOP + row * max(n, 1) + 6
    if n == 0 or not chart.series:
        return _empty(HEIGHT), HEIGHT
    top = chart.max_value or nice_top(max(values, default=0))
    left, span = 8, WIDTH - 8 - 70
    parts = []
    for i, label in enumerate(chart.labels):
        y0 = TOP + row * i
        parts.append(f'<text class="chart-label" x="{left}" y="{y0 + 10}">{escape(label)}</text>')
        for s_i, series in enumerate(chart.series):
            v = series.values[i]
            by = y0 + 16 + 14 * s_i
            if v is None:
                parts.append(f'<text class="chart-value" x="{left}" y="{by + 10}">not shown</text>')
                continue
            w = span * min(v, top) / top
            parts.append(
                f'<rect class="chart-bar s{s_i}" x="{left}" y="{by}" width="{max(w, 1):.1f}" '
                f'height="11"><title>{escape(label)}: {escape(series.name)} '
                f"{escape(number(v, chart.unit))}</title></rect>"
                f'<text class="chart-value" x="{left + w + 4:.1f}" y="{by + 10}">'
                f"{escape(number(v, chart.unit))}</text>"
            )
    return "".join(parts), height
