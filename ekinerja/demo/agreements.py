"""The demo's agreements of DEMO_YEAR (domain.md §5, §6): A3 agreements and Perjanjian Kinerja of the
three demo OPDs, in the states a reviewer meets in a real year.

- A3, governor – OPD head: Dinas Kesehatan's signed and published (printed PDF and a scan of the
  signed paper); Diskominfotik's signed as version 1 and amended (version 2, a draft, for a change of
  programme and budget); Bappeda's submitted, waiting for the governor's office.
- PK, governor – OPD head: Dinas Kesehatan's signed, Diskominfotik's printed and waiting for the
  signing, Bappeda's agreed and waiting for the printing.
- PK, OPD head – eselon III: drafts, and one submitted to its head.

Everything goes through the lifecycle services with the system as actor (None). An agreement that
exists is left as it is, so loading again changes no row and writes no file.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ekinerja.a3 import content as a3_content
from ekinerja.contracts import pk
from ekinerja.contracts import services as cs
from ekinerja.contracts.cli import DEFAULT_PATTERN, number_for
from ekinerja.contracts.models import Agreement, AgreementVersion, AmendmentReason, DocumentKind, VersionStatus
from ekinerja.demo.loader import BAPPEDA, DINKES, KOMINFO
from ekinerja.demo.scorecards import DEMO_YEAR
from ekinerja.extensions import db
from ekinerja.org.models import Opd, Position, Unit

PRINTED_ON = date(DEMO_YEAR, 1, 28)
SIGNED_ON = date(DEMO_YEAR, 2, 2)      # the signing day of the province's agreements
AMENDMENT_NOTE = ("Penyesuaian anggaran Action pada APBD Perubahan 2026: layanan SPBE ditambah, "
                  "anggaran keamanan informasi dikurangi.")

S = VersionStatus


@dataclass(frozen=True)
class Plan:
    kind: DocumentKind
    opd: str                 # the OPD's code
    unit: str | None         # the suffix of the first party's unit (None: the OPD head)
    until: VersionStatus     # how far along the lifecycle
    amend: bool = False      # signed, then a draft amendment (version 2)


PLANS = [
    Plan(DocumentKind.A3, DINKES, None, S.PUBLISHED),
    Plan(DocumentKind.A3, KOMINFO, None, S.SIGNED, amend=True),
    Plan(DocumentKind.A3, BAPPEDA, None, S.SUBMITTED),
    Plan(DocumentKind.PK, DINKES, None, S.SIGNED),
    Plan(DocumentKind.PK, KOMINFO, None, S.PRINTED),
    Plan(DocumentKind.PK, BAPPEDA, None, S.AGREED),
    Plan(DocumentKind.PK, KOMINFO, "B2", S.DRAFT),
    Plan(DocumentKind.PK, KOMINFO, "B1", S.SUBMITTED),
    Plan(DocumentKind.PK, DINKES, "B1", S.DRAFT),
]
ORDER = [S.DRAFT, S.SUBMITTED, S.AGREED, S.PRINTED, S.SIGNED, S.PUBLISHED]

# Budgets (Rp) of the A3 Actions, taken in turn, and the programmes of the PKs by OPD.
ACTION_BUDGETS = [Decimal("1250000000"), Decimal("845500000"), Decimal("432750000"), Decimal("310000000")]
PROGRAMMES = {
    DINKES: [("Program Pemenuhan Upaya Kesehatan Perorangan dan Upaya Kesehatan Masyarakat", "48.750.000.000",
              "APBD"),
             ("Program Peningkatan Kapasitas Sumber Daya Manusia Kesehatan", "3.215.400.000", "APBD"),
             ("Program Pemberdayaan Masyarakat Bidang Kesehatan", "1.180.000.000", "DAK non-fisik")],
    KOMINFO: [("Program Aplikasi Informatika", "12.400.000.000", "APBD"),
              ("Program Informasi dan Komunikasi Publik", "2.350.000.000", "APBD"),
              ("Program Penyelenggaraan Persandian untuk Pengamanan Informasi", "980.000.000", "APBD"),
              ("Program Penyelenggaraan Statistik Sektoral", "760.500.000", "APBD")],
    BAPPEDA: [("Program Perencanaan, Pengendalian dan Evaluasi Pembangunan Daerah", "6.820.000.000", "APBD"),
              ("Program Koordinasi dan Sinkronisasi Perencanaan Pembangunan Daerah", "2.140.000.000", "APBD")],
}


def load_agreements() -> dict[str, int]:
    """Create the agreements that are missing; return how many were created (zero on a second load)."""
    opds = {o.code: o for o in db.session.scalars(select(Opd).where(Opd.code.in_([DINKES, KOMINFO, BAPPEDA])))}
    units = {u.code: u for u in db.session.scalars(
        select(Unit).where(Unit.opd_id.in_([o.id for o in opds.values()])))}
    created = 0
    numbers = {DocumentKind.A3: 0, DocumentKind.PK: 0}
    for plan in PLANS:
        unit = units[plan.opd if plan.unit is None else f"{plan.opd}.{plan.unit}"]
        post = unit.head_position
        numbers[plan.kind] += 1  # the number it had (or would have) had on the signing day
        if post is None or cs.find_agreement(plan.kind, DEMO_YEAR, post) is not None:
            continue
        _build(plan, post, numbers[plan.kind])
        created += 1
    db.session.flush()
    return {"agreements": created}


def sample_code() -> str | None:
    """A code to try on /verifikasi: Dinas Kesehatan's published A3."""
    return db.session.scalar(
        select(AgreementVersion.verification_code).join(Agreement).join(Opd, Agreement.opd_id == Opd.id)
        .where(Agreement.kind == DocumentKind.A3, Agreement.year == DEMO_YEAR, Opd.code == DINKES,
               AgreementVersion.status == S.PUBLISHED))


