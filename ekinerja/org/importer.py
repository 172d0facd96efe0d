"""Import of OPD/UPT files (shaped like shared/data/ntb-opd.csv) and of staff files.

Both check the whole file first; on any bad row nothing is written and every bad row is reported
with its line number and reason. Both are idempotent: loading the same file twice changes nothing.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ekinerja.errors import ValidationFailed
from ekinerja.extensions import db
from ekinerja.org.models import Employee, Opd, Position, PositionKind, Unit, UnitKind
from ekinerja.org.nip import InvalidNip, normalise_nip, parse_nip
from ekinerja.org import services

SIPD_RE = re.compile(r"^\d+(\.\d+)+$")
OPD_COLUMNS = ("sipd_code", "name", "parent_sipd_code", "level")
STAFF_COLUMNS = ("nip", "name", "position", "position_kind", "unit_code", "is_unit_head")
TRUE_WORDS = {"1", "true", "ya", "y", "yes"}
FALSE_WORDS = {"0", "false", "tidak", "t", "no", "n", ""}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    details: list[str] = field(default_factory=list)


def read_csv(text: str, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """Rows with their line numbers in the file (the header is line 1)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise ValidationFailed("Berkas tidak dapat dibaca.",
                               [{"line": 1, "message": "Kolom wajib tidak ada: " + ", ".join(missing)}])
    reader.fieldnames = header
    rows = []
    for row in reader:
        clean = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if any(clean.values()):
            rows.append((reader.line_num, clean))
    return rows


def _fail(errors: list[dict]) -> None:
    if errors:
        errors.sort(key=lambda e: e["line"])
        raise ValidationFailed(f"{len(errors)} baris bermasalah; tidak ada data yang disimpan.", errors)


def import_opds(text: str) -> ImportResult:
    rows = read_csv(text, OPD_COLUMNS)
    errors: list[dict] = []
    seen: dict[str, int] = {}
    file_opds = {r["sipd_code"] for _, r in rows if r["level"] == "opd"}
    db_opds = set(db.session.scalars(select(Opd.code)))
    # A code already in use keeps its level: turning an OPD office into a UPT (or a unit into an
    # OPD) would move the unit tree from one OPD to another.
    db_kinds = dict(db.session.execute(select(Unit.code, Unit.kind)).all())
    for line, r in rows:
        code, level = r["sipd_code"], r["level"]
        if not SIPD_RE.match(code) or len(code) > 32:
            errors.append({"line": line, "message": f"Kode SIPD '{code}' tidak valid."})
        elif code in seen:
            errors.append({"line": line, "message": f"Kode SIPD {code} ganda (juga di baris {seen[code]})."})
        else:
            seen[code] = line
            existing = db_kinds.get(code)
            if level in ("opd", "upt") and existing is not None and existing != UnitKind(level):
                errors.append({"line": line, "message": f"Kode {code} sudah dipakai oleh unit berjenis "
                               f"{existing.label}; tidak dapat dimuat sebagai {level.upper()}."})
        if not r["name"]:
            errors.append({"line": line, "message": "Nama wajib diisi."})
        elif len(r["name"]) > 255:
            errors.append({"line": line, "message": "Nama terlalu panjang (maks. 255 karakter)."})
        if level == "opd":
            if r["parent_sipd_code"]:
                errors.append({"line": line, "message": "Baris OPD tidak boleh memiliki induk."})
        elif level == "upt":
            parent = r["parent_sipd_code"]
            if not parent:
                errors.append({"line": line, "message": "UPT harus memiliki kode OPD induk."})
            elif parent not in file_opds and parent not in db_opds:
                errors.append({"line": line, "message": f"OPD induk {parent} tidak dikenal."})
        else:
            errors.append({"line": line, "message": f"Level '{level}' tidak dikenal (harus opd atau upt)."})
    _fail(errors)

    province = services.get_province()
    result = ImportResult()
    opds = {o.code: o for o in db.session.scalars(select(Opd))}
    units = {u.code: u for u in db.session.scalars(select(Unit))}

    def upsert_unit(code, name, kind, opd, parent):
        unit = units.get(code)
        if unit is None:
            unit = Unit(code=code, name=name, kind=kind, opd=opd, parent=parent)
            db.session.add(unit)
            units[code] = unit
            return "created"
        if (unit.name, unit.opd_id, unit.parent_id) != (name, opd.id, parent.id if parent else None):
            unit.name, unit.opd, unit.parent = name, opd, parent
            return "updated"
        return "unchanged"

    for _, r in rows:
        if r["level"] != "opd":
            continue
        opd = opds.get(r["sipd_code"])
        if opd is None:
            opd = Opd(code=r["sipd_code"], name=r["name"], province=province)
            db.session.add(opd)
            opds[opd.code] = opd
            outcome = "created"
        elif opd.name != r["name"]:
            opd.name, outcome = r["name"], "updated"
        else:
            outcome = "unchanged"
        db.session.flush()
        root_outcome = upsert_unit(opd.code, r["name"], UnitKind.OPD, opd, None)
        if outcome == "unchanged":
            outcome = root_outcome
        setattr(result, outcome, getattr(result, outcome) + 1)
    db.session.flush()
    for _, r in rows:
        if r["level"] != "upt":
            continue
        opd = opds[r["parent_sipd_code"]]
        outcome = upsert_unit(r["sipd_code"], r["name"], UnitKind.UPT, opd, units[opd.code])
        setattr(result, outcome, getattr(result, outcome) + 1)
    db.session.flush()
    return result


