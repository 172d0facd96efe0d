"""Actions on A3 agreements (domain.md §5): starting one, the Attitude, Attention and Action items
of a version (added, changed, removed, reordered while it is a draft or returned), and printing all
agreed A3s of the year at once for the signing day.

Who may change the content is the lifecycle's rule (contracts.services.can_draft); whether the
version may still change is require_editable. Texts are copied into every item when it is saved
(indicator name, unit, the IKU it serves, the responsible unit), so that a signed version reads as
it was signed whatever happens to the scorecard later. Services flush; the edge commits.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ekinerja import storage
from ekinerja.a3.models import A3Action, A3Attention, A3Attitude, ProgrammeKind
from ekinerja.bsc import scoring
from ekinerja.bsc import services as bsc
from ekinerja.bsc.models import Indicator, Objective, OwnerKind, Scorecard
from ekinerja.contracts import services as cs
from ekinerja.contracts.models import Agreement, AgreementVersion, DocumentKind, Level, VersionStatus
from ekinerja.contracts.pk import MAX_BUDGET, source_scorecard
from ekinerja.errors import NotFound, PermissionDenied, ValidationFailed
from ekinerja.extensions import db
from ekinerja.org.models import Opd, Position, Unit

SECTIONS = {"attitude": A3Attitude, "attention": A3Attention, "action": A3Action}
SECTION_LABELS = {"attitude": "Attitude", "attention": "Attention", "action": "Action"}
COMMITMENT_LIMIT = 2000
LEVEL_ORDER = {level: i for i, level in enumerate(Level)}


# ------------------------------------------------------------------ look-ups

def get_a3_version(version_id: int) -> AgreementVersion:
    version = cs.get_version(version_id)
    if version.agreement.kind != DocumentKind.A3:
        raise NotFound("Versi perjanjian A3 tidak ditemukan.")
    return version


def get_item(version: AgreementVersion, section: str, item_id: int):
    """An item of the version's section; another version's item is not found here."""
    model = SECTIONS.get(section)
    item = db.session.get(model, item_id) if model is not None else None
    if item is None or item.version_id != version.id:
        raise NotFound("Butir perjanjian A3 tidak ditemukan.")
    return item


def items_of(version: AgreementVersion, section: str) -> list:
    return {"attitude": version.a3_attitudes, "attention": version.a3_attentions,
            "action": version.a3_actions}[section]


def province_scorecard(year: int) -> Scorecard | None:
    return bsc.find_scorecard(year, OwnerKind.PROVINCE)


def scorecard_above(agreement: Agreement) -> Scorecard | None:
    """Where a new Action's indicator is cascaded from: the province's IKU for the governor's A3;
    below the OPD, the scorecard of the second party (the superior's unit, or the OPD's)."""
    if agreement.level == Level.GOVERNOR_OPD:
        return province_scorecard(agreement.year)
    second = agreement.second_position
    if second is None:
        return None
    if second.head_of_unit_id is not None:
        unit = second.unit
        if unit.parent_id is None:
            return bsc.find_scorecard(agreement.year, OwnerKind.OPD, agreement.opd)
        return bsc.find_scorecard(agreement.year, OwnerKind.UNIT, unit)
    return bsc.find_scorecard(agreement.year, OwnerKind.EMPLOYEE, second.holder) if second.holder else None


def card_owner(agreement: Agreement) -> tuple[OwnerKind, int]:
    """Whose scorecard the first party's Actions live on (the same rule as pk.source_scorecard)."""
    post = agreement.first_position
    if agreement.level == Level.GOVERNOR_OPD:
        return OwnerKind.OPD, agreement.opd_id
    if post.head_of_unit_id is not None:
        return OwnerKind.UNIT, post.head_of_unit_id
    if post.holder is None:
        raise ValidationFailed("Jabatan pihak pertama kosong; kartu kinerjanya belum dapat dibuat.",
                               [{"field": "parent_id", "message": "Jabatan pihak pertama belum dipegang pejabat."}])
    return OwnerKind.EMPLOYEE, post.holder.id


