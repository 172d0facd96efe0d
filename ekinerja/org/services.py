"""Actions on the organisation. Each takes the acting user (None: the system) and plain values."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from ekinerja.auth.permissions import can_employee, can_opd, can_unit, require
from ekinerja.errors import ValidationFailed
from ekinerja.db import get_or_raise
from ekinerja.extensions import db
from ekinerja.org.models import (Employee, Opd, Position, PositionHolding, PositionKind, Province,
                                 Unit, UnitKind)
from ekinerja.org.nip import InvalidNip, normalise_nip, parse_nip

PROVINCE_CODE = "52"
PROVINCE_NAME = "Pemerintah Provinsi Nusa Tenggara Barat"
UNIT_CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,31}$")
HEAD_KINDS = {PositionKind.JPT, PositionKind.ADMINISTRATOR, PositionKind.PENGAWAS}


# ---------------------------------------------------------------- look-ups

def get_province() -> Province:
    province = db.session.scalar(select(Province).where(Province.code == PROVINCE_CODE))
    if province is None:
        province = Province(code=PROVINCE_CODE, name=PROVINCE_NAME)
        db.session.add(province)
        db.session.flush()
    return province


def get_opd(opd_id: int) -> Opd:
    return get_or_raise(Opd, opd_id, "Perangkat daerah tidak ditemukan.")


def get_unit(unit_id: int) -> Unit:
    return get_or_raise(Unit, unit_id, "Unit kerja tidak ditemukan.")


def get_position(position_id: int) -> Position:
    return get_or_raise(Position, position_id, "Jabatan tidak ditemukan.")


def get_employee(employee_id: int) -> Employee:
    return get_or_raise(Employee, employee_id, "Pegawai tidak ditemukan.")


def employee_opd(employee: Employee) -> Opd | None:
    if employee.position is not None:
        return employee.position.unit.opd
    last = employee.holdings[0].position if employee.holdings else None
    return last.unit.opd if last is not None else None


def superior_position(position: Position) -> Position | None:
    """The atasan langsung's post: the head of the position's unit, or of the nearest unit above
    with a head when the position heads its own unit. None for an OPD head: the governor."""
    unit = position.unit.parent if position.is_unit_head else position.unit
    while unit is not None:
        head = unit.head_position
        if head is not None and head.id != position.id:
            return head
        unit = unit.parent
    return None


def approver_of(position: Position) -> Employee | None:
    """Who approves the work of the position's holder: the holder of the superior post (None when
    that post is vacant, or for an OPD head, whose superior is the governor)."""
    superior = superior_position(position)
    return superior.holder if superior is not None else None


def holder_on(position: Position, day: date) -> Employee | None:
    """Who held the position on that day (contracts are signed by the holder of the day)."""
    return db.session.scalar(
        select(Employee).join(PositionHolding, PositionHolding.employee_id == Employee.id)
        .where(PositionHolding.position_id == position.id, PositionHolding.start_date <= day,
               (PositionHolding.end_date.is_(None)) | (PositionHolding.end_date >= day))
        .order_by(PositionHolding.start_date.desc()).limit(1))


def unit_tree(opd: Opd) -> list[tuple[Unit, int]]:
    """The OPD's units in tree order with their depth (one query for units, one for positions)."""
    units = db.session.scalars(select(Unit).where(Unit.opd_id == opd.id).order_by(Unit.code)).all()
    children: dict[int | None, list[Unit]] = {}
    for u in units:
        children.setdefault(u.parent_id, []).append(u)
    out: list[tuple[Unit, int]] = []

    def walk(parent_id, depth):
        for u in children.get(parent_id, []):
            out.append((u, depth))
            walk(u.id, depth + 1)

    walk(None, 0)
    return out


# ---------------------------------------------------------------- units

def _check_unit_values(code: str, name: str, kind, unit_id: int | None) -> list[dict]:
    errors = []
    if not UNIT_CODE_RE.match(code or ""):
        errors.append({"field": "code", "message": "Kode unit hanya huruf, angka, titik atau tanda hubung (maks. 32)."})
    elif db.session.scalar(select(Unit.id).where(Unit.code == code, Unit.id != (unit_id or 0))):
        errors.append({"field": "code", "message": f"Kode unit {code} sudah dipakai."})
    if not (name or "").strip():
        errors.append({"field": "name", "message": "Nama unit wajib diisi."})
    if kind == UnitKind.OPD:
        errors.append({"field": "kind", "message": "Jenis 'Perangkat Daerah' hanya untuk kantor OPD itu sendiri."})
    return errors


