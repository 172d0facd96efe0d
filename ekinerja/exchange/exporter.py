"""export_document: a year's scorecards and realisations as an interchange document.

Without `computed` the document imports back to the same state. With it every scorecard,
objective and indicator also carries the figures of domain.md §3 at a month (approved values
only), computed in one pass over all the year's indicators.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ekinerja.bsc.cascade import compute, figures_from_nodes
from ekinerja.bsc.models import Indicator, Objective, OwnerKind, Perspective, Realisation, RealisationStatus, Scorecard
from ekinerja.bsc.scoring import Weighted, percent_text
from ekinerja.errors import ValidationFailed
from ekinerja.exchange.schema import FORMAT, owner_json
from ekinerja.extensions import db
from ekinerja.org.models import Employee, Opd, Position, Unit


def plain(value: Decimal | None) -> str | None:
    """A stored decimal as the shortest plain string: 72.5000 → "72.5", 100 → "100"."""
    if value is None:
        return None
    return format(value.normalize(), "f")


def number(value: Decimal | None):
    """A weight as a JSON number, as interchange.md shows them (25, 12.5)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def export_document(year: int, month: int | None = None, computed: bool = False,
                    include_organisation: bool = False) -> dict:
    errors = []
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append({"path": "year", "message": f"{year} is not between 2000 and 2100"})
    if month is not None and (not isinstance(month, int) or not 1 <= month <= 12):
        errors.append({"path": "month", "message": f"{month} is not between 1 and 12"})
    if errors:
        raise ValidationFailed("Permintaan ekspor tidak valid.", errors)
    at_month = month or 12

    cards = db.session.scalars(
        select(Scorecard).where(Scorecard.year == year)
        .options(selectinload(Scorecard.opd), selectinload(Scorecard.unit), selectinload(Scorecard.employee),
                 selectinload(Scorecard.objectives).selectinload(Objective.indicators)
                 .selectinload(Indicator.monthly_targets))).all()
    owners = {sc.id: _owner(sc) for sc in cards}
    cards.sort(key=lambda sc: (sc.owner_kind.level, owners[sc.id][1] or ""))
    indicators = {i.id: i for sc in cards for o in sc.objectives for i in o.indicators}

    figures = {}
    if computed and indicators:
        nodes = compute(indicators, at_month)
        for sc in cards:
            own = [i for o in sc.objectives for i in o.indicators]
            figures[sc.id] = (figures_from_nodes(sc, own, list(sc.objectives), nodes, at_month), nodes)

    doc: dict = {"format": FORMAT, "year": year}
    if include_organisation:
        doc["organisation"] = organisation_block()
    doc["scorecards"] = [_scorecard(sc, owners, indicators, figures.get(sc.id), computed, at_month) for sc in cards]
    doc["realisations"] = _realisations(year, cards, owners)
    return doc


def _owner(sc: Scorecard) -> tuple[OwnerKind, str | None]:
    if sc.owner_kind == OwnerKind.PROVINCE:
        return (OwnerKind.PROVINCE, None)
    if sc.owner_kind == OwnerKind.OPD:
        return (OwnerKind.OPD, sc.opd.code)
    if sc.owner_kind == OwnerKind.UNIT:
        return (OwnerKind.UNIT, sc.unit.code)
    return (OwnerKind.EMPLOYEE, sc.employee.nip)


def _weighted(w: Weighted, month: int) -> dict:
    return {"month": month, "score": percent_text(w.value), "colour": w.colour.value,
            "coverage": percent_text(w.coverage)}


def _scorecard(sc: Scorecard, owners, indicators, figures, computed: bool, month: int) -> dict:
    weights = sc.perspective_weights()
    out = {"owner": owner_json(*owners[sc.id]),
           "perspective_weights": None if weights is None else {p: number(w) for p, w in weights.items()},
           "objectives": []}
    by_objective, nodes = {}, {}
    if figures is not None:
        f, nodes = figures
        by_objective = {of.objective.id: of for pf in f.perspectives for of in pf.objectives}
        scores = {pf.perspective.value: percent_text(pf.score.value) for pf in f.perspectives}
        out["computed"] = {"month": month, "nko": percent_text(f.nko.value), "nko_colour": f.nko.colour.value,
                           "perspectives": {p.value: scores.get(p.value) for p in Perspective},
                           "coverage": percent_text(f.nko.coverage)}
    elif computed:  # a year without indicators: nothing to score
        out["computed"] = {"month": month, "nko": None, "nko_colour": "grey",
                           "perspectives": {p.value: None for p in Perspective}, "coverage": "0.00"}
    for o in sc.objectives:
        obj = {"code": o.code, "perspective": o.perspective.value, "name": o.name,
               "indicators": [_indicator(i, owners, indicators, nodes.get(i.id), computed) for i in o.indicators]}
        if computed:
            score = by_objective[o.id].score if o.id in by_objective else Weighted(None, Decimal(0))
            obj["computed"] = _weighted(score, month)
        out["objectives"].append(obj)
    return out


