"""The monthly briefing book (issue 6, point 4): an A4 PDF for the governor's office.

Page 1 sums up the province: its NKO, the key counts, the IKU table with the projection to
December, the trend of the NKO and the IKU, the OPD ranking as bars, and the indicators that
turned red this month (flowing onto a second page when there are many OPDs). Then one page per
OPD with a scorecard, in the order of the ranking: its NKO and rank, the trend of its NKO month by
month, and its indicators by perspective with target, realisation, achievement, score and status.

The charts are the dashboard's drawings (ekinerja.charts.draw), rendered with Chart.drawing() in
the embedded font. The figures are the dashboard's (dashboard.dashboard) and, for the OPD pages,
every OPD scorecard computed at once for each month 1..M (cascade.compute over all of them and
what is cascaded below, then figures_from_nodes per scorecard): the number of queries does not
depend on the number of OPDs. parts.build sets reportlab's invariant mode, so the same data give
the same bytes.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ekinerja.bsc.cascade import ScorecardFigures, _chunks, figures_from_nodes, stored_months
from ekinerja.bsc.forms import COLOUR_LABELS, COLOUR_SYMBOLS, MONTHS
from ekinerja.bsc.models import Indicator, Objective, Scorecard
from ekinerja.bsc.scoring import Colour, IndicatorFigures
from ekinerja.charts import draw
from ekinerja.extensions import db
from ekinerja.pdf import fonts, parts
from ekinerja.pdf.parts import esc
from ekinerja.review import dashboard as rd
from ekinerja.web import format_number_id, format_percent_id

PAGE = A4
WIDTH = PAGE[0] - 2 * 15 * mm            # parts.build's margins
TALLEST = 600                            # points: a chart never taller than a page's frame
BAR_LABEL_ROOM = 160                     # points left of the bars for an OPD's name (draw.bars: 170 less 6)
BAR_LABEL_CHARS = 32                     # draw.bars keeps this many characters of a label
TINTS = {Colour.GREEN: colors.HexColor("#c6e9d0"), Colour.YELLOW: colors.HexColor("#fbe7a6"),
         Colour.RED: colors.HexColor("#f8cacd"), Colour.GREY: colors.HexColor("#e3e7eb")}
ZEBRA = colors.HexColor("#f3f7f4")       # a perspective's row (the A3 agreement's stripes)
OFFICIAL = ("Angka resmi: hanya realisasi yang telah disetujui. Status: Hijau ≥ 100%, Kuning 80% s.d. &lt; 100%, "
            "Merah &lt; 80%. Nilai capaian dibatasi 120%.")


# ---------------------------------------------------------------- the figures

@dataclass
class OpdPage:
    row: rd.OpdRow                       # rank, NKO, completeness and colours from the dashboard
    figures: ScorecardFigures            # its indicators at month M
    nko_trend: list[Decimal | None]      # its NKO at months 1..M


@dataclass
class Book:
    dashboard: rd.Dashboard
    province: ScorecardFigures | None    # the IKU's targets and realisations at month M
    opds: list[OpdPage]                  # the OPDs with a scorecard, in the ranking's order

    @property
    def without_scorecard(self) -> list[rd.OpdRow]:
        return [r for r in self.dashboard.opds if r.scorecard is None]


def figures_by_month(cards: list[Scorecard], month: int) -> dict[int, list[ScorecardFigures]]:
    """Each scorecard's figures at months 1..month: its indicators and objectives in one query each
    (per 900 scorecards), what is cascaded below in one per level, then one compute() per month
    over all of them (two queries)."""
    own: list[Indicator] = []
    objectives: list[Objective] = []
    for chunk in _chunks([c.id for c in cards]):
        own += db.session.scalars(select(Indicator).where(Indicator.scorecard_id.in_(chunk))
                                  .options(selectinload(Indicator.scorecard))).all()
        objectives += db.session.scalars(select(Objective).where(Objective.scorecard_id.in_(chunk))).all()
    own_by: dict[int, list[Indicator]] = defaultdict(list)
    for ind in own:
        own_by[ind.scorecard_id].append(ind)
    objectives_by: dict[int, list[Objective]] = defaultdict(list)
    for o in objectives:
        objectives_by[o.scorecard_id].append(o)
    every = {i.id: i for i in own}
    computed = stored_months(every, list(range(1, month + 1))) if every else {}
    out: dict[int, list[ScorecardFigures]] = {c.id: [] for c in cards}
    for m in range(1, month + 1):
        nodes = computed.get(m, {})
        for c in cards:
            out[c.id].append(figures_from_nodes(c, own_by[c.id], objectives_by[c.id], nodes, m))
    return out


def book(year: int, month: int) -> Book:
    d = rd.dashboard(year, month)
    cards = ([d.province] if d.province is not None else []) + [r.scorecard for r in d.opds if r.scorecard]
    figures = figures_by_month(cards, month) if cards else {}
    pages = [OpdPage(r, figures[r.scorecard.id][-1], [f.nko.value for f in figures[r.scorecard.id]])
             for r in d.opds if r.scorecard is not None]
    return Book(d, figures[d.province.id][-1] if d.province is not None else None, pages)


# ---------------------------------------------------------------- words and numbers

def pct(value) -> str:
    return format_percent_id(value)


def status_text(c: Colour) -> str:
    return f"{COLOUR_SYMBOLS[c]} {COLOUR_LABELS[c]}"


def target_text(fig: IndicatorFigures) -> str:
    if fig.target_high is not None:
        return f"{format_number_id(fig.target)} – {format_number_id(fig.target_high)}"
    return format_number_id(fig.target)


def _percent_points(values: list[Decimal | None]) -> list[float | None]:
    return [None if v is None else float(v) * 100 for v in values]


def month_labels(month: int) -> list[str]:
    return [m[:3] for m in MONTHS[:month]]


# ---------------------------------------------------------------- styles and pieces

class _Look:
    def __init__(self):
        self.st = parts.styles(9.5)
        cell = self.st.cell
        self.right = ParagraphStyle("bb_right", parent=cell, alignment=TA_RIGHT)
        self.head_right = ParagraphStyle("bb_head_right", parent=self.st.cell_bold, alignment=TA_RIGHT)
        self.muted = ParagraphStyle("bb_muted", parent=self.st.small, textColor=colors.HexColor("#57606a"))
        self.band = ParagraphStyle("bb_band", parent=self.st.cell_bold, fontSize=13, leading=16,
                                   textColor=colors.white)
        self.tile_label = ParagraphStyle("bb_tile_label", parent=self.st.small, textColor=colors.HexColor("#3c474f"))
        self.tile_value = ParagraphStyle("bb_tile_value", parent=self.st.cell_bold, fontSize=14, leading=18)
        self.group = ParagraphStyle("bb_group", parent=self.st.cell_bold, textColor=parts.GREEN)


def _fit(look: _Look, text: str, width: float, style: ParagraphStyle | None = None) -> Paragraph:
    """A number on one line (1.234,5 / 6 would read as two numbers): smaller when its column is
    too narrow for it."""
    style = style or look.right
    room = width - 2 * 3 - 0.5   # parts.table pads cells 3 pt left and right
    needed = stringWidth(text, style.fontName, style.fontSize)
    if needed > room:
        size = max(5.5, style.fontSize * room / needed)
        style = ParagraphStyle(f"{style.name}-{size:.2f}", parent=style, fontSize=size, leading=size * 1.25)
    return Paragraph(esc(text), style)


def _band(look: _Look, text: str) -> Table:
    """An OPD page's heading: white words on the province's green across the page."""
    t = Table([[Paragraph(esc(text), look.band)]], colWidths=[WIDTH])
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), parts.GREEN), ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                           ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                           ("LEFTPADDING", (0, 0), (-1, -1), 7)]))
    return t


Tile = tuple[str, str, Colour | None]   # label, value, status (its colour tints the tile and is named below)


def _tiles(look: _Look, tiles: list[Tile]) -> Table:
    """Key figures side by side: a small label over a large value, a status named under it and its
    colour along the top."""
    w = WIDTH / len(tiles)
    row = [[Paragraph(esc(label), look.tile_label), Paragraph(esc(value), look.tile_value)]
           + ([Paragraph(esc(status_text(c)), look.st.cell_bold)] if c is not None else [])
           for label, value, c in tiles]
    t = Table([row], colWidths=[w] * len(tiles))
    style = [("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("BOX", (0, 0), (-1, -1), 0.5, parts.GRID), ("INNERGRID", (0, 0), (-1, -1), 0.5, parts.GRID),
             ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
             ("LEFTPADDING", (0, 0), (-1, -1), 6)]
    for i, (_, _, c) in enumerate(tiles):
        if c is not None:
            style += [("BACKGROUND", (i, 0), (i, 0), TINTS[c]),
                      ("LINEABOVE", (i, 0), (i, 0), 3, colors.HexColor(draw.colour_of(c.value)))]
    t.setStyle(TableStyle(style))
    return t


def _drawing(chart: draw.Chart):
    """A chart as a reportlab drawing in the embedded font, as wide as the page, never taller than
    a page (a chart drawn wider than WIDTH is scaled down to it)."""
    return chart.drawing(font=fonts.REGULAR, scale=min(1.0, WIDTH / chart.width))


def _titled(look: _Look, title: str, chart: draw.Chart, *after) -> KeepTogether:
    """A chart with its heading (and a line under it), kept on one page."""
    return KeepTogether([_heading(look, title), _drawing(chart), *after])


def _heading(look: _Look, text: str) -> Paragraph:
    return Paragraph(esc(text), look.st.heading)


def _name(look: _Look, ind: Indicator) -> Paragraph:
    """The indicator's name with its unit, greyed: "Jumlah layanan digital (layanan)"."""
    return Paragraph(f"{esc(ind.name)} <font color='#57606a'>({esc(ind.unit_of_measure)})</font>", look.st.cell)


