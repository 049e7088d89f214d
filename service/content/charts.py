"""An SVG chart of an experiment's conversion rates with their 95% intervals, for people who
would rather look than read. Plain SVG: it renders in any browser and in the docs."""

from html import escape
from typing import Any

WIDTH, ROW, LEFT, RIGHT, TOP = 640, 44, 150, 30, 40
BAR, CONTROL, WHISKER = "#5b8def", "#9aa5b1", "#1f2933"


def results_chart(results: dict[str, Any]) -> str:
    rows = results["variants"]
    highest = max([1e-9] + [(row["conversion_rate_interval"] or (0, 0))[1] for row in rows])
    scale = (WIDTH - LEFT - RIGHT) / (highest * 1.1)
    height = TOP + ROW * len(rows) + 30
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
        parts.append(f'<text x="{LEFT - 8}" y="{y + 18}" text-anchor="end">{escape(label)}</text>')
        if row["conversion_rate"] is None:
            parts.append(f'<text x="{LEFT}" y="{y + 18}" fill="{CONTROL}">no exposures yet</text>')
            continue
        colour = CONTROL if index == 0 else BAR
        width = row["conversion_rate"] * scale
        parts.append(f'<rect x="{LEFT}" y="{y + 6}" width="{width:.1f}" height="18" fill="{colour}"/>')
        low, high = (value * scale + LEFT for value in row["conversion_rate_interval"])
        whisker = (
            f"M{low:.1f},{y + 15} H{high:.1f} M{low:.1f},{y + 9} V{y + 21} M{high:.1f},{y + 9} V{y + 21}"
        )
        parts.append(f'<path d="{whisker}" stroke="{WHISKER}" stroke-width="1.5" fill="none"/>')
        parts.append(f'<text x="{high + 6:.1f}" y="{y + 19}">{row["conversion_rate"]:.1%}</text>')
    if results["sample_ratio_mismatch"]:
        warning = "Sample ratio mismatch: do not trust these numbers."
        parts.append(f'<text x="{LEFT}" y="{height - 10}" fill="#c0392b">{warning}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
