"""The Daftar Informasi Publik (DIP) and the OPDs' periodic performance reports (domain.md §7;
UU 14/2008, Perki 1/2021). Services only, no Flask request.

A periodic report (laporan kinerja berkala) is a draft until it is published with its PDF; the
OPD's operator and the OPD head keep their own OPD's reports, the governor's office and the
administrator every OPD's. A published report may be withdrawn (back to draft) to correct it: it
then leaves the DIP until it is published again; a published report is never changed in place.

The DIP is one query uniting published A3/PK documents and published periodic reports, each with
the seven fields of the DIP (number, summary, unit, person responsible, time and place of making,
form, retention), filtered, searched and paged in SQL. Nothing unpublished enters it.
"""
from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, and_, case, func, literal, null, or_, select, type_coerce, union_all
from sqlalchemy.orm import aliased, selectinload

from ekinerja import storage
from ekinerja.auth.permissions import can_opd, require, whole_opd_ids
from ekinerja.contracts.models import Agreement, AgreementVersion, DocumentKind, VersionStatus
from ekinerja.db import get_or_raise, utcnow
from ekinerja.errors import InvalidTransition, ValidationFailed
from ekinerja.extensions import db
from ekinerja.org.models import Employee, Opd, Position, Unit
from ekinerja.public.dip_models import (DEFAULT_FORM, DEFAULT_RETENTION, QUARTER_NAMES, PeriodicReport,
                                        ReportStatus)
from ekinerja.realisations.evidence import PDF, clean_name, sniff
from ekinerja.realisations.periods import today

MAX_FILE_BYTES = 20 * 1024 * 1024
MIN_YEAR, MAX_YEAR = 2000, 2100
PER_PAGE = 20

# The DIP's fields of a published A3/PK, the same for every document.
DOCUMENT_FORM = "Softcopy (PDF)"
DOCUMENT_RETENTION = "Selama berlaku + 5 tahun"

_NIP = re.compile(r"\d{18}|\d{8}\s\d{6}\s\d\s\d{3}")


class Category(enum.StrEnum):
    A3 = "a3"
    PK = "pk"
    BERKALA = "berkala"

    @property
    def label(self) -> str:
        return {"a3": "Perjanjian A3", "pk": "Perjanjian Kinerja", "berkala": "Laporan kinerja berkala"}[self.value]


# ------------------------------------------------------------------ who

def report_opd_ids(user) -> set[int] | None:
    """The OPDs whose periodic reports the user keeps: None for every OPD, else the operator's
    OPDs and the OPD the user heads (head of its root unit). A unit head below the OPD's root
    keeps none."""
    return whole_opd_ids(user, "ppid.report")


def may_report(user, opd: Opd) -> bool:
    return can_opd(user, "ppid.report", opd)


def keeps_reports(user) -> bool:
    """Does the user keep the periodic reports of any OPD (the menu, the list page)?"""
    ids = report_opd_ids(user)
    return ids is None or bool(ids)


def _require_opd(user, opd: Opd) -> None:
    require(may_report(user, opd), f"Anda tidak berhak mengelola laporan berkala {opd.name}.")


# ------------------------------------------------------------------ periodic reports

@dataclass
class ReportInput:
    """What the form gives: text as typed (None or empty when left empty)."""

    year: int | None
    quarter: int | None
    title: str | None
    summary: str | None
    responsible_name: str | None
    responsible_position: str | None
    made_place: str | None
    made_date: date | None
    number: str | None = None
    form_available: str | None = None
    retention: str | None = None


def get_report(report_id: int) -> PeriodicReport:
    return get_or_raise(PeriodicReport, report_id, "Laporan berkala tidak ditemukan.")


