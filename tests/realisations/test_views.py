"""The pages of the monthly workflow: Kinerja saya, evidence, Persetujuan, Tugas, and the menu.

ROUTES_COVERED lists every route of the `realisations` blueprint with who may reach it, in the shape
of tests/test_access.py ({endpoint: [(method, path, allowed)]}, ids from `rworld`, POST data in
POST_DATA); the tests below check each identity gets 200/302 or 403, and that a refused POST changes
nothing. Then every refusal through the page, as the user sees it, and that it keeps what was stored.

"Today" is 4 May 2026 (tests/realisations/conftest.py): April is open until 10 May, May has begun,
March closed on 10 April.
"""
from __future__ import annotations

import io
import re
from decimal import Decimal as D
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import event, func, select

from ekinerja.bsc.models import Realisation, RealisationStatus
from ekinerja.extensions import db
from ekinerja.realisations import services as rs
from ekinerja.realisations.models import Evidence, Notification, NotificationKind
from tests.kit import assert_routes_listed, is_login_redirect, snapshot, text_of

APRIL, MARCH = 4, 3

# ------------------------------------------------------------------ who

STAFF1, STAFF2, KABID, A_HEAD = "staff1", "staff2", "kabid", "a_head"
B_HEAD, B_STAFF, OP_A, OP_B = "b_head", "b_staff", "op_a", "op_b"
GOV, ADMIN, AUDITOR = "gov", "admin", "auditor"
IDENTITIES = [STAFF1, STAFF2, KABID, A_HEAD, B_HEAD, B_STAFF, OP_A, OP_B, GOV, ADMIN, AUDITOR]
EVERYONE = frozenset(IDENTITIES)
STAFF1_ENTERERS = frozenset({STAFF1, KABID, A_HEAD, OP_A})   # himself, the heads above, the OPD operator
STAFF1_READERS = STAFF1_ENTERERS | {GOV, ADMIN, AUDITOR}      # and the province-wide readers
APPROVERS = frozenset({KABID, A_HEAD, B_HEAD, GOV})           # whoever decides something

# endpoint -> [(method, path, who may reach it)]. {ids} come from rworld.
ROUTES_COVERED: dict[str, list[tuple[str, str, frozenset[str]]]] = {
    "realisations.mine": [
        ("GET", "/realisasi/", EVERYONE),  # an empty page for whoever fills no scorecard
        ("GET", "/realisasi/?kartu={staff1_card}&bulan=4", STAFF1_ENTERERS),
        ("GET", "/realisasi/?kartu={opd_a_card}", frozenset({OP_A, A_HEAD})),
        ("GET", "/realisasi/?kartu={prov_card}", frozenset({GOV})),
    ],
    "realisations.entry": [("POST", "/realisasi/indikator/{staff1_ind}/bulan/4", STAFF1_ENTERERS)],
    "realisations.evidence_download": [("GET", "/realisasi/bukti/{evidence}", STAFF1_READERS)],
    "realisations.evidence_delete": [("POST", "/realisasi/bukti/{evidence}/hapus", STAFF1_ENTERERS)],
    "realisations.inbox": [("GET", "/realisasi/persetujuan", APPROVERS)],
    "realisations.approve_selected": [("POST", "/realisasi/persetujuan/setujui", frozenset({KABID}))],
    "realisations.approve": [("POST", "/realisasi/{submitted}/setujui", frozenset({KABID}))],
    "realisations.return_": [("GET", "/realisasi/{submitted}/kembalikan", frozenset({KABID})),
                             ("POST", "/realisasi/{submitted}/kembalikan", frozenset({KABID}))],
    "realisations.tasks": [("GET", "/realisasi/tugas", EVERYONE)],
    "realisations.mark_read": [("POST", "/realisasi/tugas/baca", EVERYONE)],
}


def entry_form(indicator_id: int, value="", version="", aksi="simpan", note="", reason="", follow_up="",
               files=()) -> dict:
    """The fields of one indicator's card (each card's fields carry the prefix i<id>-)."""
    p = f"i{indicator_id}-"
    data = {f"{p}value": value, f"{p}note": note, f"{p}reason": reason, f"{p}follow_up": follow_up,
            f"{p}version": str(version), "aksi": aksi}
    if files:
        data[f"{p}bukti"] = [(io.BytesIO(content), name) for name, content in files]
    return data


