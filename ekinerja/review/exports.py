"""The province dashboard's tables as an Excel workbook (issue 6, point 4).

One sheet per table of /review/ and /review/kepatuhan: Ringkasan, IKU, Peringkat OPD, Kelengkapan,
Capaian, Merah bulan ini, Kepatuhan. Figures are numbers (shares in a percent format, which Excel
shows the Indonesian way, 75,00%, on an Indonesian computer), never text; a status is its word
("Hijau") on the status colour. The figures are the dashboard's own (dashboard.dashboard and
dashboard.compliance), plus the province scorecard's targets and realisations at the month: a
fixed number of queries whatever the number of OPDs.
"""
from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ekinerja.bsc.cascade import ScorecardFigures, scorecard_figures
from ekinerja.bsc.forms import COLOUR_LABELS, MONTHS
from ekinerja.bsc.scoring import Colour, colour
from ekinerja.review import dashboard as rd

TITLE = "Dasbor Kinerja Pemerintah Provinsi Nusa Tenggara Barat"
OFFICIAL = ("Angka resmi: hanya realisasi yang telah disetujui. "
            "Status: Hijau ≥ 100%, Kuning 80% s.d. < 100%, Merah < 80%.")
HEADER_ROW = 4

HEAD_FILL = PatternFill("solid", fgColor="DCEFE3")          # as the realisations workbook
COLOUR_FILLS = {Colour.GREEN: PatternFill("solid", fgColor="C6E9D0"),
                Colour.YELLOW: PatternFill("solid", fgColor="FBE7A6"),
                Colour.RED: PatternFill("solid", fgColor="F8CACD"),
                Colour.GREY: PatternFill("solid", fgColor="E3E7EB")}
PERCENT = "0.00%"
NUMBER = "#,##0.00##"
DECIMAL2 = "#,##0.00"
WHOLE = "#,##0"


# ---------------------------------------------------------------- cells and sheets

def _text(ws: Worksheet, row: int, col: int, value) -> None:
    """Text stays text ("=…" is no formula); None leaves the cell empty."""
    if value is None or value == "":
        return
    cell = ws.cell(row, col, ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell.data_type = "s"


def _number(ws: Worksheet, row: int, col: int, value, fmt: str) -> None:
    """A number as a number in `fmt` (None: an empty cell)."""
    if value is None:
        return
    ws.cell(row, col, Decimal(value) if not isinstance(value, int) else value).number_format = fmt


def _status(ws: Worksheet, row: int, col: int, c: Colour) -> None:
    """The colour's word on the colour."""
    _text(ws, row, col, COLOUR_LABELS[c])
    ws.cell(row, col).fill = COLOUR_FILLS[c]


def _sheet(wb: Workbook, title: str, heading: str, period: str, columns: list[tuple[str, float]]) -> Worksheet:
    """A sheet with its heading in A1, the period in A2 and the column headers on HEADER_ROW, frozen
    below them and filterable."""
    ws = wb.create_sheet(title)
    ws.cell(1, 1, heading).font = Font(bold=True, size=13)
    _text(ws, 2, 1, period)
    for col, (header, width) in enumerate(columns, start=1):
        cell = ws.cell(HEADER_ROW, col, header)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    return ws


def _filter(ws: Worksheet, columns: int, last_row: int) -> None:
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(columns)}{max(last_row, HEADER_ROW + 1)}"


def _wrap(ws: Worksheet, row: int, col: int) -> None:
    ws.cell(row, col).alignment = Alignment(wrap_text=True, vertical="top")


def period_text(year: int, month: int) -> str:
    return f"Periode {MONTHS[0]}–{MONTHS[month - 1]} {year}"


# ---------------------------------------------------------------- the sheets

def _summary(wb: Workbook, d: rd.Dashboard) -> None:
    ws = wb.active
    ws.title = "Ringkasan"
    ws.cell(1, 1, TITLE).font = Font(bold=True, size=14)
    _text(ws, 2, 1, period_text(d.year, d.month))
    _text(ws, 3, 1, OFFICIAL)
    facts = [("Tahun", d.year, WHOLE), ("Sampai dengan bulan", MONTHS[d.month - 1], None)]
    if d.province is not None:
        facts += [(f"NKO provinsi s.d. {MONTHS[d.month - 1]}", d.nko.value, PERCENT),
                  ("Status NKO provinsi", d.nko.colour, None),
                  ("Cakupan data NKO", d.nko.coverage, PERCENT)]
    else:
        facts.append(("NKO provinsi", f"Belum ada kartu kinerja provinsi tahun {d.year}", None))
    ranked = [r for r in d.opds if r.rank is not None]
    facts += [("Perangkat daerah dengan NKO", len(ranked), WHOLE),
              ("Perangkat daerah hijau", sum(r.nko.colour == Colour.GREEN for r in ranked), WHOLE),
              ("Perangkat daerah kuning", sum(r.nko.colour == Colour.YELLOW for r in ranked), WHOLE),
              ("Perangkat daerah merah", sum(r.nko.colour == Colour.RED for r in ranked), WHOLE),
              ("Indikator yang menjadi merah bulan ini", len(d.turned_red), WHOLE)]
    row = 5
    for label, value, fmt in facts:
        ws.cell(row, 1, label).font = Font(bold=True)
        if isinstance(value, Colour):
            _status(ws, row, 2, value)
        elif fmt is None:
            _text(ws, row, 2, value)
        else:
            _number(ws, row, 2, value, fmt)
        row += 1

    row += 1
    for col, header in enumerate(("Bulan", "NKO provinsi", "Status"), start=1):
        cell = ws.cell(row, col, header)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
    for m, value in zip(d.months, d.nko_trend):
        row += 1
        _text(ws, row, 1, MONTHS[m - 1])
        _number(ws, row, 2, value, PERCENT)
        _status(ws, row, 3, colour(value))
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 14


