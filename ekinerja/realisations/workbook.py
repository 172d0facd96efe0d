"""The Excel round-trip of a month's realisations (issue 4, point 6) for an OPD operator, a unit
head, or the governor's office (the province's IKU).

- build(): a workbook "Realisasi" of every manually entered indicator of the scorecards in the
  user's scope, with the target at the month, the current value and texts, and hidden, locked key
  columns (indicator id, the version of the realisation as downloaded).
- preview(): the uploaded workbook read row by row against the database as it is now: each row is
  new / changed / unchanged / error (with the reason in Indonesian). Nothing is written.
- apply(): the same reading again (things may have changed since the preview), then the valid rows
  through services.save (and services.submit when asked) in the caller's one transaction. Error rows
  are skipped; anything that fails unexpectedly while applying raises ApplyFailed after rolling the
  whole transaction back, so a workbook is never half applied.

Every read is a fixed number of queries for the whole scope (no query per row); approvers.can_enter
is the authority on each scorecard, as in the pages.
"""
from __future__ import annotations

import enum
import io
import time
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask import current_app
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from ekinerja import storage
from ekinerja.auth.models import Role
from ekinerja.auth.permissions import headed_unit_id, subtree_unit_ids
from ekinerja.bsc import scoring
from ekinerja.bsc.cascade import counted_statuses
from ekinerja.bsc.forms import POLARITY_LABELS
from ekinerja.bsc.models import Indicator, Objective, OwnerKind, Realisation, RealisationStatus, Rollup, Scorecard
from ekinerja.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from ekinerja.extensions import db
from ekinerja.org.models import Employee, Opd, Position, Unit
from ekinerja.realisations import approvers, periods, services
from ekinerja.realisations.evidence import XLSX, sniff
from ekinerja.web import MONTHS_ID, WITA

MARKER = "EKINERJA-REALISASI/1"   # cell A1: a workbook this module wrote (and which layout)
SHEET = "Realisasi"
HEADER_ROW = 8
MAX_BYTES = 5 * 1024 * 1024       # the upload; config REALISATION_EXCEL_MAX_BYTES overrides
MAX_UNPACKED = 100 * 1024 * 1024  # a small xlsx that unpacks to gigabytes is refused unread
MAX_ROWS = 10000
UPLOAD_KIND = "import"
UPLOAD_KEEP_SECONDS = 2 * 24 * 3600  # unconfirmed uploads are removed after two days

# (key, header, width). The parser finds its columns by these headers; "target" is renamed
# after the month when written ("Target s.d. April") and is not read back.
COLUMNS = [
    ("indicator_id", "ID indikator", 10),
    ("version", "Versi", 8),
    ("owner_code", "NIP / Kode", 21),
    ("owner_name", "Nama pemilik", 28),
    ("position", "Jabatan", 26),
    ("code", "Kode", 11),
    ("indicator", "Indikator", 46),
    ("unit", "Satuan", 12),
    ("polarity", "Polaritas", 11),
    ("target", "Target", 14),
    ("target_high", "Batas atas target", 13),
    ("value", "Realisasi", 14),
    ("note", "Catatan", 32),
    ("reason", "Faktor penghambat", 32),
    ("follow_up", "Tindak lanjut", 32),
    ("status", "Status", 24),
]
COL = {key: n for n, (key, _h, _w) in enumerate(COLUMNS, start=1)}
HEADERS = {key: header for key, header, _w in COLUMNS}
ENTRY = ("value", "note", "reason", "follow_up")
READ = ("indicator_id", "version") + ENTRY
KEY_COLUMNS = ("indicator_id", "version")
TEXT_LABELS = {"note": "Catatan", "reason": "Faktor penghambat", "follow_up": "Tindak lanjut"}

HEAD_FILL = PatternFill("solid", fgColor="DCEFE3")
ENTRY_FILL = PatternFill("solid", fgColor="FFF6D5")
TARGET_FORMAT = "#,##0.00##"

INSTRUCTIONS = (
    "Petunjuk: isi hanya kolom berlatar kuning: Realisasi (angka; desimal dengan koma atau titik, misalnya 12,5), "
    "Catatan, Faktor penghambat dan Tindak lanjut. Faktor penghambat dan tindak lanjut wajib diisi bila capaian "
    "merah (di bawah 80%) sebelum realisasi diajukan. Jangan menambah, menghapus atau mengurutkan ulang baris; "
    "kolom lain dikunci (lembar dilindungi tanpa kata sandi). Unggah kembali berkas ini di halaman Excel realisasi: "
    "Anda akan melihat pratinjau setiap baris sebelum data disimpan sebagai draf."
)