def _version(realisation_id: int) -> int:
    return fresh(select(Realisation.version).where(Realisation.id == realisation_id))


# A valid form for each POST: were a refusal missing, it would change the database.
POST_DATA = {
    "/realisasi/indikator/{staff1_ind}/bulan/4": lambda w: entry_form(
        w.ids["staff1_ind"], "31,5", _version(w.ids["draft"]), note="Diubah"),
    "/realisasi/bukti/{evidence}/hapus": lambda w: {"version": _version(w.ids["draft"])},
    "/realisasi/persetujuan/setujui": lambda w: {"items": [f"{w.ids['submitted']}:{_version(w.ids['submitted'])}"]},
    "/realisasi/{submitted}/setujui": lambda w: {"version": _version(w.ids["submitted"])},
    "/realisasi/{submitted}/kembalikan": lambda w: {"version": _version(w.ids["submitted"]),
                                                     "comment": "Lampirkan laporan bulanan."},
    "/realisasi/tugas/baca": lambda w: {},
}
CHANGES_NOTHING_WHEN_ALLOWED = {"/realisasi/tugas/baca"}  # nothing unread: nothing to mark

ALL_ROUTES = [(endpoint, *route) for endpoint, routes in ROUTES_COVERED.items() for route in routes]


# ------------------------------------------------------------------ fixtures and helpers

def pdf_bytes(text: str = "Bukti kegiatan") -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, text)
    c.save()
    return buf.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def rworld(org, iku, people):
    """staff1: an April draft (22,5) with one PDF; staff2: an April value submitted to the kabid."""
    draft = rs.save(people.staff1, iku.s1, APRIL, rs.Entry(value="22,5", note="Draf awal"))
    evidence = rs.add_evidence(people.staff1, draft, pdf_bytes(), "laporan-april.pdf", draft.version)
    submitted = rs.save(people.staff2, iku.s2, APRIL, rs.Entry(value="40"))
    rs.submit(people.staff2, submitted, submitted.version)
    db.session.commit()
    w = SimpleNamespace(
        org=org, iku=iku, people=people,
        ids={"staff1_card": iku.s1.scorecard_id, "staff2_card": iku.s2.scorecard_id,
             "opd_a_card": iku.opd.scorecard_id, "prov_card": iku.prov.id, "staff1_ind": iku.s1.id,
             "staff2_ind": iku.s2.id, "draft": draft.id, "evidence": evidence.id, "submitted": submitted.id},
        logins={name: getattr(people, name).username for name in IDENTITIES},
    )
    db.session.commit()  # end the read: requests see fresh data (MariaDB's snapshots)
    return w


def fresh(stmt):
    with db.engine.connect() as conn:
        return conn.execute(stmt).scalar()


def row(realisation_id: int):
    with db.engine.connect() as conn:
        return conn.execute(select(Realisation.value, Realisation.status, Realisation.version, Realisation.reason,
                                   Realisation.return_comment).where(Realisation.id == realisation_id)).one()


def stored_files(app) -> set[str]:
    from pathlib import Path

    root = Path(app.config["STORAGE_PATH"])
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def login(auth, w, who: str) -> None:
    assert auth.login(w.logins[who]).status_code == 302


def call(client, w, method: str, path: str):
    url = path.format(**w.ids)
    if method == "GET":
        return client.get(url)
    return client.post(url, data=POST_DATA[path](w))


# ------------------------------------------------------------------ access

def test_every_route_of_the_blueprint_is_listed(app):
    assert_routes_listed(app, "realisations.", ALL_ROUTES, POST_DATA)


def test_anonymous_is_sent_to_log_in(client, rworld):
    before = snapshot()
    for _, method, path, _ in ALL_ROUTES:
        r = call(client, rworld, method, path)
        assert is_login_redirect(r), (method, path, r.status_code)
        assert parse_qs(urlsplit(r.headers["Location"]).query)["next"][0].startswith(
            path.format(**rworld.ids).split("?")[0])
    assert snapshot() == before


