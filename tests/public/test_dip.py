"""The Daftar Informasi Publik and the OPDs' periodic reports (ekinerja/public/dip.py): who may keep
which OPD's reports, the checks on what is typed and on the file, draft → published → withdrawn,
and the DIP itself: published A3/PK and published reports only, with the seven fields, filtered,
searched and paged in a fixed number of queries. "Today" is 4 May 2026."""
from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import event

from ekinerja import storage
from ekinerja.contracts import pk
from ekinerja.contracts import services as cs
from ekinerja.contracts.models import DocumentKind
from ekinerja.contracts.public_views import document_title
from ekinerja.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ekinerja.extensions import db
from ekinerja.public import dip
from ekinerja.public.dip_models import ReportStatus
from tests.contracts.conftest import SIGNING, iku, people, realise, scan, today  # noqa: F401
from tests.kit import snapshot

PRINT_DAY = date(2026, 1, 30)


def pdf_bytes(text: str = "Laporan kinerja triwulan") -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, text)
    c.save()
    return buf.getvalue()


def entry(quarter: int = 1, **kw) -> dip.ReportInput:
    values = dict(year=2026, quarter=quarter, title=f"Laporan Kinerja Triwulan {quarter} Tahun 2026",
                  summary="Capaian indikator kinerja sampai dengan akhir triwulan.", responsible_name="Kepala Alfa",
                  responsible_position="Kepala Dinas Alfa", made_place="Mataram", made_date=date(2026, 4, 15))
    values.update(kw)
    return dip.ReportInput(**values)


@pytest.fixture
def published_report(org, people):
    report = dip.create(people.op_a, org.a, entry(1, summary="Ringkasan penyakit menular dan imunisasi."))
    dip.attach_file(people.op_a, report, pdf_bytes(), "laporan tw1.pdf")
    dip.publish(people.op_a, report)
    db.session.commit()
    return report


@pytest.fixture
def agreements(org, iku, people, today, scan):  # noqa: F811
    """OPD A head's PK printed, signed and published; the kabid's PK only submitted."""
    published = cs.create(people.op_a, DocumentKind.PK, 2026, org.a_head.position)
    v = published.latest
    pk.generate_targets(v)
    cs.submit(people.op_a, v)
    cs.agree(people.gov, v)
    cs.print_(people.gov, v, "800/12/ORG/2026", PRINT_DAY, SIGNING)
    cs.record_signing(people.gov, v, scan, "pindaian.pdf", SIGNING)
    cs.publish(people.gov, v)
    hidden = cs.create(people.op_a, DocumentKind.PK, 2026, org.kabid.position)
    pk.generate_targets(hidden.latest)
    cs.submit(people.op_a, hidden.latest)
    db.session.commit()
    return v, hidden.latest


# ------------------------------------------------------------------ who

def test_who_keeps_which_opds_reports(org, people):
    assert dip.report_opd_ids(people.admin) is None and dip.report_opd_ids(people.gov) is None
    assert dip.report_opd_ids(people.op_a) == {org.a.id}
    assert dip.report_opd_ids(people.a_head) == {org.a.id}      # heads the OPD's root unit
    assert dip.report_opd_ids(people.kabid) == set()            # a unit below the root: no
    for user in (people.staff1, people.auditor, people.b_staff):
        assert not dip.keeps_reports(user)
    assert dip.may_report(people.a_head, org.a) and not dip.may_report(people.a_head, org.b)
    assert [o.name for o in dip.reporting_opds(people.op_b)] == ["Badan Beta"]


def test_other_opds_and_staff_are_refused(org, people):
    before = snapshot()
    for user in (people.op_b, people.b_head, people.kabid, people.staff1, people.auditor):
        with pytest.raises(PermissionDenied):
            dip.create(user, org.a, entry())
    assert snapshot() == before
    report = dip.create(people.a_head, org.a, entry())
    db.session.commit()
    before = snapshot()
    for action in (lambda u: dip.update(u, report, entry(2)), lambda u: dip.attach_file(u, report, pdf_bytes(), "x.pdf"),
                   lambda u: dip.publish(u, report)):
        with pytest.raises(PermissionDenied):
            action(people.op_b)
    db.session.rollback()
    assert snapshot() == before


# ------------------------------------------------------------------ what is typed, the file

def test_missing_and_wrong_values_are_named(org, people):
    with pytest.raises(ValidationFailed) as err:
        dip.create(people.op_a, org.a, entry(quarter=5, year=1999, title=" ", summary="", responsible_name="",
                                             made_date=date(2026, 5, 5)))
    fields = {d["field"]: d["message"] for d in err.value.details}
    assert fields == {"title": "Judul wajib diisi.", "summary": "Ringkasan isi wajib diisi.",
                      "responsible_name": "Nama penanggung jawab wajib diisi.",
                      "year": "Tahun harus antara 2000 dan 2100.", "quarter": "Pilih triwulan (TW I–IV).",
                      "made_date": "Tanggal pembuatan tidak boleh setelah hari ini."}