def indicators_of(card: Scorecard | None) -> list[Indicator]:
    """A scorecard's indicators in the order of the scorecard page (perspective, objective, code)."""
    if card is None:
        return []
    return db.session.scalars(
        select(Indicator).join(Objective, Indicator.objective_id == Objective.id)
        .where(Indicator.scorecard_id == card.id)
        .options(selectinload(Indicator.objective), selectinload(Indicator.monthly_targets))
        .order_by(Objective.perspective_order, Objective.code, Indicator.code)).all()


def _label(obj) -> str:
    return f"{obj.code} {obj.name}"


# ------------------------------------------------------------------ starting an A3

def start(actor, year: int, position: Position) -> Agreement:
    """A new A3 of the year for the post, its first version prefilled from the post's scorecard."""
    from ekinerja.a3.content import prefill

    if not 2000 <= int(year) <= 2100:
        raise ValidationFailed("Tahun tidak valid.", [{"field": "year", "message": "Tahun harus 2000–2100."}])
    agreement = cs.create(actor, DocumentKind.A3, int(year), position)
    prefill(agreement.latest)
    return agreement


# ------------------------------------------------------------------ the common guard

def _drafting(actor, version: AgreementVersion) -> Agreement:
    """The first party's side may change the content, and only while it is a draft or returned."""
    agreement = version.agreement
    if agreement.kind != DocumentKind.A3:
        raise NotFound("Versi perjanjian A3 tidak ditemukan.")
    if not cs.can_draft(actor, agreement):
        raise PermissionDenied("Anda tidak berhak mengubah isi perjanjian A3 ini.")
    cs.require_editable(version)
    return agreement


def _text(value, field: str, label: str, limit: int, errors: list, required: bool = True) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            errors.append({"field": field, "message": f"{label} wajib diisi."})
        return None
    if len(value) > limit:
        errors.append({"field": field, "message": f"{label} paling panjang {limit} karakter."})
    return value


def _number(raw, field: str, label: str, errors: list, required: bool = False) -> Decimal | None:
    from ekinerja.realisations.services import parse_value

    try:
        value = parse_value(raw, field)
    except ValidationFailed:
        errors.append({"field": field, "message": f"{label} harus berupa angka, misalnya 12,5 (paling banyak 4 "
                                                  "angka di belakang koma)."})
        return None
    if value is None and required:
        errors.append({"field": field, "message": f"{label} wajib diisi."})
    return value


def _append(version: AgreementVersion, section: str, item) -> None:
    items = items_of(version, section)
    item.position = max((i.position for i in items), default=0) + 1
    items.append(item)


# ------------------------------------------------------------------ Attitude

def save_attitude(actor, version: AgreementVersion, commitment: str | None, measure: str | None = None,
                  item: A3Attitude | None = None) -> A3Attitude:
    """A commitment of conduct, with an optional measure of it."""
    _drafting(actor, version)
    errors: list[dict] = []
    commitment = _text(commitment, "commitment", "Komitmen sikap", COMMITMENT_LIMIT, errors)
    measure = _text(measure, "indicator", "Ukuran", 500, errors, required=False)
    if errors:
        raise ValidationFailed("Periksa kembali isian Attitude.", errors)
    if item is None:
        item = A3Attitude()
        _append(version, "attitude", item)
    item.commitment, item.indicator = commitment, measure
    db.session.flush()
    return item


# ------------------------------------------------------------------ Attention

def attention_choices(year: int) -> list[tuple[Objective, list[Indicator]]]:
    """What an Attention item may serve: the province's objectives and their IKU of the year."""
    card = province_scorecard(year)
    if card is None:
        return []
    indicators = indicators_of(card)
    by_objective: dict[int, list[Indicator]] = {}
    for ind in indicators:
        by_objective.setdefault(ind.objective_id, []).append(ind)
    return [(o, by_objective.get(o.id, [])) for o in card.objectives]


