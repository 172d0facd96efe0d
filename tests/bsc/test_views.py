"""Scorecard pages: the list, a scorecard with its figures, building one, the cascade screen, the
strategy map, the cascade tree and the gaps; and who may reach each of them.

ROUTES_COVERED lists every route of the bsc blueprint with who may reach it, in the shape of
tests/test_access.py (identities, paths with {ids} from `bsc_world`, POST data in BSC_POST_DATA),
for the lead to merge into ROUTES there. Until then test_route_matrix below runs the same checks.
"""
from __future__ import annotations

import re
from decimal import Decimal as D
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from ekinerja.auth.models import User
from ekinerja.bsc import services
from ekinerja.bsc.cascade import scorecard_figures, scorecards_nko
from ekinerja.bsc.models import Indicator, Objective, OwnerKind, RealisationStatus, Scorecard
from ekinerja.extensions import db
from tests.kit import assert_routes_listed, is_login_redirect, snapshot, text_of

# ------------------------------------------------------------------ who (the names of tests/test_access.py)

ADMIN, GOVERNOR_OFFICE, GOVERNOR, AUDITOR = "admin", "governor_office", "governor", "auditor"
OPERATOR_A, OPERATOR_B = "operator_a", "operator_b"
KABID, STAFF1, B_STAFF = "kabid", "staff1", "b_staff"
IDENTITIES = [ADMIN, GOVERNOR_OFFICE, GOVERNOR, AUDITOR, OPERATOR_A, OPERATOR_B, KABID, STAFF1, B_STAFF]

EVERYONE = frozenset(IDENTITIES)
PROVINCE_READERS = frozenset({ADMIN, GOVERNOR_OFFICE, GOVERNOR, AUDITOR})
OPD_A_READERS = PROVINCE_READERS | {OPERATOR_A}
PROVINCE_KEEPERS = frozenset({ADMIN, GOVERNOR_OFFICE})
OPD_A_KEEPERS = PROVINCE_KEEPERS | {OPERATOR_A}
SCORECARD_KEEPERS = OPD_A_KEEPERS | {OPERATOR_B, KABID}   # anyone who may build some scorecard


def both(path: str, allowed: frozenset[str]) -> list[tuple[str, str, frozenset[str]]]:
    return [("GET", path, allowed), ("POST", path, allowed)]


# endpoint -> [(method, path, who may reach it)]. Ids come from bsc_world (org and the iku fixture).
ROUTES_COVERED: dict[str, list[tuple[str, str, frozenset[str]]]] = {
    "bsc.index": [("GET", "/kinerja/", EVERYONE)],
    "bsc.scorecard": [
        ("GET", "/kinerja/kartu/{prov_card}", EVERYONE),  # every official reads the province IKU
        ("GET", "/kinerja/kartu/{opd_a_card}", OPD_A_READERS),
        ("GET", "/kinerja/kartu/{unit_card}", OPD_A_READERS | {KABID}),
        ("GET", "/kinerja/kartu/{staff1_card}", OPD_A_READERS | {KABID, STAFF1}),
        ("GET", "/kinerja/kartu/{staff2_card}", OPD_A_READERS | {KABID}),
    ],
    "bsc.strategy_map": [
        ("GET", "/kinerja/kartu/{prov_card}/peta", EVERYONE),
        ("GET", "/kinerja/kartu/{opd_a_card}/peta", OPD_A_READERS),
    ],
    "bsc.tree": [
        ("GET", "/kinerja/indikator/{top}/pohon", EVERYONE),
        ("GET", "/kinerja/indikator/{unit_ind}/pohon", OPD_A_READERS | {KABID}),
        ("GET", "/kinerja/indikator/{staff1_ind}/pohon", OPD_A_READERS | {KABID, STAFF1}),
    ],
    "bsc.tree_children": [  # the tree's closed levels, fetched when opened: the same readers
        ("GET", "/kinerja/indikator/{top}/pohon/anak", EVERYONE),
        ("GET", "/kinerja/indikator/{unit_ind}/pohon/anak?bulan=3&sementara=1", OPD_A_READERS | {KABID}),
        ("GET", "/kinerja/indikator/{staff1_ind}/pohon/anak", OPD_A_READERS | {KABID, STAFF1}),
    ],
    "bsc.gaps_page": [
        ("GET", "/kinerja/celah", PROVINCE_READERS | {OPERATOR_A, OPERATOR_B}),  # operators: their own OPD
        ("GET", "/kinerja/celah?opd={opd_a}", OPD_A_READERS),
    ],
    "bsc.scorecard_new": [
        ("GET", "/kinerja/kartu/baru", SCORECARD_KEEPERS),
        ("POST", "/kinerja/kartu/baru", OPD_A_KEEPERS | {KABID}),  # a 2027 card for the bidang
    ],
    "bsc.weights": both("/kinerja/kartu/{prov_card}/bobot", PROVINCE_KEEPERS)
    + both("/kinerja/kartu/{opd_a_card}/bobot", OPD_A_KEEPERS),
    "bsc.objective_new": both("/kinerja/kartu/{unit_card}/sasaran/baru", OPD_A_KEEPERS | {KABID}),
    "bsc.objective_edit": both("/kinerja/sasaran/{opd_objective}/ubah", OPD_A_KEEPERS),
    "bsc.indicator_new": both("/kinerja/sasaran/{unit_objective}/indikator/baru", OPD_A_KEEPERS | {KABID}),
    # Nobody sets their own targets: staff1 reads his card but may not change it.
    "bsc.indicator_edit": both("/kinerja/indikator/{staff1_ind}/ubah", OPD_A_KEEPERS | {KABID}),
    "bsc.indicator_delete": both("/kinerja/indikator/{staff1_ind}/hapus", OPD_A_KEEPERS | {KABID}),
    "bsc.cascade": both("/kinerja/indikator/{unit_ind}/kaskade", OPD_A_KEEPERS | {KABID})
    + both("/kinerja/indikator/{top}/kaskade", PROVINCE_KEEPERS),
}

INDICATOR_FORM = {"code": "IKI-09", "name": "Jumlah aplikasi diperbarui", "unit_of_measure": "aplikasi",
                  "polarity": "max", "aggregation": "sum", "weight": "1", "target": "12", "target_high": "",
                  "rollup": "manual", "cascade_kind": "", "parent_id": ""}

