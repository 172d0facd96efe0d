"""The monthly periods (domain.md §4) and `flask periods ...`: deadlines (day 10 of the next month,
December in January of the next year, configurable per installation and per year), locks,
reopenings for named OPDs until a date, months not yet begun; and that year_states, the fast path
of the pages, says exactly what month_state says for every month."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from ekinerja.audit.models import AuditEntry
from ekinerja.bsc.models import Realisation, RealisationStatus
from ekinerja.errors import Locked, ValidationFailed
from ekinerja.extensions import db
from ekinerja.realisations import periods
from ekinerja.realisations import services as rs
from ekinerja.realisations.models import PeriodLock, PeriodReopening, PeriodSetting
from tests.kit import snapshot

REASON = "Surat permohonan Kepala Dinas nomor 800/45"


def fresh(stmt):
    with db.engine.connect() as conn:
        return conn.execute(stmt).scalar()


@pytest.fixture
def config(app):
    """Change app.config for one test (restored after)."""
    saved = {}

    def set_(**values):
        for key, value in values.items():
            saved.setdefault(key, app.config.get(key))
            app.config[key] = value
    yield set_
    app.config.update(saved)


# ------------------------------------------------------------------ deadlines

@pytest.mark.parametrize("month, due", [(1, date(2026, 2, 10)), (2, date(2026, 3, 10)), (6, date(2026, 7, 10)),
                                        (11, date(2026, 12, 10)), (12, date(2027, 1, 10))])
def test_month_m_closes_on_day_10_of_month_m_plus_1(ctx, month, due):
    assert periods.deadline(2026, month) == due


def test_the_deadline_day_comes_from_the_configuration(ctx, config):
    config(REALISATION_DEADLINE_DAY=15)
    assert periods.deadline(2026, 4) == date(2026, 5, 15)
    assert periods.deadline(2026, 12) == date(2027, 1, 15)


def test_a_year_may_have_its_own_deadline_day(ctx, config):
    config(REALISATION_DEADLINE_DAY=15)
    periods.set_deadline_day(None, 2026, 5)
    assert periods.deadline_day(2026) == 5
    assert periods.deadline(2026, 12) == date(2027, 1, 5)
    assert periods.deadline(2027, 1) == date(2027, 2, 15)  # other years keep the configured day
    setting = periods.set_deadline_day(None, 2026, 20)
    assert setting.deadline_day == 20 and db.session.scalar(select(func.count()).select_from(PeriodSetting)) == 1


def test_a_day_past_the_months_end_falls_on_its_last_day(ctx):
    assert periods.deadline(2026, 1, day=31) == date(2026, 2, 28)
    assert periods.deadline(2028, 1, day=30) == date(2028, 2, 29)


@pytest.mark.parametrize("day", [0, 29, 31, -1])
def test_the_deadline_day_must_be_1_to_28(ctx, day):
    with pytest.raises(ValidationFailed) as refused:
        periods.set_deadline_day(None, 2026, day)
    assert refused.value.details == [{"field": "deadline_day", "message": "Tanggal batas harus 1–28."}]
    assert db.session.get(PeriodSetting, 2026) is None


# ------------------------------------------------------------------ states

def test_open_until_the_deadline_inclusive_then_closed(org, today):
    today(date(2026, 5, 10))
    assert periods.month_state(2026, 4, org.a.id).open
    today(date(2026, 5, 11))
    state = periods.month_state(2026, 4, org.a.id)
    assert not state.open and state.label == "ditutup"
    assert "telah ditutup pada 10 Mei 2026" in state.message()


def test_december_stays_open_into_january_of_the_next_year(org, today):
    today(date(2027, 1, 10))
    assert periods.month_state(2026, 12, org.a.id).open
    assert periods.default_month(2026, org.a.id) == 12
    today(date(2027, 1, 11))
    assert not periods.month_state(2026, 12, org.a.id).open


def test_a_month_not_yet_begun(org, today):
    today(date(2026, 5, 31))
    state = periods.month_state(2026, 6, org.a.id)
    assert (state.started, state.open, state.label) == (False, False, "belum dimulai")
    with pytest.raises(Locked) as refused:
        periods.require_open(2026, 6, org.a.id)
    assert "belum dimulai" in refused.value.message
    today(date(2026, 6, 1))
    assert periods.month_state(2026, 6, org.a.id).open


def test_a_locked_month_is_closed_before_its_deadline(org, today, make_user):
    admin = make_user("admin")
    periods.lock(admin, 2026, 4)
    state = periods.month_state(2026, 4, org.a.id)
    assert (state.locked, state.open, state.label) == (True, False, "dikunci")
    with pytest.raises(Locked) as refused:
        periods.require_open(2026, 4, org.a.id)
    assert "dikunci oleh administrator" in refused.value.message
    assert periods.lock(admin, 2026, 4).locked_by_id == admin.id  # locking again: the same lock
    assert db.session.scalar(select(func.count()).select_from(PeriodLock)) == 1
    assert periods.unlock(admin, 2026, 4) is True
    assert periods.month_state(2026, 4, org.a.id).open  # back to the deadline rule
    assert periods.unlock(admin, 2026, 4) is False


def test_reopen_only_for_the_named_opds_and_only_until_the_date(org, today, make_opd):
    c = make_opd(name="Dinas Gama")
    periods.lock(None, 2026, 3)
    periods.reopen(None, 2026, 3, [org.a, c], REASON, date(2026, 5, 20))
    for opd, expected in ((org.a, True), (c, True), (org.b, False)):
        state = periods.month_state(2026, 3, opd.id)
        assert state.open is expected, opd.name
    state = periods.month_state(2026, 3, org.a.id)
    assert state.reopened_until == date(2026, 5, 20) and state.label == "dibuka kembali s.d. 20 Mei 2026"
    assert not periods.month_state(2026, 3, None).open  # the month as such stays locked
    with pytest.raises(Locked):
        periods.require_open(2026, 3, org.b.id)
    today(date(2026, 5, 20))
    assert periods.month_state(2026, 3, org.a.id).open  # the end date is the last open day
    today(date(2026, 5, 21))
    assert not periods.month_state(2026, 3, org.a.id).open
    assert periods.month_state(2026, 3, org.a.id).label == "dikunci"


def test_the_latest_of_several_reopenings_counts(org, today):
    periods.reopen(None, 2026, 2, [org.a], REASON, date(2026, 5, 10))
    periods.reopen(None, 2026, 2, [org.a], REASON, date(2026, 6, 30))
    assert periods.month_state(2026, 2, org.a.id).reopened_until == date(2026, 6, 30)
    assert periods.year_states(2026, org.a.id)[1].reopened_until == date(2026, 6, 30)


@pytest.mark.parametrize("opds, reason, until, fields", [
    ([], REASON, date(2026, 5, 31), {"opd"}),
    (None, "", date(2026, 5, 31), {"reason"}),
    (None, "   singkat ", date(2026, 5, 31), {"reason"}),
    (None, REASON, None, {"until"}),
    (None, REASON, date(2026, 5, 3), {"until"}),            # yesterday
    (None, REASON, date(2026, 5, 4) + timedelta(days=367), {"until"}),
    ([], "", None, {"opd", "reason", "until"}),
])
def test_a_reopening_needs_opds_a_reason_and_an_end_date_not_past(org, today, opds, reason, until, fields):
    with pytest.raises(ValidationFailed) as refused:
        periods.reopen(None, 2026, 3, [org.a] if opds is None else opds, reason, until)
    assert {d["field"] for d in refused.value.details} == fields
    assert db.session.scalar(select(func.count()).select_from(PeriodReopening)) == 0


def test_a_reopening_may_end_today(org, today):
    [row] = periods.reopen(None, 2026, 3, [org.a], REASON, date(2026, 5, 4))
    assert row.until == date(2026, 5, 4) and periods.month_state(2026, 3, org.a.id).open


@pytest.mark.parametrize("year, month", [(2026, 0), (2026, 13), (1999, 5), (2101, 1)])
def test_a_month_that_does_not_exist(ctx, year, month):
    for act in (lambda: periods.lock(None, year, month), lambda: periods.unlock(None, year, month)):
        with pytest.raises(ValidationFailed):
            act()
    assert db.session.scalar(select(func.count()).select_from(PeriodLock)) == 0


def _scenario(org, make_opd):
    """Locks, reopenings (current, ended, another OPD's) and a year setting to compare states on."""
    c = make_opd(name="Dinas Gama")
    periods.set_deadline_day(None, 2026, 7)
    for m in (1, 2, 5, 11):
        periods.lock(None, 2026, m)
    periods.reopen(None, 2026, 2, [org.a], REASON, date(2026, 6, 15))
    periods.reopen(None, 2026, 3, [org.a, c], REASON, date(2026, 5, 4))
    periods.reopen(None, 2026, 1, [org.b], REASON, date(2026, 12, 31))
    periods.reopen(None, 2026, 12, [org.a], REASON, date(2027, 1, 30))
    return c


@pytest.mark.parametrize("on", [date(2026, 1, 1), date(2026, 5, 4), date(2026, 5, 7), date(2026, 5, 8),
                                date(2026, 6, 16), date(2026, 12, 31), date(2027, 1, 7), date(2027, 1, 8)])
def test_year_states_is_month_state_for_every_month(org, today, make_opd, on):
    c = _scenario(org, make_opd)
    today(on)
    for opd_id in (None, org.a.id, org.b.id, c.id):
        assert periods.year_states(2026, opd_id) == [periods.month_state(2026, m, opd_id) for m in range(1, 13)], opd_id
        assert periods.year_states(2026, opd_id, on=on + timedelta(days=1)) == [
            periods.month_state(2026, m, opd_id, on=on + timedelta(days=1)) for m in range(1, 13)]


def test_year_states_in_three_queries(org, today, make_opd):
    _scenario(org, make_opd)
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        periods.year_states(2026, org.a.id)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) <= 3


