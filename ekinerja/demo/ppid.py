"""PPID in the demo: Indonesia's 2026 national holidays and joint leave days (SKB 3 Menteri), and
information requests in every state, filed through the same services as the public form.

On the demo's day (29 November 2026) the PPID officers (biro.organisasi, admin) find two requests
waiting (one of them past its deadline of 16 November), one extended, one answered, one refused, and an
objection to answer. The requesters are fictional. Requests are keyed by their contact, holidays
by date: a second load adds nothing.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone

from flask import current_app
from sqlalchemy import select

from ekinerja.auth.models import User
from ekinerja.demo.loader import BAPPEDA, DINKES, KOMINFO
from ekinerja.extensions import db
from ekinerja.org.models import Opd
from ekinerja.public import ppid
from ekinerja.public.models import Holiday, InformationRequest

# SKB Menteri Agama, Menteri Ketenagakerjaan dan Menteri PANRB on the holidays and joint leave of 2026.
HOLIDAYS_2026 = [
    (date(2026, 1, 1), "Tahun Baru 2026 Masehi"),
    (date(2026, 1, 16), "Isra Mikraj Nabi Muhammad SAW"),
    (date(2026, 2, 16), "Cuti bersama Tahun Baru Imlek"),
    (date(2026, 2, 17), "Tahun Baru Imlek 2577 Kongzili"),
    (date(2026, 3, 18), "Cuti bersama Hari Suci Nyepi"),
    (date(2026, 3, 19), "Hari Suci Nyepi Tahun Baru Saka 1948"),
    (date(2026, 3, 20), "Cuti bersama Idul Fitri 1447 H"),
    (date(2026, 3, 21), "Hari Raya Idul Fitri 1447 H"),
    (date(2026, 3, 22), "Hari Raya Idul Fitri 1447 H"),
    (date(2026, 3, 23), "Cuti bersama Idul Fitri 1447 H"),
    (date(2026, 3, 24), "Cuti bersama Idul Fitri 1447 H"),
    (date(2026, 4, 3), "Wafat Yesus Kristus"),
    (date(2026, 4, 5), "Kebangkitan Yesus Kristus (Paskah)"),
    (date(2026, 5, 1), "Hari Buruh Internasional"),
    (date(2026, 5, 14), "Kenaikan Yesus Kristus"),
    (date(2026, 5, 15), "Cuti bersama Kenaikan Yesus Kristus"),
    (date(2026, 5, 27), "Hari Raya Idul Adha 1447 H"),
    (date(2026, 5, 28), "Cuti bersama Idul Adha 1447 H"),
    (date(2026, 5, 31), "Hari Raya Waisak 2570 BE"),
    (date(2026, 6, 1), "Hari Lahir Pancasila"),
    (date(2026, 6, 16), "Tahun Baru Islam 1448 H"),
    (date(2026, 8, 17), "Hari Kemerdekaan Republik Indonesia"),
    (date(2026, 8, 25), "Maulid Nabi Muhammad SAW"),
    (date(2026, 12, 24), "Cuti bersama Hari Raya Natal"),
    (date(2026, 12, 25), "Hari Raya Natal"),
]



@dataclass(frozen=True)
class DemoRequest:
    contact: str                    # the key: one demo request per contact
    name: str
    address: str
    information: str
    purpose: str
    form: str
    delivery: str
    opd: str | None                 # OPD code
    filed: date
    extended: tuple[date, str] | None = None
    answered: tuple[date, str] | None = None
    refused: tuple[date, str] | None = None
    objection: tuple[date, str] | None = None


REQUESTS = [
    DemoRequest(
        "lalu.hamzah@example.id", "Lalu Hamzah", "Jl. Majapahit No. 21, Mataram",
        "Laporan Kinerja (LKjIP) Dinas Kesehatan Provinsi NTB tahun 2025 beserta lampiran capaian indikator.",
        "Bahan penulisan tesis tentang akuntabilitas kinerja sektor kesehatan.", "softcopy", "email", DINKES,
        date(2026, 10, 12), answered=(date(2026, 10, 20), (
            "Laporan Kinerja Dinas Kesehatan tahun 2025 telah dikirim ke alamat e-mail Saudara dalam format PDF. "
            "Dokumen yang sama tersedia di Daftar Informasi Publik."))),
    DemoRequest(
        "0818 0362 4471", "Ni Made Sukerti", "Jl. Gora II No. 8, Cakranegara",
        "Data nama dan alamat pasien penerima layanan Jaminan Kesehatan Daerah di RSUD Provinsi tahun 2026.",
        "Pendataan calon anggota koperasi.", "hardcopy", "ambil", DINKES,
        date(2026, 10, 19), refused=(date(2026, 10, 28), (
            "Pasal 17 huruf h: mengungkap rahasia pribadi. Data identitas dan riwayat layanan pasien adalah rahasia "
            "pribadi yang dilindungi (UU 17/2023 tentang Kesehatan); rekapitulasi jumlah penerima per kabupaten/kota "
            "dapat diminta dengan permohonan baru.")),
        objection=(date(2026, 11, 3), (
            "Permohonan informasi ditolak. Kami hanya memerlukan nama dan desa, bukan riwayat penyakit."))),
    DemoRequest(
        "komunitas.transparansi@example.id", "Komunitas Transparansi Anggaran Lombok",
        "Jl. Pariwisata No. 5, Ampenan, Mataram",
        "Rencana Kerja Bappeda Provinsi NTB tahun 2027 dan rekap usulan Musrenbang per kabupaten/kota.",
        "Kajian partisipasi masyarakat dalam perencanaan daerah.", "softcopy", "email", BAPPEDA,
        date(2026, 11, 2)),
    DemoRequest(
        "0877 6543 2100", "Muhammad Fauzi", "Dusun Montong Are, Kediri, Lombok Barat",
        "Perjanjian Kinerja Kepala Dinas Komunikasi, Informatika dan Statistik tahun 2026 dan perubahannya.",
        "Tugas mata kuliah administrasi publik.", "lihat", "ambil", KOMINFO,
        date(2026, 11, 9), extended=(date(2026, 11, 20), (
            "Dokumen perubahan Perjanjian Kinerja sedang ditandatangani; salinan yang sah dapat diberikan setelah "
            "penandatanganan."))),
    DemoRequest(
        "rina.wulandari@example.id", "Rina Wulandari", "Jl. Udayana No. 40, Mataram",
        "Rekapitulasi capaian Indikator Kinerja Utama Pemerintah Provinsi NTB triwulan III 2026.",
        "Bahan pemberitaan media daring.", "softcopy", "email", None,
        date(2026, 11, 23)),
]


@contextmanager
def _on(day: date):
    """Let the services count from `day`, as if the request had been filed or handled then."""
    before = current_app.config.get("TODAY")
    current_app.config["TODAY"] = day
    try:
        yield
    finally:
        current_app.config["TODAY"] = before


def _utc(day: date, hour: int = 2) -> datetime:
    """10.00 WITA on that day by default."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


