"""The kept rollups (ekinerja.bsc.rollups) give exactly the figures the cascade computes from every
realisation below, after every kind of change, on both bases; what is left in the queue is taken by
`flask maintenance rollups`, and `--rebuild` makes everything again."""
from __future__ import annotations

import threading
from decimal import Decimal as D

import pytest
from sqlalchemy import delete, func, insert, select

from ekinerja.bsc import rollups, services
from ekinerja.bsc.cascade import compute_months, stored_months
from ekinerja.bsc.models import (EntryCount, Indicator, IndicatorRollup, MonthlyTarget, OwnerKind, Realisation,
                                 RealisationStatus, Rollup, RollupQueue)
from ekinerja.extensions import db
from tests.realisations.conftest import people, today  # noqa: F401  (shared fixtures)
from tests.realisations.test_views import entry_form

MONTHS = list(range(1, 13))
A, S, R, DR = (RealisationStatus.APPROVED, RealisationStatus.SUBMITTED, RealisationStatus.RETURNED,
               RealisationStatus.DRAFT)


def kept_and_computed(provisional: bool):
    db.session.commit()  # a fresh transaction: on MariaDB an open one keeps reading its old snapshot
    every = {i.id: i for i in db.session.scalars(select(Indicator))}
    return every, stored_months(every, MONTHS, provisional), compute_months(every, MONTHS, provisional)


def assert_kept() -> int:
    """Every indicator's figures at every month, on both bases, read = computed. Returns how many
    figures were compared that have a score (so that a test cannot pass on empty data)."""
    scored = 0
    for provisional in (False, True):
        every, kept, computed = kept_and_computed(provisional)
        for m in MONTHS:
            for i in every:
                assert kept[m][i].figures == computed[m][i].figures, (every[i].code, m, provisional)
                assert kept[m][i].values == computed[m][i].values, (every[i].code, m, provisional)
                assert [k.id for k in kept[m][i].children] == [k.id for k in computed[m][i].children]
                scored += computed[m][i].figures.score is not None
    assert db.session.scalar(select(func.count()).select_from(RollupQueue)) == 0
    return scored


@pytest.fixture
def world(org, summing, realise):
    """The iku cascade (sum) with a children_score OPD indicator beside it over an average unit
    indicator and a stabilising staff indicator with monthly targets, one indirect child, and
    values in every status."""
    iku = summing
    score_top = services.save_indicator(None, iku.top.objective, services.IndicatorInput(
        code="IKU-02", name="Indeks kepuasan", unit_of_measure="indeks", polarity="max", aggregation="average",
        weight=5, target=80, rollup="children_score"))
    [opd2] = services.cascade(None, score_top, [services.CascadeTarget(OwnerKind.OPD, org.a.id, 80)])
    opd2.rollup = Rollup.CHILDREN_AVERAGE
    [unit2] = services.cascade(None, opd2, [services.CascadeTarget(OwnerKind.UNIT, org.bidang.id, 80)])
    unit2.rollup = Rollup.CHILDREN_SCORE
    k1, k2 = services.cascade(None, unit2, [services.CascadeTarget(OwnerKind.EMPLOYEE, org.staff1.id, 80),
                                            services.CascadeTarget(OwnerKind.EMPLOYEE, org.staff2.id, 80, weight=3)])
    k1.polarity, k1.target, k1.target_high = "stabilize", D(70), D(90)
    indirect = services.cascade(None, iku.unit, [services.CascadeTarget(OwnerKind.EMPLOYEE, org.kabid.id, 5,
                                                                         cascade_kind="indirect")])[0]
    for m in range(1, 13):
        db.session.add(MonthlyTarget(indicator_id=k2.id, month=m, value=D(70 + m)))
    for m, v in ((1, 10), (2, 12), (3, 9), (4, 11)):
        realise(iku.s1, m, v)
        realise(k1, m, 60 + 5 * m)
    for m, v in ((1, 8), (2, 9)):
        realise(iku.s2, m, v)
        realise(k2, m, 75)
    realise(iku.s2, 3, 13, S)
    realise(k2, 3, "81.5", S)
    realise(iku.s1, 5, 7, DR)
    realise(indirect, 1, 99)
    db.session.commit()
    return iku, score_top, opd2, unit2, k1, k2, indirect


