"""Monthly realisations over the API (api.md "Realisations"): the caller's indicators, the
realisations the caller may see, entry, the workflow (submit, approve, return) and evidence.

The work is ekinerja.realisations.services'; here are the request's edges: the body checked for
shape and types (400), the version the client last saw handed on (a stale one is 409), one commit.
The services speak Indonesian; a client that asks for English gets their messages translated here.
"""
from __future__ import annotations

import functools
import io
import re
from collections import defaultdict

from flask import current_app, g, jsonify, request, send_file, url_for
from sqlalchemy import false, func, or_, select, true
from sqlalchemy.orm import selectinload

from ekinerja.api.common import (BadRequest, bad_parameter, choice_arg, current_year, english, month_arg,
                                 not_found, t, year_arg)
from ekinerja.api.scorecards import indicator_fields, owner_of, plain
from ekinerja.api.views import bp
from ekinerja.auth.permissions import Scope, access, subtree_unit_ids
from ekinerja.bsc.cascade import counted_statuses
from ekinerja.bsc.models import Indicator, OwnerKind, Realisation, RealisationStatus, Rollup, Scorecard
from ekinerja.errors import DomainError
from ekinerja.extensions import db
from ekinerja.org.models import Employee, Opd, Position, PositionHolding, Unit
from ekinerja.realisations import periods, services
from ekinerja.realisations.models import Evidence
from ekinerja.web import MONTHS_ID

STATUSES = [s.value for s in RealisationStatus]
PER_PAGE, MAX_PER_PAGE = 100, 500
CHUNK = 900  # ids per IN (...) list


# ---------------------------------------------------------------- messages in the client's language

MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
_MONTH = r"(Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember)"
_FIELD_EN = {"Catatan": "The note", "Faktor penghambat": "The reason", "Tindak lanjut": "The follow-up"}


def _month_en(name: str) -> str:
    return MONTHS_EN[MONTHS_ID.index(name)]


def _date_en(day: str, month: str, year: str) -> str:
    return f"{int(day)} {_month_en(month)} {year}"


