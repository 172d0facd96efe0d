"""The printed PDFs, checked with the tools a records office would use (qpdf, poppler): a sound file,
every font embedded, the paper size, the text a reader needs (both parties, every Action with its
target written the Indonesian way, place and date, the verification code, page x of y), and a page
rendered to PNG for a visual check.

Without qpdf or poppler-utils the tests are skipped with the reason; with EKINERJA_REQUIRE_BROWSER=1
(CI) they fail instead. EKINERJA_PDF_PNG_DIR keeps the PNGs (and the PDFs) for a look.
"""
from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from ekinerja.a3 import content as a3
from ekinerja.bsc import services as bsc
from ekinerja.bsc.models import OwnerKind
from ekinerja.contracts import pk
from ekinerja.contracts import services as cs
from ekinerja.contracts.models import DocumentKind
from ekinerja.extensions import db
from ekinerja.org.services import get_province
from tests.contracts.conftest import SIGNING

TOOLS = ("qpdf", "pdffonts", "pdfinfo", "pdftotext", "pdftoppm")
MM = 72 / 25.4
A4_PORTRAIT = (210 * MM, 297 * MM)
A4_LANDSCAPE = (297 * MM, 210 * MM)
A3_LANDSCAPE = (420 * MM, 297 * MM)
GOVERNOR = "Dr. H. Mahsun Arifin, M.Si."
HEAD = "Baiq Nur'aini Hidayati"


@pytest.fixture(scope="module", autouse=True)
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


@pytest.fixture
def parties(org, iku):
    """A governor with a name, an OPD head whose name has an apostrophe, and a second Action whose
    target has thousands and decimals (1.234,5)."""
    get_province().governor_name = GOVERNOR
    org.a_head.name = HEAD
    top = bsc.save_indicator(None, iku.top.objective, bsc.IndicatorInput(
        code="IKU-02", name="Jumlah transaksi layanan daring", unit_of_measure="ribu transaksi", polarity="max",
        aggregation="last", weight=5, target=D("1500")))
    [child] = bsc.cascade(None, top, [bsc.CascadeTarget(OwnerKind.OPD, org.a.id, D("1234.5"))])
    db.session.commit()
    return child


def agreed_a3(org, people):
    agreement = cs.create(people.op_a, DocumentKind.A3, 2026, org.a_head.position)
    version = agreement.latest
    a3.prefill(version)
    for action, budget in zip(version.a3_actions, (D("1250000000"), D("87500000.5"))):
        action.budget = budget
    cs.submit(people.op_a, version)
    cs.agree(people.gov, version)
    return version


def agreed_pk(org, people):
    version = cs.create(people.op_a, DocumentKind.PK, 2026, org.a_head.position).latest
    pk.generate_targets(version)
    pk.save_programme(version, "Program Transformasi Digital", "1.250.000.000", "APBD")
    cs.submit(people.op_a, version)
    cs.agree(people.gov, version)
    return version


# ------------------------------------------------------------------ the checks

def run(*args: str) -> str:
    result = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{args[0]} failed: {result.stdout}{result.stderr}"
    return result.stdout


def fonts_of(path: Path) -> list[dict]:
    """pdffonts' table, read by the columns its dashed line marks out."""
    lines = run("pdffonts", str(path)).splitlines()
    header, rule = lines[0], lines[1]
    spans = [m.span() for m in re.finditer(r"-+", rule)]
    names = [header[a:b].strip() or header[a:].split()[0] for a, b in spans]
    return [{name: line[a:b].strip() for name, (a, b) in zip(names, spans)} for line in lines[2:] if line.strip()]


def info_of(path: Path) -> dict:
    info = dict(re.findall(r"^([^:]+):\s+(.*)$", run("pdfinfo", str(path)), re.M))
    w, h = map(float, re.match(r"([\d.]+) x ([\d.]+) pts", info["Page size"]).groups())
    return {"pages": int(info["Pages"]), "size": (w, h)}


def text_of(path: Path) -> str:
    return re.sub(r"\s+", " ", run("pdftotext", "-enc", "UTF-8", str(path), "-"))


def table_row(path: Path, header: str, cell: str) -> str:
    """The row holding `cell` of the table headed `header`, as pdftotext -layout lays it out: its
    lines up to the blank line that ends it (a cell's wrapped words stay in the row)."""
    lines = run("pdftotext", "-layout", "-enc", "UTF-8", str(path), "-").splitlines()
    top = next(i for i, line in enumerate(lines) if header in line)
    start = next(i for i in range(top + 1, len(lines)) if cell in lines[i])
    # the row ends at a blank line or where the next row's number starts a line
    end = next((i for i in range(start + 1, len(lines))
                if not lines[i].strip() or re.match(r"\s{0,4}\d+\s{2,}", lines[i])), len(lines))
    return " ".join(lines[start:end])


def assert_target(path: Path, header: str, name: str, target: str, unit: str) -> None:
    """The indicator's row holds its target, written the Indonesian way, and its unit."""
    row = table_row(path, header, name[:20])  # the start of the name: the rest may wrap
    assert re.search(rf"(?<![\d.,]){re.escape(target)}(?![\d,])", row), (name, target, row)
    assert all(word in row.split() for word in unit.split()), (name, unit, row)


