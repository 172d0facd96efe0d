"""Database upkeep for operators: planner statistics.

The query planner picks an index from what it knows of the data. Without statistics SQLite prefers
the (status, month) index of `realisation` to the (indicator_id, month) one for "these indicators'
approved values" and reads most of the table (bench/README.md: 3 s instead of 0.3 ms on the province's
1.2 million rows). `flask maintenance analyze` gathers them (SQLite ANALYZE, MariaDB/MySQL ANALYZE
TABLE); run it after a large import and, like any database upkeep, nightly from cron.
"""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import inspect, text

from ekinerja.extensions import db

maintenance_cli = AppGroup("maintenance", help="Pemeliharaan basis data.")

ANALYSIS_LIMIT = 2000  # SQLite: rows sampled per index (fast on millions of rows, good enough to plan)


def analyze(tables: list[str] | None = None) -> list[str]:
    """Gather the planner's statistics for these tables (default: every table of the schema);
    return the tables analysed."""
    everything = tables is None
    tables = sorted(inspect(db.engine).get_table_names()) if everything else tables
    with db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}"))
            if everything:
                conn.execute(text("ANALYZE"))
            else:
                for table in tables:
                    conn.execute(text(f'ANALYZE "{table}"'))
        else:
            for table in tables:
                conn.execute(text(f"ANALYZE TABLE `{table}`")).all()
    return tables


@maintenance_cli.command("analyze")
def analyze_command() -> None:
    """Statistik perencana kueri untuk semua tabel (setelah impor besar, dan tiap malam)."""
    tables = analyze()
    click.echo(f"Statistik diperbarui untuk {len(tables)} tabel.")


@maintenance_cli.command("rollups")
@click.option("--rebuild", is_flag=True, help="Hitung ulang semua indikator, bukan hanya antrean.")
@click.option("--year", type=int, default=None, help="Dengan --rebuild: hanya tahun ini.")
def rollups_command(rebuild: bool, year: int | None) -> None:
    """Rekap capaian kaskade: hitung antrean (atau semuanya dengan --rebuild)."""
    from ekinerja.bsc import rollups

    if rebuild:
        n = rollups.rebuild(db.engine, year)
        click.echo(f"Rekap dihitung ulang untuk {n} indikator.")
    else:
        n = rollups.refresh_pending(db.engine)
        click.echo(f"Rekap diperbarui untuk {n} indikator dari antrean.")