def _indicator(ind: Indicator, owners, indicators, node, computed: bool) -> dict:
    parent = indicators.get(ind.parent_id) if ind.parent_id else None
    monthly = ind.monthly_target_list()
    out = {
        "code": ind.code, "name": ind.name, "unit": ind.unit_of_measure, "polarity": ind.polarity.value,
        "aggregation": ind.aggregation.value, "weight": number(ind.weight), "target": plain(ind.target),
        "target_high": plain(ind.target_high),
        "monthly_targets": None if monthly is None else [plain(v) for v in monthly],
        "parent": None if parent is None else {"owner": owner_json(*owners[parent.scorecard_id]), "code": parent.code},
        "cascade": ind.cascade_kind.value if ind.cascade_kind else None,
        "rollup": ind.rollup.value,
        "definition": ind.definition, "formula": ind.formula, "data_source": ind.data_source,
    }
    if computed and node is not None:
        f = node.figures
        # Stored values carry four places ("13.2000"): the document gives them as plain as the rest.
        out["computed"] = {**f.as_dict(), "target": plain(f.target), "target_high": plain(f.target_high),
                           "realisation": plain(f.realisation)}
    return out


def _realisations(year: int, cards: list[Scorecard], owners) -> list[dict]:
    order = {sc.id: n for n, sc in enumerate(cards)}
    rows = db.session.execute(
        select(Realisation, Indicator.scorecard_id, Indicator.code)
        .join(Indicator, Realisation.indicator_id == Indicator.id).where(Indicator.year == year)).all()
    rows.sort(key=lambda r: (order[r.scorecard_id], r.code, r.Realisation.month))
    out = []
    for r, scorecard_id, code in rows:
        # interchange.md has no "returned": a value sent back is in its owner's hands again, a draft.
        status = RealisationStatus.DRAFT if r.status == RealisationStatus.RETURNED else r.status
        out.append({"owner": owner_json(*owners[scorecard_id]), "indicator": code, "month": r.month,
                    "value": plain(r.value), "status": status.value, "note": r.note or ""})
    return out


def organisation_block() -> dict:
    """Every OPD, unit and post holder, parents before children (units) and heads first."""
    opds = db.session.scalars(select(Opd).order_by(Opd.code)).all()
    opd_code = {o.id: o.code for o in opds}
    units = db.session.scalars(select(Unit)).all()
    by_id = {u.id: u for u in units}

    def depth(u: Unit) -> int:
        n = 0
        while u.parent_id is not None and n < 100:
            u, n = by_id[u.parent_id], n + 1
        return n

    depths = {u.id: depth(u) for u in units}
    unit_rows = []
    for u in sorted((u for u in units if u.parent_id is not None),
                    key=lambda u: (opd_code[u.opd_id], depths[u.id], u.code)):
        parent = by_id[u.parent_id]
        unit_rows.append({"code": u.code, "name": u.name, "opd": opd_code[u.opd_id],
                          "parent": None if parent.parent_id is None else parent.code, "kind": u.kind.value})
    held = db.session.execute(
        select(Employee, Position, Unit).join(Position, Employee.position_id == Position.id)
        .join(Unit, Position.unit_id == Unit.id)).all()
    held.sort(key=lambda r: (opd_code[r.Unit.opd_id], depths[r.Unit.id], r.Unit.code,
                             r.Position.head_of_unit_id is None, r.Position.name, r.Employee.nip))
    employees = [{"nip": e.nip, "name": e.name, "position": p.name, "position_kind": p.kind.value,
                  "unit": u.code, "is_unit_head": p.head_of_unit_id is not None, "rank": e.rank}
                 for e, p, u in held]
    return {"opds": [{"code": o.code, "name": o.name} for o in opds], "units": unit_rows, "employees": employees}