def create_unit(actor, parent: Unit, code: str, name: str, kind: UnitKind) -> Unit:
    require(can_opd(actor, "org.manage", parent.opd))
    code = (code or "").strip()
    errors = _check_unit_values(code, name, kind, None)
    if errors:
        raise ValidationFailed("Unit kerja belum dapat disimpan.", errors)
    unit = Unit(opd=parent.opd, parent=parent, code=code, name=name.strip(), kind=UnitKind(kind))
    db.session.add(unit)
    db.session.flush()
    return unit


def update_unit(actor, unit: Unit, code: str, name: str, kind: UnitKind, parent: Unit | None) -> Unit:
    require(can_opd(actor, "org.manage", unit.opd))
    code = (code or "").strip()
    errors = []
    if unit.kind == UnitKind.OPD:
        kind, parent = UnitKind.OPD, None  # the OPD's own office stays the root
        if not (name or "").strip():
            errors.append({"field": "name", "message": "Nama unit wajib diisi."})
        if code != unit.code:
            errors.append({"field": "code", "message": "Kode kantor OPD mengikuti kode SIPD dan tidak diubah di sini."})
    else:
        errors = _check_unit_values(code, name, kind, unit.id)
        if parent is None:
            errors.append({"field": "parent", "message": "Unit harus berada di bawah unit lain."})
        elif parent.opd_id != unit.opd_id:
            errors.append({"field": "parent", "message": "Unit induk harus dari perangkat daerah yang sama."})
        else:
            node = parent
            while node is not None:
                if node.id == unit.id:
                    errors.append({"field": "parent", "message": "Unit tidak boleh berada di bawah dirinya sendiri atau sub-unitnya."})
                    break
                node = node.parent
    if errors:
        raise ValidationFailed("Unit kerja belum dapat disimpan.", errors)
    unit.code, unit.name, unit.kind = code, name.strip(), UnitKind(kind)
    if parent is not None:
        unit.parent = parent
    db.session.flush()
    return unit


# ---------------------------------------------------------------- positions

def _check_head(unit: Unit, kind: PositionKind, is_head: bool, position_id: int | None) -> list[dict]:
    errors = []
    if is_head:
        if kind not in HEAD_KINDS:
            errors.append({"field": "is_unit_head", "message": "Kepala unit harus jabatan JPT, administrator atau pengawas."})
        current = unit.head_position
        if current is not None and current.id != position_id:
            errors.append({"field": "is_unit_head", "message": f"Unit {unit.name} sudah memiliki kepala: {current.name}."})
    return errors


def create_position(actor, unit: Unit, name: str, kind: PositionKind, is_head: bool = False) -> Position:
    require(can_opd(actor, "org.manage", unit.opd))
    kind = PositionKind(kind)
    errors = [] if (name or "").strip() else [{"field": "name", "message": "Nama jabatan wajib diisi."}]
    errors += _check_head(unit, kind, is_head, None)
    if errors:
        raise ValidationFailed("Jabatan belum dapat disimpan.", errors)
    position = Position(unit=unit, name=name.strip(), kind=kind, head_of_unit_id=unit.id if is_head else None)
    db.session.add(position)
    db.session.flush()
    return position


def update_position(actor, position: Position, name: str, kind: PositionKind, is_head: bool) -> Position:
    require(can_opd(actor, "org.manage", position.unit.opd))
    kind = PositionKind(kind)
    errors = [] if (name or "").strip() else [{"field": "name", "message": "Nama jabatan wajib diisi."}]
    errors += _check_head(position.unit, kind, is_head, position.id)
    if errors:
        raise ValidationFailed("Jabatan belum dapat disimpan.", errors)
    position.name, position.kind = name.strip(), kind
    position.head_of_unit_id = position.unit_id if is_head else None
    db.session.flush()
    return position


# ---------------------------------------------------------------- employees

