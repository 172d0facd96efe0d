"""Nothing that is not public ever appears on a public page or endpoint (issue 6 point 9, domain.md §7).

One world holds every kind of thing that must stay inside the office, each carrying a distinctive
marker: draft, submitted and returned realisation values (and the sums they would make), a staff
member's NIP, the name of an evidence file and its note, an agreement that was submitted but never
signed nor published, and an information requester's name, address and contact. Then EVERY public
route (tests/test_access.py all_public_rules, which each module extends) is fetched, in each of its
variants, and no answer may contain any marker. A public route this module does not know how to
fetch fails the suite until it is added to `paths` below.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from ekinerja.bsc.models import RealisationStatus
from ekinerja.extensions import db
from ekinerja.public import dip, ppid
from ekinerja.realisations import services as rs
from tests.contracts.conftest import SIGNING, iku, people, realise, scan, today  # noqa: F401
from tests.public.test_sakip import HIDDEN, APPROVED, agreements, figures, variants  # noqa: F401
from tests.realisations.test_views import pdf_bytes
from tests.test_access import all_public_rules

EVIDENCE_NAME = "bukti-rahasia-qx7"
EVIDENCE_NOTE = "Catatan internal zeta-9041"
REQUESTER = {"name": "Wayan Pemohon Rahasia", "address": "Jalan Melati Tersembunyi 17, Mataram",
             "contact": "pemohon.rahasia@example.org"}
DRAFT_REPORT = "Laporan draf rahasia kappa-5520"
NOT_FETCHED = {"/static/<path:filename>", "/masuk"}  # assets and the login form: nothing of anyone's


@pytest.fixture
def world(app, figures, agreements, org, people, today):
    """figures: hidden values on OPD A's indicator (February draft, March submitted, April returned);
    agreements: one published PK, one submitted PK; here also staff1's April value with evidence,
    submitted, and an information request with the requester's personal data."""
    realisation = rs.save(people.staff1, figures.s1, 4, rs.Entry(value="60", note=EVIDENCE_NOTE))
    db.session.flush()
    rs.add_evidence(people.staff1, realisation, pdf_bytes(), f"{EVIDENCE_NAME}.pdf", realisation.version)
    db.session.flush()
    rs.submit(people.staff1, realisation, realisation.version)
    request = ppid.submit_request(information="Salinan Perjanjian Kinerja 2026", purpose="Penelitian",
                                  form="softcopy", delivery="email", opd_id=org.a.id, **REQUESTER)
    published = dip.create(people.op_a, org.a, _report(1, "Laporan Kinerja Triwulan I"))
    dip.attach_file(people.op_a, published, pdf_bytes("Laporan triwulan I"), "tw1.pdf")
    dip.publish(people.op_a, published)
    draft = dip.create(people.op_a, org.a, _report(2, DRAFT_REPORT))
    dip.attach_file(people.op_a, draft, pdf_bytes(DRAFT_REPORT), "tw2.pdf")
    db.session.commit()
    public_code, hidden_code = agreements
    world_officer = people.gov
    return {"officer": world_officer, "figures": figures, "org": org, "public_code": public_code, "hidden_code": hidden_code,
            "request_number": request.number, "report": published.id, "draft_report": draft.id}


def _report(quarter: int, title: str) -> dip.ReportInput:
    return dip.ReportInput(year=2026, quarter=quarter, title=title, summary="Capaian indikator triwulan.",
                           responsible_name="Kepala Alfa", responsible_position="Kepala Dinas Alfa",
                           made_place="Mataram", made_date=date(2026, 4, 15))


def markers(world) -> set[str]:
    out = set()
    for value in HIDDEN.values():
        out |= variants(value) | variants(str(D(value) + D(APPROVED)))
    out |= {EVIDENCE_NAME, EVIDENCE_NOTE, world["hidden_code"], DRAFT_REPORT, *REQUESTER.values()}
    org = world["org"]
    out |= {org.staff1.nip, org.staff2.nip}  # NIPs of staff who are not officials
    return out


