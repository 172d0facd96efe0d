"""Access to every route (style.md rule 9): anonymous visitors are sent to log in, the wrong role or
the wrong OPD gets 403, and a refused POST changes nothing.

ROUTES is the table: one row per method of a route, its ids taken from the `org` fixture, and who
may reach it. test_every_route_is_in_the_table keeps the table complete: a new route fails the suite
until it has a row here.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from ekinerja.auth.models import User
from ekinerja.auth.services import issue_token, revoke_tokens
from ekinerja.extensions import db
from ekinerja.org.models import Employee, Position, Unit
from tests.conftest import PASSWORD, valid_nip
from tests.kit import is_login_redirect, snapshot

# ------------------------------------------------------------------ who

ADMIN, GOVERNOR_OFFICE, GOVERNOR, AUDITOR = "admin", "governor_office", "governor", "auditor"
OPERATOR_A, OPERATOR_B = "operator_a", "operator_b"
KABID, STAFF1, B_STAFF = "kabid", "staff1", "b_staff"  # kabid heads org.bidang in OPD A
IDENTITIES = [ADMIN, GOVERNOR_OFFICE, GOVERNOR, AUDITOR, OPERATOR_A, OPERATOR_B, KABID, STAFF1, B_STAFF]

EVERYONE = frozenset(IDENTITIES)
PROVINCE_READERS = frozenset({ADMIN, GOVERNOR_OFFICE, GOVERNOR, AUDITOR})
OPD_A_READERS = PROVINCE_READERS | {OPERATOR_A}
OPD_B_READERS = PROVINCE_READERS | {OPERATOR_B}
OPD_A_KEEPERS = frozenset({ADMIN, GOVERNOR_OFFICE, OPERATOR_A})
OPD_B_KEEPERS = frozenset({ADMIN, GOVERNOR_OFFICE, OPERATOR_B})
AUDIT_READERS = frozenset({ADMIN, AUDITOR})
ADMINS = frozenset({ADMIN})

# Public by design: reachable without logging in (test_public_routes_need_no_login).
PUBLIC_RULES = {"/static/<path:filename>", "/masuk", "/healthz", "/api/v1/openapi.json",
                # document verification (tests/contracts/test_verification.py)
                "/verifikasi/", "/verifikasi/<code>", "/verifikasi/<code>/dokumen.pdf",
                # public E-SAKIP pages and open data (tests/public/test_sakip.py)
                "/sakip", "/sakip/opd/<code>", "/api/public/v1/sakip/<int:year>", "/api/public/v1/sakip/<int:year>.csv",
                "/api/public/v1/sakip/<int:year>/opd/<code>", "/api/public/v1/sakip/<int:year>/opd/<code>.csv",
                "/api/public/v1/documents", "/api/public/v1/documents.csv",
                # the open-data catalogue, sitemap and robots.txt (tests/public/test_catalogue.py)
                "/api/public/v1/data.json", "/sitemap.xml", "/robots.txt"}


# ------------------------------------------------------------------ what

@dataclass(frozen=True)
class Route:
    method: str
    path: str                    # {names} are filled from world.ids
    allowed: frozenset[str]
    next_param: bool = True      # anonymous: /masuk?next=<path> (False: plain /masuk)
    logs_out: bool = False       # /keluar: its answer is the login page, and the session ends

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def both(path: str, allowed: frozenset[str]) -> list[Route]:
    return [Route("GET", path, allowed), Route("POST", path, allowed)]


ROUTES: list[Route] = [
    # Logging in lands on the home page anyway, so it sends anonymous visitors to plain /masuk.
    Route("GET", "/", EVERYONE, next_param=False),
    Route("POST", "/keluar", EVERYONE, next_param=False, logs_out=True),
    *both("/akun/kata-sandi", EVERYONE),

    # Organisation. Every logged-in user is sent to what they may see (list, OPD, unit or own page).
    Route("GET", "/organisasi/", EVERYONE),
    Route("GET", "/organisasi/opd/{opd_a}", OPD_A_READERS),
    Route("GET", "/organisasi/opd/{opd_b}", OPD_B_READERS),
    Route("GET", "/organisasi/opd/{opd_a}/pegawai", OPD_A_READERS),
    *both("/organisasi/opd/{opd_a}/pegawai/baru", OPD_A_KEEPERS),
    Route("GET", "/organisasi/unit/{bidang}", OPD_A_READERS | {KABID}),
    Route("GET", "/organisasi/unit/{a_root}", OPD_A_READERS),  # the kabid does not see upwards
    *both("/organisasi/unit/{bidang}/ubah", OPD_A_KEEPERS),
    Route("POST", "/organisasi/unit/{b_root}/ubah", OPD_B_KEEPERS),
    *both("/organisasi/unit/{bidang}/sub-unit/baru", OPD_A_KEEPERS),
    *both("/organisasi/unit/{bidang}/jabatan/baru", OPD_A_KEEPERS),
    *both("/organisasi/jabatan/{position}/ubah", OPD_A_KEEPERS),
    Route("GET", "/organisasi/pegawai/{staff1}", OPD_A_READERS | {KABID, STAFF1}),
    Route("GET", "/organisasi/pegawai/{staff2}", OPD_A_READERS | {KABID}),
    Route("GET", "/organisasi/pegawai/{a_head}", OPD_A_READERS),
    Route("GET", "/organisasi/pegawai/{b_staff}", OPD_B_READERS | {B_STAFF}),
    *both("/organisasi/pegawai/{staff1}/ubah", OPD_A_KEEPERS),
    *both("/organisasi/pegawai/{staff1}/jabatan", OPD_A_KEEPERS),
    *both("/organisasi/pegawai/{staff2}/akhiri", OPD_A_KEEPERS),

    # The audit trail: read by the auditor and administrators.
    Route("GET", "/audit/", AUDIT_READERS),

    # User administration. "target" is a user the administrator acts on.
    Route("GET", "/admin/pengguna", ADMINS),
    *both("/admin/pengguna/baru", ADMINS),
    Route("GET", "/admin/pengguna/{target}", ADMINS),
    Route("POST", "/admin/pengguna/{target}/peran", ADMINS),
    Route("POST", "/admin/pengguna/{target}/peran/{target_role}/cabut", ADMINS),
    Route("POST", "/admin/pengguna/{target}/kata-sandi", ADMINS),
    Route("POST", "/admin/pengguna/{target}/status", ADMINS),

    # The API: a bearer token of any user (an anonymous call gets 401 in the JSON envelope).
    Route("GET", "/api/v1/me", EVERYONE),
]

NEW_PASSWORD = "kata-sandi-baru-77"

# A valid form for each POST: were a refusal missing, it would change the database.
POST_DATA = {
    "/keluar": lambda w: {},
    "/akun/kata-sandi": lambda w: {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                   "confirm": NEW_PASSWORD},
    "/organisasi/opd/{opd_a}/pegawai/baru": lambda w: {
        # born on a day no fixture uses, so the NIP is new whatever conftest's counter is at
        "nip": valid_nip(1, birth=(1979, 8, 17)), "name": "Pegawai Baru", "rank": "III/a",
        "position": w.ids["vacant"], "start_date": "2025-03-01"},
    "/organisasi/unit/{bidang}/ubah": lambda w: {
        "code": w.bidang_code, "name": "Bidang Diubah", "kind": "bidang", "parent": w.ids["a_root"]},
    "/organisasi/unit/{b_root}/ubah": lambda w: {
        "code": w.b_root_code, "name": "Badan Diubah", "kind": "opd", "parent": ""},
    "/organisasi/unit/{bidang}/sub-unit/baru": lambda w: {
        "code": "UJI.SEKSI-BARU", "name": "Seksi Baru", "kind": "seksi", "parent": w.ids["bidang"]},
    "/organisasi/unit/{bidang}/jabatan/baru": lambda w: {"name": "Jabatan Baru", "kind": "pelaksana"},
    "/organisasi/jabatan/{position}/ubah": lambda w: {"name": "Jabatan Diubah", "kind": "pelaksana"},
    "/organisasi/pegawai/{staff1}/ubah": lambda w: {"nip": w.staff1_nip, "name": "Nama Diubah", "rank": "IV/a"},
    "/organisasi/pegawai/{staff1}/jabatan": lambda w: {"position": w.ids["vacant"], "start_date": "2025-03-01"},
    "/organisasi/pegawai/{staff2}/akhiri": lambda w: {"end_date": "2026-06-30"},
    "/admin/pengguna/baru": lambda w: {"username": "pengguna.baru", "display_name": "Pengguna Baru",
                                       "password": NEW_PASSWORD, "role": "opd_operator", "opd": w.ids["opd_a"]},
    "/admin/pengguna/{target}/peran": lambda w: {"role": "governor", "opd": ""},
    "/admin/pengguna/{target}/peran/{target_role}/cabut": lambda w: {},
    "/admin/pengguna/{target}/kata-sandi": lambda w: {},
    "/admin/pengguna/{target}/status": lambda w: {},
}


# ------------------------------------------------------------------ fixtures and helpers

@pytest.fixture
def world(org, make_user, make_position):
    """org, a user for each province-wide role and each OPD's operator, a vacant post in each OPD."""
    vacant = make_position(org.bidang, "Jabatan Kosong")
    b_vacant = make_position(org.b_root, "Jabatan Kosong Beta")
    users = {
        ADMIN: make_user("admin", username="admin"),
        GOVERNOR_OFFICE: make_user("governor_office", username="biro.organisasi"),
        GOVERNOR: make_user("governor", username="gubernur"),
        AUDITOR: make_user("auditor", username="inspektorat"),
        OPERATOR_A: make_user(("opd_operator", org.a), username="operator.a"),
        OPERATOR_B: make_user(("opd_operator", org.b), username="operator.b"),
    }
    target = make_user(("opd_operator", org.b), username="sasaran")
    db.session.commit()
    for name, employee in ((KABID, org.kabid), (STAFF1, org.staff1), (B_STAFF, org.b_staff)):
        users[name] = db.session.scalar(select(User).where(User.employee_id == employee.id))
    w = SimpleNamespace(
        ids={"opd_a": org.a.id, "opd_b": org.b.id, "a_root": org.a_root.id, "bidang": org.bidang.id,
             "b_root": org.b_root.id, "position": org.staff2.position.id, "vacant": vacant.id,
             "b_vacant": b_vacant.id, "a_head": org.a_head.id, "staff1": org.staff1.id,
             "staff2": org.staff2.id, "b_staff": org.b_staff.id, "target": target.id,
             "target_role": target.roles[0].id},
        logins={name: u.username for name, u in users.items()},  # an employee's username is the NIP
        user_ids={name: u.id for name, u in users.items()},
        bidang_code=org.bidang.code, b_root_code=org.b_root.code, staff1_nip=org.staff1.nip,
    )
    db.session.commit()  # end the read: requests and checks below see fresh data (MariaDB's snapshots)
    return w