def reports(user, year: int | None = None) -> list[PeriodicReport]:
    """The reports the user keeps (of a year), by OPD and quarter."""
    ids = report_opd_ids(user)
    stmt = (select(PeriodicReport).join(Opd, PeriodicReport.opd_id == Opd.id)
            .options(selectinload(PeriodicReport.opd))
            .order_by(PeriodicReport.year.desc(), Opd.name, PeriodicReport.quarter))
    if ids is not None:
        stmt = stmt.where(PeriodicReport.opd_id.in_(ids or {-1}))
    if year is not None:
        stmt = stmt.where(PeriodicReport.year == year)
    return list(db.session.scalars(stmt))


def reporting_opds(user) -> list[Opd]:
    """The OPDs the user may create reports for, by name."""
    ids = report_opd_ids(user)
    stmt = select(Opd).order_by(Opd.name)
    if ids is not None:
        stmt = stmt.where(Opd.id.in_(ids or {-1}))
    return list(db.session.scalars(stmt))


def opd_head(opd: Opd) -> tuple[str, str]:
    """(name, position) of the OPD head as of now, to offer as the person responsible."""
    row = db.session.execute(
        select(Employee.name, Position.name).select_from(Unit)
        .join(Position, Position.head_of_unit_id == Unit.id)
        .outerjoin(Employee, Employee.position_id == Position.id)
        .where(Unit.opd_id == opd.id, Unit.parent_id.is_(None))).first()
    return (row[0] or "", row[1]) if row else ("", "")


def _text(value: str | None) -> str:
    return (value or "").strip()


def _checked(data: ReportInput) -> dict:
    """The values to store, or ValidationFailed with every problem next to its field."""
    errors = []

    def need(field: str, value: str, label: str, limit: int) -> None:
        if not value:
            errors.append({"field": field, "message": f"{label} wajib diisi."})
        elif len(value) > limit:
            errors.append({"field": field, "message": f"{label} paling banyak {limit} karakter."})

    values = {name: _text(getattr(data, name)) for name in
              ("title", "summary", "responsible_name", "responsible_position", "made_place", "number",
               "form_available", "retention")}
    need("title", values["title"], "Judul", 255)
    need("summary", values["summary"], "Ringkasan isi", 4000)
    need("responsible_name", values["responsible_name"], "Nama penanggung jawab", 120)
    need("responsible_position", values["responsible_position"], "Jabatan penanggung jawab", 255)
    need("made_place", values["made_place"], "Tempat pembuatan", 64)
    if len(values["number"]) > 64:
        errors.append({"field": "number", "message": "Nomor dokumen paling banyak 64 karakter."})
    for field, label in (("form_available", "Bentuk informasi"), ("retention", "Jangka waktu penyimpanan")):
        if len(values[field]) > 120:
            errors.append({"field": field, "message": f"{label} paling banyak 120 karakter."})
    if _NIP.search(values["responsible_name"]) or _NIP.search(values["responsible_position"]):
        errors.append({"field": "responsible_name",
                       "message": "Tuliskan nama dan jabatan pejabat saja, tanpa NIP (data pribadi tidak dipublikasikan)."})
    if data.year is None or not MIN_YEAR <= data.year <= MAX_YEAR:
        errors.append({"field": "year", "message": f"Tahun harus antara {MIN_YEAR} dan {MAX_YEAR}."})
    if data.quarter not in QUARTER_NAMES:
        errors.append({"field": "quarter", "message": "Pilih triwulan (TW I–IV)."})
    if data.made_date is None:
        errors.append({"field": "made_date", "message": "Tanggal pembuatan wajib diisi."})
    elif data.made_date > today():
        errors.append({"field": "made_date", "message": "Tanggal pembuatan tidak boleh setelah hari ini."})
    if errors:
        raise ValidationFailed("Laporan berkala belum dapat disimpan.", errors)
    values["number"] = values["number"] or None
    values["form_available"] = values["form_available"] or DEFAULT_FORM
    values["retention"] = values["retention"] or DEFAULT_RETENTION
    return {**values, "year": data.year, "quarter": data.quarter, "made_date": data.made_date}


