"""The parts every printed document shares: styles, the letterhead, the footer (verification code,
QR code, page x of y), tables, the two parties' signature block, and building the PDF into bytes.

Documents are built with platypus into bytes (never a file), with `invariant` set so that printing
the same content again gives the same bytes (the SHA-256 recorded at printing stays checkable).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle

from ekinerja.pdf import fonts
from ekinerja.web import format_date_id, format_number_id

GREEN = colors.HexColor("#0b5d3b")
GOLD = colors.HexColor("#f5c518")
GRID = colors.HexColor("#666666")
HEAD_BG = colors.HexColor("#e8efe9")

PROVINCE = "PEMERINTAH PROVINSI NUSA TENGGARA BARAT"
PROVINCE_ADDRESS = "Jalan Pejanggik Nomor 12, Mataram 83121 · Telepon (0370) 625273 · ntbprov.go.id"


def tanggal(day: date | None) -> str:
    """'3 Agustus 2025'."""
    return format_date_id(day)


def place_and_date(place: str, day: date | None) -> str:
    """'Mataram, 3 Agustus 2025'."""
    return f"{place}, {tanggal(day)}" if day else f"{place}, ........................ "


def rupiah(value) -> str:
    if value is None:
        return "–"
    return "Rp " + format_number_id(Decimal(value), 0)


def number(value) -> str:
    return format_number_id(value)


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_center: ParagraphStyle


def styles(base_size: float = 10) -> Styles:
    font = fonts.register()
    body = ParagraphStyle("body", fontName=font, fontSize=base_size, leading=base_size * 1.35, alignment=TA_LEFT)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=base_size - 2, leading=(base_size - 2) * 1.3),
        title=ParagraphStyle("title", parent=body, fontName=fonts.BOLD, fontSize=base_size + 4,
                             leading=(base_size + 4) * 1.3, alignment=TA_CENTER, spaceAfter=2 * mm),
        subtitle=ParagraphStyle("subtitle", parent=body, fontName=fonts.BOLD, alignment=TA_CENTER, spaceAfter=3 * mm),
        heading=ParagraphStyle("heading", parent=body, fontName=fonts.BOLD, fontSize=base_size + 1,
                               spaceBefore=3 * mm, spaceAfter=2 * mm, textColor=GREEN),
        cell=ParagraphStyle("cell", parent=body, fontSize=base_size - 1, leading=(base_size - 1) * 1.25),
        cell_bold=ParagraphStyle("cell_bold", parent=body, fontName=fonts.BOLD, fontSize=base_size - 1,
                                 leading=(base_size - 1) * 1.25),
        cell_center=ParagraphStyle("cell_center", parent=body, fontSize=base_size - 1,
                                   leading=(base_size - 1) * 1.25, alignment=TA_CENTER),
    )


def esc(text) -> str:
    """Text for a Paragraph (its mini-markup needs &, < and > escaped)."""
    if text is None:
        return ""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# A number as the documents write it: 1.234,5 / Rp 1.250.000.000 / -3,75.
_NUMBER = re.compile(r"^(Rp\s)?[-–]?\d[\d.]*(,\d+)?$")
_PADDING = 3  # points, left and right of every cell (the style below)
_MIN_FONT = 5.5


def _number_cell(text: str, width: float, style: ParagraphStyle) -> Paragraph:
    """A number is never broken across lines (1.23 / 4,5 reads as two numbers): in a column too
    narrow for it, it is set smaller instead."""
    room = width - 2 * _PADDING - 0.5
    size = style.fontSize
    needed = stringWidth(text, style.fontName, size)
    if needed > room:
        size = max(_MIN_FONT, size * room / needed)
        style = ParagraphStyle(f"{style.name}-fit", parent=style, fontSize=size,
                               leading=max(size * 1.25, style.leading * 0.8))
    return Paragraph(esc(text), style)


def table(rows: list[list], widths: list[float], header_rows: int = 1, st: Styles | None = None) -> Table:
    """A ruled table; strings become wrapped paragraphs (numbers are kept whole); the header repeats
    on every page."""
    st = st or styles()
    data = []
    for i, row in enumerate(rows):
        out = []
        for j, cell in enumerate(row):
            if isinstance(cell, str):
                if i >= header_rows and j < len(widths) and _NUMBER.match(cell.strip()):
                    cell = _number_cell(cell.strip(), widths[j], st.cell)
                else:
                    cell = Paragraph(esc(cell), st.cell_bold if i < header_rows else st.cell)
            out.append(cell)
        data.append(out)
    t = Table(data, colWidths=widths, repeatRows=header_rows)
    t.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # the default would name Helvetica
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), _PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), _PADDING),
    ]))
    return t


@dataclass(frozen=True)
class Party:
    """One signer as the post was held on the signing date."""

    role: str            # "PIHAK PERTAMA" / "PIHAK KEDUA"
    position: str        # "Kepala Dinas Kesehatan Provinsi NTB" / "Gubernur Nusa Tenggara Barat"
    name: str
    nip: str | None = None
    rank: str | None = None


def signature_block(first: Party, second: Party, place: str, day: date | None, st: Styles | None = None,
                    width: float = 170 * mm) -> Table:
    """PIHAK KEDUA on the left, PIHAK PERTAMA on the right (PermenPANRB 53/2014), place and date
    above the first party."""
    st = st or styles()

    def column(party: Party, dated: bool) -> list:
        lines = [Paragraph(esc(place_and_date(place, day)) if dated else "&nbsp;", st.cell_center),
                 Paragraph(f"<b>{esc(party.role)}</b>", st.cell_center),
                 Paragraph(esc(party.position), st.cell_center),
                 Spacer(1, 22 * mm),
                 Paragraph(f"<b><u>{esc(party.name)}</u></b>", st.cell_center)]
        if party.rank:
            lines.append(Paragraph(esc(party.rank), st.cell_center))
        if party.nip:
            lines.append(Paragraph(f"NIP. {esc(party.nip)}", st.cell_center))
        return lines

    t = Table([[column(second, False), column(first, True)]], colWidths=[width / 2, width / 2])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR)]))
    return t


# ------------------------------------------------------------------ pages

def draw_logo(c, x: float, y: float, size: float) -> None:
    """The mark of the app (a rising line on green), drawn as vectors: nothing fetched."""
    c.saveState()
    c.setFillColor(GREEN)
    c.roundRect(x, y, size, size, size * 0.18, stroke=0, fill=1)
    c.setStrokeColor(GOLD)
    c.setLineWidth(size * 0.09)
    c.setLineCap(1)
    c.setLineJoin(1)
    s = size / 32
    p = c.beginPath()
    p.moveTo(x + 7 * s, y + (32 - 22) * s)
    p.lineTo(x + 13 * s, y + (32 - 15) * s)
    p.lineTo(x + 18 * s, y + (32 - 19) * s)
    p.lineTo(x + 25 * s, y + (32 - 9) * s)
    c.drawPath(p, stroke=1, fill=0)
    c.restoreState()


def draw_letterhead(c, width: float, top: float, left: float, right: float, unit_name: str | None) -> float:
    """The province's letterhead at the top of a page; returns its height."""
    size = 18 * mm
    draw_logo(c, left, top - size, size)
    centre = (left + size + right) / 2
    c.setFillColor(colors.black)
    c.setFont(fonts.BOLD, 14)
    # Two lines or three, centred on the logo's height either way.
    c.drawCentredString(centre, top - (6 if unit_name else 8) * mm, PROVINCE)
    c.setFont(fonts.BOLD, 11)
    if unit_name:
        c.drawCentredString(centre, top - 11 * mm, unit_name.upper())
    c.setFont(fonts.REGULAR, 8)
    c.drawCentredString(centre, top - (16 if unit_name else 14) * mm, PROVINCE_ADDRESS)
    c.setStrokeColor(colors.black)
    c.setLineWidth(1.6)
    c.line(left, top - size - 2 * mm, right, top - size - 2 * mm)
    c.setLineWidth(0.5)
    c.line(left, top - size - 3 * mm, right, top - size - 3 * mm)
    return size + 5 * mm


