"""The formulas of domain.md §3.1–3.3, as pure functions over Decimal. No database, no Flask.

Achievement A compares a year-to-date realisation R with the year-to-date target T (or a range
[T_lo, T_hi]); the score S is A clamped to [0, cap]. Months without a value are missing, not zero.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Mapping, Sequence

ZERO, ONE, TWO = Decimal(0), Decimal(1), Decimal(2)
HUNDRED = Decimal(100)
DEFAULT_CAP = Decimal("1.20")
GREEN_FROM = Decimal("1.00")
YELLOW_FROM = Decimal("0.80")
DEFAULT_PERSPECTIVE_WEIGHTS = {"stakeholder": Decimal(25), "customer": Decimal(15),
                               "internal_process": Decimal(30), "learning_growth": Decimal(30)}
PERSPECTIVES = tuple(DEFAULT_PERSPECTIVE_WEIGHTS)


class Polarity(enum.StrEnum):
    MAX = "max"
    MIN = "min"
    STABILIZE = "stabilize"


class Aggregation(enum.StrEnum):
    SUM = "sum"
    AVERAGE = "average"
    LAST = "last"


class Colour(enum.StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    GREY = "grey"


def _ratio_max(r: Decimal, t: Decimal) -> Decimal:
    if t == 0:
        return ONE if r >= 0 else ZERO
    return r / t


def _ratio_min(r: Decimal, t: Decimal) -> Decimal:
    if t == 0:
        return ONE if r <= 0 else ZERO
    return TWO - r / t


def achievement(polarity: Polarity | str, realisation: Decimal, target: Decimal,
                target_high: Decimal | None = None) -> Decimal:
    """A (as a fraction: 1 = 100%) by domain.md §3.1. `target` is T, or T_lo when target_high is set."""
    polarity = Polarity(polarity)
    r, lo, hi = Decimal(realisation), Decimal(target), target_high
    if hi is None:
        if polarity == Polarity.STABILIZE:
            raise ValueError("polaritas stabil memerlukan rentang target (target_high)")
        return _ratio_max(r, lo) if polarity == Polarity.MAX else _ratio_min(r, lo)
    hi = Decimal(hi)
    if hi < lo:
        raise ValueError("batas atas rentang target lebih kecil dari batas bawah")
    if lo <= r <= hi:
        return ONE
    if r < lo:
        return _ratio_min(r, lo) if polarity == Polarity.MIN else _ratio_max(r, lo)
    return _ratio_max(r, hi) if polarity == Polarity.MAX else _ratio_min(r, hi)


def score(a: Decimal | None, cap: Decimal = DEFAULT_CAP) -> Decimal | None:
    """S = min(max(A, 0), cap)."""
    if a is None:
        return None
    return min(max(a, ZERO), cap)


def colour(s: Decimal | None, green_from: Decimal = GREEN_FROM, yellow_from: Decimal = YELLOW_FROM) -> Colour:
    if s is None:
        return Colour.GREY
    if s >= green_from:
        return Colour.GREEN
    if s >= yellow_from:
        return Colour.YELLOW
    return Colour.RED


def percent(fraction: Decimal | None) -> Decimal | None:
    """A fraction as a percentage with two decimals (1.071428… → 107.14)."""
    if fraction is None:
        return None
    return (fraction * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- §3.2 year to date

def target_at(aggregation: Aggregation | str, annual: Decimal, month: int,
              monthly: Sequence[Decimal | None] | None = None) -> Decimal:
    """Target at month m: sum → Σ monthly targets 1..m, or T·m/12; average/last → the monthly
    target of m, or the annual target."""
    aggregation = Aggregation(aggregation)
    _check_month(month)
    has_monthly = bool(monthly) and all(v is not None for v in monthly)
    if aggregation == Aggregation.SUM:
        if has_monthly:
            return sum((Decimal(v) for v in monthly[:month]), ZERO)
        return Decimal(annual) * month / 12
    if has_monthly:
        return Decimal(monthly[month - 1])
    return Decimal(annual)


def range_high_at(aggregation: Aggregation | str, annual: Decimal, annual_high: Decimal | None,
                  month: int, monthly: Sequence[Decimal | None] | None = None) -> Decimal | None:
    """The upper bound of a target range at month m, moved with the target: for sums it grows as
    the target does (T_hi·T_m/T, or T_hi·m/12); for averages and last values the width of the
    range stays around the month's target."""
    if annual_high is None:
        return None
    aggregation = Aggregation(aggregation)
    annual, annual_high = Decimal(annual), Decimal(annual_high)
    t_m = target_at(aggregation, annual, month, monthly)
    if aggregation == Aggregation.SUM:
        return annual_high * t_m / annual if annual != 0 else annual_high * month / 12
    return t_m + (annual_high - annual)


