"""The review pages (ekinerja/review/views.py): who may see them, and what they show.

ROUTES_COVERED lists every route of the `review` blueprint with who may reach it, in the shape of
tests/test_access.py ({endpoint: [(method, path, allowed)]}). Only province-wide readers
(bsc.view with scope ALL) get in: the governor's office, the administrator and the auditor here;
OPD staff, heads and operators are refused. "Today" is 4 May 2026 (tests/realisations/conftest.py).
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ekinerja.bsc.models import Rollup
from ekinerja.extensions import db
from ekinerja.realisations import services as rs
from tests.kit import assert_routes_listed, is_login_redirect, snapshot, text_of

STAFF1, STAFF2, KABID, A_HEAD = "staff1", "staff2", "kabid", "a_head"
B_HEAD, B_STAFF, OP_A, OP_B = "b_head", "b_staff", "op_a", "op_b"
GOV, ADMIN, AUDITOR = "gov", "admin", "auditor"
IDENTITIES = [STAFF1, STAFF2, KABID, A_HEAD, B_HEAD, B_STAFF, OP_A, OP_B, GOV, ADMIN, AUDITOR]
PROVINCE_READERS = frozenset({GOV, ADMIN, AUDITOR})

ROUTES_COVERED: dict[str, list[tuple[str, str, frozenset[str]]]] = {
    "review.index": [("GET", "/review/", PROVINCE_READERS),
                     ("GET", "/review/?tahun=2026&bulan=4", PROVINCE_READERS)],
    "review.compliance": [("GET", "/review/kepatuhan?tahun=2026&bulan=4", PROVINCE_READERS)],
}
ALL_ROUTES = [(endpoint, *route) for endpoint, routes in ROUTES_COVERED.items() for route in routes]


@pytest.fixture
def world(iku, people, realise):
    """OPD A's indicators sum their staff's; January–March on target, April: staff1 approved 0
    (IKU-01 turns red), staff2 submitted on 11 May in NTB (late) after one return, with evidence."""
    from tests.realisations.test_views import pdf_bytes

    iku.opd.rollup = iku.unit.rollup = Rollup.CHILDREN_SUM
    for m in (1, 2, 3):
        realise(iku.s1, m, 5)
        realise(iku.s2, m, 5)
    realise(iku.s1, 4, 0)
    s2 = rs.save(people.staff2, iku.s2, 4, rs.Entry(value="20"))
    rs.add_evidence(people.staff2, s2, pdf_bytes(), "laporan.pdf", s2.version)
    rs.submit(people.staff2, s2, s2.version)
    rs.return_(people.kabid, s2, s2.version, "Periksa lagi")
    rs.submit(people.staff2, s2, s2.version)
    s2.submitted_at = datetime(2026, 5, 10, 17, tzinfo=UTC)
    db.session.commit()
    return {name: getattr(people, name).username for name in IDENTITIES}


# ------------------------------------------------------------------ access

def test_every_route_of_the_blueprint_is_listed(app):
    # The drill-down and the exports list their own routes beside their fixtures.
    from tests.review import test_drill, test_exports

    others = [(endpoint, *route) for module in (test_drill, test_exports)
              for endpoint, routes in module.ROUTES_COVERED.items() for route in routes]
    assert_routes_listed(app, "review.", ALL_ROUTES + others)


def test_anonymous_is_sent_to_log_in(client, world):
    before = snapshot()
    for _, _, path, _ in ALL_ROUTES:
        assert is_login_redirect(client.get(path)), path
    assert snapshot() == before


@pytest.mark.parametrize("endpoint, method, path, allowed", ALL_ROUTES, ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_get(client, auth, world, endpoint, method, path, allowed):
    for who in IDENTITIES:
        assert auth.login(world[who]).status_code == 302
        r = client.get(path)
        expected = 200 if who in allowed else 403
        assert r.status_code == expected, f"{who} GET {path}: {r.status_code}, expected {expected}"
        auth.logout()


def test_governor_gets_in(client, auth, world, make_user):
    make_user("governor", username="gubernur")
    db.session.commit()
    assert auth.login("gubernur").status_code == 302
    assert client.get("/review/?tahun=2026&bulan=4").status_code == 200
    assert client.get("/review/kepatuhan?tahun=2026&bulan=4").status_code == 200


# ------------------------------------------------------------------ what the pages show

def test_dashboard_shows_figures_charts_and_tables(client, auth, world):
    auth.login(world[GOV])
    r = client.get("/review/?tahun=2026&bulan=4")
    html, text = r.get_data(as_text=True), text_of(r)
    assert html.count("<svg") == 4 and 'aria-labelledby="tren-t tren-d"' in html and "style=" not in html
    assert "NKO s.d. April: 75,00% ✕ Merah" in text
    assert "Proyeksi Desember Jan Feb Mar Apr" in text
    assert "NKO provinsi 75,00% ✕ Merah – 100,00% 100,00% 100,00% 75,00%" in text
    assert "22,50% ✕ Diperkirakan tidak tercapai" in text                 # projected to December
    assert "Dinas Alfa" in text and "Badan Beta (belum ada kartu kinerja)" in text
    assert "Indikator yang menjadi merah bulan ini" in text and "IKU-01 · Jumlah layanan digital ✓ Hijau" in text
    assert "100,00% / ✓ Hijau" in text and "100,00% / ✕ Merah" in text  # April: both filled (s2 submitted)


def test_march_has_nothing_turned_red(client, auth, world):
    auth.login(world[ADMIN])
    text = text_of(client.get("/review/?tahun=2026&bulan=3"))
    assert "Tidak ada indikator provinsi atau perangkat daerah yang berubah menjadi merah pada Maret 2026" in text


def test_empty_year_and_bad_arguments(client, auth, world):
    auth.login(world[AUDITOR])
    r = client.get("/review/?tahun=abc&bulan=99")   # falls back to this year, this month
    assert r.status_code == 200 and "Periode Januari–Mei 2026" in text_of(r)
    r = client.get("/review/?tahun=2031&bulan=2")
    assert r.status_code == 200 and "Belum ada kartu kinerja provinsi tahun 2031" in text_of(r)


def test_compliance_page(client, auth, world):
    auth.login(world[GOV])
    text = text_of(client.get("/review/kepatuhan?tahun=2026&bulan=4"))
    # Dinas Alfa: 2 manual indicators × 4 months, all filled; one submission time, late;
    # evidence on 1 of 8; 1 returned, 7 approved; no approval with both times.
    assert "Dinas Alfa 0,00% (0/1) 100,00% (8/8) ✓ Hijau 12,50% (1/8) 0,14 (1/7) –" in text
    assert "Badan Beta – (0/0) – (0/0) – Tanpa data – (0/0) – (0/0) –" in text
