"""The A3 agreement on A3 landscape (A4 landscape on request): the title and number, both parties as
they held their posts on the signing date, Attitude and Attention side by side, the Action table
across the page with its total budget, and the signatures.

Sizes are given for A3 and scaled for A4, so that the same document reads the same on both papers.
The header row of every table repeats on each page; numbers are right-aligned, Indonesian style.
"""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ekinerja.contracts.models import AgreementVersion, Level
from ekinerja.contracts.pdf import parties, verify_url
from ekinerja.pdf import fonts, parts
from ekinerja.pdf.parts import esc
from ekinerja.web import MONTHS_ID

ZEBRA = colors.HexColor("#f3f7f4")
BAND_TEXT = colors.white


class _Look:
    """The styles of one paper size."""

    def __init__(self, paper: str):
        self.scale = 1.0 if paper == "A3" else 0.72
        self.st = parts.styles(11 if paper == "A3" else 8.5)
        cell = self.st.cell
        self.head = ParagraphStyle("a3_head", parent=self.st.cell_bold, textColor=colors.white)
        self.head_right = ParagraphStyle("a3_head_right", parent=self.head, alignment=TA_RIGHT)
        self.right = ParagraphStyle("a3_right", parent=cell, alignment=TA_RIGHT)
        self.bold_right = ParagraphStyle("a3_bold_right", parent=self.st.cell_bold, alignment=TA_RIGHT)
        self.band = ParagraphStyle("a3_band", parent=self.st.cell_bold, textColor=BAND_TEXT,
                                   fontSize=self.st.body.fontSize + 0.5, leading=(self.st.body.fontSize + 0.5) * 1.3)
        self.label = ParagraphStyle("a3_label", parent=cell, textColor=colors.HexColor("#3c474f"))

    def mm(self, value: float) -> float:
        return value * mm * self.scale


def _band(look: _Look, text: str, width: float) -> Table:
    """A section's heading: white words on the province's green, as wide as its table."""
    t = Table([[Paragraph(text, look.band)]], colWidths=[width])
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), parts.GREEN), ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                           ("TOPPADDING", (0, 0), (-1, -1), look.mm(1.6)), ("BOTTOMPADDING", (0, 0), (-1, -1), look.mm(1.8)),
                           ("LEFTPADDING", (0, 0), (-1, -1), look.mm(2.5))]))
    return t


def _grid(look: _Look, header: list[str], rows: list[list[str]], widths: list[float], right: tuple[int, ...] = (),
          total: list[str] | None = None) -> Table:
    """A ruled table: a green header row that repeats on every page, light stripes, numbers to the
    right, and an optional bold total row."""
    data = [[Paragraph(esc(h), look.head_right if i in right else look.head) for i, h in enumerate(header)]]
    body = rows or [["–"] + [""] * (len(header) - 1)]
    for row in body:
        data.append([_fit(c, widths[i], look.right) if i in right else Paragraph(esc(c), look.st.cell)
                     for i, c in enumerate(row)])
    if total is not None:
        data.append([_fit(c, widths[i], look.bold_right) if i in right else Paragraph(esc(c), look.st.cell_bold)
                     for i, c in enumerate(total)])
    t = parts.table(data, widths, st=look.st)
    style = [("BACKGROUND", (0, 0), (-1, 0), parts.GREEN),
             ("ROWBACKGROUNDS", (0, 1), (-1, len(body)), [colors.white, ZEBRA]),
             ("TOPPADDING", (0, 0), (-1, -1), look.mm(1.2)), ("BOTTOMPADDING", (0, 0), (-1, -1), look.mm(1.6))]
    if total is not None:
        style += [("BACKGROUND", (0, -1), (-1, -1), parts.HEAD_BG), ("LINEABOVE", (0, -1), (-1, -1), 1, parts.GREEN)]
    t.setStyle(TableStyle(style))
    return t


def _fit(text: str, width: float, style: ParagraphStyle) -> Paragraph:
    """A number on one line (1.250.000 / 000 would read as two numbers): set smaller when its
    column is too narrow for it. A target with its unit ("95,5 %") may still wrap at the space."""
    room = width - 2 * 3 - 0.5   # parts.table pads cells 3 pt left and right
    longest = max(text.split(" "), key=len) if text else ""
    needed = stringWidth(longest, style.fontName, style.fontSize)
    if needed > room:
        size = max(5.5, style.fontSize * room / needed)
        style = ParagraphStyle(f"{style.name}-{size:.2f}", parent=style, fontSize=size, leading=size * 1.25)
    return Paragraph(esc(text), style)


def _identity(look: _Look, party: parts.Party, width: float) -> Table:
    """One party as printed: name, NIP, rank and post on the signing date."""
    rows = [("Nama", f"<b>{esc(party.name)}</b>")]
    if party.nip:
        rows.append(("NIP", esc(party.nip)))
    if party.rank:
        rows.append(("Pangkat/gol.", esc(party.rank)))
    rows.append(("Jabatan", esc(party.position)))
    label_w = look.mm(34)
    data = [[Paragraph(f"<b>{esc(party.role)}</b>", look.st.cell), ""]] + [
        [Paragraph(label, look.label), Paragraph(value, look.st.cell)] for label, value in rows]
    t = Table(data, colWidths=[label_w, width - label_w])
    t.setStyle(TableStyle([("SPAN", (0, 0), (-1, 0)), ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                           ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, 0), 0.8, parts.GREEN),
                           ("BOX", (0, 0), (-1, -1), 0.5, parts.GRID), ("BACKGROUND", (0, 0), (-1, 0), parts.HEAD_BG),
                           ("TOPPADDING", (0, 0), (-1, -1), look.mm(1)), ("BOTTOMPADDING", (0, 0), (-1, -1), look.mm(1.2))]))
    return t


