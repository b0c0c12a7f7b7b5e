"""A small server-side SVG bar chart: the same markup on the page and in the PDF, no JavaScript.

Bars are horizontal with the label on the left and the value text on the right, so the chart
reads without colour. A suppressed value draws no bar and says "<5". The chart is decorative
for screen readers (aria-hidden); the table beside it carries the data.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 260
BAR_AREA = 300
VALUE_WIDTH = 80
BAR_COLOUR = "#1d70b8"  # GOV.UK blue; meaning never rests on colour alone


def _truncate(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(points: list[tuple[str, float | None, str]], *, title: str, unit: str = "") -> SafeString:
    """SVG for (label, value or None, text shown). Scale: the largest value, or 100 for percentages."""
    if not points:
        return SafeString("")
    values = [v for _, v, _ in points if v is not None]
    top = 100.0 if unit == "%" else max(values + [0]) or 1
    height = len(points) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tl-chart" aria-hidden="true" '
        f'focusable="false" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value, text) in enumerate(points):
        y = GAP + index * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 5
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle:.0f}" text-anchor="end" font-family="Arial, sans-serif" '
            f'font-size="14" fill="#0b0c0c">{escape(_truncate(label))}</text>'
        )
        bar = 0.0 if value is None else max(0.0, float(value)) / float(top) * BAR_AREA
        if bar > 0:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar:.1f}" height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + bar + 6:.1f}" y="{middle:.0f}" font-family="Arial, sans-serif" '
            f'font-size="14" fill="#0b0c0c">{escape(text)}</text>'
        )
    parts.append("</svg>")
    # Every piece of text above went through escape(); numbers are formatted by us.
    return mark_safe("".join(parts))  # noqa: S308