def _check_employee_values(nip: str, name: str, employee_id: int | None) -> tuple[list[dict], object]:
    errors, parts = [], None
    try:
        parts = parse_nip(nip)
    except InvalidNip as exc:
        errors.append({"field": "nip", "message": str(exc)})
    else:
        if db.session.scalar(select(Employee.id).where(Employee.nip == nip, Employee.id != (employee_id or 0))):
            errors.append({"field": "nip", "message": f"NIP {nip} sudah terdaftar."})
    if not (name or "").strip():
        errors.append({"field": "name", "message": "Nama pegawai wajib diisi."})
    return errors, parts


def _ensure_user(employee: Employee) -> None:
    from ekinerja.auth.models import User

    user = db.session.scalar(select(User).where(User.employee_id == employee.id))
    if user is None:
        db.session.add(User(username=employee.nip, display_name=employee.name, employee=employee))
    elif user.display_name != employee.name or user.username != employee.nip:
        user.display_name, user.username = employee.name, employee.nip


def create_employee(actor, nip: str, name: str, rank: str | None, position: Position,
                    start_date: date | None = None) -> Employee:
    """A new civil servant placed in a post of the actor's OPD (an account to log in comes with it)."""
    require(can_opd(actor, "org.manage", position.unit.opd))
    nip = normalise_nip(nip)
    errors, parts = _check_employee_values(nip, name, None)
    if errors:
        raise ValidationFailed("Pegawai belum dapat disimpan.", errors)
    employee = Employee(nip=nip, name=name.strip(), rank=(rank or "").strip() or None,
                        birth_date=parts.birth_date, sex=parts.sex)
    db.session.add(employee)
    db.session.flush()
    _ensure_user(employee)
    assign_position(actor, employee, position, start_date or date.today())
    return employee


def update_employee(actor, employee: Employee, nip: str, name: str, rank: str | None) -> Employee:
    opd = employee_opd(employee)
    require(opd is None and actor is None or opd is not None and can_opd(actor, "org.manage", opd))
    nip = normalise_nip(nip)
    errors, parts = _check_employee_values(nip, name, employee.id)
    if errors:
        raise ValidationFailed("Pegawai belum dapat disimpan.", errors)
    employee.nip, employee.name = nip, name.strip()
    employee.rank = (rank or "").strip() or None
    employee.birth_date, employee.sex = parts.birth_date, parts.sex
    _ensure_user(employee)
    db.session.flush()
    return employee


def _end_current(employee: Employee, end: date) -> None:
    for holding in employee.holdings:
        if holding.end_date is None:
            holding.end_date = max(end, holding.start_date)


def assign_position(actor, employee: Employee, position: Position, start_date: date) -> None:
    """Place the employee in the post from start_date. The post's previous holder leaves it the
    day before; the employee's previous post ends the day before too. History is kept."""
    require(can_opd(actor, "org.manage", position.unit.opd))
    current_opd = employee_opd(employee)
    if current_opd is not None and current_opd.id != position.unit.opd_id:
        # Moving between OPDs (mutasi) is the province's business, not one OPD's.
        require(can_opd(actor, "org.manage", current_opd),
                "Mutasi antar perangkat daerah hanya oleh Biro Organisasi atau administrator.")
    if employee.position_id == position.id:
        return
    previous = position.holder
    if previous is not None:
        _end_current(previous, start_date - timedelta(days=1))
        previous.position = None
    _end_current(employee, start_date - timedelta(days=1))
    employee.position = None
    db.session.flush()  # release both unique slots before taking the new one
    employee.position = position
    db.session.add(PositionHolding(employee=employee, position=position, start_date=start_date))
    db.session.flush()


def release_position(actor, employee: Employee, end_date: date) -> None:
    """The employee leaves their post (retirement, transfer out of the province)."""
    if employee.position is None:
        return
    require(can_opd(actor, "org.manage", employee.position.unit.opd))
    current = next((h for h in employee.holdings if h.end_date is None), None)
    if current is not None and end_date < current.start_date:
        raise ValidationFailed("Tanggal akhir sebelum tanggal mulai menjabat.", [
            {"field": "end_date", "message": f"Tanggal akhir tidak boleh sebelum {current.start_date:%d-%m-%Y} (mulai menjabat)."}])
    _end_current(employee, end_date)
    employee.position = None
    db.session.flush()


def permissions_subtree(unit: Unit) -> set[int]:
    """The unit and its descendants (a unit cannot move under any of them)."""
    from ekinerja.auth.permissions import subtree_unit_ids

    return subtree_unit_ids(unit)
