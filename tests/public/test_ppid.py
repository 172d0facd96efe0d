"""PPID information requests and objections: numbers, deadlines in working days, the one
extension, answers, refusals, objections, and who may do what. Every refusal changes nothing."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from ekinerja.audit.models import AuditEntry
from ekinerja.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ekinerja.extensions import db
from ekinerja.public import ppid
from ekinerja.public.models import (Holiday, InformationRequest, Objection, ObjectionStatus, PpidCounter,
                                    RequestStatus)

MONDAY = date(2026, 8, 10)  # a week before 17 Agustus

FORM = dict(name="Baiq Nurul", address="Jl. Pejanggik No. 12, Mataram", contact="baiq@example.id",
            information="Perjanjian Kinerja Dinas Alfa tahun 2026", purpose="Penelitian skripsi",
            form="softcopy", delivery="email")


@pytest.fixture
def day(app, ctx):
    """Fix "today" (restored after the test); 17 Agustus is a holiday."""
    before = app.config.get("TODAY")
    app.config["TODAY"] = MONDAY
    db.session.add(Holiday(date=date(2026, 8, 17), name="Hari Kemerdekaan RI"))
    db.session.flush()

    def set_day(d: date):
        app.config["TODAY"] = d
    yield set_day
    app.config["TODAY"] = before


@pytest.fixture
def officers(ctx, make_user, make_opd):
    from types import SimpleNamespace

    opd = make_opd(name="Dinas Alfa")
    return SimpleNamespace(opd=opd, gov=make_user("governor_office"), admin=make_user("admin"),
                           operator=make_user(("opd_operator", opd)), auditor=make_user("auditor"),
                           governor=make_user("governor"))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def snapshot(req: InformationRequest) -> tuple:
    db.session.refresh(req)
    return (req.status, req.due_date, req.extended_until, req.extension_reason, req.answer,
            req.refusal_reason, req.answered_at, req.answered_by_id)


# ------------------------------------------------------------------ submitting

def test_a_request_gets_a_number_and_ten_working_days(day, officers):
    first = ppid.submit_request(**FORM, opd_id=officers.opd.id)
    second = ppid.submit_request(**{**FORM, "contact": "0812 3456 7890", "delivery": "ambil"})
    assert (first.number, second.number) == ("PPID/2026/0001", "PPID/2026/0002")
    # 11–14 Aug (4), 17 Aug off, 18–21 (8), 24 (9), 25 (10)
    assert first.due_date == date(2026, 8, 25) and first.deadline == date(2026, 8, 25)
    assert first.status == RequestStatus.RECEIVED and first.is_open
    assert first.opd_id == officers.opd.id and second.opd_id is None
    assert first.submitted_at.tzinfo is not None and first.extended_until is None

    day(date(2027, 1, 4))  # the count starts again each year
    assert ppid.submit_request(**FORM).number == "PPID/2027/0001"
    assert db.session.get(PpidCounter, 2026).last == 2


def test_every_missing_field_is_named_in_indonesian_and_nothing_is_saved(day):
    with pytest.raises(ValidationFailed) as err:
        ppid.submit_request(name=" ", form="", delivery="merpati")
    messages = {d["field"]: d["message"] for d in err.value.details}
    assert messages == {
        "name": "Nama wajib diisi.",
        "address": "Alamat wajib diisi.",
        "contact": "Nomor telepon atau e-mail wajib diisi.",
        "information": "Rincian informasi yang dibutuhkan wajib diisi.",
        "purpose": "Tujuan penggunaan informasi wajib diisi.",
        "form": "Pilih bentuk informasi: softcopy, hardcopy atau melihat.",
        "delivery": "Pilih cara mendapatkan informasi: ambil langsung, pos atau e-mail.",
    }
    assert err.value.message == "Periksa kembali isian permohonan informasi."
    assert count(InformationRequest) == 0 and count(PpidCounter) == 0  # no number used up


@pytest.mark.parametrize("change, field, message", [
    ({"contact": "bukan kontak"}, "contact", "Isi nomor telepon (8–15 angka) atau alamat e-mail yang valid."),
    ({"contact": "0812"}, "contact", "Isi nomor telepon (8–15 angka) atau alamat e-mail yang valid."),
    ({"contact": "081234567890", "delivery": "email"}, "contact",
     "Untuk pengiriman lewat e-mail, isi alamat e-mail sebagai kontak."),
    ({"name": "N" * 121}, "name", "Nama paling panjang 120 karakter."),
    ({"information": "x" * 4001}, "information", "Rincian informasi yang dibutuhkan paling panjang 4000 karakter."),
    ({"opd_id": 999999}, "opd_id", "OPD yang dituju tidak ditemukan."),
    ({"opd_id": "abc"}, "opd_id", "OPD yang dituju tidak ditemukan."),
])
def test_each_bad_field_is_refused(day, change, field, message):
    with pytest.raises(ValidationFailed) as err:
        ppid.submit_request(**{**FORM, **change})
    assert err.value.details == [{"field": field, "message": message}]
    assert count(InformationRequest) == 0


def test_phone_contact_with_post_delivery_is_fine(day):
    req = ppid.submit_request(**{**FORM, "contact": "+62 370 123456", "delivery": "pos", "form": "hardcopy"})
    assert req.contact == "+62 370 123456"


def test_tracking_by_number(day):
    req = ppid.submit_request(**FORM)
    assert ppid.track(" ppid/2026/0001 ") is req
    with pytest.raises(NotFound, match="tidak ditemukan"):
        ppid.track("PPID/2026/0099")
    with pytest.raises(NotFound):
        ppid.track("")


def test_personal_data_is_masked_in_the_audit_trail(day):
    req = ppid.submit_request(**FORM)
    rows = dict(db.session.execute(select(AuditEntry.field, AuditEntry.new_value).where(
        AuditEntry.entity == "information_request", AuditEntry.entity_id == str(req.id))).all())
    assert rows["name"] == rows["address"] == rows["contact"] == "***"
    assert rows["number"] == "PPID/2026/0001"


def _file_together(app, n: int) -> tuple[list[str], list[Exception]]:
    """n requests filed at the same moment, each in its own session, connection and transaction."""
    numbers, failures = [], []
    barrier = threading.Barrier(n)

    def file():
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                numbers.append(ppid.submit_request(**FORM).number)
                db.session.commit()
            except Exception as exc:
                db.session.rollback()
                failures.append(exc)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=file) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return numbers, failures


def test_concurrent_requests_get_distinct_numbers(app, day):
    """Once the year has its counter, simultaneous requests queue on it: all succeed, no number
    is given twice and none is skipped."""
    ppid.submit_request(**FORM)
    db.session.commit()  # the holiday and the year's first request, visible to the other sessions
    numbers, failures = _file_together(app, 6)
    assert failures == []
    assert sorted(numbers) == [f"PPID/2026/{i:04d}" for i in range(2, 8)]
    db.session.expire_all()
    assert count(InformationRequest) == 7 and db.session.get(PpidCounter, 2026).last == 7


def test_concurrent_first_requests_of_a_year_never_share_a_number(app, day):
    """The year's counter row does not exist yet: requests that lose the race to create it are
    refused with Conflict (nothing saved); the others get distinct numbers without gaps."""
    db.session.commit()
    numbers, failures = _file_together(app, 6)
    assert all(isinstance(f, Conflict) for f in failures), failures
    assert sorted(numbers) == [f"PPID/2026/{i:04d}" for i in range(1, len(numbers) + 1)]
    assert numbers, "at least the request that created the counter succeeds"
    db.session.expire_all()
    assert count(InformationRequest) == len(numbers)


# ------------------------------------------------------------------ extending, answering, refusing

def test_extension_adds_seven_working_days_once(day, officers):
    req = ppid.submit_request(**FORM)
    ppid.extend(officers.gov, req, "Informasi sedang dihimpun dari beberapa bidang.")
    assert req.status == RequestStatus.EXTENDED
    assert req.extended_until == date(2026, 9, 3) and req.deadline == date(2026, 9, 3)
    assert req.due_date == date(2026, 8, 25)  # the first deadline stays on record

    before = snapshot(req)
    with pytest.raises(InvalidTransition, match="perpanjangan hanya sekali"):
        ppid.extend(officers.gov, req, "Lagi")
    assert snapshot(req) == before

    ppid.answer(officers.gov, req, "Terlampir.")  # an extended request is still answered
    assert req.status == RequestStatus.ANSWERED


def test_extension_needs_a_reason_and_time_left(day, officers):
    req = ppid.submit_request(**FORM)
    before = snapshot(req)
    with pytest.raises(ValidationFailed) as err:
        ppid.extend(officers.gov, req, "  ")
    assert err.value.details == [{"field": "reason", "message": "Alasan perpanjangan wajib diisi."}]
    assert snapshot(req) == before

    day(date(2026, 8, 26))  # the day after the deadline: too late
    with pytest.raises(InvalidTransition, match="sebelum batas waktu"):
        ppid.extend(officers.gov, req, "Terlambat")
    assert snapshot(req) == before

    day(date(2026, 8, 25))  # the deadline day itself still allows it
    ppid.extend(officers.gov, req, "Perlu waktu")
    assert req.extended_until == date(2026, 9, 3)


def test_answer(day, officers):
    req = ppid.submit_request(**FORM)
    with pytest.raises(ValidationFailed) as err:
        ppid.answer(officers.admin, req, "")
    assert err.value.details == [{"field": "answer", "message": "Jawaban wajib diisi."}]
    assert req.status == RequestStatus.RECEIVED

    ppid.answer(officers.admin, req, "  Dokumen PK terlampir.  ")
    assert (req.status, req.answer, req.answered_by_id) == (RequestStatus.ANSWERED, "Dokumen PK terlampir.",
                                                            officers.admin.id)
    assert req.answered_at is not None and not req.is_open

    before = snapshot(req)
    for act in (lambda: ppid.answer(officers.admin, req, "Lagi"),
                lambda: ppid.refuse(officers.admin, req, "Dikecualikan"),
                lambda: ppid.extend(officers.admin, req, "Perlu waktu")):
        with pytest.raises(InvalidTransition, match="sudah dijawab"):
            act()
    assert snapshot(req) == before


def test_refusal_needs_a_reason(day, officers):
    req = ppid.submit_request(**FORM)
    with pytest.raises(ValidationFailed) as err:
        ppid.refuse(officers.gov, req, None)
    assert err.value.details == [{"field": "reason", "message": "Alasan penolakan wajib diisi."}]
    assert req.status == RequestStatus.RECEIVED

    ppid.refuse(officers.gov, req, "Informasi dikecualikan (UU 14/2008 Pasal 17 huruf h).")
    assert req.status == RequestStatus.REFUSED and req.refusal_reason.startswith("Informasi dikecualikan")
    before = snapshot(req)
    with pytest.raises(InvalidTransition, match="sudah ditolak"):
        ppid.answer(officers.gov, req, "Ternyata boleh")
    assert snapshot(req) == before


@pytest.mark.parametrize("who", ["operator", "auditor", "governor"])
def test_only_ppid_officers_handle_requests(day, officers, who):
    actor = getattr(officers, who)
    req = ppid.submit_request(**FORM)
    before = snapshot(req)
    for act in (lambda: ppid.extend(actor, req, "Alasan"), lambda: ppid.answer(actor, req, "Jawaban"),
                lambda: ppid.refuse(actor, req, "Alasan"), lambda: ppid.open_requests(actor)):
        with pytest.raises(PermissionDenied, match="petugas PPID"):
            act()
    assert snapshot(req) == before


def test_open_requests_nearest_deadline_first(day, officers):
    a = ppid.submit_request(**FORM)
    day(date(2026, 8, 11))
    b = ppid.submit_request(**FORM)
    c = ppid.submit_request(**FORM)
    ppid.extend(officers.gov, a, "Perlu waktu")  # a now runs to 3 September
    ppid.answer(officers.gov, c, "Selesai")
    assert ppid.open_requests(officers.admin) == [b, a]


def test_the_database_refuses_a_refusal_without_reason(day):
    req = ppid.submit_request(**FORM)
    db.session.commit()
    req.status = RequestStatus.REFUSED
    with pytest.raises(DBAPIError):  # IntegrityError on SQLite, error 4025 on MariaDB
        db.session.flush()
    db.session.rollback()


# ------------------------------------------------------------------ objections

def test_objection_after_refusal_has_thirty_working_days(day, officers):
    req = ppid.submit_request(**FORM)
    day(date(2026, 8, 12))
    ppid.refuse(officers.gov, req, "Dikecualikan")
    day(date(2026, 8, 14))  # Friday; 17 Aug off
    objection = ppid.submit_objection("PPID/2026/0001", " BAIQ@example.id ", "Informasi ini bukan rahasia.")
    assert objection.status == ObjectionStatus.RECEIVED and req.objection is objection
    # 18 Aug … : 30 working days with 17 Agustus skipped
    assert objection.due_date == date(2026, 9, 28)

    with pytest.raises(InvalidTransition, match="sudah diajukan"):
        ppid.submit_objection("PPID/2026/0001", "baiq@example.id", "Sekali lagi")
    assert count(Objection) == 1


def test_objection_waits_for_an_answer_or_the_deadline(day, officers):
    req = ppid.submit_request(**FORM)
    with pytest.raises(InvalidTransition, match="setelah permohonan dijawab"):
        ppid.submit_objection(req.number, FORM["contact"], "Belum dijawab")
    day(date(2026, 8, 25))  # the deadline day: still in time
    with pytest.raises(InvalidTransition):
        ppid.submit_objection(req.number, FORM["contact"], "Belum dijawab")
    assert count(Objection) == 0

    day(date(2026, 8, 26))  # unanswered past the deadline
    objection = ppid.submit_objection(req.number, FORM["contact"], "Tidak dijawab dalam 10 hari kerja.")
    assert objection.id is not None


def test_objection_needs_the_requesters_contact_and_a_reason(day, officers):
    req = ppid.submit_request(**FORM)
    ppid.answer(officers.gov, req, "Terlampir")
    with pytest.raises(NotFound, match="tidak ditemukan"):
        ppid.submit_objection(req.number, "orang.lain@example.id", "Saya keberatan")
    with pytest.raises(NotFound):
        ppid.submit_objection("PPID/2026/0404", FORM["contact"], "Saya keberatan")
    with pytest.raises(ValidationFailed) as err:
        ppid.submit_objection(req.number, FORM["contact"], "")
    assert err.value.details == [{"field": "reason", "message": "Alasan keberatan wajib diisi."}]
    assert count(Objection) == 0


def test_answering_an_objection(day, officers):
    req = ppid.submit_request(**FORM)
    ppid.refuse(officers.gov, req, "Dikecualikan")
    objection = ppid.submit_objection(req.number, FORM["contact"], "Bukan rahasia")

    for actor in (officers.operator, officers.auditor):
        with pytest.raises(PermissionDenied, match="petugas PPID"):
            ppid.answer_objection(actor, objection, "Ditolak")
    with pytest.raises(ValidationFailed) as err:
        ppid.answer_objection(officers.gov, objection, " ")
    assert err.value.details == [{"field": "answer", "message": "Tanggapan atas keberatan wajib diisi."}]
    db.session.refresh(objection)
    assert objection.status == ObjectionStatus.RECEIVED and objection.answer is None

    ppid.answer_objection(officers.gov, objection, "Keberatan diterima; dokumen dikirim.")
    assert objection.status == ObjectionStatus.ANSWERED and objection.answered_by_id == officers.gov.id
    with pytest.raises(InvalidTransition, match="sudah dijawab"):
        ppid.answer_objection(officers.admin, objection, "Lagi")
    db.session.refresh(objection)
    assert objection.answer == "Keberatan diterima; dokumen dikirim."
