from decimal import Decimal as D

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

# MariaDB reports a failed CHECK as an OperationalError (4025), SQLite as an IntegrityError.
REFUSED = (IntegrityError, OperationalError)

from ekinerja.bsc import services
from ekinerja.bsc.cascade import compute, load_descendants, scorecard_figures
from ekinerja.bsc.models import Indicator, OwnerKind, RealisationStatus, Rollup
from ekinerja.errors import PermissionDenied, ValidationFailed
from ekinerja.extensions import db


def test_cascade_builds_scorecards_down_to_staff(iku, org):
    assert iku.opd.parent_id == iku.top.id and iku.opd.scorecard.opd_id == org.a.id
    assert iku.unit.scorecard.unit_id == org.bidang.id
    assert {iku.s1.scorecard.employee_id, iku.s2.scorecard.employee_id} == {org.staff1.id, org.staff2.id}
    assert iku.s1.objective.code == "SS1" and iku.s1.target == D(60)


def test_cascading_again_updates_the_target(iku, org):
    [again] = services.cascade(None, iku.unit, [services.CascadeTarget(OwnerKind.EMPLOYEE, org.staff1.id, 75)])
    assert again.id == iku.s1.id and again.target == D(75)


def test_cascade_is_all_or_nothing(iku, org):
    before = db.session.query(Indicator).count()
    with pytest.raises(ValidationFailed) as exc:
        services.cascade(None, iku.unit, [services.CascadeTarget(OwnerKind.EMPLOYEE, org.a_head.id, 5),
                                          services.CascadeTarget(OwnerKind.EMPLOYEE, org.b_staff.id, 5)])
    db.session.rollback()
    assert db.session.query(Indicator).count() == before
    assert any("tidak berada di bawah" in d["message"] for d in exc.value.details)


def test_parent_must_be_on_a_scorecard_above(iku, org):
    with pytest.raises(ValidationFailed):
        services.cascade(None, iku.top, [services.CascadeTarget(OwnerKind.UNIT, org.bidang.id, 1)])
    db.session.rollback()


def test_operator_of_another_opd_cannot_cascade(iku, org, make_user):
    op_b = make_user(("opd_operator", org.b))
    with pytest.raises(PermissionDenied):
        services.cascade(op_b, iku.unit, [services.CascadeTarget(OwnerKind.EMPLOYEE, org.staff1.id, 10)])
    db.session.rollback()


def test_nobody_sets_their_own_targets(iku, org):
    from ekinerja.auth.models import User
    from ekinerja.auth.permissions import can_scorecard
    from sqlalchemy import select

    kabid = db.session.scalar(select(User).where(User.employee_id == org.kabid.id))
    staff = db.session.scalar(select(User).where(User.employee_id == org.staff1.id))
    assert can_scorecard(kabid, "bsc.manage", iku.s1.scorecard)       # his staff's
    assert can_scorecard(kabid, "bsc.manage", iku.unit.scorecard)     # his unit's
    assert not can_scorecard(staff, "bsc.manage", iku.s1.scorecard)   # not his own
    assert can_scorecard(staff, "bsc.view", iku.s1.scorecard)
    assert not can_scorecard(staff, "bsc.view", iku.s2.scorecard)


def test_rollup_sums_direct_children_and_uses_approved_values_only(iku, realise):
    realise(iku.s1, 1, 6)
    realise(iku.s2, 1, 4)
    realise(iku.s1, 2, 5, RealisationStatus.SUBMITTED)
    realise(iku.s2, 2, 5, RealisationStatus.DRAFT)
    iku.unit.rollup = Rollup.CHILDREN_SUM
    iku.opd.rollup = Rollup.CHILDREN_SUM
    db.session.flush()
    nodes = compute(load_descendants([iku.top]), month=2)
    assert nodes[iku.unit.id].figures.realisation == D(10)
    assert nodes[iku.top.id].figures.realisation == D(10)
    assert nodes[iku.top.id].figures.target == D(20)
    assert nodes[iku.top.id].figures.missing_months == [2]
    provisional = compute(load_descendants([iku.top]), month=2, provisional=True)
    assert provisional[iku.top.id].figures.realisation == D(15)


def test_children_score_is_the_weighted_mean_of_the_children(iku, realise):
    realise(iku.s1, 1, 5)   # 5 / 5 = 100%
    realise(iku.s2, 1, 4)   # 4 / 5 = 80%
    iku.unit.rollup = Rollup.CHILDREN_SCORE
    db.session.flush()
    node = compute(load_descendants([iku.unit]), month=1)[iku.unit.id]
    assert node.figures.score == D("0.9")
    assert node.figures.colour.value == "yellow"


def test_scorecard_nko(iku, realise):
    realise(iku.s1, 1, 5)
    fig = scorecard_figures(iku.s1.scorecard, 1)
    assert fig.nko.value == D(1) and fig.nko.coverage == D(1)
    assert [p.perspective.value for p in fig.perspectives] == ["stakeholder"]


def test_database_refuses_bad_weights_and_cross_year_parents(iku):
    with pytest.raises(REFUSED):
        iku.s1.weight = D(0)
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        ind = db.session.get(Indicator, iku.s2.id)
        ind.year = 2025  # parent is of 2026
        db.session.flush()
    db.session.rollback()


def test_gaps_name_uncarried_indicators_and_posts_without_work(iku, org):
    from ekinerja.bsc.cascade import gaps

    prov_ss = iku.top.objective
    lonely = services.save_indicator(None, prov_ss, services.IndicatorInput(
        code="IKU-02", name="Angka kemiskinan", unit_of_measure="%", polarity="min", aggregation="last",
        weight=5, target="13.5"))
    db.session.commit()
    g = gaps(2026)
    assert [i.code for i in g.iku_without_opd] == ["IKU-02"]
    assert g.opd_indicators_uncarried == []  # OPD A's indicator is carried by its bidang
    names = {p.name for p, e in g.positions_without_indicator}
    # staff1 has his own indicator, the kabid and the OPD head carry their unit's and OPD's cards
    assert not names & {org.staff1.position.name, org.kabid.position.name, org.a_head.position.name}
    assert org.b_head.position.name in names
    assert gaps(2026, opd_id=org.b.id).positions_without_indicator and all(
        p.unit.opd_id == org.b.id for p, _ in gaps(2026, opd_id=org.b.id).positions_without_indicator)
