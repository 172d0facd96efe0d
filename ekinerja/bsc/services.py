"""Actions on scorecards: create, edit, cascade. Each takes the acting user (None: the system)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select

from ekinerja.auth.permissions import can_scorecard, require
from ekinerja.bsc.models import (DEFAULT_WEIGHTS, CascadeKind, Indicator, MonthlyTarget, Objective,
                                 OwnerKind, Perspective, Realisation, RealisationStatus, Rollup, Scorecard)
from ekinerja.bsc.scoring import Aggregation, Polarity
from ekinerja.errors import ValidationFailed
from ekinerja.db import get_or_raise
from ekinerja.extensions import db
from ekinerja.org.models import Employee, Opd, Unit

MAX_INDICATORS_WARNING = 20
MAX_PER_OBJECTIVE_WARNING = 3
PERSPECTIVE_ORDER = {p: i for i, p in enumerate(Perspective)}


# ---------------------------------------------------------------- look-ups

def get_scorecard(scorecard_id: int) -> Scorecard:
    return get_or_raise(Scorecard, scorecard_id, "Kartu kinerja tidak ditemukan.")


def get_indicator(indicator_id: int) -> Indicator:
    return get_or_raise(Indicator, indicator_id, "Indikator tidak ditemukan.")


def find_scorecard(year: int, kind: OwnerKind, owner=None) -> Scorecard | None:
    key = Scorecard.key_for(kind, getattr(owner, "id", None))
    return db.session.scalar(select(Scorecard).where(Scorecard.year == year, Scorecard.owner_key == key))


def owner_opd_id(kind: OwnerKind, owner) -> int | None:
    if kind == OwnerKind.PROVINCE:
        return None
    if kind == OwnerKind.OPD:
        return owner.id
    if kind == OwnerKind.UNIT:
        return owner.opd_id
    if owner.position is None:
        raise ValidationFailed(f"{owner.name} tidak memegang jabatan; kartu kinerjanya belum dapat dibuat.")
    return owner.position.unit.opd_id


def new_scorecard(year: int, kind: OwnerKind, owner=None) -> Scorecard:
    """A scorecard object (not yet checked or added): default perspective weights."""
    kind = OwnerKind(kind)
    return Scorecard(
        year=year, owner_kind=kind, owner_key=Scorecard.key_for(kind, getattr(owner, "id", None)),
        opd_id=owner_opd_id(kind, owner),
        unit_id=owner.id if kind == OwnerKind.UNIT else None,
        employee_id=owner.id if kind == OwnerKind.EMPLOYEE else None,
        **DEFAULT_WEIGHTS)


def ensure_scorecard(actor, year: int, kind: OwnerKind, owner=None) -> Scorecard:
    sc = find_scorecard(year, kind, owner)
    if sc is not None:
        return sc
    if not 2000 <= int(year) <= 2100:
        raise ValidationFailed("Tahun tidak valid.", [{"field": "year", "message": "Tahun harus 2000–2100."}])
    sc = new_scorecard(int(year), kind, owner)
    if kind != OwnerKind.PROVINCE:
        sc.opd = db.session.get(Opd, sc.opd_id)
    sc.unit = owner if kind == OwnerKind.UNIT else None
    sc.employee = owner if kind == OwnerKind.EMPLOYEE else None
    require(can_scorecard(actor, "bsc.manage", sc))
    db.session.add(sc)
    db.session.flush()
    return sc


def set_weights(actor, sc: Scorecard, weights: dict[str, Decimal | None]) -> None:
    require(can_scorecard(actor, "bsc.manage", sc))
    errors = []
    for p in Perspective:
        w = weights.get(p.value)
        if w is not None and Decimal(w) <= 0:
            errors.append({"field": f"w_{p.value}", "message": "Bobot perspektif harus lebih dari 0 (kosongkan bila tidak dipakai)."})
    if errors:
        raise ValidationFailed("Bobot belum dapat disimpan.", errors)
    for p in Perspective:
        setattr(sc, f"w_{p.value}", weights.get(p.value))
    db.session.flush()


# ---------------------------------------------------------------- objectives

def save_objective(actor, sc: Scorecard, code: str, perspective: Perspective | str, name: str,
                   objective: Objective | None = None) -> Objective:
    require(can_scorecard(actor, "bsc.manage", sc))
    code, name = (code or "").strip(), (name or "").strip()
    errors = []
    if not code or len(code) > 32:
        errors.append({"field": "code", "message": "Kode sasaran wajib diisi (maks. 32 karakter)."})
    elif db.session.scalar(select(Objective.id).where(Objective.scorecard_id == sc.id, Objective.code == code,
                                                      Objective.id != getattr(objective, "id", 0))):
        errors.append({"field": "code", "message": f"Kode sasaran {code} sudah dipakai di kartu ini."})
    try:
        perspective = Perspective(perspective)
    except ValueError:
        errors.append({"field": "perspective", "message": "Perspektif tidak dikenal."})
    if not name:
        errors.append({"field": "name", "message": "Nama sasaran wajib diisi."})
    if errors:
        raise ValidationFailed("Sasaran strategis belum dapat disimpan.", errors)
    if objective is None:
        objective = Objective(scorecard=sc)
        db.session.add(objective)
    objective.code, objective.perspective, objective.name = code, perspective, name
    objective.perspective_order = PERSPECTIVE_ORDER[perspective]
    db.session.flush()
    return objective


# ---------------------------------------------------------------- indicators

@dataclass
class IndicatorInput:
    code: str
    name: str
    unit_of_measure: str
    polarity: str
    aggregation: str
    weight: object
    target: object
    target_high: object = None
    monthly_targets: list | None = None
    definition: str | None = None
    formula: str | None = None
    data_source: str | None = None
    parent_id: int | None = None
    cascade_kind: str | None = None
    rollup: str = Rollup.MANUAL.value


def to_decimal(value, field: str, errors: list, label: str, required: bool = True) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.append({"field": field, "message": f"{label} wajib diisi."})
        return None
    try:
        text = str(value).strip().replace(" ", "")
        # Accept the Indonesian way too: 1.234,5 → 1234.5
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        d = Decimal(text)
        if not d.is_finite():
            raise InvalidOperation
        return d
    except (InvalidOperation, ValueError):
        errors.append({"field": field, "message": f"{label} harus berupa angka."})
        return None


def is_above(upper: Scorecard, lower: Scorecard) -> bool:
    """domain.md §3.4: the province above every OPD, an OPD above its units and their staff, a
    unit above its sub-units and the employees in them."""
    if upper.year != lower.year or upper.id == lower.id:
        return False
    uk, lk = upper.owner_kind, lower.owner_kind
    if uk == OwnerKind.PROVINCE:
        return lk == OwnerKind.OPD
    if uk == OwnerKind.OPD:
        return lk in (OwnerKind.UNIT, OwnerKind.EMPLOYEE) and lower.opd_id == upper.opd_id
    if uk == OwnerKind.UNIT:
        if lk == OwnerKind.UNIT:
            node = lower.unit.parent
        elif lk == OwnerKind.EMPLOYEE and lower.employee.position is not None:
            node = lower.employee.position.unit
        else:
            return False
        while node is not None:
            if node.id == upper.unit_id:
                return True
            node = node.parent
    return False


def validate_indicator(sc: Scorecard, data: IndicatorInput, indicator: Indicator | None) -> tuple[list[dict], dict]:
    errors: list[dict] = []
    clean: dict = {}
    code = (data.code or "").strip()
    if not code or len(code) > 32:
        errors.append({"field": "code", "message": "Kode indikator wajib diisi (maks. 32 karakter)."})
    elif db.session.scalar(select(Indicator.id).where(Indicator.scorecard_id == sc.id, Indicator.code == code,
                                                      Indicator.id != getattr(indicator, "id", 0))):
        errors.append({"field": "code", "message": f"Kode indikator {code} sudah dipakai di kartu ini."})
    clean["code"] = code
    clean["name"] = (data.name or "").strip()
    if not clean["name"]:
        errors.append({"field": "name", "message": "Nama indikator wajib diisi."})
    clean["unit_of_measure"] = (data.unit_of_measure or "").strip()
    if not clean["unit_of_measure"]:
        errors.append({"field": "unit_of_measure", "message": "Satuan wajib diisi."})
    for name, enum_cls, label in (("polarity", Polarity, "Polaritas"), ("aggregation", Aggregation, "Konsolidasi periode"),
                                  ("rollup", Rollup, "Cara perhitungan")):
        try:
            clean[name] = enum_cls(getattr(data, name))
        except ValueError:
            allowed = ", ".join(m.value for m in enum_cls)
            errors.append({"field": name, "message": f"{label} '{getattr(data, name)}' tidak dikenal ({allowed})."})
    clean["weight"] = to_decimal(data.weight, "weight", errors, "Bobot")
    if clean["weight"] is not None and clean["weight"] <= 0:
        errors.append({"field": "weight", "message": "Bobot harus lebih dari 0."})
    clean["target"] = to_decimal(data.target, "target", errors, "Target")
    clean["target_high"] = to_decimal(data.target_high, "target_high", errors, "Batas atas target", required=False)
    if clean["target"] is not None and clean["target_high"] is not None and clean["target_high"] < clean["target"]:
        errors.append({"field": "target_high", "message": "Batas atas rentang tidak boleh lebih kecil dari target."})
    if clean.get("polarity") == Polarity.STABILIZE and clean["target_high"] is None:
        errors.append({"field": "target_high", "message": "Polaritas stabil memerlukan rentang target (isi batas atas)."})
    monthly = data.monthly_targets
    if monthly and any(v not in (None, "") for v in monthly):
        if len(monthly) != 12:
            errors.append({"field": "monthly_targets", "message": "Target bulanan harus 12 nilai (Januari–Desember)."})
            clean["monthly_targets"] = None
        else:
            clean["monthly_targets"] = [to_decimal(v, f"monthly_targets[{i}]", errors, f"Target bulan {i + 1}")
                                        for i, v in enumerate(monthly)]
    else:
        clean["monthly_targets"] = None
    for name in ("definition", "formula", "data_source"):
        clean[name] = (getattr(data, name) or "").strip() or None
    if clean["data_source"] and len(clean["data_source"]) > 255:
        errors.append({"field": "data_source", "message": "Sumber data maks. 255 karakter."})
    clean["parent"], clean["cascade_kind"] = None, None
    if data.parent_id:
        parent = db.session.get(Indicator, int(data.parent_id))
        if parent is None:
            errors.append({"field": "parent_id", "message": "Indikator induk tidak ditemukan."})
        elif not is_above(parent.scorecard, sc):
            errors.append({"field": "parent_id", "message": "Indikator induk harus dari kartu kinerja di atasnya "
                           "pada tahun yang sama (provinsi → OPD → unit → pegawai)."})
        else:
            clean["parent"] = parent
        try:
            clean["cascade_kind"] = CascadeKind(data.cascade_kind or CascadeKind.DIRECT.value)
        except ValueError:
            errors.append({"field": "cascade_kind", "message": "Jenis kaskade harus langsung atau tidak langsung."})
    elif data.cascade_kind:
        errors.append({"field": "cascade_kind", "message": "Jenis kaskade hanya untuk indikator yang memiliki induk."})
    return errors, clean


def save_indicator(actor, objective: Objective, data: IndicatorInput, indicator: Indicator | None = None) -> Indicator:
    sc = objective.scorecard
    require(can_scorecard(actor, "bsc.manage", sc))
    errors, clean = validate_indicator(sc, data, indicator)
    if errors:
        raise ValidationFailed("Indikator belum dapat disimpan.", errors)
    if indicator is None:
        indicator = Indicator(scorecard=sc, year=sc.year)
        db.session.add(indicator)
    indicator.objective = objective
    monthly = clean.pop("monthly_targets")
    parent = clean.pop("parent")
    for key, value in clean.items():
        setattr(indicator, key, value)
    indicator.parent = parent
    indicator.parent_id = parent.id if parent else None
    _set_monthly_targets(indicator, monthly)
    db.session.flush()
    return indicator


def _set_monthly_targets(indicator: Indicator, monthly: list[Decimal] | None) -> None:
    current = {t.month: t for t in indicator.monthly_targets}
    if not monthly:
        for t in list(indicator.monthly_targets):
            indicator.monthly_targets.remove(t)
        return
    for m, value in enumerate(monthly, start=1):
        if m in current:
            if current[m].value != value:
                current[m].value = value
        else:
            indicator.monthly_targets.append(MonthlyTarget(month=m, value=value))


def delete_indicator(actor, indicator: Indicator) -> None:
    require(can_scorecard(actor, "bsc.manage", indicator.scorecard))
    if indicator.children:
        raise ValidationFailed("Indikator ini sudah dikaskadekan ke bawah; hapus atau pindahkan turunannya dulu.")
    decided = db.session.scalar(
        select(func.count()).select_from(Realisation).where(
            Realisation.indicator_id == indicator.id,
            Realisation.status.in_((RealisationStatus.SUBMITTED, RealisationStatus.APPROVED))))
    if decided:
        # Submitted and approved values are the record of the year (domain.md §4): they stay.
        raise ValidationFailed(f"Indikator ini sudah memiliki {decided} realisasi yang diajukan atau disetujui; "
                               "indikator tidak dapat dihapus.")
    db.session.delete(indicator)
    db.session.flush()


def scorecard_warnings(sc: Scorecard) -> list[str]:
    """The Kemenkeu practice limits: warnings, not errors (domain.md §3)."""
    out = []
    indicators = db.session.scalars(select(Indicator).where(Indicator.scorecard_id == sc.id)).all()
    if len(indicators) > MAX_INDICATORS_WARNING:
        out.append(f"Kartu ini memiliki {len(indicators)} indikator; praktik yang dianjurkan paling banyak {MAX_INDICATORS_WARNING}.")
    per_objective: dict[int, int] = {}
    for i in indicators:
        per_objective[i.objective_id] = per_objective.get(i.objective_id, 0) + 1
    for o in sc.objectives:
        if per_objective.get(o.id, 0) > MAX_PER_OBJECTIVE_WARNING:
            out.append(f"Sasaran {o.code} memiliki {per_objective[o.id]} indikator; dianjurkan paling banyak {MAX_PER_OBJECTIVE_WARNING}.")
    return out


# ---------------------------------------------------------------- cascade (bulk)

@dataclass
class CascadeTarget:
    owner_kind: OwnerKind          # unit or employee
    owner_id: int
    target: object
    weight: object = 1
    target_high: object = None
    cascade_kind: str = CascadeKind.DIRECT.value


def cascade(actor, parent: Indicator, targets: list[CascadeTarget]) -> list[Indicator]:
    """Hand an indicator down to several subordinates at once, each with a target. Each gets a
    scorecard for the year if needed, an objective like the parent's, and an indicator linked to
    the parent; cascading again to the same subordinate updates their target. All or nothing."""
    if not targets:
        raise ValidationFailed("Pilih paling sedikit satu bawahan.", [{"field": "targets", "message": "Pilih paling sedikit satu bawahan."}])
    errors, created = [], []
    seen = set()
    for n, t in enumerate(targets):
        kind = OwnerKind(t.owner_kind)
        model = {OwnerKind.OPD: Opd, OwnerKind.UNIT: Unit, OwnerKind.EMPLOYEE: Employee}.get(kind)
        owner = db.session.get(model, t.owner_id) if model is not None else None
        if owner is None:
            errors.append({"field": f"targets[{n}]", "message": "Penerima kaskade tidak ditemukan."})
            continue
        if (kind, t.owner_id) in seen:
            errors.append({"field": f"targets[{n}]", "message": f"{owner.name} dipilih dua kali."})
            continue
        seen.add((kind, t.owner_id))
        try:
            sc = ensure_scorecard(actor, parent.year, kind, owner)
            if not is_above(parent.scorecard, sc):
                raise ValidationFailed(f"{owner.name} tidak berada di bawah {parent.scorecard.owner_name}.")
            require(can_scorecard(actor, "bsc.manage", sc))
            objective = _objective_like(actor, sc, parent.objective)
            existing = db.session.scalar(select(Indicator).where(Indicator.scorecard_id == sc.id,
                                                                 Indicator.parent_id == parent.id))
            data = IndicatorInput(
                code=existing.code if existing else _free_code(sc, parent.code),
                name=existing.name if existing else parent.name,
                unit_of_measure=parent.unit_of_measure, polarity=parent.polarity.value,
                aggregation=parent.aggregation.value, weight=t.weight, target=t.target,
                target_high=t.target_high, definition=parent.definition, formula=parent.formula,
                data_source=parent.data_source, parent_id=parent.id, cascade_kind=t.cascade_kind)
            created.append(save_indicator(actor, existing.objective if existing else objective, data, existing))
        except ValidationFailed as exc:
            for d in exc.details or [{"message": exc.message}]:
                errors.append({"field": f"targets[{n}].{d.get('field', '')}".rstrip("."),
                               "message": f"{owner.name}: {d['message']}"})
    if errors:
        raise ValidationFailed("Kaskade belum dapat disimpan; tidak ada yang diubah.", errors)
    return created


def _objective_like(actor, sc: Scorecard, objective: Objective) -> Objective:
    for o in sc.objectives:
        if o.code == objective.code:
            return o
    return save_objective(actor, sc, objective.code, objective.perspective, objective.name)


def _free_code(sc: Scorecard, base: str) -> str:
    taken = set(db.session.scalars(select(Indicator.code).where(Indicator.scorecard_id == sc.id)))
    if base not in taken:
        return base
    n = 2
    while f"{base[:28]}-{n}" in taken:
        n += 1
    return f"{base[:28]}-{n}"