def _figures(look: _Look, fig: IndicatorFigures | None, widths: list[float]) -> list[Paragraph]:
    """Target and realisation to the month, achievement and score, right-aligned in their columns
    (widths: the four columns' widths)."""
    texts = [target_text(fig), format_number_id(fig.realisation), pct(fig.achievement), pct(fig.score)] \
        if fig is not None else ["–"] * 4
    return [_fit(look, text, w) for text, w in zip(texts, widths)]


def _right_heads(look: _Look, heads: list[str], right: tuple[int, ...]) -> list:
    return [Paragraph(esc(h), look.head_right) if i in right else h for i, h in enumerate(heads)]


def _with_status(table: Table, cells: list[tuple[int, int, Colour]]) -> Table:
    """Tint each status cell (column, row) with its colour."""
    table.setStyle(TableStyle([("BACKGROUND", (col, row), (col, row), TINTS[c]) for col, row, c in cells]))
    return table


# ---------------------------------------------------------------- page 1: the province

def trend_chart(d: rd.Dashboard, width: float = WIDTH, height: float = 100) -> draw.Chart:
    """The province's NKO and each IKU's achievement month by month (the dashboard's trend)."""
    series = [("NKO provinsi", _percent_points(d.nko_trend), draw.ACCENT)]
    series += [(r.indicator.code, _percent_points(r.trend), draw.SERIES[i % len(draw.SERIES)]) for i, r in enumerate(d.iku)]
    return draw.trend(f"Tren NKO dan capaian IKU provinsi {d.year}", month_labels(d.month), series, width=width,
                      height=height, unit="%", reference=100, number=lambda v: f"{v:.0f}")


