"""The Perjanjian Kinerja on A4 portrait, in the format of PermenPANRB 53/2014: the statement page
with both parties (name, NIP, rank, position as held on the signing date) and their signatures, then
the attachment: the performance indicators with their targets and quarterly targets (TW I–IV), the
programmes (or activities) and their budget with the total, signed again at its foot.

The attachment names its tables by level (pk.labels): Sasaran Strategis and Program for an OPD
head, Sasaran Program and Kegiatan for eselon III, Sasaran Kegiatan and Sub Kegiatan for eselon IV.
"""
from __future__ import annotations

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from ekinerja.contracts.models import AgreementVersion, Level
from ekinerja.pdf import fonts, parts
from ekinerja.pdf.parts import esc

STATEMENT = ("Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan dan akuntabel serta "
             "berorientasi pada hasil, kami yang bertanda tangan di bawah ini:")
PROMISE = ("Pihak pertama berjanji akan mewujudkan target kinerja yang seharusnya sesuai lampiran perjanjian "
           "ini, dalam rangka mencapai target kinerja jangka menengah seperti yang telah ditetapkan dalam "
           "dokumen perencanaan. Keberhasilan dan kegagalan pencapaian target kinerja tersebut menjadi "
           "tanggung jawab kami.")
SUPERVISION = ("Pihak kedua akan melakukan supervisi yang diperlukan serta akan melakukan evaluasi terhadap "
               "capaian kinerja dari perjanjian ini dan mengambil tindakan yang diperlukan dalam rangka "
               "pemberian penghargaan dan sanksi.")

WIDTH = 180 * mm   # A4 less the 15 mm margins of parts.build


def verify_url(code: str) -> str:
    from flask import current_app

    return f"{current_app.config['BASE_URL'].rstrip('/')}/verifikasi/{code}"


def parties(version: AgreementVersion) -> tuple[parts.Party, parts.Party]:
    first = parts.Party("PIHAK PERTAMA", version.first_title or "", version.first_name or "", version.first_nip,
                        version.first_rank)
    second = parts.Party("PIHAK KEDUA", version.second_title or "", version.second_name or "", version.second_nip,
                         version.second_rank)
    return first, second


def _position_text(version: AgreementVersion, title: str) -> str:
    """A post below the OPD head is named with its OPD ("Kepala Bidang Satu pada Dinas Alfa"), so
    that the page says whose post it is without the letterhead."""
    agreement = version.agreement
    opd = agreement.opd.name
    if not title or agreement.level == Level.GOVERNOR_OPD or opd.lower() in title.lower() or \
            title.lower().startswith("gubernur"):
        return title
    return f"{title} pada {opd}"


def _identity(st, version: AgreementVersion, party: parts.Party, closing: str) -> Table:
    """Nama, NIP, Pangkat/Gol., Jabatan (those known), then "selanjutnya disebut ..."."""
    rows = [("Nama", party.name)]
    if party.nip:
        rows.append(("NIP", party.nip))
    if party.rank:
        rows.append(("Pangkat/Gol.", party.rank))
    rows.append(("Jabatan", _position_text(version, party.position)))
    data = [[Paragraph(esc(a), st.body), Paragraph(":", st.body), Paragraph(esc(b), st.body)] for a, b in rows]
    data.append([Paragraph(closing, st.body), "", ""])
    t = Table(data, colWidths=[30 * mm, 4 * mm, WIDTH - 44 * mm], hAlign="LEFT")
    t.setStyle(TableStyle([("SPAN", (0, len(rows)), (-1, len(rows))), ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                           ("TOPPADDING", (0, len(rows)), (-1, len(rows)), 4)]))
    return t


def title_lines(version: AgreementVersion) -> tuple[str, str]:
    agreement = version.agreement
    title = f"PERJANJIAN KINERJA TAHUN {agreement.year}"
    if version.amendment_reason is not None:
        title = f"PERJANJIAN KINERJA PERUBAHAN TAHUN {agreement.year}"
    unit = agreement.opd.name if agreement.level == Level.GOVERNOR_OPD else \
        f"{agreement.first_position.unit.name} – {agreement.opd.name}"
    return title, unit.upper()


