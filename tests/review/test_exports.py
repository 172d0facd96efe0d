"""The review's downloads (ekinerja/review/export_views.py): the dashboard's tables as Excel and the
month's briefing book as PDF; who may take them, and what is in them.

The world is tests/review/test_views.world (today 4 May 2026): province IKU-01 rolls up Dinas
Alfa's indicator, January–March on target, April 0 approved (NKO 75%, red; IKU-01 turns red);
Badan Beta has no scorecard. `gama` adds Dinas Gama with its own scorecard (two perspectives, a
range target, names with "&" and an apostrophe) for the book's OPD pages.

The PDF is checked with the tools a records office would use (qpdf, poppler), as
tests/contracts/test_pdf.py does; EKINERJA_PDF_PNG_DIR keeps the PDF and PNGs of its pages.
"""
from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from ekinerja.bsc import services
from ekinerja.bsc.models import OwnerKind
from ekinerja.extensions import db
from ekinerja.review import dashboard as rd
from ekinerja.review.briefing import briefing_pdf
from ekinerja.review.exports import dashboard_workbook
from tests.contracts.test_pdf import A4_PORTRAIT, TOOLS, fonts_of, info_of, png_of, run
from tests.contracts.test_pdf import text_of as pdf_text
from tests.kit import assert_routes_listed, is_login_redirect, snapshot
from tests.review.test_views import ADMIN, GOV, IDENTITIES, PROVINCE_READERS, world  # noqa: F401

APRIL = 4
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ROUTES_COVERED: dict[str, list[tuple[str, str, frozenset[str]]]] = {
    "review.workbook": [("GET", "/review/unduh.xlsx?tahun=2026&bulan=4", PROVINCE_READERS)],
    "review.briefing_book": [("GET", "/review/buku-briefing.pdf?tahun=2026&bulan=4", PROVINCE_READERS)],
}
ALL_ROUTES = [(endpoint, *route) for endpoint, routes in ROUTES_COVERED.items() for route in routes]


def add_opd_with_scorecard(make_opd, realise, name: str, short: str | None = None):
    """An OPD whose scorecard has a customer indicator (95 a month against 90: green) and a
    learning indicator to be kept within 70–80 (April at 50: red)."""
    opd = make_opd(name=name)
    opd.short_name = short
    card = services.ensure_scorecard(None, 2026, OwnerKind.OPD, opd)
    customer = services.save_objective(None, card, "SS1", "customer", "Layanan cepat & tuntas")
    learning = services.save_objective(None, card, "SS2", "learning_growth", "Pegawai yang kompeten")
    fast = services.save_indicator(None, customer, services.IndicatorInput(
        code="IKU-G1", name="Layanan & pengaduan selesai tepat waktu", unit_of_measure="%", polarity="max",
        aggregation="average", weight=1, target=90))
    kept = services.save_indicator(None, learning, services.IndicatorInput(
        code="IKU-G2", name="Indeks kepuasan pegawai 'inti'", unit_of_measure="indeks", polarity="stabilize",
        aggregation="last", weight=1, target=70, target_high=80))
    for m in (1, 2, 3, 4):
        realise(fast, m, 95)
        realise(kept, m, 75 if m < 4 else 50)
    return opd


@pytest.fixture
def gama(world, make_opd, realise):
    opd = add_opd_with_scorecard(make_opd, realise, "Dinas Gama Pelayanan Terpadu", "DPMPTSP Gama")
    db.session.commit()
    return opd


