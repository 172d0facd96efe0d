"""The Perjanjian Kinerja's content (ekinerja.contracts.pk): targets from the first party's
scorecard at each level, programmes and their budget as people type them, what an amendment
copies, what the comparison reads, and the printed document (PermenPANRB 53/2014)."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date
from decimal import Decimal as D

import pytest

from ekinerja.contracts import pk
from ekinerja.contracts import services as cs
from ekinerja.contracts.models import DocumentKind, Level, PkProgramme, VersionStatus
from ekinerja.contracts.pdf import render_pk
from ekinerja.errors import InvalidTransition, NotFound, ValidationFailed
from ekinerja.extensions import db
from tests.contracts.conftest import SIGNING


def new_pk(post, year: int = 2026):
    return cs.create(None, DocumentKind.PK, year, post)


def messages(exc: ValidationFailed) -> dict[str, str]:
    return {d["field"]: d["message"] for d in exc.details}


# ------------------------------------------------------------------ targets from the scorecard

def test_each_level_takes_the_targets_of_its_own_scorecard(org, iku):
    """The OPD head: the OPD's card; an eselon III head: his unit's; a staff member: his own."""
    assert pk.source_scorecard(new_pk(org.a_head.position)).id == iku.opd.scorecard_id
    assert pk.source_scorecard(new_pk(org.kabid.position)).id == iku.unit.scorecard_id
    assert pk.source_scorecard(new_pk(org.staff1.position)).id == iku.s1.scorecard_id
    assert pk.source_scorecard(new_pk(org.b_staff.position)) is None


def test_quarterly_targets_are_those_of_march_june_september_december(iku):
    assert pk.quarterly(iku.opd) == [D(30), D(60), D(90), D(120)]
    assert pk.quarterly(iku.s1) == [D(15), D(30), D(45), D(60)]


def test_generate_targets_replaces_the_rows_with_the_scorecards(org, iku):
    version = new_pk(org.kabid.position).latest
    assert pk.generate_targets(version) == 1
    [row] = version.pk_targets
    assert (row.indicator_id, row.objective, row.indicator, row.unit_of_measure) == (
        iku.unit.id, "Meningkatnya layanan publik", "Jumlah layanan digital", "layanan")
    assert (row.target, row.q1, row.q2, row.q3, row.q4) == (D(120), D(30), D(60), D(90), D(120))
    row.target = D(1)
    db.session.commit()
    assert pk.generate_targets(version) == 1  # again: the hand-made change is replaced, not added to
    db.session.commit()
    assert [(r.position, r.target) for r in version.pk_targets] == [(1, D(120))]


def test_generate_targets_refuses_a_version_that_is_not_a_draft(org, iku):
    version = new_pk(org.a_head.position).latest
    pk.generate_targets(version)
    cs.submit(None, version)
    db.session.commit()
    with pytest.raises(InvalidTransition, match="Versi berstatus Diajukan tidak dapat diubah"):
        pk.generate_targets(version)
    db.session.rollback()
    assert len(version.pk_targets) == 1 and version.status == VersionStatus.SUBMITTED


def test_generate_targets_without_a_scorecard_says_so_and_changes_nothing(org, iku):
    version = new_pk(org.b_staff.position).latest
    with pytest.raises(ValidationFailed) as caught:
        pk.generate_targets(version)
    assert messages(caught.value) == {"targets": "Susun kartu kinerja tahun ini terlebih dahulu."}
    assert version.pk_targets == []


def test_the_labels_of_the_attachment_follow_the_level():
    assert pk.labels(Level.GOVERNOR_OPD) == ("Sasaran Strategis", "Program")
    assert pk.labels(Level.OPD_ESELON3) == ("Sasaran Program", "Kegiatan")
    assert pk.labels(Level.ESELON3_ESELON4) == ("Sasaran Kegiatan", "Sub Kegiatan")
    assert pk.labels(Level.ESELON4_STAFF) == ("Sasaran Kinerja", "Kegiatan")


# ------------------------------------------------------------------ programmes and their budget

@pytest.mark.parametrize("typed, amount", [
    ("1.250.000.000", D(1250000000)), ("Rp 1.250.000.000", D(1250000000)), ("Rp. 75.000", D(75000)),
    ("1.250", D(1250)),              # one group of three after the dot: thousands, not 1,25
    ("1250000", D(1250000)), ("1.250.000,50", D("1250000.50")), ("1250,5", D("1250.5")),
    ("1250.50", D("1250.50")),       # a dot before two digits stays a decimal point
    ("", None), (None, None),
])
def test_amounts_are_read_as_people_type_them(typed, amount):
    assert pk.parse_rupiah(typed) == amount


def test_an_amount_that_is_not_a_number_is_refused_in_words():
    with pytest.raises(ValidationFailed) as caught:
        pk.parse_rupiah("satu miliar")
    assert messages(caught.value)["budget"].startswith("Anggaran harus berupa angka rupiah")


def test_amounts_are_shown_in_whole_rupiah_or_with_sen():
    assert pk.amount_text(D("1250000000.00")) == "1.250.000.000"
    assert pk.amount_text(D("1250.5")) == "1.250,50"
    assert pk.amount_text(None) == "–"


def test_a_programme_is_checked_field_by_field_and_nothing_is_saved_when_wrong(org, iku):
    version = new_pk(org.a_head.position).latest
    cases = [
        (("", "-1", "x" * 501), {"programme": "Nama program/kegiatan wajib diisi.",
                                 "budget": "Anggaran harus 0 atau lebih.",
                                 "note": "Keterangan paling panjang 500 karakter."}),
        (("P" * 501, "", None), {"programme": "Nama program/kegiatan paling panjang 500 karakter.",
                                 "budget": "Anggaran wajib diisi (dalam rupiah)."}),
        (("Program", "1e16", None), {"budget": "Anggaran terlalu besar."}),
        (("Program", "10,125", None), {"budget": "Anggaran paling banyak dua angka di belakang koma."}),
        (("Program", "seribu", None), {"budget": "Anggaran harus berupa angka rupiah, misalnya 1.250.000.000."}),
    ]
    for (name, budget, note), expected in cases:
        with pytest.raises(ValidationFailed) as caught:
            pk.save_programme(version, name, budget, note)
        assert caught.value.message == "Periksa kembali isian program."
        assert messages(caught.value) == expected, (name[:10], budget)
        db.session.rollback()
    assert version.pk_programmes == []


def test_programmes_are_added_in_order_changed_and_removed(org, iku):
    version = new_pk(org.a_head.position).latest
    a = pk.save_programme(version, "  Program A  ", "1.000.000", "  APBD ")
    b = pk.save_programme(version, "Program B", "0", "")
    assert [(p.position, p.programme, p.budget, p.note) for p in version.pk_programmes] == [
        (1, "Program A", D(1000000), "APBD"), (2, "Program B", D(0), None)]
    pk.save_programme(version, "Program A1", "2.000.000", None, row=a)
    pk.remove_programme(version, b)
    c = pk.save_programme(version, "Program C", "5", None)
    db.session.commit()
    assert [(p.position, p.programme) for p in version.pk_programmes] == [(1, "Program A1"), (2, "Program C")]
    assert pk.total_budget(version) == D(2000005) and c.position == 2


def test_another_versions_programme_is_not_reached(org, iku):
    mine = new_pk(org.a_head.position).latest
    other = new_pk(org.kabid.position).latest
    row = pk.save_programme(other, "Program lain", "1", None)
    db.session.commit()
    with pytest.raises(NotFound):
        pk.save_programme(mine, "Diambil", "2", None, row=row)
    with pytest.raises(NotFound):
        pk.remove_programme(mine, row)
    db.session.rollback()
    assert db.session.get(PkProgramme, row.id).programme == "Program lain"


def test_programmes_of_a_submitted_or_signed_version_do_not_change(org, iku, people, scan, today):
    version = new_pk(org.a_head.position).latest
    pk.generate_targets(version)
    row = pk.save_programme(version, "Program A", "1", None)
    cs.submit(None, version)
    for attempt in (lambda: pk.save_programme(version, "Baru", "1", None),
                    lambda: pk.save_programme(version, "Diubah", "1", None, row=row),
                    lambda: pk.remove_programme(version, row)):
        with pytest.raises(InvalidTransition, match="hanya draf atau versi yang dikembalikan"):
            attempt()
    cs.agree(None, version)
    cs.print_(None, version, "800/1/ORG/2026", date(2026, 1, 30), SIGNING)
    cs.record_signing(None, version, scan, "ttd.pdf", SIGNING)
    db.session.commit()
    with pytest.raises(InvalidTransition, match="buat perubahan"):
        pk.save_programme(version, "Baru", "1", None)
    with pytest.raises(InvalidTransition, match="buat perubahan"):
        pk.generate_targets(version)
    db.session.rollback()
    assert [(p.programme, p.budget) for p in version.pk_programmes] == [("Program A", D(1))]


# ------------------------------------------------------------------ the lifecycle's hooks

def test_an_amendment_copies_the_content_into_rows_of_its_own(org, iku, scan, today):
    agreement = new_pk(org.a_head.position)
    v1 = agreement.latest
    pk.generate_targets(v1)
    pk.save_programme(v1, "Program A", "1.000", "APBD")
    cs.submit(None, v1)
    cs.agree(None, v1)
    cs.print_(None, v1, "800/1/ORG/2026", date(2026, 1, 30), SIGNING)
    cs.record_signing(None, v1, scan, "ttd.pdf", SIGNING)
    v2 = cs.amend(None, agreement, "program_budget", "Anggaran perubahan tahun berjalan")
    db.session.commit()
    assert [(t.indicator, t.target, t.q2) for t in v2.pk_targets] == [
        (t.indicator, t.target, t.q2) for t in v1.pk_targets]
    assert [(p.programme, p.budget, p.note) for p in v2.pk_programmes] == [("Program A", D(1000), "APBD")]
    assert {p.id for p in v2.pk_programmes}.isdisjoint({p.id for p in v1.pk_programmes})
    pk.save_programme(v2, "Program A", "1.500", "APBD-P", row=v2.pk_programmes[0])
    db.session.commit()
    assert v1.pk_programmes[0].budget == D(1000)
    diff = {s.name: s for s in cs.compare(v1, v2)}
    [(kind, old, new)] = diff["Program dan anggaran"].rows
    assert (kind, old[1], new[1], new[2]) == ("changed", "1.000", "1.500", "APBD-P")


def test_submission_needs_the_attachment(org, iku):
    version = new_pk(org.a_head.position).latest
    with pytest.raises(ValidationFailed) as caught:
        cs.submit(None, version)
    assert "Lampiran indikator kinerja masih kosong" in messages(caught.value)["targets"]


# ------------------------------------------------------------------ the printed document

def _text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_the_printed_pk_follows_permenpanrb_53_2014(org, iku, scan, today):
    """The statement with both parties (name, NIP, rank, post as held on the signing date), the
    attachment with the level's own table names, quarterly targets, the total budget, and the
    verification code; printed again, the same bytes."""
    org.kabid.rank = "Pembina (IV/a)"
    agreement = new_pk(org.kabid.position)
    version = agreement.latest
    pk.generate_targets(version)
    pk.save_programme(version, "Kegiatan Pengembangan Aplikasi", "1.250.000.000", "APBD")
    pk.save_programme(version, "Kegiatan Pengelolaan Data", "350.500.000,50", None)
    cs.submit(None, version)
    cs.agree(None, version)
    pdf = cs.print_(None, version, "800/7/DALFA/2026", date(2026, 1, 30), SIGNING)
    text = " ".join(_text(pdf).split())
    for expected in ("PERJANJIAN KINERJA TAHUN 2026", "BIDANG SATU – DINAS ALFA", "Nomor: 800/7/DALFA/2026",
                     "Dalam rangka mewujudkan manajemen pemerintahan yang efektif",
                     "Nama : Kabid Satu", f"NIP : {org.kabid.nip}", "Pangkat/Gol. : Pembina (IV/a)",
                     "Jabatan : Kepala Bidang Satu pada Dinas Alfa", "selanjutnya disebut PIHAK PERTAMA",
                     "Nama : Kepala Alfa", "selaku atasan pihak pertama, selanjutnya disebut PIHAK KEDUA",
                     "Mataram, 2 Februari 2026", "LAMPIRAN PERJANJIAN KINERJA TAHUN 2026",
                     "A. Indikator Kinerja dan Target", "Sasaran Program", "Target Triwulan",
                     "Jumlah layanan digital", "120 layanan", "B. Kegiatan dan Anggaran",
                     "Rp 1.250.000.000", "Jumlah Anggaran Rp 1.600.500.000,50",
                     f"Kode verifikasi: {version.verification_code}", "Halaman 2 dari 2"):
        assert expected in text, expected
    assert render_pk(version) == pdf  # the same content prints to the same bytes: its SHA-256 stays checkable


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_an_amended_pk_says_so_and_an_empty_table_says_it_is_empty(org, iku, scan, today):
    agreement = new_pk(org.a_head.position)
    v1 = agreement.latest
    pk.generate_targets(v1)
    cs.submit(None, v1)
    cs.agree(None, v1)
    cs.print_(None, v1, "800/1/ORG/2026", date(2026, 1, 30), SIGNING)
    cs.record_signing(None, v1, scan, "ttd.pdf", SIGNING)
    v2 = cs.amend(None, agreement, "mutasi", "Pergantian Kepala Dinas pada Juni 2026")
    cs.submit(None, v2)
    cs.agree(None, v2)
    text = " ".join(_text(cs.print_(None, v2, "800/9/ORG/2026", date(2026, 6, 30), date(2026, 7, 1))).split())
    assert "PERJANJIAN KINERJA PERUBAHAN TAHUN 2026" in text and "Belum ada program." in text
    assert "Sasaran Strategis" in text and "Jabatan : Gubernur Nusa Tenggara Barat" in text
    assert "Jumlah Anggaran Rp 0" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_a_long_quarterly_target_is_not_broken_over_two_lines(org, iku):
    version = new_pk(org.a_head.position).latest
    pk.generate_targets(version)
    row = version.pk_targets[0]
    row.target, row.q1, row.q2, row.q3, row.q4 = D("4938270"), D("1234567.5"), D("2469135"), D("3703702.5"), D("4938270")
    cs.submit(None, version)
    cs.agree(None, version)
    text = _text(cs.print_(None, version, "800/2/ORG/2026", date(2026, 1, 30), SIGNING))
    for number in ("1.234.567,5", "2.469.135", "3.703.702,5", "4.938.270"):
        assert number in text, number
