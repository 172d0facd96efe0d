"""/api/public/v1: open data, no login (api.md "Public"): the province's and OPDs' scores by quarter,
one OPD's indicators, the published A3/PK documents. Approved values only (ekinerja/public/sakip.py).

JSON {"data": …} with decimals as strings; the same as CSV with `Accept: text/csv` or ".csv" on the
path. Answers carry an ETag (304 on If-None-Match) and a short public Cache-Control, as the pages.
"""
from __future__ import annotations

import csv
import io

from flask import Blueprint, jsonify, make_response, request

from ekinerja.api.common import MAX_YEAR, MIN_YEAR, bad_parameter, not_found, translated, year_arg
from ekinerja.errors import DomainError
from ekinerja.extensions import db
from ekinerja.public import sakip
from ekinerja.public.views import conditional
from ekinerja.web import error_response

bp = Blueprint("public_api", __name__)

CSV_TYPE = "text/csv"
FIGURE_COLUMNS = ["target", "realisation", "achievement", "score", "colour"]


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    db.session.rollback()
    message, details = translated(exc)
    return error_response(exc.status_code, message, exc.code, details)


def _wants_csv(suffix: bool) -> bool:
    if suffix:
        return True
    best = request.accept_mimetypes.best_match(["application/json", CSV_TYPE], default="application/json")
    return best == CSV_TYPE and request.accept_mimetypes[CSV_TYPE] > request.accept_mimetypes["application/json"]


def _check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise bad_parameter("year", f"year harus tahun {MIN_YEAR}–{MAX_YEAR}, misalnya 2026.",
                            f"year must be a year from {MIN_YEAR} to {MAX_YEAR}, e.g. 2026.")
    return year


def _answer(year: int, as_csv: bool, data, rows):
    """The cached answer: JSON of data(), or CSV of rows() (a header then rows)."""
    def build():
        if not as_csv:
            return jsonify({"data": data()})
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(rows())
        response = make_response(buf.getvalue())
        response.mimetype = CSV_TYPE
        response.charset = "utf-8"
        return response
    return conditional(year, build, variant="csv" if as_csv else "json")


# ---------------------------------------------------------------- shapes

def _weighted(w) -> dict | None:
    if w is None:
        return None
    return {"value": sakip.plain(w.value), "coverage": sakip.plain(w.coverage), "colour": w.colour.value}


def _figures(f) -> dict | None:
    if f is None:
        return None
    return {"target": sakip.plain(f.target), "target_high": sakip.plain(f.target_high),
            "realisation": sakip.plain(f.realisation), "achievement": sakip.plain(f.achievement),
            "score": sakip.plain(f.score), "colour": f.colour.value}


def _period(q: sakip.Period) -> dict:
    return {"quarter": q.label, "month": q.month, "started": q.started, "complete": q.complete}


def _card(card: sakip.CardFigures | None, quarters: list[sakip.Period]) -> dict | None:
    if card is None:
        return None
    return {
        "nko": [dict(_period(q), nko=_weighted(w)) for q, w in zip(quarters, card.nko)],
        "nko_year": _weighted(card.nko_year),
        "indicators": [{
            "code": r.indicator.code, "name": r.indicator.name, "unit_of_measure": r.indicator.unit_of_measure,
            "annual_target": sakip.plain(r.indicator.target), "annual_target_high": sakip.plain(r.indicator.target_high),
            "quarters": [dict(_period(q), **(_figures(f) or {})) for q, f in zip(quarters, r.quarters)],
            "year": _figures(r.year)} for r in card.rows],
    }


def _card_rows(scope: str, opd_code: str, opd_name: str, card: sakip.CardFigures | None,
               quarters: list[sakip.Period]) -> list[list]:
    """CSV rows: the NKO per quarter (indicator_code "NKO"), then each indicator per quarter."""
    if card is None:
        return []
    out = []
    for q, w in zip(quarters, card.nko):
        out.append([scope, opd_code, opd_name, "NKO", "Nilai Kinerja Organisasi", q.label, q.month, q.complete,
                    "", "", "", sakip.plain(w.value) if w else "", w.colour.value if w else ""])
    for r in card.rows:
        for q, f in zip(quarters, r.quarters):
            figs = _figures(f) or {}
            out.append([scope, opd_code, opd_name, r.indicator.code, r.indicator.name, q.label, q.month, q.complete]
                       + [figs.get(c) or "" for c in FIGURE_COLUMNS])
    return out


