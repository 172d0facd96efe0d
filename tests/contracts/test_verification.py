"""The public verification page (/verifikasi, no login): a printed document's facts as printed, the
SHA-256 of the printed file and of the scan, a file checked against them; an unknown code and a code
of a version not printed get one and the same answer, and nothing that was not printed is shown."""
from __future__ import annotations

import hashlib
import io
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from ekinerja.contracts import pk
from ekinerja.contracts import services as cs
from ekinerja.contracts.models import AmendmentReason, DocumentKind, VersionStatus
from ekinerja.contracts.public_views import MAX_UPLOAD, normalise_code
from ekinerja.extensions import db
from tests.contracts.conftest import SIGNING
from tests.test_access import PUBLIC_RULES

# Every route of the blueprint is public by design: they are listed in tests/test_access.py's
# PUBLIC_RULES (checked below), so none needs a row of the role matrix.
ROUTES_COVERED: dict = {}

PRINT_DAY = date(2026, 1, 30)


@pytest.fixture
def pk_a(org, iku, people):
    """OPD A head's Perjanjian Kinerja, agreed (not printed yet)."""
    agreement = cs.create(people.op_a, DocumentKind.PK, 2026, org.a_head.position)
    version = agreement.latest
    pk.generate_targets(version)
    pk.save_programme(version, "Program Transformasi Digital", "1.250.000.000", "APBD")
    cs.submit(people.op_a, version)
    cs.agree(people.gov, version)
    db.session.commit()
    return agreement


@pytest.fixture
def printed(pk_a, people):
    version = pk_a.latest
    pdf = cs.print_(people.gov, version, "800/12/ORG/2026", PRINT_DAY, SIGNING)
    db.session.commit()
    return SimpleNamespace(version=version, code=version.verification_code, pdf=pdf)


def sign(printed, people, scan, publish=False):
    cs.record_signing(people.gov, printed.version, scan, "pindaian.pdf", SIGNING)
    if publish:
        cs.publish(people.gov, printed.version)
    db.session.commit()