def _side_by_side(left, right, half: float, gap: float) -> Table:
    t = Table([[left, right]], colWidths=[half + gap, half])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (0, -1), gap), ("RIGHTPADDING", (1, 0), (1, -1), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                           ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR)]))
    return t


def _money(value) -> str:
    return parts.rupiah(value).replace("Rp ", "") if value is not None else "–"


def render_a3(version: AgreementVersion, paper: str = "A3") -> bytes:
    look = _Look(paper)
    st = look.st
    pagesize = landscape(A3 if paper == "A3" else A4)
    width = pagesize[0] - 2 * 15 * mm
    gap = look.mm(6)
    half = (width - gap) / 2
    agreement = version.agreement
    first, second = parties(version)
    year = agreement.year
    title = f"PERJANJIAN A3 (ATTITUDE, ATTENTION, ACTION) TAHUN {year}"
    if version.amendment_reason is not None:
        title = f"PERUBAHAN PERJANJIAN A3 (ATTITUDE, ATTENTION, ACTION) TAHUN {year}"
    unit = agreement.opd.name if agreement.level == Level.GOVERNOR_OPD else \
        f"{agreement.first_position.unit.name} – {agreement.opd.name}"
    story = [Paragraph(esc(title), st.title), Paragraph(esc(unit.upper()), st.subtitle)]
    if version.print_number:
        story.append(Paragraph(f"Nomor: {esc(version.print_number)}", st.subtitle))
    if version.amendment_reason is not None:
        story.append(Paragraph(f"Versi {version.number} · alasan perubahan: {esc(version.amendment_reason.label)}"
                               + (f" — {esc(version.amendment_note)}" if version.amendment_note else ""), st.small))
    story += [Spacer(1, look.mm(2)),
              _side_by_side(_identity(look, first, half), _identity(look, second, half), half, gap),
              Spacer(1, look.mm(3)),
              Paragraph(
                  f"PIHAK PERTAMA berkomitmen menjalankan sikap (<b>Attitude</b>), memberi perhatian pada program "
                  f"prioritas Pemerintah Provinsi Nusa Tenggara Barat (<b>Attention</b>), dan mewujudkan aksi nyata "
                  f"(<b>Action</b>) berikut selama tahun {year}. PIHAK KEDUA melakukan supervisi dan evaluasi atas "
                  "capaiannya sebagai bahan dialog kinerja, pemberian penghargaan dan sanksi.", st.body),
              Spacer(1, look.mm(4))]

    no_w = look.mm(10)
    attitude = _grid(look, ["No", "Komitmen sikap", "Ukuran"],
                     [[str(a.position), a.commitment, a.indicator or "–"] for a in version.a3_attitudes],
                     [no_w, (half - no_w) * 0.64, (half - no_w) * 0.36])
    attention = _grid(look, ["No", "Program prioritas", "Jenis", "Mendukung sasaran/IKU provinsi"],
                      [[str(a.position), a.programme, a.kind.label, a.serves] for a in version.a3_attentions],
                      [no_w, (half - no_w) * 0.40, (half - no_w) * 0.20, (half - no_w) * 0.40])
    story += [_side_by_side(_band(look, "A. ATTITUDE — komitmen sikap", half),
                            _band(look, "B. ATTENTION — program prioritas provinsi", half), half, gap),
              _side_by_side(attitude, attention, half, gap), Spacer(1, look.mm(5))]

    header = ["No", "ACTION – indikator", "Mendukung IKU", "Target", "TW I", "TW II", "TW III", "TW IV",
              "Anggaran (Rp)", "Penanggung jawab", "Batas waktu"]
    rows = [[str(a.position), f"{a.code + ' ' if a.code else ''}{a.action}", a.serves or "–",
             f"{parts.number(a.target)} {a.unit_of_measure}", parts.number(a.q1), parts.number(a.q2),
             parts.number(a.q3), parts.number(a.q4), _money(a.budget), a.responsible or "–",
             MONTHS_ID[a.due_month - 1] if a.due_month else "–"] for a in version.a3_actions]
    budgets = [a.budget for a in version.a3_actions if a.budget is not None]
    total = ["", "Jumlah anggaran", "", "", "", "", "", "", _money(sum(budgets)) if budgets else "–", "", ""]
    fractions = [0.027, 0.233, 0.17, 0.085, 0.046, 0.046, 0.046, 0.046, 0.095, 0.136, 0.07]
    story += [CondPageBreak(look.mm(40)),
              _band(look, "C. ACTION — aksi nyata: indikator kartu kinerja, target, anggaran dan penanggung jawab", width),
              _grid(look, header, rows, [width * f for f in fractions], right=(3, 4, 5, 6, 7, 8), total=total),
              Spacer(1, look.mm(1)),
              Paragraph("TW I–IV: target sampai dengan akhir Maret, Juni, September dan Desember.", st.small)]

    story += [CondPageBreak(look.mm(75)), Spacer(1, look.mm(6)),
              KeepTogether(parts.signature_block(first, second, version.place, version.planned_signing_date, st,
                                                 width=min(width, 260 * mm)))]
    meta = parts.Meta(title=f"{title} – {agreement.opd.name} (versi {version.number})",
                      subject="Perjanjian A3 Pemerintah Provinsi NTB", code=version.verification_code,
                      verify_url=verify_url(version.verification_code))
    return parts.build(story, pagesize, meta)
