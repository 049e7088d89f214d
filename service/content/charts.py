"""An SVG chart of an experiment's conversion rates with their 95% intervals, for people who
would rather look than read. Plain SVG: it renders in any browser and in the docs.

Each bar ends at the rate, its label just past the bar's end; the whisker is the interval; a
labelled axis with ticks runs below. An arm below the minimums gets no bar (a rate from a
handful of visitors is not a result), only its interval and a note."""

import math
from html import escape
from typing import Any

from service.content.analysis import enough_data

WIDTH, ROW, LEFT, RIGHT, TOP = 640, 44, 170, 40, 40
BAR, CONTROL, WHISKER, AXIS = "#5b8def", "#9aa5b1", "#1f2933", "#616e7c"


def _ticks(highest: float) -> list[float]:
    """Round steps (1, 2 or 5 times a power of ten) from 0 past `highest`, four to eight."""
    raw = highest / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [i * step for i in range(math.ceil(highest / step + 1e-9) + 1)]


def results_chart(results: dict[str, Any]) -> str:
    rows = results["variants"]
    highest = max([0.01] + [(row["conversion_rate_interval"] or (0, 0))[1] for row in rows])
    ticks = _ticks(highest)
    scale = (WIDTH - LEFT - RIGHT) / ticks[-1]
    axis_y = TOP + ROW * len(rows) + 4
    height = axis_y + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="13">',
        f"<title>{escape(results['experiment'])}: conversion rate by variant, with 95% intervals</title>",
        f'<text x="{LEFT}" y="22" font-weight="bold">{escape(results["experiment"])}: '
        f"{escape(results['goal'])} rate (95% interval)</text>",
    ]
    for index, row in enumerate(rows):
        y = TOP + index * ROW
        label = f"{row['variant']} ({row['converted']}/{row['exposed']})"
        parts.append(f'<text x="{LEFT - 8}" y="{y + 19}" text-anchor="end">{escape(label)}</text>')
        if row["conversion_rate"] is None:
            parts.append(f'<text x="{LEFT + 4}" y="{y + 19}" fill="{AXIS}">no exposures yet</text>')
            continue
        low, high = (LEFT + value * scale for value in row["conversion_rate_interval"])
        whisker = (
            f"M{low:.1f},{y + 15} H{high:.1f} M{low:.1f},{y + 9} V{y + 21} M{high:.1f},{y + 9} V{y + 21}"
        )
        if not enough_data(row["exposed"], row["converted"]):
            parts.append(f'<path d="{whisker}" stroke="{CONTROL}" stroke-width="1.5" fill="none"/>')
            parts.append(f'<text x="{high + 6:.1f}" y="{y + 19}" fill="{AXIS}">not enough data</text>')
            continue
        end = LEFT + row["conversion_rate"] * scale
        colour = CONTROL if index == 0 else BAR
        parts.append(f'<rect x="{LEFT}" y="{y + 6}" width="{end - LEFT:.1f}" height="18" fill="{colour}"/>')
        parts.append(f'<path d="{whisker}" stroke="{WHISKER}" stroke-width="1.5" fill="none"/>')
        # At the bar's end, above the whisker, so that the interval never hides it.
        parts.append(
            f'<text class="rate" x="{end:.1f}" y="{y + 4}" text-anchor="middle" font-size="11">'
            f"{row['conversion_rate']:.1%}</text>"
        )
    parts.append(f'<path d="M{LEFT},{axis_y} H{LEFT + ticks[-1] * scale:.1f}" stroke="{AXIS}"/>')
    tick_format = ".0%" if ticks[1] >= 0.01 else ".1%"
    for tick in ticks:
        x = LEFT + tick * scale
        parts.append(f'<path d="M{x:.1f},{axis_y} V{axis_y + 5}" stroke="{AXIS}"/>')
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{axis_y + 18}" text-anchor="middle" font-size="11">'
            f"{tick:{tick_format}}</text>"
        )
    middle = LEFT + ticks[-1] * scale / 2
    parts.append(f'<text x="{middle:.1f}" y="{axis_y + 36}" text-anchor="middle">conversion rate</text>')
    if results["sample_ratio_mismatch"]:
        warning = "Sample ratio mismatch: do not trust these numbers."
        parts.append(f'<text x="{LEFT}" y="{height - 4}" fill="#c0392b">{warning}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
