"""`flask maintenance analyze` gathers the planner's statistics on SQLite and on MariaDB, and with
them SQLite reads a few indicators' values through the (indicator_id, month) key, not the status index."""
from __future__ import annotations

from sqlalchemy import text

from ekinerja.extensions import db
from ekinerja.maintenance import analyze
from tests.bsc.conftest import iku, realise  # noqa: F401  (the cascade fixture)


def test_the_command_gathers_statistics(app, runner, iku, realise):
    for month in range(1, 13):
        realise(iku.s1, month, 5)
        realise(iku.s2, month, 5)
    db.session.commit()
    result = runner.invoke(args=["maintenance", "analyze"])
    assert result.exit_code == 0, result.output
    assert "Statistik diperbarui untuk" in result.output
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(text("SELECT tbl, idx FROM sqlite_stat1 WHERE tbl = 'realisation'")).all()
        assert {idx for _, idx in rows} >= {"ix_realisation_status"}
    else:
        status = db.session.execute(text("ANALYZE TABLE realisation")).all()
        assert status and status[-1][-1] in ("OK", "Table is already up to date")


def test_sqlite_uses_the_indicator_key_once_analysed(app, iku, realise):
    if db.engine.dialect.name != "sqlite":
        return  # MariaDB keeps its own statistics; the plan question is SQLite's
    from ekinerja.bsc.models import Realisation, RealisationStatus

    # Many approved values of other indicators make the status index a poor choice.
    for month in range(1, 13):
        realise(iku.s1, month, 5)
        realise(iku.s2, month, 5, RealisationStatus.SUBMITTED)
        realise(iku.unit, month, 10)
        realise(iku.opd, month, 10)
    db.session.commit()
    s1 = iku.s1.id
    analyze()
    db.session.remove()
    db.engine.dispose()  # SQLite loads statistics when a connection opens: a fresh one, as a new worker has
    stmt = (db.select(Realisation.indicator_id, Realisation.month, Realisation.value)
            .where(Realisation.indicator_id.in_([s1]), Realisation.month <= 12,
                   Realisation.status.in_([RealisationStatus.APPROVED]), Realisation.value.is_not(None)))
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    plan = " ".join(str(r[-1]) for r in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "ix_realisation_status" not in plan, plan