def ranking_chart(d: rd.Dashboard, width: float = WIDTH) -> draw.Chart:
    """The OPDs with a scorecard, best NKO first, in their status colours (the dashboard's bars).
    Many OPDs make a chart taller than a page: it is then drawn wider, to be scaled down to the
    page's width and TALLEST high."""
    items = [(_label(f"{r.rank}. " if r.rank else "", r.opd.short_name or r.opd.name),
              None if r.nko.value is None else float(r.nko.value) * 100, draw.colour_of(r.nko.colour.value))
             for r in d.opds if r.scorecard is not None]

    def chart(w: float) -> draw.Chart:
        return draw.bars(f"NKO perangkat daerah s.d. {MONTHS[d.month - 1]} {d.year}", items, width=w, unit="%",
                         reference=100, number=lambda v: format_number_id(v, 1))
    tall = chart(width)
    return tall if tall.height <= TALLEST else chart(width * tall.height / TALLEST)


def _label(prefix: str, name: str, room: float = BAR_LABEL_ROOM) -> str:
    """A bar's label that fits left of the bars (draw.bars gives it 170 pt at 9 pt and keeps 32
    characters): cut with "…"."""
    fonts.register()
    text = prefix + name
    if len(text) <= BAR_LABEL_CHARS and stringWidth(text, fonts.REGULAR, 9) <= room:
        return text
    while name and (len(prefix + name) >= BAR_LABEL_CHARS or stringWidth(f"{prefix}{name}…", fonts.REGULAR, 9) > room):
        name = name[:-1]
    return f"{prefix}{name.rstrip(' ,')}…"


def _by_month(label: str, values: list[Decimal | None]) -> str:
    """'NKO per bulan: Jan 100,00% · Feb 98,50% · …' (the chart's points in figures)."""
    return f"{esc(label)}: " + " · ".join(f"{m} {pct(v)}" for m, v in zip(month_labels(len(values)), values))