def test_no_nip_for_the_person_responsible(org, people):
    with pytest.raises(ValidationFailed, match="belum dapat disimpan") as err:
        dip.create(people.op_a, org.a, entry(responsible_name="Kepala Alfa NIP 198503142010011001"))
    assert "tanpa NIP" in err.value.details[0]["message"]


def test_one_report_per_opd_year_and_quarter(org, people):
    first = dip.create(people.op_a, org.a, entry(1))
    second = dip.create(people.op_a, org.a, entry(2))
    dip.create(people.op_b, org.b, entry(1))  # another OPD's TW I is its own
    with pytest.raises(ValidationFailed) as err:
        dip.create(people.op_a, org.a, entry(1))
    assert err.value.details[0]["message"] == "Laporan TW I 2026 Dinas Alfa sudah ada; ubah laporan itu."
    with pytest.raises(ValidationFailed):
        dip.update(people.op_a, second, entry(1))
    dip.update(people.op_a, first, entry(1, title="Judul baru"))
    assert first.title == "Judul baru" and first.form_available == "Softcopy (PDF)" and first.retention == "5 tahun"


def test_the_file_must_be_a_pdf_by_its_content(org, people, app):
    report = dip.create(people.op_a, org.a, entry())
    for data, message in ((b"", "Pilih berkas PDF laporan."),
                          (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "Isi berkas bukan PDF; unggah laporan dalam bentuk PDF."),
                          (b"just text, named .pdf", "Isi berkas bukan PDF; unggah laporan dalam bentuk PDF."),
                          (b"%PDF-" + b"0" * dip.MAX_FILE_BYTES, "Ukuran berkas melebihi 20 MB.")):
        with pytest.raises(ValidationFailed) as err:
            dip.attach_file(people.op_a, report, data, "laporan.pdf")
        assert err.value.details == [{"field": "file", "message": message}]
    assert report.file_key is None
    data = pdf_bytes()
    dip.attach_file(people.op_a, report, data, "../../Laporan TW1.exe")
    assert report.file_name == "Laporan TW1.pdf" and report.file_size == len(data)
    assert report.file_sha256 == hashlib.sha256(data).hexdigest()
    assert storage.read(report.file_key) == data


def test_replacing_the_file_removes_the_old_one_after_commit(org, people):
    report = dip.create(people.op_a, org.a, entry())
    dip.attach_file(people.op_a, report, pdf_bytes("satu"), "a.pdf")
    db.session.commit()
    old = report.file_key
    dip.attach_file(people.op_a, report, pdf_bytes("dua"), "b.pdf")
    db.session.commit()
    assert not storage.path_of(old).exists() and storage.path_of(report.file_key).exists()


# ------------------------------------------------------------------ draft → published → withdrawn

def test_publish_needs_the_file_and_withdraw_returns_to_draft(org, people):
    report = dip.create(people.op_a, org.a, entry())
    with pytest.raises(InvalidTransition, match="Unggah berkas PDF"):
        dip.publish(people.op_a, report)
    dip.attach_file(people.op_a, report, pdf_bytes(), "a.pdf")
    dip.publish(people.a_head, report)
    assert report.status == ReportStatus.PUBLISHED and report.published_at and report.published_by_id == people.a_head.id
    with pytest.raises(InvalidTransition):
        dip.publish(people.op_a, report)
    with pytest.raises(InvalidTransition, match="tarik kembali"):
        dip.update(people.op_a, report, entry(title="Diam-diam diubah"))
    with pytest.raises(InvalidTransition, match="tarik kembali"):
        dip.attach_file(people.op_a, report, pdf_bytes("lain"), "b.pdf")
    dip.withdraw(people.gov, report)
    assert report.status == ReportStatus.DRAFT and report.published_at is None and report.published_by_id is None
    with pytest.raises(InvalidTransition):
        dip.withdraw(people.gov, report)
    db.session.commit()
    assert dip.published_report(report.id) is None


def test_the_steps_are_audited(org, people):
    from sqlalchemy import select

    from ekinerja.audit.models import AuditEntry

    report = dip.create(people.op_a, org.a, entry())
    dip.attach_file(people.op_a, report, pdf_bytes(), "a.pdf")
    dip.publish(people.op_a, report)
    db.session.commit()
    rows = db.session.execute(select(AuditEntry.action, AuditEntry.field, AuditEntry.new_value)
                              .where(AuditEntry.entity == "periodic_report", AuditEntry.entity_id == str(report.id))).all()
    assert any(action == "create" for action, _, _ in rows)
    assert ("update", "status", "published") in rows


# ------------------------------------------------------------------ the DIP