CARD_HEADER = ["scope", "opd_code", "opd_name", "indicator_code", "indicator_name", "quarter", "month", "complete",
               *FIGURE_COLUMNS]


def _document(d: sakip.Document) -> dict:
    v, a = d.version, d.version.agreement
    return {"year": a.year, "kind": a.kind.value, "level": a.level.value, "opd": a.opd.code, "opd_name": a.opd.name,
            "title": d.title, "unit": d.unit, "version": v.number, "number": v.print_number,
            "signed_date": v.signed_date.isoformat() if v.signed_date else None,
            "verification_code": d.code, "verify_url": f"/verifikasi/{d.code}",
            "pdf_url": f"/verifikasi/{d.code}/dokumen.pdf"}


DOCUMENT_HEADER = ["year", "kind", "level", "opd", "opd_name", "title", "unit", "version", "number", "signed_date",
                   "verification_code", "verify_url", "pdf_url"]


# ---------------------------------------------------------------- endpoints

@bp.get("/sakip/<int:year>", defaults={"suffix": False})
@bp.get("/sakip/<int:year>.csv", defaults={"suffix": True})
def sakip_year(year: int, suffix: bool):
    year = _check_year(year)
    computed = {}

    def load():
        if not computed:
            quarters, card = sakip.province(year)
            computed.update(quarters=quarters, card=card, opds=sakip.opds(year, quarters))
        return computed

    def data():
        c = load()
        return {"year": year, "quarters": [_period(q) for q in c["quarters"]],
                "province": _card(c["card"], c["quarters"]),
                "opds": [{"code": o.opd.code, "name": o.opd.name, "has_scorecard": o.scorecard is not None,
                          "nko": [dict(_period(q), nko=_weighted(w)) for q, w in zip(c["quarters"], o.nko)]}
                         for o in c["opds"]]}

    def rows():
        c = load()
        out = [CARD_HEADER] + _card_rows("province", "", "", c["card"], c["quarters"])
        for o in c["opds"]:
            if o.scorecard is None:
                continue
            for q, w in zip(c["quarters"], o.nko):
                out.append(["opd", o.opd.code, o.opd.name, "NKO", "Nilai Kinerja Organisasi", q.label, q.month,
                            q.complete, "", "", "", sakip.plain(w.value) if w else "", w.colour.value if w else ""])
        return out
    return _answer(year, _wants_csv(suffix), data, rows)


@bp.get("/sakip/<int:year>/opd/<code>", defaults={"suffix": False})
@bp.get("/sakip/<int:year>/opd/<code>.csv", defaults={"suffix": True})
def sakip_opd(year: int, code: str, suffix: bool):
    year = _check_year(year)
    unit = sakip.opd_by_code(code)
    if unit is None:
        raise not_found("Perangkat Daerah tidak ditemukan.", "No such OPD.")
    computed = {}

    def load():
        if not computed:
            quarters, card = sakip.opd(year, unit)
            computed.update(quarters=quarters, card=card)
        return computed

    def data():
        c = load()
        return {"year": year, "opd": {"code": unit.code, "name": unit.name},
                "quarters": [_period(q) for q in c["quarters"]], "scorecard": _card(c["card"], c["quarters"]),
                "documents": [_document(d) for d in sakip.documents(year, unit.id)]}

    def rows():
        c = load()
        return [CARD_HEADER] + _card_rows("opd", unit.code, unit.name, c["card"], c["quarters"])
    return _answer(year, _wants_csv(suffix), data, rows)


@bp.get("/documents", defaults={"suffix": False})
@bp.get("/documents.csv", defaults={"suffix": True})
def documents(suffix: bool):
    year = year_arg(sakip.today().year)

    def data():
        return [_document(d) for d in sakip.documents(year)]

    def rows():
        return [DOCUMENT_HEADER] + [[_document(d)[k] or "" for k in DOCUMENT_HEADER] for d in sakip.documents(year)]
    return _answer(year, _wants_csv(suffix), data, rows)


@bp.get("/data.json")
def catalogue():
    """The open-data catalogue: every dataset with its title, description, publisher, licence, last
    modified time and JSON/CSV addresses. Revalidated by an ETag of its content."""
    from ekinerja.public.catalogue import data_json
    from ekinerja.public.views import cacheable

    return cacheable(jsonify(data_json()))