# ---------------------------------------------------------------- scope: whose indicators

@dataclass(frozen=True)
class Scope:
    """Whose scorecards a workbook holds: an OPD (its operator), a unit subtree (its head, or the
    operator narrowing down), or the province (the governor's office)."""

    kind: str                  # "opd", "unit" or "province"
    opd: Opd | None = None
    unit: Unit | None = None

    @property
    def key(self) -> str:
        if self.kind == "province":
            return "provinsi"
        return f"{self.kind}:{self.unit.id if self.kind == 'unit' else self.opd.id}"

    @property
    def label(self) -> str:
        if self.kind == "province":
            return "Pemerintah Provinsi Nusa Tenggara Barat (IKU provinsi)"
        if self.kind == "opd":
            return self.opd.name
        if self.unit.parent_id is None:
            return self.unit.opd.name
        return f"{self.unit.name} — {self.unit.opd.short_name or self.unit.opd.name}"

    @property
    def opd_id(self) -> int | None:
        return None if self.kind == "province" else (self.opd.id if self.opd is not None else self.unit.opd_id)

    @property
    def slug(self) -> str:
        if self.kind == "province":
            return "provinsi"
        code = self.opd.code if self.kind == "opd" else self.unit.code
        return "".join(ch if ch.isalnum() else "-" for ch in code).strip("-") or "opd"


def _operator_opds(user) -> list[int]:
    return sorted({r.opd_id for r in user.roles if r.role == Role.OPD_OPERATOR and r.opd_id is not None})


def _is_governor_office(user) -> bool:
    return any(r.role == Role.GOVERNOR_OFFICE for r in user.roles)


def scopes_for(user) -> list[Scope]:
    """The scopes the user may take a workbook of: each OPD he operates, the unit he heads (unless
    his operator role already covers its OPD), the province for the governor's office. Empty: the
    Excel round-trip is not for him (staff enter their own values in Kinerja saya)."""
    out = [Scope("opd", opd=db.session.get(Opd, opd_id)) for opd_id in _operator_opds(user)]
    head_unit = headed_unit_id(user)
    if head_unit is not None:
        unit = db.session.get(Unit, head_unit)
        if unit.opd_id not in _operator_opds(user):
            out.append(Scope("unit", opd=unit.opd, unit=unit))
    if _is_governor_office(user):
        out.append(Scope("province"))
    return out


NO_SCOPE = ("Unduh dan unggah Excel realisasi hanya untuk operator OPD, kepala unit kerja (untuk pegawai dan "
            "unit di bawahnya) dan Biro Organisasi (IKU provinsi). Isi realisasi Anda sendiri di halaman Kinerja saya.")


def resolve_scope(user, opd_id: int | None = None, unit_id: int | None = None, province: bool = False) -> Scope:
    """The scope asked for (?opd=, ?unit=, ?lingkup=provinsi), checked; none asked: the first the
    user has. PermissionDenied when it is not his."""
    scopes = scopes_for(user)
    if not scopes:
        raise PermissionDenied(NO_SCOPE)
    operator_of = set(_operator_opds(user))
    if unit_id is not None:
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            raise NotFound("Unit kerja tidak ditemukan.")
        head_unit = headed_unit_id(user)
        if unit.opd_id in operator_of or (head_unit is not None and head_unit in _ancestry(unit)):
            return Scope("unit", opd=unit.opd, unit=unit)
        raise PermissionDenied("Unit kerja ini di luar lingkup Anda.")
    if opd_id is not None:
        opd = db.session.get(Opd, opd_id)
        if opd is None:
            raise NotFound("Perangkat daerah tidak ditemukan.")
        if opd.id in operator_of:
            return Scope("opd", opd=opd)
        root = opd.root_unit
        if root is not None and headed_unit_id(user) == root.id:
            return Scope("unit", opd=opd, unit=root)   # the OPD head: his whole OPD
        raise PermissionDenied("Perangkat daerah ini di luar lingkup Anda.")
    if province:
        if not _is_governor_office(user):
            raise PermissionDenied("IKU provinsi diisi oleh Biro Organisasi.")
        return Scope("province")
    return scopes[0]


