"""Scorecards over the API (api.md "Scorecards"): lists, one scorecard with its figures, and the
cascade tree under an indicator. Figures have the shape of the interchange export's `computed`."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from flask import g, jsonify, request
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ekinerja.api.common import choice_arg, current_year, flag_arg, month_arg, not_found, year_arg
from ekinerja.api.views import bp
from ekinerja.auth.permissions import Scope, access, can_scorecard, require
from ekinerja.bsc.cascade import Node, ScorecardFigures, figures_of, load_descendants, scorecard_figures
from ekinerja.bsc.models import PERSPECTIVE_LABELS, Indicator, OwnerKind, Perspective, Scorecard
from ekinerja.bsc.scoring import Weighted, percent_text
from ekinerja.extensions import db
from ekinerja.org.models import Employee, Opd, Unit

DEFAULT_MONTH = 12  # as the interchange export: the year as a whole unless a month is asked for
OWNER_KINDS = [k.value for k in OwnerKind]


def plain(value: Decimal | None) -> str | None:
    """A stored decimal as the shortest plain string, as the interchange export writes it:
    72.5000 → "72.5", 100 → "100"."""
    return None if value is None else format(value.normalize(), "f")


# ---------------------------------------------------------------- who may see which scorecard

def _preload_owners(scorecards) -> list:
    """Load the OPDs (with their units) and employees (with their posts) behind these scorecards
    in a few queries, so that owners and permission checks below need no query per scorecard.
    The caller holds on to the answer: the session keeps only weak references to what it loaded."""
    opd_ids = {sc.opd_id for sc in scorecards if sc.opd_id is not None}
    employee_ids = {sc.employee_id for sc in scorecards if sc.employee_id is not None}
    loaded: list = []
    for chunk in _chunks(sorted(opd_ids)):
        loaded += db.session.scalars(select(Opd).where(Opd.id.in_(chunk)).options(selectinload(Opd.units))).all()
    for chunk in _chunks(sorted(employee_ids)):
        loaded += db.session.scalars(select(Employee).where(Employee.id.in_(chunk))
                                     .options(selectinload(Employee.position))).all()
    return loaded


def _chunks(ids: list[int], size: int = 900):
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def visible_ids(user, scorecards) -> set[int]:
    """Ids of the scorecards the user may see (bsc.view), by the one rule of can_scorecard."""
    a = access(user, "bsc.view")
    if a.scope == Scope.ALL:
        return {sc.id for sc in scorecards}
    if a.scope == Scope.NONE:
        return set()
    return {sc.id for sc in scorecards if can_scorecard(user, "bsc.view", sc)}


def _candidate_filter(user):
    """A superset of the scorecards a non-province-wide user may see, as SQL: the province's, those
    of the OPDs they keep or head units in, and their own. can_scorecard then decides."""
    a = access(user, "bsc.view")
    opd_ids = set(a.opd_ids)
    if a.head_unit_ids:
        opd_ids |= set(db.session.scalars(select(Unit.opd_id).where(Unit.id.in_(a.head_unit_ids))))
    conditions = [Scorecard.owner_kind == OwnerKind.PROVINCE]
    if opd_ids:
        conditions.append(Scorecard.opd_id.in_(opd_ids))
    if a.employee_id is not None:
        conditions.append(Scorecard.employee_id == a.employee_id)
    return or_(*conditions)


# ---------------------------------------------------------------- shapes

def owner_of(sc: Scorecard) -> dict:
    kind = sc.owner_kind
    out: dict = {"kind": kind.value}
    if kind == OwnerKind.OPD:
        out["code"] = sc.opd.code
    elif kind == OwnerKind.UNIT:
        out.update(code=sc.unit.code, opd=sc.opd.code)
    elif kind == OwnerKind.EMPLOYEE:
        position = sc.employee.position
        out.update(nip=sc.employee.nip, opd=sc.opd.code,
                   position=position.name if position is not None else None)
    out["name"] = sc.owner_name
    return out


def weighted_computed(w: Weighted, month: int) -> dict:
    return {"month": month, "score": percent_text(w.value), "colour": w.colour.value,
            "coverage": percent_text(w.coverage)}


def indicator_fields(ind: Indicator) -> dict:
    monthly = ind.monthly_target_list()
    return {
        "id": ind.id,
        "code": ind.code,
        "name": ind.name,
        "unit": ind.unit_of_measure,
        "definition": ind.definition,
        "formula": ind.formula,
        "data_source": ind.data_source,
        "polarity": ind.polarity.value,
        "aggregation": ind.aggregation.value,
        "weight": plain(ind.weight),
        "target": plain(ind.target),
        "target_high": plain(ind.target_high),
        "monthly_targets": None if monthly is None else [plain(v) for v in monthly],
        "rollup": ind.rollup.value,
        "parent_id": ind.parent_id,
        "cascade_kind": ind.cascade_kind.value if ind.cascade_kind else None,
    }


def scorecard_summary(sc: Scorecard, indicator_count: int) -> dict:
    return {"id": sc.id, "year": sc.year, "owner": owner_of(sc), "indicator_count": indicator_count}


def scorecard_body(figures: ScorecardFigures) -> dict:
    sc, month = figures.scorecard, figures.month
    total_weight = sum((n.indicator.weight for n in figures.nodes.values()), Decimal(0))
    weights = sc.perspective_weights()
    scores = {pf.perspective.value: percent_text(pf.score.value) for pf in figures.perspectives}
    perspectives = []
    for pf in figures.perspectives:
        objectives = []
        for of in pf.objectives:
            indicators = []
            for node in of.nodes:
                item = indicator_fields(node.indicator)
                item["weight_share"] = percent_text(node.indicator.weight / total_weight) if total_weight else None
                item["computed"] = node.figures.as_dict()
                indicators.append(item)
            objectives.append({"id": of.objective.id, "code": of.objective.code, "name": of.objective.name,
                               "perspective": of.objective.perspective.value,
                               "computed": weighted_computed(of.score, month), "indicators": indicators})
        perspectives.append({"perspective": pf.perspective.value, "name": PERSPECTIVE_LABELS[pf.perspective],
                             "weight": plain(pf.weight), "computed": weighted_computed(pf.score, month),
                             "objectives": objectives})
    return {
        "id": sc.id,
        "year": sc.year,
        "owner": owner_of(sc),
        "perspective_weights": None if weights is None else {k: plain(v) for k, v in weights.items()},
        "month": month,
        "provisional": figures.provisional,
        "computed": {
            "month": month,
            "nko": percent_text(figures.nko.value),
            "nko_colour": figures.nko_colour.value,
            "coverage": percent_text(figures.nko.coverage),
            # every perspective, as the interchange export: null where the scorecard has none
            "perspectives": {p.value: scores.get(p.value) for p in Perspective},
        },
        "perspectives": perspectives,
    }


# ---------------------------------------------------------------- endpoints

@bp.get("/scorecards")
def scorecards():
    user = g.api_user
    year = year_arg(default=current_year())
    kind = choice_arg("owner_kind", OWNER_KINDS)
    owner = (request.args.get("owner") or "").strip() or None
    stmt = select(Scorecard).where(Scorecard.year == year)
    if kind is not None:
        stmt = stmt.where(Scorecard.owner_kind == OwnerKind(kind))
    if owner is not None:
        # An OPD's SIPD code is also the code of its root unit: owner_kind tells them apart.
        stmt = stmt.where(or_(
            (Scorecard.owner_kind == OwnerKind.OPD) & Scorecard.opd_id.in_(select(Opd.id).where(Opd.code == owner)),
            (Scorecard.owner_kind == OwnerKind.UNIT) & Scorecard.unit_id.in_(select(Unit.id).where(Unit.code == owner)),
            (Scorecard.owner_kind == OwnerKind.EMPLOYEE)
            & Scorecard.employee_id.in_(select(Employee.id).where(Employee.nip == owner))))
    if access(user, "bsc.view").scope != Scope.ALL:
        stmt = stmt.where(_candidate_filter(user))
    found = db.session.scalars(stmt).all()
    owners = _preload_owners(found)  # noqa: F841  (held for the request)
    visible = visible_ids(user, found)
    shown = [sc for sc in found if sc.id in visible]
    counts: dict[int, int] = defaultdict(int)
    for chunk in _chunks([sc.id for sc in shown]):
        rows = db.session.execute(select(Indicator.scorecard_id, func.count(Indicator.id))
                                  .where(Indicator.scorecard_id.in_(chunk)).group_by(Indicator.scorecard_id))
        counts.update({sc_id: n for sc_id, n in rows})
    items = [scorecard_summary(sc, counts[sc.id]) for sc in shown]
    # province, OPDs, units, staff; within a kind by OPD code, then by unit code or NIP
    items.sort(key=lambda i: (OwnerKind(i["owner"]["kind"]).level,
                              i["owner"].get("opd") or i["owner"].get("code") or "",
                              i["owner"].get("code") or i["owner"].get("nip") or "", i["id"]))
    return jsonify({"data": items})


def _scorecard_for(scorecard_id: int) -> Scorecard:
    sc = db.session.get(Scorecard, scorecard_id)
    if sc is None:
        raise not_found("Kartu kinerja tidak ditemukan.", "Scorecard not found.")
    require(can_scorecard(g.api_user, "bsc.view", sc))
    return sc


@bp.get("/scorecards/<int:scorecard_id>")
def scorecard(scorecard_id: int):
    month = month_arg(default=DEFAULT_MONTH)
    provisional = flag_arg("provisional")
    sc = _scorecard_for(scorecard_id)
    # the indicators with their monthly targets, held: scorecard_figures then finds them loaded
    indicators = db.session.scalars(select(Indicator).where(Indicator.scorecard_id == sc.id)  # noqa: F841
                                    .options(selectinload(Indicator.monthly_targets))).all()
    return jsonify({"data": scorecard_body(scorecard_figures(sc, month, provisional))})


@bp.get("/indicators/<int:indicator_id>/cascade")
def indicator_cascade(indicator_id: int):
    month = month_arg(default=DEFAULT_MONTH)
    provisional = flag_arg("provisional")
    indicator = db.session.get(Indicator, indicator_id)
    year = year_arg(default=indicator.year if indicator is not None else current_year())
    if indicator is None or indicator.year != year:
        raise not_found(f"Indikator {indicator_id} tidak ditemukan pada tahun {year}.",
                        f"Indicator {indicator_id} not found in {year}.")
    user = g.api_user
    require(can_scorecard(user, "bsc.view", indicator.scorecard))
    found = load_descendants([indicator])
    for chunk in _chunks(sorted(found)):  # monthly targets, for the indicator fields below
        db.session.scalars(select(Indicator).where(Indicator.id.in_(chunk))
                           .options(selectinload(Indicator.monthly_targets))).all()
    nodes = figures_of(found, month, provisional)
    scorecards = list({i.scorecard.id: i.scorecard for i in found.values()}.values())
    owners = _preload_owners(scorecards)  # noqa: F841  (held for the request)
    visible = visible_ids(user, scorecards)
    tree = _tree(nodes[indicator.id], visible)
    return jsonify({"data": {"year": indicator.year, "month": month, "provisional": provisional, "root": tree}})


def _tree(node: Node, visible: set[int]) -> dict | None:
    """A node and the children the caller may see. A node the caller may not see is left out with
    its subtree, unless something below it is visible: it then stays as a bare link in the chain
    (restricted, no figures), so that the caller's own indicators keep their place in the tree."""
    children = [c for c in (_tree(k, visible) for k in node.children) if c is not None]
    ind = node.indicator
    restricted = ind.scorecard_id not in visible
    if restricted and not children:
        return None
    out = {"id": ind.id, "code": ind.code, "name": ind.name, "scorecard_id": ind.scorecard_id,
           "owner": owner_of(ind.scorecard), "restricted": restricted}
    if restricted:
        out.update({"cascade_kind": ind.cascade_kind.value if ind.cascade_kind else None, "computed": None})
    else:
        out.update(indicator_fields(ind))
        out["computed"] = node.figures.as_dict()
    out["children"] = children
    return out