def _styles(st):
    """Cell styles the shared parts lack: numbers to the right, headings centred, the total bold."""
    right = ParagraphStyle("cell_right", parent=st.cell, alignment=TA_RIGHT)
    head = ParagraphStyle("cell_head", parent=st.cell_bold, alignment=TA_CENTER)
    small_head = ParagraphStyle("cell_head_small", parent=head, fontName=fonts.REGULAR,
                                fontSize=st.cell.fontSize - 1.5, leading=(st.cell.fontSize - 1.5) * 1.2)
    total = ParagraphStyle("cell_total", parent=st.cell_bold, alignment=TA_RIGHT)
    return right, head, small_head, total


def _quarter_width(st, version: AgreementVersion) -> float:
    """The quarterly columns as wide as their widest number needs, between 12 and 16 mm."""
    widest = max((stringWidth(parts.number(v), st.cell.fontName, st.cell.fontSize)
                  for t in version.pk_targets for v in (t.q1, t.q2, t.q3, t.q4)), default=0)
    return min(max(12 * mm, widest + 7), 16 * mm)


def _fit(text: str, width: float, style: ParagraphStyle) -> Paragraph:
    """A number too wide for its column is set smaller rather than broken over two lines."""
    room = width - 6.5  # the cell's padding, left and right
    needed = stringWidth(text, style.fontName, style.fontSize)
    if needed > room:
        size = max(5, style.fontSize * room / needed)
        style = ParagraphStyle(f"{style.name}-{size:.2f}", parent=style, fontSize=size, leading=size * 1.25)
    return Paragraph(esc(text), style)


def _targets_table(st, version: AgreementVersion, objective_label: str) -> Table:
    """No | Sasaran | Indikator Kinerja | Target | Target triwulan I–IV, a sasaran written once beside
    its indicators and numbered by sasaran, as in the PermenPANRB format. The sasaran's cells are
    joined by leaving out the lines between them rather than by spans, so that a long sasaran may
    go on over a page break instead of leaving the page half empty."""
    right, head, small_head, _total = _styles(st)
    P = Paragraph  # noqa: N806
    header = [
        [P("No", head), P(esc(objective_label), head), P("Indikator Kinerja", head), P("Target", head),
         P("Target Triwulan", head), "", "", ""],
        ["", "", "", "", P("I", head), P("II", head), P("III", head), P("IV", head)],
        [P(f"({i})", small_head) for i in range(1, 9)],
    ]
    q = _quarter_width(st, version)
    body, group_ends, number = [], [], 0
    rows = version.pk_targets
    for k, t in enumerate(rows):
        starts = k == 0 or rows[k - 1].objective != t.objective
        number += starts
        body.append([P(f"{number}." if starts else "", st.cell_center), P(esc(t.objective) if starts else "", st.cell),
                     P(esc(t.indicator), st.cell), P(f"{esc(parts.number(t.target))} {esc(t.unit_of_measure)}", right),
                     *[_fit(parts.number(value), q, right) for value in (t.q1, t.q2, t.q3, t.q4)]])
        if k + 1 == len(rows) or rows[k + 1].objective != t.objective:
            group_ends.append(len(header) + k)
    extra = []
    if not body:
        body.append([P("–", st.cell_center), P("Belum ada indikator kinerja.", st.cell), "", "", "", "", "", ""])
        extra.append(("SPAN", (1, len(header)), (-1, len(header))))
        group_ends.append(len(header))
    widths = [9 * mm, 46 * mm if q < 14 * mm else 40 * mm, 0, 27 * mm, q, q, q, q]
    widths[2] = WIDTH - sum(widths)
    t = Table(header + body, colWidths=widths, repeatRows=len(header))
    t.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("BOX", (0, 0), (-1, -1), 0.5, parts.GRID),
        ("LINEAFTER", (0, 0), (-2, -1), 0.5, parts.GRID),
        ("LINEBELOW", (0, 0), (-1, len(header) - 1), 0.5, parts.GRID),
        ("LINEBELOW", (2, len(header)), (-1, -1), 0.5, parts.GRID),   # every indicator
        *[("LINEBELOW", (0, end), (1, end), 0.5, parts.GRID) for end in group_ends],  # every sasaran
        ("BACKGROUND", (0, 0), (-1, len(header) - 1), parts.HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, len(header) - 1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 2), (-1, 2), 1), ("BOTTOMPADDING", (0, 2), (-1, 2), 1),
        ("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)), ("SPAN", (2, 0), (2, 1)), ("SPAN", (3, 0), (3, 1)),
        ("SPAN", (4, 0), (7, 0)), ("LINEBELOW", (4, 0), (7, 0), 0.5, parts.GRID),
        *extra,
    ]))
    return t