def text(response) -> str:
    """The page's text without tags, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def stored_files(app) -> list[str]:
    return sorted(str(p) for p in Path(app.config["STORAGE_PATH"]).rglob("*") if p.is_file())


def upload(client, code, data: bytes, name="berkas.pdf"):
    return client.post(f"/verifikasi/{code}", data={"berkas": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


# ------------------------------------------------------------------ the public routes

def test_the_routes_are_public_by_design(app):
    rules = {r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("verification.")}
    assert rules == {"/verifikasi/", "/verifikasi/<code>", "/verifikasi/<code>/dokumen.pdf"}
    assert rules <= PUBLIC_RULES


def test_anonymous_visitors_get_the_start_page(client):
    r = client.get("/verifikasi/")
    assert r.status_code == 200
    assert "Kode verifikasi" in text(r) and 'name="kode"' in r.get_data(as_text=True)
    assert r.headers["X-Robots-Tag"].startswith("noindex")


def test_a_printed_document_as_printed(client, printed, org):
    r = client.get(f"/verifikasi/{printed.code}")  # no login
    assert r.status_code == 200
    page = text(r)
    for expected in ("Perjanjian Kinerja Tahun 2026", "Dinas Alfa", "Dicetak", "800/12/ORG/2026", "30 Januari 2026",
                     "Mataram, 2 Februari 2026", "Kepala Alfa", "Kepala Dinas Alfa", org.a_head.nip,
                     "Gubernur Nusa Tenggara Barat", hashlib.sha256(printed.pdf).hexdigest(), printed.code):
        assert expected in page, expected
    assert "penandatanganannya belum dicatat" in page and "belum diunggah" in page
    assert "dokumen.pdf" not in r.get_data(as_text=True)  # not published: nothing to download
    assert client.get(f"/verifikasi/{printed.code}/dokumen.pdf").status_code == 404


def test_signed_then_published(client, printed, people, scan):
    sign(printed, people, scan)
    page = text(client.get(f"/verifikasi/{printed.code}"))
    assert "tercatat ditandatangani" in page and hashlib.sha256(scan).hexdigest() in page
    assert "2 Februari 2026" in page
    assert client.get(f"/verifikasi/{printed.code}/dokumen.pdf").status_code == 404
    cs.publish(people.gov, printed.version)
    db.session.commit()
    r = client.get(f"/verifikasi/{printed.code}")
    assert "Dipublikasikan" in text(r) and "dokumen.pdf" in r.get_data(as_text=True)
    download = client.get(f"/verifikasi/{printed.code}/dokumen.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data == printed.pdf
    assert "attachment" in download.headers["Content-Disposition"]


# ------------------------------------------------------------------ codes

def test_codes_are_normalised():
    assert normalise_code("k7p2 9qxm-4rta h3wd") == "K7P2-9QXM-4RTA-H3WD"
    assert normalise_code("K7P29QXM4RTAH3WD") == "K7P2-9QXM-4RTA-H3WD"
    assert normalise_code("O0Il-0000-0000-0000") == "0011-0000-0000-0000"  # read off paper: O is 0, I and L are 1
    for bad in ("", "K7P2-9QXM-4RTA", "K7P2-9QXM-4RTA-H3WDX", "U7P2-9QXM-4RTA-H3WD", "<script>"):
        assert normalise_code(bad) is None, bad


def test_a_code_typed_by_hand_finds_its_page(client, printed):
    code = printed.code
    sloppy = code.lower().replace("-", " ")
    r = client.get(f"/verifikasi/{sloppy}")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/verifikasi/{code}")
    r = client.get("/verifikasi/", query_string={"kode": f"  {code.lower()} "})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/verifikasi/{code}")
    assert client.get(f"/verifikasi/{code}", follow_redirects=True).status_code == 200


def test_unknown_and_unprinted_codes_get_the_same_answer(client, pk_a, people, org):
    agreed = pk_a.latest.verification_code           # agreed, never printed
    draft = cs.create(people.op_a, DocumentKind.PK, 2026, org.kabid.position).latest.verification_code
    db.session.commit()
    unknown = cs.new_code()
    bodies = []
    for code in (agreed, draft, unknown):
        for r in (client.get(f"/verifikasi/{code}"), upload(client, code, b"%PDF-1.4 x"),
                  client.get(f"/verifikasi/{code}/dokumen.pdf")):
            assert r.status_code == 404
            bodies.append(r.get_data(as_text=True).replace(code, "KODE"))
    assert len(set(bodies)) == 1
    assert "Kode verifikasi tidak dikenal" in bodies[0] and "Kepala Alfa" not in bodies[0]
    for junk in ("bukan-kode", "K7P2-9QXM"):
        assert client.get(f"/verifikasi/{junk}").status_code == 404
        assert client.get("/verifikasi/", query_string={"kode": junk}).status_code == 404


def test_codes_carry_80_random_bits():
    codes = {cs.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", c) for c in codes)


# ------------------------------------------------------------------ checking a file

def test_a_file_is_checked_against_both_hashes(client, printed, people, scan):
    r = upload(client, printed.code, printed.pdf)
    assert r.status_code == 200
    assert "Cocok dengan berkas cetak" in text(r) and hashlib.sha256(printed.pdf).hexdigest() in text(r)
    sign(printed, people, scan)
    r = upload(client, printed.code, scan, "scan.pdf")
    assert "Cocok dengan pindaian bertanda tangan" in text(r)
    other = printed.pdf + b"\n"
    r = upload(client, printed.code, other)
    assert r.status_code == 200
    assert "Tidak cocok" in text(r) and hashlib.sha256(other).hexdigest() in text(r)
    assert "Cocok dengan" not in text(r)


def test_an_upload_needs_a_file_and_stays_under_20_mb(client, printed, app):
    stored = stored_files(app)
    r = client.post(f"/verifikasi/{printed.code}", data={}, content_type="multipart/form-data")
    assert r.status_code == 422 and "Pilih berkas" in text(r)
    r = upload(client, printed.code, b"")
    assert r.status_code == 422
    r = upload(client, printed.code, b"x" * (MAX_UPLOAD + 1))
    assert r.status_code == 413 and "lebih besar dari 20 MB" in text(r)
    r = upload(client, printed.code, b"x" * (MAX_UPLOAD + 200 * 1024))  # refused before it is read
    assert r.status_code == 413 and "lebih besar dari 20 MB" in text(r)
    # nothing a visitor sends is kept
    assert stored_files(app) == stored


def test_the_upload_form_carries_a_csrf_token(client, printed, app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        r = upload(client, printed.code, printed.pdf)
        assert r.status_code == 400 and "Cocok dengan" not in text(r) and "Formulir kedaluwarsa" in text(r)
        page = client.get(f"/verifikasi/{printed.code}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        r = client.post(f"/verifikasi/{printed.code}", content_type="multipart/form-data",
                        data={"csrf_token": token, "berkas": (io.BytesIO(printed.pdf), "a.pdf")})
        assert r.status_code == 200 and "Cocok dengan berkas cetak" in text(r)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# ------------------------------------------------------------------ only what was printed

def test_nothing_unprinted_is_shown(client, printed, people, scan, org):
    sign(printed, people, scan)
    amendment = cs.amend(people.op_a, printed.version.agreement, AmendmentReason.PRIORITIES,
                         "Rahasia dapur: prioritas berubah setelah rapat pimpinan")
    cs.submit(people.op_a, amendment)
    cs.return_(people.gov, amendment, "Catatan telaah yang tidak untuk umum")
    # the official changes his name on record after the printing: the page keeps the printed one
    org.a_head.name = "Nama Baru Setelah Cetak"
    db.session.commit()
    page = text(client.get(f"/verifikasi/{printed.code}"))
    for secret in ("Rahasia dapur", "Catatan telaah", "Nama Baru Setelah Cetak", "versi 2", "Dikembalikan",
                   org.staff1.nip, org.kabid.nip):
        assert secret not in page, secret
    assert "Kepala Alfa" in page and org.a_head.nip in page
    # once the amendment is printed, the first version says a newer one exists
    cs.submit(people.op_a, amendment)
    cs.agree(people.gov, amendment)
    cs.print_(people.gov, amendment, "800/13/ORG/2026", date(2026, 3, 2), date(2026, 3, 3))
    db.session.commit()
    page = text(client.get(f"/verifikasi/{printed.code}"))
    assert "Sudah ada versi yang lebih baru: versi 2" in page
    assert "Rahasia dapur" not in page
    new_page = text(client.get(f"/verifikasi/{amendment.verification_code}"))
    assert "Perjanjian Kinerja Perubahan Tahun 2026" in new_page and "Versi 2 (perubahan)" in new_page
    assert "Nama Baru Setelah Cetak" in new_page  # the holder as on its own signing date
    cs.record_signing(people.gov, amendment, scan + b" ", "p.pdf", date(2026, 3, 3))
    db.session.commit()
    assert "telah digantikan oleh perubahan: versi 2" in text(client.get(f"/verifikasi/{printed.code}"))


def test_a_logged_in_visitor_sees_the_same_page(client, auth, printed, people):
    anonymous = text(client.get(f"/verifikasi/{printed.code}"))
    auth.login(people.staff1.username)
    logged_in = text(client.get(f"/verifikasi/{printed.code}"))
    assert "Kepala Alfa" in logged_in and printed.version.printed_sha256 in logged_in
    assert printed.version.printed_sha256 in anonymous
    assert printed.version.status == VersionStatus.PRINTED