def scope_choices(user) -> list[tuple[str, str]]:
    """(value, label) of the scopes for a select: each scope, and below an OPD or a unit its units
    (an operator or a head may narrow the workbook down to one unit subtree)."""
    from ekinerja.org.services import unit_tree

    out = []
    for scope in scopes_for(user):
        if scope.kind == "province":
            out.append((scope.key, scope.label))
            continue
        out.append((scope.key, scope.label))
        below = subtree_unit_ids(scope.unit) if scope.kind == "unit" else None
        base = None
        for unit, depth in unit_tree(scope.opd or scope.unit.opd):
            if unit.parent_id is None or (below is not None and unit.id not in below):
                continue
            if scope.kind == "unit" and unit.id == scope.unit.id:
                base = depth
                continue
            indent = depth - (base if base is not None else 0)
            out.append((f"unit:{unit.id}", " " * max(indent, 1) + unit.name))
    return out


def _ancestry(unit: Unit) -> set[int]:
    out = set()
    while unit is not None:
        out.add(unit.id)
        unit = unit.parent
    return out


def _preload_organisation(opd_ids) -> None:
    """Load the units (with their posts and holders) of these OPDs into the session, so that
    approvers.can_enter walks the tree in memory, not with a query per scorecard."""
    opd_ids = {i for i in opd_ids if i is not None}
    if not opd_ids:
        return
    db.session.scalars(select(Opd).where(Opd.id.in_(opd_ids)).options(selectinload(Opd.units))).all()
    db.session.scalars(select(Unit).where(Unit.opd_id.in_(opd_ids)).options(
        selectinload(Unit.positions).selectinload(Position.holder))).all()


def _card_options():
    return (selectinload(Scorecard.opd), selectinload(Scorecard.unit),
            selectinload(Scorecard.employee).selectinload(Employee.position))


def scorecards_in(user, scope: Scope, year: int) -> list[Scorecard]:
    """The scorecards of the year in the scope whose values the user may enter, in the order of
    the workbook: the OPD's, the units', then the staff's."""
    q = select(Scorecard).where(Scorecard.year == year).options(*_card_options())
    if scope.kind == "province":
        q = q.where(Scorecard.owner_kind == OwnerKind.PROVINCE)
    elif scope.kind == "opd":
        q = q.where(Scorecard.opd_id == scope.opd.id, Scorecard.owner_kind != OwnerKind.PROVINCE)
    else:
        units = subtree_unit_ids(scope.unit)
        people = select(Employee.id).join(Position, Employee.position_id == Position.id).where(
            Position.unit_id.in_(units))
        conds = [(Scorecard.owner_kind == OwnerKind.UNIT) & Scorecard.unit_id.in_(units),
                 (Scorecard.owner_kind == OwnerKind.EMPLOYEE) & Scorecard.employee_id.in_(people)]
        if scope.unit.parent_id is None:
            conds.append((Scorecard.owner_kind == OwnerKind.OPD) & (Scorecard.opd_id == scope.unit.opd_id))
        q = q.where(or_(*conds))
    cards = db.session.scalars(q).all()
    _preload_organisation({sc.opd_id for sc in cards})
    return sorted((sc for sc in cards if approvers.can_enter(user, sc)), key=_card_order)


def _card_order(sc: Scorecard):
    if sc.owner_kind == OwnerKind.UNIT:
        where, head, name = sc.unit.code, 0, sc.unit.name
    elif sc.owner_kind == OwnerKind.EMPLOYEE:
        post = sc.employee.position
        where = post.unit.code if post is not None else "~"
        head, name = (0 if post is not None and post.is_unit_head else 1), sc.employee.name
    else:
        where, head, name = "", 0, sc.owner_name
    return sc.owner_kind.level, where, head, name, sc.id


def _indicators(card_ids: list[int]) -> list[Indicator]:
    if not card_ids:
        return []
    return db.session.scalars(
        select(Indicator).join(Objective, Indicator.objective_id == Objective.id)
        .where(Indicator.scorecard_id.in_(card_ids), Indicator.rollup == Rollup.MANUAL)
        .options(selectinload(Indicator.monthly_targets))
        .order_by(Indicator.scorecard_id, Objective.perspective_order, Objective.code, Indicator.code)).all()


def _realisations(indicator_ids, month: int) -> dict[int, Realisation]:
    if not indicator_ids:
        return {}
    return {r.indicator_id: r for r in db.session.scalars(
        select(Realisation).where(Realisation.indicator_id.in_(list(indicator_ids)), Realisation.month == month))}


