"""`flask periods ...`: the monthly periods from the command line (domain.md §4), through the same
functions as the administration page. Each command names its actor for the audit trail and
commits once; a refusal prints why, writes nothing and exits with status 1.

    flask --app wsgi periods lock     --year 2026 --month 3
    flask --app wsgi periods unlock   --year 2026 --month 3
    flask --app wsgi periods reopen   --year 2026 --month 3 --opd 1.02.0.00.0.00.01.0000 \\
                                      --reason "Surat Kadis no. 800/123" --until 2026-12-15
    flask --app wsgi periods status   --year 2026 [--opd CODE]
    flask --app wsgi periods deadline --year 2026 --day 12
    flask --app wsgi periods remind   --year 2026 --month 11 [--dry-run]
"""
from __future__ import annotations

import sys
from datetime import date

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ekinerja.audit.trail import set_actor
from ekinerja.errors import ValidationFailed
from ekinerja.extensions import db
from ekinerja.org.models import Opd, Unit
from ekinerja.realisations import periods
from ekinerja.web import MONTHS_ID

periods_cli = AppGroup("periods", help="Periode bulanan realisasi: batas, kunci, buka kembali, status.")

YEAR = click.option("--year", type=int, required=True, help="Tahun, misalnya 2026.")
MONTH = click.option("--month", type=int, required=True, help="Bulan 1–12.")


def _fail(message: str, *lines: str) -> None:
    db.session.rollback()
    click.echo(f"GAGAL: {message}", err=True)
    for line in lines:
        click.echo(f"  {line}", err=True)
    sys.exit(1)


OPTION_OF = {"year": "--year", "month": "--month", "opd": "--opd", "reason": "--reason", "until": "--until",
             "deadline_day": "--day"}


def _refused(exc: ValidationFailed) -> None:
    """A service's refusal, each detail named by the option to correct."""
    lines = []
    for d in exc.details:
        option = OPTION_OF.get(d.get("field") or "")
        lines.append(f"{option}: {d['message']}" if option else d["message"])
    _fail(exc.message, *lines)


def _opd(code: str) -> Opd:
    """The OPD of a SIPD code (as in ntb-opd.csv); a UPT's code is named as such, with its OPD's."""
    code = code.strip()
    opd = db.session.scalar(select(Opd).where(Opd.code == code))
    if opd is not None:
        return opd
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is not None:
        _fail(f"kode {code} adalah unit/UPT {unit.name}, bukan OPD.",
              f"Periode dibuka per OPD: gunakan kode {unit.opd.code} ({unit.opd.name}).")
    _fail(f"OPD dengan kode {code} tidak dikenal.",
          "Gunakan kode SIPD OPD seperti pada ntb-opd.csv, misalnya 1.02.0.00.0.00.01.0000.")


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        _fail(f"{option} {text} bukan tanggal yang valid.", "Gunakan format TTTT-BB-HH, misalnya 2026-12-15.")


def _d(day: date) -> str:
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


@periods_cli.command("lock")
@YEAR
@MONTH
def lock(year: int, month: int):
    """Kunci satu bulan: tidak ada realisasinya yang dapat diubah lagi (kecuali dibuka kembali)."""
    from ekinerja.realisations.models import PeriodLock

    set_actor(db.session, label="cli:periods lock")
    already = db.session.scalar(select(PeriodLock.id).where(PeriodLock.year == year, PeriodLock.month == month))
    try:
        periods.lock(None, year, month)
    except ValidationFailed as exc:
        _refused(exc)
    db.session.commit()
    name = periods.month_name(year, month)
    click.echo(f"Periode {name} sudah dikunci sebelumnya." if already else f"Periode {name} dikunci.")


@periods_cli.command("unlock")
@YEAR
@MONTH
def unlock(year: int, month: int):
    """Buka kunci satu bulan (batas pengisiannya tetap berlaku)."""
    set_actor(db.session, label="cli:periods unlock")
    try:
        removed = periods.unlock(None, year, month)
    except ValidationFailed as exc:
        _refused(exc)
    db.session.commit()
    name = periods.month_name(year, month)
    if not removed:
        click.echo(f"Periode {name} tidak sedang dikunci.")
        return
    state = periods.month_state(year, month, None)
    click.echo(f"Kunci periode {name} dibuka; periode ini kini {state.label}.")


@periods_cli.command("reopen")
@YEAR
@MONTH
@click.option("--opd", "codes", multiple=True, help="Kode SIPD OPD; boleh diulang untuk beberapa OPD.")
@click.option("--reason", default="", help="Alasan (wajib, sekurang-kurangnya 10 karakter).")
@click.option("--until", "until_text", default=None, help="Dibuka sampai dengan tanggal TTTT-BB-HH (wajib).")
def reopen(year: int, month: int, codes: tuple[str, ...], reason: str, until_text: str | None):
    """Buka kembali satu bulan untuk OPD tertentu, dengan alasan, sampai suatu tanggal."""
    set_actor(db.session, label="cli:periods reopen")
    opds = list({o.id: o for o in (_opd(c) for c in codes)}.values())
    until = _date(until_text, "--until") if until_text else None
    try:
        periods.reopen(None, year, month, opds, reason, until)
    except ValidationFailed as exc:
        _refused(exc)
    db.session.commit()
    click.echo(f"Periode {periods.month_name(year, month)} dibuka kembali sampai dengan {_d(until)} untuk:")
    for opd in opds:
        click.echo(f"  {opd.code}  {opd.name}")


