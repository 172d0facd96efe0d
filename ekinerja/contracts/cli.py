"""`flask a3 print` and `flask contracts print`: every agreed document of a year to a directory, for
the signing day.

For each agreement of the kind and year, the latest version that is agreed or further: an agreed
one is printed now (contracts.services.print_: number, print date, signing date), one already
printed, signed or published is written out as it was printed (its stored PDF, byte for byte, so its
SHA-256 still verifies). One file per agreement.

Rendering is CPU-bound and the governor's office prints all 44 OPDs at once, so with many documents
the PDFs are rendered in worker processes, each with an app of its own; the parent then records all
the printing in one transaction (one commit, or nothing at all) and writes the files after it.
"""
from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ekinerja import storage
from ekinerja.audit.trail import set_actor
from ekinerja.contracts import services
from ekinerja.contracts.models import Agreement, AgreementVersion, DocumentKind, Level, VersionStatus
from ekinerja.errors import DomainError
from ekinerja.extensions import db

a3_cli = AppGroup("a3", help="Perjanjian A3.")
contracts_cli = AppGroup("contracts", help="Perjanjian Kinerja.")

DEFAULT_PATTERN = "{kind}/{n:03d}/{opd_code}/{year}"
PATTERN_FIELDS = "{kind}, {n}, {opd_code}, {year}, {level}, {version}"
# Below this many documents a worker's start-up (a Python, an app) costs more than it saves.
PARALLEL_FROM = 6
ISSUED = (VersionStatus.PRINTED, VersionStatus.SIGNED, VersionStatus.PUBLISHED)
LEVEL_ORDER = {level: i for i, level in enumerate(Level)}
STATE_TEXT = {VersionStatus.PRINTED: "sudah dicetak", VersionStatus.SIGNED: "sudah ditandatangani",
              VersionStatus.PUBLISHED: "sudah dipublikasikan"}


def document_filename(version: AgreementVersion) -> str:
    """'a3-2026-1.02.0.00.0.00.01.0000-governor_opd-v1.pdf': kind, year, OPD, level (and, below the
    governor, the first party's post, as an OPD has many of those), version."""
    agreement = version.agreement
    parts = [agreement.kind.value, str(agreement.year), agreement.opd.code, agreement.level.value]
    if agreement.level != Level.GOVERNOR_OPD:
        parts.append(f"j{agreement.first_position_id}")
    return "-".join(parts) + f"-v{version.number}.pdf"


# ------------------------------------------------------------------ what to write

def documents(kind: DocumentKind, year: int) -> list[AgreementVersion]:
    """Per agreement of the year, its latest version that is agreed or further, in the order of the
    OPDs' codes and down the levels."""
    agreements = db.session.scalars(
        select(Agreement).where(Agreement.kind == kind, Agreement.year == year)
        .options(selectinload(Agreement.versions), selectinload(Agreement.opd),
                 selectinload(Agreement.first_position))).all()
    agreements.sort(key=lambda a: (a.opd.code, LEVEL_ORDER[a.level], a.first_position.unit_id, a.first_position_id))
    out = []
    for agreement in agreements:
        latest = next((v for v in reversed(agreement.versions)
                       if v.status == VersionStatus.AGREED or v.status in ISSUED), None)
        if latest is not None:
            out.append(latest)
    return out


def printed_count(kind: DocumentKind, year: int) -> int:
    """How many versions of the kind and year already carry a number: new numbers go on from there."""
    return db.session.scalar(
        select(func.count()).select_from(AgreementVersion).join(Agreement)
        .where(Agreement.kind == kind, Agreement.year == year, AgreementVersion.print_number.is_not(None))) or 0


@dataclass(frozen=True)
class Job:
    """One version to print: plain values, so that it travels to a worker process."""

    version_id: int
    number: str
    print_date: date
    signing_date: date
    place: str
    paper: str | None


def number_for(pattern: str, version: AgreementVersion, n: int) -> str:
    agreement = version.agreement
    return pattern.format(kind=agreement.kind.name, n=n, opd_code=agreement.opd.code, year=agreement.year,
                          level=agreement.level.value, version=version.number)


def pattern_error(pattern: str) -> str | None:
    """Why the number pattern cannot be used (an unknown {name}, a bad format), or None."""
    try:
        pattern.format(kind="A3", n=1, opd_code="1.02.0.00.0.00.01.0000", year=2026, level="governor_opd", version=1)
    except KeyError as exc:
        return f"{{{exc.args[0]}}} tidak dikenal"
    except (IndexError, ValueError, AttributeError) as exc:
        return f"format tidak sah: {exc}"
    return None


