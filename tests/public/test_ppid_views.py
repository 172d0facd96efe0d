"""The PPID pages (ekinerja/public/ppid_views.py): the public request form, its receipt, tracking
and objections (no login, never a word of the requester's personal data, never cached, CSRF and
size limits), the officers' pages (ppid.manage: the administrator and the governor's office) and the
holiday list (periods.manage: the administrator).

ROUTES_COVERED lists the officers' and the holidays' routes with who may reach them, in the shape
of tests/test_access.py; PUBLIC_RULES the public ones, each proven here to show nothing personal.
"Today" is Monday 10 August 2026; 17 August is a holiday.
"""
from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from ekinerja.extensions import db
from ekinerja.public import ppid
from ekinerja.public.models import Holiday, InformationRequest, Objection, RequestStatus
from ekinerja.web import format_date_id
from tests.kit import assert_routes_listed, is_login_redirect, snapshot, text_of
from tests.public.test_ppid import day  # noqa: F401  (the fixed day with its holiday)


ADMIN, GOV_OFFICE, GOVERNOR, AUDITOR, OP_A, STAFF1 = "admin", "gov_office", "governor", "auditor", "op_a", "staff1"
IDENTITIES = [ADMIN, GOV_OFFICE, GOVERNOR, AUDITOR, OP_A, STAFF1]
OFFICERS = frozenset({ADMIN, GOV_OFFICE})
ADMINS = frozenset({ADMIN})

ROUTES_COVERED: dict[str, list[tuple[str, str, frozenset[str]]]] = {
    "ppid.officer_index": [("GET", "/ppid/petugas", OFFICERS), ("GET", "/ppid/petugas?tahun=2026", OFFICERS)],
    "ppid.officer_request": [("GET", "/ppid/petugas/permohonan/{request}", OFFICERS)],
    "ppid.officer_answer": [("POST", "/ppid/petugas/permohonan/{request}/jawab", OFFICERS)],
    "ppid.officer_extend": [("POST", "/ppid/petugas/permohonan/{request}/perpanjang", OFFICERS)],
    "ppid.officer_refuse": [("POST", "/ppid/petugas/permohonan/{request}/tolak", OFFICERS)],
    "ppid.officer_objection": [("GET", "/ppid/petugas/keberatan/{objection}", OFFICERS)],
    "ppid.officer_objection_answer": [("POST", "/ppid/petugas/keberatan/{objection}/jawab", OFFICERS)],
    "ppid.officer_holidays": [("GET", "/ppid/petugas/libur?tahun=2026", ADMINS)],
    "ppid.officer_holiday_add": [("POST", "/ppid/petugas/libur", ADMINS)],
    "ppid.officer_holiday_remove": [("POST", "/ppid/petugas/libur/{holiday}/hapus", ADMINS)],
}
ALL_ROUTES = [(endpoint, *route) for endpoint, routes in ROUTES_COVERED.items() for route in routes]

POST_DATA = {
    "/ppid/petugas/permohonan/{request}/jawab": {"answer": "Dokumen terlampir dalam e-mail."},
    "/ppid/petugas/permohonan/{request}/perpanjang": {"reason": "Dokumen masih ditandatangani."},
    "/ppid/petugas/permohonan/{request}/tolak": {"grounds": "17h", "reason": "Memuat data pribadi pegawai."},
    "/ppid/petugas/keberatan/{objection}/jawab": {"answer": "Penolakan dikuatkan; rekap tanpa nama dikirim."},
    "/ppid/petugas/libur": {"date": "2026-12-24", "name": "Cuti bersama Hari Raya Natal"},
    "/ppid/petugas/libur/{holiday}/hapus": {},
}

# Public by design (tests/test_access.py collects these); each is proven below to show no personal data.
PUBLIC_RULES = {"/ppid/permohonan", "/ppid/permohonan/terkirim", "/ppid/lacak", "/ppid/keberatan",
                "/ppid/keberatan/terkirim"}

# A requester whose every personal detail is distinctive: none may appear on a public page.
PERSONAL = dict(name="Baiq Rahmawati Zainuddin", address="Jl. Langko No. 77, Mataram",
                contact="baiq.rahma@example.id")
FORM = dict(**PERSONAL, information="Perjanjian Kinerja Dinas Alfa tahun 2026 berikut lampirannya",
            purpose="Penelitian skripsi tentang akuntabilitas", form="softcopy", delivery="email")