def _earlier_values(indicator_ids, month: int) -> dict[int, dict[int, Decimal]]:
    """services.earlier_values for many indicators in one query (for the red check)."""
    out: dict[int, dict[int, Decimal]] = {}
    if not indicator_ids or month == 1:
        return out
    rows = db.session.execute(
        select(Realisation.indicator_id, Realisation.month, Realisation.value).where(
            Realisation.indicator_id.in_(list(indicator_ids)), Realisation.month < month,
            Realisation.status.in_(counted_statuses(True)), Realisation.value.is_not(None)))
    for indicator_id, m, value in rows:
        out.setdefault(indicator_id, {})[m] = value
    return out


def target_of(indicator: Indicator, month: int) -> tuple[Decimal, Decimal | None]:
    """The year-to-date target at the month (domain.md §3.2) and the upper bound of its range."""
    monthly = indicator.monthly_target_list()
    low = scoring.target_at(indicator.aggregation, indicator.target, month, monthly)
    high = scoring.range_high_at(indicator.aggregation, indicator.target, indicator.target_high, month, monthly)
    return low, high


def owner_cells(sc: Scorecard) -> tuple[str, str, str]:
    """(NIP or code, owner's name, position) of a scorecard's owner."""
    if sc.owner_kind == OwnerKind.EMPLOYEE:
        post = sc.employee.position
        return sc.employee.nip, sc.employee.name, post.name if post is not None else "(tanpa jabatan)"
    if sc.owner_kind == OwnerKind.UNIT:
        return sc.unit.code, sc.unit.name, "(kartu unit kerja)"
    if sc.owner_kind == OwnerKind.OPD:
        return sc.opd.code, sc.opd.name, "(kartu perangkat daerah)"
    return "PROVINSI", sc.owner_name, "(IKU provinsi)"


def status_text(realisation: Realisation | None) -> str:
    if realisation is None:
        return "Belum diisi"
    text = services.STATUS_LABELS[realisation.status]
    if realisation.status == RealisationStatus.RETURNED and realisation.return_comment:
        text += f": {realisation.return_comment}"
    return text


# ---------------------------------------------------------------- the workbook

def _text_cell(ws, row: int, col: int, value) -> None:
    """Text stays text: an NIP keeps its 18 digits, "=…" is no formula."""
    if value is None or value == "":
        return
    cell = ws.cell(row, col, ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell.data_type = "s"
    cell.number_format = "@"


def build(user, scope: Scope, year: int, month: int) -> bytes:
    """The workbook of the scope's indicators for the month, as xlsx bytes."""
    cards = scorecards_in(user, scope, year)
    by_id = {sc.id: sc for sc in cards}
    indicators = _indicators(list(by_id))
    current = _realisations([i.id for i in indicators], month)
    state = periods.month_state(year, month, scope.opd_id)

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.cell(1, 1, MARKER)
    ws.cell(2, 1, year)
    ws.cell(3, 1, month)
    # The title block starts in the first visible column (A and B are the hidden keys).
    label_col = COL["owner_code"]
    ws.cell(1, label_col, "Realisasi Kinerja Bulanan — e-Kinerja NTB").font = Font(bold=True, size=14)
    facts = [
        ("Lingkup", scope.label),
        ("Bulan", periods.month_name(year, month)),
        ("Status periode", f"{state.label} (batas pengisian {state.deadline.day} "
                           f"{periods.month_name(state.deadline.year, state.deadline.month)})"),
        ("Diunduh", f"{datetime.now(WITA):%d-%m-%Y %H.%M} WITA oleh {user.display_name}"),
    ]
    for n, (label, value) in enumerate(facts, start=2):
        ws.cell(n, label_col, label).font = Font(bold=True)
        _text_cell(ws, n, label_col + 1, value)
    ws.cell(6, label_col, INSTRUCTIONS).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=6, start_column=label_col, end_row=6, end_column=len(COLUMNS))
    ws.row_dimensions[6].height = 62

    for key, header, width in COLUMNS:
        col = COL[key]
        text = f"Target s.d. {MONTHS_ID[month - 1]}" if key == "target" else header
        cell = ws.cell(HEADER_ROW, col, text)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = width
    for key in KEY_COLUMNS:
        ws.column_dimensions[get_column_letter(COL[key])].hidden = True

    row = HEADER_ROW
    for ind in indicators:
        row += 1
        sc = by_id[ind.scorecard_id]
        r = current.get(ind.id)
        low, high = target_of(ind, month)
        ws.cell(row, COL["indicator_id"], ind.id)
        if r is not None:
            ws.cell(row, COL["version"], r.version)
        for key, value in zip(("owner_code", "owner_name", "position"), owner_cells(sc)):
            _text_cell(ws, row, COL[key], value)
        _text_cell(ws, row, COL["code"], ind.code)
        _text_cell(ws, row, COL["indicator"], ind.name)
        _text_cell(ws, row, COL["unit"], ind.unit_of_measure)
        _text_cell(ws, row, COL["polarity"], POLARITY_LABELS[ind.polarity])
        ws.cell(row, COL["target"], low).number_format = TARGET_FORMAT
        if high is not None:
            ws.cell(row, COL["target_high"], high).number_format = TARGET_FORMAT
        if r is not None and r.value is not None:
            ws.cell(row, COL["value"], r.value)
        for key in ("note", "reason", "follow_up"):
            _text_cell(ws, row, COL[key], getattr(r, key) if r is not None else None)
        _text_cell(ws, row, COL["status"], status_text(r))
        for key in ENTRY:
            cell = ws.cell(row, COL[key])
            cell.protection = Protection(locked=False)
            cell.fill = ENTRY_FILL
            if key != "value":
                cell.number_format = "@"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row, COL["indicator"]).alignment = Alignment(wrap_text=True, vertical="top")
    last = max(row, HEADER_ROW + 1)
    if row > HEADER_ROW:
        _validations(ws, row)
    ws.freeze_panes = f"{get_column_letter(COL['position'])}{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"{get_column_letter(COL['owner_code'])}{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{last}"
    # A guard against slips, not a secret: no password, and the server checks every cell anyway.
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _validations(ws, last: int) -> None:
    """Excel's own checks on the entry cells (the server checks again)."""
    first = HEADER_ROW + 1
    value = DataValidation(type="decimal", operator="between", formula1="-999999999999999",
                           formula2="999999999999999", allow_blank=True, showErrorMessage=True,
                           errorTitle="Realisasi", error="Isi dengan angka, misalnya 12,5.")
    value.add(f"{get_column_letter(COL['value'])}{first}:{get_column_letter(COL['value'])}{last}")
    ws.add_data_validation(value)
    text = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(services.TEXT_LIMIT),
                          allow_blank=True, showErrorMessage=True, errorTitle="Teks terlalu panjang",
                          error=f"Paling panjang {services.TEXT_LIMIT} karakter.")
    for key in ("note", "reason", "follow_up"):
        letter = get_column_letter(COL[key])
        text.add(f"{letter}{first}:{letter}{last}")
    ws.add_data_validation(text)


