"""Perjanjian Kinerja (domain.md §6, PermenPANRB 53/2014): its content, made from the scorecards of
the two parties, and its registration with the shared lifecycle.

Targets come from the first party's scorecard: the OPD's for an OPD head, the unit's for the head of
a unit (eselon III, IV), the employee's own otherwise; quarterly targets (TW I–IV) are the targets
at months 3, 6, 9 and 12 (domain.md §3.2). Programmes and their budget are written by hand.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from ekinerja.bsc import scoring
from ekinerja.bsc.models import Indicator, Objective, OwnerKind, Scorecard
from ekinerja.contracts.models import Agreement, AgreementVersion, Level, PkProgramme, PkTarget
from ekinerja.errors import NotFound, ValidationFailed
from ekinerja.extensions import db

MAX_BUDGET = Decimal("1e15")

# What the attachment's two tables call their first column at each level (PermenPANRB 53/2014:
# an OPD head commits to strategic objectives and programmes, eselon III to programme objectives
# and activities, eselon IV to activity objectives and sub-activities).
TABLE_LABELS = {
    Level.GOVERNOR_OPD: ("Sasaran Strategis", "Program"),
    Level.OPD_ESELON3: ("Sasaran Program", "Kegiatan"),
    Level.ESELON3_ESELON4: ("Sasaran Kegiatan", "Sub Kegiatan"),
    Level.ESELON4_STAFF: ("Sasaran Kinerja", "Kegiatan"),
}


def labels(level: Level) -> tuple[str, str]:
    """(objective column, programme column) of the attachment at this level."""
    return TABLE_LABELS[level]


def total_budget(version: AgreementVersion) -> Decimal:
    return sum((p.budget for p in version.pk_programmes), start=Decimal(0))


def amount_text(value) -> str:
    """An amount in rupiah the Indonesian way: whole rupiah "1.250.000.000", with sen "1.250,50"."""
    from ekinerja.web import format_number_id

    if value is None:
        return "–"
    value = Decimal(value)
    return format_number_id(value, 0 if value == value.to_integral_value() else 2)


def source_scorecard(agreement: Agreement) -> Scorecard | None:
    """The first party's scorecard of the year that the agreement's targets come from."""
    post = agreement.first_position
    if agreement.level == Level.GOVERNOR_OPD:
        key = Scorecard.key_for(OwnerKind.OPD, agreement.opd_id)
    elif post.head_of_unit_id is not None:
        key = Scorecard.key_for(OwnerKind.UNIT, post.head_of_unit_id)
    else:
        key = None
    card = db.session.scalar(select(Scorecard).where(Scorecard.year == agreement.year, Scorecard.owner_key == key)) \
        if key else None
    if card is None and post.holder is not None:
        card = db.session.scalar(select(Scorecard).where(
            Scorecard.year == agreement.year, Scorecard.owner_key == Scorecard.key_for(OwnerKind.EMPLOYEE, post.holder.id)))
    return card


def quarterly(ind: Indicator) -> list[Decimal]:
    monthly = ind.monthly_target_list()
    return [scoring.target_at(ind.aggregation, ind.target, 3 * q, monthly) for q in (1, 2, 3, 4)]


def generate_targets(version: AgreementVersion) -> int:
    """(Re)make the attachment's rows from the first party's scorecard; returns how many. Only a
    draft or a returned version: what was submitted is what the reviewer reads."""
    from ekinerja.contracts.services import require_editable

    require_editable(version)
    card = source_scorecard(version.agreement)
    if card is None:
        raise ValidationFailed("Kartu kinerja pihak pertama belum ada.",
                               [{"field": "targets", "message": "Susun kartu kinerja tahun ini terlebih dahulu."}])
    rows = db.session.execute(
        select(Indicator, Objective).join(Objective, Indicator.objective_id == Objective.id)
        .where(Indicator.scorecard_id == card.id)
        .order_by(Objective.perspective_order, Objective.code, Indicator.code)).all()
    for old in list(version.pk_targets):
        version.pk_targets.remove(old)
    db.session.flush()
    for i, (ind, obj) in enumerate(rows, start=1):
        q = quarterly(ind)
        version.pk_targets.append(PkTarget(position=i, indicator_id=ind.id, objective=obj.name, indicator=ind.name,
                                           unit_of_measure=ind.unit_of_measure, target=ind.target,
                                           q1=q[0], q2=q[1], q3=q[2], q4=q[3]))
    db.session.flush()
    return len(rows)


_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_rupiah(raw) -> Decimal | None:
    """An amount as people type it: "Rp 1.250.000.000", "1.250", "1250000", "1.250,50". Without a
    comma, dots in groups of three are thousands (1.250 is Rp 1.250, not Rp 1,25). Empty: None.
    Whether the amount is allowed (not negative, not too large, whole sen) is save_programme's."""
    text = re.sub(r"^rp\.?", "", str(raw if raw is not None else "").strip().replace(" ", ""), flags=re.I)
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(text) or text.count(".") > 1:
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationFailed("Anggaran tidak valid.", [
            {"field": "budget", "message": "Anggaran harus berupa angka rupiah, misalnya 1.250.000.000."}])
    return value


