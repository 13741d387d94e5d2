#!/usr/bin/env python3
"""Draws the scale table of benches/compare.sh as an SVG line chart.

Usage: python3 benches/chart.py scale.tsv > benches/scale.svg

The input is the TSV that `SCALE_TSV=scale.tsv bash benches/compare.sh --scale "…"`
writes, with the columns sections, gate_s, git_archive_s, ratio, bind_s, bind_mb and
playtest_s. The chart plots seconds against sections, both on log scales, for gate
check, git archive, bind and playtest. It uses the standard library only, and the same
input always gives the same bytes.
"""

import csv
import math
import sys
from xml.sax.saxutils import escape

# Each series: TSV column, legend label, colour (Okabe–Ito, safe for colour blindness),
# dash pattern and marker, so that no series is told apart by colour alone.
SERIES = [
    ("gate_s", "showrunner gate check", "#0072B2", "", "circle"),
    ("git_archive_s", "git archive (anchor)", "#E69F00", "6 4", "square"),
    ("bind_s", "showrunner bind (EPUB + HTML)", "#009E73", "2 3", "triangle"),
    ("playtest_s", "showrunner playtest (1,000 runs)", "#CC79A7", "10 3 2 3", "diamond"),
]

WIDTH, HEIGHT = 760, 460
LEFT, RIGHT, TOP, BOTTOM = 78, 250, 56, 64  # margins around the plot area
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"


def fail(message):
    print(f"chart.py: {message}", file=sys.stderr)
    sys.exit(2)


def read(path):
    """The rows of the scale TSV, as (sections, {column: seconds}), sorted by sections."""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f, delimiter="\t")
            wanted = ["sections"] + [s[0] for s in SERIES]
            missing = [c for c in wanted if c not in (reader.fieldnames or [])]
            if missing:
                fail(f"{path} lacks the column(s) {', '.join(missing)}")
            rows = []
            for line, r in enumerate(reader, start=2):
                try:
                    n = int(r["sections"])
                    values = {c: float(r[c]) for c, *_ in SERIES}
                except (TypeError, ValueError):
                    fail(f"{path}:{line}: not a number in {r}")
                if n <= 0 or any(v <= 0 or not math.isfinite(v) for v in values.values()):
                    fail(f"{path}:{line}: a log scale needs positive values")
                rows.append((n, values))
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror}")
    if not rows:
        fail(f"{path} has no rows")
    return sorted(rows)


def decades(low, high):
    """The powers of ten that enclose [low, high], at least one decade apart."""
    a, b = math.floor(math.log10(low)), math.ceil(math.log10(high))
    if b == a:
        b += 1
    return a, b


def num(x):
    """A coordinate with two decimals, the same on every platform."""
    return f"{x:.2f}"


def count_label(n):
    """1000 → 1k, 100000 → 100k, 1000000 → 1M."""
    for div, suffix in ((1_000_000, "M"), (1_000, "k")):
        if n >= div:
            return f"{n / div:g}{suffix}"
    return f"{n:g}"


def seconds_label(s):
    """A power of ten of seconds, in the unit a person would say."""
    if s >= 1:
        return f"{s:g} s"
    if s >= 1e-3:
        return f"{s * 1e3:g} ms"
    return f"{s * 1e6:g} µs"


def marker(kind, x, y, colour):
    r = 4.5
    if kind == "circle":
        return f'<circle cx="{num(x)}" cy="{num(y)}" r="{r}" fill="{colour}"/>'
    if kind == "square":
        return (f'<rect x="{num(x - r)}" y="{num(y - r)}" width="{2 * r}" height="{2 * r}" '
                f'fill="{colour}"/>')
    if kind == "triangle":
        pts = [(x, y - r - 1), (x - r - 0.5, y + r - 0.5), (x + r + 0.5, y + r - 0.5)]
    else:  # diamond
        pts = [(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)]
    return f'<polygon points="{" ".join(f"{num(a)},{num(b)}" for a, b in pts)}" fill="{colour}"/>'


