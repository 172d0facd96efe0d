"""Trend lines, bars and heatmaps as SVG and as reportlab Drawings, from the same geometry."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors

COLOURS = {"green": "#1a7f37", "yellow": "#d4a72c", "red": "#cf222e", "grey": "#8c959f"}
INK, GRID, ACCENT = "#1f2328", "#d0d7de", "#0b5d3b"


@dataclass
class Shape:
    kind: str                 # rect | line | poly | text
    coords: tuple
    fill: str | None = None
    stroke: str | None = None
    width: float = 1.0
    text: str = ""
    size: float = 10
    anchor: str = "start"     # start | middle | end
    label: str | None = None  # <title> of the shape (a tooltip and a name for screen readers)


@dataclass
class Chart:
    width: float
    height: float
    title: str
    description: str
    shapes: list[Shape] = field(default_factory=list)

    # ------------------------------------------------ SVG (top-left origin, like the geometry)
    def svg(self, key: str = "chart") -> str:
        """The SVG; `key` makes the ids of its title and description unique on a page of several."""
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width:g} {self.height:g}" '
               f'role="img" aria-labelledby="{key}-t {key}-d" class="chart" font-family="sans-serif">',
               f'<title id="{key}-t">{escape(self.title)}</title><desc id="{key}-d">{escape(self.description)}</desc>']
        for s in self.shapes:
            tip = f"<title>{escape(s.label)}</title>" if s.label else ""
            paint = (f' fill="{s.fill or "none"}"' + (f' stroke="{s.stroke}" stroke-width="{s.width:g}"' if s.stroke else ""))
            if s.kind == "rect":
                x, y, w, h = s.coords
                out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}"{paint}>{tip}</rect>')
            elif s.kind == "line":
                x1, y1, x2, y2 = s.coords
                out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"{paint}/>')
            elif s.kind == "poly":
                pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in s.coords)
                out.append(f'<polyline points="{pts}"{paint} stroke-linejoin="round">{tip}</polyline>')
            elif s.kind == "text":
                x, y = s.coords
                out.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{s.size:g}" text-anchor="{s.anchor}" '
                           f'fill="{s.fill or INK}">{escape(s.text)}</text>')
        out.append("</svg>")
        return "".join(out)

    # ------------------------------------------------ reportlab (bottom-left origin)
    def drawing(self, font: str = "Helvetica", scale: float = 1.0) -> Drawing:
        d = Drawing(self.width * scale, self.height * scale)
        # The renderer starts from this font: left at Helvetica it is named on the page, not embedded.
        d.initialFontName = font
        H = self.height

        def c(value):
            return colors.HexColor(value) if value else None

        for s in self.shapes:
            if s.kind == "rect":
                x, y, w, h = s.coords
                d.add(Rect(x * scale, (H - y - h) * scale, w * scale, h * scale, fillColor=c(s.fill),
                           strokeColor=c(s.stroke), strokeWidth=s.width))
            elif s.kind == "line":
                x1, y1, x2, y2 = s.coords
                d.add(Line(x1 * scale, (H - y1) * scale, x2 * scale, (H - y2) * scale, strokeColor=c(s.stroke),
                           strokeWidth=s.width))
            elif s.kind == "poly":
                pts = [v for x, y in s.coords for v in (x * scale, (H - y) * scale)]
                d.add(PolyLine(pts, strokeColor=c(s.stroke), strokeWidth=s.width))
            elif s.kind == "text":
                x, y = s.coords
                d.add(String(x * scale, (H - y) * scale, s.text, fontName=font, fontSize=s.size * scale,
                             fillColor=c(s.fill or INK), textAnchor=s.anchor))
        return d


def _f(v) -> float | None:
    return None if v is None else float(v)


# Colours of the lines of a many-series chart, distinct enough for the twelve IKU side by side.
SERIES = ["#1f6feb", "#8250df", "#bf3989", "#953800", "#1b7c83", "#6e7781",
          "#d4a72c", "#0a3069", "#cf222e", "#4ac26b", "#e16f24", "#57606a"]
LEGEND_ITEM = 96  # the width of one legend entry (a swatch and a short name)


def trend(title: str, labels: list[str], series: list[tuple[str, list, str]], width: float = 520,
          height: float = 220, unit: str = "", floor: float | None = 0, reference: float | None = None,
          number=lambda v: f"{v:g}") -> Chart:
    """Lines over months: series = [(name, values (None = missing), colour)]; `reference` draws a
    dashed target line (e.g. 100%). Two series or more get a legend under the plot."""
    left, right, top, bottom = 44, 12, 14, 34
    per_row = max(1, int((width - left) // LEGEND_ITEM))
    legend_rows = 0 if len(series) < 2 else -(-len(series) // per_row)
    height += legend_rows * 16
    bottom += legend_rows * 16
    values = [_f(v) for _, vals, _ in series for v in vals if v is not None]
    if reference is not None:
        values.append(reference)
    lo = min(values + ([floor] if floor is not None else [])) if values else 0.0
    hi = max(values) if values else 1.0
    if hi == lo:
        hi = lo + 1
    span = hi - lo
    hi += span * 0.08
    pw, ph = width - left - right, height - top - bottom
    n = max(len(labels), 1)

    def x(i):
        return left + (pw * (i + 0.5) / n)

    def y(v):
        return top + ph * (1 - (v - lo) / (hi - lo))

    desc = "; ".join(f"{name}: " + ", ".join(f"{labels[i]} {number(v) if v is not None else 'tidak ada data'}"
                                             for i, v in enumerate(vals)) for name, vals, _ in series)
    ch = Chart(width, height, title, desc)
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        ch.shapes.append(Shape("line", (left, y(v), width - right, y(v)), stroke=GRID, width=0.6))
        ch.shapes.append(Shape("text", (left - 4, y(v) + 3), text=number(v) + unit, size=8, anchor="end"))
    if reference is not None:
        ch.shapes.append(Shape("line", (left, y(reference), width - right, y(reference)), stroke=INK, width=0.8))
    for i, lab in enumerate(labels):
        ch.shapes.append(Shape("text", (x(i), height - bottom + 14), text=lab, size=8, anchor="middle"))
    for k, (name, _, colour) in enumerate(series if legend_rows else []):
        lx = left + (k % per_row) * LEGEND_ITEM
        ly = height - bottom + 30 + (k // per_row) * 16
        ch.shapes.append(Shape("rect", (lx, ly - 8, 10, 10), fill=colour))
        ch.shapes.append(Shape("text", (lx + 14, ly), text=name[:16], size=8, anchor="start"))
    for name, vals, colour in series:
        run: list[tuple[float, float]] = []
        for i, v in enumerate(list(vals) + [None]):
            if v is None:
                if len(run) > 1:
                    ch.shapes.append(Shape("poly", tuple(run), stroke=colour, width=2, label=name))
                run = []
                continue
            run.append((x(i), y(float(v))))
            ch.shapes.append(Shape("rect", (x(i) - 2.5, y(float(v)) - 2.5, 5, 5), fill=colour,
                                   label=f"{name}, {labels[i]}: {number(float(v))}{unit}"))
    return ch


def bars(title: str, items: list[tuple[str, object, str]], width: float = 520, unit: str = "",
         number=lambda v: f"{v:g}", reference: float | None = None) -> Chart:
    """Horizontal bars: items = [(label, value or None, colour)], longest label on the left."""
    row, left, right, top = 20, 170, 60, 8
    height = top * 2 + row * max(len(items), 1)
    values = [_f(v) for _, v, _ in items if v is not None] + ([reference] if reference else [])
    hi = max(values) if values else 1.0
    hi = hi or 1.0
    pw = width - left - right
    desc = "; ".join(f"{lab}: {number(_f(v)) + unit if v is not None else 'tidak ada data'}" for lab, v, _ in items)
    ch = Chart(width, height, title, desc)
    for i, (lab, v, colour) in enumerate(items):
        yy = top + i * row
        ch.shapes.append(Shape("text", (left - 6, yy + 13), text=lab[:32], size=9, anchor="end"))
        if v is None:
            ch.shapes.append(Shape("text", (left + 4, yy + 13), text="tidak ada data", size=8, fill=COLOURS["grey"]))
            continue
        w = max(pw * _f(v) / hi, 0)
        ch.shapes.append(Shape("rect", (left, yy + 3, w, row - 6), fill=colour, label=f"{lab}: {number(_f(v))}{unit}"))
        ch.shapes.append(Shape("text", (left + w + 4, yy + 13), text=number(_f(v)) + unit, size=8))
    if reference:
        xr = left + pw * reference / hi
        ch.shapes.append(Shape("line", (xr, top, xr, height - top), stroke=INK, width=0.8))
    return ch


def heatmap(title: str, rows: list[str], columns: list[str], cells: dict[tuple[int, int], tuple[str, str]],
            width: float = 640, row_height: float = 16) -> Chart:
    """A grid of coloured cells: cells[(r, c)] = (colour, text for the tooltip and the description)."""
    left, top = 190, 22
    cw = (width - left - 4) / max(len(columns), 1)
    height = top + row_height * len(rows) + 4
    desc = f"{len(rows)} baris × {len(columns)} kolom; nilai lengkap ada di tabel."
    ch = Chart(width, height, title, desc)
    for j, col in enumerate(columns):
        ch.shapes.append(Shape("text", (left + cw * (j + 0.5), top - 8), text=col, size=8, anchor="middle"))
    for i, name in enumerate(rows):
        yy = top + i * row_height
        ch.shapes.append(Shape("text", (left - 6, yy + row_height - 4), text=name[:34], size=8, anchor="end"))
        for j in range(len(columns)):
            colour, text = cells.get((i, j), (COLOURS["grey"], "tidak ada data"))
            ch.shapes.append(Shape("rect", (left + cw * j + 1, yy + 1, cw - 2, row_height - 2), fill=colour,
                                   label=f"{name}, {columns[j]}: {text}"))
    return ch


def colour_of(name: str | None) -> str:
    return COLOURS.get(name or "grey", COLOURS["grey"])


def as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