def _own_row(version: AgreementVersion, row: PkProgramme | None) -> None:
    if row is not None and row.version_id != version.id:
        raise NotFound("Program tidak ditemukan pada versi perjanjian ini.")


def save_programme(version: AgreementVersion, programme: str, budget, note: str | None,
                   row: PkProgramme | None = None) -> PkProgramme:
    """Add a programme with its budget (row=None) or change one of the version's."""
    from ekinerja.contracts.services import require_editable

    _own_row(version, row)
    require_editable(version)
    errors = []
    programme = (programme or "").strip()
    if not programme:
        errors.append({"field": "programme", "message": "Nama program/kegiatan wajib diisi."})
    elif len(programme) > 500:
        errors.append({"field": "programme", "message": "Nama program/kegiatan paling panjang 500 karakter."})
    try:
        amount = parse_rupiah(budget)
    except ValidationFailed as exc:
        errors.extend(exc.details)
        amount = None
    if amount is None and not any(e["field"] == "budget" for e in errors):
        errors.append({"field": "budget", "message": "Anggaran wajib diisi (dalam rupiah)."})
    elif amount is not None and amount < 0:
        errors.append({"field": "budget", "message": "Anggaran harus 0 atau lebih."})
    elif amount is not None and amount >= MAX_BUDGET:
        errors.append({"field": "budget", "message": "Anggaran terlalu besar."})
    elif amount is not None and amount != amount.quantize(Decimal("0.01")):
        errors.append({"field": "budget", "message": "Anggaran paling banyak dua angka di belakang koma."})
    note = (note or "").strip() or None
    if note and len(note) > 500:
        errors.append({"field": "note", "message": "Keterangan paling panjang 500 karakter."})
    if errors:
        raise ValidationFailed("Periksa kembali isian program.", errors)
    if row is None:
        row = PkProgramme(position=max((p.position for p in version.pk_programmes), default=0) + 1)
        version.pk_programmes.append(row)
    row.programme, row.budget, row.note = programme, amount, note
    db.session.flush()
    return row


def remove_programme(version: AgreementVersion, row: PkProgramme) -> None:
    from ekinerja.contracts.services import require_editable

    _own_row(version, row)
    require_editable(version)
    version.pk_programmes.remove(row)
    db.session.flush()


# ------------------------------------------------------------------ the lifecycle's hooks

def _copy(source: AgreementVersion, target: AgreementVersion) -> None:
    for t in source.pk_targets:
        target.pk_targets.append(PkTarget(position=t.position, indicator_id=t.indicator_id, objective=t.objective,
                                          indicator=t.indicator, unit_of_measure=t.unit_of_measure, target=t.target,
                                          q1=t.q1, q2=t.q2, q3=t.q3, q4=t.q4))
    for p in source.pk_programmes:
        target.pk_programmes.append(PkProgramme(position=p.position, programme=p.programme, budget=p.budget,
                                                note=p.note))


def _check(version: AgreementVersion) -> list[dict]:
    if not version.pk_targets:
        return [{"field": "targets", "message": "Lampiran indikator kinerja masih kosong; ambil dari kartu kinerja."}]
    return []


def _rows(version: AgreementVersion) -> dict[str, list[tuple[str, ...]]]:
    from ekinerja.web import format_number_id as n

    return {
        "Indikator kinerja": [(t.indicator, t.objective, f"{n(t.target)} {t.unit_of_measure}",
                               " / ".join(n(q) for q in (t.q1, t.q2, t.q3, t.q4))) for t in version.pk_targets],
        "Program dan anggaran": [(p.programme, amount_text(p.budget), p.note or "") for p in version.pk_programmes],
    }


def _render(version: AgreementVersion, paper: str) -> bytes:
    from ekinerja.contracts.pdf import render_pk

    return render_pk(version)


def _content():
    from ekinerja.contracts.services import Content

    return Content(copy=_copy, check=_check, render=_render, rows=_rows, papers=("A4",))


CONTENT = _content()
