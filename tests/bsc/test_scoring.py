"""domain.md §3.1–3.3: every worked example, and the invariants as property tests."""
from decimal import Decimal as D

import pytest
from hypothesis import assume, given, strategies as st

from ekinerja.bsc.scoring import (Colour, Weighted, achievement, colour, indicator_figures, missing_months,
                                  nko, percent, plain, realisation_at, score, target_at, weighted_mean)


# ---------------------------------------------------------------- worked examples of §3.1

def test_min_with_range_below_and_above():
    assert percent(achievement("min", D("6.5"), D(7), D(8))) == D("107.14")
    assert percent(achievement("min", D(9), D(7), D(8))) == D("87.50")


def test_max_with_range_below_and_above():
    assert percent(achievement("max", D(70), D(80), D(90))) == D("87.50")
    assert percent(achievement("max", D(92), D(80), D(90))) == D("102.22")


def test_max_capped_at_120():
    a = achievement("max", D("3.75"), D(3))
    assert percent(a) == D("125.00")
    assert percent(score(a)) == D("120.00")


def test_min_far_over_target_scores_zero():
    a = achievement("min", D(25), D(10))
    assert percent(a) == D("-50.00")
    assert percent(score(a)) == D("0.00")


def test_zero_targets():
    assert achievement("max", D(0), D(0)) == 1
    assert achievement("max", D(5), D(0)) == 1
    assert achievement("min", D(0), D(0)) == 1
    assert achievement("min", D(-1), D(0)) == 1
    assert achievement("min", D("0.1"), D(0)) == 0


def test_stabilize_needs_a_range_and_scores_both_sides():
    with pytest.raises(ValueError):
        achievement("stabilize", D(3), D(3))
    assert achievement("stabilize", D(3), D(2), D(4)) == 1
    assert percent(achievement("stabilize", D(1), D(2), D(4))) == D("50.00")
    assert percent(achievement("stabilize", D(5), D(2), D(4))) == D("75.00")


def test_colours_and_thresholds():
    assert colour(D("1.00")) == Colour.GREEN
    assert colour(D("0.9999")) == Colour.YELLOW
    assert colour(D("0.80")) == Colour.YELLOW
    assert colour(D("0.7999")) == Colour.RED
    assert colour(None) == Colour.GREY


# ---------------------------------------------------------------- §3.2 year to date

def test_sum_target_without_monthly_targets_is_prorated():
    assert target_at("sum", D(120), 6) == D(60)
    assert target_at("sum", D(120), 6, [D(5)] * 6 + [D(15)] * 6) == D(30)
    assert target_at("average", D(14), 3) == D(14)
    assert target_at("last", D(14), 3, [D(i) for i in range(1, 13)]) == D(3)


def test_realisations_missing_months_are_not_zero():
    values = {1: D(10), 3: D(20)}
    assert realisation_at("sum", values, 3) == D(30)
    assert realisation_at("average", values, 3) == D(15)
    assert realisation_at("last", values, 2) == D(10)
    assert realisation_at("last", values, 3) == D(20)
    assert realisation_at("sum", {}, 3) is None
    assert missing_months(values, 4) == [2, 4]


def test_indicator_without_values_is_grey_and_names_the_missing_months():
    f = indicator_figures("max", "sum", D(120), 3, {})
    assert f.score is None and f.colour == Colour.GREY and f.missing_months == [1, 2, 3]
    assert f.as_dict()["colour"] == "grey"


def test_figures_as_interchange_strings():
    f = indicator_figures("max", "sum", D(240), 6, {m: D(16) for m in range(1, 7)})
    d = f.as_dict()
    assert d["target"] == "120" and d["realisation"] == "96"
    assert d["achievement"] == "80.00" and d["score"] == "80.00" and d["colour"] == "yellow"
    assert plain(D("13.2000")) == "13.2" and plain(D("120.00")) == "120"


# ---------------------------------------------------------------- §3.3 above the indicator

def test_weighted_mean_leaves_out_unscored_and_reports_coverage():
    w = weighted_mean([(D(1), D(2)), (None, D(1)), (D("0.5"), D(1))])
    assert w.value == D("2.5") / 3
    assert w.coverage == D(3) / D(4)
    assert weighted_mean([(None, D(1))]) == Weighted(None, D(0))


def test_nko_spreads_a_missing_perspective_proportionally():
    weights = {"stakeholder": D(25), "customer": D(15), "internal_process": D(30), "learning_growth": D(30)}
    nkp = {"stakeholder": Weighted(D(1), D(1)), "internal_process": Weighted(D("0.8"), D(1)),
           "learning_growth": Weighted(D("1.1"), D("0.5"))}
    result = nko(nkp, weights)
    assert result.value == (25 * D(1) + 30 * D("0.8") + 30 * D("1.1")) / 85
    assert result.coverage == (25 + 30 + 15) / D(85)


def test_nko_without_perspective_weights_is_the_indicator_mean():
    assert nko({}, None, [(D(1), D(1)), (D("0.5"), D(1))]).value == D("0.75")


# ---------------------------------------------------------------- invariants

decimals = st.decimals(min_value=D("-1000"), max_value=D("100000"), places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2, allow_nan=False, allow_infinity=False)


@given(polarity=st.sampled_from(["max", "min"]), r=decimals, t=decimals)
def test_score_is_between_zero_and_cap(polarity, r, t):
    s = score(achievement(polarity, r, t))
    assert D(0) <= s <= D("1.20")


@given(r=decimals, lo=positive, width=st.decimals(min_value=D(0), max_value=D(1000), places=2))
def test_max_and_min_mirror_each_other(r, lo, width):
    hi = lo + width
    # Exact up to Decimal's 28 significant digits.
    assert abs(achievement("max", r, lo) + achievement("min", r, lo) - 2) < D("1e-20")
    assert abs(achievement("max", r, lo, hi) + achievement("min", r, lo, hi) - 2) < D("1e-20")


@given(polarity=st.sampled_from(["max", "min", "stabilize"]), lo=decimals,
       width=st.decimals(min_value=D(0), max_value=D(1000), places=2), frac=st.fractions(0, 1))
def test_a_value_inside_the_range_scores_100(polarity, lo, width, frac):
    hi = lo + width
    r = lo + width * D(frac.numerator) / D(frac.denominator)
    assume(lo <= r <= hi)
    assert score(achievement(polarity, r, lo, hi)) == 1


@given(aggregation=st.sampled_from(["sum", "average", "last"]), polarity=st.sampled_from(["max", "min"]),
       values=st.dictionaries(st.integers(1, 11), decimals, max_size=11), new_value=decimals,
       target=positive)
def test_adding_a_month_never_changes_earlier_months(aggregation, polarity, values, new_value, target):
    later = max(values, default=0) + 1
    assume(later <= 12)
    before = [indicator_figures(polarity, aggregation, target, m, values) for m in range(1, later)]
    after_values = {**values, later: new_value}
    after = [indicator_figures(polarity, aggregation, target, m, after_values) for m in range(1, later)]
    assert before == after