def _refuse_duplicate(opd: Opd, year: int, quarter: int, report_id: int | None = None) -> None:
    stmt = select(PeriodicReport.id).where(PeriodicReport.opd_id == opd.id, PeriodicReport.year == year,
                                           PeriodicReport.quarter == quarter)
    if report_id is not None:
        stmt = stmt.where(PeriodicReport.id != report_id)
    if db.session.scalar(stmt) is not None:
        raise ValidationFailed("Laporan berkala belum dapat disimpan.", [{
            "field": "quarter",
            "message": f"Laporan {QUARTER_NAMES[quarter]} {year} {opd.name} sudah ada; ubah laporan itu."}])


def create(actor, opd: Opd, data: ReportInput) -> PeriodicReport:
    """A new draft report of the OPD for a quarter not reported yet."""
    _require_opd(actor, opd)
    values = _checked(data)
    _refuse_duplicate(opd, values["year"], values["quarter"])
    report = PeriodicReport(opd=opd, status=ReportStatus.DRAFT, **values)
    db.session.add(report)
    db.session.flush()
    return report


def update(actor, report: PeriodicReport, data: ReportInput) -> PeriodicReport:
    """Change a draft (a published report is withdrawn first)."""
    _require_opd(actor, report.opd)
    if report.is_published:
        raise InvalidTransition("Laporan yang sudah dipublikasikan tidak dapat diubah; tarik kembali dulu.")
    values = _checked(data)
    _refuse_duplicate(report.opd, values["year"], values["quarter"], report.id)
    for name, value in values.items():
        setattr(report, name, value)
    db.session.flush()
    return report


def attach_file(actor, report: PeriodicReport, data: bytes, filename: str | None) -> PeriodicReport:
    """The report's PDF (recognised by its content, at most 20 MB), replacing an earlier one."""
    _require_opd(actor, report.opd)
    if report.is_published:
        raise InvalidTransition("Berkas laporan yang sudah dipublikasikan tidak dapat diganti; tarik kembali dulu.")
    if not data:
        raise ValidationFailed("Berkas laporan kosong.", [{"field": "file", "message": "Pilih berkas PDF laporan."}])
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed("Berkas laporan terlalu besar.",
                               [{"field": "file", "message": "Ukuran berkas melebihi 20 MB."}])
    if sniff(data) is not PDF:
        raise ValidationFailed("Berkas laporan bukan PDF.",
                               [{"field": "file", "message": "Isi berkas bukan PDF; unggah laporan dalam bentuk PDF."}])
    old_key = report.file_key
    report.file_key = storage.save(data, "berkala")
    db.session.info.setdefault("stored_files", []).append(report.file_key)
    report.file_name = clean_name(filename, PDF) if filename else "laporan.pdf"
    report.file_size = len(data)
    report.file_sha256 = hashlib.sha256(data).hexdigest()
    db.session.flush()
    if old_key:
        db.session.info.setdefault("deleted_files", []).append(old_key)
    return report


def publish(actor, report: PeriodicReport) -> PeriodicReport:
    """Draft → published (it enters the DIP): only with its PDF."""
    _require_opd(actor, report.opd)
    if report.is_published:
        raise InvalidTransition("Laporan ini sudah dipublikasikan.")
    if not report.file_key:
        raise InvalidTransition("Unggah berkas PDF laporan sebelum mempublikasikannya.")
    report.status = ReportStatus.PUBLISHED
    report.published_at = utcnow()
    report.published_by_id = getattr(actor, "id", None)
    db.session.flush()
    return report


def withdraw(actor, report: PeriodicReport) -> PeriodicReport:
    """Published → draft (it leaves the DIP), to correct it; the audit trail keeps the step."""
    _require_opd(actor, report.opd)
    if not report.is_published:
        raise InvalidTransition("Hanya laporan yang sudah dipublikasikan yang dapat ditarik kembali.")
    report.status = ReportStatus.DRAFT
    report.published_at = None
    report.published_by_id = None
    db.session.flush()
    return report


