"""The demo's periodic performance reports (informasi berkala of the PPID's DIP): Dinas Kesehatan
and Diskominfotik published TW I–III of DEMO_YEAR, each with a small generated PDF; Bappeda's TW III
is a draft (with its file), which the public never sees.

Everything goes through ekinerja.public.dip with the system as actor (None). A report that exists
is left as it is, so loading again changes no row and writes no file.
"""
from __future__ import annotations

from datetime import date

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, Spacer
from sqlalchemy import select

from ekinerja.demo.loader import BAPPEDA, DINKES, KOMINFO
from ekinerja.demo.scorecards import DEMO_YEAR
from ekinerja.extensions import db
from ekinerja.org.models import Opd, Unit
from ekinerja.pdf import parts
from ekinerja.public import dip
from ekinerja.public.dip_models import PeriodicReport
from ekinerja.realisations.periods import today

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MADE_ON = {1: date(DEMO_YEAR, 4, 15), 2: date(DEMO_YEAR, 7, 15), 3: date(DEMO_YEAR, 10, 15)}
# (OPD code, quarter, published?)
PLANS = [(code, q, True) for code in (DINKES, KOMINFO) for q in (1, 2, 3)] + [(BAPPEDA, 3, False)]


def report_pdf(opd: Opd, year: int, quarter: int, title: str, summary: str, responsible: tuple[str, str]) -> bytes:
    """A short report in the documents' house style (letterhead, footer with page numbers)."""
    st = parts.styles()
    name, position = responsible
    story = [
        Paragraph(parts.esc(title.upper()), st.title),
        Paragraph(f"Periode Triwulan {ROMAN[quarter]} Tahun {year}", st.subtitle),
        Paragraph("A. Ringkasan", st.heading),
        Paragraph(parts.esc(summary), st.body),
        Paragraph("B. Isi laporan", st.heading),
        parts.table([["Bab", "Isi"],
                     ["I", "Pendahuluan: tugas, fungsi dan struktur organisasi"],
                     ["II", "Perencanaan kinerja: sasaran, indikator dan target tahun berjalan"],
                     ["III", "Akuntabilitas kinerja: target, realisasi dan capaian triwulan"],
                     ["IV", "Penutup: kendala dan rencana tindak lanjut"]], [20 * 2.83, 150 * 2.83], st=st),
        Spacer(1, 24),
        Paragraph(parts.esc(parts.place_and_date("Mataram", MADE_ON[quarter])), st.body),
        Paragraph(parts.esc(position), st.body),
        Spacer(1, 36),
        Paragraph(parts.esc(name), st.cell_bold),
    ]
    return parts.build(story, A4, parts.Meta(title=title, subject="Laporan kinerja berkala", unit_name=opd.name))


def _summary(opd: Opd, quarter: int, year: int) -> str:
    return (f"Capaian indikator kinerja utama dan sasaran strategis {opd.name} sampai dengan akhir triwulan "
            f"{ROMAN[quarter]} tahun {year}, dibandingkan dengan target Perjanjian Kinerja, beserta kendala "
            "dan rencana tindak lanjut.")


def load() -> None:
    """Top up this part of the demo (idempotent: a second load changes nothing)."""
    # The demo names its OPDs by the code of their root unit (ekinerja.demo.loader).
    opds = {code: opd for code, opd in db.session.execute(
        select(Unit.code, Opd).join(Opd, Unit.opd_id == Opd.id).where(Unit.code.in_([DINKES, KOMINFO, BAPPEDA])))}
    if len(opds) < 3:  # the organisation is not loaded: nothing to report on
        return
    existing = {(opd_id, quarter) for opd_id, quarter in db.session.execute(
        select(PeriodicReport.opd_id, PeriodicReport.quarter).where(PeriodicReport.year == DEMO_YEAR))}
    for code, quarter, published in PLANS:
        opd = opds[code]
        if (opd.id, quarter) in existing or MADE_ON[quarter] > today():  # no report made in the future
            continue
        title = f"Laporan Kinerja Triwulan {ROMAN[quarter]} Tahun {DEMO_YEAR} {opd.name}"
        summary = _summary(opd, quarter, DEMO_YEAR)
        responsible = dip.opd_head(opd)
        report = dip.create(None, opd, dip.ReportInput(
            year=DEMO_YEAR, quarter=quarter, title=title, summary=summary, responsible_name=responsible[0] or "–",
            responsible_position=responsible[1] or f"Kepala {opd.name}", made_place="Mataram",
            made_date=MADE_ON[quarter], number=f"050/LKB-TW{ROMAN[quarter]}/{DEMO_YEAR}"))
        pdf = report_pdf(opd, DEMO_YEAR, quarter, title, summary, (report.responsible_name, report.responsible_position))
        dip.attach_file(None, report, pdf, f"laporan-kinerja-tw{quarter}-{DEMO_YEAR}.pdf")
        if published:
            dip.publish(None, report)
    db.session.flush()