# The messages of the realisation services (and of periods and evidence checks) in English: fixed
# texts, then those with names, numbers, months and dates in them. A text not found here keeps the
# English text of its error code (ekinerja.api.common.ENGLISH_BY_CODE).
_ENGLISH_TEXT = {
    "Nilai realisasi tidak valid.": "Invalid realisation value.",
    "Nilai harus berupa angka, misalnya 12,5.": "The value must be a number, e.g. 12.5.",
    "Nilai terlalu besar atau tidak valid.": "The value is too large or not valid.",
    "Nilai paling banyak 4 angka di belakang koma.": "The value may have at most 4 decimal places.",
    "Anda tidak berhak mengisi realisasi indikator ini.": "You may not enter values of this indicator.",
    "Nilai indikator ini dihitung dari indikator bawahannya.":
        "This indicator's value is computed from the indicators below it.",
    "Nilai indikator ini dihitung dari indikator bawahannya; tidak diisi langsung.":
        "This indicator's value is computed from the indicators below it; it is not entered.",
    "Anda bukan atasan yang berwenang menyetujui realisasi ini.":
        "You are not the superior who approves or returns this realisation.",
    "Versi data tidak disertakan. Muat ulang lalu coba lagi.":
        "The version was not given: send the version you last saw. Reload and try again.",
    "Realisasi bulan ini baru saja dibuat oleh pengguna lain. Muat ulang lalu coba lagi.":
        "This month's realisation has just been created by someone else. Reload and try again.",
    "Realisasi ini tidak ada pada versi yang Anda lihat. Muat ulang lalu coba lagi.":
        "This realisation does not exist in the version you saw. Reload and try again.",
    "Bulan tidak valid.": "Invalid month.",
    "Bulan harus 1–12.": "The month must be 1 to 12.",
    "Periksa kembali isian realisasi.": "Check the realisation's fields.",
    "Realisasi yang sudah diajukan atau disetujui tidak dapat diubah.":
        "A submitted or approved realisation cannot be changed.",
    "Hanya draf atau realisasi yang dikembalikan yang dapat diajukan.":
        "Only a draft or a returned realisation can be submitted.",
    "Isi nilai realisasi sebelum diajukan.": "Enter the value before submitting.",
    "Capaian merah (di bawah 80%): faktor penghambat wajib diisi.":
        "Red achievement (below 80%): the reason (inhibiting factor) is required.",
    "Capaian merah (di bawah 80%): tindak lanjut wajib diisi.":
        "Red achievement (below 80%): the follow-up is required.",
    "Realisasi belum dapat diajukan.": "The realisation cannot be submitted yet.",
    "Hanya realisasi yang sedang diajukan yang dapat disetujui atau dikembalikan.":
        "Only a submitted realisation can be approved or returned.",
    "Catatan pengembalian wajib diisi.": "A comment is required to return a realisation.",
    "Tuliskan apa yang perlu diperbaiki.": "Write what needs to be corrected.",
    "Catatan pengembalian terlalu panjang.": "The comment is too long.",
    "Bukti hanya dapat ditambahkan pada draf atau realisasi yang dikembalikan.":
        "Evidence can be added to a draft or a returned realisation only.",
    "Terlalu banyak berkas bukti.": "Too many evidence files.",
    "Berkas bukti kosong.": "The evidence file is empty.",
    "Berkas bukti terlalu besar.": "The evidence file is too large.",
    "Jenis berkas bukti tidak diterima.": "This type of evidence file is not accepted.",
    "Anda tidak berhak melihat bukti ini.": "You may not see this evidence.",
    "Realisasi tidak ditemukan.": "Realisation not found.",
    "Berkas bukti tidak ditemukan.": "Evidence file not found.",
}
_ENGLISH_PATTERNS = [
    (re.compile(r"^Realisasi bulan ini sudah diisi \(versi (\d+)\)\."),
     lambda m: f"This month's realisation already exists (version {m[1]}). Reload to see it, then try again."),
    (re.compile(r"^Realisasi ini telah diubah \(versi (\d+), Anda melihat versi (-?\d+)\)\."),
     lambda m: f"This realisation has been changed (version {m[1]}; you saw version {m[2]}). "
               "Reload to see the latest change, then try again."),
    (re.compile(rf"^Periode {_MONTH} (\d{{4}}) telah dikunci oleh administrator"),
     lambda m: f"The period {_month_en(m[1])} {m[2]} has been locked by an administrator; its data cannot change. "
               "Ask an administrator to reopen it if needed."),
    (re.compile(rf"^Periode {_MONTH} (\d{{4}}) telah ditutup pada (\d+) {_MONTH} (\d{{4}})"),
     lambda m: f"The period {_month_en(m[1])} {m[2]} closed on {_date_en(m[3], m[4], m[5])}; its data cannot "
               "change. Ask an administrator to reopen it if needed."),
    (re.compile(rf"^Bulan {_MONTH} (\d{{4}}) belum dimulai"),
     lambda m: f"{_month_en(m[1])} {m[2]} has not begun; its values cannot be entered yet."),
    (re.compile(r"^(Catatan|Faktor penghambat|Tindak lanjut) paling panjang (\d+) karakter\.$"),
     lambda m: f"{_FIELD_EN[m[1]]} may be at most {m[2]} characters long."),
    (re.compile(r"^Paling panjang (\d+) karakter\.$"), lambda m: f"At most {m[1]} characters."),
    (re.compile(r"^Paling banyak (\d+) berkas bukti per realisasi\.$"),
     lambda m: f"At most {m[1]} evidence files per realisation."),
    (re.compile(r"^(.*): berkas kosong\.$", re.S), lambda m: f"{m[1]}: the file is empty."),
    (re.compile(r"^(.*): ukuran melebihi (\d+) MB\.$", re.S), lambda m: f"{m[1]}: larger than {m[2]} MB."),
    (re.compile(r"^(.*): isi berkas bukan PDF, JPG, PNG, XLSX atau DOCX\.$", re.S),
     lambda m: f"{m[1]}: the content is not a PDF, JPG, PNG, XLSX or DOCX file."),
]


def english_text(message: str) -> str | None:
    """The English of a service message, or None when it is not known here."""
    if message in _ENGLISH_TEXT:
        return _ENGLISH_TEXT[message]
    for pattern, render in _ENGLISH_PATTERNS:
        found = pattern.match(message)
        if found:
            return render(found)
    return None