def url(route: Route, w) -> str:
    return route.path.format(**w.ids)


def fresh(stmt):
    with db.engine.connect() as conn:
        return conn.execute(stmt).scalar()


def call(client, route: Route, w, headers=None):
    path = url(route, w)
    if route.method == "GET":
        return client.get(path, headers=headers)
    return client.post(path, data=POST_DATA[route.path](w), headers=headers)


def credentials_of(client, auth, w, who: str) -> dict:
    """Log `who` in (pages) and return the headers for the API (a bearer token of theirs)."""
    token = issue_token(db.session.get(User, w.user_ids[who]))
    db.session.commit()
    assert auth.login(w.logins[who]).status_code == 302
    return {"Authorization": f"Bearer {token}"}


# ------------------------------------------------------------------ the table is complete

class _AnyId(dict):
    def __missing__(self, key):
        return 1


# Routes whose access matrix lives beside their own fixtures (a scorecard world, API tokens).
API_ACCESS_TESTS = {
    ("GET", "/api/v1/scorecards"): "tests/api/test_scorecards.py::test_*_sees_*, test_no_token_is_401",
    ("GET", "/api/v1/scorecards/<int:scorecard_id>"): "tests/api/test_scorecards.py::test_who_may_open_which_scorecard",
    ("GET", "/api/v1/indicators/<int:indicator_id>/cascade"): "tests/api/test_scorecards.py::test_cascade_seen_by_*",
    ("GET", "/api/v1/exchange"): "tests/api/test_exchange.py::test_only_administrators_and_the_governors_office",
    ("POST", "/api/v1/exchange"): "tests/api/test_exchange.py::test_only_administrators_and_the_governors_office",
}


