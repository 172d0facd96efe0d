"""`flask demo load`: the province scorecard of the demo year, its cascade to the three demo OPDs,
their bidang and staff, and realisations in every state and colour; loading twice changes nothing."""
import re
from collections import Counter, defaultdict

import pytest
from sqlalchemy import func, select

from ekinerja.bsc import scoring
from ekinerja.bsc.cascade import compute, load_descendants, scorecard_figures
from ekinerja.bsc.models import Indicator, OwnerKind, Perspective, Realisation, RealisationStatus, Scorecard
from ekinerja.demo.loader import BAPPEDA, DINKES, KOMINFO
from ekinerja.demo.scorecards import DEMO_YEAR, LAST_MONTH
from ekinerja.extensions import db
from ekinerja.org.models import Opd


def table_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


@pytest.fixture
def demo(ctx, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    return result.output


def cards(kind: OwnerKind) -> list[Scorecard]:
    return db.session.scalars(select(Scorecard).where(Scorecard.year == DEMO_YEAR, Scorecard.owner_kind == kind)).all()


def test_province_scorecard_has_the_rpjmd_iku(demo):
    [province] = cards(OwnerKind.PROVINCE)
    indicators = province.indicators
    assert len(indicators) >= 8
    names = {i.name for i in indicators}
    for name in ("Indeks Pembangunan Manusia", "Persentase penduduk miskin", "Tingkat pengangguran terbuka",
                 "Pertumbuhan ekonomi", "Indeks SPBE", "Indeks Reformasi Birokrasi"):
        assert name in names
    assert {o.perspective for o in province.objectives} == set(Perspective)
    assert all(i.data_source and i.parent_id is None for i in indicators)
    inflation = next(i for i in indicators if i.name.startswith("Inflasi"))
    assert (inflation.polarity.value, inflation.target, inflation.target_high) == ("stabilize", 1.5, 3.5)


def test_each_demo_opd_carries_province_iku(demo):
    province_ids = {i.id for i in cards(OwnerKind.PROVINCE)[0].indicators}
    for code in (DINKES, KOMINFO, BAPPEDA):
        opd = db.session.scalar(select(Opd).where(Opd.code == code))
        card = next(sc for sc in cards(OwnerKind.OPD) if sc.opd_id == opd.id)
        assert card.indicators and all(i.parent_id in province_ids for i in card.indicators), opd.name
        units = [sc for sc in cards(OwnerKind.UNIT) if sc.opd_id == opd.id]
        assert len(units) >= 3
        opd_ids = {i.id for i in card.indicators}
        assert all(i.parent_id in opd_ids for sc in units for i in sc.indicators)


def test_staff_carry_indicators_of_their_bidang(demo):
    staff_cards = cards(OwnerKind.EMPLOYEE)
    assert len(staff_cards) >= 30
    for sc in staff_cards:
        position = sc.employee.position
        assert position.head_of_unit_id is None
        for ind in sc.indicators:
            parent_card = ind.parent.scorecard
            assert parent_card.owner_kind == OwnerKind.UNIT and parent_card.unit_id == position.unit_id
    # a bidang's staff get different measures from their bidang's: their own work (RHK)
    assert any(ind.name != ind.parent.name for sc in staff_cards for ind in sc.indicators)


def test_realisations_in_every_state_and_every_colour(demo):
    statuses = Counter(db.session.scalars(select(Realisation.status)))
    assert set(statuses) == set(RealisationStatus)
    returned = db.session.scalars(select(Realisation).where(Realisation.status == RealisationStatus.RETURNED)).all()
    assert all(r.return_comment and r.decided_at for r in returned)
    approved = db.session.scalars(select(Realisation).where(Realisation.status == RealisationStatus.APPROVED)).all()
    assert all(r.decided_by_id is not None and r.decided_at is not None for r in approved)
    assert db.session.scalar(select(func.max(Realisation.month))) == LAST_MONTH

    roots = db.session.scalars(select(Indicator).where(Indicator.year == DEMO_YEAR,
                                                       Indicator.parent_id.is_(None))).all()
    everything = load_descendants(roots)
    nodes = compute(everything, LAST_MONTH)
    colours = Counter(n.figures.colour.value for n in nodes.values())
    assert set(colours) == {"green", "yellow", "red", "grey"}, colours
    # a value that was red when it was entered carries the reason and the follow-up
    entered, reds = defaultdict(dict), 0
    for r in db.session.scalars(select(Realisation).order_by(Realisation.month)):
        entered[r.indicator_id][r.month] = r.value
        ind = everything[r.indicator_id]
        figures = scoring.indicator_figures(ind.polarity, ind.aggregation, ind.target, r.month,
                                            entered[r.indicator_id], ind.target_high)
        if figures.colour == scoring.Colour.RED:
            assert r.reason and r.follow_up, (ind.name, r.month)
            reds += 1
    assert reds > 0
    # the province's NKO has data, and leaves out what has none
    figures = scorecard_figures(cards(OwnerKind.PROVINCE)[0], LAST_MONTH)
    assert figures.nko.value is not None and figures.nko.coverage < 1


def test_demo_positions_without_work_are_findings(demo):
    """The sekretariat's staff have no indicator: the gaps of domain.md §3.4 show them."""
    from ekinerja.bsc.cascade import gaps

    found = gaps(DEMO_YEAR)
    assert found.positions_without_indicator
    assert any(p.name == "Pengelola Keuangan" for p, _ in found.positions_without_indicator)
    assert found.iku_without_opd  # e.g. the desa mandiri IKU: no demo OPD carries it


def test_demo_load_twice_changes_nothing(ctx, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    db.session.remove()
    counts = table_counts()
    assert counts["realisation"] > 300 and counts["indicator"] > 60
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    db.session.remove()
    assert table_counts() == counts


def test_a_printed_staff_login_has_an_individual_scorecard(demo):
    nips = set(re.findall(r"^\s+(\d{18})\s", demo, re.M))
    staff = cards(OwnerKind.EMPLOYEE)
    assert {sc.employee.nip for sc in staff} & nips