@pytest.mark.parametrize("endpoint, method, path, allowed", [r for r in ALL_ROUTES if r[1] == "GET"],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_get(client, auth, rworld, endpoint, method, path, allowed):
    for who in IDENTITIES:
        login(auth, rworld, who)
        r = call(client, rworld, method, path)
        expected = 200 if who in allowed else 403
        assert r.status_code == expected, f"{who} GET {path}: {r.status_code}, expected {expected}"
        auth.logout()


POSTS = [r for r in ALL_ROUTES if r[1] == "POST"]


@pytest.mark.parametrize("endpoint, method, path, allowed", POSTS, ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_post_refused(client, auth, rworld, endpoint, method, path, allowed):
    for who in sorted(EVERYONE - allowed):
        login(auth, rworld, who)
        before = snapshot()  # logging in writes (last login): compare from here
        r = call(client, rworld, method, path)
        assert r.status_code == 403, f"{who} should be refused POST {path}: {r.status_code}"
        assert snapshot() == before, f"POST {path} refused to {who} yet changed the database"
        auth.logout()


@pytest.mark.parametrize("endpoint, method, path, who", [(e, m, p, who) for e, m, p, allowed in POSTS
                                                          for who in sorted(allowed)],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_post_allowed(client, auth, rworld, endpoint, method, path, who):
    login(auth, rworld, who)
    before = snapshot()
    r = call(client, rworld, method, path)
    assert r.status_code == 302 and not is_login_redirect(r), f"{who} should reach POST {path}: {r.status_code}"
    if path not in CHANGES_NOTHING_WHEN_ALLOWED:
        assert snapshot() != before, f"POST {path} as {who} changed nothing: fix its POST_DATA"


# ------------------------------------------------------------------ Kinerja saya

def test_staff_sees_his_indicator_with_the_month_states_and_a_form(client, auth, rworld):
    login(auth, rworld, STAFF1)
    r = client.get("/realisasi/")
    assert r.status_code == 200
    page, text = r.get_data(as_text=True), text_of(r)
    ind = rworld.iku.s1
    assert ind.code in text and ind.name in text
    assert "Realisasi April 2026" in text  # the default month: the earliest open one
    assert "Apr terbuka" in text and "Mar ditutup" in text and "Jun belum dimulai" in text
    p = f"i{ind.id}-"
    assert f'name="{p}value"' in page and 'inputmode="decimal"' in page
    assert 'value="22,5"' in page and f'name="{p}version" type="hidden" value="2"' in page
    assert 'type="file"' in page and 'multiple' in page and 'accept=".pdf,.jpg,.jpeg,.png,.xlsx,.docx"' in page
    assert "laporan-april.pdf" in text and f"/realisasi/bukti/{rworld.ids['evidence']}" in page
    assert "Simpan draf" in text and "Ajukan" in text
    # What the script reads to compute the achievement as the user types.
    assert 'data-polarity="max"' in page and 'data-aggregation="sum"' in page and 'data-target="20"' in page
    assert 'data-earlier-sum="0"' in page and 'data-cap="1.20"' in page and 'data-yellow="0.80"' in page
    assert "js/realisasi.js" in page


def test_a_closed_month_shows_its_message_and_no_fields(client, auth, rworld):
    login(auth, rworld, STAFF1)
    r = client.get(f"/realisasi/?kartu={rworld.ids['staff1_card']}&bulan={MARCH}")
    assert r.status_code == 200
    assert "Periode Maret 2026 telah ditutup pada 10 April 2026" in text_of(r)
    assert f'name="i{rworld.ids["staff1_ind"]}-value"' not in r.get_data(as_text=True)


def test_a_post_to_a_closed_month_is_refused_and_changes_nothing(client, auth, rworld):
    login(auth, rworld, STAFF1)
    before = snapshot()
    r = client.post(f"/realisasi/indikator/{rworld.ids['staff1_ind']}/bulan/{MARCH}",
                    data=entry_form(rworld.ids["staff1_ind"], "10"))
    assert r.status_code == 423
    assert "telah ditutup" in text_of(r)
    assert snapshot() == before


def test_save_then_submit_in_one_press_with_files(client, auth, rworld, app):
    w = rworld
    login(auth, w, STAFF1)
    r = client.post(f"/realisasi/indikator/{w.ids['staff1_ind']}/bulan/{APRIL}", data=entry_form(
        w.ids["staff1_ind"], "25", _version(w.ids["draft"]), aksi="ajukan", note="Sesuai laporan",
        files=[("notulen.pdf", pdf_bytes("Notulen")), ("foto.png", PNG)]))
    assert r.status_code == 302
    assert r.headers["Location"].endswith(f"/realisasi/?kartu={w.ids['staff1_card']}&bulan=4#ind-{w.ids['staff1_ind']}")
    value, status, *_ = row(w.ids["draft"])
    assert value == D("25") and status == RealisationStatus.SUBMITTED
    names = set(db.session.scalars(select(Evidence.original_name).where(Evidence.realisation_id == w.ids["draft"])))
    assert names == {"laporan-april.pdf", "notulen.pdf", "foto.png"}
    assert fresh(select(func.count()).select_from(Notification).where(
        Notification.user_id == w.people.kabid.id, Notification.kind == NotificationKind.SUBMITTED)) == 2
    page = client.get(r.headers["Location"])
    assert "diajukan kepada atasan" in text_of(page)
    assert f'name="i{w.ids["staff1_ind"]}-value"' not in page.get_data(as_text=True)  # read-only once submitted
    assert "Diajukan" in text_of(page)


def test_red_without_reason_saves_the_draft_but_refuses_to_submit(client, auth, rworld):
    w = rworld
    login(auth, w, STAFF1)
    r = client.post(f"/realisasi/indikator/{w.ids['staff1_ind']}/bulan/{APRIL}", data=entry_form(
        w.ids["staff1_ind"], "5", _version(w.ids["draft"]), aksi="ajukan", note="Kurang"))
    assert r.status_code == 422
    text, page = text_of(r), r.get_data(as_text=True)
    assert "Draf tersimpan, tetapi belum dapat diajukan" in text
    assert "faktor penghambat wajib diisi" in text and "tindak lanjut wajib diisi" in text
    p = f"i{w.ids['staff1_ind']}-"
    assert f'id="{p}reason-err"' in page and f'id="{p}follow_up-err"' in page
    assert 'value="5"' in page and "Kurang" in page  # what was typed stays
    value, status, version, *_ = row(w.ids["draft"])
    assert value == D("5") and status == RealisationStatus.DRAFT  # the draft is kept, nothing submitted
    assert f'name="{p}version" type="hidden" value="{version}"' in page  # the form goes on from it
    assert fresh(select(func.count()).select_from(Notification).where(
        Notification.realisation_id == w.ids["draft"])) == 0
    # With reason and follow-up it goes through.
    r = client.post(f"/realisasi/indikator/{w.ids['staff1_ind']}/bulan/{APRIL}", data=entry_form(
        w.ids["staff1_ind"], "5", version, aksi="ajukan", reason="Anggaran terlambat", follow_up="Percepatan"))
    assert r.status_code == 302 and row(w.ids["draft"])[1] == RealisationStatus.SUBMITTED


def test_a_bad_value_is_shown_on_its_field_and_nothing_is_saved(client, auth, rworld):
    w = rworld
    login(auth, w, STAFF1)
    before = snapshot()
    r = client.post(f"/realisasi/indikator/{w.ids['staff1_ind']}/bulan/{APRIL}", data=entry_form(
        w.ids["staff1_ind"], "dua puluh", _version(w.ids["draft"]), note="Catatan baru"))
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "Nilai harus berupa angka" in page and f'id="i{w.ids["staff1_ind"]}-value-err"' in page
    assert 'value="dua puluh"' in page and "Catatan baru" in page
    assert snapshot() == before


def test_a_stale_version_shows_the_conflict_and_keeps_the_stored_value(client, auth, rworld):
    """Two tabs: the first saves 30, the second (still at the old version) is refused."""
    w = rworld
    login(auth, w, STAFF1)
    seen = _version(w.ids["draft"])
    first = client.post(f"/realisasi/indikator/{w.ids['staff1_ind']}/bulan/{APRIL}",
                        data=entry_form(w.ids["staff1_ind"], "30", seen))
    assert first.status_code == 302
    before = snapshot()
    second = client.post(f"/realisasi/indikator/{w.ids['staff1_ind']}/bulan/{APRIL}",
                         data=entry_form(w.ids["staff1_ind"], "99", seen))
    assert second.status_code == 409
    text = text_of(second)
    assert "baru saja diubah oleh pengguna lain" in text and "TIDAK disimpan" in text
    assert "Yang tersimpan sekarang: 30 (status Draf)" in text
    assert snapshot() == before
    assert row(w.ids["draft"])[0] == D("30")


@pytest.mark.parametrize("name, content, message", [
    ("laporan.pdf", b"ini hanya teks biasa, bukan PDF", "isi berkas bukan PDF, JPG, PNG, XLSX atau DOCX"),
    ("kosong.pdf", b"", None),  # an empty file input is no file at all: ignored
])
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_saved(client, auth, rworld, app, name,
                                                                           content, message):
    w = rworld
    login(auth, w, STAFF1)
    before, files = snapshot(), stored_files(app)
    r = client.post(f"/realisasi/indikator/{w.ids['staff1_ind']}/bulan/{APRIL}", data=entry_form(
        w.ids["staff1_ind"], "50", _version(w.ids["draft"]), files=[(name, content)]))
    if message is None:
        assert r.status_code in (302, 422)
        return
    assert r.status_code == 422
    text = text_of(r)
    assert message in text and "pilih kembali berkas buktinya" in text
    assert 'value="50"' in r.get_data(as_text=True)
    assert snapshot() == before and stored_files(app) == files


def test_a_png_named_pdf_is_kept_as_what_it_is(client, auth, rworld):
    w = rworld
    login(auth, w, STAFF1)
    r = client.post(f"/realisasi/indikator/{w.ids['staff1_ind']}/bulan/{APRIL}", data=entry_form(
        w.ids["staff1_ind"], "22,5", _version(w.ids["draft"]), files=[("foto.pdf", PNG)]))
    assert r.status_code == 302
    ev = db.session.scalar(select(Evidence).where(Evidence.realisation_id == w.ids["draft"], Evidence.id != w.ids["evidence"]))
    assert (ev.original_name, ev.content_type) == ("foto.png", "image/png")


def test_a_file_too_big_is_refused_and_nothing_is_saved(client, auth, rworld, app):
    w = rworld
    limit = app.config["EVIDENCE_MAX_BYTES"]
    app.config["EVIDENCE_MAX_BYTES"] = 2048
    try:
        login(auth, w, STAFF1)
        before, files = snapshot(), stored_files(app)
        r = client.post(f"/realisasi/indikator/{w.ids['staff1_ind']}/bulan/{APRIL}", data=entry_form(
            w.ids["staff1_ind"], "50", _version(w.ids["draft"]),
            files=[("kecil.png", PNG), ("besar.pdf", b"%PDF-1.4\n" + b"0" * 4096)]))
        assert r.status_code == 422
        assert "besar.pdf: ukuran melebihi" in text_of(r)
        assert snapshot() == before and stored_files(app) == files  # not even the small one
    finally:
        app.config["EVIDENCE_MAX_BYTES"] = limit


def test_other_opd_staff_cannot_enter_and_nothing_changes(client, auth, rworld):
    w = rworld
    login(auth, w, B_STAFF)
    before = snapshot()
    r = client.post(f"/realisasi/indikator/{w.ids['staff1_ind']}/bulan/{APRIL}",
                    data=entry_form(w.ids["staff1_ind"], "1", _version(w.ids["draft"])))
    assert r.status_code == 403 and "Akses ditolak" in text_of(r)
    assert client.get(f"/realisasi/?kartu={w.ids['staff1_card']}").status_code == 403
    assert client.get(f"/realisasi/bukti/{w.ids['evidence']}").status_code == 403
    assert snapshot() == before


def test_a_roll_up_indicator_is_read_only(client, auth, rworld):
    login(auth, rworld, GOV)
    r = client.get(f"/realisasi/?kartu={rworld.ids['prov_card']}&bulan={APRIL}")
    assert r.status_code == 200
    assert "Dihitung dari bawahan" in text_of(r)
    assert f'name="i{rworld.iku.top.id}-value"' not in r.get_data(as_text=True)


# ------------------------------------------------------------------ evidence

def test_evidence_download_is_an_attachment_to_those_allowed(client, auth, rworld):
    w = rworld
    login(auth, w, KABID)
    r = client.get(f"/realisasi/bukti/{w.ids['evidence']}")
    assert r.status_code == 200
    assert r.data.startswith(b"%PDF-") and r.mimetype == "application/pdf"
    assert r.headers["Content-Disposition"].startswith("attachment") and "laporan-april.pdf" in r.headers["Content-Disposition"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in r.headers["Cache-Control"] and "private" in r.headers["Cache-Control"]
    auth.logout()
    login(auth, w, STAFF2)  # a colleague in the same bidang: not his
    assert client.get(f"/realisasi/bukti/{w.ids['evidence']}").status_code == 403


def test_evidence_deleted_while_a_draft_and_a_stale_delete_changes_nothing(client, auth, rworld, app):
    w = rworld
    login(auth, w, STAFF1)
    before = snapshot()
    r = client.post(f"/realisasi/bukti/{w.ids['evidence']}/hapus", data={"version": 1}, follow_redirects=True)
    assert "tidak dihapus" in text_of(r) and snapshot() == before
    files = stored_files(app)
    r = client.post(f"/realisasi/bukti/{w.ids['evidence']}/hapus", data={"version": _version(w.ids["draft"])},
                    follow_redirects=True)
    assert "Berkas bukti laporan-april.pdf dihapus." in text_of(r)
    assert fresh(select(func.count()).select_from(Evidence)) == 0
    assert len(stored_files(app)) == len(files) - 1  # the file goes once the deletion is committed


# ------------------------------------------------------------------ Persetujuan

def test_the_inbox_shows_each_submission_with_its_evidence_one_click_away(client, auth, rworld):
    w = rworld
    login(auth, w, KABID)
    r = client.get("/realisasi/persetujuan")
    assert r.status_code == 200
    text, page = text_of(r), r.get_data(as_text=True)
    staff2 = w.org.staff2
    assert staff2.name in text and f"NIP {staff2.nip}" in text and "Pengadministrasi" in text
    assert w.iku.s2.code in text and "April 2026" in text and "40 layanan" in text
    assert "120,00%" in text and "Hijau" in text  # 40 against 60·4/12 = 20: 200%, capped at 120%
    assert f'value="{w.ids["submitted"]}:{_version(w.ids["submitted"])}"' in page
    assert "Setujui terpilih" in text and "Kembalikan" in text


def test_a_long_inbox_comes_in_pages_what_can_be_decided_first(client, auth, rworld, monkeypatch, realise, today):
    from ekinerja.realisations import views

    w = rworld
    monkeypatch.setattr(views, "INBOX_PAGE", 2)
    jan = realise(w.iku.s1, 1, 5, RealisationStatus.SUBMITTED).id   # January: closed, waits for a reopening
    mar = realise(w.iku.s2, 3, 7, RealisationStatus.SUBMITTED).id   # March: closed too
    feb = realise(w.iku.s1, 2, 9, RealisationStatus.SUBMITTED).id   # February: closed too
    april = w.ids["submitted"]
    db.session.commit()
    login(auth, w, KABID)

    def shown(page):
        return [int(x) for x in re.findall(r'<article class="card inbox-item" id="r-(\d+)"', page)]

    first = client.get("/realisasi/persetujuan")
    text = text_of(first)
    assert "1 realisasi menunggu keputusan Anda. 3 lainnya pada periode yang sudah ditutup" in text
    assert "Halaman ini menampilkan 2 dari 4" in text and "Halaman 1 dari 2" in text
    assert shown(first.get_data(as_text=True)) == [april, jan]   # the open one first, then the oldest
    second = client.get("/realisasi/persetujuan?page=2")
    assert "Halaman 2 dari 2" in text_of(second)
    assert shown(second.get_data(as_text=True)) == [mar, feb]
    # a page past the end shows the last one; one page needs no pager
    assert shown(client.get("/realisasi/persetujuan?page=9").get_data(as_text=True)) == [mar, feb]
    only_january = client.get("/realisasi/persetujuan?bulan=1")
    assert shown(only_january.get_data(as_text=True)) == [jan] and "Halaman 1 dari" not in text_of(only_january)


def test_bulk_approval_is_all_or_nothing(client, auth, rworld):
    w = rworld
    staff1 = w.people.staff1
    draft = db.session.get(Realisation, w.ids["draft"])
    rs.submit(staff1, draft, draft.version)
    db.session.commit()
    login(auth, w, KABID)
    items = [f"{w.ids['draft']}:{_version(w.ids['draft'])}", f"{w.ids['submitted']}:1"]  # the second is stale
    before = snapshot()
    r = client.post("/realisasi/persetujuan/setujui", data={"items": items}, follow_redirects=True)
    assert "Tidak ada yang disetujui" in text_of(r)
    assert snapshot() == before
    items[1] = f"{w.ids['submitted']}:{_version(w.ids['submitted'])}"
    r = client.post("/realisasi/persetujuan/setujui", data={"items": items}, follow_redirects=True)
    assert "2 realisasi disetujui." in text_of(r)
    assert row(w.ids["draft"])[1] == row(w.ids["submitted"])[1] == RealisationStatus.APPROVED
    assert "Tidak ada realisasi yang menunggu persetujuan Anda" in text_of(r)
    r = client.post("/realisasi/persetujuan/setujui", data={}, follow_redirects=True)
    assert "Pilih sekurang-kurangnya satu realisasi." in text_of(r)


def test_return_needs_a_comment_and_the_owner_reads_it(client, auth, rworld):
    w = rworld
    login(auth, w, KABID)
    before = snapshot()
    r = client.post(f"/realisasi/{w.ids['submitted']}/kembalikan", data={"version": _version(w.ids["submitted"]),
                                                                        "comment": "  "})
    assert r.status_code == 422
    assert "Tuliskan apa yang perlu diperbaiki." in text_of(r)
    assert snapshot() == before
    r = client.post(f"/realisasi/{w.ids['submitted']}/kembalikan", data={
        "version": _version(w.ids["submitted"]), "comment": "Angka berbeda dengan laporan aplikasi."})
    assert r.status_code == 302
    assert row(w.ids["submitted"])[1] == RealisationStatus.RETURNED
    auth.logout()
    login(auth, w, STAFF2)
    page = client.get(f"/realisasi/?bulan={APRIL}")
    text = text_of(page)
    assert "Dikembalikan oleh atasan untuk diperbaiki: Angka berbeda dengan laporan aplikasi." in text
    assert f'name="i{w.ids["staff2_ind"]}-value"' in page.get_data(as_text=True)  # editable again
    # Corrected and resubmitted, then approved: the scorecard counts it.
    r = client.post(f"/realisasi/indikator/{w.ids['staff2_ind']}/bulan/{APRIL}", data=entry_form(
        w.ids["staff2_ind"], "18", _version(w.ids["submitted"]), aksi="ajukan", reason="Data terlambat",
        follow_up="Dilengkapi bulan depan"))
    assert r.status_code == 302 and row(w.ids["submitted"])[1] == RealisationStatus.SUBMITTED
    auth.logout()
    login(auth, w, KABID)
    r = client.post(f"/realisasi/{w.ids['submitted']}/setujui", data={"version": _version(w.ids["submitted"])},
                    follow_redirects=True)
    assert "disetujui" in text_of(r)
    card = text_of(client.get(f"/kinerja/kartu/{w.ids['staff2_card']}?bulan={APRIL}"))
    assert "90,00%" in card and "Kuning" in card  # 18 against 60·4/12 = 20


def test_a_stale_approval_is_refused_with_a_message(client, auth, rworld):
    w = rworld
    login(auth, w, KABID)
    before = snapshot()
    r = client.post(f"/realisasi/{w.ids['submitted']}/setujui", data={"version": 1}, follow_redirects=True)
    assert "tidak disetujui" in text_of(r) and snapshot() == before


# ------------------------------------------------------------------ Tugas and the menu

def _menu(client) -> str:
    html = client.get("/").get_data(as_text=True)
    return html[html.find('<div class="menu-wide">'):html.find("</div>", html.find('<div class="menu-wide">'))]


def test_the_menu_counts_what_waits(client, auth, rworld):
    w = rworld
    login(auth, w, STAFF1)
    menu = _menu(client)
    # staff1: one manual indicator, April and May open, nothing submitted: 2 to submit.
    assert "Kinerja saya" in menu and "Persetujuan" not in menu
    assert re.search(r'Tugas <span class="badge count">2</span>', menu)
    auth.logout()
    login(auth, w, KABID)
    menu = _menu(client)
    assert re.search(r'Persetujuan <span class="badge count">1</span>', menu)
    auth.logout()
    login(auth, w, ADMIN)
    menu = _menu(client)
    assert "Kinerja saya" not in menu and "Persetujuan" not in menu and "Tugas" not in menu


def test_the_menu_counts_take_few_queries_whatever_the_rows(app, client, auth, rworld, make_position,
                                                           make_employee):
    """COUNT queries: the same number of statements with one submission or with many."""
    from ekinerja.bsc import services as bsc
    from ekinerja.bsc.models import OwnerKind
    from ekinerja.realisations.views import task_counts

    w = rworld

    def statements_for(user) -> int:
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            with app.test_request_context("/"):
                db.session.expire_all()
                task_counts(db.session.get(type(user), user.id))
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    few = statements_for(w.people.kabid)
    for n in range(4):  # four more staff in the bidang, each with a submission
        employee = make_employee(make_position(w.org.bidang, f"Analis {n}"))
        [ind] = bsc.cascade(None, w.iku.unit, [bsc.CascadeTarget(OwnerKind.EMPLOYEE, employee.id, 10)])
        r = rs.save(None, ind, APRIL, rs.Entry(value="3"))
        rs.submit(None, r, r.version)
    db.session.commit()
    assert statements_for(w.people.kabid) == few
    assert few <= 20


def test_tasks_list_what_waits_and_notifications_are_read_on_view(client, auth, rworld):
    w = rworld
    login(auth, w, KABID)
    client.post(f"/realisasi/{w.ids['submitted']}/kembalikan", data={
        "version": _version(w.ids["submitted"]), "comment": "Lampirkan bukti."})
    auth.logout()
    login(auth, w, STAFF2)
    assert fresh(select(func.count()).select_from(Notification).where(
        Notification.user_id == w.people.staff2.id, Notification.read_at.is_(None))) == 1
    r = client.get("/realisasi/tugas")
    assert r.status_code == 200
    text = text_of(r)
    assert "Dikembalikan kepada Anda" in text and "Lampirkan bukti." in text and "Perbaiki" in text
    assert "Belum diajukan" in text and "Mei 2026" in text
    assert "dikembalikan: Lampirkan bukti." in text and "baru" in text
    assert fresh(select(func.count()).select_from(Notification).where(
        Notification.user_id == w.people.staff2.id, Notification.read_at.is_(None))) == 0
    r = client.post("/realisasi/tugas/baca", follow_redirects=True)
    assert "Tidak ada pemberitahuan baru." in text_of(r)


def test_a_closed_months_submission_is_listed_with_its_message_but_not_counted(client, auth, rworld, today):
    from datetime import date

    today(date(2026, 5, 11))  # April closed on 10 May
    login(auth, rworld, KABID)
    assert "Persetujuan <span" not in _menu(client)  # nothing to decide now
    r = client.get("/realisasi/persetujuan")
    text = text_of(r)
    assert rworld.org.staff2.name in text and "Periode April 2026 telah ditutup pada 10 Mei 2026" in text
    assert "0 realisasi menunggu keputusan Anda. 1 lainnya pada periode yang sudah ditutup" in text
    assert "Setujui terpilih" not in text and 'name="items"' not in r.get_data(as_text=True)
