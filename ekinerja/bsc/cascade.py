"""Year-to-date figures, roll-ups and NKO for scorecards and cascade trees (domain.md §3.2–3.4).

Everything is computed from a handful of queries whatever the number of indicators: one per level
of the cascade to gather the indicators, one for their monthly targets, one for the realisations.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ekinerja.bsc import scoring
from ekinerja.bsc.models import (CascadeKind, Indicator, IndicatorRollup, MonthlyTarget, Objective, OwnerKind,
                                 Perspective, Realisation, RealisationStatus, Rollup, Scorecard)
from ekinerja.bsc.scoring import Colour, IndicatorFigures, Weighted
from ekinerja.extensions import db

CHUNK = 900  # ids per IN (...) list, well under SQLite's and MariaDB's limits


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


@dataclass
class Node:
    """An indicator with its figures at a month, and its direct children in the cascade."""

    indicator: Indicator
    figures: IndicatorFigures
    values: dict[int, Decimal]
    children: list["Node"] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.indicator.id


def load_descendants(roots: list[Indicator]) -> dict[int, Indicator]:
    """The roots and every indicator cascaded below them, one query per level."""
    found = {i.id: i for i in roots}
    frontier = list(found)
    while frontier:
        level: list[Indicator] = []
        for chunk in _chunks(frontier):
            level += db.session.scalars(
                select(Indicator).where(Indicator.parent_id.in_(chunk))
                .options(selectinload(Indicator.scorecard))).all()
        frontier = [i.id for i in level if i.id not in found]
        found.update({i.id: i for i in level})
    return found


def _monthly_targets(ids: list[int]) -> dict[int, list[Decimal] | None]:
    by_indicator: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for chunk in _chunks(ids):
        for t in db.session.execute(select(MonthlyTarget.indicator_id, MonthlyTarget.month, MonthlyTarget.value)
                                    .where(MonthlyTarget.indicator_id.in_(chunk))):
            by_indicator[t.indicator_id][t.month] = t.value
    return {i: ([by_indicator[i].get(m) for m in range(1, 13)] if i in by_indicator else None) for i in ids}


def counted_statuses(provisional: bool) -> tuple[RealisationStatus, ...]:
    """Official figures count approved values only; the provisional view counts submitted ones too."""
    if provisional:
        return (RealisationStatus.APPROVED, RealisationStatus.SUBMITTED)
    return (RealisationStatus.APPROVED,)


def _values(ids: list[int], month: int, provisional: bool) -> dict[int, dict[int, Decimal]]:
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    statuses = counted_statuses(provisional)
    for chunk in _chunks(ids):
        rows = db.session.execute(
            select(Realisation.indicator_id, Realisation.month, Realisation.value)
            .where(Realisation.indicator_id.in_(chunk), Realisation.month <= month,
                   Realisation.status.in_(statuses), Realisation.value.is_not(None)))
        for r in rows:
            out[r.indicator_id][r.month] = r.value
    return out


def compute(indicators: dict[int, Indicator], month: int, provisional: bool = False,
            cap: Decimal = scoring.DEFAULT_CAP) -> dict[int, Node]:
    """Figures for every given indicator; roll-ups use the direct children found among them
    (pass load_descendants(...) so that every roll-up sees its children)."""
    return compute_months(indicators, [month], provisional, cap)[month]


def _children_among(indicators: dict[int, Indicator]) -> dict[int, list[int]]:
    """Each indicator's children among the given ones, by id."""
    children: dict[int, list[int]] = defaultdict(list)
    for ind in indicators.values():
        if ind.parent_id in indicators:
            children[ind.parent_id].append(ind.id)
    for kids in children.values():
        kids.sort()
    return children


def compute_months(indicators: dict[int, Indicator], months: list[int], provisional: bool = False,
                   cap: Decimal = scoring.DEFAULT_CAP) -> dict[int, dict[int, Node]]:
    """compute() at several months (month -> nodes), reading the targets and the values from the
    database once for all of them."""
    if not months:
        return {}
    ids = list(indicators)
    targets = _monthly_targets(ids)
    all_values = _values(ids, max(months), provisional)
    children = _children_among(indicators)
    return {month: _build(indicators, ids, children, targets, all_values, month, cap) for month in months}