def realisation_at(aggregation: Aggregation | str, values: Mapping[int, Decimal], month: int) -> Decimal | None:
    """R at month m from the values of months 1..m (missing months are left out, never zero)."""
    aggregation = Aggregation(aggregation)
    _check_month(month)
    known = [(m, Decimal(v)) for m, v in sorted(values.items()) if 1 <= m <= month and v is not None]
    if not known:
        return None
    if aggregation == Aggregation.SUM:
        return sum((v for _, v in known), ZERO)
    if aggregation == Aggregation.AVERAGE:
        return sum((v for _, v in known), ZERO) / len(known)
    return known[-1][1]


def missing_months(values: Mapping[int, Decimal], month: int) -> list[int]:
    return [m for m in range(1, month + 1) if values.get(m) is None]


def _check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise ValueError("bulan harus 1–12")


@dataclass(frozen=True)
class IndicatorFigures:
    """An indicator's figures at a month (the `computed` of interchange.md)."""

    month: int
    target: Decimal
    target_high: Decimal | None
    realisation: Decimal | None
    achievement: Decimal | None
    score: Decimal | None
    colour: Colour
    missing_months: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "month": self.month,
            "target": plain(self.target),
            "target_high": plain(self.target_high),
            "realisation": plain(self.realisation),
            "achievement": percent_text(self.achievement),
            "score": percent_text(self.score),
            "colour": self.colour.value,
            "missing_months": self.missing_months,
            "coverage": "100.00" if self.score is not None else "0.00",
        }


def indicator_figures(polarity, aggregation, annual_target: Decimal, month: int,
                      values: Mapping[int, Decimal], annual_high: Decimal | None = None,
                      monthly_targets: Sequence[Decimal | None] | None = None,
                      cap: Decimal = DEFAULT_CAP) -> IndicatorFigures:
    t = target_at(aggregation, annual_target, month, monthly_targets)
    hi = range_high_at(aggregation, annual_target, annual_high, month, monthly_targets)
    r = realisation_at(aggregation, values, month)
    a = achievement(polarity, r, t, hi) if r is not None else None
    s = score(a, cap)
    return IndicatorFigures(month, t, hi, r, a, s, colour(s), missing_months(values, month))


# ---------------------------------------------------------------- §3.3 above the indicator

@dataclass(frozen=True)
class Weighted:
    """A weighted mean of scores and the share of weight that had a score."""

    value: Decimal | None
    coverage: Decimal  # fraction 0..1

    @property
    def colour(self) -> Colour:
        return colour(self.value)


def weighted_mean(items: Iterable[tuple[Decimal | None, Decimal]]) -> Weighted:
    """Σ w·s / Σ w over the items that have a score; coverage = Σ w (scored) / Σ w (all)."""
    total = scored_weight = acc = ZERO
    for s, w in items:
        w = Decimal(w)
        total += w
        if s is not None:
            scored_weight += w
            acc += w * s
    if scored_weight == 0:
        return Weighted(None, ZERO)
    return Weighted(acc / scored_weight, scored_weight / total)


def nko(perspective_scores: Mapping[str, Weighted], perspective_weights: Mapping[str, Decimal] | None,
        indicator_scores: Iterable[tuple[Decimal | None, Decimal]] = ()) -> Weighted:
    """NKO = Σ W_p·NKP_p / Σ W_p over the perspectives that have a score (so a missing perspective's
    weight is spread proportionally); coverage weighs each perspective's coverage by W_p. Without
    perspective weights: the weighted mean of all indicator scores."""
    if not perspective_weights:
        return weighted_mean(indicator_scores)
    present = {p: w for p, w in perspective_weights.items() if p in perspective_scores}
    value = weighted_mean((perspective_scores[p].value, w) for p, w in present.items()).value
    total = sum((Decimal(w) for w in present.values()), ZERO)
    coverage = (sum((Decimal(w) * perspective_scores[p].coverage for p, w in present.items()), ZERO) / total
                if total else ZERO)
    return Weighted(value, coverage)


def percent_text(fraction: Decimal | None) -> str | None:
    """A fraction as the interchange's percent string, always two decimals ("80.00")."""
    p = percent(fraction)
    return None if p is None else format(p, "f")


def plain(value: Decimal | None) -> str | None:
    """A Decimal as a plain decimal string (no exponent), as the interchange format wants."""
    if value is None:
        return None
    # normalize() drops trailing zeros ("13.2000" stored → "13.2"); "f" keeps it out of exponents.
    return format(value.normalize(), "f")
