"""Every demo role logs in through the real login page and gets its own menu, and only that."""
from __future__ import annotations

import re

import pytest

from tests.browser.helpers import expect, log_in, menu_labels

pytestmark = pytest.mark.browser

# The role-specific items of the wide (desktop) menu of each demo account, in order. Every menu
# starts with Beranda and ends with Ganti kata sandi; items of later features (such as Kinerja)
# may sit between, and must open too, but these are the ones that tell the roles apart.
# "kabid" is the Kepala Bidang Aplikasi Informatika of Diskominfotik, "staff" a Pranata Komputer
# of that bidang (both log in with their NIP).
MENUS = {
    "admin": ["Organisasi", "Pengguna", "Jejak audit"],
    "gubernur": ["Organisasi"],
    "biro.organisasi": ["Organisasi"],
    "inspektorat": ["Organisasi", "Jejak audit"],
    "operator.kominfo": ["Organisasi OPD"],
    "kabid": ["Profil saya", "Unit saya"],
    "staff": ["Profil saya"],
}
ROLE_ITEMS = {"Organisasi", "Organisasi OPD", "Pengguna", "Jejak audit", "Profil saya", "Unit saya"}


def _login_name(demo, who: str) -> str:
    return {"kabid": demo.kabid_nip, "staff": demo.staff_nip}.get(who, who)


def _h1(page):
    return page.get_by_role("heading", level=1)


@pytest.mark.parametrize("who", list(MENUS))
def test_each_role_sees_its_own_menu_and_can_log_out(page, demo, who):
    log_in(page, _login_name(demo, who), demo.password)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(_h1(page)).to_contain_text("Selamat datang")

    wide = page.locator(".menu-wide")
    labels = menu_labels(page)
    assert labels[0] == "Beranda" and labels[-1] == "Ganti kata sandi", labels
    assert [label for label in labels if label in ROLE_ITEMS] == MENUS[who], labels
    for label in labels:
        expect(wide.get_by_role("link", name=label, exact=True)).to_be_visible()
    for label in ROLE_ITEMS - set(MENUS[who]):
        expect(page.get_by_role("link", name=label, exact=True)).to_have_count(0)
    expect(wide.get_by_role("link", name="Beranda")).to_have_attribute("aria-current", "page")
    expect(page.locator(".menu-narrow")).to_be_hidden()  # the phone menu stays out of the way on a desktop

    # Every item of the menu opens the page it names, marked as the current one (other features' items: a page).
    landing = {
        "Organisasi": "Perangkat Daerah Pemprov NTB",
        "Organisasi OPD": demo.kominfo_name,  # the operator's own OPD
        "Pengguna": "Pengguna",
        "Jejak audit": "Jejak audit",
        "Profil saya": demo.kabid_name if who == "kabid" else demo.staff_name,
        "Unit saya": demo.kabid_unit_name,
        "Ganti kata sandi": "Ganti kata sandi",
    }
    for label in labels[1:]:
        with page.expect_navigation() as navigation:
            wide.get_by_role("link", name=label, exact=True).click()
        assert navigation.value.status == 200, f"{who}: menu item {label} answered {navigation.value.status}"
        if label in landing:
            expect(_h1(page)).to_have_text(landing[label])
            expect(wide.get_by_role("link", name=label, exact=True)).to_have_attribute("aria-current", "page")
        else:
            expect(_h1(page)).to_be_visible()

    # What is not in the menu is refused too, not merely hidden.
    forbidden = [path for path, item in (("/admin/pengguna", "Pengguna"), ("/audit/", "Jejak audit"))
                 if item not in MENUS[who]]
    for path in forbidden:  # with the page's cookies, without drawing the page
        response = page.request.get(path)
        assert response.status == 403, f"{who}: {path} answered {response.status}"
        assert "Akses ditolak" in response.text()

    wide.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile(r"/masuk$"))
    expect(page.get_by_role("status")).to_have_text("Anda telah keluar.")
    expect(page.locator("a[data-menu]")).to_have_count(0)
    response = page.request.get("/", max_redirects=0)
    assert response.status == 302 and response.headers["location"].endswith("/masuk"), "still logged in"


def test_wrong_password_is_refused_in_indonesian(page, demo):
    log_in(page, "inspektorat", "bukan-kata-sandinya")
    expect(page.get_by_role("alert")).to_have_text("NIP/nama pengguna atau kata sandi salah.")
    expect(page).to_have_url(re.compile(r"/masuk$"))
    expect(page.locator("a[data-menu]")).to_have_count(0)
    expect(page.get_by_label("NIP atau nama pengguna")).to_have_value("inspektorat")
    expect(page.get_by_label("Kata sandi")).to_have_value("")  # the password is never sent back

    # An empty form says what is missing, next to each field.
    page.get_by_label("NIP atau nama pengguna").fill("")
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("#login-err")).to_have_text("NIP atau nama pengguna wajib diisi.")
    expect(page.locator("#password-err")).to_have_text("Kata sandi wajib diisi.")

    # The right password still works afterwards.
    log_in(page, "inspektorat", demo.password)
    expect(_h1(page)).to_contain_text("Selamat datang")


def test_phone_menu_opens_from_its_button_and_its_links_work(phone_page, demo):
    page = phone_page
    log_in(page, "admin", demo.password)
    expect(_h1(page)).to_contain_text("Selamat datang")
    expect(page.locator(".menu-wide")).to_be_hidden()

    narrow = page.locator(".menu-narrow")
    summary = narrow.locator("summary")
    expect(summary).to_have_text("☰ Menu")
    expect(narrow.get_by_role("link", name="Jejak audit")).to_be_hidden()
    summary.click()
    labels = menu_labels(page, ".menu-narrow")
    assert labels == menu_labels(page), "the phone menu offers what the desktop menu does"
    assert [label for label in labels if label in ROLE_ITEMS] == MENUS["admin"]
    for label in labels:
        expect(narrow.get_by_role("link", name=label, exact=True)).to_be_visible()
    box = narrow.locator("nav").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"the open menu leaves the screen: {box}"

    narrow.get_by_role("link", name="Jejak audit").click()
    expect(_h1(page)).to_have_text("Jejak audit")
    expect(narrow.get_by_role("link", name="Jejak audit")).to_be_hidden()  # closed again on the new page
    summary.click()
    narrow.get_by_role("link", name="Organisasi", exact=True).click()
    expect(_h1(page)).to_have_text("Perangkat Daerah Pemprov NTB")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"

    summary.click()
    narrow.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile(r"/masuk$"))
    expect(page.get_by_role("status")).to_have_text("Anda telah keluar.")