PRIVATE_TEXTS = [*PERSONAL.values(), FORM["information"], FORM["purpose"]]


# ------------------------------------------------------------------ fixtures

@pytest.fixture
def world(day, org, make_user):
    """The identities; an open request (opd A); a refused one with an objection; a holiday."""
    users = {ADMIN: make_user("admin", username="admin"),
             GOV_OFFICE: make_user("governor_office", username="biro"),
             GOVERNOR: make_user("governor", username="gubernur"),
             AUDITOR: make_user("auditor", username="inspektorat"),
             OP_A: make_user(("opd_operator", org.a), username="operator.a")}
    logins = {name: u.username for name, u in users.items()} | {STAFF1: org.staff1.nip}
    open_request = ppid.submit_request(**FORM, opd_id=org.a.id)
    refused = ppid.submit_request(**{**FORM, "contact": "0812 3456 7890", "delivery": "ambil"})
    ppid.refuse(users[GOV_OFFICE], refused, "Pasal 17 huruf h: mengungkap rahasia pribadi.")
    objection = ppid.submit_objection(refused.number, "0812 3456 7890", "Permohonan informasi ditolak.")
    holiday = db.session.scalar(select(Holiday))
    ids = {"request": open_request.id, "objection": objection.id, "holiday": holiday.id}
    numbers = SimpleNamespace(open=open_request.number, refused=refused.number)
    db.session.commit()
    return SimpleNamespace(logins=logins, ids=ids, numbers=numbers, opd=org.a, users=users)


def path_of(path: str, w) -> str:
    return path.format(**w.ids)


def post(client, path: str, w, **extra):
    return client.post(path_of(path, w), data={**POST_DATA[path], **extra})


def fresh(model, *where):
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model).where(*where)).scalar()


def requests_count() -> int:
    return fresh(InformationRequest)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


# ------------------------------------------------------------------ the route table

def test_every_officer_route_is_listed(app):
    assert_routes_listed(app, "ppid.officer_", ALL_ROUTES, POST_DATA)


def test_the_public_routes_are_the_public_rules(app):
    from ekinerja.public.ppid_views import PUBLIC_ENDPOINTS

    rules = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint in PUBLIC_ENDPOINTS}
    assert rules == PUBLIC_RULES
    from tests.test_access import all_public_rules
    assert PUBLIC_RULES <= all_public_rules()


def test_anonymous_is_sent_to_log_in_and_changes_nothing(client, world):
    before = snapshot()
    for _, method, path, _ in ALL_ROUTES:
        r = client.get(path_of(path, world)) if method == "GET" else post(client, path, world)
        assert is_login_redirect(r), (method, path, r.status_code)
    assert snapshot() == before


@pytest.mark.parametrize("who", IDENTITIES)
@pytest.mark.parametrize("endpoint, method, path, allowed", ALL_ROUTES,
                         ids=lambda v: v if isinstance(v, str) and v.startswith("ppid.") else "")
def test_route_matrix(client, auth, world, endpoint, method, path, allowed, who):
    assert auth.login(world.logins[who]).status_code == 302
    before = snapshot()
    r = client.get(path_of(path, world)) if method == "GET" else post(client, path, world)
    if who in allowed:
        assert r.status_code == (200 if method == "GET" else 302), f"{who} {method} {path}: {r.status_code}"
        if method == "POST":
            assert snapshot() != before, f"{method} {path} as {who} changed nothing: fix its POST_DATA"
    else:
        assert r.status_code == 403, f"{who} should be refused {method} {path}: {r.status_code}"
        assert snapshot() == before


def test_the_menu_shows_ppid_to_officers_only(client, auth, world):
    for who, shown in ((GOV_OFFICE, True), (ADMIN, True), (OP_A, False), (AUDITOR, False)):
        auth.login(world.logins[who])
        html = client.get("/").get_data(as_text=True)
        assert ('data-menu="ppid"' in html) is shown, who
        auth.logout()


# ------------------------------------------------------------------ the public form

