"""The monthly workflow of domain.md §4, for every edge (pages, API, Excel, CLI).

draft → submitted → approved, or submitted → returned (with a comment) → draft again. Every change
names the version the caller last saw; a stale one is refused (Conflict, 409) and changes nothing.
A closed or locked month refuses every change (Locked, 423). Services flush; the edge commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ekinerja import storage
from ekinerja.bsc import scoring
from ekinerja.bsc.cascade import counted_statuses
from ekinerja.bsc.models import (Indicator, OwnerKind, Realisation, RealisationStatus, Rollup, Scorecard)
from ekinerja.db import get_or_raise, utcnow
from ekinerja.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ekinerja.extensions import db
from ekinerja.org.models import Employee, Opd, Position, Unit
from ekinerja.realisations import approvers, notify, periods
from ekinerja.realisations.evidence import check_file
from ekinerja.realisations.models import Evidence, NotificationKind

EDITABLE = (RealisationStatus.DRAFT, RealisationStatus.RETURNED)
TEXT_LIMIT = 4000
MAX_ABS = Decimal("1e15")
STATUS_LABELS = {
    RealisationStatus.DRAFT: "Draf",
    RealisationStatus.SUBMITTED: "Diajukan",
    RealisationStatus.APPROVED: "Disetujui",
    RealisationStatus.RETURNED: "Dikembalikan",
}


def get_realisation(realisation_id: int) -> Realisation:
    return get_or_raise(Realisation, realisation_id, "Realisasi tidak ditemukan.")


def get_evidence(evidence_id: int) -> Evidence:
    return get_or_raise(Evidence, evidence_id, "Berkas bukti tidak ditemukan.")


def find(indicator: Indicator, month: int) -> Realisation | None:
    return db.session.scalar(select(Realisation).where(Realisation.indicator_id == indicator.id,
                                                       Realisation.month == month))


# ------------------------------------------------------------------ values

def parse_value(raw, field: str = "value") -> Decimal | None:
    """A number as people type it: "12.5", "12,5", "1.234,5", "1.250.000" (Indonesian), or empty."""
    if raw is None:
        return None
    if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
        value = Decimal(raw)
    else:
        text = str(raw).strip().replace(" ", "")
        if text == "":
            return None
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif text.count(".") > 1:  # 1.250.000 (Indonesian thousands); a single dot is a decimal point
            text = text.replace(".", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationFailed("Nilai realisasi tidak valid.",
                                   [{"field": field, "message": "Nilai harus berupa angka, misalnya 12,5."}]) from None
    if not value.is_finite() or abs(value) >= MAX_ABS:
        raise ValidationFailed("Nilai realisasi tidak valid.",
                               [{"field": field, "message": "Nilai terlalu besar atau tidak valid."}])
    if value != value.quantize(Decimal("0.0001")):
        raise ValidationFailed("Nilai realisasi tidak valid.",
                               [{"field": field, "message": "Nilai paling banyak 4 angka di belakang koma."}])
    return value


def _text(value: str | None, field: str, label: str, errors: list) -> str | None:
    value = (value or "").strip() or None
    if value is not None and len(value) > TEXT_LIMIT:
        errors.append({"field": field, "message": f"{label} paling panjang {TEXT_LIMIT} karakter."})
    return value


def earlier_values(indicator: Indicator, month: int) -> dict[int, Decimal]:
    """Values of months before m that count for the owner's own view (approved and submitted)."""
    rows = db.session.execute(
        select(Realisation.month, Realisation.value).where(
            Realisation.indicator_id == indicator.id, Realisation.month < month,
            Realisation.status.in_(counted_statuses(True)), Realisation.value.is_not(None)))
    return {m: v for m, v in rows}


def figures_with(indicator: Indicator, month: int, value: Decimal | None,
                 earlier: dict[int, Decimal] | None = None) -> scoring.IndicatorFigures:
    """The indicator's figures at month m if this month's value were `value`."""
    values = dict(earlier_values(indicator, month) if earlier is None else earlier)
    if value is not None:
        values[month] = value
    return scoring.indicator_figures(indicator.polarity, indicator.aggregation, indicator.target, month, values,
                                     indicator.target_high, indicator.monthly_target_list())


def is_red(figures: scoring.IndicatorFigures) -> bool:
    return figures.colour == scoring.Colour.RED