def _legend(d: rd.Dashboard) -> str:
    """Which line is which IKU, in words (the chart itself names only the codes)."""
    names = [f'<font color="{draw.ACCENT}">■</font> NKO provinsi']
    names += [f'<font color="{draw.SERIES[i % len(draw.SERIES)]}">■</font> {esc(r.indicator.code)} {esc(r.indicator.name)}'
              for i, r in enumerate(d.iku)]
    return " &nbsp; ".join(names)


def _iku_table(look: _Look, b: Book) -> Table:
    d = b.dashboard
    month = MONTHS[d.month - 1][:3]
    widths = [44, 0, 54, 54, 50, 50, 56, 62]
    widths[1] = WIDTH - sum(widths)
    nodes = b.province.nodes if b.province is not None else {}
    rows: list[list] = [_right_heads(look, ["Kode", "Indikator", f"Target s.d. {month}", f"Realisasi s.d. {month}",
                                            "Capaian", "Nilai", "Status", "Proyeksi Des"], (2, 3, 4, 5, 7))]
    tints = []
    for i, r in enumerate(d.iku, start=1):
        node = nodes.get(r.indicator.id)
        projection = esc(pct(r.projection)) + ("<br/><font size=7>tidak tercapai</font>" if r.will_miss else "")
        rows.append([r.indicator.code, _name(look, r.indicator),
                     *_figures(look, node.figures if node else None, widths[2:6]),
                     status_text(r.colour), Paragraph(projection, look.right)])
        tints.append((6, i, r.colour))
        if r.will_miss:
            tints.append((7, i, Colour.RED))
    return _with_status(parts.table(rows, widths, st=look.st), tints)


def _turned_red_table(look: _Look, d: rd.Dashboard) -> Table:
    widths = [130, 46, 0, 60, 84]
    widths[2] = WIDTH - sum(widths)
    rows: list[list] = [["Pemilik", "Kode", "Indikator", "Bulan lalu", Paragraph(f"Nilai {esc(MONTHS[d.month - 1])}",
                                                                                  look.head_right)]]
    tints = []
    for i, t in enumerate(d.turned_red, start=1):
        rows.append([t.indicator.scorecard.owner_name, t.indicator.code, t.indicator.name, status_text(t.before),
                     Paragraph(f"{esc(pct(t.score))} {esc(status_text(Colour.RED))}", look.right)])
        tints += [(3, i, t.before), (4, i, Colour.RED)]
    return _with_status(parts.table(rows, widths, st=look.st), tints)


def _summary(look: _Look, b: Book) -> list:
    d = b.dashboard
    st = look.st
    month = MONTHS[d.month - 1]
    story: list = [Paragraph("BUKU BRIEFING KINERJA", st.title),
                   Paragraph(f"Pemerintah Provinsi Nusa Tenggara Barat · capaian s.d. {esc(month)} {d.year}",
                             st.subtitle),
                   Paragraph(f"Periode {MONTHS[0]}–{esc(month)} {d.year}. {OFFICIAL}", look.muted),
                   Spacer(1, 3 * mm)]
    ranked = [r for r in d.opds if r.rank is not None]
    counts = {c: sum(r.nko.colour == c for r in ranked) for c in (Colour.GREEN, Colour.YELLOW, Colour.RED)}
    missing = sum(r.will_miss for r in d.iku)
    if d.province is not None:
        story.append(_tiles(look, [
            (f"NKO provinsi s.d. {month}", pct(d.nko.value), d.nko.colour),
            ("Cakupan data", pct(d.nko.coverage), None),
            ("OPD hijau / kuning / merah",
             f"{counts[Colour.GREEN]} / {counts[Colour.YELLOW]} / {counts[Colour.RED]}", None),
            ("Proyeksi IKU tidak tercapai", f"{missing} dari {len(d.iku)}", None),
        ]))
    else:
        story.append(Paragraph(f"Belum ada kartu kinerja provinsi tahun {d.year}.", st.body))

    if d.iku:
        story += [_heading(look, f"Indikator Kinerja Utama provinsi s.d. {month} {d.year}"), _iku_table(look, b),
                  Paragraph("Proyeksi Des: garis lurus melalui capaian bulan-bulan yang sudah ada datanya, dibaca "
                            "pada bulan Desember.", look.muted)]
    if d.province is not None:
        story.append(_titled(look, f"Tren NKO dan capaian IKU provinsi {d.year} (%)", trend_chart(d),
                             Paragraph(_legend(d), look.muted),
                             Paragraph(_by_month("NKO provinsi per bulan", d.nko_trend), look.muted)))

    ranking = f"Peringkat perangkat daerah menurut NKO s.d. {month} {d.year}"
    if b.opds:
        story.append(_titled(look, ranking, ranking_chart(d)))
    else:
        story.append(_heading(look, ranking))
    if b.without_scorecard:
        story.append(Paragraph("Belum ada kartu kinerja: " + esc(", ".join(r.opd.name for r in b.without_scorecard))
                               + ".", look.muted))

    story.append(_heading(look, f"Indikator yang menjadi merah pada {month} {d.year}"))
    if d.turned_red:
        story.append(_turned_red_table(look, d))
    else:
        story.append(Paragraph(f"Tidak ada indikator provinsi atau perangkat daerah yang berubah menjadi merah "
                               f"pada {esc(month)} {d.year}.", st.body))
    return story