def save_attention(actor, version: AgreementVersion, programme: str | None, kind: ProgrammeKind | str | None,
                   objective_id: int | None = None, indicator_id: int | None = None,
                   item: A3Attention | None = None) -> A3Attention:
    """A priority programme of the province, linked to the province objective or IKU it serves
    (of the agreement's year: checked here, since the database cannot)."""
    agreement = _drafting(actor, version)
    errors: list[dict] = []
    programme = _text(programme, "programme", "Nama program", 500, errors)
    try:
        kind = ProgrammeKind(kind)
    except ValueError:
        errors.append({"field": "kind", "message": "Pilih jenis program: strategis atau unggulan."})
    objective = indicator = None
    if bool(objective_id) == bool(indicator_id):
        errors.append({"field": "serves", "message": "Pilih satu sasaran strategis atau IKU provinsi yang didukung."})
    elif indicator_id:
        indicator = db.session.get(Indicator, int(indicator_id))
        if indicator is None or indicator.scorecard.owner_kind != OwnerKind.PROVINCE or indicator.year != agreement.year:
            errors.append({"field": "serves", "message": f"Pilih IKU provinsi tahun {agreement.year}."})
            indicator = None
    else:
        objective = db.session.get(Objective, int(objective_id))
        if objective is None or objective.scorecard.owner_kind != OwnerKind.PROVINCE \
                or objective.scorecard.year != agreement.year:
            errors.append({"field": "serves", "message": f"Pilih sasaran strategis provinsi tahun {agreement.year}."})
            objective = None
    if errors:
        raise ValidationFailed("Periksa kembali isian Attention.", errors)
    if item is None:
        item = A3Attention()
        _append(version, "attention", item)
    item.programme, item.kind = programme, kind
    if indicator is not None:
        item.indicator_id, item.objective_id, item.serves = indicator.id, indicator.objective_id, _label(indicator)
    else:
        item.indicator_id, item.objective_id, item.serves = None, objective.id, _label(objective)
    db.session.flush()
    return item


# ------------------------------------------------------------------ Action

@dataclass
class ActionInput:
    """An Action as typed. Either `indicator_id` picks an indicator of the first party's scorecard,
    or `parent_id` names the indicator above it serves and a new indicator is made from `action`
    (its name) and `unit_of_measure`, cascaded from that parent. Empty targets take the
    indicator's: the annual target, and for TW I–IV its targets at months 3, 6, 9 and 12."""

    indicator_id: int | None = None
    parent_id: int | None = None
    action: str | None = None
    unit_of_measure: str | None = None
    target: object = None
    q1: object = None
    q2: object = None
    q3: object = None
    q4: object = None
    budget: object = None
    responsible_unit_id: int | None = None
    due_month: object = 12


def quarterly_targets(indicator: Indicator, target: Decimal | None = None) -> list[Decimal]:
    """The targets at months 3, 6, 9 and 12; with another annual target than the indicator's, the
    monthly targets no longer apply and the rule without them does (T·m/12 or T)."""
    annual = indicator.target if target is None else target
    monthly = indicator.monthly_target_list() if annual == indicator.target else None
    return [scoring.target_at(indicator.aggregation, annual, 3 * q, monthly).quantize(Decimal("0.0001"))
            for q in (1, 2, 3, 4)]


def action_choices(agreement: Agreement) -> list[Indicator]:
    """The indicators an Action may pick: those of the first party's scorecard of the year."""
    return indicators_of(source_scorecard(agreement))


def parent_choices(agreement: Agreement) -> list[Indicator]:
    """The indicators a new Action's indicator may be cascaded from (scorecard_above)."""
    return indicators_of(scorecard_above(agreement))


def unit_choices(agreement: Agreement) -> list[Unit]:
    return db.session.scalars(select(Unit).where(Unit.opd_id == agreement.opd_id).order_by(Unit.code)).all()