# ------------------------------------------------------------------ checks

def _scorecard(indicator: Indicator) -> Scorecard:
    return indicator.scorecard


def require_enter(actor, indicator: Indicator) -> None:
    if not approvers.can_enter(actor, _scorecard(indicator)):
        raise PermissionDenied("Anda tidak berhak mengisi realisasi indikator ini.")
    if indicator.rollup != Rollup.MANUAL:
        raise ValidationFailed("Nilai indikator ini dihitung dari indikator bawahannya.",
                               [{"field": "value", "message": "Nilai indikator ini dihitung dari indikator "
                                                              "bawahannya; tidak diisi langsung."}])


def require_decide(actor, realisation: Realisation) -> None:
    if not approvers.can_decide(actor, _scorecard(realisation.indicator)):
        raise PermissionDenied("Anda bukan atasan yang berwenang menyetujui realisasi ini.")


def _require_open(realisation_or_indicator, month: int) -> None:
    indicator = getattr(realisation_or_indicator, "indicator", realisation_or_indicator)
    periods.require_open(indicator.year, month, _scorecard(indicator).opd_id)


def _require_version(realisation: Realisation, version) -> None:
    try:
        seen = int(version)
    except (TypeError, ValueError):
        raise Conflict("Versi data tidak disertakan. Muat ulang lalu coba lagi.") from None
    if seen != realisation.version:
        raise Conflict(f"Realisasi ini telah diubah (versi {realisation.version}, Anda melihat versi {seen}). "
                       "Muat ulang halaman untuk melihat perubahan terbaru, lalu coba lagi.")


def _bump(realisation: Realisation) -> None:
    realisation.version = realisation.version + 1


def flush() -> None:
    """Flush, turning a concurrent change (another request won the race) into a Conflict."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict() from None
    except IntegrityError as exc:
        db.session.rollback()
        if "uq_realisation_indicator_id" in str(exc.orig) or "UNIQUE" in str(exc.orig).upper():
            raise Conflict("Realisasi bulan ini baru saja dibuat oleh pengguna lain. Muat ulang lalu coba lagi.") from None
        raise


# ------------------------------------------------------------------ entry

@dataclass
class Entry:
    value: object = None
    note: str | None = None
    reason: str | None = None
    follow_up: str | None = None


def save(actor, indicator: Indicator, month: int, entry: Entry, version=None) -> Realisation:
    """Create or change this month's draft (or returned) value. Returns the realisation."""
    if not 1 <= int(month) <= 12:
        raise ValidationFailed("Bulan tidak valid.", [{"field": "month", "message": "Bulan harus 1–12."}])
    require_enter(actor, indicator)
    _require_open(indicator, month)
    errors: list[dict] = []
    try:
        value = parse_value(entry.value)
    except ValidationFailed as exc:
        errors.extend(exc.details)
        value = None
    note = _text(entry.note, "note", "Catatan", errors)
    reason = _text(entry.reason, "reason", "Faktor penghambat", errors)
    follow_up = _text(entry.follow_up, "follow_up", "Tindak lanjut", errors)
    if errors:
        raise ValidationFailed("Periksa kembali isian realisasi.", errors)
    current = find(indicator, month)
    if current is None:
        if version not in (None, "", 0, "0"):
            raise Conflict("Realisasi ini tidak ada pada versi yang Anda lihat. Muat ulang lalu coba lagi.")
        current = Realisation(indicator_id=indicator.id, month=month, status=RealisationStatus.DRAFT, version=1,
                              value=value, note=note, reason=reason, follow_up=follow_up)
        current.indicator = indicator
        db.session.add(current)
        flush()
        return current
    if version in (None, ""):
        # The client believed there was nothing yet: another tab or person created it meanwhile.
        raise Conflict(f"Realisasi bulan ini sudah diisi (versi {current.version}). "
                       "Muat ulang halaman untuk melihatnya, lalu coba lagi.")
    _require_version(current, version)
    if current.status not in EDITABLE:
        raise InvalidTransition("Realisasi yang sudah diajukan atau disetujui tidak dapat diubah.")
    changed = False
    for attr, new in (("value", value), ("note", note), ("reason", reason), ("follow_up", follow_up)):
        if getattr(current, attr) != new:
            setattr(current, attr, new)
            changed = True
    if current.status == RealisationStatus.RETURNED and changed:
        current.status = RealisationStatus.DRAFT  # corrected after a return: a draft again
    if changed:
        _bump(current)
        flush()
    return current