def test_default_month_is_the_earliest_open_month(org, today):
    assert periods.default_month(2026, org.a.id) == 4  # 4 May: April (until 10 May) before May
    periods.reopen(None, 2026, 2, [org.a], REASON, date(2026, 5, 31))
    assert periods.default_month(2026, org.a.id) == 2
    assert periods.default_month(2026, org.b.id) == 4
    today(date(2026, 5, 11))
    assert periods.default_month(2026, org.b.id) == 5
    assert periods.default_month(2027, org.b.id) == 1  # nothing begun yet


# ------------------------------------------------------------------ the workflow obeys

def test_a_locked_month_refuses_the_workflow_until_reopened_for_the_opd(org, iku, people):
    r = rs.save(people.staff1, iku.s1, 4, rs.Entry(value="20", note="draf"))
    db.session.commit()
    periods.lock(people.admin, 2026, 4)
    db.session.commit()
    before = snapshot()
    with pytest.raises(Locked):
        rs.save(people.staff1, iku.s1, 4, rs.Entry(value="25"), version=r.version)
    with pytest.raises(Locked):
        rs.submit(people.staff1, r, r.version)
    db.session.rollback()
    assert snapshot() == before
    periods.reopen(people.admin, 2026, 4, [org.b], REASON, date(2026, 5, 31))  # another OPD: still refused
    with pytest.raises(Locked):
        rs.save(people.staff1, iku.s1, 4, rs.Entry(value="25"), version=r.version)
    db.session.rollback()
    periods.reopen(people.admin, 2026, 4, [org.a], REASON, date(2026, 5, 31))
    rs.save(people.staff1, iku.s1, 4, rs.Entry(value="25"), version=r.version)
    rs.submit(people.staff1, r, r.version)
    db.session.commit()
    assert fresh(select(Realisation.status).where(Realisation.id == r.id)) == RealisationStatus.SUBMITTED.value
    assert fresh(select(Realisation.value).where(Realisation.id == r.id)) == D("25")