def figures_of(indicators: dict[int, Indicator], month: int, provisional: bool = False) -> dict[int, Node]:
    """Nodes for just these indicators, with the figures compute() would give them over everything
    cascaded below (read from the rollups); each node's children are those among them."""
    return stored_months(indicators, [month], provisional)[month]


def stored_months(indicators: dict[int, Indicator], months: list[int], provisional: bool = False,
                  cap: Decimal = scoring.DEFAULT_CAP) -> dict[int, dict[int, Node]]:
    """compute_months() for these indicators from their kept rollups (ekinerja.bsc.rollups): the
    same nodes, without reading anything cascaded below them. Two queries per 900 indicators.
    Children are linked among the given indicators only."""
    from ekinerja.bsc.rollups import catch_up, decode

    if not months:
        return {}
    catch_up(db.session)
    ids = list(indicators)
    targets = _monthly_targets(ids)
    stored: dict[int, tuple[list, list]] = {}
    for chunk in _chunks(ids):
        for row in db.session.execute(
                select(IndicatorRollup.indicator_id, IndicatorRollup.month_values, IndicatorRollup.month_scores)
                .where(IndicatorRollup.indicator_id.in_(chunk), IndicatorRollup.provisional == provisional)):
            stored[row.indicator_id] = (decode(row.month_values), decode(row.month_scores))
    children = _children_among(indicators)
    none = ([None] * 12, [None] * 12)
    out: dict[int, dict[int, Node]] = {}
    for month in months:
        nodes: dict[int, Node] = {}
        for ind_id, ind in indicators.items():
            month_values, month_scores = stored.get(ind_id, none)
            values = {m: month_values[m - 1] for m in range(1, month + 1) if month_values[m - 1] is not None}
            figures = scoring.indicator_figures(ind.polarity, ind.aggregation, ind.target, month, values,
                                                ind.target_high, targets.get(ind_id), cap)
            if ind.rollup == Rollup.CHILDREN_SCORE:
                s = month_scores[month - 1]
                figures = IndicatorFigures(month, figures.target, figures.target_high, None, s, s,
                                           scoring.colour(s), [])
            nodes[ind_id] = Node(ind, figures, values)
        for ind_id, kids in children.items():
            nodes[ind_id].children = [nodes[k] for k in kids]
        out[month] = nodes
    return out


def _build(indicators, ids, children, targets, all_values, month: int, cap: Decimal) -> dict[int, Node]:
    """The nodes at one month, from values already read (those after `month` are left out)."""
    nodes: dict[int, Node] = {}

    def own_values(ind_id: int) -> dict[int, Decimal]:
        values = all_values.get(ind_id, {})
        return values if all(m <= month for m in values) else {m: v for m, v in values.items() if m <= month}

    def build(ind_id: int, path: frozenset) -> Node:
        if ind_id in nodes:
            return nodes[ind_id]
        ind = indicators[ind_id]
        kids = [build(c, path | {ind_id}) for c in children[ind_id] if c not in path]
        direct = [k for k in kids if k.indicator.cascade_kind == CascadeKind.DIRECT]
        values = own_values(ind_id)
        if ind.rollup in (Rollup.CHILDREN_SUM, Rollup.CHILDREN_AVERAGE):
            values = _rolled_values(ind.rollup, direct, month)
        figures = scoring.indicator_figures(ind.polarity, ind.aggregation, ind.target, month, values,
                                            ind.target_high, targets.get(ind_id), cap)
        if ind.rollup == Rollup.CHILDREN_SCORE:
            w = scoring.weighted_mean((k.figures.score, k.indicator.weight) for k in direct)
            figures = IndicatorFigures(month, figures.target, figures.target_high, None, w.value, w.value,
                                       w.colour, [])
        node = Node(ind, figures, values, kids)
        nodes[ind_id] = node
        return node

    for ind_id in ids:
        build(ind_id, frozenset())
    return nodes