# ---------------------------------------------------------------- reading an upload

@dataclass
class UploadRow:
    line: int
    cells: dict


@dataclass
class Upload:
    year: int
    month: int
    rows: list[UploadRow]


NOT_OURS = ("Berkas ini bukan buku kerja realisasi e-Kinerja. Unduh buku kerja dari halaman Excel realisasi, "
            "isi, lalu unggah kembali")


def _file_error(message: str) -> ValidationFailed:
    return ValidationFailed(message, [{"field": "file", "message": message}])


def max_bytes() -> int:
    return int(current_app.config.get("REALISATION_EXCEL_MAX_BYTES", MAX_BYTES))


def check_upload(data: bytes) -> None:
    """The upload is an xlsx (read from its content, not its name), small enough, and not a bomb."""
    if not data:
        raise _file_error("Berkas kosong. Pilih buku kerja Excel (.xlsx) yang diunduh dari halaman ini.")
    if len(data) > max_bytes():
        raise _file_error(f"Ukuran berkas melebihi {max_bytes() // (1024 * 1024)} MB.")
    if sniff(data) != XLSX:
        raise _file_error("Berkas bukan buku kerja Excel (.xlsx). Unggah berkas yang diunduh dari halaman ini, "
                          "disimpan kembali dalam format .xlsx (bukan .xls, .csv atau .ods).")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if sum(info.file_size for info in z.infolist()) > MAX_UNPACKED:
            raise _file_error("Isi buku kerja terlalu besar untuk diproses.")