# ---------------------------------------------------------------- one page per OPD

def opd_trend_chart(page: OpdPage, year: int, month: int, height: float = 150) -> draw.Chart:
    return draw.trend(f"Tren NKO {page.row.opd.name} {year}", month_labels(month),
                      [("NKO", _percent_points(page.nko_trend), draw.ACCENT)], width=WIDTH, height=height, unit="%",
                      reference=100, number=lambda v: f"{v:.0f}")


def _indicator_table(look: _Look, page: OpdPage, month: int) -> Table:
    """The OPD's indicators by perspective: a row naming each perspective and its score, then its
    indicators with their figures at the month."""
    short = MONTHS[month - 1][:3]
    widths = [48, 0, 62, 62, 52, 52, 64]
    widths[1] = WIDTH - sum(widths)
    rows: list[list] = [_right_heads(look, ["Kode", "Indikator", f"Target s.d. {short}", f"Realisasi s.d. {short}",
                                            "Capaian", "Nilai", "Status"], (2, 3, 4, 5))]
    groups, tints = [], []
    for pf in page.figures.perspectives:
        rows.append([Paragraph(f"Perspektif {esc(pf.perspective.label)} · nilai {esc(pct(pf.score.value))}",
                               look.group)] + [""] * 6)
        groups.append(len(rows) - 1)
        for of in pf.objectives:
            for node in of.nodes:
                rows.append([node.indicator.code, _name(look, node.indicator),
                             *_figures(look, node.figures, widths[2:6]), status_text(node.figures.colour)])
                tints.append((6, len(rows) - 1, node.figures.colour))
    t = _with_status(parts.table(rows, widths, st=look.st), tints)
    t.setStyle(TableStyle([style for g in groups
                           for style in (("SPAN", (0, g), (-1, g)), ("BACKGROUND", (0, g), (-1, g), ZEBRA))]))
    return t


def _opd_page(look: _Look, page: OpdPage, b: Book) -> list:
    d = b.dashboard
    r = page.row
    month = MONTHS[d.month - 1]
    ranked = sum(x.rank is not None for x in d.opds)
    reds = sum(n.figures.colour == Colour.RED for n in page.figures.nodes.values())
    nko = r.nko
    filled = r.completeness[-1] if r.completeness else None
    story: list = [_band(look, r.opd.name), Spacer(1, 3 * mm), _tiles(look, [
        (f"NKO s.d. {month} {d.year}", pct(nko.value), nko.colour),
        ("Peringkat", f"{r.rank} dari {ranked}" if r.rank else "–", None),
        ("Cakupan data", pct(nko.coverage), None),
        (f"Kelengkapan {month}", pct(filled), None),
        ("Indikator merah", f"{reds} dari {len(page.figures.nodes)}", None),
    ])]
    story += [_titled(look, f"Tren NKO {d.year} (%)", opd_trend_chart(page, d.year, d.month),
                      Paragraph(_by_month("NKO per bulan", page.nko_trend), look.muted)),
              _heading(look, f"Indikator kinerja s.d. {month} {d.year}")]
    if page.figures.nodes:
        story.append(_indicator_table(look, page, d.month))
    else:
        story.append(Paragraph("Kartu kinerja ini belum berisi indikator.", look.st.body))
    return story


# ---------------------------------------------------------------- the book

def briefing_pdf(year: int, month: int) -> bytes:
    """The briefing book of year `year`, figures to month `month`, as PDF bytes (A4 portrait)."""
    b = book(year, month)
    look = _Look()
    story = _summary(look, b)
    for page in b.opds:
        story += [PageBreak()] + _opd_page(look, page, b)
    title = f"Buku Briefing Kinerja Provinsi NTB s.d. {MONTHS[month - 1]} {year}"
    meta = parts.Meta(title=title, subject="Capaian kinerja Pemerintah Provinsi Nusa Tenggara Barat")
    return parts.build(story, PAGE, meta)