# ------------------------------------------------------------------ rendering in worker processes

_worker_app = None


def _worker_config(app) -> dict:
    keys = ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS", "STORAGE_PATH", "INSTANCE_PATH", "BASE_URL",
            "SECRET_KEY", "TODAY", "TESTING", "LOG_LEVEL")
    return {k: app.config[k] for k in keys if k in app.config}


def _start_worker(config: dict) -> None:
    global _worker_app
    from ekinerja import create_app

    _worker_app = create_app(config)


def _render_in_worker(job: Job) -> tuple[int, bytes | None]:
    """Print the version in a transaction of the worker's own and roll it back: the worker hands back
    only the bytes (the file it wrote goes with the rollback). None when print_ refuses: the parent
    meets the same refusal and reports it."""
    with _worker_app.app_context():
        set_actor(db.session, label="cli:print (pekerja)")
        try:
            version = db.session.get(AgreementVersion, job.version_id)
            # No flush until print_'s own: the worker holds no write lock while it renders.
            with db.session.no_autoflush:
                pdf = services.print_(None, version, job.number, job.print_date, job.signing_date, job.place,
                                      job.paper)
            return job.version_id, pdf
        except DomainError:
            return job.version_id, None
        finally:
            db.session.rollback()
            db.session.remove()


def render_in_workers(jobs: list[Job], workers: int) -> dict[int, bytes]:
    """{version id: PDF} rendered by `workers` processes. They are spawned (not forked): a fork would
    share the parent's open database connections."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context, initializer=_start_worker,
                             initargs=(_worker_config(current_app),)) as pool:
        return {version_id: pdf for version_id, pdf in pool.map(_render_in_worker, jobs, chunksize=2) if pdf}


@contextmanager
def prerendered(kind: DocumentKind, pdfs: dict[int, bytes]):
    """print_ takes the PDFs the workers made instead of rendering again (any other is rendered as
    usual): the kind's registered content is swapped for the block, then put back."""
    original = services.content(kind)
    if not pdfs:
        yield
        return

    def render(version: AgreementVersion, paper: str) -> bytes:
        pdf = pdfs.pop(version.id, None)
        return pdf if pdf is not None else original.render(version, paper)

    services.CONTENT[kind] = replace(original, render=render)
    try:
        yield
    finally:
        services.CONTENT[kind] = original


# ------------------------------------------------------------------ the commands

def _fail(lines: list[str]) -> None:
    db.session.rollback()
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


def print_year(kind: DocumentKind, year: int, out: Path, paper: str | None, pattern: str, print_date: date | None,
               signing_date: date | None, place: str, start: int | None, workers: int) -> None:
    from ekinerja.realisations import periods

    set_actor(db.session, label=f"cli:{'a3' if kind == DocumentKind.A3 else 'contracts'} print")
    why = pattern_error(pattern)
    if why:
        _fail([f"GAGAL: pola nomor {pattern!r} tidak dapat dipakai ({why}).",
               f"  Gunakan {PATTERN_FIELDS}, misalnya {DEFAULT_PATTERN!r}."])
    print_date = print_date or periods.today()
    signing_date = signing_date or print_date
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".ekinerja-tulis"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        _fail([f"GAGAL: folder {out} tidak dapat ditulis ({exc.strerror or exc})."])

    versions = documents(kind, year)
    if not versions:
        click.echo(f"Tidak ada {kind.label} tahun {year} yang sudah disetujui; tidak ada berkas yang ditulis.")
        return
    n = start if start is not None else printed_count(kind, year) + 1
    jobs = []
    for version in versions:
        if version.status != VersionStatus.AGREED:
            continue
        jobs.append(Job(version.id, number_for(pattern, version, n), print_date, signing_date, place, paper))
        n += 1

    pdfs: dict[int, bytes] = {}
    if workers > 1 and len(jobs) >= PARALLEL_FROM:
        click.echo(f"Mencetak {len(jobs)} dokumen dengan {min(workers, len(jobs))} proses ...")
        try:
            pdfs = render_in_workers(jobs, workers)
        except Exception as exc:  # noqa: BLE001 - a worker that died: say so, record nothing
            _fail([f"GAGAL: proses pencetakan berhenti: {exc}"])
    by_id = {v.id: v for v in versions}
    failed, errors = 0, []
    with prerendered(kind, pdfs):
        for job in jobs:
            version = by_id[job.version_id]
            try:
                services.print_(None, version, job.number, job.print_date, job.signing_date, job.place, job.paper)
            except DomainError as exc:
                failed += 1
                errors.append(f"  {document_filename(version)} ({version.agreement.opd.name}): {exc.message}")
                errors += [f"    {d['message']}" for d in exc.details]
    if failed:
        _fail([f"GAGAL: {failed} dokumen tidak dapat dicetak; tidak ada yang dicatat dan tidak ada berkas "
               "yang ditulis."] + errors)
    files = {}
    for version in versions:
        try:
            files[version.id] = storage.read(version.printed_key)
        except (OSError, ValueError):
            _fail([f"GAGAL: berkas cetak {document_filename(version)} tidak ditemukan di penyimpanan; "
                   "tidak ada yang dicatat."])
    db.session.commit()

    printed_now = {job.version_id for job in jobs}
    for version in versions:
        name = document_filename(version)
        try:
            (out / name).write_bytes(files[version.id])
        except OSError as exc:  # what was printed stays recorded: running again writes the files
            click.echo(f"GAGAL: {out / name} tidak dapat ditulis ({exc.strerror or exc}). Pencetakan sudah "
                       "dicatat; jalankan perintah ini lagi untuk menulis berkasnya.", err=True)
            sys.exit(1)
        how = (f"dicetak, nomor {version.print_number}" if version.id in printed_now
               else f"{STATE_TEXT[version.status]}, berkas cetak tersimpan (nomor {version.print_number})")
        click.echo(f"  {name}  {version.agreement.opd.name}: {how}")
    click.echo(f"{len(versions)} berkas ditulis ke {out}: {len(printed_now)} dicetak sekarang, "
               f"{len(versions) - len(printed_now)} berkas cetak tersimpan.")