# A valid form for each POST: were a refusal missing, it would change the database.
BSC_POST_DATA = {
    "/kinerja/kartu/baru": lambda w: {"year": "2027", "owner": f"unit:{w.ids['bidang']}"},
    "/kinerja/kartu/{prov_card}/bobot": lambda w: {"w_stakeholder": "40", "w_customer": "10",
                                                    "w_internal_process": "25", "w_learning_growth": "25"},
    "/kinerja/kartu/{opd_a_card}/bobot": lambda w: {"w_stakeholder": "40", "w_customer": "",
                                                     "w_internal_process": "30", "w_learning_growth": "30"},
    "/kinerja/kartu/{unit_card}/sasaran/baru": lambda w: {"code": "SS9", "perspective": "customer",
                                                           "name": "Meningkatnya kepuasan pengguna aplikasi"},
    "/kinerja/sasaran/{opd_objective}/ubah": lambda w: {"code": "SS1", "perspective": "stakeholder",
                                                         "name": "Sasaran yang diubah"},
    "/kinerja/sasaran/{unit_objective}/indikator/baru": lambda w: {
        **INDICATOR_FORM, "objective_id": w.ids["unit_objective"]},
    "/kinerja/indikator/{staff1_ind}/ubah": lambda w: {
        **INDICATOR_FORM, "code": "IKU-01", "name": "Nama yang diubah", "target": "70",
        "objective_id": w.ids["staff1_objective"], "parent_id": w.ids["unit_ind"], "cascade_kind": "direct"},
    "/kinerja/indikator/{staff1_ind}/hapus": lambda w: {},
    "/kinerja/indikator/{unit_ind}/kaskade": lambda w: {
        f"pilih_employee_{w.ids['staff1']}": "y", f"target_employee_{w.ids['staff1']}": "70",
        f"bobot_employee_{w.ids['staff1']}": "1", f"jenis_employee_{w.ids['staff1']}": "direct"},
    "/kinerja/indikator/{top}/kaskade": lambda w: {
        f"pilih_opd_{w.ids['opd_a']}": "y", f"target_opd_{w.ids['opd_a']}": "100",
        f"bobot_opd_{w.ids['opd_a']}": "1", f"jenis_opd_{w.ids['opd_a']}": "direct"},
}

ALL_ROUTES = [(endpoint, *route) for endpoint, routes in ROUTES_COVERED.items() for route in routes]


# ------------------------------------------------------------------ fixtures and helpers

@pytest.fixture
def bsc_world(org, iku, make_user):
    """org and iku (province IKU → OPD A → its bidang → staff1 and staff2), a user per identity."""
    users = {
        ADMIN: make_user("admin", username="admin"),
        GOVERNOR_OFFICE: make_user("governor_office", username="biro.organisasi"),
        GOVERNOR: make_user("governor", username="gubernur"),
        AUDITOR: make_user("auditor", username="inspektorat"),
        OPERATOR_A: make_user(("opd_operator", org.a), username="operator.a"),
        OPERATOR_B: make_user(("opd_operator", org.b), username="operator.b"),
    }
    db.session.commit()
    for name, employee in ((KABID, org.kabid), (STAFF1, org.staff1), (B_STAFF, org.b_staff)):
        users[name] = db.session.scalar(select(User).where(User.employee_id == employee.id))
    w = SimpleNamespace(
        org=org, iku=iku,
        ids={"opd_a": org.a.id, "opd_b": org.b.id, "bidang": org.bidang.id, "staff1": org.staff1.id,
             "staff2": org.staff2.id, "prov_card": iku.prov.id, "opd_a_card": iku.opd.scorecard_id,
             "unit_card": iku.unit.scorecard_id, "staff1_card": iku.s1.scorecard_id,
             "staff2_card": iku.s2.scorecard_id, "top": iku.top.id, "unit_ind": iku.unit.id,
             "staff1_ind": iku.s1.id, "opd_objective": iku.opd.objective_id,
             "unit_objective": iku.unit.objective_id, "staff1_objective": iku.s1.objective_id},
        logins={name: u.username for name, u in users.items()},
    )
    db.session.commit()  # end the read: requests see fresh data (MariaDB's snapshots)
    return w


def fresh(stmt):
    with db.engine.connect() as conn:
        return conn.execute(stmt).scalar()


def children_of(indicator_id: int) -> list[Indicator]:
    db.session.expire_all()
    return db.session.scalars(select(Indicator).where(Indicator.parent_id == indicator_id)
                              .order_by(Indicator.id)).all()


# ------------------------------------------------------------------ access

def test_anonymous_is_sent_to_log_in(client, bsc_world):
    before = snapshot()
    for endpoint, method, path, _ in ALL_ROUTES:
        url = path.format(**bsc_world.ids)
        r = client.get(url) if method == "GET" else client.post(url, data=BSC_POST_DATA[path](bsc_world))
        assert is_login_redirect(r), (method, url, r.status_code, r.headers.get("Location"))
        assert parse_qs(urlsplit(r.headers["Location"]).query)["next"] == [url]
    assert snapshot() == before


def test_every_bsc_route_is_covered(app):
    assert_routes_listed(app, "bsc.", ALL_ROUTES, BSC_POST_DATA)