# Modules whose routes carry their own access tests beside their fixtures. Each may define
# ROUTES_COVERED ({name: [(method, path, allowed), ...]} or a plain list of such rows) and
# API_ACCESS_TESTS ({(method, rule): "where the test is"}).
ACCESS_MODULES = ["tests.bsc.test_views", "tests.realisations.test_views", "tests.realisations.test_excel",
                  "tests.realisations.test_periods_admin", "tests.api.test_realisations",
                  "tests.contracts.test_views", "tests.a3.test_views", "tests.contracts.test_verification",
                  "tests.review.test_views", "tests.public.test_views", "tests.review.test_drill",
                  "tests.review.test_exports", "tests.public.test_dip_views", "tests.public.test_ppid_views"]


def covered_elsewhere(adapter) -> set[tuple[str, str]]:
    import importlib

    covered = set(API_ACCESS_TESTS)
    for name in ACCESS_MODULES:
        module = importlib.import_module(name)
        routes = getattr(module, "ROUTES_COVERED", {})
        rows = [row for group in routes.values() for row in group] if isinstance(routes, dict) else list(routes)
        for method, path, _ in rows:
            rule, _ = adapter.match(path.split("?")[0].format_map(_AnyId()), method=method, return_rule=True)
            covered.add((method, rule.rule))
        covered |= set(getattr(module, "API_ACCESS_TESTS", {}))
    return covered