def chart(rows):
    xs = [n for n, _ in rows]
    ys = [v for _, values in rows for v in values.values()]
    x0, x1 = decades(min(xs), max(xs))
    y0, y1 = decades(min(ys), max(ys))

    def px(n):
        return LEFT + (math.log10(n) - x0) / (x1 - x0) * PLOT_W

    def py(s):
        return TOP + PLOT_H - (math.log10(s) - y0) / (y1 - y0) * PLOT_H

    title = "showrunner at scale: seconds against sections"
    sizes = ", ".join(f"{n:,}" for n in xs)
    desc = [f"Log-log line chart of wall time in seconds against studio size ({sizes} sections)."]
    for column, label, *_ in SERIES:
        points = "; ".join(f"{n:,} sections {values[column]:.3g} s" for n, values in rows)
        desc.append(f"{label}: {points}.")

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" '
        f'font-family="{FONT}" font-size="12">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(" ".join(desc))}</desc>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{num(WIDTH / 2)}" y="28" text-anchor="middle" font-size="16" '
        f'font-weight="600" fill="#222222">{escape(title)}</text>',
    ]

    # Grid: a line per decade, fainter ones at 2–9 times it; tick labels at decades.
    out.append('<g stroke-width="1">')
    for d in range(y0, y1 + 1):
        for m in range(1, 10 if d < y1 else 2):
            y = py(m * 10.0**d)
            colour = "#c8c8c8" if m == 1 else "#ececec"
            out.append(f'<line x1="{LEFT}" y1="{num(y)}" x2="{LEFT + PLOT_W}" y2="{num(y)}" stroke="{colour}"/>')
    for d in range(x0, x1 + 1):
        for m in range(1, 10 if d < x1 else 2):
            x = px(m * 10.0**d)
            colour = "#c8c8c8" if m == 1 else "#ececec"
            out.append(f'<line x1="{num(x)}" y1="{TOP}" x2="{num(x)}" y2="{TOP + PLOT_H}" stroke="{colour}"/>')
    out.append("</g>")
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{PLOT_H}" fill="none" stroke="#555555"/>')

    out.append('<g fill="#333333">')
    for d in range(y0, y1 + 1):
        out.append(f'<text x="{LEFT - 8}" y="{num(py(10.0**d) + 4)}" text-anchor="end">'
                   f'{escape(seconds_label(10.0**d))}</text>')
    for d in range(x0, x1 + 1):
        out.append(f'<text x="{num(px(10.0**d))}" y="{TOP + PLOT_H + 18}" text-anchor="middle">'
                   f'{escape(count_label(10**d))}</text>')
    for n in xs:  # sizes between decades get a quieter label of their own
        if 10 ** round(math.log10(n)) != n:
            out.append(f'<text x="{num(px(n))}" y="{TOP + PLOT_H + 18}" text-anchor="middle" '
                       f'font-size="11" fill="#777777">{escape(count_label(n))}</text>')
    out.append(f'<text x="{num(LEFT + PLOT_W / 2)}" y="{HEIGHT - 18}" text-anchor="middle" '
               f'font-size="13">sections in the studio (log scale)</text>')
    cy = TOP + PLOT_H / 2
    out.append(f'<text x="20" y="{num(cy)}" text-anchor="middle" font-size="13" '
               f'transform="rotate(-90 20 {num(cy)})">wall time, median (log scale)</text>')
    out.append("</g>")

    # The series: a line through the points, and a marker on each.
    for column, label, colour, dash, kind in SERIES:
        points = [(px(n), py(values[column])) for n, values in rows]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<g aria-label="{escape(label)}">')
        out.append(f'<polyline points="{" ".join(f"{num(x)},{num(y)}" for x, y in points)}" '
                   f'fill="none" stroke="{colour}" stroke-width="2"{dashed}/>')
        out.extend(marker(kind, x, y, colour) for x, y in points)
        out.append("</g>")

    # Legend, to the right of the plot.
    lx, ly = LEFT + PLOT_W + 20, TOP + 6
    out.append('<g font-size="12" fill="#222222">')
    for i, (_, label, colour, dash, kind) in enumerate(SERIES):
        y = ly + i * 24
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{lx}" y1="{y}" x2="{lx + 30}" y2="{y}" stroke="{colour}" stroke-width="2"{dashed}/>')
        out.append(marker(kind, lx + 15, y, colour))
        out.append(f'<text x="{lx + 38}" y="{y + 4}">{escape(label)}</text>')
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 0 if len(argv) == 2 else 2
    sys.stdout.buffer.write(chart(read(argv[1])).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