def test_kept_equal_computed_after_every_kind_of_change(world, realise):
    iku, score_top, opd2, unit2, k1, k2, indirect = world
    assert assert_kept() > 50
    top = db.session.get(Indicator, iku.top.id)

    # approve, return, submit, draft edits (which change nothing counted)
    r = db.session.scalar(select(Realisation).where(Realisation.indicator_id == iku.s2.id, Realisation.month == 3))
    r.status, r.version = A, r.version + 1
    r2 = db.session.scalar(select(Realisation).where(Realisation.indicator_id == k2.id, Realisation.month == 3))
    r2.status, r2.version = R, r2.version + 1
    db.session.commit()
    assert assert_kept()
    before = stored_months({top.id: top}, [3])[3][top.id].figures.realisation
    assert before == D(10 + 12 + 9 + 8 + 9 + 13)

    # a value changed on an approved realisation (an administrator's correction), and a deletion
    r.value, r.version = D(20), r.version + 1
    db.session.delete(db.session.scalar(select(Realisation).where(Realisation.indicator_id == iku.s1.id,
                                                                  Realisation.month == 2)))
    db.session.commit()
    assert assert_kept()

    # targets, monthly targets, weights, polarity, roll-up kinds
    k1 = db.session.get(Indicator, k1.id)
    k1.target_high = D(75)
    k2 = db.session.get(Indicator, k2.id)
    k2.weight = D(1)
    for t in db.session.scalars(select(MonthlyTarget).where(MonthlyTarget.indicator_id == k2.id)):
        t.value = t.value + 10
    db.session.get(Indicator, unit2.id).rollup = Rollup.CHILDREN_SUM
    db.session.commit()
    assert assert_kept()
    db.session.get(Indicator, unit2.id).rollup = Rollup.CHILDREN_SCORE
    db.session.get(Indicator, iku.opd.id).rollup = Rollup.CHILDREN_AVERAGE
    db.session.commit()
    assert assert_kept()

    # a staff indicator moved to another parent, one turned indirect, one deleted
    s2 = db.session.get(Indicator, iku.s2.id)
    s2.parent_id = unit2.id
    db.session.get(Indicator, iku.s1.id).cascade_kind = "indirect"
    db.session.commit()
    assert assert_kept()
    db.session.delete(db.session.get(Indicator, indirect.id))
    db.session.commit()
    assert assert_kept()


def test_the_workflow_through_the_pages_keeps_them(client, auth, people, summing):
    iku = summing
    """Submit and approve through the real forms: the province figure moves when (and only when) the
    value is approved."""
    top_id = iku.top.id

    def province_realisation():
        db.session.commit()
        top = db.session.get(Indicator, top_id)
        return stored_months({top_id: top}, [4])[4][top_id].figures.realisation

    assert province_realisation() is None
    auth.login(people.staff1.username)
    r = client.post(f"/realisasi/indikator/{iku.s1.id}/bulan/4",
                    data=entry_form(iku.s1.id, "30", aksi="ajukan", note="Sesuai laporan"))
    assert r.status_code in (200, 302, 303), r.status_code
    assert db.session.scalar(select(Realisation.status).where(Realisation.indicator_id == iku.s1.id)) == S
    assert province_realisation() is None  # officially, a submitted value does not count
    realisation = db.session.scalar(select(Realisation).where(Realisation.indicator_id == iku.s1.id))
    auth.logout()
    auth.login(people.kabid.username)
    r = client.post(f"/realisasi/{realisation.id}/setujui", data={"version": realisation.version})
    assert r.status_code in (200, 302, 303), r.status_code
    assert province_realisation() == D(30)
    assert assert_kept()


def test_what_the_queue_keeps_is_taken_by_the_command(runner, summing, realise):
    iku = summing
    realise(iku.s1, 1, 10)
    db.session.commit()
    assert assert_kept()
    # A worker that died between its commit and the recomputation: the change and its queue row only.
    with db.engine.begin() as conn:
        conn.execute(insert(RollupQueue.__table__).values(indicator_id=iku.s2.id))
        conn.execute(Realisation.__table__.update().where(Realisation.__table__.c.indicator_id == iku.s1.id)
                     .values(value=D(25)))
    every, kept, computed = kept_and_computed(False)
    assert kept[1][iku.top.id].figures.realisation == D(10)   # stale
    assert computed[1][iku.top.id].figures.realisation == D(25)
    result = runner.invoke(args=["maintenance", "rollups"])
    assert result.exit_code == 0, result.output
    assert "dari antrean" in result.output
    # the queued indicator was s2, but its ancestors are the top's too; s1 itself was not queued
    every, kept, computed = kept_and_computed(False)
    assert kept[1][iku.s1.id].figures.realisation == D(10)
    result = runner.invoke(args=["maintenance", "rollups", "--rebuild"])
    assert result.exit_code == 0, result.output
    assert assert_kept()
    assert stored_months({iku.top.id: db.session.get(Indicator, iku.top.id)}, [1])[1][iku.top.id] \
        .figures.realisation == D(25)


def test_rebuild_makes_everything_from_nothing(runner, world):
    with db.engine.begin() as conn:
        conn.execute(delete(IndicatorRollup.__table__))
    with pytest.raises(AssertionError):
        assert_kept()
    assert rollups.rebuild(db.engine, 2026) == db.session.scalar(select(func.count()).select_from(Indicator))
    assert assert_kept() > 50


