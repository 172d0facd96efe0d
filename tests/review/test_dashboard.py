"""The review figures (ekinerja/review/dashboard.py) from a small world built with the services.

The world (tests/bsc/conftest.iku): province IKU-01 (max, sum, target 120 → 10 a month) rolls up
OPD A's indicator, which here rolls up its bidang's, which rolls up two staff indicators (target 60
each → 5 a month): the only manual indicators of OPD A. OPD B has no scorecard.
"""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from ekinerja.bsc.models import RealisationStatus
from ekinerja.bsc.scoring import Colour
from ekinerja.extensions import db
from ekinerja.realisations import services as rs
from ekinerja.realisations.models import Evidence
from ekinerja.review import dashboard as rd
from ekinerja.review.dashboard import _trend_projection
from tests.realisations.test_views import pdf_bytes

APRIL = 4


@pytest.fixture
def world(summing):
    """The cascade with OPD A's and the bidang's indicators summing what is below them."""
    return summing


@pytest.fixture
def months(world, realise):
    """January–March on target and approved; April: staff1 approved 0, staff2 only a draft."""
    iku = world
    for m in (1, 2, 3):
        realise(iku.s1, m, 5)
        realise(iku.s2, m, 5)
    realise(iku.s1, APRIL, 0)
    realise(iku.s2, APRIL, 0, status=RealisationStatus.DRAFT)
    db.session.commit()
    return iku


def test_province_nko_and_iku_trend(months, org):
    d = rd.dashboard(2026, APRIL)
    assert d.nko.value == D("0.75") and d.nko.colour == Colour.RED       # 30 of 40 by April
    assert d.nko_trend == [D(1), D(1), D(1), D("0.75")]
    [row] = d.iku
    assert row.indicator.code == "IKU-01" and row.score == D("0.75") and row.colour == Colour.RED
    assert row.trend == [D(1), D(1), D(1), D("0.75")]
    # least squares through (1,1) (2,1) (3,1) (4,0.75): slope -0.075, read at December
    assert row.projection == D("0.2250") and row.will_miss


def test_opds_ranked_with_colours_and_completeness(months, org):
    d = rd.dashboard(2026, APRIL)
    assert [r.opd.name for r in d.opds] == ["Dinas Alfa", "Badan Beta"]
    a, b = d.opds
    assert a.rank == 1 and a.nko.value == D("0.75")
    assert a.colours == [Colour.GREEN, Colour.GREEN, Colour.GREEN, Colour.RED]
    assert a.completeness == [D(1), D(1), D(1), D("0.5")]                 # staff2's April is a draft
    assert b.rank is None and b.nko is None and b.colours == [Colour.GREY] * 4
    assert b.completeness == [None] * 4                                    # nothing to fill


def test_turned_red_this_month_only(months):
    d = rd.dashboard(2026, APRIL)
    assert [(t.indicator.code, t.before) for t in d.turned_red] == [("IKU-01", Colour.GREEN), ("IKU-01", Colour.GREEN)]
    assert {t.indicator.scorecard.owner_kind.value for t in d.turned_red} == {"province", "opd"}
    assert rd.dashboard(2026, 3).turned_red == []                          # still green in March
    assert rd.dashboard(2026, 1).turned_red == []                          # no month before January


def test_empty_year_has_no_figures(org):
    d = rd.dashboard(2030, 5)
    assert d.province is None and d.nko is None and d.iku == [] and d.turned_red == []
    assert all(r.nko is None and r.rank is None for r in d.opds)


def test_projection_of_few_points():
    assert _trend_projection([None, None]) is None
    assert _trend_projection([None, D("0.9")]) == D("0.9")                 # one point: flat
    assert _trend_projection([D("0.5"), None, D("0.7")]) == D("1.6000")    # +0.1 a month from March


def test_compliance_from_the_records(world, people, org):
    """staff1: submitted on 3 May, approved 2 days later, with evidence; staff2: returned once,
    resubmitted on 11 May in NTB (still 10 May in UTC: late), approved a day later."""
    iku = world
    s1 = rs.save(people.staff1, iku.s1, APRIL, rs.Entry(value="20"))
    rs.add_evidence(people.staff1, s1, pdf_bytes(), "laporan.pdf", s1.version)
    rs.submit(people.staff1, s1, s1.version)
    rs.approve(people.kabid, s1, s1.version)
    s2 = rs.save_and_submit(people.staff2, iku.s2, APRIL, rs.Entry(value="20"))
    rs.return_(people.kabid, s2, s2.version, "Lengkapi bukti")
    s2 = rs.save_and_submit(people.staff2, iku.s2, APRIL, rs.Entry(value="21"), s2.version)
    rs.approve(people.kabid, s2, s2.version)
    s1.submitted_at, s1.decided_at = datetime(2026, 5, 3, 2, tzinfo=UTC), datetime(2026, 5, 5, 2, tzinfo=UTC)
    s2.submitted_at, s2.decided_at = datetime(2026, 5, 10, 17, tzinfo=UTC), datetime(2026, 5, 11, 17, tzinfo=UTC)
    db.session.commit()
    assert db.session.scalar(select(func.count(Evidence.id))) == 1

    a, b = sorted(rd.compliance(2026, APRIL), key=lambda c: c.opd.name != "Dinas Alfa")
    assert (a.expected, a.submitted, a.approved, a.returned) == (8, 2, 2, 1)
    assert a.completeness == D("0.25")
    assert a.on_time_rate == D("0.5")          # the 10 May deadline, read in NTB time
    assert a.evidence_coverage == D("0.5")
    assert a.returns_per_approval == D("0.50")
    assert a.lead_days == D("1.50")            # median of 2 and 1 days
    assert (b.expected, b.completeness, b.on_time_rate, b.returns_per_approval, b.lead_days) == \
        (0, None, None, None, None)


def test_queries_do_not_grow_with_the_opds(months, org, make_opd, realise):
    """A third OPD with its own scorecard and values costs no extra query."""
    from sqlalchemy import event

    from ekinerja.bsc import services
    from ekinerja.bsc.models import OwnerKind

    def count(fn):
        seen = []
        listen = lambda *a: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            fn()
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        return len(seen)

    db.session.expire_all()
    before = (count(lambda: rd.dashboard(2026, APRIL)), count(lambda: rd.compliance(2026, APRIL)))
    c = make_opd(name="Dinas Gama")
    card = services.ensure_scorecard(None, 2026, OwnerKind.OPD, c)
    ss = services.save_objective(None, card, "SS1", "customer", "Layanan cepat")
    ind = services.save_indicator(None, ss, services.IndicatorInput(
        code="IKU-G1", name="Layanan selesai tepat waktu", unit_of_measure="%", polarity="max",
        aggregation="average", weight=1, target=90))
    for m in (1, 2, 3, 4):
        realise(ind, m, 95)
    db.session.commit()
    db.session.expire_all()
    after = (count(lambda: rd.dashboard(2026, APRIL)), count(lambda: rd.compliance(2026, APRIL)))
    assert after == before
    gama = next(r for r in rd.dashboard(2026, APRIL).opds if r.opd.name == "Dinas Gama")
    assert gama.rank == 1 and gama.completeness == [D(1)] * 4