# ------------------------------------------------------------------ flask periods ...

def test_cli_lock_and_unlock(runner, org, today):
    result = runner.invoke(args=["periods", "lock", "--year", "2026", "--month", "3"])
    assert result.exit_code == 0, result.output
    assert "Periode Maret 2026 dikunci." in result.output
    assert fresh(select(func.count()).select_from(PeriodLock).where(PeriodLock.month == 3)) == 1
    again = runner.invoke(args=["periods", "lock", "--year", "2026", "--month", "3"])
    assert again.exit_code == 0 and "sudah dikunci sebelumnya" in again.output
    entry = fresh(select(AuditEntry.actor_label).where(AuditEntry.entity == "period_lock"))
    assert entry == "cli:periods lock"
    result = runner.invoke(args=["periods", "unlock", "--year", "2026", "--month", "3"])
    assert result.exit_code == 0 and "Kunci periode Maret 2026 dibuka; periode ini kini ditutup." in result.output
    assert fresh(select(func.count()).select_from(PeriodLock)) == 0
    result = runner.invoke(args=["periods", "unlock", "--year", "2026", "--month", "3"])
    assert result.exit_code == 0 and "tidak sedang dikunci" in result.output


def test_cli_reopen_for_several_opds(runner, org, today):
    result = runner.invoke(args=["periods", "reopen", "--year", "2026", "--month", "3", "--opd", org.a.code,
                                 "--opd", org.b.code, "--opd", org.a.code, "--reason", REASON, "--until", "2026-05-31"])
    assert result.exit_code == 0, result.output
    assert "Periode Maret 2026 dibuka kembali sampai dengan 31 Mei 2026" in result.output
    assert org.a.name in result.output and org.b.name in result.output
    with db.engine.connect() as conn:
        rows = conn.execute(select(PeriodReopening.opd_id, PeriodReopening.month, PeriodReopening.reason,
                                   PeriodReopening.until, PeriodReopening.created_by_id)
                            .order_by(PeriodReopening.opd_id)).all()
    assert [tuple(r) for r in rows] == [(org.a.id, 3, REASON, date(2026, 5, 31), None),
                                        (org.b.id, 3, REASON, date(2026, 5, 31), None)]
    assert fresh(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "period_reopening", AuditEntry.actor_label == "cli:periods reopen")) > 0


