"""`flask a3 print` and `flask contracts print`: every agreed document of the year printed, the ones
already printed written out as they were, one file per agreement; all or nothing, in Indonesian."""
from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from ekinerja import storage
from ekinerja.a3 import content as a3
from ekinerja.audit.models import AuditEntry
from ekinerja.bsc import services as bsc
from ekinerja.bsc.models import OwnerKind
from ekinerja.contracts import cli, pk
from ekinerja.contracts import services as cs
from ekinerja.contracts.models import AgreementVersion, DocumentKind, VersionStatus
from ekinerja.extensions import db
from tests.contracts.conftest import SIGNING

DATES = ["--date", "2026-01-30", "--signing-date", "2026-02-02"]


@pytest.fixture
def both_opds(org, iku):
    """The province IKU cascaded to OPD B too, so that both OPD heads have Actions."""
    bsc.cascade(None, iku.top, [bsc.CascadeTarget(OwnerKind.OPD, org.b.id, 40)])
    db.session.commit()


def agreed_a3(position, people, operator):
    version = cs.create(operator, DocumentKind.A3, 2026, position).latest
    a3.prefill(version)
    cs.submit(operator, version)
    cs.agree(people.gov, version)
    db.session.commit()
    return version


def stored_files(app) -> set[str]:
    return {str(p) for p in Path(app.config["STORAGE_PATH"]).rglob("*") if p.is_file()}


def fresh(version_id: int) -> AgreementVersion:
    db.session.expire_all()
    return db.session.get(AgreementVersion, version_id)