def import_employees(text: str, start_date: date | None = None) -> ImportResult:
    """Staff file: nip, name, position, position_kind, unit_code, is_unit_head (and optional rank)."""
    rows = read_csv(text, STAFF_COLUMNS)
    start_date = start_date or date.today()
    errors: list[dict] = []
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    seen_nip: dict[str, int] = {}
    seen_head: dict[str, int] = {}
    parsed = []
    for line, r in rows:
        nip = normalise_nip(r["nip"])
        parts = None
        try:
            parts = parse_nip(nip)
        except InvalidNip as exc:
            errors.append({"line": line, "message": f"NIP '{r['nip']}': {exc}"})
        if nip in seen_nip:
            errors.append({"line": line, "message": f"NIP {nip} ganda (juga di baris {seen_nip[nip]})."})
        else:
            seen_nip[nip] = line
        if not r["name"]:
            errors.append({"line": line, "message": "Nama pegawai wajib diisi."})
        elif len(r["name"]) > 255:
            errors.append({"line": line, "message": "Nama pegawai terlalu panjang (maks. 255 karakter)."})
        if not r["position"]:
            errors.append({"line": line, "message": "Nama jabatan wajib diisi."})
        elif len(r["position"]) > 255:
            errors.append({"line": line, "message": "Nama jabatan terlalu panjang (maks. 255 karakter)."})
        if len(r.get("rank") or "") > 64:
            errors.append({"line": line, "message": "Pangkat/golongan terlalu panjang (maks. 64 karakter)."})
        try:
            kind = PositionKind(r["position_kind"].lower())
        except ValueError:
            kind = None
            errors.append({"line": line, "message": f"Jenis jabatan '{r['position_kind']}' tidak dikenal "
                           "(jpt, administrator, pengawas, fungsional, pelaksana)."})
        unit = units.get(r["unit_code"])
        if unit is None:
            errors.append({"line": line, "message": f"Kode unit '{r['unit_code']}' tidak dikenal."})
        flag = r["is_unit_head"].lower()
        if flag not in TRUE_WORDS | FALSE_WORDS:
            errors.append({"line": line, "message": f"is_unit_head '{r['is_unit_head']}' harus ya/tidak."})
        is_head = flag in TRUE_WORDS
        if is_head:
            if kind is not None and kind not in services.HEAD_KINDS:
                errors.append({"line": line, "message": "Kepala unit harus jabatan JPT, administrator atau pengawas."})
            if r["unit_code"] in seen_head:
                errors.append({"line": line, "message": f"Unit {r['unit_code']} sudah memiliki kepala di baris {seen_head[r['unit_code']]}."})
            else:
                seen_head[r["unit_code"]] = line
        parsed.append((line, r, nip, parts, kind, unit, is_head))
    _fail(errors)

    result = ImportResult()
    employees = {e.nip: e for e in db.session.scalars(select(Employee).where(Employee.nip.in_(list(seen_nip))))}
    taken: set[int] = set()  # posts claimed by this file
    for line, r, nip, parts, kind, unit, is_head in parsed:
        employee = employees.get(nip)
        changed = False
        if employee is None:
            employee = Employee(nip=nip, name=r["name"], rank=r.get("rank") or None,
                                birth_date=parts.birth_date, sex=parts.sex)
            db.session.add(employee)
            db.session.flush()
            outcome = "created"
        else:
            outcome = "unchanged"
            if employee.name != r["name"] or (r.get("rank") and employee.rank != r["rank"]):
                employee.name = r["name"]
                employee.rank = r.get("rank") or employee.rank
                changed = True
        services._ensure_user(employee)
        position = _post_for(employee, unit, r["position"], kind, is_head, taken)
        if position.name != r["position"] or position.kind != kind:
            position.name, position.kind = r["position"], kind
            changed = True
        taken.add(position.id)
        if employee.position_id != position.id:
            services.assign_position(None, employee, position, start_date)
            changed = True
        if outcome == "unchanged" and changed:
            outcome = "updated"
        setattr(result, outcome, getattr(result, outcome) + 1)
    db.session.flush()
    return result


def _post_for(employee: Employee, unit: Unit, name: str, kind: PositionKind, is_head: bool,
              taken: set[int]) -> Position:
    if is_head:
        head = unit.head_position
        if head is None:
            head = Position(unit=unit, name=name, kind=kind, head_of_unit_id=unit.id)
            db.session.add(head)
            db.session.flush()
        return head
    current = employee.position
    if current is not None and current.unit_id == unit.id and not current.is_unit_head \
            and current.name == name and current.kind == kind:
        return current
    for p in unit.positions:
        if not p.is_unit_head and p.name == name and p.kind == kind and p.holder is None and p.id not in taken:
            return p
    post = Position(unit=unit, name=name, kind=kind)
    db.session.add(post)
    db.session.flush()
    return post