def _iku(wb: Workbook, d: rd.Dashboard, figures: ScorecardFigures | None) -> None:
    month = MONTHS[d.month - 1]
    short = [MONTHS[m - 1][:3] for m in d.months]
    columns = [("Kode", 10), ("Indikator", 44), ("Satuan", 12), ("Target tahunan", 14),
               (f"Target s.d. {month}", 14), (f"Realisasi s.d. {month}", 14), ("Capaian", 11),
               ("Nilai capaian", 11), ("Status", 11), ("Proyeksi Desember", 12),
               ("Diperkirakan tidak tercapai", 13)] + [(f"Capaian {s}", 10) for s in short]
    ws = _sheet(wb, "IKU", f"Indikator Kinerja Utama provinsi s.d. {month} {d.year}", period_text(d.year, d.month),
                columns)
    nodes = figures.nodes if figures is not None else {}
    row = HEADER_ROW
    for r in d.iku:
        row += 1
        ind = r.indicator
        fig = nodes[ind.id].figures if ind.id in nodes else None
        _text(ws, row, 1, ind.code)
        _text(ws, row, 2, ind.name)
        _wrap(ws, row, 2)
        _text(ws, row, 3, ind.unit_of_measure)
        _number(ws, row, 4, ind.target, NUMBER)
        if fig is not None:
            _number(ws, row, 5, fig.target, NUMBER)
            _number(ws, row, 6, fig.realisation, NUMBER)
        _number(ws, row, 7, r.trend[-1] if r.trend else None, PERCENT)
        _number(ws, row, 8, r.score, PERCENT)
        _status(ws, row, 9, r.colour)
        _number(ws, row, 10, r.projection, PERCENT)
        _text(ws, row, 11, "Ya" if r.will_miss else "Tidak")
        if r.will_miss:
            ws.cell(row, 11).fill = COLOUR_FILLS[Colour.RED]
        for j, value in enumerate(r.trend):
            _number(ws, row, 12 + j, value, PERCENT)
    _filter(ws, len(columns), row)


def _ranking(wb: Workbook, d: rd.Dashboard) -> None:
    month = MONTHS[d.month - 1]
    columns = [("Peringkat", 10), ("Perangkat daerah", 46), (f"NKO s.d. {month}", 12), ("Status", 11),
               ("Cakupan data NKO", 12), (f"Kelengkapan {month}", 13), ("Keterangan", 26)]
    ws = _sheet(wb, "Peringkat OPD", f"Peringkat perangkat daerah menurut NKO s.d. {month} {d.year}",
                period_text(d.year, d.month), columns)
    row = HEADER_ROW
    for r in d.opds:
        row += 1
        _number(ws, row, 1, r.rank, WHOLE)
        _text(ws, row, 2, r.opd.name)
        _number(ws, row, 3, r.nko.value if r.nko else None, PERCENT)
        _status(ws, row, 4, r.nko.colour if r.nko else Colour.GREY)
        _number(ws, row, 5, r.nko.coverage if r.nko else None, PERCENT)
        _number(ws, row, 6, r.completeness[-1] if r.completeness else None, PERCENT)
        if r.scorecard is None:
            _text(ws, row, 7, "Belum ada kartu kinerja")
    _filter(ws, len(columns), row)


def _by_month(wb: Workbook, d: rd.Dashboard, title: str, heading: str, note: str, cell) -> None:
    """An OPD × month grid; cell(ws, row, col, opd_row, month_index) writes one cell."""
    columns = [("Perangkat daerah", 46)] + [(MONTHS[m - 1][:3], 11) for m in d.months]
    ws = _sheet(wb, title, heading, f"{period_text(d.year, d.month)}. {note}", columns)
    row = HEADER_ROW
    for r in d.opds:
        row += 1
        _text(ws, row, 1, r.opd.name)
        for j in range(d.month):
            cell(ws, row, 2 + j, r, j)
    _filter(ws, len(columns), row)