def submit(actor, realisation: Realisation, version) -> Realisation:
    indicator = realisation.indicator
    require_enter(actor, indicator)
    _require_version(realisation, version)
    if realisation.status not in EDITABLE:
        raise InvalidTransition("Hanya draf atau realisasi yang dikembalikan yang dapat diajukan.")
    _require_open(realisation, realisation.month)
    errors = []
    if realisation.value is None:
        errors.append({"field": "value", "message": "Isi nilai realisasi sebelum diajukan."})
    else:
        figures = figures_with(indicator, realisation.month, realisation.value)
        if is_red(figures):
            if not realisation.reason:
                errors.append({"field": "reason", "message": "Capaian merah (di bawah 80%): faktor penghambat wajib diisi."})
            if not realisation.follow_up:
                errors.append({"field": "follow_up", "message": "Capaian merah (di bawah 80%): tindak lanjut wajib diisi."})
    if errors:
        raise ValidationFailed("Realisasi belum dapat diajukan.", errors)
    realisation.status = RealisationStatus.SUBMITTED
    realisation.submitted_at = utcnow()
    realisation.decided_at = None
    realisation.decided_by_id = None
    _bump(realisation)
    flush()
    who = getattr(actor, "display_name", None) or "Pegawai"
    notify.notify(approvers.approver_users(indicator.scorecard), NotificationKind.SUBMITTED, realisation,
                  f"{who} mengajukan realisasi {periods.month_name(indicator.year, realisation.month)} "
                  f"untuk {indicator.code} {indicator.name}.")
    return realisation


def save_and_submit(actor, indicator: Indicator, month: int, entry: Entry, version=None) -> Realisation:
    realisation = save(actor, indicator, month, entry, version)
    return submit(actor, realisation, realisation.version)


def _decide(actor, realisation: Realisation, version) -> None:
    require_decide(actor, realisation)
    _require_version(realisation, version)
    if realisation.status != RealisationStatus.SUBMITTED:
        raise InvalidTransition("Hanya realisasi yang sedang diajukan yang dapat disetujui atau dikembalikan.")
    _require_open(realisation, realisation.month)


def approve(actor, realisation: Realisation, version) -> Realisation:
    _decide(actor, realisation, version)
    realisation.status = RealisationStatus.APPROVED
    realisation.decided_at = utcnow()
    realisation.decided_by_id = getattr(actor, "id", None)
    realisation.return_comment = None
    _bump(realisation)
    flush()
    ind = realisation.indicator
    notify.notify(approvers.owner_users(ind.scorecard), NotificationKind.APPROVED, realisation,
                  f"Realisasi {periods.month_name(ind.year, realisation.month)} untuk {ind.code} {ind.name} disetujui.")
    return realisation


def return_(actor, realisation: Realisation, version, comment: str | None) -> Realisation:
    comment = (comment or "").strip()
    _decide(actor, realisation, version)
    if not comment:
        raise ValidationFailed("Catatan pengembalian wajib diisi.",
                               [{"field": "comment", "message": "Tuliskan apa yang perlu diperbaiki."}])
    if len(comment) > TEXT_LIMIT:
        raise ValidationFailed("Catatan pengembalian terlalu panjang.",
                               [{"field": "comment", "message": f"Paling panjang {TEXT_LIMIT} karakter."}])
    realisation.status = RealisationStatus.RETURNED
    realisation.return_comment = comment
    realisation.decided_at = utcnow()
    realisation.decided_by_id = getattr(actor, "id", None)
    _bump(realisation)
    flush()
    ind = realisation.indicator
    notify.notify(approvers.owner_users(ind.scorecard), NotificationKind.RETURNED, realisation,
                  f"Realisasi {periods.month_name(ind.year, realisation.month)} untuk {ind.code} {ind.name} "
                  f"dikembalikan: {comment}")
    return realisation


