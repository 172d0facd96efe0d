"""A3 pages: the governor's office overview of every OPD, an OPD's A3s with "Susun A3", the content
of a version (every item action and its refusals), printing all agreed A3s at once and the zip of
the printed files; and who may reach each route.

ROUTES_COVERED lists every route of the a3 blueprint with who may reach it, in the shape of
tests/test_access.py (identities, paths with {ids} from `a3_world`, POST data in A3_POST_DATA);
test_access.py reads it to know these routes have their access tests here.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from ekinerja import storage
from ekinerja.a3.models import A3Action, A3Attention, A3Attitude
from ekinerja.bsc.models import Indicator
from ekinerja.contracts import services as cs
from ekinerja.contracts.models import Agreement, AgreementVersion, DocumentKind, VersionStatus
from ekinerja.extensions import db
from ekinerja.org.models import Opd
from tests.a3.conftest import (ADMIN, AUDITOR, GOVERNOR, GOVERNOR_OFFICE, IDENTITIES, KABID, OPERATOR_A, OPERATOR_B,
                               PRINTED, SIGNING)
from tests.kit import is_login_redirect, snapshot, text_of

EVERYONE = frozenset(IDENTITIES)
PROVINCE_READERS = frozenset({ADMIN, GOVERNOR_OFFICE, GOVERNOR, AUDITOR})
A3_READERS = PROVINCE_READERS | {OPERATOR_A, OPERATOR_B, KABID}   # everyone with A3s to see: not plain staff
OPD_A_READERS = PROVINCE_READERS | {OPERATOR_A}
OPD_A_DRAFTERS = frozenset({ADMIN, GOVERNOR_OFFICE, OPERATOR_A})  # contracts.services.can_draft
PRINTERS = frozenset({GOVERNOR_OFFICE})


def both(path: str, allowed: frozenset[str]) -> list[tuple[str, str, frozenset[str]]]:
    return [("GET", path, allowed), ("POST", path, allowed)]


V = "/a3/versi/{version}"
# endpoint -> [(method, path, who may reach it)]. Ids come from a3_world.
ROUTES_COVERED: dict[str, list[tuple[str, str, frozenset[str]]]] = {
    "a3.index": [("GET", "/a3/", A3_READERS), ("GET", "/a3/?tahun=2026&opd={opd_a}", A3_READERS)],
    # The kabid starts his own A3 (he is its first party); his head and the staff may not.
    "a3.start": [("POST", "/a3/susun", OPD_A_DRAFTERS | {KABID})],
    "a3.version": [("GET", V, OPD_A_READERS)],
    "a3.attitude_new": both(V + "/attitude/baru", OPD_A_DRAFTERS),
    "a3.attitude_edit": both(V + "/attitude/{attitude}", OPD_A_DRAFTERS),
    "a3.attention_new": both(V + "/attention/baru", OPD_A_DRAFTERS),
    "a3.attention_edit": both(V + "/attention/{attention}", OPD_A_DRAFTERS),
    "a3.action_new": both(V + "/action/baru", OPD_A_DRAFTERS),
    "a3.action_edit": both(V + "/action/{action}", OPD_A_DRAFTERS),
    "a3.remove": [("POST", V + "/attitude/{attitude}/hapus", OPD_A_DRAFTERS)],
    "a3.move": [("POST", V + "/attitude/{attitude}/pindah", OPD_A_DRAFTERS)],
    "a3.refill": [("POST", "/a3/versi/{kabid2_version}/isi-otomatis", OPD_A_DRAFTERS)],
    "a3.print_all": both("/a3/cetak-semua", PRINTERS),
    "a3.printed": [("GET", "/a3/cetak-semua/{year}", PROVINCE_READERS)],
    "a3.printed_zip": [("GET", "/a3/cetak-semua/{year}.zip", PROVINCE_READERS)],
}

PRINT_FORM = {"pattern": "800/{n}/ORG/2026", "first": "1", "print_date": PRINTED.isoformat(),
              "signing_date": SIGNING.isoformat(), "place": "Mataram", "paper": "A3", "level": "semua"}

# A valid form for each POST: were a refusal missing, it would change the database.
A3_POST_DATA = {
    "/a3/susun": lambda w: {"position": w.ids["kabid_post"], "year": "2026"},
    V + "/attitude/baru": lambda w: {"commitment": "Disiplin hadir dan menyelesaikan tugas tepat waktu.",
                                     "indicator": "Kehadiran ≥ 98%"},
    V + "/attitude/{attitude}": lambda w: {"commitment": "Berorientasi pelayanan yang diubah.", "indicator": ""},
    V + "/attention/baru": lambda w: {"programme": "Program NTB Satu Data", "kind": "unggulan",
                                      "serves": f"iku:{w.iku2.id}"},
    V + "/attention/{attention}": lambda w: {"programme": "Program Layanan Publik Digital", "kind": "strategis",
                                             "serves": f"ss:{w.iku.top.objective_id}"},
    V + "/action/baru": lambda w: {"mode": "buat", "parent_id": w.iku2.id, "action": "Indeks kepuasan layanan Dinas Alfa",
                                   "unit_of_measure": "indeks", "target": "86", "budget": "150.000.000",
                                   "responsible_unit_id": w.org.bidang.id, "due_month": "12"},
    V + "/action/{action}": lambda w: {"mode": "pilih", "indicator_id": w.iku.opd.id, "target": "130",
                                       "budget": "1.250.000.000", "responsible_unit_id": w.org.bidang.id,
                                       "due_month": "11"},
    V + "/attitude/{attitude}/hapus": lambda w: {},
    V + "/attitude/{attitude}/pindah": lambda w: {"direction": "turun"},
    "/a3/versi/{kabid2_version}/isi-otomatis": lambda w: {},
    "/a3/cetak-semua": lambda w: dict(PRINT_FORM),
}

ALL_ROUTES = [(endpoint, *route) for endpoint, routes in ROUTES_COVERED.items() for route in routes]
POSTS = [r for r in ALL_ROUTES if r[1] == "POST"]


# ------------------------------------------------------------------ helpers


def fresh(stmt):
    with db.engine.connect() as conn:
        return conn.execute(stmt).scalar()


def fresh_all(stmt) -> list:
    with db.engine.connect() as conn:
        return list(conn.execute(stmt).all())


def stored_files(app) -> set[str]:
    from pathlib import Path

    root = Path(app.config["STORAGE_PATH"])
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def post(client, path: str, w, **override):
    return client.post(path.format(**w.ids), data={**A3_POST_DATA[path](w), **override})


def contents(version_id: int) -> dict[str, list]:
    """The version's items as stored (fresh connection): what a refused request must leave alone."""
    out = {}
    for model in (A3Attitude, A3Attention, A3Action):
        t = model.__table__
        out[t.name] = fresh_all(select(t).where(t.c.version_id == version_id).order_by(t.c.position))
    return out