def _filled_cell(ws: Worksheet, row: int, col: int, r: rd.OpdRow, j: int) -> None:
    share = r.completeness[j]
    _number(ws, row, col, share, PERCENT)
    ws.cell(row, col).fill = COLOUR_FILLS[colour(share)]


def _achieved_cell(ws: Worksheet, row: int, col: int, r: rd.OpdRow, j: int) -> None:
    _status(ws, row, col, r.colours[j])


def _turned_red(wb: Workbook, d: rd.Dashboard) -> None:
    month = MONTHS[d.month - 1]
    columns = [("Pemilik", 40), ("Kode", 10), ("Indikator", 44), ("Status bulan lalu", 13),
               (f"Nilai capaian {month}", 13), (f"Status {month}", 11)]
    ws = _sheet(wb, "Merah bulan ini", f"Indikator yang menjadi merah pada {month} {d.year}",
                period_text(d.year, d.month), columns)
    row = HEADER_ROW
    for t in d.turned_red:
        row += 1
        _text(ws, row, 1, t.indicator.scorecard.owner_name)
        _text(ws, row, 2, t.indicator.code)
        _text(ws, row, 3, t.indicator.name)
        _wrap(ws, row, 3)
        _status(ws, row, 4, t.before)
        _number(ws, row, 5, t.score, PERCENT)
        _status(ws, row, 6, Colour.RED)
    if not d.turned_red:
        _text(ws, HEADER_ROW + 1, 1, f"Tidak ada indikator yang berubah menjadi merah pada {month} {d.year}.")
    _filter(ws, len(columns), row)


def _compliance(wb: Workbook, year: int, month: int, rows: list[rd.Compliance]) -> None:
    columns = [("Perangkat daerah", 46), ("Tepat waktu", 11), ("Diajukan tepat waktu", 11),
               ("Diajukan (dengan waktu)", 12), ("Kelengkapan", 12), ("Diisi", 9), ("Seharusnya", 11),
               ("Status kelengkapan", 12), ("Cakupan bukti", 11), ("Dengan bukti", 10),
               ("Pengembalian per persetujuan", 14), ("Pernah dikembalikan", 12), ("Disetujui", 10),
               ("Lama persetujuan (hari, median)", 14)]
    ws = _sheet(wb, "Kepatuhan", f"Kepatuhan pengisian realisasi s.d. {MONTHS[month - 1]} {year}",
                f"{period_text(year, month)}, indikator yang diisi manual.", columns)
    row = HEADER_ROW
    for c in rows:
        row += 1
        _text(ws, row, 1, c.opd.name)
        _number(ws, row, 2, c.on_time_rate, PERCENT)
        _number(ws, row, 3, c.on_time, WHOLE)
        _number(ws, row, 4, c.with_submission, WHOLE)
        _number(ws, row, 5, c.completeness, PERCENT)
        _number(ws, row, 6, c.submitted, WHOLE)
        _number(ws, row, 7, c.expected, WHOLE)
        _status(ws, row, 8, c.colour)
        _number(ws, row, 9, c.evidence_coverage, PERCENT)
        _number(ws, row, 10, c.with_evidence, WHOLE)
        _number(ws, row, 11, c.returns_per_approval, DECIMAL2)
        _number(ws, row, 12, c.returned, WHOLE)
        _number(ws, row, 13, c.approved, WHOLE)
        _number(ws, row, 14, c.lead_days, DECIMAL2)
    _filter(ws, len(columns), row)


# ---------------------------------------------------------------- the workbook

def dashboard_workbook(year: int, month: int) -> bytes:
    """The dashboard's and the compliance page's tables for year `year`, figures to month `month`,
    as xlsx bytes."""
    d = rd.dashboard(year, month)
    province = scorecard_figures(d.province, month) if d.province is not None else None
    wb = Workbook()
    _summary(wb, d)
    _iku(wb, d, province)
    _ranking(wb, d)
    _by_month(wb, d, "Kelengkapan", f"Kelengkapan pengisian realisasi per bulan {year}",
              "Indikator manual yang diajukan atau disetujui; kosong: tidak ada indikator.", _filled_cell)
    _by_month(wb, d, "Capaian", f"Status capaian (NKO) perangkat daerah per bulan {year}",
              "Status NKO perangkat daerah pada akhir setiap bulan.", _achieved_cell)
    _turned_red(wb, d)
    _compliance(wb, year, month, rd.compliance(year, month))
    wb.properties.creator = "e-Kinerja NTB"
    wb.properties.title = f"{TITLE} s.d. {MONTHS[month - 1]} {year}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