def _rolled_values(rollup: Rollup, children: list[Node], month: int) -> dict[int, Decimal]:
    """A month's value from the direct children that have a value that month (none: no value)."""
    out = {}
    for m in range(1, month + 1):
        got = [k.values[m] for k in children if m in k.values]
        if got:
            total = sum(got, Decimal(0))
            out[m] = total if rollup == Rollup.CHILDREN_SUM else total / len(got)
    return out


# ---------------------------------------------------------------- a whole scorecard

@dataclass
class ObjectiveFigures:
    objective: Objective
    nodes: list[Node]
    score: Weighted


@dataclass
class PerspectiveFigures:
    perspective: Perspective
    weight: Decimal | None
    objectives: list[ObjectiveFigures]
    score: Weighted


@dataclass
class ScorecardFigures:
    scorecard: Scorecard
    month: int
    provisional: bool
    perspectives: list[PerspectiveFigures]
    nko: Weighted
    nodes: dict[int, Node]

    @property
    def nko_colour(self) -> Colour:
        return self.nko.colour


def scorecard_figures(scorecard: Scorecard, month: int, provisional: bool = False) -> ScorecardFigures:
    own = db.session.scalars(select(Indicator).where(Indicator.scorecard_id == scorecard.id)
                             .options(selectinload(Indicator.scorecard))).all()
    nodes = figures_of({i.id: i for i in own}, month, provisional)
    objectives = db.session.scalars(select(Objective).where(Objective.scorecard_id == scorecard.id)
                                    .order_by(Objective.code)).all()
    return figures_from_nodes(scorecard, own, objectives, nodes, month, provisional)


def figures_from_nodes(scorecard: Scorecard, own: list[Indicator], objectives: list[Objective],
                       nodes: dict[int, Node], month: int, provisional: bool = False) -> ScorecardFigures:
    """A scorecard's figures from nodes already computed (for many scorecards at once, compute()
    over all their indicators and descendants once, then call this per scorecard)."""
    objectives = sorted(objectives, key=lambda o: o.code)
    by_objective: dict[int, list[Node]] = defaultdict(list)
    for ind in own:
        by_objective[ind.objective_id].append(nodes[ind.id])
    weights = scorecard.perspective_weights()
    perspectives = []
    for p in Perspective:
        objs = []
        for o in objectives:
            if o.perspective != p:
                continue
            ns = sorted(by_objective[o.id], key=lambda n: n.indicator.code)
            objs.append(ObjectiveFigures(o, ns, scoring.weighted_mean((n.figures.score, n.indicator.weight) for n in ns)))
        if not objs:
            continue
        all_nodes = [n for of in objs for n in of.nodes]
        score = scoring.weighted_mean((n.figures.score, n.indicator.weight) for n in all_nodes)
        perspectives.append(PerspectiveFigures(p, (weights or {}).get(p.value), objs, score))
    # Perspectives without any indicator drop out, and their weight is spread over the others.
    present = {pf.perspective.value: pf.score for pf in perspectives}
    result = scoring.nko(present, {k: v for k, v in (weights or {}).items() if k in present} or None,
                         [(nodes[i.id].figures.score, i.weight) for i in own])
    return ScorecardFigures(scorecard, month, provisional, perspectives, result, {i.id: nodes[i.id] for i in own})


def scorecards_nko(scorecards: list[Scorecard], month: int, provisional: bool = False) -> dict[int, Weighted]:
    """The NKO of many scorecards at once (a list page), as scorecard_figures computes it for one,
    from one pass of compute() over all their indicators and what is cascaded below them."""
    return scorecards_nko_months(scorecards, [month], provisional)[month]