def _programmes_table(st, version: AgreementVersion, programme_label: str) -> Table:
    """No | Program | Anggaran | Keterangan, and the total."""
    from ekinerja.contracts.pk import amount_text

    right, head, small_head, total = _styles(st)
    P = Paragraph  # noqa: N806
    rows = [[P("No", head), P(esc(programme_label), head), P("Anggaran", head), P("Keterangan", head)],
            [P(f"({i})", small_head) for i in range(1, 5)]]
    for i, p in enumerate(version.pk_programmes, start=1):
        rows.append([P(f"{i}.", st.cell_center), P(esc(p.programme), st.cell),
                     P(f"Rp {esc(amount_text(p.budget))}", right), P(esc(p.note or ""), st.cell)])
    if not version.pk_programmes:
        rows.append([P("–", st.cell_center), P(f"Belum ada {esc(programme_label.lower())}.", st.cell), "", ""])
    amount = sum((p.budget for p in version.pk_programmes), start=0)
    rows.append(["", P("Jumlah Anggaran", st.cell_bold), P(f"Rp {esc(amount_text(amount))}", total), ""])
    t = Table(rows, colWidths=[10 * mm, 98 * mm, 36 * mm, WIDTH - 144 * mm], repeatRows=2)
    t.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("GRID", (0, 0), (-1, -1), 0.5, parts.GRID),
        ("BACKGROUND", (0, 0), (-1, 1), parts.HEAD_BG),
        ("BACKGROUND", (0, -1), (-1, -1), parts.HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 1), (-1, 1), 1), ("BOTTOMPADDING", (0, 1), (-1, 1), 1),
    ]))
    return t


def render_pk(version: AgreementVersion) -> bytes:
    from ekinerja.contracts.pk import labels

    st = parts.styles(10)
    body = ParagraphStyle("pk_body", parent=st.body, alignment=TA_JUSTIFY, leading=st.body.fontSize * 1.5)
    agreement = version.agreement
    first, second = parties(version)
    title, unit = title_lines(version)
    objective_label, programme_label = labels(agreement.level)
    number = f"Nomor: {esc(version.print_number)}" if version.print_number else None

    # The statement page.
    story = [Paragraph(esc(title), st.title), Paragraph(esc(unit), st.subtitle)]
    if number:
        story.append(Paragraph(number, st.subtitle))
    story += [Spacer(1, 5 * mm), Paragraph(STATEMENT, body), Spacer(1, 3 * mm),
              _identity(st, version, first, "selanjutnya disebut <b>PIHAK PERTAMA</b>"), Spacer(1, 4 * mm),
              _identity(st, version, second, "selaku atasan pihak pertama, selanjutnya disebut <b>PIHAK KEDUA</b>"),
              Spacer(1, 5 * mm), Paragraph(PROMISE, body), Spacer(1, 3 * mm), Paragraph(SUPERVISION, body),
              Spacer(1, 10 * mm),
              KeepTogether(parts.signature_block(first, second, version.place, version.planned_signing_date, st,
                                                 width=WIDTH)),
              PageBreak()]

    # The attachment.
    story += [Paragraph(f"LAMPIRAN {esc(title)}", st.title), Paragraph(esc(unit), st.subtitle)]
    if number:
        story.append(Paragraph(f"{number} · Tanggal: {esc(parts.tanggal(version.planned_signing_date))}",
                               ParagraphStyle("ref", parent=st.small, alignment=TA_CENTER)))
    story += [Spacer(1, 4 * mm), Paragraph("A. Indikator Kinerja dan Target", st.heading),
              _targets_table(st, version, objective_label), Spacer(1, 5 * mm),
              CondPageBreak(30 * mm), Paragraph(f"B. {esc(programme_label)} dan Anggaran", st.heading),
              _programmes_table(st, version, programme_label),
              CondPageBreak(75 * mm), Spacer(1, 10 * mm),
              KeepTogether(parts.signature_block(first, second, version.place, version.planned_signing_date, st,
                                                 width=WIDTH))]
    meta = parts.Meta(title=f"{title} – {agreement.opd.name} (versi {version.number})",
                      subject="Perjanjian Kinerja (PermenPANRB 53/2014)", code=version.verification_code,
                      verify_url=verify_url(version.verification_code),
                      unit_name=None if agreement.level == Level.GOVERNOR_OPD else agreement.opd.name)
    return parts.build(story, A4, meta)