def test_a_visitor_files_a_request_and_gets_a_receipt_without_personal_data(client, day, org):
    r = client.get("/ppid/permohonan")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert "Dinas Alfa" in r.get_data(as_text=True)  # the OPD select
    r = client.post("/ppid/permohonan", data={**FORM, "opd_id": org.a.id})
    assert r.status_code == 303 and r.headers["Location"].endswith("/ppid/permohonan/terkirim")
    receipt = client.get("/ppid/permohonan/terkirim")
    text, html = text_of(receipt), receipt.get_data(as_text=True)
    assert receipt.headers["Cache-Control"] == "no-store"
    # 11–14 Aug, (17 off), 18–21, 24, 25: the tenth working day
    assert "Nomor registrasi PPID/2026/0001" in text and "Batas waktu jawaban 25 Agustus 2026" in text
    assert "Ditujukan kepada Dinas Alfa" in text
    assert not [p for p in PRIVATE_TEXTS if p in html]
    assert db.session.scalar(select(InformationRequest.name)) == PERSONAL["name"]


def test_a_receipt_belongs_to_the_browser_that_filed(client, app, day):
    client.post("/ppid/permohonan", data=FORM)
    other = app.test_client()
    r = other.get("/ppid/permohonan/terkirim")
    assert r.status_code == 302 and r.headers["Location"].endswith("/ppid/permohonan")


def test_every_bad_field_is_named_in_indonesian_and_the_input_is_kept(client, day):
    r = client.post("/ppid/permohonan", data={"name": "Lalu Ahmad", "contact": "bukan kontak", "delivery": "merpati",
                                               "opd_id": "999999"})
    assert r.status_code == 422
    text, html = text_of(r), r.get_data(as_text=True)
    for message in ("Alamat wajib diisi.", "Rincian informasi yang dibutuhkan wajib diisi.",
                    "Tujuan penggunaan informasi wajib diisi.", "Pilih bentuk informasi",
                    "Pilih cara mendapatkan informasi", "Isi nomor telepon (8–15 angka) atau alamat e-mail yang valid.",
                    "OPD yang dituju tidak ditemukan.", "Permohonan belum terkirim"):
        assert message in text, message
    assert 'value="Lalu Ahmad"' in html and 'value="bukan kontak"' in html
    assert r.headers["Cache-Control"] == "no-store"
    assert requests_count() == 0


def test_over_long_input_is_refused(client, day):
    r = client.post("/ppid/permohonan", data={**FORM, "information": "x" * 4001, "name": "n" * 121})
    assert r.status_code == 422
    assert "Rincian informasi paling panjang 4000 karakter." in text_of(r)
    assert "Nama paling panjang 120 karakter." in text_of(r)
    r = client.post("/ppid/permohonan", data={**FORM, "purpose": "y" * 40_000})  # over the body limit
    assert r.status_code == 413 and "Isian terlalu panjang" in text_of(r)
    r = client.post("/ppid/keberatan", data={"number": "PPID/2026/0001", "contact": "x", "reason": "z" * 40_000})
    assert r.status_code == 413
    assert requests_count() == 0 and fresh(Objection) == 0


def test_the_public_forms_need_their_csrf_token(client, app, day):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        r = client.post("/ppid/permohonan", data=FORM)
        assert r.status_code == 400 and "Formulir kedaluwarsa" in text_of(r)
        assert requests_count() == 0
        token = csrf_token(client.get("/ppid/permohonan").get_data(as_text=True))
        assert client.post("/ppid/permohonan", data={**FORM, "csrf_token": token}).status_code == 303
        assert requests_count() == 1
        r = client.post("/ppid/keberatan", data={"number": "PPID/2026/0001", "contact": FORM["contact"],
                                                  "grounds": "c"})
        assert r.status_code == 400 and fresh(Objection) == 0
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# ------------------------------------------------------------------ tracking

def _tracked(client, number: str):
    r = client.get("/ppid/lacak", query_string={"nomor": number})
    assert r.headers["Cache-Control"] == "no-store" and r.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert not [p for p in PRIVATE_TEXTS if p in r.get_data(as_text=True)], number
    return r