def _check_action(agreement: Agreement, version: AgreementVersion, data: ActionInput, item: A3Action | None,
                  errors: list) -> dict:
    clean: dict = {}
    card = source_scorecard(agreement)
    if data.indicator_id and data.parent_id:
        errors.append({"field": "indicator_id", "message": "Pilih indikator yang ada atau buat indikator baru, "
                                                           "tidak keduanya."})
    elif data.indicator_id:
        indicator = db.session.get(Indicator, int(data.indicator_id))
        if indicator is None or card is None or indicator.scorecard_id != card.id:
            errors.append({"field": "indicator_id", "message": "Pilih indikator dari kartu kinerja "
                                                               f"{card.owner_name if card else 'pihak pertama'} "
                                                               f"tahun {agreement.year}."})
        else:
            used = next((a for a in version.a3_actions if a.indicator_id == indicator.id and a is not item), None)
            if used is not None:
                errors.append({"field": "indicator_id", "message": f"Indikator {indicator.code} sudah menjadi "
                                                                   f"Action nomor {used.position}."})
            clean["indicator"] = indicator
    elif data.parent_id:
        above = scorecard_above(agreement)
        parent = db.session.get(Indicator, int(data.parent_id))
        if parent is None or above is None or parent.scorecard_id != above.id:
            where = f"kartu kinerja {above.owner_name}" if above else "kartu kinerja di atasnya"
            errors.append({"field": "parent_id", "message": f"Pilih indikator {where} tahun {agreement.year} "
                                                            "yang didukung Action ini."})
        else:
            existing = db.session.scalar(select(Indicator).where(Indicator.scorecard_id == card.id,
                                                                 Indicator.parent_id == parent.id)) if card else None
            if existing is not None:
                errors.append({"field": "parent_id", "message": f"{parent.code} sudah dikaskadekan ke kartu ini sebagai "
                                                                f"{existing.code} {existing.name}; pilih indikator itu."})
            clean["parent"] = parent
        clean["action"] = _text(data.action, "action", "Nama indikator (Action)", 500, errors)
        clean["unit_of_measure"] = _text(data.unit_of_measure, "unit_of_measure", "Satuan", 64, errors)
    else:
        errors.append({"field": "indicator_id", "message": "Pilih indikator kartu kinerja, atau IKU yang didukung "
                                                           "untuk membuat indikator baru."})
    clean["target"] = _number(data.target, "target", "Target", errors,
                              required=bool(data.parent_id) and not data.indicator_id)
    for q, roman in (("q1", "I"), ("q2", "II"), ("q3", "III"), ("q4", "IV")):
        clean[q] = _number(getattr(data, q), q, f"Target TW {roman}", errors)
    clean["budget"] = _number(data.budget, "budget", "Anggaran", errors)
    if clean["budget"] is not None and not Decimal(0) <= clean["budget"] < MAX_BUDGET:
        errors.append({"field": "budget", "message": "Anggaran harus 0 rupiah atau lebih."})
    elif clean["budget"] is not None and clean["budget"] != clean["budget"].quantize(Decimal("0.01")):
        errors.append({"field": "budget", "message": "Anggaran dalam rupiah, paling banyak 2 angka di belakang koma."})
    unit = db.session.get(Unit, int(data.responsible_unit_id)) if data.responsible_unit_id else None
    if unit is None or unit.opd_id != agreement.opd_id:
        errors.append({"field": "responsible_unit_id", "message": f"Pilih unit kerja {agreement.opd.name} "
                                                                  "yang bertanggung jawab."})
    clean["unit"] = unit
    try:
        month = int(data.due_month)
        if not 1 <= month <= 12:
            raise ValueError
        clean["due_month"] = month
    except (TypeError, ValueError):
        errors.append({"field": "due_month", "message": "Pilih bulan batas waktu (Januari–Desember)."})
    return clean


