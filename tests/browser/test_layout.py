"""The pages fit a phone: nothing scrolls sideways at 390 px, and each page says where one is.

(CSP violations and script errors on any of these pages fail the test through the `open_page` fixture.)
"""
from __future__ import annotations

import pytest

from tests.browser.helpers import PHONE, expect, sign_in

pytestmark = pytest.mark.browser


def _fits(page, what: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= PHONE["width"], f"{what} scrolls sideways on a phone: {widths[0]} px wide"
    # Long codes and NIPs must wrap inside their card, not spill over its edge.
    spill = page.evaluate("""() => [...document.querySelectorAll('main .card, main .table-wrap')]
        .filter(el => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'auto')
        .map(el => el.className)""")
    assert not spill, f"{what}: content spills out of {spill}"


def test_pages_fit_a_phone_screen(open_page, demo):
    page = open_page(phone=True)
    page.goto("/masuk")
    _fits(page, "the login page")
    sign_in(page, "admin", demo.password)
    pages = {
        "the home page": "/",
        "the OPD list": "/organisasi/",
        "the structure of Diskominfotik": f"/organisasi/opd/{demo.kominfo_opd_id}",
        "a unit page": f"/organisasi/unit/{demo.kabid_unit_id}",
        "an employee page": f"/organisasi/pegawai/{demo.staff_employee_id}",
        "the employee list": f"/organisasi/opd/{demo.kominfo_opd_id}/pegawai",
        "the audit trail": "/audit/",
        "the users page": "/admin/pengguna",
        "the change of password": "/akun/kata-sandi",
        "the 404 page": "/tidak-ada-halaman-ini",
    }
    for what, path in pages.items():
        page.goto(path)
        _fits(page, what)

    page.goto(f"/organisasi/opd/{demo.kominfo_opd_id}/pegawai/baru")
    page.get_by_label("NIP", exact=True).fill("1234")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".error").first).to_be_visible()
    _fits(page, "the employee form with errors")

    staff = open_page(phone=True)
    sign_in(staff, demo.staff_nip, demo.password)
    response = staff.goto("/admin/pengguna")
    assert response.status == 403
    _fits(staff, "the 403 page")