def read_upload(data: bytes) -> Upload:
    """The sheet's year, month and filled rows; ValidationFailed (file-level) when the file is not
    a realisation workbook of this application."""
    check_upload(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged package
        raise _file_error("Buku kerja tidak dapat dibaca. Simpan ulang sebagai .xlsx lalu unggah kembali.") from None
    try:
        if SHEET not in wb.sheetnames:
            raise _file_error(NOT_OURS + f" (lembar \"{SHEET}\" tidak ada)")
        return _read_sheet(wb[SHEET])
    finally:
        wb.close()


def _read_sheet(ws) -> Upload:
    meta: list = []
    columns: dict[str, int] | None = None
    rows: list[UploadRow] = []
    for line, values in enumerate(ws.iter_rows(max_row=HEADER_ROW + MAX_ROWS + 1, values_only=True), start=1):
        values = tuple(values)
        if line <= 3:
            meta.append(values[0] if values else None)
        if columns is None:
            if HEADERS["indicator_id"] in values:
                columns = {}
                for n, v in enumerate(values):
                    for key in READ:
                        if isinstance(v, str) and v.strip() == HEADERS[key] and key not in columns:
                            columns[key] = n
                missing = [HEADERS[k] for k in READ if k not in columns]
                if missing:
                    raise _file_error("Kolom " + ", ".join(missing) + " tidak ditemukan. Gunakan buku kerja yang "
                                      "diunduh dari halaman Excel realisasi tanpa mengubah judul kolom.")
            continue
        cells = {key: values[n] if n < len(values) else None for key, n in columns.items()}
        if all(_blank(v) for v in cells.values()):
            continue
        if line > HEADER_ROW + MAX_ROWS:
            raise _file_error(f"Terlalu banyak baris (paling banyak {MAX_ROWS}).")
        rows.append(UploadRow(line, cells))
    if not meta or meta[0] != MARKER or columns is None:
        raise _file_error(NOT_OURS)
    try:
        year, month = int(meta[1]), int(meta[2])
    except (TypeError, ValueError, IndexError):
        year = month = 0
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise _file_error("Tahun atau bulan buku kerja tidak terbaca. Unduh ulang buku kerja.")
    return Upload(year, month, rows)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


# ---------------------------------------------------------------- the preview

class RowStatus(enum.StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"


ROW_STATUS_LABELS = {RowStatus.NEW: "Baru", RowStatus.CHANGED: "Diubah", RowStatus.UNCHANGED: "Tidak berubah",
                     RowStatus.ERROR: "Galat"}
STALE = "Realisasi ini diubah sejak diunduh (oleh Anda atau pengguna lain). Unduh ulang buku kerja, lalu isi kembali."


@dataclass
class PreviewRow:
    """One row of the upload as the preview shows it (plain values: safe to show after a rollback)."""

    line: int
    status: RowStatus = RowStatus.UNCHANGED
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    submit: bool = False          # to be submitted as well ("ajukan sekaligus")
    indicator_id: int | None = None
    owner: str = ""
    code: str = ""
    name: str = ""
    unit_of_measure: str = ""
    target: Decimal | None = None
    old_value: Decimal | None = None
    new_value: Decimal | None = None
    old_status: str = ""
    # for apply(): not shown
    indicator: Indicator | None = field(default=None, repr=False)
    entry: services.Entry | None = field(default=None, repr=False)
    version: int | None = None
    realisation: Realisation | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return ROW_STATUS_LABELS[self.status]

    @property
    def writes(self) -> bool:
        return self.status in (RowStatus.NEW, RowStatus.CHANGED)

    def error(self, message: str) -> None:
        self.status = RowStatus.ERROR
        self.reasons.append(message)


@dataclass
class Preview:
    year: int
    month: int
    submit: bool
    rows: list[PreviewRow]

    @property
    def month_name(self) -> str:
        return periods.month_name(self.year, self.month)

    def count(self, status: RowStatus) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {s.value: self.count(s) for s in RowStatus}

    @property
    def to_submit(self) -> int:
        return sum(1 for r in self.rows if r.submit and r.status != RowStatus.ERROR)

    @property
    def actionable(self) -> int:
        return sum(1 for r in self.rows if r.status != RowStatus.ERROR and (r.writes or r.submit))

    def of(self, *statuses: RowStatus) -> list[PreviewRow]:
        return [r for r in self.rows if r.status in statuses]


def _int_or_none(value) -> int | None | bool:
    """An id or version cell: an int, None when empty, False when it is something else."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return False


def _value_of(raw, stored: Decimal | None) -> Decimal | None:
    """The value cell as a Decimal (services.parse_value's rules). A float that is the stored
    value as Excel keeps it is the stored value (no false "changed" from binary rounding)."""
    if isinstance(raw, bool):
        raise ValidationFailed("Nilai realisasi tidak valid.", [{"field": "value", "message": "Nilai harus berupa angka."}])
    if isinstance(raw, float):
        if stored is not None and float(stored) == raw:
            return stored
        raw = Decimal(int(raw)) if raw.is_integer() else repr(raw)
    elif isinstance(raw, datetime):
        raise ValidationFailed("Nilai realisasi tidak valid.",
                               [{"field": "value", "message": "Nilai berupa tanggal; isi dengan angka."}])
    return services.parse_value(raw)


def _clean_text(raw) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    return text or None


def _same_text(a: str | None, b: str | None) -> bool:
    norm = (lambda s: (s or "").replace("\r\n", "\n").strip())
    return norm(a) == norm(b)


def preview(user, data: bytes, submit: bool = False) -> Preview:
    """Read the workbook against the database as it is now; writes nothing."""
    upload = read_upload(data)
    month = upload.month
    listed = [i for i in (_int_or_none(r.cells["indicator_id"]) for r in upload.rows) if isinstance(i, int)]
    ids = set(listed)
    twice = {i for i in ids if listed.count(i) > 1} if len(listed) != len(ids) else set()
    indicators = {}
    if ids:
        indicators = {i.id: i for i in db.session.scalars(
            select(Indicator).where(Indicator.id.in_(ids)).options(
                selectinload(Indicator.monthly_targets),
                selectinload(Indicator.scorecard).options(*_card_options())))}
    _preload_organisation({i.scorecard.opd_id for i in indicators.values()})
    current = _realisations(indicators, month)
    earlier = _earlier_values(indicators, month)
    states: dict[int | None, periods.MonthState] = {}
    allowed: dict[int, bool] = {}
    rows = []
    for up in upload.rows:
        row = PreviewRow(up.line)
        rows.append(row)
        _check_row(user, up, row, upload, indicators, current, earlier, states, allowed, twice, submit)
    return Preview(upload.year, month, submit, rows)


def _check_row(user, up: UploadRow, row: PreviewRow, upload: Upload, indicators, current, earlier, states,
               allowed, twice, submit) -> None:
    month = upload.month
    indicator_id = _int_or_none(up.cells["indicator_id"])
    if indicator_id is None:
        row.error("Baris tanpa ID indikator: baris yang ditambahkan sendiri tidak dapat diproses.")
        return
    indicator = indicators.get(indicator_id) if indicator_id is not False else None
    if indicator is None:
        row.error("ID indikator tidak dikenal.")
        return
    row.indicator_id, row.indicator = indicator.id, indicator
    sc = indicator.scorecard
    owner_code, owner_name, _post = owner_cells(sc)
    row.owner = f"{owner_name} ({owner_code})"
    row.code, row.name, row.unit_of_measure = indicator.code, indicator.name, indicator.unit_of_measure
    if indicator.year != upload.year:
        row.error(f"Indikator ini bukan indikator tahun {upload.year}.")
        return
    if sc.id not in allowed:
        allowed[sc.id] = approvers.can_enter(user, sc)
    if not allowed[sc.id]:
        row.error("Di luar lingkup Anda: Anda tidak berhak mengisi realisasi indikator ini.")
        return
    row.target = target_of(indicator, month)[0]
    if indicator.rollup != Rollup.MANUAL:
        row.error("Nilai indikator ini dihitung dari indikator bawahannya; tidak diisi langsung.")
        return
    if indicator.id in twice:  # which of them is meant? neither is applied
        row.error("Indikator ini muncul lebih dari sekali dalam berkas; hapus baris tambahannya.")
        return

    stored = current.get(indicator.id)
    row.realisation = stored
    row.old_value = stored.value if stored is not None else None
    row.old_status = status_text(stored)
    version = _int_or_none(up.cells["version"])
    if version is False:
        row.error("Kolom versi (tersembunyi) rusak. Unduh ulang buku kerja.")
        return
    try:
        value = _value_of(up.cells["value"], row.old_value)
    except ValidationFailed as exc:
        shown = str(up.cells["value"])[:40]
        row.error(f"Realisasi \"{shown}\" bukan angka yang sah: {exc.details[0]['message']}")
        value = None
    texts = {}
    for key, label in TEXT_LABELS.items():
        texts[key] = _clean_text(up.cells[key])
        if texts[key] is not None and len(texts[key]) > services.TEXT_LIMIT:
            row.error(f"{label} terlalu panjang ({len(texts[key])} karakter; paling panjang {services.TEXT_LIMIT}).")
    if row.status == RowStatus.ERROR:
        return
    row.new_value = value
    row.entry = services.Entry(value=value, **texts)

    if stored is None:
        if value is None and not any(texts.values()):
            return  # an empty row: nothing to do
        if version is not None:
            row.error(STALE)
            return
        row.status = RowStatus.NEW
    else:
        same = (value == stored.value and all(_same_text(texts[k], getattr(stored, k)) for k in TEXT_LABELS))
        if same:
            row.entry = services.Entry(value=stored.value, note=stored.note, reason=stored.reason,
                                       follow_up=stored.follow_up)
            wants_submit = submit and stored.status in services.EDITABLE and stored.value is not None
            if not wants_submit:
                return  # unchanged
            if version != stored.version:
                row.error(STALE)
                return
        else:
            if stored.status not in services.EDITABLE:
                row.error(f"Realisasi ini sudah {services.STATUS_LABELS[stored.status].lower()}; "
                          "tidak dapat diubah dari Excel.")
                return
            if version != stored.version:
                row.error(STALE)
                return
            row.status = RowStatus.CHANGED
        row.version = stored.version

    opd_id = sc.opd_id
    if opd_id not in states:
        states[opd_id] = periods.month_state(indicator.year, month, opd_id)
    if not states[opd_id].open:
        row.error(states[opd_id].message())
        return

    entry = row.entry
    red = False
    if entry.value is not None:
        red = services.is_red(services.figures_with(indicator, month, entry.value, earlier.get(indicator.id, {})))
    missing = [label for key, label in (("reason", "faktor penghambat"), ("follow_up", "tindak lanjut"))
               if red and not getattr(entry, key)]
    if submit and (row.writes or row.realisation is not None):
        if entry.value is None:
            row.error("Tidak dapat diajukan: nilai realisasi belum diisi.")
            return
        if missing:
            row.error("Tidak dapat diajukan: capaian merah (di bawah 80%), " + " dan ".join(missing) + " wajib diisi.")
            return
        row.submit = True
    else:
        if missing:
            row.warnings.append("Capaian merah (di bawah 80%): " + " dan ".join(missing)
                                + " wajib diisi sebelum diajukan.")
        if entry.value is None:
            row.warnings.append("Nilai realisasi belum diisi; hanya teks yang disimpan.")


# ---------------------------------------------------------------- applying

class ApplyFailed(DomainError):
    """Something failed while applying: the whole transaction was rolled back, nothing applied."""

    status_code = 409
    code = "apply_failed"

    def __init__(self, row: PreviewRow | None, cause: Exception):
        where = f"baris {row.line} ({row.code} {row.owner})" if row is not None else "penerapan"
        reason = cause.message if isinstance(cause, DomainError) else "kesalahan basis data"
        super().__init__(f"Penerapan gagal pada {where}: {reason}. Tidak ada data yang diubah; "
                         "unggah ulang berkas untuk mencoba lagi.")
        self.row = row
        self.cause = cause


def apply(user, data: bytes, submit: bool = False) -> Preview:
    """Check the workbook again and apply its valid rows as drafts (and submit them when asked),
    in the caller's transaction. Rows that are errors now are skipped and reported. On any failure
    while applying, roll everything back and raise ApplyFailed: never half applied."""
    result = preview(user, data, submit)
    month = result.month
    row = None
    try:
        for row in result.rows:
            if row.status == RowStatus.ERROR or not (row.writes or row.submit):
                continue
            realisation = row.realisation
            if row.writes:
                realisation = services.save(user, row.indicator, month, row.entry, version=row.version)
            if row.submit:
                services.submit(user, realisation, realisation.version)
    except (DomainError, SQLAlchemyError) as exc:
        db.session.rollback()
        raise ApplyFailed(row, exc) from exc
    return result


# ---------------------------------------------------------------- stored uploads

def store_upload(data: bytes) -> str:
    """Keep the upload in the storage every host shares, under a random key, until confirmed."""
    purge_uploads()
    return storage.save(data, UPLOAD_KIND)


def read_stored(key: str) -> bytes:
    if not key.startswith(UPLOAD_KIND + "/"):
        raise NotFound("Berkas unggahan tidak ditemukan.")
    try:
        return storage.read(key)
    except (FileNotFoundError, ValueError):
        raise NotFound("Berkas unggahan tidak ditemukan: mungkin sudah diterapkan atau kedaluwarsa. "
                       "Unggah ulang buku kerja.") from None


def purge_uploads(max_age: int = UPLOAD_KEEP_SECONDS) -> int:
    """Remove uploads nobody confirmed (older than two days); their tokens expired long before."""
    base = storage.root() / UPLOAD_KIND
    if not base.is_dir():
        return 0
    cutoff, removed = time.time() - max_age, 0
    for path in base.glob("*/*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            pass  # another host removed it first
    return removed
