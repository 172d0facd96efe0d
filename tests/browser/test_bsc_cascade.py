"""A unit head hands an indicator down to two staff through the cascade screen, and the cascade
tree shows both; the scorecard pages fit a phone.

The scorecards are built here on top of the shared demo (a province IKU cascaded to Diskominfotik
and to its Bidang Aplikasi Informatika, with approved realisations for ten months), under codes
of their own (BR-…) so that other tests are not disturbed. With EKINERJA_SHOTS=<folder> the
test also saves screenshots (bsc-*.png) at desktop and phone size for a visual review.
"""
from __future__ import annotations

import os
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.browser.helpers import PHONE, expect, log_in

pytestmark = pytest.mark.browser

YEAR = 2026
SHOTS = os.environ.get("EKINERJA_SHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"bsc-{name}.png"), full_page=True)


def _fits_phone(page, what: str) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= PHONE["width"], f"{what} scrolls sideways on a phone: {widths[0]} px wide"
    spill = page.evaluate("""() => [...document.querySelectorAll('main .card, main .table-wrap, main fieldset')]
        .filter(el => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'auto')
        .map(el => el.className)""")
    assert not spill, f"{what}: content spills out of {spill}"
    # Stacked tables give each cell the width of the card (a narrow one would read a letter a line).
    narrow = page.evaluate("""() => [...document.querySelectorAll('main table.stack td')]
        .filter(td => td.getBoundingClientRect().width < PHONE_MIN).map(td => td.dataset.label)"""
                           .replace("PHONE_MIN", "300"))
    assert not narrow, f"{what}: narrow table cells {narrow}"


def _log_in(page, login: str, password: str) -> None:
    log_in(page, login, password)
    page.wait_for_url(re.compile(r"/$"))  # and its images: leaving earlier would abort them


def _go(page, path: str):
    page.wait_for_load_state()  # let the page before finish loading (its logo), then leave it
    return page.goto(path)


def _follow(page, locator) -> None:
    """Click a link or a submit button and wait until the next page has loaded, images included."""
    with page.expect_navigation():
        locator.click()


def _open_every_level(page) -> int:
    """Click each closed level of the tree open, outermost first (as a person would); a level whose
    children are fetched when it opens (static/js/telusur.js) is waited for. How many were fetched."""
    closed = page.locator(".ctree details:not([open])")
    fetched = 0
    for _ in range(200):
        if closed.count() == 0:
            return fetched
        url = closed.first.get_attribute("data-children")
        closed.first.locator(":scope > summary").click()
        if url:
            details = page.locator(f'details[data-children="{url}"]')
            expect(details).to_have_attribute("data-state", "loaded")
            expect(details.locator(":scope > .drill-slot > ul.ctree")).to_have_count(1)
            fetched += 1
    return fetched


def _staff_carry_the_unit_indicator(app, cards) -> None:
    """The bidang's indicator handed to the first staff member, as the first test does through the
    cascade screen (the same target: nothing changes when that test ran before)."""
    from ekinerja.bsc import services
    from ekinerja.bsc.models import Indicator, OwnerKind
    from ekinerja.extensions import db

    with app.app_context():
        unit = db.session.get(Indicator, cards.unit)
        services.cascade(None, unit, [services.CascadeTarget(OwnerKind.EMPLOYEE, cards.staff[0][0], Decimal(24))])
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="module")
def cards(app, demo):
    """Province → Diskominfotik → Bidang Aplikasi Informatika, four perspectives, mixed results."""
    from ekinerja.bsc import services
    from ekinerja.bsc.models import OwnerKind, Realisation, RealisationStatus
    from ekinerja.bsc.services import CascadeTarget, IndicatorInput
    from ekinerja.extensions import db
    from ekinerja.org.models import Unit

    def indicator(objective, code, name, uom, polarity, aggregation, target, high=None, weight=1, rollup="manual"):
        return services.save_indicator(None, objective, IndicatorInput(
            code=code, name=name, unit_of_measure=uom, polarity=polarity, aggregation=aggregation,
            weight=weight, target=target, target_high=high, rollup=rollup,
            definition=f"Definisi operasional {name.lower()}.", data_source="Laporan bulanan"))

    def realise(ind, values):
        for month, value in enumerate(values, start=1):
            db.session.add(Realisation(indicator_id=ind.id, month=month, value=Decimal(str(value)),
                                       status=RealisationStatus.APPROVED))

    with app.app_context():
        bidang = db.session.get(Unit, demo.kabid_unit_id)
        staff = [p.holder for p in bidang.positions if not p.is_unit_head and p.holder is not None][:2]
        prov = services.ensure_scorecard(None, YEAR, OwnerKind.PROVINCE)
        ss1 = services.save_objective(None, prov, "BR-SS1", "stakeholder", "Meningkatnya kualitas pelayanan publik berbasis digital")
        ss2 = services.save_objective(None, prov, "BR-SS2", "customer", "Meningkatnya kepuasan masyarakat atas layanan informasi publik")
        ss3 = services.save_objective(None, prov, "BR-SS3", "internal_process", "Terwujudnya tata kelola SPBE yang terpadu dan aman")
        ss4 = services.save_objective(None, prov, "BR-SS4", "internal_process", "Meningkatnya interoperabilitas data antar perangkat daerah")
        ss5 = services.save_objective(None, prov, "BR-SS5", "learning_growth", "Meningkatnya kompetensi ASN di bidang teknologi informasi")
        top = indicator(ss1, "BR-IKU-01", "Jumlah layanan publik yang terintegrasi SPBE", "layanan", "max", "sum", 1200)
        realise(top, [95, 100, 104, 98, 101, 99, 103, 100, 97, 102])
        realise(indicator(ss2, "BR-IKU-02", "Indeks kepuasan masyarakat", "indeks", "max", "last", "85", "90"),
                [80, 81, 82, 82, 83, 83, 84, 84, 84, 84])
        realise(indicator(ss3, "BR-IKU-03", "Indeks SPBE Provinsi NTB", "indeks", "max", "last", "3,5"), [2.6] * 10)
        indicator(ss4, "BR-IKU-04", "Persentase data prioritas yang dibagipakaikan", "%", "max", "last", 80)
        realise(indicator(ss5, "BR-IKU-05", "Rata-rata lama pemulihan layanan", "jam", "min", "average", 4),
                [3, 4, 3.5, 4, 3, 3.5, 4, 3, 3.5, 3])
        [opd] = services.cascade(None, top, [CascadeTarget(OwnerKind.OPD, demo.kominfo_opd_id, 240)])
        [unit] = services.cascade(None, opd, [CascadeTarget(OwnerKind.UNIT, demo.kabid_unit_id, 48)])
        realise(opd, [18, 20, 21, 19, 20, 22, 20, 21, 19, 20])
        realise(unit, [4, 3, 4, 5, 4, 3, 4, 4, 3, 4])
        unit_ss = unit.objective
        realise(indicator(unit_ss, "BR-IKI-02", "Persentase ketersediaan layanan aplikasi (uptime)", "%", "max", "average", "99,5"),
                [99.1, 98.7, 99.0, 98.2, 97.9, 99.3, 98.8, 98.1, 99.0, 98.4])
        ss_in = services.save_objective(None, unit.scorecard, "BR-SSU2", "internal_process", "Terkelolanya aplikasi layanan secara terpadu")
        realise(indicator(ss_in, "BR-IKI-03", "Rata-rata waktu penyelesaian gangguan aplikasi", "jam", "min", "average", 6),
                [9, 10, 8, 11, 9, 12, 10, 9, 11, 10])
        indicator(ss_in, "BR-IKI-04", "Jumlah aplikasi yang lulus uji keamanan", "aplikasi", "max", "sum", 12)
        db.session.commit()
        out = SimpleNamespace(prov=prov.id, top=top.id, opd=opd.id, unit=unit.id, unit_card=unit.scorecard_id,
                              unit_code=unit.code, staff=[(e.id, e.name) for e in staff])
        db.session.remove()
    return out