def save_action(actor, version: AgreementVersion, data: ActionInput, item: A3Action | None = None) -> A3Action:
    """An Action: a picked indicator of the first party's scorecard, or a new one made from the
    Action and cascaded (bsc.services.cascade) from the IKU above it serves."""
    agreement = _drafting(actor, version)
    errors: list[dict] = []
    clean = _check_action(agreement, version, data, item, errors)
    if errors:
        raise ValidationFailed("Periksa kembali isian Action.", errors)
    if "parent" in clean:
        parent = clean["parent"]
        kind, owner_id = card_owner(agreement)
        try:
            [indicator] = bsc.cascade(actor, parent, [bsc.CascadeTarget(kind, owner_id, clean["target"])])
        except ValidationFailed as exc:
            # The cascade names its fields per recipient ("targets[0].target"); here there is one.
            raise ValidationFailed("Indikator baru belum dapat dibuat.", [
                {"field": "target" if (d.get("field") or "").endswith(".target") else "parent_id",
                 "message": d["message"]} for d in exc.details or [{"message": exc.message}]]) from None
        # The Action names the indicator it makes and its unit (the cascade copies the parent's).
        indicator.name, indicator.unit_of_measure = clean["action"], clean["unit_of_measure"]
        db.session.flush()
    else:
        indicator = clean["indicator"]
    target = clean["target"] if clean["target"] is not None else indicator.target
    defaults = quarterly_targets(indicator, target)
    if item is None:
        item = A3Action()
        _append(version, "action", item)
    parent = indicator.parent
    item.indicator_id, item.action, item.code = indicator.id, indicator.name, indicator.code
    item.unit_of_measure, item.target = indicator.unit_of_measure, target
    item.q1, item.q2, item.q3, item.q4 = (clean[q] if clean[q] is not None else d
                                          for q, d in zip(("q1", "q2", "q3", "q4"), defaults))
    item.budget = clean["budget"]
    item.responsible_unit_id, item.responsible = clean["unit"].id, clean["unit"].name
    item.due_month = clean["due_month"]
    item.serves = _label(parent)[:600] if parent is not None else None
    db.session.flush()
    return item


# ------------------------------------------------------------------ remove and reorder

def _place(items: list) -> None:
    """Give the items positions 1..n in this order. A position is unique per version and the
    database checks it row by row, so the rows that move step aside first."""
    moving = [(i, n) for n, i in enumerate(items, start=1) if i.position != n]
    if not moving:
        return
    for k, (i, _) in enumerate(moving, start=1):
        i.position = -k
    db.session.flush()
    for i, n in moving:
        i.position = n
    db.session.flush()


def remove(actor, version: AgreementVersion, section: str, item) -> None:
    """Remove an item; the ones after it move up. A new indicator made for an Action stays on the
    scorecard (it may have realisations; the scorecard pages remove it)."""
    _drafting(actor, version)
    items = items_of(version, section)
    if item not in items:
        raise NotFound("Butir perjanjian A3 tidak ditemukan.")
    items.remove(item)
    db.session.flush()
    _place(list(items))


def move(actor, version: AgreementVersion, section: str, item, direction: str) -> None:
    """One place up or down (the first stays first, the last stays last)."""
    _drafting(actor, version)
    items = list(items_of(version, section))
    if item not in items:
        raise NotFound("Butir perjanjian A3 tidak ditemukan.")
    if direction not in ("up", "down"):
        raise ValidationFailed("Arah pemindahan tidak dikenal.", [{"field": "direction", "message": "Naik atau turun."}])
    k = items.index(item)
    j = k - 1 if direction == "up" else k + 1
    if 0 <= j < len(items):
        items[k], items[j] = items[j], items[k]
        _place(items)
        db.session.expire(version, [{"attitude": "a3_attitudes", "attention": "a3_attentions",
                                     "action": "a3_actions"}[section]])


def refill(actor, version: AgreementVersion) -> dict[str, int]:
    """Prefill the empty sections again from the scorecard (content.prefill)."""
    from ekinerja.a3.content import prefill

    _drafting(actor, version)
    return prefill(version)


# ------------------------------------------------------------------ printing all at once

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
KNOWN_PLACEHOLDERS = {"{n}", "{kode}", "{tahun}", "{opd_code}", "{year}"}   # the last two: as the CLI writes them