def test_drafts_never_enter_the_dip(org, people, published_report):
    draft = dip.create(people.op_b, org.b, entry(1, title="Laporan rahasia Badan Beta"))
    dip.attach_file(people.op_b, draft, pdf_bytes(), "b.pdf")
    no_file = dip.create(people.op_a, org.a, entry(2))
    db.session.commit()
    page = dip.entries()
    assert [(r.category, r.ref_id) for r in page.rows] == [(dip.Category.BERKALA, published_report.id)]
    assert page.total == 1 and dip.published_report(draft.id) is None and dip.published_report(no_file.id) is None
    assert dip.entries(text="rahasia").total == 0
    dip.withdraw(people.op_a, published_report)
    db.session.commit()
    assert dip.entries().total == 0 and dip.years() == []


def test_a_published_report_carries_the_seven_fields(org, people, published_report):
    row = dip.entries().rows[0]
    assert (row.number, row.title, row.summary, row.unit, row.responsible, row.made_date, row.made_place, row.form,
            row.retention) == (None, "Laporan Kinerja Triwulan 1 Tahun 2026", "Ringkasan penyakit menular dan imunisasi.",
                               "Dinas Alfa", "Kepala Dinas Alfa, Kepala Alfa", date(2026, 4, 15), "Mataram",
                               "Softcopy (PDF)", "5 tahun")
    assert row.year == 2026 and row.opd_id == org.a.id and row.code is None


def test_published_agreements_enter_by_themselves(org, people, agreements, published_report):
    version, hidden = agreements
    rows = dip.entries().rows
    docs = [r for r in rows if r.category == dip.Category.PK]
    assert [r.ref_id for r in docs] == [version.id] and hidden.id not in {r.ref_id for r in docs}
    doc = docs[0]
    assert doc.title == document_title(version) == "Perjanjian Kinerja Tahun 2026"
    assert doc.number == "800/12/ORG/2026" and doc.code == version.verification_code
    assert doc.made_date == SIGNING and doc.made_place == "Mataram" and doc.unit == "Dinas Alfa"
    assert doc.responsible == "Kepala Dinas Alfa, Kepala Alfa"       # the OPD head, an official
    assert doc.form == "Softcopy (PDF)" and doc.retention == "Selama berlaku + 5 tahun"
    assert doc.summary.startswith("Sasaran, indikator kinerja dan target Kepala Dinas Alfa tahun 2026")
    assert dip.years() == [2026]


def test_filters_search_and_paging(org, people, agreements, published_report):
    other = dip.create(people.op_b, org.b, entry(1, title="Laporan Beta", summary="Kebencanaan dan logistik"))
    dip.attach_file(people.op_b, other, pdf_bytes(), "b.pdf")
    dip.publish(people.op_b, other)
    last_year = dip.create(people.op_b, org.b, entry(4, year=2025, title="Laporan Beta 2025", made_date=date(2026, 1, 10)))
    dip.attach_file(people.op_b, last_year, pdf_bytes(), "c.pdf")
    dip.publish(people.op_b, last_year)
    db.session.commit()

    def ids(**kw):
        return [(r.category.value, r.ref_id) for r in dip.entries(**kw).rows]

    assert dip.entries().total == 4 and dip.years() == [2026, 2025]
    assert ids(opd_id=org.b.id) == [("berkala", other.id), ("berkala", last_year.id)]
    assert ids(year=2025) == [("berkala", last_year.id)]
    assert ids(category=dip.Category.PK) == [("pk", agreements[0].id)]
    assert ids(category=dip.Category.A3) == []
    assert ids(category=dip.Category.BERKALA, opd_id=org.a.id) == [("berkala", published_report.id)]
    assert ids(text="LOGISTIK") == [("berkala", other.id)]                   # summary, any case
    assert ids(text="alfa perjanjian") == [("pk", agreements[0].id)]         # every word: OPD name and title
    assert ids(text="800/12") == [("pk", agreements[0].id)]                  # the number
    assert ids(text="50%") == [] and ids(text="_") == []                     # wildcards are plain characters
    first, second = dip.entries(per_page=3, page=1), dip.entries(per_page=3, page=2)
    assert (first.pages, len(first.rows), len(second.rows), second.first_number) == (2, 3, 1, 4)
    assert dip.entries(per_page=3, page=99).page == 2


def test_the_dip_takes_two_queries_whatever_it_holds(org, people, agreements, published_report):
    for quarter in (2, 3):
        r = dip.create(people.op_a, org.a, entry(quarter))
        dip.attach_file(people.op_a, r, pdf_bytes(), "x.pdf")
        dip.publish(people.op_a, r)
    db.session.commit()
    db.session.expunge_all()
    statements = []

    def count(*_):
        statements.append(1)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = dip.entries()
        _ = [(r.title, r.responsible, r.unit) for r in page.rows]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert page.total == 4 and len(statements) == 2


def test_fingerprint_moves_when_the_dip_changes(org, people, published_report):
    before = dip.fingerprint()[0]
    dip.withdraw(people.op_a, published_report)
    db.session.commit()
    assert dip.fingerprint()[0] != before
