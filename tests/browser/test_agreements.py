"""The governor's office takes an A3 agreement from submitted to signed, and a member of the public
confirms the printed file on the verification page, without logging in, on a phone.

It works on the shared demo's Bappeda A3 (submitted, waiting for the governor's office): Biro
Organisasi agrees it, prints it, records it signed with a scan; a fresh browser (no cookies) types
the code as a person would (lower case, spaces), sees what was signed, uploads the PDF downloaded
from the app and is told it is the printed file. With EKINERJA_SHOTS=<folder> the verification page
is saved at phone size (verifikasi-*.png) for a visual review.
"""
from __future__ import annotations

import hashlib
import io
import os
import re

import pytest
from sqlalchemy import select

from tests.browser.helpers import PHONE, expect, sign_in

pytestmark = pytest.mark.browser

YEAR = 2026
SHOTS = os.environ.get("EKINERJA_SHOTS")
PRINT_DAY, SIGNING_DAY = "2026-02-09", "2026-02-10"  # past days: a signing is never recorded ahead


def _shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"verifikasi-{name}.png"), full_page=True)


def _follow(page, locator) -> None:
    """Click a link or a submit button and wait until the next page has loaded."""
    with page.expect_navigation():
        locator.click()


def _fits_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the verification page scrolls sideways on a phone: {width} px"


def _scan() -> bytes:
    """The scan of the signed paper, as a scanner would hand it over (a PDF)."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.drawString(72, 720, "Pindaian Perjanjian A3 Bappeda yang sudah ditandatangani")
    c.save()
    return buf.getvalue()


@pytest.fixture
def bappeda(app, demo):
    """Bappeda's name and its head's, and its A3 of the year, which must still wait for review."""
    from ekinerja.contracts.models import Agreement, DocumentKind, Level, VersionStatus
    from ekinerja.demo.loader import BAPPEDA
    from ekinerja.extensions import db
    from ekinerja.org.models import Opd

    with app.app_context():
        opd = db.session.scalar(select(Opd).where(Opd.code == BAPPEDA))
        agreement = db.session.scalar(select(Agreement).where(
            Agreement.kind == DocumentKind.A3, Agreement.year == YEAR, Agreement.opd_id == opd.id,
            Agreement.level == Level.GOVERNOR_OPD))
        assert agreement.latest.status == VersionStatus.SUBMITTED, "the demo's Bappeda A3 is no longer submitted"
        head = agreement.first_position.holder.name
        data = {"opd": opd.name, "head": head, "agreement_id": agreement.id}
        db.session.remove()
    return data


def test_the_governors_office_signs_an_a3_and_the_public_confirms_the_printed_file(open_page, demo, bappeda):
    page = open_page()
    sign_in(page, "biro.organisasi", demo.password)

    # the overview of all OPDs' A3s: Bappeda's waits for review
    page.goto(f"/a3/?tahun={YEAR}")
    _follow(page, page.get_by_role("link", name=f"Dokumen {bappeda['opd']}", exact=True))
    expect(page).to_have_url(re.compile(rf"/perjanjian/{bappeda['agreement_id']}$"))
    expect(page.locator(".version-line")).to_contain_text("Diajukan")

    # agree
    _follow(page, page.get_by_role("button", name="Setujui", exact=True))
    expect(page.locator(".flash-success")).to_contain_text("disetujui")

    # print, for the signing day
    form = page.locator("#cetak form")
    form.get_by_label("Nomor perjanjian").fill(f"A3/101/BAPPEDA/{YEAR}")
    form.get_by_label("Tanggal cetak").fill(PRINT_DAY)
    form.get_by_label("Tanggal penandatanganan").fill(SIGNING_DAY)
    _follow(page, form.get_by_role("button", name="Cetak", exact=True))
    expect(page.locator(".flash-success")).to_contain_text(f"nomor A3/101/BAPPEDA/{YEAR}")
    code = page.locator(".documents code.code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code), code

    # the printed PDF, downloaded from the app with the office's session
    href = page.get_by_role("link", name=re.compile(r"^Unduh PDF versi")).get_attribute("href")
    download = page.request.get(href)
    assert download.ok and download.headers["content-type"].startswith("application/pdf")
    printed = download.body()
    assert printed.startswith(b"%PDF")
    expect(page.locator(".documents")).to_contain_text(hashlib.sha256(printed).hexdigest())

    # record the signing with the scan of the signed paper
    scan = _scan()
    form = page.locator("#tandatangani form")
    form.get_by_label(re.compile(r"^Pindaian dokumen")).set_input_files(
        {"name": "a3-bappeda-ttd.pdf", "mimeType": "application/pdf", "buffer": scan})
    form.get_by_label("Tanggal penandatanganan").fill(SIGNING_DAY)
    _follow(page, form.get_by_role("button", name="Catat penandatanganan"))
    expect(page.locator(".flash-success")).to_contain_text("Penandatanganan versi 1 dicatat")
    expect(page.locator(".version-line")).to_contain_text("Ditandatangani")

    # a member of the public, on a phone, with no session: types the code as it reads on paper
    public = open_page(phone=True)
    public.goto("/verifikasi/")
    public.get_by_label("Kode verifikasi").fill(code.lower().replace("-", " "))
    _follow(public, public.get_by_role("button", name="Periksa", exact=True))
    expect(public).to_have_url(re.compile(rf"/verifikasi/{code}$"))
    status = public.locator("#verification-status")
    expect(status).to_contain_text(code)
    expect(status).to_contain_text("ditandatangani")
    main = public.locator("main")
    for fact in ("Perjanjian A3 (Attitude, Attention, Action) Tahun 2026", bappeda["opd"], bappeda["head"],
                 f"A3/101/BAPPEDA/{YEAR}", "9 Februari 2026", "Mataram, 10 Februari 2026",
                 hashlib.sha256(printed).hexdigest(), hashlib.sha256(scan).hexdigest()):
        expect(main).to_contain_text(fact)
    expect(public.get_by_role("link", name=re.compile("Unduh dokumen cetak"))).to_have_count(0)  # not published
    _fits_phone(public)
    _shot(public, "dokumen")

    # the PDF downloaded from the app is the printed file
    public.get_by_label("Berkas yang akan diperiksa").set_input_files(
        {"name": "perjanjian-a3.pdf", "mimeType": "application/pdf", "buffer": printed})
    _follow(public, public.get_by_role("button", name="Periksa berkas"))
    result = public.locator("#check-result")
    expect(result).to_contain_text("Cocok dengan berkas cetak")
    expect(result).to_contain_text(hashlib.sha256(printed).hexdigest())
    _fits_phone(public)  # a SHA-256 is one long word: it must wrap
    _shot(public, "cocok")

    # and a file that was changed is not
    public.get_by_label("Berkas yang akan diperiksa").set_input_files(
        {"name": "diubah.pdf", "mimeType": "application/pdf", "buffer": printed + b"%"})
    _follow(public, public.get_by_role("button", name="Periksa berkas"))
    expect(public.locator("#check-result")).to_contain_text("Tidak cocok")