def approve_many(actor, items: list[tuple[int, int]]) -> list[Realisation]:
    """Approve several (id, version) at once: all of them, or none when one is refused."""
    if not items:
        raise ValidationFailed("Pilih sekurang-kurangnya satu realisasi.",
                               [{"field": "items", "message": "Pilih sekurang-kurangnya satu realisasi."}])
    done = []
    for rid, version in items:
        realisation = get_realisation(rid)
        try:
            done.append(approve(actor, realisation, version))
        except (Conflict, InvalidTransition, PermissionDenied) as exc:
            ind = realisation.indicator
            exc.message = f"{ind.code} ({periods.month_name(ind.year, realisation.month)}): {exc.message} " \
                          "Tidak ada yang disetujui."
            raise
    return done


# ------------------------------------------------------------------ evidence

def add_evidence(actor, realisation: Realisation, data: bytes, filename: str | None, version) -> Evidence:
    from flask import current_app

    require_enter(actor, realisation.indicator)
    _require_version(realisation, version)
    if realisation.status not in EDITABLE:
        raise InvalidTransition("Bukti hanya dapat ditambahkan pada draf atau realisasi yang dikembalikan.")
    _require_open(realisation, realisation.month)
    limit = current_app.config["EVIDENCE_MAX_FILES"]
    if len(realisation.evidence) >= limit:
        raise ValidationFailed("Terlalu banyak berkas bukti.",
                               [{"field": "file", "message": f"Paling banyak {limit} berkas bukti per realisasi."}])
    checked = check_file(data, filename)
    key = storage.save(checked.data, "evidence")
    row = Evidence(realisation=realisation, original_name=checked.name, storage_key=key,
                   content_type=checked.type.content_type, size_bytes=len(checked.data), sha256=checked.sha256,
                   uploaded_by_id=getattr(actor, "id", None))
    db.session.add(row)
    if realisation.status == RealisationStatus.RETURNED:
        realisation.status = RealisationStatus.DRAFT
    _bump(realisation)
    try:
        flush()
    except Exception:
        storage.delete(key)  # nothing saved points at it
        raise
    _forget_file_on_rollback(key)
    return row


def _forget_file_on_rollback(key: str) -> None:
    """A file written for a transaction that is then rolled back is removed again."""
    pending = db.session.info.setdefault("stored_files", [])
    pending.append(key)


def remove_evidence(actor, evidence: Evidence, version) -> None:
    realisation = evidence.realisation
    require_enter(actor, realisation.indicator)
    _require_version(realisation, version)
    if realisation.status not in EDITABLE:
        raise InvalidTransition("Bukti realisasi yang sudah diajukan atau disetujui tidak dapat dihapus.")
    _require_open(realisation, realisation.month)
    db.session.delete(evidence)
    _bump(realisation)
    flush()
    db.session.info.setdefault("deleted_files", []).append(evidence.storage_key)


def can_view(actor, realisation: Realisation) -> bool:
    from ekinerja.auth.permissions import can_scorecard

    scorecard = realisation.indicator.scorecard
    return (can_scorecard(actor, "bsc.view", scorecard) or approvers.can_enter(actor, scorecard)
            or approvers.can_decide(actor, scorecard))


def evidence_file(actor, evidence: Evidence) -> bytes:
    if not can_view(actor, evidence.realisation):
        raise PermissionDenied("Anda tidak berhak melihat bukti ini.")
    return storage.read(evidence.storage_key)


# ------------------------------------------------------------------ lists

def enterable_scorecards(actor, year: int) -> list[Scorecard]:
    """Scorecards of the year whose values the user enters himself: his own, the unit he heads,
    the OPD he operates, the province (governor's office)."""
    from ekinerja.auth.models import Role

    conditions = []
    if actor.employee_id is not None:
        conditions.append(Scorecard.employee_id == actor.employee_id)
        post = actor.employee.position
        if post is not None and post.head_of_unit_id is not None:
            if post.unit.parent_id is None:
                conditions.append((Scorecard.owner_kind == OwnerKind.OPD) & (Scorecard.opd_id == post.unit.opd_id))
            else:
                conditions.append((Scorecard.owner_kind == OwnerKind.UNIT) & (Scorecard.unit_id == post.head_of_unit_id))
    operator_opds = [r.opd_id for r in actor.roles if r.role == Role.OPD_OPERATOR]
    if operator_opds:
        conditions.append((Scorecard.owner_kind == OwnerKind.OPD) & Scorecard.opd_id.in_(operator_opds))
    if any(r.role == Role.GOVERNOR_OFFICE for r in actor.roles):
        conditions.append(Scorecard.owner_kind == OwnerKind.PROVINCE)
    if not conditions:
        return []
    cards = db.session.scalars(select(Scorecard).where(Scorecard.year == year, or_(*conditions))).all()
    order = {OwnerKind.EMPLOYEE: 0, OwnerKind.UNIT: 1, OwnerKind.OPD: 2, OwnerKind.PROVINCE: 3}
    return sorted(cards, key=lambda c: (order[c.owner_kind], c.id))