def in_clients_language(view):
    """Give the domain errors a view raises an English message and details when the client asks
    for English (the blueprint's error handler then answers with them)."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except DomainError as exc:
            if english():
                if not getattr(exc, "message_en", None):
                    exc.message_en = english_text(exc.message)
                exc.details = [{**d, "message": english_text(d["message"]) or d["message"]}
                               if isinstance(d.get("message"), str) else d for d in exc.details]
            raise
    return wrapped


# ---------------------------------------------------------------- the request body

def _bad_body(indonesian: str, english_message: str, details: list | None = None) -> BadRequest:
    exc = BadRequest(t(indonesian, english_message), details)
    exc.message_en = exc.message
    return exc


def json_object() -> dict:
    """The body as a JSON object, or 400 (not JSON, or JSON that is no object)."""
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise _bad_body("Badan permintaan harus objek JSON yang sah, misalnya {\"version\": 3}.",
                        "The body must be a valid JSON object, e.g. {\"version\": 3}.")
    return body


def checked_fields(body: dict, kinds: dict[str, str]) -> dict:
    """The body's fields, each of the kind the endpoint takes ("text": a string or null;
    "version": a whole number or null); an unknown field or a wrong type is 400, naming each."""
    details = []
    for name, value in body.items():
        kind = kinds.get(name)
        if kind is None:
            accepted = ", ".join(kinds)
            message = t(f"Isian {name} tidak dikenal. Isian yang diterima: {accepted}.",
                        f"Unknown field {name}. Accepted fields: {accepted}.")
        elif value is None:
            continue
        elif kind == "text" and not isinstance(value, str):
            message = (t('value harus string: angka desimal dikirim sebagai string, misalnya "12.5".',
                         'value must be a string (decimals travel as strings, e.g. "12.5").') if name == "value"
                       else t(f"{name} harus string.", f"{name} must be a string."))
        elif kind == "version" and (not isinstance(value, int) or isinstance(value, bool)):
            message = t(f"{name} harus bilangan bulat, versi yang terakhir Anda lihat.",
                        f"{name} must be an integer: the version you last saw.")
        else:
            continue
        details.append({"field": name, "message": message})
    if details:
        raise _bad_body("Isian badan permintaan tidak sah.", "Invalid fields in the body.", details)
    return body


def form_version() -> int | None:
    """The `version` field of a multipart form: a whole number, or absent."""
    raw = (request.form.get("version") or "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.lstrip("-").isdigit():
        raise _bad_body("Isian version tidak sah.", "Invalid field version.", [{"field": "version", "message": t(
            "version harus bilangan bulat, versi yang terakhir Anda lihat.",
            "version must be an integer: the version you last saw.")}])
    return int(raw)


def _page_arg(name: str, default: int, high: int) -> int:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= high:
        raise bad_parameter(name, f"{name} harus bilangan 1–{high}.", f"{name} must be a number from 1 to {high}.")
    return int(raw)


# ---------------------------------------------------------------- who may see which realisations

def visible_condition(user):
    """SQL on Scorecard that holds for exactly the scorecards can_scorecard(user, "bsc.view", ·)
    allows: everything for a province-wide role; else the province's, and by the same rules as
    can_scorecard those of the operator's OPDs, the headed unit's subtree, and the user's own."""
    a = access(user, "bsc.view")
    if a.scope == Scope.ALL:
        return true()
    if a.scope == Scope.NONE:
        return false()
    kind = Scorecard.owner_kind
    conditions = [kind == OwnerKind.PROVINCE]
    if a.opd_ids:
        opd_ids = sorted(a.opd_ids)
        posted_in_opd = (select(Employee.id).join(Position, Employee.position_id == Position.id)
                         .join(Unit, Position.unit_id == Unit.id).where(Unit.opd_id.in_(opd_ids)))
        # Without a post, an employee belongs to the OPD of their last post (can_employee).
        last_opd = (select(Unit.opd_id).select_from(PositionHolding)
                    .join(Position, PositionHolding.position_id == Position.id)
                    .join(Unit, Position.unit_id == Unit.id)
                    .where(PositionHolding.employee_id == Employee.id)
                    .order_by(PositionHolding.start_date.desc(), PositionHolding.id.desc())
                    .limit(1).correlate(Employee).scalar_subquery())
        unposted_from_opd = select(Employee.id).where(Employee.position_id.is_(None), last_opd.in_(opd_ids))
        conditions += [
            (kind == OwnerKind.OPD) & Scorecard.opd_id.in_(opd_ids),
            (kind == OwnerKind.UNIT) & Scorecard.unit_id.in_(select(Unit.id).where(Unit.opd_id.in_(opd_ids))),
            (kind == OwnerKind.EMPLOYEE) & (Scorecard.employee_id.in_(posted_in_opd)
                                            | Scorecard.employee_id.in_(unposted_from_opd)),
        ]
    if a.employee_id is not None:
        conditions.append((kind == OwnerKind.EMPLOYEE) & (Scorecard.employee_id == a.employee_id))
    if a.head_unit_ids:
        subtree: set[int] = set()
        for unit in db.session.scalars(select(Unit).where(Unit.id.in_(sorted(a.head_unit_ids)))):
            subtree |= subtree_unit_ids(unit)
        headed_opds = select(Unit.opd_id).where(Unit.id.in_(sorted(a.head_unit_ids)), Unit.parent_id.is_(None))
        posted_below = (select(Employee.id).join(Position, Employee.position_id == Position.id)
                        .where(Position.unit_id.in_(sorted(subtree))))
        conditions += [
            (kind == OwnerKind.OPD) & Scorecard.opd_id.in_(headed_opds),
            (kind == OwnerKind.UNIT) & Scorecard.unit_id.in_(sorted(subtree)),
            (kind == OwnerKind.EMPLOYEE) & Scorecard.employee_id.in_(posted_below),
        ]
    return or_(*conditions)


