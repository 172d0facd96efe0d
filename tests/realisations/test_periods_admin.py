"""The administration page of the monthly periods (/admin/periode): the twelve months with their
deadline, state, lock and reopenings; setting the deadline day, locking, unlocking, reopening for
named OPDs. Administrators only; a refusal keeps what was typed and changes nothing.

ROUTES_COVERED lists every route of the `periods` blueprint (and the two e-mail forms added with the
notifications: the administrator's on a user's page, everyone's own on the account page) with who may reach it, in the shape of
tests/test_access.py; the tests below run the matrix.
"""
from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from ekinerja.audit.models import AuditEntry
from ekinerja.auth.models import User
from ekinerja.extensions import db
from ekinerja.realisations import periods
from ekinerja.realisations.models import PeriodLock, PeriodReopening, PeriodSetting
from tests.kit import is_login_redirect, snapshot, text_of

ADMIN, GOVERNOR_OFFICE, GOVERNOR, AUDITOR = "admin", "governor_office", "governor", "auditor"
OPERATOR_A, OPERATOR_B = "operator_a", "operator_b"
KABID, STAFF1, B_STAFF = "kabid", "staff1", "b_staff"
IDENTITIES = [ADMIN, GOVERNOR_OFFICE, GOVERNOR, AUDITOR, OPERATOR_A, OPERATOR_B, KABID, STAFF1, B_STAFF]
EVERYONE = frozenset(IDENTITIES)
ADMINS = frozenset({ADMIN})

# endpoint -> [(method, path, who may reach it)]; ids come from `world`. Today is 4 May 2026.
ROUTES_COVERED: dict[str, list[tuple[str, str, frozenset[str]]]] = {
    "periods.index": [("GET", "/admin/periode/", ADMINS), ("GET", "/admin/periode/?tahun=2025", ADMINS)],
    "periods.deadline": [("POST", "/admin/periode/2026/batas", ADMINS)],
    "periods.lock": [("POST", "/admin/periode/2026/3/kunci", ADMINS)],
    "periods.unlock": [("POST", "/admin/periode/2026/2/buka-kunci", ADMINS)],  # February is locked in `world`
    "periods.reopen": [("POST", "/admin/periode/2026/buka-kembali", ADMINS)],
    "admin.user_email": [("POST", "/admin/pengguna/{target}/surel", ADMINS)],
    "auth.own_email": [("POST", "/akun/surel", EVERYONE)],  # each his own address
}

# A valid form for each POST: were a refusal missing, it would change the database.
POST_DATA = {
    "/admin/periode/2026/batas": lambda w: {"deadline_day": "12"},
    "/admin/periode/2026/3/kunci": lambda w: {},
    "/admin/periode/2026/2/buka-kunci": lambda w: {},
    "/admin/periode/2026/buka-kembali": lambda w: {"month": "3", "opd": [str(w.ids["opd_a"])],
                                                   "reason": "Surat Kepala Dinas Alfa nomor 800/17",
                                                   "until": "2026-05-31"},
    "/admin/pengguna/{target}/surel": lambda w: {"email": "sasaran@ntbprov.go.id"},
    "/akun/surel": lambda w: {"email": "saya@ntbprov.go.id"},
}

ALL_ROUTES = [(endpoint, *route) for endpoint, routes in ROUTES_COVERED.items() for route in routes]
POSTS = [r for r in ALL_ROUTES if r[1] == "POST"]


# ------------------------------------------------------------------ fixtures and helpers

@pytest.fixture
def world(org, make_user, today):
    users = {
        ADMIN: make_user("admin", username="admin"),
        GOVERNOR_OFFICE: make_user("governor_office", username="biro.organisasi"),
        GOVERNOR: make_user("governor", username="gubernur"),
        AUDITOR: make_user("auditor", username="inspektorat"),
        OPERATOR_A: make_user(("opd_operator", org.a), username="operator.a"),
        OPERATOR_B: make_user(("opd_operator", org.b), username="operator.b"),
    }
    target = make_user(("opd_operator", org.b), username="sasaran")
    for name, employee in ((KABID, org.kabid), (STAFF1, org.staff1), (B_STAFF, org.b_staff)):
        users[name] = db.session.scalar(select(User).where(User.employee_id == employee.id))
    periods.lock(users[ADMIN], 2026, 2)
    db.session.commit()
    w = SimpleNamespace(org=org, ids={"opd_a": org.a.id, "opd_b": org.b.id, "target": target.id},
                        logins={name: u.username for name, u in users.items()},
                        user_ids={name: u.id for name, u in users.items()})
    db.session.commit()  # end the read: requests see fresh data (MariaDB's snapshots)
    return w