@periods_cli.command("deadline")
@YEAR
@click.option("--day", type=int, required=True, help="Tanggal 1–28 bulan berikutnya.")
def deadline(year: int, day: int):
    """Tetapkan tanggal batas pengisian untuk satu tahun (bulan m ditutup tanggal itu bulan m+1)."""
    set_actor(db.session, label="cli:periods deadline")
    try:
        periods.set_deadline_day(None, year, day)
    except ValidationFailed as exc:
        _refused(exc)
    db.session.commit()
    click.echo(f"Batas pengisian tahun {year}: tanggal {day} bulan berikutnya "
               f"(Desember: {_d(periods.deadline(year, 12))}).")


@periods_cli.command("status")
@YEAR
@click.option("--opd", "code", default=None, help="Kode SIPD OPD: keadaan untuk OPD itu (termasuk pembukaan kembali).")
def status(year: int, code: str | None):
    """Cetak kedua belas bulan dengan batas pengisian dan keadaannya."""
    from ekinerja.auth.models import User
    from ekinerja.realisations.models import PeriodLock, PeriodReopening

    if not 2000 <= year <= 2100:
        _fail("Tahun harus 2000–2100.")
    opd = _opd(code) if code else None
    today = periods.today()
    states = periods.year_states(year, opd.id if opd else None)
    lockers = dict(db.session.execute(
        select(PeriodLock.month, User.display_name).outerjoin(User, PeriodLock.locked_by_id == User.id)
        .where(PeriodLock.year == year)).all())
    reopened: dict[int, list[str]] = {}
    if opd is None:
        for r, name in db.session.execute(
                select(PeriodReopening, Opd.name).join(Opd, PeriodReopening.opd_id == Opd.id)
                .where(PeriodReopening.year == year, PeriodReopening.until >= today)
                .order_by(PeriodReopening.month, Opd.name)):
            reopened.setdefault(r.month, []).append(f"{name} s.d. {_d(r.until)}: {r.reason}")
    title = f"Periode realisasi {year}" + (f" untuk {opd.name} ({opd.code})" if opd else "")
    click.echo(f"{title}; batas tanggal {periods.deadline_day(year)} bulan berikutnya; hari ini {_d(today)}.")
    click.echo(f"{'Bulan':<10} {'Batas pengisian':<18} Keadaan")
    for s in states:
        label = s.label
        if s.locked:  # by whom; "(…)" where the OPD's reopening or a month not begun comes first
            who = f"dikunci oleh {lockers.get(s.month) or 'sistem'}"
            label = who if label == "dikunci" else f"{label} ({who})"
        click.echo(f"{MONTHS_ID[s.month - 1]:<10} {_d(s.deadline):<18} {label}")
        for line in reopened.get(s.month, []):
            click.echo(f"{'':<30}dibuka kembali: {line}")


@periods_cli.command("remind")
@YEAR
@MONTH
@click.option("--dry-run", is_flag=True, help="Hanya cetak siapa yang akan diingatkan; tidak mengirim surel.")
def remind(year: int, month: int, dry_run: bool):
    """Ingatkan lewat surel setiap pengguna yang realisasinya untuk bulan yang masih terbuka belum
    diajukan (jalankan beberapa hari sebelum batas pengisian, misalnya dari cron)."""
    from flask import current_app

    from ekinerja.realisations import notify

    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        _fail("Periode tidak valid.", "--year: tahun 2000–2100; --month: bulan 1–12.")
    due = periods.deadline(year, month)
    found = notify.reminders(year, month)
    click.echo(f"Realisasi {periods.month_name(year, month)} (batas {_d(due)}): "
               f"{len(found)} pengguna masih punya yang belum diajukan.")
    for r in found:
        click.echo(f"  {r.user.username:<20} {r.count:>3} indikator  {r.user.email or '(tanpa surel)'}")
    mails = [r.mail() for r in found if r.user.email]
    if dry_run or not mails:
        click.echo("Tidak ada surel yang dikirim." + (" (--dry-run)" if dry_run else ""))
        return
    if not current_app.config.get("SMTP_HOST"):
        _fail("SMTP_HOST belum diatur; tidak ada surel yang dapat dikirim.")
    sent = notify.deliver(mails)
    click.echo(f"{sent} dari {len(mails)} surel terkirim.")
    if sent < len(mails):
        sys.exit(1)