@lru_cache(maxsize=64)
def _qr_runs(text: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The QR code of the text as its module count and its dark runs (row, first column, length):
    worked out once per document, not on every page."""
    qr = QrCodeWidget(text, barLevel="M").qr
    qr.make()
    n = qr.getModuleCount()
    runs = []
    for row in range(n):
        col = 0
        while col < n:
            if not qr.isDark(row, col):
                col += 1
                continue
            start = col
            while col < n and qr.isDark(row, col):
                col += 1
            runs.append((row, start, col - start))
    return n, tuple(runs)


def draw_qr(c, text: str, x: float, y: float, size: float) -> None:
    """A QR code drawn straight on the canvas, a rectangle per run of dark modules (reportlab's
    widget renderer would name a non-embedded Helvetica on the page)."""
    n, runs = _qr_runs(text)
    quiet = 2
    cell = size / (n + 2 * quiet)
    c.saveState()
    c.setFillColor(colors.white)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColor(colors.black)
    for row, col, length in runs:
        c.rect(x + (col + quiet) * cell, y + size - (row + 1 + quiet) * cell, length * cell, cell, stroke=0, fill=1)
    c.restoreState()


class _NumberedCanvas(rl_canvas.Canvas):
    """Keeps the pages until the end so that each can say 'Halaman x dari y'."""

    def __init__(self, *args, footer=None, **kwargs):
        # Our font from the first byte: reportlab would otherwise name Helvetica, not embedded.
        if not kwargs.get("initialFontName"):
            kwargs["initialFontName"] = fonts.REGULAR
        super().__init__(*args, **kwargs)
        self._pages = []
        self._footer = footer

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            if self._footer is not None:
                self._footer(self, self._pageNumber, total)
            super().showPage()
        super().save()


@dataclass
class Meta:
    title: str
    author: str = PROVINCE
    subject: str = ""
    code: str | None = None          # verification code, printed on every page with its QR
    verify_url: str | None = None    # the public page the QR opens
    unit_name: str | None = None     # the second line of the letterhead
    letterhead_every_page: bool = False


def build(story: list, pagesize: tuple[float, float], meta: Meta, margins: float = 15 * mm) -> bytes:
    """Lay the story out on pages with the letterhead and the footer; return the PDF's bytes."""
    fonts.register()
    width, height = pagesize
    footer_h = 20 * mm
    head_h = 25 * mm

    def frame(first: bool) -> Frame:
        top = height - margins - (head_h if (first or meta.letterhead_every_page) else 0)
        return Frame(margins, margins + footer_h, width - 2 * margins, top - margins - footer_h, id="body",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    def on_page(c, doc):
        if doc.page == 1 or meta.letterhead_every_page:
            draw_letterhead(c, width, height - margins, margins, width - margins, meta.unit_name)

    def footer(c, page: int, total: int):
        c.saveState()
        y = margins
        c.setStrokeColor(GRID)
        c.setLineWidth(0.4)
        c.line(margins, y + footer_h - 3 * mm, width - margins, y + footer_h - 3 * mm)
        c.setFont(fonts.REGULAR, 7.5)
        c.setFillColor(colors.black)
        c.drawRightString(width - margins, y + 2 * mm, f"Halaman {page} dari {total}")
        if meta.code:
            qr_size = 15 * mm
            draw_qr(c, meta.verify_url or meta.code, margins, y, qr_size)
            c.drawString(margins + qr_size + 3 * mm, y + 9 * mm, f"Kode verifikasi: {meta.code}")
            if meta.verify_url:
                c.drawString(margins + qr_size + 3 * mm, y + 5 * mm, f"Periksa keaslian dokumen: {meta.verify_url}")
            c.drawString(margins + qr_size + 3 * mm, y + 1 * mm, meta.title[:120])
        c.restoreState()

    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=pagesize, title=meta.title, author=meta.author, subject=meta.subject,
                          creator="e-Kinerja NTB", leftMargin=margins, rightMargin=margins, topMargin=margins,
                          bottomMargin=margins, invariant=1, initialFontName=fonts.REGULAR)
    doc.addPageTemplates([PageTemplate(id="first", frames=[frame(True)], onPage=on_page, autoNextPageTemplate="later"),
                          PageTemplate(id="later", frames=[frame(False)], onPage=on_page)])
    doc.build(story, canvasmaker=lambda *a, **k: _NumberedCanvas(*a, footer=footer, **k))
    return buf.getvalue()