@pytest.fixture
def pdf_tools():
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        reason = f"PDF tools missing: {', '.join(missing)} (apt-get install qpdf poppler-utils)"
        if os.environ.get("EKINERJA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"EKINERJA_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture
def out(tmp_path) -> Path:
    keep = os.environ.get("EKINERJA_PDF_PNG_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        return Path(keep)
    return tmp_path


def count_queries(fn) -> int:
    seen = []

    def listen(*_):
        seen.append(1)
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    return len(seen)


# ------------------------------------------------------------------ access

def test_every_route_is_listed(app):
    for endpoint in ROUTES_COVERED:
        assert_routes_listed(app, endpoint, [row for row in ALL_ROUTES if row[0] == endpoint])


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


def test_governor_may_download_both(client, auth, world, make_user):
    make_user("governor", username="gubernur")
    db.session.commit()
    assert auth.login("gubernur").status_code == 302
    for _, _, path, _ in ALL_ROUTES:
        assert client.get(path).status_code == 200, path


def test_downloads_are_attachments_with_readable_names(client, auth, world):
    auth.login(world[GOV])
    r = client.get("/review/unduh.xlsx?tahun=2026&bulan=4")
    assert r.mimetype == XLSX_TYPE
    assert r.headers["Content-Disposition"] == "attachment; filename=dasbor-kinerja-ntb-2026-04.xlsx"
    assert r.headers["Cache-Control"] == "private, no-store"
    assert r.data[:2] == b"PK"
    r = client.get("/review/buku-briefing.pdf?tahun=2026&bulan=4")
    assert r.mimetype == "application/pdf"
    assert r.headers["Content-Disposition"] == "attachment; filename=buku-briefing-kinerja-ntb-2026-04.pdf"
    assert r.data[:5] == b"%PDF-"
    # a bad period falls back to this year to the current month, as the pages do
    r = client.get("/review/unduh.xlsx?tahun=abc&bulan=99")
    assert r.headers["Content-Disposition"] == "attachment; filename=dasbor-kinerja-ntb-2026-05.xlsx"


def test_the_pages_link_to_the_downloads(client, auth, world):
    auth.login(world[ADMIN])
    html = client.get("/review/?tahun=2026&bulan=4").get_data(as_text=True)
    assert 'href="/review/unduh.xlsx?tahun=2026&amp;bulan=4"' in html
    assert 'href="/review/buku-briefing.pdf?tahun=2026&amp;bulan=4"' in html
    html = client.get("/review/kepatuhan?tahun=2026&bulan=3").get_data(as_text=True)
    assert 'href="/review/unduh.xlsx?tahun=2026&amp;bulan=3"' in html


# ------------------------------------------------------------------ the workbook

def sheet_rows(ws, first: int = 5) -> list[tuple]:
    return [row for row in ws.iter_rows(min_row=first, values_only=True) if any(v is not None for v in row)]


def test_the_workbook_holds_the_dashboards_tables_as_numbers(app, world, gama):
    d = rd.dashboard(2026, APRIL)
    wb = load_workbook(io.BytesIO(dashboard_workbook(2026, APRIL)))
    assert wb.sheetnames == ["Ringkasan", "IKU", "Peringkat OPD", "Kelengkapan", "Capaian", "Merah bulan ini",
                             "Kepatuhan"]

    summary = {row[0]: row[1] for row in wb["Ringkasan"].iter_rows(min_row=5, max_col=2, values_only=True) if row[0]}
    assert summary["NKO provinsi s.d. April"] == pytest.approx(0.75) == float(d.nko.value)
    assert summary["Status NKO provinsi"] == "Merah" and summary["Cakupan data NKO"] == pytest.approx(1)
    assert summary["Perangkat daerah dengan NKO"] == 2 and summary["Indikator yang menjadi merah bulan ini"] == 3
    months = {row[0]: row[1:3] for row in wb["Ringkasan"].iter_rows(min_row=5, max_col=3, values_only=True)
              if row[0] in ("Januari", "April")}
    assert months == {"Januari": (1, "Hijau"), "April": (0.75, "Merah")}
    cell = next(c for row in wb["Ringkasan"].iter_rows(min_col=2, max_col=2) for c in row if c.value == 0.75)
    assert cell.number_format == "0.00%" and cell.data_type == "n"

    ws = wb["IKU"]
    assert ws.cell(4, 5).value == "Target s.d. April" and ws.cell(4, 15).value == "Capaian Apr"
    [iku] = sheet_rows(ws)
    assert iku[:11] == ("IKU-01", "Jumlah layanan digital", "layanan", 120, 40, 30, 0.75, 0.75, "Merah",
                        pytest.approx(0.225), "Ya")
    assert iku[11:15] == (1, 1, 1, 0.75)
    assert ws.cell(5, 7).number_format == "0.00%" and ws.cell(5, 9).fill.fgColor.rgb == "00F8CACD"

    ranking = sheet_rows(wb["Peringkat OPD"])
    assert [(r[0], r[1], r[3]) for r in ranking] == [(1, "Dinas Gama Pelayanan Terpadu", "Kuning"),
                                                      (2, "Dinas Alfa", "Merah"), (None, "Badan Beta", "Tanpa data")]
    expected = {r.opd.name: r.nko.value for r in d.opds if r.nko}
    assert all(row[2] == pytest.approx(float(expected[row[1]])) for row in ranking[:2])
    assert ranking[2][6] == "Belum ada kartu kinerja" and ranking[2][2] is None

    filled = {row[0]: row[1:] for row in sheet_rows(wb["Kelengkapan"])}
    assert filled["Dinas Alfa"] == (1, 1, 1, 1) and filled["Badan Beta"] == (None,) * 4
    assert wb["Kelengkapan"].cell(5, 2).number_format == "0.00%"
    achieved = {row[0]: row[1:] for row in sheet_rows(wb["Capaian"])}
    assert achieved["Dinas Alfa"] == ("Hijau", "Hijau", "Hijau", "Merah")
    alfa = next(r for r in range(5, 8) if wb["Capaian"].cell(r, 1).value == "Dinas Alfa")
    assert wb["Capaian"].cell(alfa, 5).fill.fgColor.rgb == "00F8CACD"
    assert wb["Capaian"].cell(alfa, 2).fill.fgColor.rgb == "00C6E9D0"

    red = sheet_rows(wb["Merah bulan ini"])
    assert [(r[0], r[1], r[3], r[5]) for r in red] == [
        ("Pemerintah Provinsi Nusa Tenggara Barat", "IKU-01", "Hijau", "Merah"),
        ("Dinas Alfa", "IKU-01", "Hijau", "Merah"), ("Dinas Gama Pelayanan Terpadu", "IKU-G2", "Hijau", "Merah")]
    assert red[0][4] == pytest.approx(0.75)

    compliance = {row[0]: row for row in sheet_rows(wb["Kepatuhan"])}
    # as the compliance page: Dinas Alfa 0,00% (0/1) 100,00% (8/8) ✓ Hijau 12,50% (1/8) 0,14 (1/7) –
    assert compliance["Dinas Alfa"][1:] == (0, 0, 1, 1, 8, 8, "Hijau", 0.125, 1, pytest.approx(0.14), 1, 7, None)
    assert compliance["Badan Beta"][1:8] == (None, 0, 0, None, 0, 0, "Tanpa data")


def test_text_stays_text(app, world, make_opd, realise):
    add_opd_with_scorecard(make_opd, realise, "=HYPERLINK(\"http://x\")")
    db.session.commit()
    wb = load_workbook(io.BytesIO(dashboard_workbook(2026, APRIL)))
    cell = next(c for row in wb["Peringkat OPD"].iter_rows(min_col=2, max_col=2) for c in row
                if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"


def test_a_year_without_scorecards(app, world):
    wb = load_workbook(io.BytesIO(dashboard_workbook(2031, 2)))
    summary = {row[0]: row[1] for row in wb["Ringkasan"].iter_rows(min_row=5, max_col=2, values_only=True) if row[0]}
    assert summary["NKO provinsi"] == "Belum ada kartu kinerja provinsi tahun 2031"
    assert sheet_rows(wb["IKU"]) == []
    assert wb["Merah bulan ini"].cell(5, 1).value == "Tidak ada indikator yang berubah menjadi merah pada Februari 2031."


# ------------------------------------------------------------------ the briefing book

def check_pdf(pdf: bytes, path: Path) -> tuple[str, int]:
    path.write_bytes(pdf)
    assert "No syntax or stream encoding errors" in run("qpdf", "--check", str(path))
    fonts = fonts_of(path)
    assert fonts and all(f["emb"] == "yes" for f in fonts), f"fonts not embedded: {fonts}"
    assert all("DejaVu" in f["name"] or "Vera" in f["name"] for f in fonts), fonts
    info = info_of(path)
    assert info["size"] == pytest.approx(A4_PORTRAIT, abs=1)
    text = pdf_text(path)
    for page in range(1, info["pages"] + 1):
        assert f"Halaman {page} dari {info['pages']}" in text
    return text, info["pages"]


def page_lines(path: Path, page: int) -> list[str]:
    """A page's text as pdftotext -layout lays it out (a table row on one line), spaces squeezed."""
    text = run("pdftotext", "-layout", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(path), "-")
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines() if line.strip()]


def test_the_briefing_book(app, world, gama, pdf_tools, out):
    path = out / "buku-briefing.pdf"
    text, pages = check_pdf(briefing_pdf(2026, APRIL), path)
    assert pages == 1 + 2                                   # the summary, then Gama and Alfa (ranked)

    first = page_lines(path, 1)
    assert first[0] == "PEMERINTAH PROVINSI NUSA TENGGARA BARAT"
    assert "BUKU BRIEFING KINERJA" in first
    assert "Pemerintah Provinsi Nusa Tenggara Barat · capaian s.d. April 2026" in first
    # the key figures: NKO 75% red, coverage 100%, OPDs green/yellow/red 0/1/1, 1 of 1 IKU to miss
    assert "75,00% 100,00% 0/1/1 1 dari 1" in first and "✕ Merah" in first
    # IKU-01: target to April 40, realised 30, achievement and score 75%, projected to 22,50%
    assert "IKU-01 Jumlah layanan digital 40 30 75,00% 75,00% ✕ Merah 22,50%" in first
    assert "(layanan) tidak tercapai" in first
    assert "Tren NKO dan capaian IKU provinsi 2026 (%)" in first and "Jan Feb Mar Apr" in first
    assert first.index("1. DPMPTSP Gama 82,8%") < first.index("2. Dinas Alfa 75,0%")   # the ranking's bars
    assert "Belum ada kartu kinerja: Badan Beta." in first
    assert "Dinas Alfa IKU-01 Jumlah layanan digital ✓ Hijau 75,00% ✕ Merah" in first
    assert "Dinas Gama Pelayanan IKU-G2 Indeks kepuasan pegawai 'inti' ✓ Hijau 71,43% ✕ Merah" in first

    gama_page = page_lines(path, 2)
    assert gama_page[0] == "Dinas Gama Pelayanan Terpadu"
    assert "82,80% 1 dari 2 100,00% 100,00% 1 dari 2" in gama_page and "! Kuning" in gama_page
    assert "Tren NKO 2026 (%)" in gama_page
    assert "Perspektif Pelanggan · nilai 105,56%" in gama_page
    assert "IKU-G1 Layanan & pengaduan selesai tepat 90 95 105,56% 105,56% ✓ Hijau" in gama_page
    assert "Perspektif Pembelajaran dan Pertumbuhan · nilai 71,43%" in gama_page
    assert "IKU-G2 Indeks kepuasan pegawai 'inti' 70 – 80 50 71,43% 71,43% ✕ Merah" in gama_page
    alfa_page = page_lines(path, 3)
    assert alfa_page[0] == "Dinas Alfa"
    assert "75,00% 2 dari 2 100,00% 100,00% 1 dari 1" in alfa_page and "✕ Merah" in alfa_page
    assert "IKU-01 Jumlah layanan digital (layanan) 40 30 75,00% 75,00% ✕ Merah" in alfa_page
    assert not any("Badan Beta" in line for line in gama_page + alfa_page)

    png, width, height = png_of(path)
    assert height > width and png.stat().st_size > 20_000
    if os.environ.get("EKINERJA_PDF_PNG_DIR"):
        run("pdftoppm", "-png", "-r", "60", "-f", "2", "-l", "3", str(path), str(out / "buku-briefing-opd"))


def test_the_same_data_give_the_same_bytes(app, world, gama):
    assert briefing_pdf(2026, APRIL) == briefing_pdf(2026, APRIL)


def test_a_year_without_scorecards_is_one_page(app, world, pdf_tools, tmp_path):
    text, pages = check_pdf(briefing_pdf(2031, 2), tmp_path / "kosong.pdf")
    assert pages == 1
    assert "Belum ada kartu kinerja provinsi tahun 2031." in text
    assert "Belum ada kartu kinerja: Badan Beta, Dinas Alfa." in text


def test_queries_do_not_grow_with_the_opds(app, world, gama, make_opd, realise):
    """Twice as many OPDs with scorecards and values: the same number of queries for both files."""
    db.session.expire_all()
    before = (count_queries(lambda: briefing_pdf(2026, APRIL)), count_queries(lambda: dashboard_workbook(2026, APRIL)))
    for n in range(3):
        add_opd_with_scorecard(make_opd, realise, f"Dinas Tambahan {n}")
    db.session.commit()
    db.session.expire_all()
    after = (count_queries(lambda: briefing_pdf(2026, APRIL)), count_queries(lambda: dashboard_workbook(2026, APRIL)))
    assert after == before
    assert len(rd.dashboard(2026, APRIL).opds) == 6


def test_many_opds_rank_on_one_page_of_bars(app, world, make_opd, realise, pdf_tools, out):
    """Forty OPDs with scorecards: the bars are scaled to fit a page, each OPD has its page, and
    a long name is cut to fit left of its bar."""
    for n in range(40):
        add_opd_with_scorecard(make_opd, realise, f"Badan Perencanaan Pembangunan Daerah Uji Nomor {n:02d}")
    db.session.commit()
    path = out / "buku-briefing-41-opd.pdf"
    text, pages = check_pdf(briefing_pdf(2026, APRIL), path)
    texts = run("pdftotext", "-enc", "UTF-8", str(path), "-").split("\f")[:pages]
    opd_pages = [i for i, t in enumerate(texts) if "Indikator kinerja s.d. April 2026" in t]
    assert len(opd_pages) == 41 and opd_pages == list(range(pages - 41, pages))   # after the summary
    ranking = next(t for t in texts if "Peringkat perangkat daerah" in t)
    assert "1. Badan Perencanaan Pembang…" in ranking and "41. Dinas Alfa" in ranking
