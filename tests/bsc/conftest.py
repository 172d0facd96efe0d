from decimal import Decimal as D

import pytest

from ekinerja.bsc import services
from ekinerja.bsc.models import OwnerKind, Realisation, RealisationStatus
from ekinerja.extensions import db


@pytest.fixture
def iku(org):
    """A province IKU (max, sum, target 120) cascaded to OPD A, its bidang and two staff."""
    from types import SimpleNamespace

    prov = services.ensure_scorecard(None, 2026, OwnerKind.PROVINCE)
    ss = services.save_objective(None, prov, "SS1", "stakeholder", "Meningkatnya layanan publik")
    top = services.save_indicator(None, ss, services.IndicatorInput(
        code="IKU-01", name="Jumlah layanan digital", unit_of_measure="layanan", polarity="max",
        aggregation="sum", weight=10, target=120, rollup="children_sum"))
    [opd_ind] = services.cascade(None, top, [services.CascadeTarget(OwnerKind.OPD, org.a.id, 120)])
    [unit_ind] = services.cascade(None, opd_ind, [services.CascadeTarget(OwnerKind.UNIT, org.bidang.id, 120)])
    s1, s2 = services.cascade(None, unit_ind, [services.CascadeTarget(OwnerKind.EMPLOYEE, org.staff1.id, 60),
                                               services.CascadeTarget(OwnerKind.EMPLOYEE, org.staff2.id, 60)])
    db.session.commit()
    return SimpleNamespace(prov=prov, top=top, opd=opd_ind, unit=unit_ind, s1=s1, s2=s2)


@pytest.fixture
def summing(iku):
    """The iku cascade with the OPD and unit indicators summing their children, as the top does."""
    from ekinerja.bsc.models import Rollup

    iku.opd.rollup = iku.unit.rollup = Rollup.CHILDREN_SUM
    db.session.commit()
    return iku


@pytest.fixture
def realise():
    def add(indicator, month, value, status=RealisationStatus.APPROVED):
        r = Realisation(indicator_id=indicator.id, month=month, value=D(str(value)), status=status)
        db.session.add(r)
        db.session.flush()
        return r
    return add