# ---------------------------------------------------------------- shapes

def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def evidence_body(ev: Evidence) -> dict:
    return {"id": ev.id, "name": ev.original_name, "size": ev.size_bytes, "sha256": ev.sha256,
            "content_type": ev.content_type, "uploaded_at": _iso(ev.created_at),
            "url": url_for("api.evidence_download", evidence_id=ev.id)}


def realisation_body(r: Realisation, figures) -> dict:
    ind = r.indicator
    return {
        "id": r.id,
        "indicator": {"id": ind.id, "code": ind.code, "name": ind.name, "unit": ind.unit_of_measure,
                      "scorecard_id": ind.scorecard_id},
        "owner": owner_of(ind.scorecard),
        "year": ind.year,
        "month": r.month,
        "value": plain(r.value),
        "status": r.status.value,
        "version": r.version,
        "note": r.note,
        "reason": r.reason,
        "follow_up": r.follow_up,
        "return_comment": r.return_comment,
        "submitted_at": _iso(r.submitted_at),
        "decided_at": _iso(r.decided_at),
        "updated_at": _iso(r.updated_at),
        "evidence": [evidence_body(e) for e in r.evidence],
        "computed": figures.as_dict(),
    }


def figures_of(realisations: list[Realisation]) -> dict[int, object]:
    """services.figures_with for each realisation (its own value with the earlier months' approved
    and submitted ones, as the entry form shows it), from one query for all of them."""
    if not realisations:
        return {}
    ids = sorted({r.indicator_id for r in realisations})
    last = max(r.month for r in realisations)
    earlier: dict[int, dict] = defaultdict(dict)
    for i in range(0, len(ids), CHUNK):
        rows = db.session.execute(
            select(Realisation.indicator_id, Realisation.month, Realisation.value).where(
                Realisation.indicator_id.in_(ids[i:i + CHUNK]), Realisation.month < last,
                Realisation.status.in_(counted_statuses(True)), Realisation.value.is_not(None)))
        for ind_id, month, value in rows:
            earlier[ind_id][month] = value
    return {r.id: services.figures_with(r.indicator, r.month, r.value,
                                        {m: v for m, v in earlier[r.indicator_id].items() if m < r.month})
            for r in realisations}


def answer(r: Realisation) -> dict:
    return realisation_body(r, services.figures_with(r.indicator, r.month, r.value))