@pytest.mark.parametrize("endpoint, method, path, allowed",
                         [r for r in ALL_ROUTES if r[1] == "GET"], ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_get(client, auth, bsc_world, endpoint, method, path, allowed):
    url = path.format(**bsc_world.ids)
    for who in IDENTITIES:
        assert auth.login(bsc_world.logins[who]).status_code == 302
        r = client.get(url)
        if who in allowed:
            assert r.status_code == 200, f"{who} should reach GET {url}: {r.status_code}"
        else:
            assert r.status_code == 403, f"{who} should be refused GET {url}: {r.status_code}"
        auth.logout()


POSTS = [r for r in ALL_ROUTES if r[1] == "POST"]


@pytest.mark.parametrize("endpoint, method, path, allowed", POSTS, ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_post_refused(client, auth, bsc_world, endpoint, method, path, allowed):
    for who in sorted(EVERYONE - allowed):
        assert auth.login(bsc_world.logins[who]).status_code == 302
        before = snapshot()  # logging in writes (last login, the attempt): compare from here
        r = client.post(path.format(**bsc_world.ids), data=BSC_POST_DATA[path](bsc_world))
        assert r.status_code == 403, f"{who} should be refused POST {path}: {r.status_code}"
        assert snapshot() == before, f"POST {path} refused to {who} yet changed the database"
        auth.logout()


@pytest.mark.parametrize("endpoint, method, path, who", [(e, m, p, who) for e, m, p, allowed in POSTS
                                                          for who in sorted(allowed)],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_post_allowed(client, auth, bsc_world, endpoint, method, path, who):
    assert auth.login(bsc_world.logins[who]).status_code == 302
    before = snapshot()
    r = client.post(path.format(**bsc_world.ids), data=BSC_POST_DATA[path](bsc_world))
    assert r.status_code == 302 and not is_login_redirect(r), f"{who} should reach POST {path}: {r.status_code}"
    assert snapshot() != before, f"POST {path} as {who} changed nothing: fix its BSC_POST_DATA"


def test_staff_sees_only_his_own_card_and_cannot_edit_it(client, auth, bsc_world):
    w = bsc_world
    auth.login(w.logins[STAFF1])
    assert client.get(f"/kinerja/kartu/{w.ids['staff1_card']}").status_code == 200
    assert client.get(f"/kinerja/kartu/{w.ids['staff2_card']}").status_code == 403
    page = client.get(f"/kinerja/kartu/{w.ids['staff1_card']}").get_data(as_text=True)
    assert "/ubah" not in page and "Kaskadekan" not in page and "Tambah sasaran" not in page
    before = snapshot()
    r = client.post(f"/kinerja/indikator/{w.ids['staff1_ind']}/ubah",
                    data=BSC_POST_DATA["/kinerja/indikator/{staff1_ind}/ubah"](w))
    assert r.status_code == 403 and snapshot() == before
    listed = client.get("/kinerja/").get_data(as_text=True)
    assert f"/kinerja/kartu/{w.ids['staff1_card']}" in listed and f"/kinerja/kartu/{w.ids['prov_card']}" in listed
    assert f"/kinerja/kartu/{w.ids['staff2_card']}" not in listed and f"/kinerja/kartu/{w.ids['unit_card']}" not in listed


def test_operator_b_is_refused_opd_a_and_a_refused_post_changes_nothing(client, auth, bsc_world):
    w = bsc_world
    auth.login(w.logins[OPERATOR_B])
    for card in ("opd_a_card", "unit_card", "staff1_card"):
        assert client.get(f"/kinerja/kartu/{w.ids[card]}").status_code == 403
    assert client.get(f"/kinerja/indikator/{w.ids['unit_ind']}/kaskade").status_code == 403
    before = snapshot()
    r = client.post(f"/kinerja/indikator/{w.ids['unit_ind']}/kaskade",
                    data=BSC_POST_DATA["/kinerja/indikator/{unit_ind}/kaskade"](w))
    assert r.status_code == 403
    r = client.post("/kinerja/kartu/baru", data={"year": "2027", "owner": f"opd:{w.ids['opd_a']}"})
    assert r.status_code == 403
    assert snapshot() == before
    assert fresh(select(Indicator.target).where(Indicator.id == w.ids["staff1_ind"])) == D(60)
    listed = client.get("/kinerja/").get_data(as_text=True)
    assert f"/kinerja/kartu/{w.ids['opd_a_card']}" not in listed


def test_the_governor_office_builds_the_province_card(client, auth, bsc_world):
    """Create a card, weights (refused when wrong), an objective, an indicator with every field
    (refused with errors next to the fields, nothing saved), edit it, delete it."""
    auth.login(bsc_world.logins[GOVERNOR_OFFICE])
    r = client.post("/kinerja/kartu/baru", data={"year": "2027", "owner": "province"})
    assert r.status_code == 302
    sc = db.session.scalar(select(Scorecard).where(Scorecard.year == 2027, Scorecard.owner_kind == OwnerKind.PROVINCE))
    assert r.headers["Location"].endswith(f"/kinerja/kartu/{sc.id}")
    again = client.post("/kinerja/kartu/baru", data={"year": "2027", "owner": "province"}, follow_redirects=True)
    assert "Kartu kinerja ini sudah ada." in again.get_data(as_text=True)

    bad = client.post(f"/kinerja/kartu/{sc.id}/bobot", data={"w_stakeholder": "0", "w_customer": "abc",
                                                            "w_internal_process": "30", "w_learning_growth": "30"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="w_customer-err">Bobot perspektif Pelanggan harus berupa angka.' in html
    assert fresh(select(Scorecard.w_stakeholder).where(Scorecard.id == sc.id)) == D(25)
    bad = client.post(f"/kinerja/kartu/{sc.id}/bobot", data={"w_stakeholder": "0", "w_customer": "15",
                                                            "w_internal_process": "30", "w_learning_growth": "30"})
    assert bad.status_code == 422 and "Bobot perspektif harus lebih dari 0" in bad.get_data(as_text=True)
    ok = client.post(f"/kinerja/kartu/{sc.id}/bobot", data={"w_stakeholder": "35,5", "w_customer": "",
                                                           "w_internal_process": "30", "w_learning_growth": "30"})
    assert ok.status_code == 302
    assert fresh(select(Scorecard.w_stakeholder).where(Scorecard.id == sc.id)) == D("35.5")
    assert fresh(select(Scorecard.w_customer).where(Scorecard.id == sc.id)) is None

    r = client.post(f"/kinerja/kartu/{sc.id}/sasaran/baru",
                    data={"code": "SS1", "perspective": "stakeholder", "name": "Menurunnya angka kemiskinan"})
    assert r.status_code == 302
    objective = db.session.scalar(select(Objective).where(Objective.scorecard_id == sc.id))
    dup = client.post(f"/kinerja/kartu/{sc.id}/sasaran/baru", data={"code": "SS1", "perspective": "customer", "name": "x"})
    assert dup.status_code == 422 and "Kode sasaran SS1 sudah dipakai di kartu ini." in dup.get_data(as_text=True)

    wrong = {"objective_id": objective.id, "code": "", "name": "Persentase penduduk miskin", "unit_of_measure": "%",
             "polarity": "stabilize", "aggregation": "last", "weight": "-1", "target": "tiga belas", "target_high": "",
             "rollup": "manual", "cascade_kind": "direct", "parent_id": "", "m1": "1", "m2": "x"}
    r = client.post(f"/kinerja/sasaran/{objective.id}/indikator/baru", data=wrong)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    for field_id, message in [("code", "Kode indikator wajib diisi"), ("weight", "Bobot harus lebih dari 0."),
                              ("target", "Target harus berupa angka."),
                              ("target_high", "Polaritas stabil memerlukan rentang target"),
                              ("cascade_kind", "Jenis kaskade hanya untuk indikator yang memiliki induk."),
                              ("m2", "Harus berupa angka."), ("m3", "Wajib diisi.")]:
        assert re.search(rf'id="{field_id}-err">[^<]*{re.escape(message)}', html), field_id
    assert "Target bulanan belum lengkap; masih kosong: Maret–Desember." in html
    assert fresh(select(func.count()).select_from(Indicator).where(Indicator.scorecard_id == sc.id)) == 0

    good = {**wrong, "code": "IKU-01", "weight": "2", "target": "13,5", "target_high": "14,25", "cascade_kind": "",
            "definition": "Penduduk di bawah garis kemiskinan dibagi jumlah penduduk.", "formula": "miskin / penduduk × 100",
            "data_source": "BPS NTB", **{f"m{m}": "1.234,5" for m in range(1, 13)}}
    r = client.post(f"/kinerja/sasaran/{objective.id}/indikator/baru", data=good)
    assert r.status_code == 302, text_of(r)
    ind = db.session.scalar(select(Indicator).where(Indicator.scorecard_id == sc.id))
    assert (ind.target, ind.target_high, ind.weight, ind.polarity.value) == (D("13.5"), D("14.25"), D(2), "stabilize")
    assert (ind.definition, ind.formula, ind.data_source) == (good["definition"], good["formula"], "BPS NTB")
    assert [t.value for t in ind.monthly_targets] == [D("1234.5")] * 12

    form = client.get(f"/kinerja/indikator/{ind.id}/ubah").get_data(as_text=True)
    assert 'value="13,5"' in form and 'value="1234,5"' in form and 'value="14,25"' in form
    r = client.post(f"/kinerja/indikator/{ind.id}/ubah", data={**good, **{f"m{m}": "" for m in range(1, 13)},
                                                               "name": "Persentase penduduk miskin (P0)"})
    assert r.status_code == 302
    db.session.expire_all()
    ind = db.session.get(Indicator, ind.id)
    assert ind.name == "Persentase penduduk miskin (P0)" and ind.monthly_targets == []

    page = client.get(f"/kinerja/kartu/{sc.id}?bulan=6")
    assert "13,5–14,25" in text_of(page)
    assert client.get(f"/kinerja/indikator/{ind.id}/hapus").status_code == 200
    r = client.post(f"/kinerja/indikator/{ind.id}/hapus")
    assert r.status_code == 302
    assert fresh(select(func.count()).select_from(Indicator).where(Indicator.scorecard_id == sc.id)) == 0


def test_whose_card_a_head_may_create(client, auth, bsc_world, org):
    """The OPD head keeps the OPD's card and everything below it; a unit head his unit and staff;
    nobody creates their own card."""
    auth.login(org.a_head.nip)
    html = client.get("/kinerja/kartu/baru").get_data(as_text=True)
    owners = set(re.findall(r'<option value="([a-z]+:\d+)"', html))
    assert {f"opd:{org.a.id}", f"unit:{org.bidang.id}", f"employee:{org.staff1.id}", f"employee:{org.kabid.id}"} <= owners
    assert f"employee:{org.a_head.id}" not in owners and f"opd:{org.b.id}" not in owners
    assert client.post("/kinerja/kartu/baru", data={"year": "2027", "owner": f"opd:{org.a.id}"}).status_code == 302
    assert client.post("/kinerja/kartu/baru", data={"year": "2027", "owner": f"employee:{org.a_head.id}"}).status_code == 403
    auth.logout()
    auth.login(org.kabid.nip)
    html = client.get("/kinerja/kartu/baru").get_data(as_text=True)
    owners = set(re.findall(r'<option value="([a-z]+:\d+)"', html))
    assert owners == {f"unit:{org.bidang.id}", f"employee:{org.staff1.id}", f"employee:{org.staff2.id}"}
    bad = client.post("/kinerja/kartu/baru", data={"year": "2027", "owner": "unit:999999"})
    assert bad.status_code == 422 and "Pilih pemilik kartu dari daftar." in bad.get_data(as_text=True)


def test_the_month_falls_back_to_a_sensible_one(client, auth, bsc_world):
    auth.login(bsc_world.logins[ADMIN])
    for query in ("bulan=13", "bulan=x", "bulan=0"):
        r = client.get(f"/kinerja/kartu/{bsc_world.ids['prov_card']}?{query}")
        assert r.status_code == 200 and "Nilai resmi sampai dengan" in text_of(r)


def test_an_indicator_with_children_is_not_deleted(client, auth, bsc_world):
    auth.login(bsc_world.logins[GOVERNOR_OFFICE])
    r = client.post(f"/kinerja/indikator/{bsc_world.ids['unit_ind']}/hapus")
    assert r.status_code == 422 and "sudah dikaskadekan ke bawah" in r.get_data(as_text=True)
    assert fresh(select(Indicator.id).where(Indicator.id == bsc_world.ids["unit_ind"])) is not None


def test_the_parent_picker_offers_only_indicators_above(client, auth, bsc_world, org):
    w = bsc_world
    b_card = services.ensure_scorecard(None, 2026, OwnerKind.OPD, org.b)
    b_ss = services.save_objective(None, b_card, "SS1", "stakeholder", "Sasaran Beta")
    b_ind = services.save_indicator(None, b_ss, services.IndicatorInput(
        code="B-01", name="Indikator Beta", unit_of_measure="%", polarity="max", aggregation="last", weight=1, target=90))
    db.session.commit()
    auth.login(w.logins[KABID])
    html = client.get(f"/kinerja/sasaran/{w.ids['unit_objective']}/indikator/baru").get_data(as_text=True)
    options = set(map(int, re.findall(r'<option value="(\d+)"', html[html.find('id="parent_id"'):])))
    assert w.ids["unit_ind"] not in options and w.iku.opd.id in options      # OPD A's card is above the bidang
    assert w.ids["top"] not in options and b_ind.id not in options           # the province and OPD B are not
    r = client.post(f"/kinerja/sasaran/{w.ids['unit_objective']}/indikator/baru",
                    data={**INDICATOR_FORM, "objective_id": w.ids["unit_objective"], "parent_id": b_ind.id})
    assert r.status_code == 422
    assert re.search(r'id="parent_id-err">Indikator induk harus dari kartu kinerja di atasnya', r.get_data(as_text=True))


# ------------------------------------------------------------------ figures

def test_the_scorecard_page_shows_real_figures(client, auth, bsc_world, realise):
    w = bsc_world
    realise(w.iku.s1, 1, 6)
    realise(w.iku.s1, 2, 5)
    realise(w.iku.s1, 3, 7, RealisationStatus.SUBMITTED)
    db.session.commit()
    auth.login(w.logins[KABID])
    text = text_of(client.get(f"/kinerja/kartu/{w.ids['staff1_card']}?bulan=3"))
    # sum, T = 60: target to March 15, approved realisation 6 + 5 = 11 → 73,33% (red), March missing
    assert "Kartu kinerja Staf Satu 2026" in text
    assert "Target s.d. Maret" in text and "Nilai resmi sampai dengan Maret 2026" in text
    assert re.search(r"IKU-01 Jumlah layanan digital .*Satuan: layanan · Polaritas Maksimal · Jumlah \(kumulatif\)", text)
    assert re.search(r"60 100,00% 15 11 73,33% 73,33% ✕ Merah", text), text
    assert "Bulan tanpa data: Maret" in text
    assert "NKO 73,33%" in text.replace("(NKO) ", "") or "73,33% ✕ Merah Cakupan data: 100,00%" in text

    provisional = text_of(client.get(f"/kinerja/kartu/{w.ids['staff1_card']}?bulan=3&sementara=1"))
    assert "Tampilan sementara." in provisional and "bukan nilai resmi" in provisional
    assert re.search(r"60 100,00% 15 18 120,00% 120,00% ✓ Hijau", provisional)  # 18 / 15, capped at 120%


def test_numbers_are_written_the_indonesian_way_and_kemenkeu_warnings_show(client, auth, bsc_world, realise):
    w = bsc_world
    ss = db.session.get(Objective, w.ids["opd_objective"])
    big = None
    for n in range(2, 5):  # four indicators on one objective: a warning, not an error
        big = services.save_indicator(None, ss, services.IndicatorInput(
            code=f"IKU-0{n}", name=f"Nilai transaksi {n}", unit_of_measure="rupiah", polarity="max",
            aggregation="sum", weight=1, target="1234567,5"))
    realise(big, 1, "98765.4321")
    db.session.commit()
    auth.login(w.logins[OPERATOR_A])
    text = text_of(client.get(f"/kinerja/kartu/{w.ids['opd_a_card']}?bulan=1"))
    assert "1.234.567,5" in text        # the annual target
    assert "102.880,63" in text          # the target to January: 1.234.567,5 / 12
    assert "98.765,43" in text           # the realisation
    assert "96,00%" in text              # 98.765,43 / 102.880,63
    assert "Sasaran SS1 memiliki 4 indikator; dianjurkan paling banyak 3." in text


def test_the_list_shows_cards_with_their_nko(client, auth, bsc_world, realise):
    w = bsc_world
    realise(w.iku.s1, 1, 5)
    realise(w.iku.unit, 1, 9)
    db.session.commit()
    auth.login(w.logins[GOVERNOR_OFFICE])
    text = text_of(client.get("/kinerja/?tahun=2026&bulan=1"))
    assert "Pemerintah Provinsi Nusa Tenggara Barat Provinsi" in text and "Dinas Alfa Perangkat Daerah" in text
    assert "Bidang Satu" not in text and "3 kartu unit dan pegawai" in text   # per OPD, on request
    text = text_of(client.get(f"/kinerja/?tahun=2026&bulan=1&opd={w.ids['opd_a']}"))
    assert "Bidang Satu Unit kerja 90,00% ! Kuning" in text                 # 9 / 10
    assert "Staf Satu" in text and "Fungsional" not in text
    assert "Pemerintah Provinsi" not in text
    assert client.get("/kinerja/?tahun=2031").status_code == 200


def test_nko_of_many_cards_is_the_nko_of_each(bsc_world, realise):
    w = bsc_world
    realise(w.iku.s1, 1, 5)
    realise(w.iku.s2, 1, 7)
    realise(w.iku.unit, 1, 9)
    sc = db.session.get(Scorecard, w.ids["unit_card"])
    other = services.save_objective(None, sc, "SS2", "learning_growth", "Meningkatnya kompetensi")
    services.save_indicator(None, other, services.IndicatorInput(
        code="IKU-05", name="Jam pelatihan", unit_of_measure="jam", polarity="max", aggregation="sum", weight=3, target=24))
    services.set_weights(None, db.session.get(Scorecard, w.ids["staff2_card"]), {})
    db.session.commit()
    cards = db.session.scalars(select(Scorecard).where(Scorecard.year == 2026)).all()
    many = scorecards_nko(cards, 1)
    for sc in cards:
        one = scorecard_figures(sc, 1).nko
        assert (many[sc.id].value, many[sc.id].coverage) == (one.value, one.coverage), sc.owner_name


# ------------------------------------------------------------------ the cascade screen

@pytest.fixture
def unit_indicator(bsc_world):
    """A fresh indicator of the bidang's card, not yet cascaded."""
    ind = services.save_indicator(None, db.session.get(Objective, bsc_world.ids["unit_objective"]),
                                  services.IndicatorInput(code="IKU-07", name="Jumlah aplikasi terintegrasi",
                                                          unit_of_measure="aplikasi", polarity="max",
                                                          aggregation="sum", weight=1, target=50))
    db.session.commit()
    return ind.id


def test_a_head_cascades_to_two_staff_in_one_post(client, auth, bsc_world, unit_indicator):
    w = bsc_world
    s1, s2 = w.ids["staff1"], w.ids["staff2"]
    auth.login(w.logins[KABID])
    page = client.get(f"/kinerja/indikator/{unit_indicator}/kaskade")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'id="pilih_employee_{s1}"' in html and f'id="pilih_employee_{s2}"' in html
    assert f'pilih_employee_{w.org.kabid.id}"' not in html   # the head carries the unit's card himself
    r = client.post(f"/kinerja/indikator/{unit_indicator}/kaskade", data={
        f"pilih_employee_{s1}": "y", f"target_employee_{s1}": "30", f"bobot_employee_{s1}": "2",
        f"jenis_employee_{s1}": "direct",
        f"pilih_employee_{s2}": "y", f"target_employee_{s2}": "20,5", f"bobot_employee_{s2}": "1",
        f"jenis_employee_{s2}": "indirect"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/kinerja/indikator/{unit_indicator}/pohon")
    made = children_of(unit_indicator)
    assert [(i.scorecard.employee_id, i.target, i.weight, i.cascade_kind.value) for i in made] == [
        (s1, D(30), D(2), "direct"), (s2, D("20.5"), D(1), "indirect")]
    assert all(i.code == "IKU-07" and i.unit_of_measure == "aplikasi" for i in made)
    tree = text_of(client.get(f"/kinerja/indikator/{unit_indicator}/pohon"))
    assert "Staf Satu · Pegawai · Kaskade langsung" in tree and "Staf Dua · Pegawai · Kaskade tidak langsung" in tree
    again = client.get(f"/kinerja/indikator/{unit_indicator}/kaskade").get_data(as_text=True)
    assert again.count("sudah menerima IKU-07") == 2 and f'id="target_employee_{s2}"' in again and 'value="20,5"' in again


def test_a_bad_target_for_one_staff_saves_nothing_and_every_error_shows(client, auth, bsc_world, unit_indicator):
    w = bsc_world
    s1, s2 = w.ids["staff1"], w.ids["staff2"]
    auth.login(w.logins[KABID])
    before = snapshot()
    r = client.post(f"/kinerja/indikator/{unit_indicator}/kaskade", data={
        f"pilih_employee_{s1}": "y", f"target_employee_{s1}": "30", f"bobot_employee_{s1}": "1",
        f"jenis_employee_{s1}": "direct",
        f"pilih_employee_{s2}": "y", f"target_employee_{s2}": "dua puluh", f"bobot_employee_{s2}": "",
        f"jenis_employee_{s2}": "direct"})
    assert r.status_code == 422
    assert snapshot() == before and children_of(unit_indicator) == []
    html = r.get_data(as_text=True)
    assert "Kaskade belum dapat disimpan; tidak ada yang diubah." in html
    assert f'id="target_employee_{s2}-err">Staf Dua: Target harus berupa angka.' in html
    assert f'id="bobot_employee_{s2}-err">Staf Dua: Bobot wajib diisi.' in html
    assert f'href="#target_employee_{s2}">Staf Dua: Target harus berupa angka.' in html   # the summary on top
    assert f'name="target_employee_{s1}" type="text" value="30"' in html                 # what was typed stays
    assert re.search(rf'<input(?=[^>]*id="pilih_employee_{s1}")(?=[^>]*checked)', html)


def test_choosing_nobody_is_an_error(client, auth, bsc_world, unit_indicator):
    auth.login(bsc_world.logins[KABID])
    r = client.post(f"/kinerja/indikator/{unit_indicator}/kaskade", data={})
    assert r.status_code == 422 and "Pilih paling sedikit satu bawahan." in r.get_data(as_text=True)


def test_recipients_are_the_level_below(client, auth, bsc_world, org):
    w = bsc_world
    auth.login(w.logins[ADMIN])
    province = client.get(f"/kinerja/indikator/{w.ids['top']}/kaskade").get_data(as_text=True)
    assert f'id="pilih_opd_{org.a.id}"' in province and f'id="pilih_opd_{org.b.id}"' in province
    assert "sudah menerima IKU-01, target 120" in province
    opd = client.get(f"/kinerja/indikator/{w.iku.opd.id}/kaskade").get_data(as_text=True)
    assert re.findall(r'id="pilih_(\w+?_\d+)"', opd) == [f"unit_{org.bidang.id}"]
    unit = client.get(f"/kinerja/indikator/{w.ids['unit_ind']}/kaskade").get_data(as_text=True)
    assert sorted(re.findall(r'id="pilih_(\w+?_\d+)"', unit)) == sorted(
        [f"employee_{org.staff1.id}", f"employee_{org.staff2.id}"])
    staff = client.get(f"/kinerja/indikator/{w.ids['staff1_ind']}/kaskade")
    assert "Indikator individu tidak dikaskadekan lebih lanjut." in staff.get_data(as_text=True)


def test_the_governor_office_cascades_a_province_iku_to_opds(client, auth, bsc_world, make_opd):
    """The OPD is found as an OPD (services.cascade once looked it up among employees, which went
    unnoticed while an employee happened to have the OPD's id)."""
    from ekinerja.org.models import Employee

    w = bsc_world
    opd = make_opd(name="Dinas Gamma")
    while opd.id <= fresh(select(func.max(Employee.id))):
        opd = make_opd(name="Dinas Gamma")
    db.session.commit()
    auth.login(w.logins[GOVERNOR_OFFICE])
    r = client.post(f"/kinerja/indikator/{w.ids['top']}/kaskade", data={
        f"pilih_opd_{opd.id}": "y", f"target_opd_{opd.id}": "40", f"bobot_opd_{opd.id}": "1",
        f"jenis_opd_{opd.id}": "direct"})
    assert r.status_code == 302, text_of(r)
    [made] = [i for i in children_of(w.ids["top"]) if i.scorecard.opd_id == opd.id]
    assert made.scorecard.owner_kind == OwnerKind.OPD and made.scorecard.owner_name == "Dinas Gamma"
    assert made.target == D(40)


# ------------------------------------------------------------------ strategy map, tree, gaps

def test_the_strategy_map_draws_four_bands_and_a_table(client, auth, bsc_world, realise):
    w = bsc_world
    sc = db.session.get(Scorecard, w.ids["opd_a_card"])
    ss = services.save_objective(None, sc, "SS4", "learning_growth", "Meningkatnya kompetensi aparatur")
    ind = services.save_indicator(None, ss, services.IndicatorInput(
        code="IKU-04", name="Jam pelatihan", unit_of_measure="jam", polarity="max", aggregation="sum", weight=1, target=24))
    realise(ind, 1, 1)
    realise(w.iku.opd, 1, 10)
    db.session.commit()
    auth.login(w.logins[OPERATOR_A])
    html = client.get(f"/kinerja/kartu/{w.ids['opd_a_card']}/peta?bulan=1").get_data(as_text=True)
    assert html.count('role="img"') == 2 and "<title id=\"map-title-lebar\">Peta strategi Dinas Alfa 2026</title>" in html
    assert '<desc id="map-desc-lebar">' in html and "2 sasaran strategis" in html
    bands = [html.find(f"band band-{p}") for p in ("stakeholder", "customer", "internal_process", "learning_growth")]
    assert -1 not in bands and bands == sorted(bands)   # Stakeholder on top, Learning & Growth at the bottom
    assert "objective-box box-green" in html and "objective-box box-red" in html  # 10/10 and 1/2
    assert "Belum ada sasaran strategis" in html      # the customer band is empty
    table = text_of(client.get(f"/kinerja/kartu/{w.ids['opd_a_card']}/peta?bulan=1"))
    assert "Peta strategi dalam tabel" in table
    assert "Pembelajaran dan Pertumbuhan SS4 Meningkatnya kompetensi aparatur 50,00% ✕ Merah" in table
    assert "style=" not in html and "<script" not in html


def fragment_text(response) -> str:
    """A fragment's visible text (no page around it), as text_of gives a page's."""
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ,", ",").replace(" .", ".")


def test_the_tree_opens_to_the_opd_level_and_fetches_the_rest(client, auth, bsc_world, realise):
    w = bsc_world
    realise(w.iku.s1, 1, 5)
    realise(w.iku.s2, 1, 4)
    from ekinerja.bsc.models import Rollup
    w.iku.unit.rollup = w.iku.opd.rollup = Rollup.CHILDREN_SUM
    db.session.commit()
    auth.login(w.logins[GOVERNOR_OFFICE])
    r = client.get(f"/kinerja/indikator/{w.ids['top']}/pohon?bulan=1")
    html = r.get_data(as_text=True)
    html = html[html.find("<main"):]
    # The province IKU (open), the OPD's indicator (closed, its children on the page), and the
    # bidang's (closed, its children fetched when opened or on its own page).
    assert r.status_code == 200 and html.count("<details") == 3 and html.count("<details open") == 1
    assert html.count("data-children=") == 1
    assert f'data-children="/kinerja/indikator/{w.ids["unit_ind"]}/pohon/anak?bulan=1"' in html
    assert f'href="/kinerja/indikator/{w.ids["unit_ind"]}/pohon?bulan=1"' in html
    assert '<script src="/static/js/telusur.js" defer></script>' in html
    text = text_of(r)
    order = [text.find(s) for s in ("Pemerintah Provinsi Nusa Tenggara Barat · Provinsi", "Dinas Alfa · Perangkat Daerah",
                                    "Bidang Satu · Unit kerja")]
    assert -1 not in order and order == sorted(order)
    assert "Staf Satu" not in text and "Staf Dua" not in text
    assert "IKU-01 punya 1 indikator turunan langsung." in text and text.count("1 turunan") == 2
    assert "2 turunan Buka pohon IKU-01 Bidang Satu" in text
    # every level sums its children (children_sum): 5 + 4 = 9 of a January target of 10
    assert text.count("Target 10 layanan Realisasi 9 Capaian 90,00% Nilai 90,00%") == 3
    assert "belum dikaskadekan" not in text

    r = client.get(f"/kinerja/indikator/{w.ids['unit_ind']}/pohon/anak?bulan=1")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "<html" not in html and "<main" not in html and "<details" not in html
    text = fragment_text(r)
    assert text.index("Staf Satu · Pegawai · Kaskade langsung") < text.index("Staf Dua · Pegawai · Kaskade langsung")
    assert "Target 5 layanan Realisasi 5 Capaian 100,00% Nilai 100,00%" in text
    assert "Target 5 layanan Realisasi 4 Capaian 80,00% Nilai 80,00%" in text
    assert "Bidang Satu" not in text and "di luar wewenang" not in text


def test_the_fragment_keeps_the_month_and_the_provisional_view(client, auth, bsc_world, realise):
    w = bsc_world
    realise(w.iku.s1, 1, 5)
    realise(w.iku.s1, 2, 3, RealisationStatus.SUBMITTED)
    db.session.commit()
    auth.login(w.logins[KABID])
    url = f"/kinerja/indikator/{w.ids['unit_ind']}/pohon/anak"
    assert "Target 10 layanan Realisasi 5 Capaian 50,00%" in fragment_text(client.get(f"{url}?bulan=2"))
    r = client.get(f"{url}?bulan=2&sementara=1")
    assert "Target 10 layanan Realisasi 8 Capaian 80,00%" in fragment_text(r)
    assert f'href="/kinerja/kartu/{w.ids["staff1_card"]}?bulan=2&amp;sementara=1#ind-{w.ids["staff1_ind"]}"' in \
        r.get_data(as_text=True)


def test_a_closed_level_fetches_its_children_with_their_own_closed_levels(client, auth, bsc_world):
    w = bsc_world
    auth.login(w.logins[OPERATOR_A])
    r = client.get(f"/kinerja/indikator/{w.ids['top']}/pohon/anak?bulan=1")
    html = r.get_data(as_text=True)
    # OPD A's indicator: itself closed, its bidang's below it fetched in turn.
    assert r.status_code == 200 and html.count("<details") == 1
    assert f'data-children="/kinerja/indikator/{w.iku.opd.id}/pohon/anak?bulan=1"' in html
    text = fragment_text(r)
    assert "Dinas Alfa · Perangkat Daerah · Kaskade langsung" in text and "1 turunan Buka pohon IKU-01 Dinas Alfa" in text
    r = client.get(f"/kinerja/indikator/{w.ids['staff1_ind']}/pohon/anak")
    assert r.status_code == 200 and "Tidak ada indikator turunan." in fragment_text(r)


def test_the_tree_flags_gaps_and_hides_what_the_viewer_may_not_see(client, auth, bsc_world):
    w = bsc_world
    opd_ss = db.session.get(Objective, w.ids["opd_objective"])
    lonely = services.save_indicator(None, opd_ss, services.IndicatorInput(
        code="IKU-02", name="Indeks kepuasan", unit_of_measure="indeks", polarity="max", aggregation="last",
        weight=1, target=80))
    db.session.commit()
    auth.login(w.logins[OPERATOR_A])
    assert "belum dikaskadekan" in text_of(client.get(f"/kinerja/indikator/{lonely.id}/pohon"))
    assert "belum dikaskadekan" in text_of(client.get(f"/kinerja/kartu/{w.ids['opd_a_card']}"))
    auth.logout()
    auth.login(w.logins[OPERATOR_B])
    text = text_of(client.get(f"/kinerja/indikator/{w.ids['top']}/pohon"))
    assert "Dinas Alfa" not in text and "1 turunan lain di luar wewenang Anda untuk dilihat." in text
    auth.logout()
    auth.login(w.logins[KABID])
    text = text_of(client.get(f"/kinerja/indikator/{w.ids['unit_ind']}/pohon"))
    assert "Induk: IKU-01 Jumlah layanan digital (Pemerintah Provinsi Nusa Tenggara Barat) › IKU-01" in text
    assert "Staf Satu" in text and "Staf Dua" in text
    html = client.get(f"/kinerja/indikator/{w.ids['unit_ind']}/pohon").get_data(as_text=True)
    # The breadcrumb links the province IKU, not the OPD's indicator, which the kabid may not open.
    assert f'href="/kinerja/indikator/{w.ids["top"]}/pohon' in html
    assert f'href="/kinerja/indikator/{w.iku.opd.id}/pohon' not in html


def test_the_fragment_counts_what_the_viewer_may_not_see_and_flags_gaps(client, auth, bsc_world):
    w = bsc_world
    # The IKU handed to OPD B too, which has not cascaded it further although it has units.
    [b_ind] = services.cascade(None, w.iku.top, [services.CascadeTarget(OwnerKind.OPD, w.ids["opd_b"], 30)])
    db.session.commit()
    url = f"/kinerja/indikator/{w.ids['top']}/pohon/anak"
    auth.login(w.logins[GOVERNOR_OFFICE])
    text = fragment_text(client.get(url))
    assert "Dinas Alfa" in text and "Badan Beta" in text and "di luar wewenang" not in text
    assert text.count("belum dikaskadekan") == 1
    assert text.index("belum dikaskadekan") > text.index("Badan Beta · Perangkat Daerah")
    auth.logout()
    auth.login(w.logins[OPERATOR_B])
    r = client.get(url)
    text = fragment_text(r)
    assert r.status_code == 200 and "Dinas Alfa" not in text and "Badan Beta" in text
    assert "1 turunan lain di luar wewenang Anda untuk dilihat." in text
    assert f"/kinerja/indikator/{w.iku.opd.id}/" not in r.get_data(as_text=True)
    # The page says the same: 2 children, one of them out of sight.
    text = text_of(client.get(f"/kinerja/indikator/{w.ids['top']}/pohon"))
    assert "IKU-01 punya 2 indikator turunan langsung." in text and "Badan Beta" in text
    assert "1 turunan lain di luar wewenang Anda untuk dilihat." in text and "Dinas Alfa" not in text
    assert b_ind.id


def test_the_fragment_refuses_whom_the_page_refuses(client, auth, bsc_world):
    w = bsc_world
    url = f"/kinerja/indikator/{w.ids['unit_ind']}/pohon/anak?bulan=1"
    assert is_login_redirect(client.get(url))
    auth.login(w.logins[OPERATOR_B])   # another OPD's reader
    r = client.get(url)
    assert r.status_code == 403 and "Staf Satu" not in r.get_data(as_text=True)
    assert client.get(f"/kinerja/indikator/{w.ids['unit_ind']}/pohon").status_code == 403
    auth.logout()
    auth.login(w.logins[B_STAFF])
    assert client.get(url).status_code == 403
    assert client.get("/kinerja/indikator/999999/pohon/anak").status_code == 404


def test_the_gaps_page(client, auth, bsc_world, org):
    w = bsc_world
    prov_ss = w.iku.top.objective
    services.save_indicator(None, prov_ss, services.IndicatorInput(
        code="IKU-02", name="Angka kemiskinan", unit_of_measure="%", polarity="min", aggregation="last",
        weight=5, target="13.5"))
    db.session.commit()
    auth.login(w.logins[GOVERNOR_OFFICE])
    text = text_of(client.get("/kinerja/celah?tahun=2026"))
    assert "IKU provinsi tanpa indikator OPD 1" in text and "IKU-02 Angka kemiskinan" in text
    assert "Badan Beta" in text   # posts without work, counted per OPD
    text = text_of(client.get(f"/kinerja/celah?tahun=2026&opd={org.b.id}"))
    assert "Pengelola Staf Beta" in text and "Celah kaskade 2026 · Badan Beta" in text
    auth.logout()
    auth.login(w.logins[OPERATOR_B])
    assert "Celah kaskade 2026 · Badan Beta" in text_of(client.get("/kinerja/celah?tahun=2026"))
    assert client.get(f"/kinerja/celah?opd={org.a.id}").status_code == 403


# ------------------------------------------------------------------ the menu and the filters

def test_kinerja_is_in_the_menu_of_whoever_may_see_a_scorecard(app, bsc_world, make_user):
    from ekinerja.web import nav_items

    class Logged:
        is_authenticated = True

        def __init__(self, user):
            self.user = user

        def __getattr__(self, name):
            return getattr(self.user, name)

    nobody = make_user()   # a user with no role and no post
    db.session.commit()
    with app.test_request_context("/"):
        staff = db.session.scalar(select(User).where(User.employee_id == bsc_world.ids["staff1"]))
        assert "Kinerja" in [label for _, label, _ in nav_items(Logged(staff))]
        assert ("/kinerja/", "Kinerja", "bsc") in nav_items(Logged(staff))
        assert "Kinerja" not in [label for _, label, _ in nav_items(Logged(nobody))]


@pytest.mark.parametrize("value, decimals, text", [
    (D("1234.56"), None, "1.234,56"), (D("1234567.5"), None, "1.234.567,5"), (D("120.0000"), None, "120"),
    (D("0.125"), None, "0,13"), (D("-50"), 2, "-50,00"), (D("98.5"), 2, "98,50"), (D("-0.001"), 2, "0,00"),
    (7, None, "7"), (None, None, "–"),
])
def test_numbers_in_indonesian(value, decimals, text):
    from ekinerja.web import format_number_id
    assert format_number_id(value, decimals) == text


def test_percentages_in_indonesian():
    from ekinerja.web import format_percent_id
    assert format_percent_id(D("1.0714285")) == "107,14%"
    assert format_percent_id(D("-0.5")) == "-50,00%"
    assert format_percent_id(None) == "–"