def _menu_to_own_card(page, demo):
    _follow(page, page.locator(".menu-wide").get_by_role("link", name="Kinerja", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kartu kinerja")
    _follow(page, page.get_by_role("link", name=demo.kabid_unit_name))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kartu kinerja {demo.kabid_unit_name} {YEAR}")


def test_a_unit_head_cascades_to_two_staff_and_the_tree_shows_both(page, demo, cards, app):
    (a_id, a_name), (b_id, b_name) = cards.staff
    _log_in(page, demo.kabid_nip, demo.password)
    _menu_to_own_card(page, demo)
    expect(page.get_by_text("Bulan tanpa data: November").first).to_be_visible()
    _shot(page, "scorecard-desktop")

    _follow(page, page.get_by_role("link", name=f"Kaskadekan {cards.unit_code}", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kaskadekan indikator {cards.unit_code}")
    row_a = page.locator("fieldset", has=page.get_by_label(f"Kaskadekan ke {a_name}"))
    row_b = page.locator("fieldset", has=page.get_by_label(f"Kaskadekan ke {b_name}"))
    row_a.get_by_label(f"Kaskadekan ke {a_name}").check()
    row_b.get_by_label(f"Kaskadekan ke {b_name}").check()
    row_a.get_by_label("Target (layanan)").fill("24")
    row_b.get_by_label("Target (layanan)").fill("dua puluh empat")  # a mistake: nothing is saved
    row_b.get_by_label("Bobot").fill("0")
    _follow(page, page.get_by_role("button", name="Kaskadekan ke penerima terpilih"))

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("tidak ada yang diubah")
    expect(alert).to_contain_text(f"{b_name}: Target harus berupa angka.")
    expect(alert).to_contain_text(f"{b_name}: Bobot harus lebih dari 0.")
    expect(row_b.locator(".error").first).to_be_visible()
    expect(row_a.get_by_label("Target (layanan)")).to_have_value("24")  # what was typed stays
    _shot(page, "cascade-errors-desktop")
    with app.app_context():
        from ekinerja.bsc.models import Indicator
        from ekinerja.extensions import db
        assert db.session.scalars(select(Indicator).where(Indicator.parent_id == cards.unit)).all() == []
        db.session.remove()

    row_b.get_by_label("Target (layanan)").fill("24,5")
    row_b.get_by_label("Bobot").fill("1")
    row_b.get_by_label("Jenis kaskade").select_option(label="Tidak langsung")
    _follow(page, page.get_by_role("button", name="Kaskadekan ke penerima terpilih"))

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Pohon kaskade {cards.unit_code}")
    expect(page.get_by_role("status")).to_have_text(f"Indikator {cards.unit_code} dikaskadekan ke 2 penerima.")
    children = page.locator(".ctree .ctree > li")
    expect(children).to_have_count(2)
    expect(children.filter(has_text=a_name)).to_have_count(1)
    expect(children.filter(has_text=b_name)).to_have_count(1)
    expect(children.filter(has_text=b_name)).to_contain_text("Kaskade tidak langsung")
    expect(children.filter(has_text=b_name)).to_contain_text("Target 22,46 layanan")  # 24,5 · 11/12 by November
    _shot(page, "tree-desktop")

    # Back on the cascade screen both are marked as having received the indicator.
    _go(page, f"/kinerja/indikator/{cards.unit}/kaskade")
    expect(page.locator(".recipient .badge", has_text="sudah menerima")).to_have_count(2)
    _shot(page, "cascade-desktop")
    _go(page, f"/kinerja/kartu/{cards.prov}/peta")
    expect(page.locator("svg.map-lebar")).to_be_visible()
    _shot(page, "map-desktop")


def test_the_governor_office_walks_the_province_tree(page, demo, cards, app):
    _staff_carry_the_unit_indicator(app, cards)
    _log_in(page, "biro.organisasi", demo.password)
    _go(page, f"/kinerja/indikator/{cards.top}/pohon")
    # Open to the OPD level: the OPD is shown with the bidang under it on the page already (seen
    # once the OPD is opened); the bidang's staff are fetched only when the bidang is opened.
    opd = page.locator(".ctree .ctree > li").first
    expect(opd).to_contain_text(demo.kominfo_name)
    bidang = page.locator(".node-owner", has_text=demo.kabid_unit_name)
    expect(bidang).to_have_count(1)
    expect(bidang).to_be_hidden()
    expect(page.locator(".node-owner", has_text="Pegawai")).to_have_count(0)
    opd.locator("summary").first.click()
    expect(bidang).to_be_visible()
    closed = page.locator(f"details[data-children*='/kinerja/indikator/{cards.unit}/pohon/anak']")
    expect(closed).to_have_count(1)
    expect(closed).not_to_have_attribute("open", "")
    assert _open_every_level(page) >= 1
    expect(closed.locator(".node-owner", has_text=cards.staff[0][1])).to_be_visible()
    _shot(page, "tree-province-desktop")
    _go(page, f"/kinerja/kartu/{cards.prov}")
    expect(page.locator(".nko-value")).to_contain_text("%")
    _shot(page, "scorecard-province-desktop")


def test_the_province_tree_fits_a_phone(phone_page, demo, cards, app):
    _staff_carry_the_unit_indicator(app, cards)
    page = phone_page
    _log_in(page, "biro.organisasi", demo.password)
    _go(page, f"/kinerja/indikator/{cards.top}/pohon")
    assert _open_every_level(page) >= 1
    expect(page.locator(".node-owner", has_text=cards.staff[0][1])).to_be_visible()
    _shot(page, "tree-province-phone")
    _fits_phone(page, "the province tree")


def test_the_scorecard_pages_fit_a_phone(phone_page, demo, cards):
    page = phone_page
    _log_in(page, demo.kabid_nip, demo.password)
    pages = {
        "scorecard": f"/kinerja/kartu/{cards.unit_card}",
        "map": f"/kinerja/kartu/{cards.prov}/peta",
        "cascade": f"/kinerja/indikator/{cards.unit}/kaskade",
        "tree": f"/kinerja/indikator/{cards.unit}/pohon",
        "list": "/kinerja/",
    }
    for name, path in pages.items():
        _go(page, path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if name == "map":
            expect(page.locator("svg.map-ponsel")).to_be_visible()
            expect(page.locator("svg.map-lebar")).to_be_hidden()
        if name == "tree":
            _open_every_level(page)
        _shot(page, f"{name}-phone")
        _fits_phone(page, f"the {name} page")
    _go(page, f"/kinerja/kartu/{cards.unit_card}")
    _follow(page, page.get_by_role("link", name=re.compile(r"^Tambah indikator")).first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Indikator baru")
    page.get_by_label("Januari").fill("x")
    _follow(page, page.get_by_role("button", name="Simpan indikator"))
    expect(page.locator(".error").first).to_be_visible()
    _fits_phone(page, "the indicator form with errors")
    _shot(page, "indicator-form-phone")