def png_of(path: Path) -> tuple[Path, int, int]:
    prefix = path.with_suffix("")
    run("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(path), str(prefix))
    png = prefix.with_suffix(".png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return png, width, height


def check(pdf: bytes, path: Path, size: tuple[float, float]) -> tuple[str, int]:
    """What every printed document passes; returns its text and page count."""
    path.write_bytes(pdf)
    assert "No syntax or stream encoding errors" in run("qpdf", "--check", str(path))
    fonts = fonts_of(path)
    assert fonts, "no font in the PDF"
    assert all(f["emb"] == "yes" for f in fonts), f"fonts not embedded: {fonts}"
    assert not any("Helvetica" in f["name"] or "Times" in f["name"] for f in fonts)
    info = info_of(path)
    assert info["size"] == pytest.approx(size, abs=1), info
    png, width, height = png_of(path)
    assert png.stat().st_size > 20_000, "page 1 rendered almost empty"
    assert (width > height) == (size[0] > size[1])
    text = text_of(path)
    for page in range(1, info["pages"] + 1):
        assert f"Halaman {page} dari {info['pages']}" in text
    return text, info["pages"]


# ------------------------------------------------------------------ the documents

@pytest.mark.parametrize("paper, size", [("A3", A3_LANDSCAPE), ("A4", A4_LANDSCAPE)])
def test_the_a3_agreement(org, iku, people, parties, out, paper, size):
    version = agreed_a3(org, people)
    pdf = cs.print_(people.gov, version, "100/A3/BIRO-ORG/2026", date(2026, 1, 30), SIGNING, paper=paper)
    db.session.commit()
    path = out / f"a3-{paper}.pdf"
    text, pages = check(pdf, path, size)
    for who in (HEAD, GOVERNOR, "PIHAK PERTAMA", "PIHAK KEDUA", "Kepala Dinas Alfa",
                "Gubernur Nusa Tenggara Barat"):
        assert who in text, who
    # every Action's indicator with its target, written the Indonesian way
    assert [(a.action, a.target) for a in version.a3_actions] == [
        (iku.opd.name, D("120")), (parties.name, D("1234.5"))]
    assert_target(path, "ACTION – indikator", iku.opd.name, "120", "layanan")
    assert_target(path, "ACTION – indikator", parties.name, "1.234,5", "ribu transaksi")
    assert "1.250.000.000" in text and "87.500.001" in text  # budgets in whole rupiah
    assert "Mataram, 2 Februari 2026" in text and "100/A3/BIRO-ORG/2026" in text
    assert f"Kode verifikasi: {version.verification_code}" in text
    assert f"/verifikasi/{version.verification_code}" in text
    assert text.count(version.verification_code) >= 2 * pages  # the code (and its address) on every page


def test_the_perjanjian_kinerja(org, iku, people, parties, out):
    version = agreed_pk(org, people)
    pdf = cs.print_(people.gov, version, "800/12/ORG/2026", date(2026, 1, 30), SIGNING)
    db.session.commit()
    path = out / "pk.pdf"
    text, pages = check(pdf, path, A4_PORTRAIT)
    for who in (HEAD, GOVERNOR, org.a_head.nip, "Kepala Dinas Alfa", "Gubernur Nusa Tenggara Barat"):
        assert who in text, who
    assert "Dalam rangka mewujudkan manajemen pemerintahan yang efektif" in text
    assert [(row.indicator, row.target) for row in version.pk_targets] == [
        (iku.opd.name, D("120")), (parties.name, D("1234.5"))]
    assert_target(path, "Indikator Kinerja", iku.opd.name, "120", "layanan")
    assert_target(path, "Indikator Kinerja", parties.name, "1.234,5", "ribu transaksi")
    assert "Program Transformasi Digital" in text and "Rp 1.250.000.000" in text
    assert "Mataram, 2 Februari 2026" in text
    assert f"Kode verifikasi: {version.verification_code}" in text
    assert pages >= 2  # the statement page and its attachment


def test_printing_again_gives_the_same_bytes(org, iku, people, parties):
    """The SHA-256 kept at printing stays checkable: the same content renders to the same bytes."""
    version = agreed_pk(org, people)
    first = cs.print_(people.gov, version, "800/12/ORG/2026", date(2026, 1, 30), SIGNING)
    again = cs.content(DocumentKind.PK).render(version, "A4")
    assert first == again


def test_the_qr_code_opens_the_verification_page(app, org, iku, people, parties, tmp_path):
    """What a phone's camera reads off the printed page (zbarimg, when installed, stands in for it)."""
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg missing (apt-get install zbar-tools): the QR code is not decoded")
    version = agreed_pk(org, people)
    path = tmp_path / "pk.pdf"
    path.write_bytes(cs.print_(people.gov, version, "800/12/ORG/2026", date(2026, 1, 30), SIGNING))
    run("pdftoppm", "-png", "-r", "200", "-f", "2", "-l", "2", "-singlefile", str(path), str(tmp_path / "p2"))
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "p2.png")], capture_output=True, text=True,
                             timeout=60).stdout.split()
    assert decoded == [f"{app.config['BASE_URL'].rstrip('/')}/verifikasi/{version.verification_code}"]