def _options(papers: tuple[str, ...] | None):
    """The options both commands share (and --paper where the kind has a choice)."""
    def decorate(f):
        f = click.option("--workers", type=click.IntRange(1, 32), default=lambda: min(4, os.cpu_count() or 1),
                         show_default="jumlah prosesor, paling banyak 4",
                         help=f"Proses pencetak paralel (dipakai bila ada {PARALLEL_FROM} dokumen atau lebih).")(f)
        f = click.option("--start", type=click.IntRange(1), default=None,
                         help="Nomor urut pertama {n}; bawaan: melanjutkan nomor yang sudah dipakai tahun itu.")(f)
        f = click.option("--place", default="Mataram", show_default=True, help="Tempat penandatanganan.")(f)
        f = click.option("--signing-date", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="TTTT-BB-HH",
                         help="Tanggal penandatanganan yang dicetak; bawaan: --date.")(f)
        f = click.option("--date", "print_date", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="TTTT-BB-HH",
                         help="Tanggal cetak; bawaan: hari ini.")(f)
        f = click.option("--number-pattern", default=DEFAULT_PATTERN, show_default=True,
                         help=f"Pola nomor dokumen; tersedia {PATTERN_FIELDS}.")(f)
        if papers:
            f = click.option("--paper", type=click.Choice(papers, case_sensitive=False), default=papers[0],
                             show_default=True, help="Ukuran kertas dokumen yang dicetak sekarang.")(f)
        f = click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
                         help="Folder tujuan (dibuat bila belum ada).")(f)
        return click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Tahun perjanjian.")(f)
    return decorate


def _day(value):
    return value.date() if value is not None else None


@a3_cli.command("print")
@_options(("A3", "A4"))
def a3_print(year, out, paper, number_pattern, print_date, signing_date, place, start, workers):
    """Cetak setiap Perjanjian A3 tahun itu yang sudah disetujui (satu berkas PDF per perjanjian) dan
    tulis berkas cetak yang sudah ada (dicetak, ditandatangani, dipublikasikan) apa adanya."""
    print_year(DocumentKind.A3, year, out, paper.upper(), number_pattern, _day(print_date), _day(signing_date),
               place, start, workers)


@contracts_cli.command("print")
@_options(None)
def contracts_print(year, out, number_pattern, print_date, signing_date, place, start, workers):
    """Cetak setiap Perjanjian Kinerja tahun itu yang sudah disetujui (satu berkas PDF per perjanjian)
    dan tulis berkas cetak yang sudah ada apa adanya."""
    print_year(DocumentKind.PK, year, out, None, number_pattern, _day(print_date), _day(signing_date), place, start,
               workers)