def test_a3_print_writes_every_agreed_and_every_printed_a3(org, iku, people, both_opds, scan, runner, tmp_path, app):
    a = agreed_a3(org.a_head.position, people, people.op_a)
    b = agreed_a3(org.b_head.position, people, people.op_b)
    b_pdf = cs.print_(people.gov, b, "A3/001/LAMA/2026", date(2026, 1, 20), SIGNING)
    cs.record_signing(people.gov, b, scan, "pindaian.pdf", SIGNING)
    draft = cs.create(people.op_a, DocumentKind.A3, 2026, org.kabid.position).latest  # not agreed: left out
    db.session.commit()
    out = tmp_path / "cetak"

    result = runner.invoke(args=["a3", "print", "--year", "2026", "--out", str(out), *DATES])
    assert result.exit_code == 0, result.output
    a, b = fresh(a.id), fresh(b.id)
    a_name, b_name = cli.document_filename(a), cli.document_filename(b)
    assert a_name == f"a3-2026-{org.a.code}-governor_opd-v1.pdf"
    assert sorted(p.name for p in out.iterdir()) == sorted([a_name, b_name])
    # the agreed one is printed now, numbered after the one printed before
    assert a.status == VersionStatus.PRINTED and a.print_number == f"A3/002/{org.a.code}/2026"
    assert (a.print_date, a.planned_signing_date, a.printed_paper) == (date(2026, 1, 30), SIGNING, "A3")
    written = (out / a_name).read_bytes()
    assert written == storage.read(a.printed_key) and hashlib.sha256(written).hexdigest() == a.printed_sha256
    # the signed one is written as it was printed: its hash still verifies
    assert (out / b_name).read_bytes() == b_pdf and b.status == VersionStatus.SIGNED
    assert fresh(draft.id).status == VersionStatus.DRAFT
    assert f"{a_name}  Dinas Alfa: dicetak, nomor A3/002/{org.a.code}/2026" in result.output
    assert f"{b_name}  Badan Beta: sudah ditandatangani, berkas cetak tersimpan" in result.output
    assert "2 berkas ditulis" in result.output and "1 dicetak sekarang, 1 berkas cetak tersimpan" in result.output
    labels = set(db.session.scalars(select(AuditEntry.actor_label).where(
        AuditEntry.entity == "agreement_version", AuditEntry.entity_id == str(a.id), AuditEntry.field == "status",
        AuditEntry.new_value == "printed")))
    assert labels == {"cli:a3 print"}

    # again: everything is printed now, so the same files come out and nothing is printed anew
    files = stored_files(app)
    again = runner.invoke(args=["a3", "print", "--year", "2026", "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert "0 dicetak sekarang, 2 berkas cetak tersimpan" in again.output
    assert (out / a_name).read_bytes() == written and stored_files(app) == files


def test_a3_on_a4_paper_and_a_number_pattern_of_ones_own(org, iku, people, runner, tmp_path):
    a = agreed_a3(org.a_head.position, people, people.op_a)
    result = runner.invoke(args=["a3", "print", "--year", "2026", "--out", str(tmp_path), "--paper", "a4",
                                 "--number-pattern", "050/{n}/A3-{year}", "--start", "7", *DATES,
                                 "--place", "Sumbawa Besar"])
    assert result.exit_code == 0, result.output
    a = fresh(a.id)
    assert (a.printed_paper, a.print_number, a.place) == ("A4", "050/7/A3-2026", "Sumbawa Besar")


def test_contracts_print_writes_the_agreed_pks(org, iku, people, runner, tmp_path):
    version = cs.create(people.op_a, DocumentKind.PK, 2026, org.a_head.position).latest
    pk.generate_targets(version)
    cs.submit(people.op_a, version)
    cs.agree(people.gov, version)
    kabid = cs.create(people.op_a, DocumentKind.PK, 2026, org.kabid.position).latest  # a draft: left out
    a3_agreed = agreed_a3(org.a_head.position, people, people.op_a)                  # another kind
    db.session.commit()
    result = runner.invoke(args=["contracts", "print", "--year", "2026", "--out", str(tmp_path), *DATES])
    assert result.exit_code == 0, result.output
    version = fresh(version.id)
    assert version.status == VersionStatus.PRINTED and version.print_number == f"PK/001/{org.a.code}/2026"
    assert [p.name for p in tmp_path.iterdir()] == [f"pk-2026-{org.a.code}-governor_opd-v1.pdf"]
    assert fresh(kabid.id).status == VersionStatus.DRAFT and fresh(a3_agreed.id).status == VersionStatus.AGREED
    assert "--paper" not in runner.invoke(args=["contracts", "print", "--help"]).output


def test_nothing_agreed_is_no_error(org, runner, tmp_path):
    result = runner.invoke(args=["contracts", "print", "--year", "2026", "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert "Tidak ada Perjanjian Kinerja tahun 2026 yang sudah disetujui" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_refusal_prints_nothing_and_says_why(org, iku, people, both_opds, runner, tmp_path, app):
    a = agreed_a3(org.a_head.position, people, people.op_a)
    b = agreed_a3(org.b_head.position, people, people.op_b)
    files = stored_files(app)
    # OPD B's head only took up the post on 2 January 2025: on 1 January nobody held it
    result = runner.invoke(args=["a3", "print", "--year", "2026", "--out", str(tmp_path / "x"),
                                 "--date", "2025-01-01"])
    assert result.exit_code == 1
    assert "GAGAL: 2 dokumen tidak dapat dicetak; tidak ada yang dicatat" in result.stderr
    assert "Jabatan kosong pada tanggal penandatanganan." in result.stderr
    assert "Tidak ada pejabat yang memegang jabatan Kepala Badan Beta pada tanggal itu." in result.stderr
    assert fresh(a.id).status == fresh(b.id).status == VersionStatus.AGREED
    assert fresh(a.id).print_number is None
    assert list((tmp_path / "x").iterdir()) == [] and stored_files(app) == files


@pytest.mark.parametrize("args, message", [
    (["--number-pattern", "{kind}/{nomor}"],
     "GAGAL: pola nomor '{kind}/{nomor}' tidak dapat dipakai ({nomor} tidak dikenal)"),
    (["--number-pattern", "{n:zz}"], "tidak dapat dipakai (format tidak sah"),
    (["--number-pattern", "{kind}/{n:03d}/" + "X" * 70], "Nomor paling panjang 64 karakter."),
    (["--signing-date", "2026-01-01"], "Tanggal penandatanganan tidak boleh sebelum tanggal cetak."),
])
def test_bad_options_print_nothing(org, iku, people, runner, tmp_path, args, message):
    a = agreed_a3(org.a_head.position, people, people.op_a)
    result = runner.invoke(args=["a3", "print", "--year", "2026", "--out", str(tmp_path), "--date", "2026-01-30",
                                 *args])
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert fresh(a.id).status == VersionStatus.AGREED and list(tmp_path.iterdir()) == []


def test_an_unwritable_folder_is_refused_before_anything_is_printed(org, iku, people, runner, tmp_path):
    a = agreed_a3(org.a_head.position, people, people.op_a)
    blocker = tmp_path / "berkas"
    blocker.write_text("bukan folder")
    result = runner.invoke(args=["a3", "print", "--year", "2026", "--out", str(blocker), *DATES])
    assert result.exit_code != 0
    assert fresh(a.id).status == VersionStatus.AGREED


def test_many_documents_are_rendered_by_worker_processes(org, iku, people, both_opds, runner, tmp_path, app,
                                                          monkeypatch):
    """With many documents the PDFs come from the workers: here the parent's own renderer refuses to
    run, yet both are printed, recorded in one go, and the workers leave no file behind."""
    a = agreed_a3(org.a_head.position, people, people.op_a)
    b = agreed_a3(org.b_head.position, people, people.op_b)
    files = stored_files(app)
    monkeypatch.setattr(cli, "PARALLEL_FROM", 2)
    original = cs.content(DocumentKind.A3)

    def parent_must_not_render(version, paper):
        raise AssertionError("rendered in the parent process")

    monkeypatch.setitem(cs.CONTENT, DocumentKind.A3, replace(original, render=parent_must_not_render))
    result = runner.invoke(args=["a3", "print", "--year", "2026", "--out", str(tmp_path), "--workers", "2", *DATES])
    assert result.exit_code == 0, result.output
    assert "Mencetak 2 dokumen dengan 2 proses" in result.output
    a, b = fresh(a.id), fresh(b.id)
    assert a.status == b.status == VersionStatus.PRINTED
    assert {a.print_number, b.print_number} == {f"A3/001/{org.a.code}/2026", f"A3/002/{org.b.code}/2026"}
    for version in (a, b):
        data = (tmp_path / cli.document_filename(version)).read_bytes()
        assert hashlib.sha256(data).hexdigest() == version.printed_sha256
        assert data.startswith(b"%PDF")
    # the worker rendered exactly what this process renders from the recorded version
    assert original.render(a, "A3") == storage.read(a.printed_key)
    assert stored_files(app) == files | {str(storage.path_of(a.printed_key)), str(storage.path_of(b.printed_key))}