def published_report(report_id: int) -> PeriodicReport | None:
    """The report if it is published (the public file), else None: a draft does not exist publicly."""
    report = db.session.get(PeriodicReport, report_id)
    return report if report is not None and report.is_published and report.file_key else None


# ------------------------------------------------------------------ the DIP

@dataclass
class DipRow:
    """One entry of the DIP: its seven fields, with category, year, OPD and what its file link needs
    (`code` for an A3/PK, served by /verifikasi/<code>/dokumen.pdf; `ref_id` for a report)."""

    category: Category
    ref_id: int
    opd_id: int
    opd_name: str
    year: int
    number: str | None
    title: str
    summary: str
    responsible_name: str | None
    responsible_position: str | None
    made_date: date | None
    made_place: str | None
    form: str
    retention: str
    code: str | None
    published_at: datetime | None

    @property
    def unit(self) -> str:
        return self.opd_name

    @property
    def responsible(self) -> str:
        parts = [p for p in (self.responsible_position, self.responsible_name) if p]
        return ", ".join(parts) or "–"


@dataclass
class DipPage:
    rows: list[DipRow]
    total: int
    page: int
    pages: int
    per_page: int

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1


def _document_select():
    """Published A3/PK versions with the DIP's fields; the person responsible is the OPD head
    (the head post of the OPD's root unit and its holder now)."""
    v, a = AgreementVersion, Agreement
    root = aliased(Unit)
    # Numbers joined to text as they are (no CAST): MariaDB gives a CAST the connection's collation,
    # which may differ from the tables' and would make the UNION refuse to mix them.
    year_text = type_coerce(a.year, String)
    is_a3 = a.kind == DocumentKind.A3
    amended = v.amendment_reason.is_not(None)
    # The titles of contracts.public_views.document_title, in SQL so that the search finds them.
    title = case(
        (and_(is_a3, amended), literal("Perubahan Perjanjian A3 Tahun ") + year_text + " (versi "
         + type_coerce(v.number, String) + ")"),
        (is_a3, literal("Perjanjian A3 (Attitude, Attention, Action) Tahun ") + year_text),
        (amended, literal("Perjanjian Kinerja Perubahan Tahun ") + year_text),
        else_=literal("Perjanjian Kinerja Tahun ") + year_text)
    first = func.coalesce(v.first_title, "")
    second = func.coalesce(v.second_title, "")
    summary = case(
        (is_a3, literal("Komitmen Attitude, Attention dan Action ") + first + " tahun " + year_text
         + ", disepakati dengan " + second + "."),
        else_=literal("Sasaran, indikator kinerja dan target ") + first + " tahun " + year_text
        + ", disepakati dengan " + second + ".")
    return (select(case((is_a3, literal(Category.A3.value)), else_=literal(Category.PK.value)).label("category"),
                   v.id.label("ref_id"), Opd.id.label("opd_id"), Opd.name.label("opd_name"), a.year.label("year"),
                   v.print_number.label("number"), title.label("title"), summary.label("summary"),
                   Employee.name.label("responsible_name"), Position.name.label("responsible_position"),
                   v.signed_date.label("made_date"), v.place.label("made_place"),
                   literal(DOCUMENT_FORM).label("form"), literal(DOCUMENT_RETENTION).label("retention"),
                   v.verification_code.label("code"), v.published_at.label("published_at"))
            .select_from(v).join(a, v.agreement_id == a.id).join(Opd, a.opd_id == Opd.id)
            .outerjoin(root, and_(root.opd_id == Opd.id, root.parent_id.is_(None)))
            .outerjoin(Position, Position.head_of_unit_id == root.id)
            .outerjoin(Employee, Employee.position_id == Position.id)
            .where(v.status == VersionStatus.PUBLISHED, v.printed_key.is_not(None)))


