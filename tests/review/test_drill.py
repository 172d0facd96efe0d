"""The governor's office drill-down (ekinerja/review/drill.py, drill_views.py): figures of each node,
who is late, the gaps of the cascade, the pages, the fragment, who may open them, and a query count
that does not grow with the children.

The world (tests/bsc/conftest.iku): province IKU-01 (max, sum, target 120) rolls up OPD A's indicator,
which here rolls up its bidang's, which rolls up two staff indicators (target 60 each → 5 a month):
the only entry (manual) indicators. January–March on target and approved; April: staff1 approved 0,
staff2 only a draft. "Today" is 4 May 2026: April's deadline (10 May) has not passed yet.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import event

from ekinerja.bsc import services
from ekinerja.bsc.models import OwnerKind, RealisationStatus, Rollup
from ekinerja.bsc.scoring import Colour
from ekinerja.extensions import db
from ekinerja.org.models import PositionKind
from ekinerja.review import drill as rdrill
from tests.kit import is_login_redirect, snapshot, text_of

APRIL = 4
AFTER_APRIL_DEADLINE = date(2026, 5, 11)

STAFF1, STAFF2, KABID, A_HEAD = "staff1", "staff2", "kabid", "a_head"
B_HEAD, B_STAFF, OP_A, OP_B = "b_head", "b_staff", "op_a", "op_b"
GOV, ADMIN, AUDITOR = "gov", "admin", "auditor"
IDENTITIES = [STAFF1, STAFF2, KABID, A_HEAD, B_HEAD, B_STAFF, OP_A, OP_B, GOV, ADMIN, AUDITOR]
PROVINCE_READERS = frozenset({GOV, ADMIN, AUDITOR})

# {names} are filled from the world's ids (tests/kit.assert_routes_listed fills them with 1).
ROUTES_COVERED: dict[str, list[tuple[str, str, frozenset[str]]]] = {
    "review.drill": [("GET", "/review/telusur/{top}?bulan=4", PROVINCE_READERS),
                     ("GET", "/review/telusur/{s1}", PROVINCE_READERS)],
    "review.drill_children": [("GET", "/review/telusur/{unit}/anak?bulan=4", PROVINCE_READERS)],
    "review.gaps": [("GET", "/review/celah?tahun=2026", PROVINCE_READERS),
                    ("GET", "/review/celah", PROVINCE_READERS)],
}
ALL_ROUTES = [(endpoint, *route) for endpoint, routes in ROUTES_COVERED.items() for route in routes]


@pytest.fixture
def months(iku, realise, today):
    iku.opd.rollup = iku.unit.rollup = Rollup.CHILDREN_SUM
    for m in (1, 2, 3):
        realise(iku.s1, m, 5)
        realise(iku.s2, m, 5)
    realise(iku.s1, APRIL, 0)
    realise(iku.s2, APRIL, 0, status=RealisationStatus.DRAFT)
    db.session.commit()
    return iku


@pytest.fixture
def world(months, people):
    ids = {name: getattr(months, name).id for name in ("top", "opd", "unit", "s1", "s2")}
    users = {name: getattr(people, name).username for name in IDENTITIES}
    db.session.commit()
    return {"ids": ids, "users": users}


def path_of(path: str, world) -> str:
    return path.format(**world["ids"])


# ------------------------------------------------------------------ services: figures

def test_node_and_children_figures(months):
    d = rdrill.drill(months.top.id, APRIL, depth=3)
    top = d.node
    assert (top.figures.target, top.figures.realisation, top.figures.score, top.figures.colour) == \
        (D(40), D(30), D("0.75"), Colour.RED)
    assert top.entry is None and top.child_count == 1 and d.ancestors == [] and d.size == 5
    [opd] = top.children
    assert opd.owner.kind == OwnerKind.OPD and opd.owner.name == "Dinas Alfa" and opd.figures.score == D("0.75")
    [unit] = opd.children
    assert unit.owner.name == "Bidang Satu" and (unit.owner.position, unit.owner.person) == ("Kepala Bidang Satu", "Kabid Satu")
    s2, s1 = unit.children                                               # by name
    assert (s1.owner.name, s1.owner.position, s1.owner.unit, s1.owner.opd) == ("Staf Satu", "Analis", "Bidang Satu", "Dinas Alfa")
    assert (s1.figures.target, s1.figures.realisation, s1.figures.colour) == (D(20), D(15), Colour.RED)
    assert s1.entry.status == RealisationStatus.APPROVED and s1.entry.value == D(0) and s1.is_leaf
    assert s2.entry.status == RealisationStatus.DRAFT and s2.figures.realisation == D(15)


def test_depth_one_stops_below_the_children_and_ancestors_lead_up(months):
    d = rdrill.drill(months.unit.id, APRIL)
    assert [k.owner.name for k in d.node.children] == ["Staf Dua", "Staf Satu"]   # by name
    assert all(k.children == [] for k in d.node.children)
    assert [a.code for a in d.ancestors] == ["IKU-01", months.opd.code]
    assert rdrill.drill(months.top.id, APRIL).node.children[0].children == []


def test_month_defaults_to_this_month_and_a_missing_indicator_is_not_found(months):
    from ekinerja.errors import NotFound

    assert rdrill.drill(months.top.id).period.month == 5                  # today: 4 May 2026
    assert rdrill.drill(months.top.id, 13).period.month == 5
    with pytest.raises(NotFound):
        rdrill.drill(987654, APRIL)


# ------------------------------------------------------------------ services: who is late

def test_before_the_deadline_nobody_is_late(months):
    d = rdrill.drill(months.top.id, APRIL, depth=3)
    assert not d.period.overdue and d.period.deadline == date(2026, 5, 10)
    assert d.late == [] and d.node.late == 0
    s2 = d.node.children[0].children[0].children[0]
    assert s2.owner.name == "Staf Dua" and s2.entry.status == RealisationStatus.DRAFT and not s2.entry.late


def test_after_the_deadline_drafts_and_empty_entries_are_late(months, today, make_position, make_employee, org):
    new = make_employee(make_position(org.bidang, "Pranata Komputer", PositionKind.FUNGSIONAL), "Staf Tiga")
    [s3] = services.cascade(None, months.unit, [services.CascadeTarget(OwnerKind.EMPLOYEE, new.id, 12)])
    db.session.commit()
    today(AFTER_APRIL_DEADLINE)
    d = rdrill.drill(months.top.id, APRIL, depth=3)
    assert d.period.overdue
    assert [(x.owner.name, x.owner.position, x.owner.unit, x.entry.status) for x in d.late] == [
        ("Staf Dua", "Pengadministrasi", "Bidang Satu", RealisationStatus.DRAFT),
        ("Staf Tiga", "Pranata Komputer", "Bidang Satu", None)]           # nothing entered at all
    opd = d.node.children[0]
    unit = opd.children[0]
    assert (d.node.late, opd.late, unit.late) == (2, 2, 2)
    assert {k.owner.name: (k.late, k.entry.late) for k in unit.children} == {
        "Staf Satu": (0, False), "Staf Dua": (1, True), "Staf Tiga": (1, True)}
    assert s3.id in {x.indicator.id for x in d.late}
    # March: the others' values are approved; the newcomer has none, and March closed on 10 April.
    assert [x.owner.name for x in rdrill.drill(months.top.id, 3).late] == ["Staf Tiga"]


def test_the_provinces_own_entries_are_not_counted_late(months, today):
    """The governor's office keeps the province's values itself: "late" is said of OPDs, units, staff."""
    months.top.rollup = Rollup.MANUAL
    db.session.commit()
    today(AFTER_APRIL_DEADLINE)
    d = rdrill.drill(months.top.id, APRIL)
    assert d.node.entry.status is None and not d.node.entry.late
    assert [x.owner.name for x in d.late] == ["Staf Dua"] and d.node.late == 1


def test_submitted_is_not_late(months, today):
    from ekinerja.bsc.models import Realisation
    from sqlalchemy import select

    r = db.session.scalar(select(Realisation).where(Realisation.indicator_id == months.s2.id, Realisation.month == APRIL))
    r.status = RealisationStatus.SUBMITTED
    db.session.commit()
    today(AFTER_APRIL_DEADLINE)
    d = rdrill.drill(months.unit.id, APRIL)
    assert d.late == [] and d.node.late == 0


# ------------------------------------------------------------------ services: gaps

def _indicator(card, code, objective=None):
    ss = objective or services.save_objective(None, card, "SS9", "customer", "Sasaran uji")
    return services.save_indicator(None, ss, services.IndicatorInput(
        code=code, name=f"Indikator {code}", unit_of_measure="%", polarity="max", aggregation="last",
        weight=1, target=90))


def test_gaps_by_opd_with_the_eselon_threshold(months, org, make_position):
    # A second province IKU that no OPD carries; OPD B's own indicator that nobody below carries.
    _indicator(months.prov, "IKU-02")
    b_card = services.ensure_scorecard(None, 2026, OwnerKind.OPD, org.b)
    _indicator(b_card, "IKU-B1")
    vacant = make_position(org.bidang, "Kepala Seksi Kosong", PositionKind.PENGAWAS)
    db.session.commit()

    r = rdrill.gap_report(2026)
    assert [i.code for i in r.iku_without_opd] == ["IKU-02"]
    by = {o.opd.name: o for o in r.opds}
    a, b = by["Dinas Alfa"], by["Badan Beta"]
    assert [i.code for i in b.uncarried] == ["IKU-B1"] and a.uncarried == []
    # B's head heads an OPD office whose card carries IKU-B1; B's staff has nothing.
    assert [p.name for p, _ in b.without_indicator] == ["Pengelola"]
    assert [(p.name, e) for p, e in a.without_indicator] == [("Kepala Seksi Kosong", None)]
    # The kabid (eselon III) heads a bidang carrying a single indicator: fewer than 2.
    assert rdrill.THIN_POST_BELOW == 2
    assert [(t.position.name, t.holder.name, t.carried) for t in a.thin_posts] == [("Kepala Bidang Satu", "Kabid Satu", 1)]
    assert vacant.id not in {t.position.id for t in a.thin_posts}          # listed once, as "without indicator"
    assert r.totals == {"uncarried": 1, "without_indicator": 2, "thin_posts": 1}

    # A second indicator on the bidang's card: the kabid now carries 2, which is enough.
    _indicator(months.unit.scorecard, "IKU-U2")
    db.session.commit()
    a = {o.opd.name: o for o in rdrill.gap_report(2026).opds}["Dinas Alfa"]
    assert a.thin_posts == []


def test_carried_counts_the_holders_own_indicators_too(months, org):
    card = services.ensure_scorecard(None, 2026, OwnerKind.EMPLOYEE, org.kabid)
    _indicator(card, "IKI-K1")
    db.session.commit()
    posts = {t.position.name: t.carried for t in rdrill.carried_by_structural_posts(2026)}
    assert posts == {"Kepala Bidang Satu": 2}


# ------------------------------------------------------------------ access

def test_every_route_of_the_drill_down_is_listed(app):
    """Every route that ekinerja/review/drill_views.py adds to the review blueprint has its rows."""
    from ekinerja.review import drill_views

    mine = {f"review.{rule.endpoint.split('.')[1]}" for rule in app.url_map.iter_rules()
            if app.view_functions[rule.endpoint].__module__ == drill_views.__name__}
    assert mine == set(ROUTES_COVERED)
    adapter = app.url_map.bind("localhost")
    listed = set()
    for endpoint, method, path, _ in ALL_ROUTES:
        rule, _args = adapter.match(path.split("?")[0].format_map({"top": 1, "s1": 1, "unit": 1}), method=method,
                                    return_rule=True)
        assert rule.endpoint == endpoint
        listed.add((method, rule.rule))
    in_app = {(m, r.rule) for r in app.url_map.iter_rules() if r.endpoint in mine for m in r.methods - {"HEAD", "OPTIONS"}}
    assert in_app == listed


def test_anonymous_is_sent_to_log_in(client, world):
    before = snapshot()
    for _, _, path, _ in ALL_ROUTES:
        assert is_login_redirect(client.get(path_of(path, world))), path
    assert snapshot() == before


@pytest.mark.parametrize("endpoint, method, path, allowed", ALL_ROUTES, ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_get(client, auth, world, endpoint, method, path, allowed):
    for who in IDENTITIES:
        assert auth.login(world["users"][who]).status_code == 302
        r = client.get(path_of(path, world))
        expected = 200 if who in allowed else 403
        assert r.status_code == expected, f"{who} GET {path}: {r.status_code}, expected {expected}"
        if expected == 403:
            assert "Jumlah layanan digital" not in text_of(r) and "Staf Satu" not in text_of(r)
        auth.logout()


def test_the_governor_gets_in_and_an_unknown_indicator_is_404(client, auth, world, make_user):
    make_user("governor", username="gubernur")
    db.session.commit()
    auth.login("gubernur")
    assert client.get(path_of("/review/telusur/{top}", world)).status_code == 200
    assert client.get("/review/telusur/987654").status_code == 404
    assert client.get("/review/telusur/987654/anak").status_code == 404


# ------------------------------------------------------------------ pages

def test_dashboard_links_each_iku_to_its_drill_down_and_the_gaps(client, auth, world):
    auth.login(world["users"][GOV])
    html = client.get("/review/?tahun=2026&bulan=4").get_data(as_text=True)
    assert f'href="/review/telusur/{world["ids"]["top"]}?bulan=4"' in html
    assert html.count(f'/review/telusur/{world["ids"]["opd"]}?bulan=4') == 1   # newly red: the OPD's indicator
    assert 'href="/review/celah?tahun=2026"' in html


def test_node_page(client, auth, world):
    auth.login(world["users"][GOV])
    r = client.get(path_of("/review/telusur/{top}?bulan=4", world))
    html, text = r.get_data(as_text=True), text_of(r)
    assert "Telusur kinerja: IKU-01 Jumlah layanan digital" in text
    assert "75,00% ✕ Merah" in text and "Target s.d. April 40 layanan" in text
    assert "Batas pengisian April: 10 Mei 2026" in text and "belum terlambat" in text
    # the child, closed, with a link of its own and the URL of its children
    ids = world["ids"]
    assert f'data-children="/review/telusur/{ids["opd"]}/anak?bulan=4"' in html
    assert f'href="/review/telusur/{ids["opd"]}?bulan=4"' in html
    assert "Dinas Alfa · Perangkat Daerah" in text and "1 turunan" in text
    assert "Staf Satu" not in text                                          # two levels further down
    assert '<script src="/static/js/telusur.js" defer></script>' in html and "<script>" not in html
    assert "style=" not in html
    assert "Belum ada yang terlambat" in text


def test_fragment_shows_the_staff_with_value_status_and_late_marker(client, auth, world, today):
    today(AFTER_APRIL_DEADLINE)
    auth.login(world["users"][AUDITOR])
    r = client.get(path_of("/review/telusur/{unit}/anak?bulan=4", world))
    html, text = r.get_data(as_text=True), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r.get_data(as_text=True)))
    assert r.status_code == 200 and "<html" not in html and "<main" not in html   # a fragment
    assert "Staf Satu · Analis · Bidang Satu" in text and "Isian April: 0 layanan ✓ Disetujui" in text
    assert "Staf Dua · Pengadministrasi · Bidang Satu" in text
    assert "Isian April: 0 layanan ✎ Draf ⚠ Terlambat" in text
    assert "di cabang ini" not in text                                      # a leaf: its own marker only
    assert text.count("Terlambat") == 1
    assert "<details" not in html                                           # staff are leaves


def test_node_page_lists_the_late_with_names_after_the_deadline(client, auth, world, today):
    today(AFTER_APRIL_DEADLINE)
    auth.login(world["users"][ADMIN])
    text = text_of(client.get(path_of("/review/telusur/{top}?bulan=4", world)))
    assert "Terlambat mengisi April 2026 1" in text
    assert "Staf Dua Pengadministrasi Bidang Satu Dinas Alfa" in text and "✎ Draf ⚠ Terlambat" in text
    assert "⚠ 1 terlambat di cabang ini" in text


def test_breadcrumb_of_a_staff_node(client, auth, world):
    auth.login(world["users"][GOV])
    text = text_of(client.get(path_of("/review/telusur/{s1}?bulan=4", world)))
    assert "Dasbor provinsi IKU-01 Pemerintah Provinsi Nusa Tenggara Barat" in text   # › between, drawn by CSS
    assert "Staf Satu · Analis · Bidang Satu · Dinas Alfa" in text
    assert "Tidak ada indikator turunan." in text


def test_gaps_page(client, auth, world, org, months):
    _indicator(months.prov, "IKU-02")
    db.session.commit()
    auth.login(world["users"][GOV])
    r = client.get("/review/celah?tahun=2026")
    text = text_of(r)
    assert r.status_code == 200
    assert "kurang dari 2 indikator" in text
    assert "IKU provinsi tanpa indikator OPD 1 IKU-02 Indikator IKU-02" in text
    assert "Badan Beta 0 2 0" in text and "Dinas Alfa 0 0 1" in text and "Jumlah 0 2 1" in text
    assert "Kepala Bidang Satu · Bidang Satu · Administrator (eselon III) · Kabid Satu · 1 indikator" in text
    assert "Pengelola · Badan Beta · Pelaksana · Staf Beta" in text


# ------------------------------------------------------------------ queries

def _count(fn) -> int:
    seen = []

    def listen(*_args):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    return len(seen)


def test_queries_do_not_grow_with_the_children(client, auth, world, months, org, make_position, make_employee,
                                               realise):
    """Three more staff under the bidang, and OPD B carrying the IKU too: the pages cost the same."""
    auth.login(world["users"][GOV])
    pages = [path_of(p, world) for p in ("/review/telusur/{top}?bulan=4", "/review/telusur/{unit}?bulan=4",
                                         "/review/telusur/{unit}/anak?bulan=4")]

    def counts():
        db.session.expire_all()
        return [_count(lambda: client.get(p)) for p in pages]

    before = counts()
    more = []
    for n in range(3):
        e = make_employee(make_position(org.bidang, f"Analis {n}", PositionKind.FUNGSIONAL), f"Staf Baru {n}")
        more.append(services.CascadeTarget(OwnerKind.EMPLOYEE, e.id, 10))
    for ind in services.cascade(None, months.unit, more):
        realise(ind, APRIL, 1, status=RealisationStatus.SUBMITTED)
    services.cascade(None, months.top, [services.CascadeTarget(OwnerKind.OPD, org.b.id, 10)])
    db.session.commit()
    assert counts() == before
    html = client.get(pages[2]).get_data(as_text=True)
    assert html.count("Staf Baru") == 3 and html.count("<li>") == 5