def test_tracking_shows_each_state_and_never_personal_data(client, world, day):
    r = _tracked(client, world.numbers.open)
    text = text_of(r)
    assert r.status_code == 200
    filed = db.session.get(InformationRequest, world.ids["request"]).submitted_at
    assert "Status Diterima" in text and f"Tanggal permohonan {format_date_id(filed)}" in text
    assert "Batas waktu jawaban 25 Agustus 2026" in text and "Ditujukan kepada Dinas Alfa" in text
    assert _tracked(client, world.numbers.open.lower()).status_code == 200  # typed in lower case

    req = db.session.get(InformationRequest, world.ids["request"])
    ppid.extend(world.users[GOV_OFFICE], req, "Dokumen masih ditandatangani pimpinan.")
    db.session.commit()
    text = text_of(_tracked(client, world.numbers.open))
    assert "Status Diperpanjang" in text and "Diperpanjang sampai 3 September 2026" in text
    assert "Alasan perpanjangan Dokumen masih ditandatangani pimpinan." in text

    ppid.answer(world.users[GOV_OFFICE], req, "Salinan dikirim ke e-mail pemohon.")
    db.session.commit()
    text = text_of(_tracked(client, world.numbers.open))
    assert "Status Dijawab" in text and "Jawaban Salinan dikirim ke e-mail pemohon." in text

    text = text_of(_tracked(client, world.numbers.refused))
    assert "Status Ditolak" in text and "Alasan penolakan Pasal 17 huruf h" in text
    assert "Keberatan Status Diterima" in text and "Batas waktu tanggapan 22 September 2026" in text
    assert "Permohonan informasi ditolak." not in text  # the objection's own words are the requester's


def test_every_unknown_number_gets_the_same_answer(client, world):
    answers = set()
    for typed in ("PPID/2026/9999", "bukan nomor", "PPID/2025/0001", "x" * 300, "' OR 1=1 --"):
        r = client.get("/ppid/lacak", query_string={"nomor": typed})
        assert r.status_code == 404
        answers.add(text_of(r))
    assert len(answers) == 1 and "Nomor registrasi tersebut tidak ditemukan." in answers.pop()
    r = client.get("/ppid/lacak")
    assert r.status_code == 200 and "tidak ditemukan" not in text_of(r)


# ------------------------------------------------------------------ objections

def test_an_objection_needs_the_requesters_contact_and_its_time(client, world, day):
    before = snapshot()
    r = client.post("/ppid/keberatan", data={"number": world.numbers.open, "contact": "orang.lain@example.id",
                                              "grounds": "c", "reason": "Tidak ditanggapi."})
    assert r.status_code == 422 and "tidak cocok" in text_of(r)
    assert 'value="orang.lain@example.id"' in r.get_data(as_text=True)   # what was typed stays
    unknown = client.post("/ppid/keberatan", data={"number": "PPID/2026/9999", "contact": "orang.lain@example.id",
                                                    "grounds": "c", "reason": "Tidak ditanggapi."})
    assert unknown.status_code == 422 and text_of(unknown) == text_of(r)   # a wrong contact tells nothing more
    r = client.post("/ppid/keberatan", data={"number": world.numbers.open, "contact": PERSONAL["contact"],
                                              "grounds": "c"})
    assert r.status_code == 422 and "setelah batas waktunya lewat" in text_of(r)
    r = client.post("/ppid/keberatan", data={"number": "", "contact": "", "grounds": ""})
    assert r.status_code == 422
    for message in ("Nomor registrasi wajib diisi.", "Nomor telepon atau e-mail wajib diisi.",
                    "Pilih alasan keberatan."):
        assert message in text_of(r)
    r = client.post("/ppid/keberatan", data={"number": world.numbers.refused, "contact": "0812 3456 7890",
                                              "grounds": "a"})
    assert r.status_code == 422 and "sudah diajukan" in text_of(r)
    assert snapshot() == before


def test_an_objection_after_the_deadline_shows_its_thirty_working_days(client, world, day):
    day(date(2026, 8, 26))  # the open request's deadline (25 August) has passed unanswered
    r = client.get(f"/ppid/keberatan?nomor={world.numbers.open}")
    assert f'value="{world.numbers.open}"' in r.get_data(as_text=True) and r.headers["Cache-Control"] == "no-store"
    r = client.post("/ppid/keberatan", data={"number": world.numbers.open, "contact": " BAIQ.RAHMA@example.id ",
                                              "grounds": "c", "reason": "Belum ada tanggapan sama sekali."})
    assert r.status_code == 303
    receipt = client.get("/ppid/keberatan/terkirim")
    text = text_of(receipt)
    # 30 working days after 26 August: September has 22, October 1–8 makes 30
    assert "Batas waktu tanggapan 7 Oktober 2026" in text or "Batas waktu tanggapan 8 Oktober 2026" in text
    assert not [p for p in PRIVATE_TEXTS if p in receipt.get_data(as_text=True)]
    objection = db.session.scalar(select(Objection).where(Objection.request_id == world.ids["request"]))
    assert objection.reason == "Permohonan informasi tidak ditanggapi. Belum ada tanggapan sama sekali."
    assert f"Batas waktu tanggapan {objection.due_date.day} Oktober 2026" in text


# ------------------------------------------------------------------ the officers