def scorecards_nko_months(scorecards: list[Scorecard], months: list[int],
                          provisional: bool = False) -> dict[int, dict[int, Weighted]]:
    """scorecards_nko at several months (month -> scorecard id -> NKO), the indicators and their
    descendants loaded once."""
    ids = [sc.id for sc in scorecards]
    own: list[Indicator] = []
    perspective_of: dict[int, Perspective] = {}
    present: dict[int, set[Perspective]] = defaultdict(set)
    for chunk in _chunks(ids):
        own += db.session.scalars(select(Indicator).where(Indicator.scorecard_id.in_(chunk))
                                  .options(selectinload(Indicator.scorecard))).all()
        for oid, sc_id, p in db.session.execute(select(Objective.id, Objective.scorecard_id, Objective.perspective)
                                                .where(Objective.scorecard_id.in_(chunk))):
            perspective_of[oid] = p
            present[sc_id].add(p)
    at = stored_months({i.id: i for i in own}, months, provisional) if own else {m: {} for m in months}
    by_card: dict[int, list[Indicator]] = defaultdict(list)
    for ind in own:
        by_card[ind.scorecard_id].append(ind)
    return {m: {sc.id: _nko(sc, by_card[sc.id], perspective_of, present[sc.id], at[m]) for sc in scorecards}
            for m in months}


def _nko(sc: Scorecard, inds: list[Indicator], perspective_of: dict[int, Perspective], present: set[Perspective],
         nodes: dict[int, Node]) -> Weighted:
    scores = {p.value: scoring.weighted_mean((nodes[i.id].figures.score, i.weight) for i in inds
                                             if perspective_of[i.objective_id] == p)
              for p in Perspective if p in present}
    weights = sc.perspective_weights()
    return scoring.nko(scores, {k: v for k, v in (weights or {}).items() if k in scores} or None,
                       [(nodes[i.id].figures.score, i.weight) for i in inds])


# ---------------------------------------------------------------- gaps (domain.md §3.4)

@dataclass
class Gaps:
    iku_without_opd: list[Indicator]
    opd_indicators_uncarried: list[Indicator]
    positions_without_indicator: list  # (Position, Employee | None)


def gaps(year: int, opd_id: int | None = None) -> Gaps:
    """Province IKU that no OPD indicator carries; OPD indicators nobody below carries; posts
    whose holder has no indicator at all for the year (vacant posts included)."""
    from sqlalchemy import and_, exists
    from sqlalchemy.orm import aliased

    from ekinerja.org.models import Employee, Position, Unit

    child = aliased(Indicator)
    no_child = ~exists().where(child.parent_id == Indicator.id)

    def uncarried(kind: OwnerKind):
        stmt = (select(Indicator).join(Scorecard, Indicator.scorecard_id == Scorecard.id)
                .where(Scorecard.year == year, Scorecard.owner_kind == kind, no_child)
                .options(selectinload(Indicator.scorecard)).order_by(Scorecard.opd_id, Indicator.code))
        if opd_id is not None and kind != OwnerKind.PROVINCE:
            stmt = stmt.where(Scorecard.opd_id == opd_id)
        return db.session.scalars(stmt).all()

    has_indicator = exists().where(and_(Scorecard.employee_id == Employee.id, Scorecard.year == year,
                                        Indicator.scorecard_id == Scorecard.id))
    # A unit head's work is the unit's scorecard (the OPD's, for the head of the OPD office).
    heads_card = exists().where(and_(
        Scorecard.year == year, Indicator.scorecard_id == Scorecard.id,
        ((Scorecard.owner_kind == OwnerKind.UNIT) & (Scorecard.unit_id == Position.head_of_unit_id))
        | ((Scorecard.owner_kind == OwnerKind.OPD) & (Unit.parent_id.is_(None)) & (Position.head_of_unit_id == Unit.id)
           & (Scorecard.opd_id == Unit.opd_id))))
    stmt = (select(Position, Employee).join(Unit, Position.unit_id == Unit.id)
            .outerjoin(Employee, Employee.position_id == Position.id)
            .where((Employee.id.is_(None)) | (~has_indicator & ~heads_card))
            .order_by(Unit.opd_id, Unit.code, Position.name))
    if opd_id is not None:
        stmt = stmt.where(Unit.opd_id == opd_id)
    return Gaps(uncarried(OwnerKind.PROVINCE), uncarried(OwnerKind.OPD), db.session.execute(stmt).all())