def test_a_rolled_back_change_queues_nothing(iku, realise):
    def rows():
        return db.session.execute(select(IndicatorRollup.indicator_id, IndicatorRollup.month_values)
                                  .order_by(IndicatorRollup.indicator_id, IndicatorRollup.provisional)).all()

    before = rows()
    assert len(before) == 10  # every indicator has its rows, values or not
    realise(iku.s1, 1, 10)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(RollupQueue)) == 0
    assert rows() == before


def test_siblings_approved_at_once_both_count(app, summing, realise):
    iku = summing
    """Two approvals of sibling indicators committed by two workers at the same moment: the parent's
    rollup has both (the recomputations take turns and each reads the other's result)."""
    ids = [iku.s1.id, iku.s2.id]
    for i in ids:
        realise(db.session.get(Indicator, i), 1, 4, S)
    db.session.commit()
    barrier = threading.Barrier(2)
    sqlite = db.engine.dialect.name == "sqlite"
    errors = []

    def approve(indicator_id):
        try:
            with app.app_context():
                r = db.session.scalar(select(Realisation).where(Realisation.indicator_id == indicator_id))
                r.status, r.version = A, r.version + 1
                if sqlite:  # one writer at a time: both wait, then commit as fast as they can
                    barrier.wait(timeout=10)
                db.session.flush()
                if not sqlite:  # both changes made, neither committed, then both commit
                    barrier.wait(timeout=10)
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=approve, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    top = db.session.get(Indicator, iku.top.id)
    assert stored_months({top.id: top}, [1])[1][top.id].figures.realisation == D(8)
    assert assert_kept()


def counted_completeness(year: int, month: int) -> dict:
    """The dashboard's completeness counted from the realisations (as it was before EntryCount)."""
    from ekinerja.bsc.models import Scorecard
    from ekinerja.review.dashboard import DONE

    totals = dict(db.session.execute(
        select(Scorecard.opd_id, func.count(Indicator.id)).join(Scorecard, Indicator.scorecard_id == Scorecard.id)
        .where(Scorecard.year == year, Scorecard.opd_id.is_not(None), Indicator.rollup == Rollup.MANUAL)
        .group_by(Scorecard.opd_id)).all())
    done = {(o, m): n for o, m, n in db.session.execute(
        select(Scorecard.opd_id, Realisation.month, func.count(Realisation.id))
        .join(Indicator, Realisation.indicator_id == Indicator.id)
        .join(Scorecard, Indicator.scorecard_id == Scorecard.id)
        .where(Scorecard.year == year, Scorecard.opd_id.is_not(None), Indicator.rollup == Rollup.MANUAL,
               Realisation.month <= month, Realisation.status.in_(DONE))
        .group_by(Scorecard.opd_id, Realisation.month))}
    return {o: [(D(done.get((o, m), 0)) / t).quantize(D("0.0001")) for m in range(1, month + 1)]
            for o, t in totals.items() if t}


def test_the_entry_counts_follow_every_change(world, realise, org):
    from ekinerja.review.dashboard import _completeness

    iku, score_top, opd2, unit2, k1, k2, indirect = world

    def check():
        db.session.commit()
        expected = counted_completeness(2026, 12)
        assert _completeness(2026, 12) == expected
        return expected

    first = check()
    assert first[org.a.id][0] > 0
    r = db.session.scalar(select(Realisation).where(Realisation.indicator_id == k2.id, Realisation.month == 3))
    r.status, r.version = R, r.version + 1                       # returned: no longer counted
    realise(db.session.get(Indicator, iku.s2.id), 7, 4, S)       # a new submission
    check()
    db.session.get(Indicator, iku.s1.id).rollup = Rollup.CHILDREN_SUM  # no longer an entry indicator
    check()
    db.session.delete(db.session.get(Indicator, indirect.id))
    check()
    with db.engine.begin() as conn:
        conn.execute(delete(EntryCount.__table__))
    db.session.commit()  # a fresh snapshot on MariaDB
    assert _completeness(2026, 12) == {}
    rollups.rebuild(db.engine)
    assert check()


def test_rebuilding_one_year_leaves_the_queue_to_its_refresh(summing, realise):
    """A rebuild of 2025 recomputes nothing of 2026, so what 2026 queued stays queued (before, a
    rebuild emptied the whole queue, and a change waiting there was lost until the next one)."""
    iku = summing
    realise(iku.s1, 1, 10)
    db.session.commit()
    with db.engine.begin() as conn:  # a change whose refresh has not run yet
        conn.execute(insert(RollupQueue.__table__).values(indicator_id=iku.s1.id))
        conn.execute(Realisation.__table__.update().where(Realisation.__table__.c.indicator_id == iku.s1.id)
                     .values(value=D(25)))
    assert rollups.rebuild(db.engine, 2025) == 0
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(RollupQueue)) == 1
    assert rollups.refresh_pending(db.engine) == 4   # s1, its bidang, its OPD and the IKU
    assert assert_kept()