def agreed_versions(year: int, level: Level | None = Level.GOVERNOR_OPD) -> list[AgreementVersion]:
    """The agreed A3 versions of the year waiting to be printed, in OPD code order."""
    stmt = (select(AgreementVersion).join(Agreement, AgreementVersion.agreement_id == Agreement.id)
            .join(Opd, Agreement.opd_id == Opd.id).join(Position, Agreement.first_position_id == Position.id)
            .where(Agreement.kind == DocumentKind.A3, Agreement.year == year,
                   AgreementVersion.status == VersionStatus.AGREED)
            .options(selectinload(AgreementVersion.agreement).selectinload(Agreement.opd))
            .order_by(Opd.code, Position.name, Agreement.id))
    if level is not None:
        stmt = stmt.where(Agreement.level == level)
    versions = db.session.scalars(stmt).all()
    return sorted(versions, key=lambda v: (v.agreement.opd.code, LEVEL_ORDER[v.agreement.level]))


def numbers_for(versions: list[AgreementVersion], pattern: str, first: int, year: int) -> list[str]:
    """The number of each document from the pattern: {n} a running number from `first`, {kode}
    the OPD's code, {tahun} the year ("800/{n}/ORG/{tahun}" → "800/1/ORG/2026", ...)."""
    errors = []
    pattern = (pattern or "").strip()
    unknown = set(PLACEHOLDER.findall(pattern)) - KNOWN_PLACEHOLDERS
    if not pattern:
        errors.append({"field": "pattern", "message": "Pola nomor wajib diisi, misalnya 800/{n}/ORG/" + str(year) + "."})
    elif unknown:
        errors.append({"field": "pattern", "message": f"Pola nomor hanya mengenal {{n}}, {{kode}} dan {{tahun}}, "
                                                      f"bukan {', '.join(sorted(unknown))}."})
    elif not {"{n}", "{kode}", "{opd_code}"} & set(PLACEHOLDER.findall(pattern)):
        errors.append({"field": "pattern", "message": "Pola nomor harus memuat {n} (nomor urut) atau {kode} (kode "
                                                      "OPD), agar setiap dokumen bernomor lain."})
    if first is None or first < 1:
        errors.append({"field": "first", "message": "Nomor urut pertama harus 1 atau lebih."})
    if errors:
        raise ValidationFailed("Pola nomor belum benar.", errors)
    pattern = pattern.replace("{opd_code}", "{kode}").replace("{year}", "{tahun}")
    out = [pattern.replace("{n}", str(first + k)).replace("{kode}", v.agreement.opd.code)
           .replace("{tahun}", str(year)) for k, v in enumerate(versions)]
    too_long = next((n for n in out if len(n) > 64), None)
    if too_long:
        raise ValidationFailed("Pola nomor belum benar.", [{"field": "pattern", "message": f"Nomor “{too_long}” "
                                                                                           "lebih dari 64 karakter."}])
    seen: dict[str, int] = {}
    for k, n in enumerate(out):
        if n in seen:
            raise ValidationFailed("Pola nomor belum benar.", [{"field": "pattern", "message": f"Nomor “{n}” dipakai dua "
                                                                                               "kali; tambahkan {n}."}])
        seen[n] = k
    return out


def can_print_all(user) -> bool:
    """Printing for the signing day is the governor's office's (contracts.services.can_issue for
    the governor's A3s); None is the system (the CLI)."""
    from ekinerja.auth.models import Role

    return user is None or any(r.role == Role.GOVERNOR_OFFICE for r in user.roles)


