"""The demo's earlier years: the three demo OPDs' scorecards of 2024 and 2025 with the same indicators
as 2026 and a full year of approved values, so that the public LKjIP chapter III table
(/sakip/opd/<code>) has years to compare with. Made through the scorecard services; the values are
approved rows as the workflow leaves them. Idempotent: a year whose card has indicators is left alone.
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from ekinerja.bsc import services
from ekinerja.demo.scorecards import _deciders
from ekinerja.bsc.models import Aggregation, Indicator, Objective, OwnerKind, Polarity, Realisation, RealisationStatus
from ekinerja.extensions import db
from ekinerja.org.models import Opd

YEARS = (2024, 2025)
# How far each year got (achievement), per OPD: improving towards 2026, one indicator lagging.
PERFORMANCE = {2024: Decimal("0.86"), 2025: Decimal("0.93")}


def load(opd_codes: list[str], year_now: int) -> int:
    """Create the earlier years' cards of these OPDs; return the number of realisations made."""
    made = 0
    for opd in db.session.scalars(select(Opd).where(Opd.code.in_(opd_codes))):
        current = services.find_scorecard(year_now, OwnerKind.OPD, opd)
        if current is None:
            continue
        objectives = db.session.scalars(select(Objective).where(Objective.scorecard_id == current.id)
                                        .order_by(Objective.perspective_order, Objective.code)).all()
        indicators = db.session.scalars(select(Indicator).where(Indicator.scorecard_id == current.id)
                                        .order_by(Indicator.code)).all()
        for year in YEARS:
            made += _year(opd, year, objectives, indicators)
    db.session.flush()
    return made


def _year(opd: Opd, year: int, objectives: list[Objective], indicators: list[Indicator]) -> int:
    card = services.ensure_scorecard(None, year, OwnerKind.OPD, opd)
    if db.session.scalar(select(Indicator.id).where(Indicator.scorecard_id == card.id).limit(1)) is not None:
        return 0
    copies = {}
    for o in objectives:
        copies[o.id] = services.save_objective(None, card, o.code, o.perspective, o.name)
    made = []
    for n, ind in enumerate(indicators):
        target = _earlier_target(ind, ind.target, year)
        high = _earlier_target(ind, ind.target_high, year) if ind.target_high is not None else None
        copy = services.save_indicator(None, copies[ind.objective_id], services.IndicatorInput(
            code=ind.code, name=ind.name, unit_of_measure=ind.unit_of_measure, polarity=ind.polarity.value,
            aggregation=ind.aggregation.value, weight=ind.weight, target=target, target_high=high,
            definition=ind.definition, data_source=ind.data_source))
        made.append((copy, PERFORMANCE[year] - (Decimal("0.12") if n % 3 == 1 else 0)))
    decider = _deciders([copy for copy, _ in made]).get(card.id)  # the OPD head approved them
    rows = [_approved(copy, year, month, _value(copy, performance, month), decider)
            for copy, performance in made for month in range(1, 13)]
    db.session.add_all(rows)
    return len(rows)


def _earlier_target(ind: Indicator, value, year: int) -> Decimal:
    """Targets rise year by year: an earlier year's is a little lower (higher for a 'min' one)."""
    step = Decimal("0.03") * (2026 - year)
    factor = 1 + step if ind.polarity == Polarity.MIN else 1 - step
    return (Decimal(value) * factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _value(ind: Indicator, performance: Decimal, month: int) -> Decimal:
    target = Decimal(ind.target)
    if ind.aggregation == Aggregation.SUM:
        return (target / 12 * performance).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    value = target * performance if ind.polarity != Polarity.MIN else target * (2 - performance)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _approved(ind: Indicator, year: int, month: int, value: Decimal, decider: int | None) -> Realisation:
    when = datetime(year + month // 12, month % 12 + 1, 6, 2, 0, tzinfo=timezone.utc)
    return Realisation(indicator_id=ind.id, month=month, value=value, status=RealisationStatus.APPROVED, version=2,
                       note=f"Realisasi {ind.name.lower()} bulan {month} tahun {year}.",
                       submitted_at=when, decided_at=when, decided_by_id=decider)
