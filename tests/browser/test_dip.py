"""The PPID's Daftar Informasi Publik in a real browser: a visitor on a phone searches and filters
it and downloads a file; the Dinas Kesehatan operator enters TW IV's report with its PDF, publishes
it (it appears in the DIP) and withdraws it again (it leaves it), so the shared demo ends as it began.

The demo (ekinerja/demo/dip.py) has Dinas Kesehatan's and Diskominfotik's TW I–III 2026 published
(those made by "today") and Bappeda's TW III a draft. With EKINERJA_SHOTS=<folder> the screenshots
are kept there (dip-*.png); else in tmp_path.
"""
from __future__ import annotations

import io
from datetime import date

import pytest

from tests.browser.helpers import expect, fixed_today, sign_in

pytestmark = pytest.mark.browser

TODAY = date(2026, 11, 29)   # after TW III's reports were made (15 October)
TITLE = "Laporan Kinerja Triwulan IV Tahun 2026 Dinas Kesehatan (uji peramban)"


@pytest.fixture(scope="module")
def late_november(app, demo):
    with fixed_today(app, TODAY):
        yield TODAY



def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width} px wide"


def _pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, TITLE)
    c.save()
    return buf.getvalue()


def test_a_visitor_searches_filters_and_downloads_on_a_phone(open_page, demo, late_november, shots):
    page = open_page(phone=True)
    page.goto("/ppid/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Daftar Informasi Publik (DIP)")
    expect(page.locator("table.dip")).not_to_contain_text("Badan Perencanaan Pembangunan Daerah")  # a draft only
    _fits(page)
    page.screenshot(path=shots / "dip-phone.png", full_page=True)

    page.get_by_label("Cari").fill("TWII/ ")   # the number: "triwulan II" would find TW III too
    page.get_by_label("Kategori").select_option(label="Laporan kinerja berkala")
    page.get_by_role("button", name="Tampilkan").click()
    rows = page.locator("table.dip tbody tr")
    expect(rows).to_have_count(2)   # TW II of Dinas Kesehatan and of Diskominfotik
    expect(page.get_by_role("status")).to_contain_text("2 informasi ditemukan")
    _fits(page)
    page.screenshot(path=shots / "dip-phone-search.png", full_page=True)

    link = rows.first.get_by_role("link", name="Unduh PDF")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")


def test_the_operator_publishes_a_report_and_withdraws_it(open_page, demo, late_november, shots):
    page = open_page()
    sign_in(page, "operator.dinkes", demo.password)
    page.goto("/")
    page.locator(".menu-wide").get_by_role("link", name="Laporan berkala").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Laporan kinerja berkala 2026")
    page.get_by_role("link", name="Dinas Kesehatan · TW IV 2026").click()
    expect(page.get_by_label("Triwulan")).to_have_value("4")
    expect(page.get_by_label("Jabatan penanggung jawab")).to_have_value("Kepala Dinas Kesehatan")
    page.get_by_label("Judul laporan").fill(TITLE)
    page.get_by_label("Ringkasan isi informasi").fill("Capaian kinerja sampai dengan akhir tahun 2026.")
    page.get_by_label("Berkas laporan (PDF, maks. 20 MB)").set_input_files(
        {"name": "laporan-tw4.pdf", "mimeType": "application/pdf", "buffer": _pdf()})
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator(".flash-success")).to_contain_text("Laporan TW IV 2026 disimpan sebagai draf.")
    page.screenshot(path=shots / "dip-draft.png", full_page=True)

    visitor = open_page(phone=True)
    visitor.goto("/ppid/?q=uji%20peramban")
    expect(visitor.get_by_role("status")).to_contain_text("0 informasi ditemukan")   # a draft is not public

    page.get_by_role("button", name="Publikasikan").click()
    expect(page.locator(".flash-success")).to_contain_text("dipublikasikan dan masuk Daftar Informasi Publik")
    page.screenshot(path=shots / "dip-published.png", full_page=True)
    # The page is cacheable for five minutes: the visitor asks with other words to see it at once.
    visitor.goto("/ppid/?q=uji%20peramban&kategori=berkala")
    expect(visitor.locator("table.dip tbody tr")).to_have_count(1)
    expect(visitor.locator("table.dip")).to_contain_text(TITLE)

    page.get_by_role("button", name="Tarik kembali menjadi draf").click()
    expect(page.locator(".flash-success")).to_contain_text("tidak lagi tampil di Daftar Informasi Publik")
    visitor.goto("/ppid/?q=uji%20peramban&tahun=2026")
    expect(visitor.get_by_role("status")).to_contain_text("0 informasi ditemukan")