def test_the_officers_inbox_sorts_by_deadline_and_marks_the_overdue(client, auth, world, day):
    later = ppid.submit_request(**{**FORM, "contact": "0819 1111 2222", "delivery": "pos"})
    later_number = later.number
    db.session.commit()
    day(date(2026, 8, 26))   # the first request is a day late; the later one is due too
    auth.login(world.logins[GOV_OFFICE])
    r = client.get("/ppid/petugas")
    text, html = text_of(r), r.get_data(as_text=True)
    assert "Menunggu jawaban (2)" in text and "Keberatan menunggu tanggapan (1)" in text
    assert text.index(world.numbers.open) < text.index(later_number)
    assert "Lewat batas waktu 1 hari" in text and "status-red" in html
    assert PERSONAL["name"] in text          # officers see who asked
    assert "Riwayat tahun 2026" in text and world.numbers.refused in text.split("Riwayat tahun 2026")[1]
    assert world.numbers.refused not in text_of(client.get("/ppid/petugas?tahun=2025")).split("Riwayat tahun 2025")[1]


def test_the_officer_sees_the_personal_data_and_answers(client, auth, world):
    auth.login(world.logins[ADMIN])
    r = client.get(path_of("/ppid/petugas/permohonan/{request}", world))
    text = text_of(r)
    assert all(p in text for p in PRIVATE_TEXTS)
    assert r.headers["Cache-Control"] == "no-store"
    r = client.post(path_of("/ppid/petugas/permohonan/{request}/jawab", world), data={"answer": "  "})
    assert r.status_code == 422 and "Jawaban wajib diisi." in text_of(r)
    r = client.post(path_of("/ppid/petugas/permohonan/{request}/jawab", world), data={"answer": "Terlampir."},
                    follow_redirects=True)
    assert "Jawaban atas permohonan PPID/2026/0001 disimpan." in text_of(r)
    assert db.session.get(InformationRequest, world.ids["request"]).status == RequestStatus.ANSWERED


def test_extending_twice_is_refused_with_a_message(client, auth, world):
    auth.login(world.logins[GOV_OFFICE])
    path = "/ppid/petugas/permohonan/{request}/perpanjang"
    r = client.post(path_of(path, world), data={"reason": ""})
    assert r.status_code == 422 and "Alasan perpanjangan wajib diisi." in text_of(r)
    r = client.post(path_of(path, world), data={"reason": "Dokumen ditandatangani."}, follow_redirects=True)
    assert "diperpanjang 7 hari kerja" in text_of(r) and "3 September 2026" in text_of(r)
    assert "Perpanjang 7 hari kerja" not in r.get_data(as_text=True)  # no second extension offered
    before = snapshot()
    r = client.post(path_of(path, world), data={"reason": "Sekali lagi."})
    assert r.status_code == 302
    assert "perpanjangan hanya sekali" in text_of(client.get(r.headers["Location"]))
    assert snapshot() == before


def test_a_refusal_needs_its_grounds_and_reason(client, auth, world):
    auth.login(world.logins[GOV_OFFICE])
    path = path_of("/ppid/petugas/permohonan/{request}/tolak", world)
    before = snapshot()
    for data, message in (({"grounds": "", "reason": ""}, "Pilih dasar penolakan."),
                          ({"grounds": "17h", "reason": " "}, "Pertimbangan penolakan wajib diisi."),
                          ({"grounds": "99z", "reason": "Alasan."}, "Pilih dasar penolakan dari daftar.")):
        r = client.post(path, data=data)
        assert r.status_code == 422 and message in text_of(r), data
    assert snapshot() == before
    r = client.post(path, data={"grounds": "tidak-dikuasai", "reason": "Dokumen belum disusun."})
    assert r.status_code == 302
    req = db.session.get(InformationRequest, world.ids["request"])
    assert req.status == RequestStatus.REFUSED
    assert req.refusal_reason == "Informasi belum dikuasai atau belum didokumentasikan. Dokumen belum disusun."
    before = snapshot()
    r = client.post(path_of("/ppid/petugas/permohonan/{request}/jawab", world), data={"answer": "Terlambat."})
    assert r.status_code == 302 and "sudah ditolak" in text_of(client.get(r.headers["Location"]))
    assert snapshot() == before