def all_public_rules() -> set[str]:
    """PUBLIC_RULES here and each access module's own PUBLIC_RULES (routes without login by design,
    each proven public-safe in its module)."""
    import importlib

    rules = set(PUBLIC_RULES)
    for name in ACCESS_MODULES:
        rules |= set(getattr(importlib.import_module(name), "PUBLIC_RULES", ()))
    return rules


def test_every_route_is_in_the_table(app):
    """A route without a row here is a route without an access test."""
    adapter = app.url_map.bind("localhost")
    listed = set()
    for route in ROUTES:
        rule, _ = adapter.match(route.path.format_map(_AnyId()), method=route.method, return_rule=True)
        assert rule.rule not in all_public_rules(), f"{route} is public by design; it has no place in ROUTES"
        listed.add((route.method, rule.rule))
    listed |= covered_elsewhere(adapter)
    public = all_public_rules()
    in_app = {(method, rule.rule) for rule in app.url_map.iter_rules() if rule.rule not in public
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    missing = sorted(in_app - listed)
    assert not missing, "routes with no access test; add a row to ROUTES for each:\n" + "\n".join(
        f"  {method} {rule}" for method, rule in missing)
    assert all_public_rules() <= {rule.rule for rule in app.url_map.iter_rules()}
    assert all(route.path in POST_DATA for route in ROUTES if route.method == "POST")


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/masuk", 200),
    ("POST", "/masuk", 422),  # an empty login form: answered, not sent elsewhere
    ("GET", "/healthz", 200),
    ("GET", "/api/v1/openapi.json", 200),
    ("GET", "/static/css/app.css", 200),
])
def test_public_routes_need_no_login(client, method, path, status):
    r = client.open(path, method=method)
    assert r.status_code == status
    r.close()


# ------------------------------------------------------------------ anonymous

@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_is_sent_to_log_in(client, world, route):
    before = snapshot() if route.method == "POST" else None
    r = call(client, route, world)
    if route.path.startswith("/api/"):
        assert r.status_code == 401
        assert r.get_json()["error"]["code"] == "unauthorized"
    else:
        assert is_login_redirect(r), (r.status_code, r.headers.get("Location"))
        query = parse_qs(urlsplit(r.headers["Location"]).query)
        if route.next_param:
            assert query.get("next") == [url(route, world)]
    if before is not None:
        assert snapshot() == before


# ------------------------------------------------------------------ the role matrix