def _build(plan: Plan, post: Position, n: int) -> None:
    agreement = cs.create(None, plan.kind, DEMO_YEAR, post)
    version = agreement.latest
    _fill(version, plan.opd)
    _advance(version, plan.until, n)
    if plan.amend:
        amended = cs.amend(None, agreement, AmendmentReason.PROGRAM_BUDGET, AMENDMENT_NOTE)
        for action, budget in zip(amended.a3_actions, (Decimal("1475000000"), Decimal("620000000"))):
            action.budget = budget
        db.session.flush()


def _fill(version: AgreementVersion, opd_code: str) -> None:
    """The content: an A3 prefilled from the scorecard with its Actions' budgets; a PK's targets from
    the scorecard and, for an OPD head, the OPD's programmes."""
    if version.agreement.kind == DocumentKind.A3:
        a3_content.prefill(version)
        for i, action in enumerate(version.a3_actions):
            action.budget = ACTION_BUDGETS[i % len(ACTION_BUDGETS)]
        db.session.flush()
        return
    pk.generate_targets(version)
    if version.agreement.second_position_id is None:
        for programme, budget, note in PROGRAMMES[opd_code]:
            pk.save_programme(version, programme, budget, note)


def _advance(version: AgreementVersion, until: VersionStatus, n: int) -> None:
    steps = ORDER[:ORDER.index(until) + 1]
    if S.SUBMITTED in steps:
        cs.submit(None, version)
    if S.AGREED in steps:
        cs.agree(None, version)
    if S.PRINTED in steps:
        cs.print_(None, version, number_for(DEFAULT_PATTERN, version, n), PRINTED_ON, SIGNED_ON)
    if S.SIGNED in steps:
        cs.record_signing(None, version, signed_scan(version), "pindaian.pdf", SIGNED_ON)
    if S.PUBLISHED in steps:
        cs.publish(None, version)


def signed_scan(version: AgreementVersion) -> bytes:
    """A stand-in for the scan of the signed paper: a greyish page with the document's number, the
    two signatures and the stamp, drawn with reportlab (the same bytes every time)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A3, A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    from ekinerja.pdf import fonts

    fonts.register()
    width, height = landscape(A3) if version.printed_paper == "A3" else A4
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height), invariant=1, initialFontName=fonts.REGULAR)
    c.setTitle(f"Pindaian {version.print_number}")
    c.setFillColor(colors.HexColor("#efece4"))
    c.rect(0, 0, width, height, stroke=0, fill=1)
    c.setFillColor(colors.HexColor("#333333"))
    c.setFont(fonts.BOLD, 16)
    c.drawCentredString(width / 2, height - 30 * mm, "PINDAIAN DOKUMEN YANG SUDAH DITANDATANGANI")
    c.setFont(fonts.REGULAR, 11)
    c.drawCentredString(width / 2, height - 40 * mm, f"Nomor: {version.print_number}")
    c.drawCentredString(width / 2, height - 47 * mm, f"Kode verifikasi: {version.verification_code}")
    for x, name in ((width * 0.27, version.second_name), (width * 0.73, version.first_name)):
        y = 80 * mm
        c.setStrokeColor(colors.HexColor("#1a2f7a"))
        c.setLineWidth(1.3)
        path = c.beginPath()
        path.moveTo(x - 30 * mm, y)
        path.curveTo(x - 18 * mm, y + 22 * mm, x - 8 * mm, y - 12 * mm, x + 2 * mm, y + 10 * mm)
        path.curveTo(x + 10 * mm, y + 24 * mm, x + 16 * mm, y - 6 * mm, x + 30 * mm, y + 6 * mm)
        c.drawPath(path, stroke=1, fill=0)
        c.setFont(fonts.BOLD, 11)
        c.drawCentredString(x, y - 12 * mm, name or "")
    c.setStrokeColor(colors.HexColor("#6b4fa0"))
    c.setLineWidth(2)
    c.circle(width * 0.27 - 24 * mm, 96 * mm, 16 * mm)
    c.circle(width * 0.27 - 24 * mm, 96 * mm, 12 * mm)
    c.showPage()
    c.save()
    return buf.getvalue()