def _deciding_loads():
    """What approvers.can_decide reads of each row (the owner's post, its unit and that unit's
    heads and their holders), loaded with the rows in a fixed number of queries."""
    card = selectinload(Realisation.indicator).selectinload(Indicator.scorecard)
    unit = card.selectinload(Scorecard.employee).selectinload(Employee.position).selectinload(Position.unit)
    return [unit.selectinload(Unit.positions).selectinload(Position.holder),
            card.selectinload(Scorecard.unit).selectinload(Unit.positions).selectinload(Position.holder),
            card.selectinload(Scorecard.opd)]


def inbox_query(actor, year: int | None = None, month: int | None = None):
    """A select of the submitted realisations the user decides (with indicator and scorecard), or
    None when there is nothing the user could decide.

    The scorecards come first, each kind of owner by its own index (one arm of a UNION ALL per
    kind), then their indicators' submitted values by the (indicator, month) key: never the
    province's submitted values filtered afterwards, nor a scan of every scorecard."""
    subs = approvers.subordinates(actor)
    card_sets = []
    if subs.employee_ids:
        card_sets.append(select(Scorecard.id).where(Scorecard.employee_id.in_(subs.employee_ids)))
    if subs.unit_ids:
        card_sets.append(select(Scorecard.id).where(Scorecard.unit_id.in_(subs.unit_ids),
                                                    Scorecard.owner_kind == OwnerKind.UNIT))
    if subs.opd_ids:
        card_sets.append(select(Scorecard.id).where(Scorecard.opd_id.in_(subs.opd_ids),
                                                    Scorecard.owner_kind == OwnerKind.OPD))
    if subs.governor_office:
        # The province's IKU, and the OPD heads' own indicators (their superior is the governor).
        opd_heads = db.session.scalars(
            select(Employee.id).join(Position, Employee.position_id == Position.id)
            .join(Unit, Position.head_of_unit_id == Unit.id).where(Unit.parent_id.is_(None))).all()
        card_sets.append(select(Scorecard.id).where(Scorecard.owner_kind == OwnerKind.PROVINCE))
        if opd_heads:
            card_sets.append(select(Scorecard.id).where(Scorecard.employee_id.in_(opd_heads)))
        # Where the OPD head's post is vacant, decisions with no held head above fall to the office.
        headed_opds = (select(Unit.opd_id).join(Position, Position.head_of_unit_id == Unit.id)
                       .join(Employee, Employee.position_id == Position.id).where(Unit.parent_id.is_(None)))
        vacant = db.session.scalars(select(Opd.id).where(Opd.id.not_in(headed_opds))).all()
        if vacant:
            card_sets.append(select(Scorecard.id).where(Scorecard.opd_id.in_(vacant)))
    if not card_sets:
        return None
    # Read here, not nested: MariaDB would test a nested UNION against every scorecard in turn.
    cards = db.session.scalars(card_sets[0] if len(card_sets) == 1 else union_all(*card_sets)).all()
    if not cards:
        return None
    wanted = select(Indicator.id).where(Indicator.scorecard_id.in_(cards))
    if year is not None:
        wanted = wanted.where(Indicator.year == year)
    q = (select(Realisation).join(Indicator, Realisation.indicator_id == Indicator.id)
         .join(Scorecard, Indicator.scorecard_id == Scorecard.id)
         .where(Realisation.status == RealisationStatus.SUBMITTED, Realisation.indicator_id.in_(wanted))
         .options(*_deciding_loads())
         .order_by(Realisation.submitted_at, Realisation.id))
    if month is not None:
        q = q.where(Realisation.month == month)
    return q


def inbox(actor, year: int | None = None, month: int | None = None) -> list[Realisation]:
    q = inbox_query(actor, year, month)
    if q is None:
        return []
    # The query finds candidates by the organisation; can_decide is the final word for each.
    return [r for r in db.session.scalars(q) if approvers.can_decide(actor, r.indicator.scorecard)]