def _report_select():
    r = PeriodicReport
    return (select(literal(Category.BERKALA.value).label("category"), r.id.label("ref_id"), Opd.id.label("opd_id"),
                   Opd.name.label("opd_name"), r.year.label("year"), r.number.label("number"), r.title.label("title"),
                   r.summary.label("summary"), r.responsible_name.label("responsible_name"),
                   r.responsible_position.label("responsible_position"), r.made_date.label("made_date"),
                   r.made_place.label("made_place"), r.form_available.label("form"), r.retention.label("retention"),
                   null().label("code"), r.published_at.label("published_at"))
            .select_from(r).join(Opd, r.opd_id == Opd.id)
            .where(r.status == ReportStatus.PUBLISHED, r.file_key.is_not(None)))


def _like(text: str) -> str:
    escaped = text.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return f"%{escaped}%"


def _filtered(opd_id: int | None, year: int | None, category: Category | None, text: str | None):
    branches = []
    if category in (None, Category.A3, Category.PK):
        branches.append(_document_select())
    if category in (None, Category.BERKALA):
        branches.append(_report_select())
    entries = (union_all(*branches) if len(branches) > 1 else branches[0]).subquery("dip")
    conditions = []
    if category is not None:
        conditions.append(entries.c.category == category.value)
    if opd_id is not None:
        conditions.append(entries.c.opd_id == opd_id)
    if year is not None:
        conditions.append(entries.c.year == year)
    for word in (text or "").split()[:8]:
        pattern = _like(word)
        conditions.append(or_(*(col.ilike(pattern, escape="!") for col in
                                (entries.c.title, entries.c.summary, entries.c.opd_name, entries.c.number))))
    return entries, conditions


def entries(opd_id: int | None = None, year: int | None = None, category: Category | None = None,
            text: str | None = None, page: int = 1, per_page: int = PER_PAGE) -> DipPage:
    """One page of the DIP: published A3/PK documents and published periodic reports, by year
    (newest first), OPD, category and date; every word of `text` must appear in the title, the
    summary, the OPD's name or the number. Two queries whatever the page holds."""
    table, conditions = _filtered(opd_id, year, category, text)
    total = db.session.scalar(select(func.count()).select_from(table).where(*conditions)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    stmt = (select(table).where(*conditions)
            .order_by(table.c.year.desc(), table.c.opd_name, table.c.category, table.c.made_date.desc(),
                      table.c.ref_id.desc())
            .limit(per_page).offset((page - 1) * per_page))
    rows = [DipRow(**{**row._mapping, "category": Category(row.category)}) for row in db.session.execute(stmt)]
    return DipPage(rows, total, page, pages, per_page)


def years() -> list[int]:
    """The years that have a DIP entry, newest first (the year filter's choices)."""
    docs = (select(Agreement.year.label("year")).join(AgreementVersion, AgreementVersion.agreement_id == Agreement.id)
            .where(AgreementVersion.status == VersionStatus.PUBLISHED))
    reps = select(PeriodicReport.year.label("year")).where(PeriodicReport.status == ReportStatus.PUBLISHED)
    both = union_all(docs, reps).subquery()
    return list(db.session.scalars(select(both.c.year).distinct().order_by(both.c.year.desc())))


def fingerprint() -> tuple[str, datetime | None]:
    """What changes whenever an entry of the DIP may change (for the ETag) and the newest write
    among them (Last-Modified): one query over the sources."""
    sources = [(PeriodicReport, None), (AgreementVersion, AgreementVersion.status == VersionStatus.PUBLISHED),
               (Opd, None), (Position, Position.head_of_unit_id.is_not(None)), (Employee, None)]
    columns = []
    for model, where in sources:
        for agg in (func.count(), func.max(model.updated_at)):
            sub = select(agg).select_from(model)
            columns.append((sub.where(where) if where is not None else sub).scalar_subquery())
    columns.append(select(func.count()).select_from(PeriodicReport)
                   .where(PeriodicReport.status == ReportStatus.PUBLISHED).scalar_subquery())
    row = db.session.execute(select(*columns)).one()
    times = [v for v in row if isinstance(v, datetime)]
    return "|".join(str(v) for v in row), (max(times) if times else None)
