"""Bar charts as inline SVG, drawn on the server: wkhtmltopdf runs no modern JavaScript, so no chart library.

Plain strings of SVG 1.1 (what QtWebKit in wkhtmltopdf draws); every label is escaped here.
"""

from html import escape

BAR_COLOUR = "#4c78a8"
NEGATIVE_COLOUR = "#e45756"


def _number(value):
    """A value as a short label: 12 345, 1,2 M (no locale: the chart is an overview, the tables hold the figures)."""
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f} M"
    if abs(value) >= 10_000:
        return f"{value / 1_000:.0f} k"
    return f"{value:.0f}"


def bar_chart(bars, width=640, height=220, title=""):
    """Vertical bars for ``[(label, value), ...]``; negative values go below the zero line, in another colour."""
    bars = list(bars)
    top, bottom, left = 24, 30, 8
    plot_height = height - top - bottom
    high = max([value for _label, value in bars] + [0])
    low = min([value for _label, value in bars] + [0])
    span = (high - low) or 1
    zero = top + plot_height * high / span
    slot = (width - 2 * left) / max(len(bars), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="10">',
        f'<text x="{left}" y="14" font-size="12" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{zero:.1f}" x2="{width - left}" y2="{zero:.1f}" stroke="#888" stroke-width="0.5"/>',
    ]
    for index, (label, value) in enumerate(bars):
        bar_height = plot_height * abs(value) / span
        x = left + index * slot + slot * 0.15
        y = zero - bar_height if value >= 0 else zero
        colour = BAR_COLOUR if value >= 0 else NEGATIVE_COLOUR
        centre = left + index * slot + slot / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar_height:.1f}" fill="{colour}">'
            f"<title>{escape(str(label))}: {escape(_number(value))}</title></rect>"
        )
        value_y = y - 3 if value >= 0 else y + bar_height + 10
        parts.append(f'<text x="{centre:.1f}" y="{value_y:.1f}" text-anchor="middle">{escape(_number(value))}</text>')
        parts.append(f'<text x="{centre:.1f}" y="{height - 10}" text-anchor="middle">{escape(str(label))}</text>')
    parts.append("</svg>")
    return "".join(parts)