def _loaded():
    """What a realisation's answer reads, loaded with it in a few queries."""
    to_card = selectinload(Realisation.indicator).selectinload(Indicator.scorecard)
    return [selectinload(Realisation.indicator).selectinload(Indicator.monthly_targets),
            to_card.selectinload(Scorecard.opd), to_card.selectinload(Scorecard.unit),
            to_card.selectinload(Scorecard.employee).selectinload(Employee.position),
            selectinload(Realisation.evidence)]


def month_states(year: int, opd_id: int | None) -> list[dict]:
    out = []
    for s in periods.year_states(year, opd_id):
        if not s.started:
            state = "not_started"
        elif s.open:
            state = "reopened" if s.reopened_until else "open"
        else:
            state = "locked" if s.locked else "closed"
        out.append({"month": s.month, "state": state, "deadline": s.deadline.isoformat(),
                    "locked": s.locked, "reopened_until": _iso(s.reopened_until)})
    return out


# ---------------------------------------------------------------- reading

@bp.get("/me/indicators")
@in_clients_language
def my_indicators():
    """The indicators whose values the caller enters, by scorecard, with targets, the months'
    states and the year's realisations (with the versions to send back)."""
    user = g.api_user
    year = year_arg(default=current_year())
    cards = services.enterable_scorecards(user, year)
    by_card: dict[int, list[Indicator]] = defaultdict(list)
    stored: dict[int, list[dict]] = defaultdict(list)
    card_ids = [sc.id for sc in cards]
    if card_ids:
        for ind in db.session.scalars(select(Indicator).where(Indicator.scorecard_id.in_(card_ids))
                                      .options(selectinload(Indicator.monthly_targets))
                                      .order_by(Indicator.code, Indicator.id)):
            by_card[ind.scorecard_id].append(ind)
        rows = db.session.execute(
            select(Realisation.id, Realisation.indicator_id, Realisation.month, Realisation.value,
                   Realisation.status, Realisation.version)
            .join(Indicator, Realisation.indicator_id == Indicator.id)
            .where(Indicator.scorecard_id.in_(card_ids)).order_by(Realisation.month))
        for rid, ind_id, month, value, status, version in rows:
            stored[ind_id].append({"id": rid, "month": month, "value": plain(value), "status": status.value,
                                   "version": version})
    states: dict[int | None, list[dict]] = {}
    scorecards = []
    for sc in cards:
        if sc.opd_id not in states:
            states[sc.opd_id] = month_states(year, sc.opd_id)
        scorecards.append({
            "id": sc.id,
            "owner": owner_of(sc),
            "months": states[sc.opd_id],
            "indicators": [{**indicator_fields(ind), "entered": ind.rollup == Rollup.MANUAL,
                            "realisations": stored[ind.id]} for ind in by_card[sc.id]],
        })
    return jsonify({"data": {"year": year, "scorecards": scorecards}})


@bp.get("/realisations")
@in_clients_language
def list_realisations():
    """The realisations of the scorecards the caller may see, a page at a time."""
    user = g.api_user
    year = year_arg(default=current_year())
    month = month_arg()
    status = choice_arg("status", STATUSES)
    opd_code = (request.args.get("opd") or "").strip() or None
    page = _page_arg("page", 1, 100000)
    per_page = _page_arg("per_page", PER_PAGE, MAX_PER_PAGE)
    stmt = (select(Realisation).join(Indicator, Realisation.indicator_id == Indicator.id)
            .join(Scorecard, Indicator.scorecard_id == Scorecard.id)
            .where(Indicator.year == year, visible_condition(user)))
    if month is not None:
        stmt = stmt.where(Realisation.month == month)
    if status is not None:
        stmt = stmt.where(Realisation.status == RealisationStatus(status))
    if opd_code is not None:
        stmt = stmt.where(Scorecard.opd_id.in_(select(Opd.id).where(Opd.code == opd_code)))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    found = db.session.scalars(
        stmt.order_by(Realisation.month, Scorecard.opd_id, Indicator.scorecard_id, Indicator.code, Realisation.id)
        .limit(per_page).offset((page - 1) * per_page).options(*_loaded())).all()
    figures = figures_of(found)
    return jsonify({"data": [realisation_body(r, figures[r.id]) for r in found],
                    "meta": {"page": page, "per_page": per_page, "total": total}})