def test_the_objection_is_answered_once(client, auth, world):
    auth.login(world.logins[ADMIN])
    page = client.get(path_of("/ppid/petugas/keberatan/{objection}", world))
    assert "Permohonan informasi ditolak." in text_of(page) and "0812 3456 7890" in text_of(page)
    path = "/ppid/petugas/keberatan/{objection}/jawab"
    r = client.post(path_of(path, world), data={"answer": ""})
    assert r.status_code == 422 and "Tanggapan atas keberatan wajib diisi." in text_of(r)
    assert post(client, path, world).status_code == 302
    before = snapshot()
    r = post(client, path, world)
    assert r.status_code == 302 and "sudah dijawab" in text_of(client.get(r.headers["Location"]))
    assert snapshot() == before
    text = text_of(client.get("/ppid/lacak", query_string={"nomor": world.numbers.refused}))
    assert "Tanggapan Penolakan dikuatkan" in text


def test_unknown_ids_are_404(client, auth, world):
    auth.login(world.logins[ADMIN])
    assert client.get("/ppid/petugas/permohonan/999999").status_code == 404
    assert client.get("/ppid/petugas/keberatan/999999").status_code == 404
    assert client.post("/ppid/petugas/libur/999999/hapus").status_code == 404


# ------------------------------------------------------------------ holidays

def test_the_administrator_keeps_the_holidays(client, auth, world):
    auth.login(world.logins[ADMIN])
    text = text_of(client.get("/ppid/petugas/libur?tahun=2026"))
    assert "Senin, 17 Agustus 2026 Hari Kemerdekaan RI" in text
    before = snapshot()
    r = client.post("/ppid/petugas/libur", data={"date": "2026-08-17", "name": "Lagi"})
    assert r.status_code == 422 and "sudah ada dalam daftar" in text_of(r)
    assert 'value="Lagi"' in r.get_data(as_text=True)
    r = client.post("/ppid/petugas/libur", data={"date": "", "name": ""})
    assert r.status_code == 422
    assert "Tanggal wajib diisi." in text_of(r) and "Nama hari libur wajib diisi." in text_of(r)
    r = client.post("/ppid/petugas/libur", data={"date": "2026-02-30", "name": "Tanggal keliru"})
    assert r.status_code == 422 and "Tanggal tidak valid" in text_of(r)
    assert snapshot() == before
    r = client.post("/ppid/petugas/libur", data={"date": "2027-01-01", "name": "Tahun Baru 2027 Masehi"},
                    follow_redirects=True)
    assert "Tahun Baru 2027 Masehi (1 Januari 2027) ditambahkan" in text_of(r)
    assert "Hari libur nasional dan cuti bersama 2027" in text_of(r)
    r = client.post(path_of("/ppid/petugas/libur/{holiday}/hapus", world), follow_redirects=True)
    assert "Hari Kemerdekaan RI (17 Agustus 2026) dihapus" in text_of(r)
    assert fresh(Holiday, Holiday.date == date(2026, 8, 17)) == 0


def test_the_officers_page_links_the_holidays_for_the_administrator_only(client, auth, world):
    auth.login(world.logins[ADMIN])
    assert "/ppid/petugas/libur" in client.get("/ppid/petugas").get_data(as_text=True)
    auth.logout()
    auth.login(world.logins[GOV_OFFICE])
    assert "/ppid/petugas/libur" not in client.get("/ppid/petugas").get_data(as_text=True)


# ------------------------------------------------------------------ the demo

def test_the_demo_has_every_state_and_one_overdue_request(app, ctx, make_user):
    from ekinerja.demo import ppid as demo_ppid

    make_user("governor_office", username="biro.organisasi")
    before = app.config.get("TODAY")
    first = demo_ppid.load()
    assert first == {"holidays": len(demo_ppid.HOLIDAYS_2026), "requests": len(demo_ppid.REQUESTS)}
    db.session.commit()
    assert demo_ppid.load() == {"holidays": 0, "requests": 0}   # a second load adds nothing
    assert app.config.get("TODAY") == before                    # "today" given back
    rows = db.session.scalars(select(InformationRequest).order_by(InformationRequest.number)).all()
    assert {r.status for r in rows} == set(RequestStatus)
    demo_day = date(2026, 11, 29)
    assert [r.number for r in rows if r.is_open and r.deadline < demo_day] == ["PPID/2026/0003"]
    assert [r.submitted_at.date() for r in rows] == [s.filed for s in demo_ppid.REQUESTS]
    objection = db.session.scalar(select(Objection))
    assert objection.request.status == RequestStatus.REFUSED and objection.due_date == date(2026, 12, 15)