def fresh(stmt):
    with db.engine.connect() as conn:
        return conn.execute(stmt).scalar()


def row_text(response, month: int) -> str:
    """The visible text of one month's row of the table."""
    html = response.get_data(as_text=True)
    start = html.index(f'<tr id="bulan-{month}">')
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start:html.index("</tr>", start)])).strip()


def post(client, path: str, w, **changes):
    return client.post(path, data={**POST_DATA[path](w), **changes})


# ------------------------------------------------------------------ access

def test_every_periods_route_is_covered(app):
    adapter = app.url_map.bind("localhost")
    listed = set()
    for endpoint, method, path, _ in ALL_ROUTES:
        rule, _args = adapter.match(path.split("?")[0].format_map({"target": 1}), method=method, return_rule=True)
        assert rule.endpoint == endpoint
        listed.add((method, rule.rule))
    in_app = {(m, rule.rule) for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("periods.") or rule.endpoint in ("admin.user_email", "auth.own_email")
              for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert in_app == listed
    assert all(path in POST_DATA for _, method, path, _ in POSTS)


def test_anonymous_is_sent_to_log_in(client, world):
    before = snapshot()
    for endpoint, method, path, _ in ALL_ROUTES:
        url = path.format(**world.ids)
        r = client.get(url) if method == "GET" else client.post(url, data=POST_DATA[path](world))
        assert is_login_redirect(r), (method, url, r.status_code)
        assert parse_qs(urlsplit(r.headers["Location"]).query)["next"] == [url]
    assert snapshot() == before


@pytest.mark.parametrize("endpoint, method, path, allowed", [r for r in ALL_ROUTES if r[1] == "GET"],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_get(client, auth, world, endpoint, method, path, allowed):
    for who in IDENTITIES:
        assert auth.login(world.logins[who]).status_code == 302
        r = client.get(path.format(**world.ids))
        assert r.status_code == (200 if who in allowed else 403), (who, path, r.status_code)
        auth.logout()


@pytest.mark.parametrize("endpoint, method, path, allowed", POSTS, ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_post_refused(client, auth, world, endpoint, method, path, allowed):
    for who in sorted(EVERYONE - allowed):
        assert auth.login(world.logins[who]).status_code == 302
        before = snapshot()  # logging in writes (last login, the attempt): compare from here
        r = client.post(path.format(**world.ids), data=POST_DATA[path](world))
        assert r.status_code == 403, f"{who} should be refused POST {path}: {r.status_code}"
        assert snapshot() == before, f"POST {path} refused to {who} yet changed the database"
        auth.logout()


@pytest.mark.parametrize("endpoint, method, path, allowed", POSTS, ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_post_allowed(client, auth, world, endpoint, method, path, allowed):
    for who in sorted(allowed):
        assert auth.login(world.logins[who]).status_code == 302
        before = snapshot()
        r = client.post(path.format(**world.ids), data=POST_DATA[path](world))
        assert r.status_code == 302 and not is_login_redirect(r), (who, path, r.status_code)
        assert snapshot() != before, f"POST {path} as {who} changed nothing: fix its POST_DATA"
        auth.logout()


# ------------------------------------------------------------------ the page

def test_the_page_shows_twelve_months_with_deadline_and_state(client, auth, world):
    auth.login("admin")
    r = client.get("/admin/periode/?tahun=2026")
    assert r.status_code == 200
    assert [row_text(r, m).split(" ")[0] for m in range(1, 13)] == [
        "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
        "November", "Desember"]
    # today 4 May 2026: March closed on 10 April, April open until 10 May, May begun, June not yet
    assert "10 April 2026" in row_text(r, 3) and "ditutup" in row_text(r, 3)
    assert "10 Mei 2026 terbuka" in row_text(r, 4)
    assert "terbuka" in row_text(r, 5)
    assert "belum dimulai" in row_text(r, 6)
    assert "10 Januari 2027" in row_text(r, 12)  # December closes in January of the next year
    assert "dikunci" in row_text(r, 2) and "oleh Pengguna Uji" in row_text(r, 2)
    assert "Buka kunci" in row_text(r, 2) and "Kunci" in row_text(r, 3) and "Kunci" not in row_text(r, 6)


def test_the_year_argument_and_a_nonsense_year(client, auth, world):
    auth.login("admin")
    assert "Periode realisasi 2025" in text_of(client.get("/admin/periode/?tahun=2025"))
    assert "Periode realisasi 2026" in text_of(client.get("/admin/periode/?tahun=abc"))
    before = snapshot()
    assert client.post("/admin/periode/1999/3/kunci").status_code == 404
    assert client.post("/admin/periode/1999/batas", data={"deadline_day": "5"}).status_code == 404
    assert snapshot() == before


# ------------------------------------------------------------------ deadline day

def test_setting_the_deadline_day_moves_every_deadline_of_the_year(client, auth, world):
    auth.login("admin")
    r = client.post("/admin/periode/2026/batas", data={"deadline_day": "5"}, follow_redirects=True)
    assert "Batas pengisian tahun 2026: tanggal 5 bulan berikutnya." in text_of(r)
    assert fresh(select(PeriodSetting.deadline_day).where(PeriodSetting.year == 2026)) == 5
    assert "5 Mei 2026 terbuka" in row_text(r, 4)  # today is 4 May
    assert "5 April 2026 ditutup" in row_text(r, 3)
    assert "5 Januari 2027" in row_text(r, 12)
    assert "10 Mei 2027" in row_text(client.get("/admin/periode/?tahun=2027"), 4)  # other years keep the default


@pytest.mark.parametrize("typed, message", [("0", "Tanggal batas harus 1–28."), ("29", "Tanggal batas harus 1–28."),
                                            ("", "Tanggal batas wajib diisi."), ("sepuluh", "Harus berupa bilangan bulat.")])
def test_a_bad_deadline_day_is_refused_and_kept(client, auth, world, typed, message):
    auth.login("admin")
    before = snapshot()
    r = client.post("/admin/periode/2026/batas", data={"deadline_day": typed})
    assert r.status_code == 422
    assert message in text_of(r)
    [typed_back] = re.findall(r'<input[^>]*name="deadline_day"[^>]*value="([^"]*)"', r.get_data(as_text=True))
    assert typed_back == typed
    assert snapshot() == before


# ------------------------------------------------------------------ lock and unlock

def test_lock_then_unlock_a_month(client, auth, world):
    auth.login("admin")
    r = client.post("/admin/periode/2026/4/kunci", follow_redirects=True)
    assert "Periode April 2026 dikunci" in text_of(r)
    assert "dikunci" in row_text(r, 4) and "Pengguna Uji" in row_text(r, 4)
    lock = fresh(select(PeriodLock.locked_by_id).where(PeriodLock.year == 2026, PeriodLock.month == 4))
    assert lock == world.user_ids[ADMIN]
    with pytest.raises(Exception) as refused:
        periods.require_open(2026, 4, world.ids["opd_a"])
    assert "dikunci" in str(refused.value)

    before = snapshot()
    r = client.post("/admin/periode/2026/4/kunci", follow_redirects=True)
    assert "sudah dikunci sebelumnya" in text_of(r)
    assert snapshot() == before  # locking twice changes nothing

    r = client.post("/admin/periode/2026/4/buka-kunci", follow_redirects=True)
    assert "Kunci periode April 2026 dibuka; periode ini terbuka sampai batas pengisiannya." in text_of(r)
    assert "terbuka" in row_text(r, 4)
    r = client.post("/admin/periode/2026/2/buka-kunci", follow_redirects=True)
    assert "tetap ditutup" in text_of(r) and "ditutup" in row_text(r, 2)
    before = snapshot()
    r = client.post("/admin/periode/2026/2/buka-kunci", follow_redirects=True)
    assert "Periode Februari 2026 tidak sedang dikunci." in text_of(r)
    assert snapshot() == before


def test_a_month_that_does_not_exist_is_refused(client, auth, world):
    auth.login("admin")
    before = snapshot()
    r = client.post("/admin/periode/2026/13/kunci", follow_redirects=True)
    assert "Bulan harus 1–12." in text_of(r)
    assert snapshot() == before


# ------------------------------------------------------------------ reopening

def test_reopen_for_two_named_opds(client, auth, world):
    auth.login("admin")
    path = "/admin/periode/2026/buka-kembali"
    r = post(client, path, world, month="2", opd=[str(world.ids["opd_a"]), str(world.ids["opd_b"])],
             follow_redirects=False)
    assert r.status_code == 302
    r = client.get(r.headers["Location"])
    assert "Periode Februari 2026 dibuka kembali untuk Badan Beta, Dinas Alfa sampai dengan 31 Mei 2026." in text_of(r)
    row = row_text(r, 2)
    for part in ("Dinas Alfa s.d. 31 Mei 2026", "Badan Beta s.d. 31 Mei 2026", "Surat Kepala Dinas Alfa nomor 800/17",
                 "oleh Pengguna Uji"):
        assert part in row
    rows = db.session.scalars(select(PeriodReopening).order_by(PeriodReopening.opd_id)).all()
    assert [(x.month, x.opd_id, x.until, x.created_by_id) for x in rows] == [
        (2, world.ids["opd_a"], date(2026, 5, 31), world.user_ids[ADMIN]),
        (2, world.ids["opd_b"], date(2026, 5, 31), world.user_ids[ADMIN])]
    # open again for those two only, although February stays locked
    assert periods.month_state(2026, 2, world.ids["opd_a"]).open
    assert not periods.month_state(2026, 2, None).open


def test_a_reopening_that_has_ended_is_no_longer_shown(client, auth, world, today):
    auth.login("admin")
    post(client, "/admin/periode/2026/buka-kembali", world, until="2026-05-06")
    assert "Dinas Alfa s.d. 6 Mei 2026" in row_text(client.get("/admin/periode/"), 3)
    today(date(2026, 5, 7))
    assert "Dinas Alfa" not in row_text(client.get("/admin/periode/"), 3)


@pytest.mark.parametrize("changes, field, message", [
    ({"reason": ""}, "reason", "Alasan wajib diisi"),
    ({"reason": "singkat"}, "reason", "sekurang-kurangnya 10 karakter"),
    ({"until": ""}, "until", "Tanggal berakhir wajib diisi."),
    ({"until": "2026-05-03"}, "until", "Tanggal berakhir tidak boleh sebelum hari ini."),
    ({"until": "31-05-2026"}, "until", "Tanggal tidak valid"),
    ({"opd": []}, "opd", "Pilih sekurang-kurangnya satu OPD."),
    ({"opd": ["999999"]}, "opd", "Ada perangkat daerah yang tidak dikenal."),
    ({"opd": ["bukan-angka"]}, "opd", "Ada perangkat daerah yang tidak dikenal."),
])
def test_a_refused_reopening_keeps_what_was_typed(client, auth, world, changes, field, message):
    auth.login("admin")
    before = snapshot()
    r = post(client, "/admin/periode/2026/buka-kembali", world, month="3", **changes)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert message in text_of(r)
    assert f'id="{field}-err"' in html  # the message stands at its field
    assert "Perubahan belum disimpan" in text_of(r)  # and the top of a long page says where
    # what was typed is still there
    data = {**POST_DATA["/admin/periode/2026/buka-kembali"](world), **changes}
    if data["reason"]:
        assert data["reason"] in html
    if data["until"]:
        assert f'value="{data["until"]}"' in html
    if data["opd"] and field != "opd":
        assert re.search(rf'<option selected value="{world.ids["opd_a"]}"|<option value="{world.ids["opd_a"]}" selected', html)
    assert re.search(r'<option selected value="3"|<option value="3" selected', html)
    assert snapshot() == before


# ------------------------------------------------------------------ the audit trail names the administrator

def test_page_actions_are_in_the_audit_trail_with_the_administrator(client, auth, world):
    auth.login("admin")
    client.post("/admin/periode/2026/3/kunci")
    client.post("/admin/periode/2026/batas", data={"deadline_day": "12"})
    post(client, "/admin/periode/2026/buka-kembali", world)
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity.in_(["period_lock", "period_setting", "period_reopening"]),
        AuditEntry.actor_id == world.user_ids[ADMIN])).all()
    assert {e.entity for e in entries} == {"period_lock", "period_setting", "period_reopening"}
    assert all(e.actor_label == "admin" for e in entries)


# ------------------------------------------------------------------ the administrator sets a user's e-mail

def test_administrator_sets_and_clears_a_users_email(client, auth, world):
    auth.login("admin")
    url = f"/admin/pengguna/{world.ids['target']}"
    r = client.post(f"{url}/surel", data={"email": "  sasaran@ntbprov.go.id "}, follow_redirects=True)
    assert "Surel sasaran@ntbprov.go.id disimpan." in text_of(r)
    assert fresh(select(User.email).where(User.id == world.ids["target"])) == "sasaran@ntbprov.go.id"
    assert 'value="sasaran@ntbprov.go.id"' in client.get(url).get_data(as_text=True)
    r = client.post(f"{url}/surel", data={"email": ""}, follow_redirects=True)
    assert "Surel dihapus." in text_of(r)
    assert fresh(select(User.email).where(User.id == world.ids["target"])) is None


@pytest.mark.parametrize("typed", ["bukan-alamat", "a@b", "a@b.id, c@d.id", "a@b.id\r\nBcc: c@d.id", "x y@b.id"])
def test_a_bad_email_is_refused_and_kept(client, auth, world, typed):
    auth.login("admin")
    before = snapshot()
    r = client.post(f"/admin/pengguna/{world.ids['target']}/surel", data={"email": typed})
    assert r.status_code == 422
    assert "Alamat surel tidak valid" in text_of(r)
    assert snapshot() == before


def test_a_new_user_with_an_email(client, auth, world):
    auth.login("admin")
    r = client.post("/admin/pengguna/baru", data={"username": "pengguna.surel", "display_name": "Pengguna Surel",
                                                  "password": "kata-sandi-baru-77", "role": "auditor", "opd": "",
                                                  "email": "surel@ntbprov.go.id"})
    assert r.status_code == 302
    assert fresh(select(User.email).where(User.username == "pengguna.surel")) == "surel@ntbprov.go.id"
    before = fresh(select(func.count()).select_from(User))
    r = client.post("/admin/pengguna/baru", data={"username": "pengguna.lain", "display_name": "Pengguna Lain",
                                                  "password": "kata-sandi-baru-77", "role": "auditor", "opd": "",
                                                  "email": "salah"})
    assert r.status_code == 422 and "Alamat surel tidak valid" in text_of(r)
    assert 'value="pengguna.lain"' in r.get_data(as_text=True)
    assert fresh(select(func.count()).select_from(User)) == before


def test_a_user_sets_his_own_email_on_the_account_page(client, auth, world):
    auth.login(world.logins[STAFF1])
    page = client.get("/akun/kata-sandi")
    assert page.status_code == 200 and "Surel pemberitahuan" in text_of(page)
    r = client.post("/akun/surel", data={"email": "staf.satu@ntbprov.go.id"}, follow_redirects=True)
    assert "Surel staf.satu@ntbprov.go.id disimpan." in text_of(r)
    assert fresh(select(User.email).where(User.id == world.user_ids[STAFF1])) == "staf.satu@ntbprov.go.id"
    before = snapshot()
    r = client.post("/akun/surel", data={"email": "staf satu@ntbprov"})
    assert r.status_code == 422 and "Alamat surel tidak valid" in text_of(r)
    assert 'value="staf satu@ntbprov"' in r.get_data(as_text=True)
    assert snapshot() == before
    # only his own: nobody else's address changed
    assert fresh(select(func.count()).select_from(User).where(User.email.is_not(None))) == 1