# ------------------------------------------------------------------ access

def test_every_a3_route_is_covered(app):
    adapter = app.url_map.bind("localhost")
    listed = set()
    for endpoint, method, path, _ in ALL_ROUTES:
        rule, _args = adapter.match(path.split("?")[0].format_map({k: 1 for k in re.findall(r"{(\w+)}", path)}),
                                    method=method, return_rule=True)
        assert rule.endpoint == endpoint
        listed.add((method, rule.rule))
    in_app = {(m, rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("a3.")
              for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert in_app == listed
    assert all(path in A3_POST_DATA for _, method, path, _ in POSTS)


def test_anonymous_is_sent_to_log_in(client, a3_world):
    before = snapshot()
    for endpoint, method, path, _ in ALL_ROUTES:
        url = path.format(**a3_world.ids)
        r = client.get(url) if method == "GET" else client.post(url, data=A3_POST_DATA[path](a3_world))
        assert is_login_redirect(r), (method, url, r.status_code, r.headers.get("Location"))
        assert parse_qs(urlsplit(r.headers["Location"]).query)["next"] == [url]
    assert snapshot() == before


@pytest.mark.parametrize("endpoint, method, path, allowed", [r for r in ALL_ROUTES if r[1] == "GET"],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_get(client, auth, a3_world, endpoint, method, path, allowed):
    url = path.format(**a3_world.ids)
    for who in IDENTITIES:
        assert auth.login(a3_world.logins[who]).status_code == 302
        r = client.get(url)
        expected = 200 if who in allowed else 403
        assert r.status_code == expected, f"{who} GET {url}: {r.status_code}, expected {expected}"
        auth.logout()


@pytest.mark.parametrize("endpoint, method, path, allowed", POSTS, ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_post_refused(client, auth, a3_world, endpoint, method, path, allowed):
    for who in sorted(EVERYONE - allowed):
        assert auth.login(a3_world.logins[who]).status_code == 302
        before = snapshot()  # logging in writes (last login): compare from here
        r = post(client, path, a3_world)
        assert r.status_code == 403, f"{who} should be refused POST {path}: {r.status_code}"
        assert snapshot() == before, f"POST {path} refused to {who} yet changed the database"
        auth.logout()


@pytest.mark.parametrize("endpoint, method, path, who", [(e, m, p, who) for e, m, p, allowed in POSTS
                                                          for who in sorted(allowed)],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_post_allowed(client, auth, a3_world, endpoint, method, path, who):
    assert auth.login(a3_world.logins[who]).status_code == 302
    before = snapshot()
    r = post(client, path, a3_world)
    assert r.status_code == 302 and not is_login_redirect(r), f"{who} should reach POST {path}: {r.status_code}"
    assert snapshot() != before, f"POST {path} as {who} changed nothing: fix its A3_POST_DATA"


# ------------------------------------------------------------------ the overview and an OPD's A3s

def test_the_governor_office_sees_every_opd_with_its_status(client, auth, a3_world, make_opd):
    for n in range(3):
        make_opd(name=f"Badan Tanpa A3 {n}")
    db.session.commit()
    auth.login(a3_world.logins[GOVERNOR_OFFICE])
    r = client.get("/a3/?tahun=2026")
    assert r.status_code == 200
    page = text_of(r)
    opds = db.session.scalars(select(Opd)).all()
    assert len(opds) == 5
    for o in opds:
        assert o.name in page
    # Dinas Alfa: draft, version 1; Badan Beta: printed with its number; three not drawn up yet.
    assert re.search(r"Dinas Alfa .*? Kepala Alfa .*? Draf 1 ", page)
    assert re.search(r"Badan Beta .*? Kepala Beta .*? Dicetak 1 Dicetak 30 Januari 2026 No\. 800/7/ORG/2026", page)
    assert page.count("Belum disusun") == 3 + 2   # three rows, the chip and the status filter's option
    assert "5 Semua OPD" in page and "3 – Belum disusun" in page and "1 ✎ Draf" in page and "1 ▤ Dicetak" in page
    # The eselon IV A3 (agreed) is not a governor-level one: the overview counts OPDs only.
    assert "0 ✓ Disetujui" in page
    only = text_of(client.get("/a3/?tahun=2026&status=none"))
    assert "Badan Tanpa A3 0" in only and "Dinas Alfa" not in only and "3 dari 5 perangkat daerah" in only
    other_year = text_of(client.get("/a3/?tahun=2027"))
    assert "5 – Belum disusun" in other_year


def test_an_operator_sees_his_opd_and_starts_an_a3_prefilled_from_the_scorecard(client, auth, a3_world):
    w = a3_world
    auth.login(w.logins[OPERATOR_A])
    page = client.get("/a3/?tahun=2026")
    text = text_of(page)
    assert "Perjanjian A3 2026: Dinas Alfa" in text
    for post_name in ("Kepala Dinas Alfa", "Kepala Bidang Satu", "Kepala Seksi Layanan Digital", "Kepala Bidang Dua"):
        assert post_name in text
    assert "Badan Beta" not in text and "Analis" not in text  # another OPD; staff posts sign no A3
    assert text.count("Susun A3") == 1  # only the kabid's post has none
    # Operator A cannot look at OPD B through ?opd=.
    assert "Badan Beta" not in text_of(client.get(f"/a3/?opd={w.org.b.id}"))

    r = client.post("/a3/susun", data={"position": w.org.kabid.position.id, "year": "2026"})
    assert r.status_code == 302
    agreement = db.session.scalar(select(Agreement).where(Agreement.first_position_id == w.org.kabid.position.id))
    assert r.headers["Location"].endswith(f"/a3/versi/{agreement.latest.id}")
    v = agreement.latest
    assert [a.indicator_id for a in v.a3_actions] == [w.iku.unit.id]   # prefilled from the bidang's card
    assert len(v.a3_attitudes) == 4
    # Twice: refused with a message, nothing more made.
    again = client.post("/a3/susun", data={"position": w.org.kabid.position.id, "year": "2026"}, follow_redirects=True)
    assert "sudah ada" in text_of(again)
    assert fresh(select(func.count()).select_from(Agreement).where(
        Agreement.first_position_id == w.org.kabid.position.id)) == 1


def test_a_kabid_sees_his_own_and_those_below_not_his_neighbours(client, auth, a3_world):
    auth.login(a3_world.logins[KABID])
    text = text_of(client.get("/a3/"))
    assert "Kepala Bidang Satu" in text and "Kepala Seksi Layanan Digital" in text
    assert "Kepala Bidang Dua" not in text and "Kepala Dinas Alfa" not in text
    assert client.get(f"/a3/versi/{a3_world.kasi_version}").status_code == 200   # he is its second party
    assert client.get(f"/a3/versi/{a3_world.kabid2_version}").status_code == 403


# ------------------------------------------------------------------ the content page

def test_the_content_page_shows_the_three_sections_and_the_buttons_the_user_may_use(client, auth, a3_world):
    w = a3_world
    auth.login(w.logins[OPERATOR_A])
    r = client.get(f"/a3/versi/{w.a_version}")
    html, text = r.get_data(as_text=True), text_of(r)
    assert "Attitude 4" in text and "Attention 1" in text and "Action 1" in text
    assert "IKU-01 Jumlah layanan digital" in text and "Mendukung IKU-01 Jumlah layanan digital" in text
    assert "120 layanan" in text and "Bidang Satu" in text and "Desember" in text
    assert f'action="/perjanjian/versi/{w.a_version}/ajukan"' in html
    assert "/setujui" not in html and "Tambah Action dengan indikator baru" in text
    assert f'href="/perjanjian/{db.session.get(AgreementVersion, w.a_version).agreement_id}"' in html
    # The governor's office reviews a submitted one; the operator then sees no editing controls.
    cs.submit(None, db.session.get(AgreementVersion, w.a_version))
    db.session.commit()
    assert "Tambah Attitude" not in text_of(client.get(f"/a3/versi/{w.a_version}"))
    auth.logout()
    auth.login(w.logins[GOVERNOR_OFFICE])
    html = client.get(f"/a3/versi/{w.a_version}").get_data(as_text=True)
    assert f'action="/perjanjian/versi/{w.a_version}/setujui"' in html
    assert f'action="/perjanjian/versi/{w.a_version}/kembalikan"' in html and 'name="notes"' in html


def test_attitude_added_changed_moved_and_removed(client, auth, a3_world):
    w = a3_world
    auth.login(w.logins[OPERATOR_A])
    base = f"/a3/versi/{w.a_version}/attitude"
    bad = client.post(base + "/baru", data={"commitment": "  ", "indicator": "x" * 501})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert re.search(r'id="commitment-err">Komitmen sikap wajib diisi\.', html)
    assert re.search(r'id="indicator-err">[^<]*500', html)
    assert len(contents(w.a_version)["a3_attitude"]) == 4
    r = client.post(base + "/baru", data={"commitment": "Disiplin dan hadir tepat waktu.", "indicator": "Kehadiran ≥ 98%"})
    assert r.status_code == 302
    rows = contents(w.a_version)["a3_attitude"]
    assert [row.position for row in rows] == [1, 2, 3, 4, 5] and rows[-1].commitment == "Disiplin dan hadir tepat waktu."
    new_id = rows[-1].id
    assert r.headers["Location"].endswith(f"/a3/versi/{w.a_version}#attitude-{new_id}")
    form = client.get(f"{base}/{new_id}").get_data(as_text=True)
    assert "Disiplin dan hadir tepat waktu." in form and 'value="Kehadiran ≥ 98%"' in form
    assert client.post(f"{base}/{new_id}", data={"commitment": "Disiplin.", "indicator": ""}).status_code == 302
    assert contents(w.a_version)["a3_attitude"][-1].indicator is None
    # Up to first place, one step at a time; the first cannot go higher.
    for _ in range(5):
        assert client.post(f"{base}/{new_id}/pindah", data={"direction": "naik"}).status_code == 302
    rows = contents(w.a_version)["a3_attitude"]
    assert rows[0].id == new_id and [row.position for row in rows] == [1, 2, 3, 4, 5]
    second = rows[1].id
    assert client.post(f"{base}/{new_id}/hapus").status_code == 302
    rows = contents(w.a_version)["a3_attitude"]
    assert [row.position for row in rows] == [1, 2, 3, 4] and rows[0].id == second


def test_attention_must_serve_a_province_objective_or_iku_of_the_year(client, auth, a3_world):
    w = a3_world
    auth.login(w.logins[OPERATOR_A])
    base = f"/a3/versi/{w.a_version}/attention"
    form = client.get(base + "/baru").get_data(as_text=True)
    assert f'value="iku:{w.iku2.id}"' in form and f'value="ss:{w.iku.top.objective_id}"' in form
    assert f'value="iku:{w.iku.opd.id}"' not in form   # an OPD indicator is no choice
    before = contents(w.a_version)
    for serves, message in [("", "Pilih satu sasaran strategis atau IKU provinsi"),
                            (f"iku:{w.iku.opd.id}", "Pilih IKU provinsi tahun 2026."),
                            ("iku:999999", "Pilih IKU provinsi tahun 2026.")]:
        r = client.post(base + "/baru", data={"programme": "Program X", "kind": "strategis", "serves": serves})
        assert r.status_code == 422 and message in text_of(r), serves
    r = client.post(base + "/baru", data={"programme": "", "kind": "lain", "serves": f"iku:{w.iku2.id}"})
    assert r.status_code == 422 and "Nama program wajib diisi." in text_of(r) and "Pilih jenis program" in text_of(r)
    assert contents(w.a_version) == before
    assert client.post(base + "/baru", data={"programme": "Program NTB Satu Data", "kind": "unggulan",
                                             "serves": f"iku:{w.iku2.id}"}).status_code == 302
    row = contents(w.a_version)["a3_attention"][-1]
    assert (row.programme, row.kind, row.indicator_id, row.serves) == (
        "Program NTB Satu Data", "unggulan", w.iku2.id, "IKU-02 Indeks kepuasan masyarakat")
    r = client.post(f"{base}/{row.id}", data={"programme": "Program NTB Satu Data", "kind": "strategis",
                                              "serves": f"ss:{w.iku.top.objective_id}"})
    assert r.status_code == 302
    row = contents(w.a_version)["a3_attention"][-1]
    assert (row.objective_id, row.indicator_id, row.serves) == (
        w.iku.top.objective_id, None, "SS1 Meningkatnya layanan publik")


def test_action_picked_from_the_scorecard_with_defaults_and_errors(client, auth, a3_world):
    w = a3_world
    auth.login(w.logins[OPERATOR_A])
    base = f"/a3/versi/{w.a_version}/action"
    [action_id] = [row.id for row in contents(w.a_version)["a3_action"]]
    form = client.get(f"{base}/{action_id}").get_data(as_text=True)
    assert 'value="120"' in form and f'<option selected value="{w.iku.opd.id}">' in form
    before = contents(w.a_version)
    r = client.post(f"{base}/{action_id}", data={"mode": "pilih", "indicator_id": w.iku.unit.id, "target": "dua",
                                                 "q1": "1,23456", "budget": "-5", "responsible_unit_id": w.org.b_root.id,
                                                 "due_month": "12"})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    for field, message in [("indicator_id", "Pilih indikator dari kartu kinerja Dinas Alfa tahun 2026."),
                           ("target", "Target harus berupa angka"), ("q1", "Target TW I harus berupa angka"),
                           ("budget", "Anggaran harus 0 rupiah atau lebih."),
                           ("responsible_unit_id", "Pilih unit kerja Dinas Alfa yang bertanggung jawab.")]:
        assert re.search(rf'id="{field}-err">[^<]*{re.escape(message)}', html), field
    assert contents(w.a_version) == before
    r = client.post(f"{base}/{action_id}", data={"mode": "pilih", "indicator_id": w.iku.opd.id, "target": "150",
                                                 "q2": "70", "budget": "1.250.000.000", "responsible_unit_id": w.org.bidang.id,
                                                 "due_month": "10"})
    assert r.status_code == 302
    [row] = contents(w.a_version)["a3_action"]
    # The agreed target is 150: the empty quarters follow it (T·m/12 for a sum), TW II as typed.
    assert (row.target, row.q1, row.q2, row.q3, row.q4) == (150, 37.5, 70, 112.5, 150)
    assert (row.budget, row.responsible, row.due_month, row.code) == (1250000000, "Bidang Satu", 10, "IKU-01")
    # The same indicator twice is refused.
    r = client.post(base + "/baru", data={"mode": "pilih", "indicator_id": w.iku.opd.id,
                                          "responsible_unit_id": w.org.bidang.id, "due_month": "12"})
    assert r.status_code == 422 and "sudah menjadi Action nomor 1" in text_of(r)


def test_action_with_a_new_indicator_cascaded_from_the_province_iku(client, auth, a3_world):
    w = a3_world
    auth.login(w.logins[OPERATOR_A])
    base = f"/a3/versi/{w.a_version}/action/baru"
    form = text_of(client.get(base + "?cara=buat"))
    assert "IKU-02 Indeks kepuasan masyarakat" in form and "Buat indikator baru dari Action" in form
    before = snapshot()
    # IKU-01 is already on Dinas Alfa's card: the page says which indicator to pick instead.
    r = client.post(base, data={**A3_POST_DATA[V + "/action/baru"](w), "parent_id": w.iku.top.id})
    assert r.status_code == 422 and "sudah dikaskadekan ke kartu ini sebagai IKU-01" in text_of(r)
    r = client.post(base, data={"mode": "buat", "parent_id": w.iku2.id, "action": "", "unit_of_measure": "",
                                "target": "", "responsible_unit_id": w.org.bidang.id, "due_month": "12"})
    text = text_of(r)
    assert r.status_code == 422 and "Nama indikator (Action) wajib diisi." in text and "Satuan wajib diisi." in text \
        and "Target wajib diisi." in text
    assert snapshot() == before
    r = post(client, V + "/action/baru", w)
    assert r.status_code == 302
    row = contents(w.a_version)["a3_action"][-1]
    made = db.session.get(Indicator, row.indicator_id)
    assert made.scorecard_id == w.iku.opd.scorecard_id and made.parent_id == w.iku2.id
    assert (made.name, made.unit_of_measure, made.target, made.cascade_kind.value) == (
        "Indeks kepuasan layanan Dinas Alfa", "indeks", 86, "direct")
    assert (row.action, row.code, row.target, row.q1, row.q4, row.serves) == (
        "Indeks kepuasan layanan Dinas Alfa", made.code, 86, 86, 86, "IKU-02 Indeks kepuasan masyarakat")


def test_operator_b_and_the_kabid_change_nothing_of_opd_a(client, auth, a3_world):
    w = a3_world
    for who in (OPERATOR_B, KABID, AUDITOR):
        auth.login(w.logins[who])
        before = snapshot()
        for path in (V + "/attitude/baru", V + "/action/{action}", V + "/attention/{attention}",
                     V + "/attitude/{attitude}/hapus", V + "/attitude/{attitude}/pindah"):
            assert post(client, path, w).status_code == 403, (who, path)
        assert snapshot() == before
        auth.logout()


def test_an_item_of_another_version_is_not_found(client, auth, a3_world):
    w = a3_world
    kasi = db.session.get(AgreementVersion, w.kasi_version)
    auth.login(w.logins[GOVERNOR_OFFICE])
    before = snapshot()
    other = kasi.a3_attitudes[0].id
    assert client.post(f"/a3/versi/{w.a_version}/attitude/{other}/hapus").status_code == 404
    assert client.post(f"/a3/versi/{w.a_version}/attitude/{other}",
                       data={"commitment": "Diambil alih"}).status_code == 404
    assert snapshot() == before


def _sign(version_id: int, scan) -> None:
    v = db.session.get(AgreementVersion, version_id)
    cs.submit(None, v)
    cs.agree(None, v)
    cs.print_(None, v, "800/1/ORG/2026", PRINTED, SIGNING)
    cs.record_signing(None, v, scan, "a3.pdf", SIGNING)
    db.session.commit()


@pytest.mark.parametrize("status", ["signed", "published", "submitted"])
def test_every_item_post_on_a_frozen_or_submitted_version_is_refused(client, auth, a3_world, scan, status):
    """Whatever the item action, a signed (or published, or submitted) version does not change:
    the page refuses it with a message and nothing in the database moves."""
    w = a3_world
    if status == "submitted":
        cs.submit(None, db.session.get(AgreementVersion, w.a_version))
        db.session.commit()
    else:
        _sign(w.a_version, scan)
        if status == "published":
            cs.publish(None, db.session.get(AgreementVersion, w.a_version))
            db.session.commit()
    auth.login(w.logins[GOVERNOR_OFFICE])
    before = snapshot()
    item_posts = [p for p in A3_POST_DATA if p.startswith(V)]
    assert len(item_posts) == 8
    for path in item_posts + ["/a3/versi/{version}/isi-otomatis"]:
        data = A3_POST_DATA[path](w) if path in A3_POST_DATA else {}
        r = client.post(path.format(**w.ids), data=data)
        assert r.status_code == 422, (path, r.status_code)
        assert ("sudah ditandatangani" if status != "submitted" else "berstatus Diajukan") in text_of(r), path
    for path in (V + "/attitude/baru", V + "/action/{action}", V + "/attention/{attention}"):
        assert client.get(path.format(**w.ids)).status_code == 422
    assert snapshot() == before
    page = client.get(f"/a3/versi/{w.a_version}")
    assert "Tambah Attitude" not in text_of(page) and "/hapus" not in page.get_data(as_text=True)


def test_a_signed_version_reads_as_signed_when_the_scorecard_changes(client, auth, a3_world, scan):
    w = a3_world
    _sign(w.a_version, scan)
    ind = db.session.get(Indicator, w.iku.opd.id)
    ind.name, ind.target = "Nama baru di kartu kinerja", 999
    db.session.commit()
    auth.login(w.logins[OPERATOR_A])
    text = text_of(client.get(f"/a3/versi/{w.a_version}"))
    assert "IKU-01 Jumlah layanan digital" in text and "120 layanan" in text
    assert "Nama baru di kartu kinerja" not in text and "Versi ini sudah ditandatangani" in text


def test_refill_adds_what_the_scorecard_now_has(client, auth, a3_world):
    w = a3_world
    auth.login(w.logins[OPERATOR_A])
    assert contents(w.kabid2_version)["a3_action"] == []
    r = client.post(f"/a3/versi/{w.kabid2_version}/isi-otomatis", follow_redirects=True)
    assert "Diisi dari kartu kinerja: 0 Attitude, 1 Attention, 1 Action." in text_of(r)
    [row] = contents(w.kabid2_version)["a3_action"]
    assert (row.code, row.target, row.responsible) == ("IKU-01", 40, None)
    r = client.post(f"/a3/versi/{w.kabid2_version}/isi-otomatis", follow_redirects=True)
    assert "Tidak ada yang ditambahkan" in text_of(r)


# ------------------------------------------------------------------ printing all

def _agree_a(w):
    v = db.session.get(AgreementVersion, w.a_version)
    cs.submit(None, v)
    cs.agree(None, v)
    db.session.commit()


def test_print_all_prints_every_agreed_a3_and_nothing_else(client, auth, a3_world, app):
    w = a3_world
    _agree_a(w)   # Dinas Alfa's A3 agreed too; the kabid2 draft and Beta's printed one stay as they are
    auth.login(w.logins[GOVERNOR_OFFICE])
    page = text_of(client.get("/a3/cetak-semua?tahun=2026"))
    assert "Menunggu dicetak 2" in page and "Dinas Alfa" in page and "Kepala Seksi Layanan Digital" in page
    others = {v: fresh_all(select(AgreementVersion.__table__).where(AgreementVersion.id == v))
              for v in (w.kabid2_version, w.b_version)}
    files = stored_files(app)
    r = client.post("/a3/cetak-semua?tahun=2026", data={**PRINT_FORM, "pattern": "800/{n}/{kode}/{tahun}", "first": "12"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/a3/cetak-semua/2026")
    a, kasi = db.session.get(AgreementVersion, w.a_version), db.session.get(AgreementVersion, w.kasi_version)
    db.session.refresh(a)
    db.session.refresh(kasi)
    # In OPD code order; within an OPD, the governor's level first.
    assert (a.status, a.print_number, a.print_date, a.planned_signing_date) == (
        VersionStatus.PRINTED, f"800/12/{w.org.a.code}/2026", PRINTED, SIGNING)
    assert (kasi.status, kasi.print_number, kasi.printed_paper) == (VersionStatus.PRINTED, f"800/13/{w.org.a.code}/2026", "A3")
    assert a.first_name == "Kepala Alfa" and kasi.second_name == "Kabid Satu"
    assert storage.read(a.printed_key)[:4] == b"%PDF" and hashlib.sha256(storage.read(kasi.printed_key)).hexdigest() == kasi.printed_sha256
    assert len(stored_files(app) - files) == 2
    for v, rows in others.items():
        assert fresh_all(select(AgreementVersion.__table__).where(AgreementVersion.id == v)) == rows
    listed = text_of(client.get("/a3/cetak-semua/2026"))
    assert f"800/12/{w.org.a.code}/2026" in listed and "800/7/ORG/2026" in listed and "2 perjanjian A3 2026 dicetak." in listed
    assert f'href="/perjanjian/versi/{a.id}/pdf"' in client.get("/a3/cetak-semua/2026").get_data(as_text=True)
    # Again: nothing agreed is left to print.
    r = client.post("/a3/cetak-semua?tahun=2026", data=PRINT_FORM)
    assert r.status_code == 422 and "Belum ada perjanjian A3 2026 berstatus Disetujui." in text_of(r)


def test_print_all_governor_level_only_leaves_the_cascaded_ones(client, auth, a3_world):
    w = a3_world
    _agree_a(w)
    auth.login(w.logins[GOVERNOR_OFFICE])
    r = client.post("/a3/cetak-semua?tahun=2026", data={**PRINT_FORM, "level": "governor_opd", "paper": "A4"})
    assert r.status_code == 302
    assert fresh(select(AgreementVersion.status).where(AgreementVersion.id == w.a_version)) == "printed"
    assert fresh(select(AgreementVersion.printed_paper).where(AgreementVersion.id == w.a_version)) == "A4"
    assert fresh(select(AgreementVersion.status).where(AgreementVersion.id == w.kasi_version)) == "agreed"


def test_print_all_is_all_or_nothing(client, auth, a3_world, app):
    """The kasi's post was vacant on the signing day: his A3 cannot be printed, and neither is
    Dinas Alfa's, although nothing was wrong with it; no file stays behind."""
    from ekinerja.org.services import release_position

    w = a3_world
    _agree_a(w)
    release_position(None, w.kasi, SIGNING.replace(day=1))
    db.session.commit()
    auth.login(w.logins[GOVERNOR_OFFICE])
    before, files = snapshot(), stored_files(app)
    r = client.post("/a3/cetak-semua?tahun=2026", data=PRINT_FORM)
    assert r.status_code == 422
    text = text_of(r)
    assert "Tidak ada yang dicetak" in text
    assert "Kepala Seksi Layanan Digital (Dinas Alfa): Tidak ada pejabat yang memegang jabatan" in text
    assert snapshot() == before and stored_files(app) == files
    for field, data, message in [
            ("pattern", {"pattern": "800/ORG/2026"}, "Pola nomor harus memuat {n}"),
            ("pattern", {"pattern": "800/{nomor}/2026"}, "bukan {nomor}"),
            ("signing_date", {"signing_date": "2026-01-01"}, "Tanggal penandatanganan tidak boleh sebelum tanggal cetak."),
            ("print_date", {"print_date": ""}, "Tanggal cetak wajib diisi.")]:
        r = client.post("/a3/cetak-semua?tahun=2026", data={**PRINT_FORM, **data})
        assert r.status_code == 422
        assert re.search(rf'id="{field}-err">[^<]*{re.escape(message)}', r.get_data(as_text=True)), field
    assert snapshot() == before and stored_files(app) == files


def test_the_zip_holds_every_printed_pdf_with_a_list(client, auth, a3_world):
    w = a3_world
    _agree_a(w)
    auth.login(w.logins[GOVERNOR_OFFICE])
    assert client.post("/a3/cetak-semua?tahun=2026", data=PRINT_FORM).status_code == 302
    auth.logout()
    auth.login(w.logins[AUDITOR])   # reading the files is for every province-wide reader
    r = client.get("/a3/cetak-semua/2026.zip")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    assert "perjanjian-a3-2026.zip" in r.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(r.data))
    versions = db.session.scalars(select(AgreementVersion).where(AgreementVersion.printed_key.is_not(None))).all()
    assert len(versions) == 3
    names = set(archive.namelist())
    assert names == {"daftar-berkas.csv"} | {f"a3-2026-{v.agreement.opd.code}-{v.agreement.level.value}"
                                            f"{'' if v.agreement.level.value == 'governor_opd' else '-j' + str(v.agreement.first_position_id)}"
                                            f"-v{v.number}.pdf" for v in versions}
    listing = list(csv.DictReader(io.StringIO(archive.read("daftar-berkas.csv").decode()), delimiter=";"))
    assert len(listing) == 3
    for row in listing:
        data = archive.read(row["berkas"])
        assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == row["sha256"]
    assert {row["nomor"] for row in listing} == {"800/1/ORG/2026", "800/2/ORG/2026", "800/7/ORG/2026"}
    assert client.get("/a3/cetak-semua/2025.zip").status_code == 404


def test_the_year_of_another_kind_is_not_mixed_in(client, auth, a3_world):
    """A PK of the same post is not an A3: the pages and the print-all leave it alone."""
    w = a3_world
    pk = cs.create(None, DocumentKind.PK, 2026, w.org.a_head.position)
    db.session.commit()
    auth.login(w.logins[GOVERNOR_OFFICE])
    assert client.get(f"/a3/versi/{pk.latest.id}").status_code == 404
    assert client.post(f"/a3/versi/{pk.latest.id}/attitude/baru", data={"commitment": "x"}).status_code == 404