@pytest.mark.parametrize("args, says", [
    (["--opd", "9.99.9.99.9.99.99.9999"], "OPD dengan kode 9.99.9.99.9.99.99.9999 tidak dikenal"),
    (["--opd", "{a}", "--opd", "TIDAK-ADA"], "OPD dengan kode TIDAK-ADA tidak dikenal"),
    (["--opd", "{bidang}"], "bukan OPD"),
    ([], "--opd: Pilih sekurang-kurangnya satu OPD."),
    (["--opd", "{a}", "--reason", ""], "--reason: Alasan wajib diisi"),
    (["--opd", "{a}", "--until", "2026-05-03"], "--until: Tanggal berakhir tidak boleh sebelum hari ini."),
    (["--opd", "{a}", "--until", "31/05/2026"], "--until 31/05/2026 bukan tanggal yang valid"),
    (["--opd", "{a}", "--month", "13"], "--month: Bulan harus 1–12."),
])
def test_cli_reopen_refusals_write_nothing(runner, org, today, args, says):
    base = {"--year": "2026", "--month": "3", "--reason": REASON, "--until": "2026-05-31"}
    given = dict(zip(args[::2], args[1::2]))
    argv = ["periods", "reopen"]
    for key, value in base.items():
        if key not in given:
            argv += [key, value]
    argv += [a.format(a=org.a.code, bidang=org.bidang.code) for a in args]
    before = snapshot()
    result = runner.invoke(args=argv)
    assert result.exit_code == 1, result.output
    assert "GAGAL" in result.output and says in result.output
    assert snapshot() == before


def test_cli_deadline(runner, org, today):
    result = runner.invoke(args=["periods", "deadline", "--year", "2026", "--day", "12"])
    assert result.exit_code == 0, result.output
    assert "tanggal 12 bulan berikutnya (Desember: 12 Januari 2027)" in result.output
    assert fresh(select(PeriodSetting.deadline_day).where(PeriodSetting.year == 2026)) == 12
    before = snapshot()
    result = runner.invoke(args=["periods", "deadline", "--year", "2026", "--day", "29"])
    assert result.exit_code == 1 and "--day: Tanggal batas harus 1–28." in result.output
    assert snapshot() == before


def test_cli_status_prints_the_months_and_their_states(runner, org, today):
    runner.invoke(args=["periods", "lock", "--year", "2026", "--month", "2"])
    runner.invoke(args=["periods", "reopen", "--year", "2026", "--month", "2", "--opd", org.a.code,
                        "--reason", REASON, "--until", "2026-05-31"])
    result = runner.invoke(args=["periods", "status", "--year", "2026"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    month_lines = {line.split()[0]: line for line in lines[2:] if line and not line.startswith(" ")}
    assert "10 Februari 2026" in month_lines["Januari"] and month_lines["Januari"].endswith("ditutup")
    assert month_lines["Februari"].endswith("dikunci oleh sistem")
    assert month_lines["April"].endswith("terbuka") and month_lines["Mei"].endswith("terbuka")
    assert month_lines["Juni"].endswith("belum dimulai")
    assert "10 Januari 2027" in month_lines["Desember"]
    assert any(f"dibuka kembali: {org.a.name} s.d. 31 Mei 2026: {REASON}" in line for line in lines)

    result = runner.invoke(args=["periods", "status", "--year", "2026", "--opd", org.a.code])
    assert result.exit_code == 0
    feb = next(line for line in result.output.splitlines() if line.startswith("Februari"))
    assert feb.endswith("dibuka kembali s.d. 31 Mei 2026 (dikunci oleh sistem)")
    feb_b = next(line for line in runner.invoke(args=["periods", "status", "--year", "2026", "--opd", org.b.code])
                 .output.splitlines() if line.startswith("Februari"))
    assert feb_b.endswith("dikunci oleh sistem")
    unknown = runner.invoke(args=["periods", "status", "--year", "2026", "--opd", "X.Y"])
    assert unknown.exit_code == 1 and "OPD dengan kode X.Y tidak dikenal" in unknown.output