# ---------------------------------------------------------------- changing

def _realisation(realisation_id: int) -> Realisation:
    r = db.session.get(Realisation, realisation_id)
    if r is None:
        raise not_found("Realisasi tidak ditemukan.", "Realisation not found.")
    return r


ENTRY_FIELDS = {"value": "text", "note": "text", "reason": "text", "follow_up": "text", "version": "version"}


@bp.put("/indicators/<int:indicator_id>/realisations/<int:year>/<int:month>")
@in_clients_language
def put_realisation(indicator_id: int, year: int, month: int):
    """Create (201) or change (200) this month's draft or returned value. A field left out keeps
    what is stored; null or "" empties it."""
    body = checked_fields(json_object(), ENTRY_FIELDS)
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None or indicator.year != year:
        raise not_found(f"Indikator {indicator_id} tidak ditemukan pada tahun {year}.",
                        f"Indicator {indicator_id} not found in {year}.")
    existing = services.find(indicator, month) if 1 <= month <= 12 else None
    entry = services.Entry(**{name: body[name] if name in body else getattr(existing, name, None)
                              for name in ("value", "note", "reason", "follow_up")})
    realisation = services.save(g.api_user, indicator, month, entry, body.get("version"))
    db.session.commit()
    return jsonify({"data": answer(realisation)}), (201 if existing is None else 200)


def _decision(realisation_id: int, step: str):
    """submit, approve or return one realisation, from the version the client saw."""
    body = checked_fields(json_object(), {"version": "version", **({"comment": "text"} if step == "return" else {})})
    realisation = _realisation(realisation_id)
    user, version = g.api_user, body.get("version")
    if step == "submit":
        services.submit(user, realisation, version)
    elif step == "approve":
        services.approve(user, realisation, version)
    else:
        services.return_(user, realisation, version, body.get("comment"))
    db.session.commit()
    return jsonify({"data": answer(realisation)})


@bp.post("/realisations/<int:realisation_id>/submit")
@in_clients_language
def submit(realisation_id: int):
    return _decision(realisation_id, "submit")


@bp.post("/realisations/<int:realisation_id>/approve")
@in_clients_language
def approve(realisation_id: int):
    return _decision(realisation_id, "approve")


@bp.post("/realisations/<int:realisation_id>/return")
@in_clients_language
def return_(realisation_id: int):
    return _decision(realisation_id, "return")


@bp.post("/realisations/<int:realisation_id>/evidence")
@in_clients_language
def add_evidence(realisation_id: int):
    """Attach one file (multipart field `file`) with the version the client saw (field `version`)."""
    upload = request.files.get("file") if request.mimetype == "multipart/form-data" else None
    if upload is None or not upload.filename:
        raise _bad_body("Lampirkan satu berkas bukti pada field file (multipart/form-data).",
                        "Attach one evidence file in the field file (multipart/form-data).",
                        [{"field": "file", "message": t("Berkas tidak ada.", "No file.")}])
    version = form_version()
    realisation = _realisation(realisation_id)
    # One byte past the limit is enough to refuse an oversized file without holding all of it.
    data = upload.stream.read(current_app.config["EVIDENCE_MAX_BYTES"] + 1)
    evidence = services.add_evidence(g.api_user, realisation, data, upload.filename, version)
    db.session.commit()
    return jsonify({"data": {"evidence": evidence_body(evidence), "realisation": answer(realisation)}}), 201


@bp.get("/evidence/<int:evidence_id>")
@in_clients_language
def evidence_download(evidence_id: int):
    """The file, to those who may see its realisation (services.evidence_file decides)."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None:
        raise not_found("Berkas bukti tidak ditemukan.", "Evidence file not found.")
    try:
        data = services.evidence_file(g.api_user, evidence)
    except FileNotFoundError:
        current_app.logger.error("evidence %s: file %s missing from storage", evidence.id, evidence.storage_key)
        raise not_found("Berkas bukti tidak ada di penyimpanan.",
                        "The evidence file is missing from storage.") from None
    response = send_file(io.BytesIO(data), mimetype=evidence.content_type, as_attachment=True,
                         download_name=evidence.original_name)
    response.headers["Cache-Control"] = "private, no-store"
    return response
