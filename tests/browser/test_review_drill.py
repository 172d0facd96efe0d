"""The governor's office opens the dashboard and drills down from a red IKU to the staff behind it:
Biro Organisasi picks October on /review/, clicks a red IKU, opens the OPD, then the unit, in place
(each level fetched by static/js/telusur.js), and sees a staff member with a late marker; the gaps
page is one click away. On desktop and on a phone.

The shared demo has realisations January–October 2026 (drafts and returned values in October);
"today" is fixed at 20 November 2026 for this module, so October's deadline (10 November) has
passed and those entries are late. With EKINERJA_SHOTS=<folder> the screenshots are kept there
(telusur-*.png); else in tmp_path.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tests.browser.helpers import PHONE, expect, fixed_today, log_in

pytestmark = pytest.mark.browser

TODAY = date(2026, 11, 20)
LOGIN = "biro.organisasi"


@pytest.fixture(scope="module")
def november(app, demo):
    """"Today" inside November 2026 for this module's requests (the live server shares the app)."""
    with fixed_today(app, TODAY):
        yield TODAY



def _fits(page, what: str) -> None:
    width, view = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= view, f"{what} scrolls sideways: {width} px wide in {view}"


def _open_late_child(page, scope):
    """Open (by its summary, in place) the first closed child under `scope` that has someone late
    below it; wait until its own children have been fetched; return the opened <details>."""
    first = scope.locator("ul.ctree > li > details.drill-node:not([open]):has(summary .late-count)").first
    expect(first).to_be_visible()
    child = scope.locator(f'details[data-children="{first.get_attribute("data-children")}"]')
    child.locator("summary .node-title").first.click()
    expect(child).to_have_attribute("open", "")
    expect(child).to_have_attribute("data-state", "loaded")
    return child.locator(".drill-slot").first


def _drill_from_a_red_iku(page, shots: Path, size: str) -> None:
    log_in(page, LOGIN, "ntb-demo-2026")
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/review/")
    page.get_by_label("Sampai dengan bulan").select_option(label="Oktober")
    with page.expect_navigation():
        page.get_by_role("button", name="Tampilkan").click()
    # A red IKU of the demo's own (other browser tests add province IKU of their own, "BR-…", to
    # the shared demo, with nobody below them).
    red = page.locator("section[aria-labelledby=h-nko] tr:has(td[data-label=Status] .status-red) a[href*='/review/telusur/']",
                       has_text=re.compile(r"^IKU-\d"))
    expect(red.first).to_be_visible()
    code = red.first.inner_text().split(" · ")[0]
    with page.expect_navigation():
        red.first.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Telusur kinerja: {code}")
    expect(page.locator(".drill-head")).to_contain_text("Merah")
    expect(page.locator(".drill-crumbs")).to_contain_text("Dasbor provinsi")
    expect(page.get_by_text("Batas itu sudah lewat")).to_be_visible()
    page.screenshot(path=shots / f"telusur-{size}-1-iku.png", full_page=True)

    opd = _open_late_child(page, page.locator("section[aria-labelledby=h-children]"))   # the OPD's indicator
    unit = _open_late_child(page, opd)                                                  # a unit below it
    late_staff = unit.locator(".leaf.is-late").first
    for _ in range(3):   # deeper unit trees: keep opening until a staff member is in sight
        if late_staff.count():
            break
        unit = _open_late_child(page, unit)
        late_staff = unit.locator(".leaf.is-late").first
    expect(late_staff).to_be_visible()
    expect(late_staff.locator(".late-mark")).to_have_text(re.compile(r"Terlambat"))
    expect(late_staff.locator(".drill-person")).not_to_be_empty()
    expect(late_staff).to_contain_text("Isian Oktober")
    late_staff.scroll_into_view_if_needed()
    _fits(page, f"the drill-down ({size})")
    page.screenshot(path=shots / f"telusur-{size}-2-staff.png", full_page=True)

    # The named list of who is late under the IKU, and the gaps page.
    expect(page.locator("section[aria-labelledby=h-late] tbody tr").first).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"Celah kaskade")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Celah kaskade provinsi 2026")
    expect(page.get_by_text("kurang dari 2 indikator").first).to_be_visible()
    _fits(page, f"the gaps page ({size})")
    page.screenshot(path=shots / f"telusur-{size}-3-celah.png", full_page=True)


def test_governors_office_drills_from_a_red_iku_to_the_staff(page, november, shots):
    _drill_from_a_red_iku(page, shots, "desktop")


def test_the_same_on_a_phone(phone_page, november, shots):
    assert phone_page.viewport_size == PHONE
    _drill_from_a_red_iku(phone_page, shots, "phone")


def test_without_script_each_child_links_to_its_own_page(browser, live_server, demo, november):
    """No JavaScript: opening a child shows the link to its own page, which goes one level down."""
    from tests.browser.helpers import sign_in

    context = browser.new_context(base_url=live_server, java_script_enabled=False, viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, LOGIN, demo.password)
        page.goto("/review/?tahun=2026&bulan=10")
        link = page.locator("section[aria-labelledby=h-nko] tr:has(td[data-label=Status] .status-red) a[href*='/review/telusur/']",
                            has_text=re.compile(r"^IKU-\d"))
        with page.expect_navigation():
            link.first.click()
        child = page.locator("section[aria-labelledby=h-children] details.drill-node").first
        child.locator("summary .node-title").click()
        fallback = child.locator(".drill-slot a")
        expect(fallback).to_contain_text("di halamannya sendiri")
        with page.expect_navigation():
            fallback.click()
        expect(page.locator(".drill-crumbs li")).to_have_count(3)      # dashboard › the IKU › this node
        expect(page.locator("section[aria-labelledby=h-children] details.drill-node").first).to_be_visible()
    finally:
        context.close()