def paths(world) -> dict[str, list[str]]:
    """Every public rule and the addresses that exercise it (with and without a year, JSON and CSV,
    a known and an unknown code)."""
    code, doc, hidden = world["org"].a.code, world["public_code"], world["hidden_code"]
    number = world["request_number"]
    return {
        "/healthz": ["/healthz"],
        "/api/v1/openapi.json": ["/api/v1/openapi.json"],
        "/sakip": ["/sakip", "/sakip?year=2026", "/sakip?year=2025"],
        "/sakip/opd/<code>": [f"/sakip/opd/{code}", f"/sakip/opd/{code}?year=2026", "/sakip/opd/TIDAKADA"],
        "/api/public/v1/sakip/<int:year>": ["/api/public/v1/sakip/2026"],
        "/api/public/v1/sakip/<int:year>.csv": ["/api/public/v1/sakip/2026.csv"],
        "/api/public/v1/sakip/<int:year>/opd/<code>": [f"/api/public/v1/sakip/2026/opd/{code}"],
        "/api/public/v1/sakip/<int:year>/opd/<code>.csv": [f"/api/public/v1/sakip/2026/opd/{code}.csv"],
        "/api/public/v1/documents": ["/api/public/v1/documents?year=2026", "/api/public/v1/documents"],
        "/api/public/v1/documents.csv": ["/api/public/v1/documents.csv?year=2026"],
        "/api/public/v1/data.json": ["/api/public/v1/data.json"],
        "/sitemap.xml": ["/sitemap.xml"],
        "/robots.txt": ["/robots.txt"],
        "/verifikasi/": ["/verifikasi/"],
        "/verifikasi/<code>": [f"/verifikasi/{doc}", f"/verifikasi/{hidden}"],
        "/verifikasi/<code>/dokumen.pdf": [f"/verifikasi/{doc}/dokumen.pdf", f"/verifikasi/{hidden}/dokumen.pdf"],
        "/ppid/": ["/ppid/", "/ppid/?q=Perjanjian", "/ppid/?tahun=2026"],
        "/ppid/lacak": [f"/ppid/lacak?nomor={number}"],
        "/ppid/permohonan": ["/ppid/permohonan", f"/ppid/permohonan?opd={code}"],
        "/ppid/keberatan": ["/ppid/keberatan"],
        "/ppid/berkala/<int:report_id>.pdf": [f"/ppid/berkala/{world['report']}.pdf",
                                              f"/ppid/berkala/{world['draft_report']}.pdf"],
        # the receipts, after this browser filed a request and an objection (test below)
        "/ppid/permohonan/terkirim": ["/ppid/permohonan/terkirim"],
        "/ppid/keberatan/terkirim": ["/ppid/keberatan/terkirim"],
    }


def test_every_public_route_is_fetched_here(app, world):
    known = set(paths(world)) | NOT_FETCHED
    unknown = sorted(all_public_rules() - known)
    assert not unknown, "public routes this test does not fetch; add them to paths():\n" + "\n".join(unknown)


def test_nothing_private_on_any_public_page(app, client, world):
    secret = markers(world)
    # This browser files a request and an objection, so that their receipts have something to show.
    filed = client.post("/ppid/permohonan", data={
        "information": "Laporan kinerja triwulan", "purpose": "Kajian", "form": "softcopy", "delivery": "email",
        "opd_id": "", **REQUESTER})
    assert filed.status_code == 303, filed.get_data(as_text=True)[:500]
    refused = ppid.track(world["request_number"])
    ppid.refuse(world["officer"], refused, "Informasi dikecualikan (Pasal 17 huruf j).")
    db.session.commit()
    objected = client.post("/ppid/keberatan", data={
        "number": world["request_number"], "contact": REQUESTER["contact"], "grounds": "a",
        "reason": "Saya keberatan atas penolakan permohonan."})
    assert objected.status_code in (302, 303), objected.get_data(as_text=True)[:500]
    fetched = 0
    rules = all_public_rules()
    for rule, addresses in paths(world).items():
        if rule not in rules:
            continue  # a page another part of the work has not added (yet)
        for address in addresses:
            r = client.get(address)
            assert r.status_code in (200, 404), (address, r.status_code)
            if "terkirim" in address:
                assert r.status_code == 200 and "PPID/" in r.get_data(as_text=True), address
            body = r.get_data()
            text = body.decode("utf-8", "replace") if not body.startswith(b"%PDF") else _pdf_text(body)
            leaked = sorted(m for m in secret if m in text and m not in address)  # echoing the visitor's own input is no leak
            assert not leaked, (address, leaked)
            fetched += 1
    assert fetched >= 20
    # The markers are really in the database: the checks above could have failed.
    officer_view = client.get(f"/api/public/v1/sakip/2026/opd/{world['org'].a.code}").get_data(as_text=True)
    assert "11" in officer_view


def test_the_markers_are_real(app, client, world, people):
    """A province reader inside the office does see them (so their absence above means something)."""
    from tests.conftest import PASSWORD

    client.post("/masuk", data={"login": people.kabid.username, "password": PASSWORD})
    page = client.get("/realisasi/persetujuan").get_data(as_text=True)
    assert EVIDENCE_NAME in page and EVIDENCE_NOTE in page
    client.post("/keluar")
    client.post("/masuk", data={"login": people.gov.username, "password": PASSWORD})
    page = client.get(f"/perjanjian/?tahun=2026").get_data(as_text=True)
    assert "Diajukan" in page or world["hidden_code"] in page


def _pdf_text(data: bytes) -> str:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["pdftotext", "-q", f.name, "-"], capture_output=True, text=True)
    return out.stdout + data.decode("latin-1")