@pytest.mark.parametrize("who", IDENTITIES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_role_matrix(client, auth, world, route, who):
    headers = credentials_of(client, auth, world, who)
    before = snapshot() if route.method == "POST" else None
    r = call(client, route, world, headers=headers if route.path.startswith("/api/") else None)
    if route.logs_out:
        assert is_login_redirect(r) and is_login_redirect(client.get("/"))
    elif who in route.allowed:
        assert r.status_code in (200, 302), f"{who} should reach {route}: {r.status_code}"
        assert not is_login_redirect(r)
        if route.method == "POST":
            # the form is valid, so the refusals of the other identities are meaningful
            assert snapshot() != before, f"{route} as {who} changed nothing: fix its POST_DATA"
    else:
        assert r.status_code == 403, f"{who} should be refused {route}: {r.status_code}"
        if before is not None:
            assert snapshot() == before, f"{route} refused to {who} yet changed the database"


# ------------------------------------------------------------------ refused POSTs change nothing

def test_operator_b_cannot_rename_a_unit_of_opd_a(client, auth, world):
    auth.login("operator.b")
    r = client.post(f"/organisasi/unit/{world.ids['bidang']}/ubah", data={
        "code": world.bidang_code, "name": "Bidang Diambil Alih", "kind": "bidang", "parent": world.ids["a_root"]})
    assert r.status_code == 403
    assert fresh(select(Unit.name).where(Unit.id == world.ids["bidang"])) == "Bidang Satu"


def test_operator_b_cannot_add_posts_units_or_staff_to_opd_a(client, auth, world):
    def counts():
        return (fresh(select(func.count()).select_from(Unit).where(Unit.opd_id == world.ids["opd_a"])),
                fresh(select(func.count()).select_from(Position).join(Unit, Position.unit_id == Unit.id)
                      .where(Unit.opd_id == world.ids["opd_a"])),
                fresh(select(func.count()).select_from(Employee)),
                fresh(select(func.count()).select_from(User)))

    before = counts()
    auth.login("operator.b")
    for route in ("/organisasi/unit/{bidang}/jabatan/baru", "/organisasi/opd/{opd_a}/pegawai/baru",
                  "/organisasi/unit/{bidang}/sub-unit/baru", "/organisasi/pegawai/{staff1}/jabatan"):
        r = client.post(route.format(**world.ids), data=POST_DATA[route](world))
        assert r.status_code == 403, route
    assert counts() == before
    assert fresh(select(Employee.position_id).where(Employee.id == world.ids["staff1"])) != world.ids["vacant"]


def test_the_auditor_reads_but_changes_nothing(client, auth, world):
    auth.login("inspektorat")
    before = snapshot()
    refused = [route for route in ROUTES if route.method == "POST" and AUDITOR not in route.allowed]
    assert len(refused) >= 10
    for route in refused:
        assert call(client, route, world).status_code == 403, route
    assert snapshot() == before
    for route in ("/organisasi/opd/{opd_a}", "/organisasi/unit/{bidang}/ubah", "/audit/"):
        r = client.get(route.format(**world.ids))
        assert r.status_code == (403 if route.endswith("/ubah") else 200), route


@pytest.mark.parametrize("path, field, foreign", [
    ("/organisasi/opd/{opd_a}/pegawai/baru", "position", "b_vacant"),
    ("/organisasi/pegawai/{staff1}/jabatan", "position", "b_vacant"),
    ("/organisasi/unit/{bidang}/sub-unit/baru", "parent", "b_root"),
    ("/organisasi/unit/{bidang}/ubah", "parent", "b_root"),
])
def test_an_operator_cannot_reach_another_opd_through_a_form_field(client, auth, world, path, field, foreign):
    """Operator A, on his own OPD's forms, names a post or unit of OPD B: refused, nothing changes."""
    auth.login("operator.a")
    before = snapshot()
    r = client.post(path.format(**world.ids), data={**POST_DATA[path](world), field: world.ids[foreign]})
    assert r.status_code in (403, 422)
    assert snapshot() == before


# ------------------------------------------------------------------ the API

@pytest.mark.parametrize("who", [ADMIN, STAFF1])
def test_api_me_with_a_token(client, world, who):
    token = issue_token(db.session.get(User, world.user_ids[who]))
    db.session.commit()
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    data = r.get_json()["data"]
    assert data["id"] == world.user_ids[who] and data["username"] == world.logins[who]
    assert (data["employee"] is not None) == (who == STAFF1)


def _revoked(w):
    user = db.session.get(User, w.user_ids[ADMIN])
    token = issue_token(user)
    revoke_tokens(user)
    return f"Bearer {token}"


def _of_inactive_user(w):
    user = db.session.get(User, w.user_ids[STAFF1])
    token = issue_token(user)
    user.active = False
    return f"Bearer {token}"


@pytest.mark.parametrize("authorization", [
    lambda w: None,
    lambda w: "Bearer ekj_salah",
    lambda w: "Basic YWRtaW46cmFoYXNpYQ==",
    _revoked,
    _of_inactive_user,
], ids=["missing", "wrong", "not-bearer", "revoked", "inactive-user"])
def test_api_refuses_a_missing_or_bad_token(client, world, authorization):
    header = authorization(world)
    db.session.commit()
    r = client.get("/api/v1/me", headers={"Authorization": header} if header else {})
    assert r.status_code == 401
    assert set(r.get_json()["error"]) == {"code", "message", "details"}


def test_a_session_cookie_is_no_api_credential(client, auth, world):
    assert auth.login("admin").status_code == 302
    assert client.get("/api/v1/me").status_code == 401
