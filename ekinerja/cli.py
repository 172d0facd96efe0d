"""flask commands. Each names the actor for the audit trail, calls the services and commits once."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ekinerja.audit.trail import set_actor
from ekinerja.errors import DomainError, ValidationFailed
from ekinerja.extensions import db

org_cli = AppGroup("org", help="Organisasi: OPD, unit, pegawai.")
users_cli = AppGroup("users", help="Pengguna dan token API.")
demo_cli = AppGroup("demo", help="Data contoh NTB.")
exchange_cli = AppGroup("exchange", help="Format pertukaran ekinerja/v1: kartu kinerja dan realisasi (JSON atau Excel).")


def _report_failure(exc: DomainError) -> None:
    db.session.rollback()
    click.echo(f"GAGAL: {exc.message}", err=True)
    for d in exc.details:
        where = f"baris {d['line']}: " if "line" in d else (
            f"{d.get('path') or d.get('field')}: " if d.get("path") or d.get("field") else "")
        click.echo(f"  {where}{d['message']}", err=True)
    sys.exit(1)


@org_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--employees", is_flag=True, help="FILE adalah daftar pegawai "
              "(nip,name,position,position_kind,unit_code,is_unit_head[,rank]).")
def org_import(file: Path, employees: bool):
    """Muat OPD dan UPT (format ntb-opd.csv) atau, dengan --employees, daftar pegawai."""
    from ekinerja.org.importer import import_employees, import_opds

    set_actor(db.session, label="cli:org import")
    text = file.read_text(encoding="utf-8")
    try:
        result = import_employees(text) if employees else import_opds(text)
    except ValidationFailed as exc:
        _report_failure(exc)
    db.session.commit()
    click.echo(f"Selesai: {result.created} baru, {result.updated} diubah, {result.unchanged} tetap.")


@users_cli.command("create-admin")
@click.option("--username", prompt="Nama pengguna")
@click.option("--name", "display_name", default="Administrator")
@click.option("--password", prompt="Kata sandi", hide_input=True, confirmation_prompt=True)
def create_admin(username: str, display_name: str, password: str):
    """Buat akun administrator."""
    from ekinerja.auth.models import Role
    from ekinerja.auth.services import create_user

    set_actor(db.session, label="cli:users create-admin")
    try:
        create_user(None, username, display_name, password, [(Role.ADMIN, None)],
                    current_app.config["PASSWORD_HASH_METHOD"])
    except ValidationFailed as exc:
        _report_failure(exc)
    db.session.commit()
    click.echo(f"Administrator {username} dibuat.")


@users_cli.command("token")
@click.argument("login")
@click.option("--revoke", is_flag=True, help="Cabut semua token pengguna ini.")
def token(login: str, revoke: bool):
    """Cetak token API baru untuk NIP_OR_USERNAME (ditampilkan sekali), atau cabut dengan --revoke."""
    from ekinerja.auth.services import find_user, issue_token, revoke_tokens

    set_actor(db.session, label="cli:users token")
    user = find_user(login)
    if user is None:
        click.echo(f"GAGAL: pengguna {login} tidak ditemukan.", err=True)
        sys.exit(1)
    if revoke:
        n = revoke_tokens(user)
        db.session.commit()
        click.echo(f"{n} token dicabut.")
        return
    value = issue_token(user)
    db.session.commit()
    click.echo(value)


@demo_cli.command("load")
def demo_load():
    """Muat 44 OPD dan 110 UPT NTB serta organisasi contoh; aman dijalankan berulang."""
    from ekinerja.demo.loader import load_demo

    set_actor(db.session, label="cli:demo load")
    logins = load_demo(current_app.config["PASSWORD_HASH_METHOD"])
    db.session.commit()
    click.echo("Data contoh dimuat. Akun demo:")
    width = max(len(u) for u, _, _ in logins)
    for username, password, who in logins:
        click.echo(f"  {username.ljust(width)}  {password}  {who}")
    from ekinerja.demo.agreements import sample_code
    code = sample_code()
    if code:  # a printed, signed and published agreement to check on the public page
        click.echo(f"Verifikasi dokumen (tanpa masuk): {current_app.config['BASE_URL'].rstrip('/')}/verifikasi/{code}")


@exchange_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def exchange_import(file: Path):
    """Muat dokumen ekinerja/v1 (.json atau .xlsx). Semua diperiksa dulu; satu kesalahan saja berarti
    tidak ada yang disimpan, dan setiap kesalahan dicetak dengan letaknya."""
    import json

    from ekinerja.exchange import import_document, workbook_to_document

    suffix = file.suffix.lower()
    if suffix not in (".json", ".xlsx"):
        raise click.BadParameter("berkas harus .json atau .xlsx", param_hint="FILE")
    set_actor(db.session, label="cli:exchange import")
    try:
        if suffix == ".xlsx":
            doc = workbook_to_document(file.read_bytes())
        else:
            try:
                doc = json.loads(file.read_text(encoding="utf-8-sig"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise ValidationFailed("Berkas JSON tidak dapat dibaca.", [{"path": "(file)", "message": str(exc)}])
        result = import_document(None, doc)
    except ValidationFailed as exc:
        _report_failure(exc)
    db.session.commit()
    click.echo(f"Selesai: {result.created} baru, {result.updated} diubah, {result.unchanged} tetap.")
    for kind, c in result.counts.items():
        if any(c.values()):
            click.echo(f"  {kind}: {c['created']} baru, {c['updated']} diubah, {c['unchanged']} tetap")


@exchange_cli.command("export")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--month", type=click.IntRange(1, 12), help="Bulan angka --computed (bawaan 12).")
@click.option("--computed", is_flag=True, help="Sertakan capaian, skor dan NKO (hanya nilai yang disetujui).")
@click.option("--format", "fmt", type=click.Choice(["json", "xlsx"]), help="Bawaan: dari akhiran -o, atau json.")
@click.option("--organisation", is_flag=True, help="Sertakan OPD, unit dan pegawai.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Berkas tujuan (json: bawaan stdout).")
def exchange_export(year: int, month: int | None, computed: bool, fmt: str | None, organisation: bool,
                    output: Path | None):
    """Keluarkan kartu kinerja dan realisasi satu tahun sebagai dokumen ekinerja/v1."""
    import json

    from ekinerja.exchange import document_to_workbook, export_document

    fmt = fmt or ("xlsx" if output is not None and output.suffix.lower() == ".xlsx" else "json")
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx memerlukan -o FILE.")
    doc = export_document(year, month, computed, include_organisation=organisation)
    if fmt == "xlsx":
        output.write_bytes(document_to_workbook(doc))
    else:
        text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
        if output is None:
            click.echo(text, nl=False)
            return
        output.write_text(text, encoding="utf-8")
    click.echo(f"{len(doc['scorecards'])} kartu kinerja dan {len(doc['realisations'])} realisasi ditulis ke {output}.")