def _holidays() -> int:
    known = set(db.session.scalars(select(Holiday.date).where(Holiday.date.in_([d for d, _ in HOLIDAYS_2026]))))
    missing = [Holiday(date=d, name=name) for d, name in HOLIDAYS_2026 if d not in known]
    db.session.add_all(missing)
    db.session.flush()
    return len(missing)


def _file(spec: DemoRequest, opd_ids: dict, officer: User | None) -> None:
    with _on(spec.filed):
        request = ppid.submit_request(
            name=spec.name, address=spec.address, contact=spec.contact, information=spec.information,
            purpose=spec.purpose, form=spec.form, delivery=spec.delivery, opd_id=opd_ids.get(spec.opd))
    request.submitted_at = _utc(spec.filed)
    if spec.extended:
        with _on(spec.extended[0]):
            ppid.extend(officer, request, spec.extended[1])
    for handled, act in ((spec.answered, ppid.answer), (spec.refused, ppid.refuse)):
        if handled:
            with _on(handled[0]):
                act(officer, request, handled[1])
            request.answered_at = _utc(handled[0], 7)
    if spec.objection:
        with _on(spec.objection[0]):
            objection = ppid.submit_objection(request.number, spec.contact, spec.objection[1])
        objection.submitted_at = _utc(spec.objection[0])
    db.session.flush()


def load() -> dict:
    """Top up this part of the demo (idempotent: a second load changes nothing); return counts."""
    created = {"holidays": _holidays(), "requests": 0}
    officer = db.session.scalar(select(User).where(User.username == "biro.organisasi"))
    if officer is None:  # the PPID part needs the demo's governor's office
        return created
    filed = set(db.session.scalars(select(InformationRequest.contact).where(
        InformationRequest.contact.in_([r.contact for r in REQUESTS]))))
    opd_ids = dict(db.session.execute(select(Opd.code, Opd.id).where(Opd.code.in_([DINKES, BAPPEDA, KOMINFO]))).all())
    for spec in REQUESTS:
        if spec.contact not in filed:
            _file(spec, opd_ids, officer)
            created["requests"] += 1
    return created
