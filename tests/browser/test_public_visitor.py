"""A visitor without an account, in a real browser on the demo: opens E-SAKIP, goes to Dinas
Kesehatan's page, downloads its signed and published A3 (a PDF arrives), files an information
request (first with a mistake, which is named and keeps what was typed), reads the registration
number and the deadline on the receipt, and tracks the request. Nothing personal appears on the
public pages. The PPID officer then finds the request in the inbox. On desktop and phone.

"Today" is the demo's day, Sunday 29 November 2026, for this module: ten working days later is
Friday 11 December. With EKINERJA_SHOTS=<folder> the screenshots are kept there (ppid-*.png);
else in tmp_path.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tests.browser.helpers import expect, fixed_today, sign_in

pytestmark = pytest.mark.browser

TODAY = date(2026, 11, 29)
DEADLINE = "11 Desember 2026"
NUMBER = re.compile(r"^PPID/2026/\d{4}$")


@pytest.fixture(scope="module")
def demo_day(app, demo):
    with fixed_today(app, TODAY):
        yield TODAY



def _shot(page, shots: Path, name: str) -> None:
    page.screenshot(path=shots / f"ppid-{name}.png", full_page=True)
    width, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width <= client, f"{name} scrolls sideways: {width} px in {client} px"


def _requester(size: str) -> dict:
    """Distinctive personal data per run: none of it may show on a public page."""
    return {"name": f"Sri Handayani Uji {size.title()}", "address": f"Jl. Bung Karno No. 9{len(size)}, Mataram",
            "contact": f"sri.handayani.{size}@example.id"}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_visitor_reads_downloads_and_asks(open_page, demo_day, shots, size):
    page = open_page(phone=size == "phone")
    me = _requester(size)

    # E-SAKIP: the province, then Dinas Kesehatan's page with its published documents.
    page.goto("/sakip")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026")
    page.get_by_role("link", name="Dinas Kesehatan", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dinas Kesehatan 2026")
    _shot(page, shots, f"{size}-1-opd")

    a3 = page.get_by_role("link", name=re.compile(r"Unduh PDF Perjanjian A3"))
    expect(a3.first).to_be_visible()
    with page.expect_download() as info:
        a3.first.click()
    download = info.value
    assert download.suggested_filename.lower().endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # The request form: a mistake first, named in Indonesian, what was typed kept.
    page.goto("/ppid/permohonan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Permohonan informasi publik")
    page.get_by_label("Nama lengkap").fill(me["name"])
    page.get_by_label("Nomor telepon atau e-mail").fill("bukan-kontak")
    page.get_by_role("button", name="Kirim permohonan").click()
    expect(page.get_by_text("Alamat wajib diisi.")).to_be_visible()
    expect(page.get_by_text("Isi nomor telepon (8–15 angka) atau alamat e-mail yang valid.")).to_be_visible()
    expect(page.get_by_label("Nama lengkap")).to_have_value(me["name"])
    _shot(page, shots, f"{size}-2-form-errors")

    page.get_by_label("Alamat").fill(me["address"])
    page.get_by_label("Nomor telepon atau e-mail").fill(me["contact"])
    page.get_by_label("Perangkat daerah yang dituju").select_option(label="Dinas Kesehatan")
    page.get_by_label("Rincian informasi yang dibutuhkan").fill(
        "Perjanjian A3 Dinas Kesehatan tahun 2026 dan capaian indikatornya sampai triwulan III.")
    page.get_by_label("Tujuan penggunaan informasi").fill("Bahan diskusi forum warga peduli kesehatan.")
    page.get_by_label("Salinan elektronik (softcopy)").check()
    page.get_by_label("Dikirim lewat e-mail").check()
    page.get_by_role("button", name="Kirim permohonan").click()

    # The receipt: the number and the deadline, nothing personal.
    expect(page.get_by_role("heading", level=1)).to_have_text("Permohonan informasi terkirim")
    number = page.locator("#nomor-registrasi").inner_text().strip()
    assert NUMBER.match(number), number
    expect(page.locator("#batas-waktu")).to_have_text(DEADLINE)
    _no_personal_data(page, me)
    _shot(page, shots, f"{size}-3-receipt")

    # Tracking it.
    page.get_by_role("link", name="Lacak permohonan ini").click()
    expect(page.get_by_role("heading", level=2, name=f"Permohonan {number}")).to_be_visible()
    expect(page.locator("#status-permohonan")).to_have_text("Diterima")
    expect(page.locator("#batas-waktu")).to_have_text(DEADLINE)
    _no_personal_data(page, me)
    _shot(page, shots, f"{size}-4-tracking")

    # An unknown number: a plain message.
    page.get_by_label("Nomor registrasi").fill("PPID/2026/9999")
    page.get_by_role("button", name="Lacak").click()
    expect(page.get_by_text("Nomor registrasi tersebut tidak ditemukan.")).to_be_visible()

    # The PPID officer finds it in the inbox, with the requester's name.
    officer = open_page(phone=size == "phone")
    sign_in(officer, "biro.organisasi", "ntb-demo-2026")
    officer.goto("/ppid/petugas")
    row = officer.locator("table.ppid-open tr", has_text=number)
    expect(row).to_contain_text(me["name"])
    expect(row).to_contain_text(DEADLINE)
    expect(officer.locator("table.ppid-open")).to_contain_text("Lewat batas waktu")  # the demo's overdue one
    _shot(officer, shots, f"{size}-5-officer")
    row.get_by_role("link", name=number).click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text(number)
    expect(officer.get_by_text(me["address"])).to_be_visible()
    _shot(officer, shots, f"{size}-6-officer-request")


def _no_personal_data(page, me: dict) -> None:
    html = page.content()
    assert not [value for value in me.values() if value in html]


def test_the_administrator_keeps_the_holidays(open_page, demo_day, shots):
    page = open_page()
    sign_in(page, "admin", "ntb-demo-2026")
    page.goto("/ppid/petugas")
    page.get_by_role("link", name="hari libur nasional dan cuti bersama").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hari libur nasional dan cuti bersama 2026")
    expect(page.locator("table.holidays")).to_contain_text("Senin, 17 Agustus 2026")
    _shot(page, shots, "desktop-7-holidays")
    phone = open_page(phone=True)
    sign_in(phone, "admin", "ntb-demo-2026")
    phone.goto("/ppid/petugas/libur?tahun=2026")
    _shot(phone, shots, "phone-7-holidays")