def print_all(actor, year: int, pattern: str, first: int, print_date: date | None, signing_date: date | None,
              place: str, paper: str, level: Level | None = Level.GOVERNOR_OPD) -> list[AgreementVersion]:
    """Print every agreed A3 of the year (of the level; None: every level) through
    contracts.services.print_, all in the caller's one transaction: when any fails, the errors of
    all are raised together and the caller rolls back (the written files go with it), so either
    every document is printed or none."""
    if not can_print_all(actor):
        raise PermissionDenied("Hanya Biro Organisasi yang mencetak semua perjanjian A3 sekaligus.")
    versions = agreed_versions(year, level)
    if not versions:
        raise ValidationFailed("Tidak ada perjanjian A3 yang disetujui dan menunggu dicetak.",
                               [{"field": "level", "message": f"Belum ada perjanjian A3 {year} berstatus Disetujui."}])
    numbers = numbers_for(versions, pattern, first, year)
    failed: list[tuple[AgreementVersion, list[dict]]] = []
    for version, number in zip(versions, numbers):
        try:
            cs.print_(actor, version, number, print_date, signing_date, place, paper)
        except ValidationFailed as exc:
            failed.append((version, exc.details or [{"field": "", "message": exc.message}]))
    if failed:
        # What every document got wrong (the dates, the paper) is said once; what only some got
        # wrong (a post vacant on the signing day) names the document.
        counts = Counter((d.get("field") or "", d["message"]) for _, details in failed for d in details)
        errors: list[dict] = []
        for version, details in failed:
            for d in details:
                key = (d.get("field") or "", d["message"])
                if counts[key] == len(versions):
                    error = {"field": key[0], "message": key[1]}
                else:
                    error = {"field": key[0], "message": f"{_document_name(version)}: {key[1]}"}
                if error not in errors:
                    errors.append(error)
        raise ValidationFailed("Tidak ada yang dicetak: perbaiki isian berikut lalu cetak kembali.", errors)
    return versions


def _document_name(version: AgreementVersion) -> str:
    agreement = version.agreement
    if agreement.level == Level.GOVERNOR_OPD:
        return agreement.opd.name
    return f"{agreement.first_position.name} ({agreement.opd.name})"


def printed_versions(year: int, level: Level | None = None) -> list[AgreementVersion]:
    """Of each A3 of the year, its latest printed version (printed, signed or published)."""
    stmt = (select(Agreement).where(Agreement.kind == DocumentKind.A3, Agreement.year == year)
            .options(selectinload(Agreement.versions), selectinload(Agreement.opd),
                     selectinload(Agreement.first_position)))
    if level is not None:
        stmt = stmt.where(Agreement.level == level)
    out = []
    for agreement in db.session.scalars(stmt):
        printed = next((v for v in reversed(agreement.versions) if v.printed_key), None)
        if printed is not None:
            out.append(printed)
    return sorted(out, key=lambda v: (v.agreement.opd.code, LEVEL_ORDER[v.agreement.level],
                                      v.agreement.first_position.name))


def file_name(version: AgreementVersion) -> str:
    """The same name the CLI gives the file (`flask a3 print`): by kind, year, OPD code, level."""
    from ekinerja.contracts.cli import document_filename

    return document_filename(version)


def zip_printed(year: int) -> bytes:
    """Every printed A3 of the year (printed_versions) read from storage, in one zip, with a list
    of what it holds (number, OPD, status, SHA-256 as recorded) for checking the files."""
    versions = printed_versions(year)
    if not versions:
        raise NotFound(f"Belum ada perjanjian A3 {year} yang dicetak.")
    buf = io.BytesIO()
    listing = io.StringIO()
    writer = csv.writer(listing, delimiter=";")
    writer.writerow(["berkas", "nomor", "tanggal_cetak", "perangkat_daerah", "pihak_pertama", "versi", "status",
                     "sha256", "kode_verifikasi"])
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for v in versions:
            name = file_name(v)
            try:
                data = storage.read(v.printed_key)
            except FileNotFoundError:
                name = f"(tidak ditemukan di penyimpanan) {name}"
            else:
                archive.writestr(name, data)
            writer.writerow([name, v.print_number, v.print_date.isoformat() if v.print_date else "",
                             v.agreement.opd.name, v.first_title or v.agreement.first_position.name, v.number,
                             v.status.label, v.printed_sha256, v.verification_code])
        archive.writestr("daftar-berkas.csv", listing.getvalue())
    return buf.getvalue()
