"""Screenshots for a visual review (not part of the suite: the name does not match test_*.py).

    .venv/bin/python -m pytest tests/browser/shots.py -p no:logging   # writes /tmp/shots/*.png

EKINERJA_SHOTS_DIR chooses another folder. Every page is taken at desktop (1280x800) and phone
(390x844) size, whole; pages taller than a screen and a third are also cut into their first
two screens (-screen1, -screen2), which are easier to look at.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.helpers import log_in

OUT = Path(os.environ.get("EKINERJA_SHOTS_DIR", "/tmp/shots"))


def _shoot(page, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=OUT / f"{name}.png", full_page=True)
    view = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    if height > view["height"] * 1.3:
        for k in range(2):
            top = k * view["height"]
            page.screenshot(path=OUT / f"{name}-screen{k + 1}.png", full_page=True,
                            clip={"x": 0, "y": top, "width": view["width"], "height": min(view["height"], height - top)})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= view["width"], f"{name}: the page is {wide} px wide"


@pytest.mark.browser
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots(open_page, demo, size):
    phone = size == "phone"
    page = open_page(phone=phone)
    page.goto("/masuk")
    _shoot(page, f"{size}-01-login")
    log_in(page, "pengguna.keliru", "bukan-ini")
    _shoot(page, f"{size}-02-login-error")

    for who in ["admin", "gubernur", "biro.organisasi", "inspektorat", "operator.kominfo",
                demo.kabid_nip, demo.staff_nip]:
        page = open_page(phone=phone)
        log_in(page, who, demo.password)
        _shoot(page, f"{size}-10-home-{who}")
        if who == "admin":
            if phone:
                page.locator(".menu-narrow summary").click()
                _shoot(page, f"{size}-11-menu-open")
            for name, path in [("20-opd-list", "/organisasi/"),
                               ("21-opd-structure", f"/organisasi/opd/{demo.kominfo_opd_id}"),
                               ("22-unit", f"/organisasi/unit/{demo.kabid_unit_id}"),
                               ("23-employee", f"/organisasi/pegawai/{demo.staff_employee_id}"),
                               ("30-audit", "/audit/"),
                               ("31-users", "/admin/pengguna"),
                               ("32-password", "/akun/kata-sandi")]:
                page.goto(path)
                _shoot(page, f"{size}-{name}")
        if who == "operator.kominfo":
            page.goto(f"/organisasi/opd/{demo.kominfo_opd_id}/pegawai/baru")
            page.get_by_label("NIP", exact=True).fill("1992032920201210")
            page.get_by_role("button", name="Simpan").click()
            _shoot(page, f"{size}-40-employee-form-errors")
            page.goto(f"/organisasi/opd/{demo.kominfo_opd_id}/pegawai")
            _shoot(page, f"{size}-41-employees")
        if who == demo.staff_nip:
            page.goto("/admin/pengguna")
            _shoot(page, f"{size}-90-403")
            page.goto("/tidak-ada")
            _shoot(page, f"{size}-91-404")
