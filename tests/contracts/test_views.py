"""Pages of agreements (/perjanjian): the document and its lifecycle steps, the comparison of two
versions, the printed PDF and the scan, the PK list of an OPD and the PK's content; who may reach
each of them, every step and refusal through the pages, and a signed version that no page changes.

ROUTES_COVERED lists every route of the contracts blueprint with who may reach it, in the shape of
tests/test_access.py (identities, paths with {ids} from `cw`, POST data in CONTRACTS_POST_DATA).
"""
from __future__ import annotations

import hashlib
import io
import os
import re
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from ekinerja import storage
from ekinerja.a3 import content as a3_content
from ekinerja.contracts import pk
from ekinerja.contracts import services as cs
from ekinerja.contracts.models import (Agreement, AgreementVersion, DocumentKind, PkProgramme, PkTarget,
                                       VersionStatus)
from ekinerja.extensions import db
from ekinerja.org.models import PositionKind
from tests.contracts.conftest import SIGNING
from tests.kit import assert_routes_listed, is_login_redirect, snapshot, text_of

# ------------------------------------------------------------------ who (the names of tests/test_access.py)

ADMIN, GOVERNOR_OFFICE, GOVERNOR, AUDITOR = "admin", "governor_office", "governor", "auditor"
OPERATOR_A, OPERATOR_B = "operator_a", "operator_b"
KABID, STAFF1, B_STAFF = "kabid", "staff1", "b_staff"
A_HEAD = "a_head"  # the head of OPD A: PIHAK PERTAMA of the governor's PK, PIHAK KEDUA of the kabid's
IDENTITIES = [ADMIN, GOVERNOR_OFFICE, GOVERNOR, AUDITOR, OPERATOR_A, OPERATOR_B, KABID, STAFF1, B_STAFF, A_HEAD]

EVERYONE = frozenset(IDENTITIES)
PROVINCE_READERS = frozenset({ADMIN, GOVERNOR_OFFICE, GOVERNOR, AUDITOR})
OPD_A_READERS = PROVINCE_READERS | {OPERATOR_A, A_HEAD}
OPD_B_READERS = PROVINCE_READERS | {OPERATOR_B}
HEAD_DRAFTERS = frozenset({ADMIN, GOVERNOR_OFFICE, OPERATOR_A, A_HEAD})   # can_draft on the OPD head's PK
KABID_REVIEWERS = frozenset({GOVERNOR_OFFICE, A_HEAD})                      # PIHAK KEDUA of the kabid
LOWER_ISSUERS = frozenset({GOVERNOR_OFFICE, OPERATOR_A})                    # print/sign/publish below the governor
GOVERNOR_ISSUERS = frozenset({GOVERNOR_OFFICE})                             # ... the governor's own PKs


def both(path: str, allowed: frozenset[str]) -> list[tuple[str, str, frozenset[str]]]:
    return [("GET", path, allowed), ("POST", path, allowed)]


# endpoint -> [(method, path, who may reach it)]. Ids come from the `cw` fixture below.
ROUTES_COVERED: dict[str, list[tuple[str, str, frozenset[str]]]] = {
    "contracts.index": [
        ("GET", "/perjanjian/", EVERYONE),  # each sees what is his: an OPD, every OPD, or his own post
        ("GET", "/perjanjian/?opd={opd_a}", OPD_A_READERS),
        ("GET", "/perjanjian/?opd={opd_b}", OPD_B_READERS),
    ],
    "contracts.create": [("POST", "/perjanjian/baru", frozenset({ADMIN, GOVERNOR_OFFICE, OPERATOR_A, KABID}))],
    "contracts.agreement": [
        ("GET", "/perjanjian/{head}", OPD_A_READERS),
        ("GET", "/perjanjian/{kabid}", OPD_A_READERS | {KABID}),
        ("GET", "/perjanjian/{staff1}", OPD_A_READERS | {KABID, STAFF1}),
    ],
    "contracts.compare": [("GET", "/perjanjian/{staff4}/bandingkan?dari=1&ke=2", OPD_A_READERS | {KABID})],
    "contracts.printed_pdf": [("GET", "/perjanjian/versi/{staff1_v}/pdf", OPD_A_READERS | {KABID, STAFF1})],
    "contracts.scan": [("GET", "/perjanjian/versi/{staff3_v}/pindaian", OPD_A_READERS | {KABID})],
    "contracts.submit": [("POST", "/perjanjian/versi/{head_v}/ajukan", HEAD_DRAFTERS)],
    "contracts.return_": [("POST", "/perjanjian/versi/{kabid_v}/kembalikan", KABID_REVIEWERS)],
    "contracts.agree": [("POST", "/perjanjian/versi/{kabid_v}/setujui", KABID_REVIEWERS)],
    "contracts.print_": [("POST", "/perjanjian/versi/{staff2_v}/cetak", LOWER_ISSUERS),
                         ("POST", "/perjanjian/versi/{head25_v}/cetak", GOVERNOR_ISSUERS)],
    "contracts.sign": [("POST", "/perjanjian/versi/{staff1_v}/tandatangani", LOWER_ISSUERS)],
    "contracts.publish": [("POST", "/perjanjian/versi/{staff3_v}/publikasikan", LOWER_ISSUERS)],
    "contracts.amend": [("POST", "/perjanjian/{staff3}/perubahan", frozenset({ADMIN, GOVERNOR_OFFICE, OPERATOR_A}))],
    "contracts.programmes": both("/perjanjian/versi/{head_v}/program", HEAD_DRAFTERS),
    "contracts.programme_edit": both("/perjanjian/versi/{head_v}/program/{head_prog}/ubah", HEAD_DRAFTERS),
    "contracts.programme_remove": [("POST", "/perjanjian/versi/{head_v}/program/{head_prog}/hapus", HEAD_DRAFTERS)],
    "contracts.targets": [("POST", "/perjanjian/versi/{head_v}/target", HEAD_DRAFTERS)],
}

PRINT_FORM = {"number": "800/21/ORG/2026", "print_date": "2026-01-30", "signing_date": "2026-02-02",
              "place": "Mataram", "paper": "A4"}

# A valid form for each POST: were a refusal missing, it would change the database.
CONTRACTS_POST_DATA = {
    "/perjanjian/baru": lambda w: {"position": w.ids["kabid_post"], "year": "2027"},
    "/perjanjian/versi/{head_v}/ajukan": lambda w: {},
    "/perjanjian/versi/{kabid_v}/kembalikan": lambda w: {"notes": "Lengkapi kegiatan dan anggarannya."},
    "/perjanjian/versi/{kabid_v}/setujui": lambda w: {},
    "/perjanjian/versi/{staff2_v}/cetak": lambda w: dict(PRINT_FORM),
    "/perjanjian/versi/{head25_v}/cetak": lambda w: {**PRINT_FORM, "number": "800/3/ORG/2025",
                                                     "print_date": "2025-01-30", "signing_date": "2025-02-03"},
    "/perjanjian/versi/{staff1_v}/tandatangani": lambda w: {"scan": (io.BytesIO(w.scan), "pindaian.pdf"),
                                                            "signed_date": "2026-02-02"},
    "/perjanjian/versi/{staff3_v}/publikasikan": lambda w: {},
    "/perjanjian/{staff3}/perubahan": lambda w: {"reason": "mutasi", "note": "Pergantian pejabat pada Maret 2026"},
    "/perjanjian/versi/{head_v}/program": lambda w: {"programme": "Program Penunjang Urusan Pemerintahan",
                                                     "budget": "350.500.000", "note": "APBD"},
    "/perjanjian/versi/{head_v}/program/{head_prog}/ubah": lambda w: {
        "programme": "Program Transformasi Digital", "budget": "1.500.000.000", "note": "APBD-P"},
    "/perjanjian/versi/{head_v}/program/{head_prog}/hapus": lambda w: {},
    "/perjanjian/versi/{head_v}/target": lambda w: {},
}

ALL_ROUTES = [(endpoint, *route) for endpoint, routes in ROUTES_COVERED.items() for route in routes]


# ------------------------------------------------------------------ the world

def fill(version: AgreementVersion, programme: str = "Program Transformasi Digital",
         budget: str = "1.250.000.000") -> None:
    """Targets from the scorecard (or a row by hand where the post has none), and one programme."""
    try:
        pk.generate_targets(version)
    except Exception:  # noqa: BLE001  (no scorecard: the row is written as the page would)
        version.pk_targets.append(PkTarget(position=1, objective="Meningkatnya tertib administrasi",
                                           indicator="Persentase arsip tertata", unit_of_measure="%",
                                           target=D(90), q1=D(20), q2=D(45), q3=D(70), q4=D(90)))
    pk.save_programme(version, programme, budget, "APBD")


def advance(version: AgreementVersion, to: VersionStatus, scan: bytes, year: int = 2026) -> None:
    """Take a draft along the lifecycle as the system, up to `to`."""
    order = [VersionStatus.SUBMITTED, VersionStatus.AGREED, VersionStatus.PRINTED, VersionStatus.SIGNED,
             VersionStatus.PUBLISHED]
    for step in order[:order.index(to) + 1]:
        if step == VersionStatus.SUBMITTED:
            cs.submit(None, version)
        elif step == VersionStatus.AGREED:
            cs.agree(None, version)
        elif step == VersionStatus.PRINTED:
            cs.print_(None, version, f"800/{version.id}/ORG/{year}", date(year, 1, 30), date(year, 2, 2))
        elif step == VersionStatus.SIGNED:
            cs.record_signing(None, version, scan, "pindaian.pdf", date(year, 2, 2))
        else:
            cs.publish(None, version)


@pytest.fixture
def cw(org, iku, people, make_user, make_position, make_employee, scan):
    """org and iku, a user per identity, and the PKs of OPD A in every state:
    head (the OPD head's, 2026) draft · head25 (his 2025) agreed · kabid submitted · staff1 printed ·
    staff2 agreed · staff3 signed · staff4 published then amended (version 2, a draft)."""
    governor = make_user("governor", username="gubernur")
    staff3 = make_employee(make_position(org.bidang, "Pranata Komputer", PositionKind.PELAKSANA), "Staf Tiga")
    staff4 = make_employee(make_position(org.bidang, "Arsiparis", PositionKind.FUNGSIONAL), "Staf Empat")
    made = {}
    for key, post, year in (("head", org.a_head.position, 2026), ("head25", org.a_head.position, 2025),
                            ("kabid", org.kabid.position, 2026), ("staff1", org.staff1.position, 2026),
                            ("staff2", org.staff2.position, 2026), ("staff3", staff3.position, 2026),
                            ("staff4", staff4.position, 2026)):
        made[key] = cs.create(None, DocumentKind.PK, year, post)
        fill(made[key].latest)
    advance(made["head25"].latest, VersionStatus.AGREED, scan, 2025)
    advance(made["kabid"].latest, VersionStatus.SUBMITTED, scan)
    advance(made["staff1"].latest, VersionStatus.PRINTED, scan)
    advance(made["staff2"].latest, VersionStatus.AGREED, scan)
    advance(made["staff3"].latest, VersionStatus.SIGNED, scan)
    advance(made["staff4"].latest, VersionStatus.PUBLISHED, scan)
    v2 = cs.amend(None, made["staff4"], "program_budget", "Anggaran perubahan APBD 2026")
    pk.save_programme(v2, v2.pk_programmes[0].programme, "1.400.000.000", "APBD-P", row=v2.pk_programmes[0])
    pk.save_programme(v2, "Program Kearsipan", "75.000.000", None)
    db.session.commit()
    users = {ADMIN: people.admin, GOVERNOR_OFFICE: people.gov, GOVERNOR: governor, AUDITOR: people.auditor,
             OPERATOR_A: people.op_a, OPERATOR_B: people.op_b, KABID: people.kabid, STAFF1: people.staff1,
             B_STAFF: people.b_staff, A_HEAD: people.a_head}
    ids = {"opd_a": org.a.id, "opd_b": org.b.id, "kabid_post": org.kabid.position.id,
           "head_prog": made["head"].latest.pk_programmes[0].id}
    for key, agreement in made.items():
        ids[key] = agreement.id
        ids[f"{key}_v"] = agreement.latest.id
    ids["staff4_v1"] = made["staff4"].versions[0].id
    w = SimpleNamespace(org=org, people=people, ids=ids, scan=scan, staff3=staff3, staff4=staff4,
                        logins={name: u.username for name, u in users.items()},
                        user_ids={name: u.id for name, u in users.items()})
    db.session.commit()  # end the read: requests see fresh data (MariaDB's snapshots)
    return w


def fresh(stmt):
    with db.engine.connect() as conn:
        return conn.execute(stmt).scalar()


def status_of(version_id: int) -> str:
    return fresh(select(AgreementVersion.status).where(AgreementVersion.id == version_id))


def post(client, path: str, w, data: dict | None = None, **kw):
    url = path.format(**w.ids)
    body = CONTRACTS_POST_DATA[path](w) if data is None else data
    return client.post(url, data=body, content_type="multipart/form-data", **kw)


def log_in(auth, w, who: str) -> None:
    assert auth.login(w.logins[who]).status_code == 302


# ------------------------------------------------------------------ access

def test_every_contracts_route_is_covered(app):
    assert_routes_listed(app, "contracts.", ALL_ROUTES, CONTRACTS_POST_DATA)


def test_anonymous_is_sent_to_log_in(client, cw):
    before = snapshot()
    for endpoint, method, path, _ in ALL_ROUTES:
        url = path.format(**cw.ids)
        r = client.get(url) if method == "GET" else post(client, path, cw)
        assert is_login_redirect(r), (method, url, r.status_code)
        assert parse_qs(urlsplit(r.headers["Location"]).query)["next"] == [url]
    assert snapshot() == before


@pytest.mark.parametrize("endpoint, method, path, allowed", [r for r in ALL_ROUTES if r[1] == "GET"],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_get(client, auth, cw, endpoint, method, path, allowed):
    url = path.format(**cw.ids)
    for who in IDENTITIES:
        log_in(auth, cw, who)
        r = client.get(url)
        if who in allowed:
            assert r.status_code == 200, f"{who} should reach GET {url}: {r.status_code}"
        else:
            assert r.status_code == 403, f"{who} should be refused GET {url}: {r.status_code}"
        auth.logout()


POSTS = [r for r in ALL_ROUTES if r[1] == "POST"]


@pytest.mark.parametrize("endpoint, method, path, allowed", POSTS, ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_post_refused(client, auth, cw, endpoint, method, path, allowed):
    for who in sorted(EVERYONE - allowed):
        log_in(auth, cw, who)
        before = snapshot()  # logging in writes (last login): compare from here
        r = post(client, path, cw)
        assert r.status_code == 403, f"{who} should be refused POST {path}: {r.status_code}"
        assert snapshot() == before, f"POST {path} refused to {who} yet changed the database"
        auth.logout()


@pytest.mark.parametrize("endpoint, method, path, who", [(e, m, p, who) for e, m, p, allowed in POSTS
                                                          for who in sorted(allowed)],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_post_allowed(client, auth, cw, endpoint, method, path, who):
    log_in(auth, cw, who)
    before = snapshot()
    r = post(client, path, cw)
    assert r.status_code == 302 and not is_login_redirect(r), f"{who} should reach POST {path}: {r.status_code}"
    assert snapshot() != before, f"POST {path} as {who} changed nothing: fix its CONTRACTS_POST_DATA"


# ------------------------------------------------------------------ the whole way through the pages

def test_the_governors_pk_from_draft_to_amendment(client, auth, cw):
    """The OPD's operator submits; the governor's office returns (notes required), agrees, prints
    (every field required), records the signing (a real scan only), publishes; an amendment follows."""
    w, v = cw, cw.ids["head_v"]
    doc = f"/perjanjian/{w.ids['head']}"
    log_in(auth, w, OPERATOR_A)
    page = text_of(client.get(doc))
    assert "PIHAK PERTAMA Kepala Dinas Alfa Kepala Alfa" in page and "PIHAK KEDUA Gubernur Nusa Tenggara Barat" in page
    assert "Gubernur – Kepala Perangkat Daerah" in page and "Jumlah layanan digital" in page
    assert "Ajukan" in page and "Ubah isi PK" in page and "Setujui" not in page and "Cetak" not in page
    r = client.post(f"/perjanjian/versi/{v}/ajukan")
    assert r.status_code == 302 and status_of(v) == "submitted"
    assert "Versi 1 diajukan untuk ditelaah." in text_of(client.get(r.headers["Location"]))
    # The operator cannot decide on the governor's PK, nor print it.
    assert client.post(f"/perjanjian/versi/{v}/setujui").status_code == 403
    auth.logout()

    log_in(auth, w, GOVERNOR_OFFICE)
    page = text_of(client.get(doc))
    assert "Setujui" in page and "Kembalikan" in page and "Ajukan" not in page
    before = snapshot()
    r = client.post(f"/perjanjian/versi/{v}/kembalikan", data={"notes": "   "})
    assert r.status_code == 422 and snapshot() == before
    assert "Catatan pengembalian wajib diisi." in text_of(r) and "Tuliskan apa yang perlu diperbaiki." in text_of(r)
    assert re.search(r'<details class="step-box" id="kembalikan" open>', r.get_data(as_text=True))
    r = client.post(f"/perjanjian/versi/{v}/kembalikan", data={"notes": "Tambahkan program penunjang."})
    assert r.status_code == 302 and status_of(v) == "returned"
    auth.logout()

    log_in(auth, w, A_HEAD)  # the first party himself sees the notes and submits again
    page = text_of(client.get(doc))
    assert "Dikembalikan dengan catatan: Tambahkan program penunjang." in page
    assert client.post(f"/perjanjian/versi/{v}/ajukan").status_code == 302
    auth.logout()

    log_in(auth, w, GOVERNOR_OFFICE)
    assert client.post(f"/perjanjian/versi/{v}/setujui").status_code == 302 and status_of(v) == "agreed"
    page = client.get(doc).get_data(as_text=True)
    assert '<details class="step-box" id="cetak" open>' in page and "Cetak ulang" not in page
    before = snapshot()
    r = client.post(f"/perjanjian/versi/{v}/cetak", data={"number": "", "print_date": "2026-01-30",
                                                         "signing_date": "", "place": "Sumbawa Besar"})
    assert r.status_code == 422 and snapshot() == before and status_of(v) == "agreed"
    html = r.get_data(as_text=True)
    assert re.search(r'id="number-err">Nomor perjanjian wajib diisi.', html)
    assert re.search(r'id="signing_date-err">Tanggal penandatanganan wajib diisi.', html)
    assert 'value="Sumbawa Besar"' in html and 'value="2026-01-30"' in html  # what was typed stays
    r = client.post(f"/perjanjian/versi/{v}/cetak", data={"number": "800/5/ORG/2026", "print_date": "2026-01-30",
                                                         "signing_date": "2026-01-29", "place": "Mataram"})
    assert r.status_code == 422 and "tidak boleh sebelum tanggal cetak" in text_of(r)
    r = client.post(f"/perjanjian/versi/{v}/cetak", data={"number": "800/5/ORG/2026", "print_date": "31-01-2026",
                                                         "signing_date": "2026-02-02", "place": "Mataram"})
    assert r.status_code == 422 and "Tanggal tidak valid" in text_of(r)
    r = client.post(f"/perjanjian/versi/{v}/cetak", data={"number": "800/5/ORG/2026", "print_date": "2026-01-30",
                                                         "signing_date": "2026-02-02", "place": "Mataram"})
    assert r.status_code == 302 and status_of(v) == "printed"
    page = text_of(client.get(doc))
    assert "dicetak dengan nomor 800/5/ORG/2026 (kertas A4)" in page
    version = db.session.get(AgreementVersion, v)
    db.session.refresh(version)
    assert f"SHA-256 PDF {version.printed_sha256}" in page and "Kode verifikasi" in page
    assert f'href="/verifikasi/{version.verification_code}"' in client.get(doc).get_data(as_text=True)
    pdf = client.get(f"/perjanjian/versi/{v}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == version.printed_sha256
    assert pdf.headers["Content-Disposition"] == "inline; filename=PK-2026-Dinas-Alfa-Kepala-Dinas-Alfa-v1.pdf"

    # The signing: nothing, a text file, a date after today are refused and change nothing.
    before = snapshot()
    r = client.post(f"/perjanjian/versi/{v}/tandatangani", data={"signed_date": "2026-02-02"})
    assert r.status_code == 422 and "Unggah pindaian dokumen yang sudah ditandatangani." in text_of(r)
    r = client.post(f"/perjanjian/versi/{v}/tandatangani", content_type="multipart/form-data",
                    data={"scan": (io.BytesIO(b"bukan pindaian"), "ttd.pdf"), "signed_date": "2026-02-02"})
    assert r.status_code == 422 and "Pindaian harus berupa PDF, JPG atau PNG." in text_of(r)
    r = client.post(f"/perjanjian/versi/{v}/tandatangani", content_type="multipart/form-data",
                    data={"scan": (io.BytesIO(w.scan), "ttd.pdf"), "signed_date": "2026-06-01"})
    assert r.status_code == 422 and "tidak boleh setelah hari ini" in text_of(r)
    assert snapshot() == before and status_of(v) == "printed"
    r = client.post(f"/perjanjian/versi/{v}/tandatangani", content_type="multipart/form-data",
                    data={"scan": (io.BytesIO(w.scan), "ttd.pdf"), "signed_date": "2026-02-02"})
    assert r.status_code == 302 and status_of(v) == "signed"
    got = client.get(f"/perjanjian/versi/{v}/pindaian")
    assert got.data == w.scan and got.mimetype == "application/pdf"
    assert got.headers["Content-Disposition"] == ("attachment; "
                                                  "filename=PK-2026-Dinas-Alfa-Kepala-Dinas-Alfa-v1-pindaian-ttd.pdf")
    page = text_of(client.get(doc))
    assert "Publikasikan" in page and "Buat perubahan" in page and "Cetak ulang" not in page
    assert client.post(f"/perjanjian/versi/{v}/publikasikan").status_code == 302 and status_of(v) == "published"

    # An amendment names its reason and explains itself.
    before = snapshot()
    r = client.post(f"/perjanjian/{w.ids['head']}/perubahan", data={"reason": "", "note": "singkat"})
    assert r.status_code == 422 and snapshot() == before
    html = r.get_data(as_text=True)
    assert re.search(r'id="reason-err">Pilih alasan perubahan.', html) and "singkat</textarea>" in html
    r = client.post(f"/perjanjian/{w.ids['head']}/perubahan",
                    data={"reason": "priorities", "note": "Prioritas baru RPJMD perubahan"})
    assert r.status_code == 302
    page = text_of(client.get(doc))
    assert "Versi 2 (perubahan: Perubahan prioritas/strategi) dibuat sebagai draf" in page
    assert "Versi 2 ✎ Draf" in page and "Dipublikasikan" in page
    assert fresh(select(func.count()).select_from(AgreementVersion)
                 .where(AgreementVersion.agreement_id == w.ids["head"])) == 2


def test_a_step_in_the_wrong_state_says_why_and_changes_nothing(client, auth, cw):
    w = cw
    log_in(auth, w, GOVERNOR_OFFICE)
    before = snapshot()
    cases = [
        (f"/perjanjian/versi/{w.ids['head_v']}/setujui", {}, "Hanya perjanjian yang diajukan yang dapat disetujui."),
        (f"/perjanjian/versi/{w.ids['head_v']}/kembalikan", {"notes": "x"},
         "Hanya perjanjian yang diajukan yang dapat dikembalikan."),
        (f"/perjanjian/versi/{w.ids['kabid_v']}/ajukan", {}, "Versi berstatus Diajukan tidak dapat diubah"),
        (f"/perjanjian/versi/{w.ids['kabid_v']}/cetak", PRINT_FORM,
         "Hanya perjanjian yang sudah disetujui yang dapat dicetak."),
        (f"/perjanjian/versi/{w.ids['staff2_v']}/tandatangani", {"signed_date": "2026-02-02"},
         "Penandatanganan hanya dicatat untuk perjanjian yang sudah dicetak."),
        (f"/perjanjian/versi/{w.ids['staff1_v']}/publikasikan", {},
         "Hanya perjanjian yang sudah ditandatangani yang dapat dipublikasikan."),
        (f"/perjanjian/{w.ids['staff4']}/perubahan", {"reason": "mutasi", "note": "Pergantian pejabat lagi"},
         "Perubahan hanya dapat dibuat dari versi yang sudah ditandatangani; versi 2 masih berstatus Draf."),
    ]
    for url, data, message in cases:
        r = client.post(url, data=data)
        assert r.status_code == 422, url
        assert message in text_of(r), (url, text_of(r)[:400])
        assert "Tidak ada yang diubah." in text_of(r)
    assert snapshot() == before


def test_a_step_goes_back_to_the_page_of_this_site_it_came_from(client, auth, cw):
    """The A3 pages post their buttons here with next=<their page>; another site is never a target."""
    w = cw
    log_in(auth, w, GOVERNOR_OFFICE)
    r = client.post(f"/perjanjian/versi/{w.ids['kabid_v']}/setujui", data={"next": "//contoh.example/a3"})
    assert r.status_code == 302 and r.headers["Location"] == f"/perjanjian/{w.ids['kabid']}"
    r = client.post(f"/perjanjian/versi/{w.ids['head_v']}/ajukan", data={"next": f"/a3/versi/{w.ids['head_v']}"})
    assert r.status_code == 302 and r.headers["Location"] == f"/a3/versi/{w.ids['head_v']}"


def test_the_submission_is_refused_while_the_attachment_is_empty(client, auth, cw):
    w = cw
    version = db.session.get(AgreementVersion, w.ids["head_v"])
    for row in list(version.pk_targets):
        version.pk_targets.remove(row)
    db.session.commit()
    log_in(auth, w, OPERATOR_A)
    before = snapshot()
    r = client.post(f"/perjanjian/versi/{w.ids['head_v']}/ajukan")
    assert r.status_code == 422 and snapshot() == before
    assert "Perjanjian belum dapat diajukan. Lampiran indikator kinerja masih kosong" in text_of(r)


def test_lower_levels_are_decided_by_the_superior_and_issued_by_the_operator(client, auth, cw):
    w = cw
    log_in(auth, w, A_HEAD)  # PIHAK KEDUA of the kabid's PK
    page = text_of(client.get(f"/perjanjian/{w.ids['kabid']}"))
    assert "PIHAK KEDUA Kepala Dinas Alfa Kepala Alfa" in page and "Setujui" in page
    assert client.post(f"/perjanjian/versi/{w.ids['kabid_v']}/setujui").status_code == 302
    assert client.post(f"/perjanjian/versi/{w.ids['kabid_v']}/cetak", data=PRINT_FORM).status_code == 403
    auth.logout()
    log_in(auth, w, OPERATOR_A)
    page = text_of(client.get(f"/perjanjian/{w.ids['kabid']}"))
    assert "Cetak" in page and "Setujui" not in page
    assert client.post(f"/perjanjian/versi/{w.ids['kabid_v']}/cetak", data=PRINT_FORM).status_code == 302
    assert status_of(w.ids["kabid_v"]) == "printed"
    # The names as printed: the holders on the signing date, with their NIP.
    page = text_of(client.get(f"/perjanjian/{w.ids['kabid']}"))
    assert f"Kabid Satu NIP {w.org.kabid.nip} Sebagaimana tercetak" in page
    auth.logout()
    log_in(auth, w, KABID)  # the first party reads his own PK, but takes no step on it once agreed
    page = text_of(client.get(f"/perjanjian/{w.ids['kabid']}"))
    assert "Unduh PDF versi 1" in page and "Catat penandatanganan" not in page and "Langkah" not in page


def test_a_signed_version_is_changed_by_no_page(client, auth, cw):
    """Every POST that takes a version, on a signed one, by those who could otherwise take it:
    refused, with the reason, and nothing changes (rows and files)."""
    w = cw
    v, prog = w.ids["staff3_v"], db.session.get(AgreementVersion, w.ids["staff3_v"]).pk_programmes[0].id
    attempts = [
        ("ajukan", {}), ("kembalikan", {"notes": "ubah"}), ("setujui", {}), ("cetak", PRINT_FORM),
        ("tandatangani", {"scan": (io.BytesIO(w.scan), "lain.pdf"), "signed_date": "2026-02-03"}),
        ("program", {"programme": "Program sisipan", "budget": "1", "note": ""}),
        (f"program/{prog}/ubah", {"programme": "Diubah", "budget": "1", "note": ""}),
        (f"program/{prog}/hapus", {}), ("target", {}),
    ]
    for who in (GOVERNOR_OFFICE, OPERATOR_A, ADMIN):
        log_in(auth, w, who)
        before = snapshot()
        for path, data in attempts:
            body = {k: ((io.BytesIO(w.scan), "lain.pdf") if k == "scan" else val) for k, val in data.items()}
            r = client.post(f"/perjanjian/versi/{v}/{path}", data=body, content_type="multipart/form-data")
            assert r.status_code in (403, 422), (who, path, r.status_code)
            if r.status_code == 422:
                assert "Tidak ada yang diubah." in text_of(r) or "tidak dapat diubah" in text_of(r), (who, path)
        assert snapshot() == before, who
        # The content page itself sends back to the document with the reason.
        r = client.get(f"/perjanjian/versi/{v}/program", follow_redirects=True)
        assert "berstatus Ditandatangani: isinya tidak dapat diubah; buat perubahan" in text_of(r)
        auth.logout()
    assert status_of(v) == "signed"


# ------------------------------------------------------------------ the PK list

def test_the_operator_sees_every_post_of_his_opd_and_creates_a_pk(client, auth, cw):
    w = cw
    log_in(auth, w, OPERATOR_A)
    r = client.get("/perjanjian/?tahun=2027")
    page = text_of(r)
    assert "Perjanjian Kinerja 2027: Dinas Alfa" in page
    for level in ("Gubernur – Kepala Perangkat Daerah", "Kepala Perangkat Daerah – Administrator (eselon III)",
                  "Pengawas – Staf"):
        assert level in page
    assert page.count("Buat PK") >= 6 and "Badan Beta" not in page
    r = client.post("/perjanjian/baru", data={"position": w.ids["kabid_post"], "year": "2027"})
    agreement = db.session.scalar(select(Agreement).where(Agreement.year == 2027))
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/perjanjian/{agreement.id}")
    assert agreement.second_position_id == w.org.a_head.position.id
    assert "Kartu kinerja pihak pertama tahun ini belum ada" in text_of(client.get(r.headers["Location"]))
    again = client.post("/perjanjian/baru", data={"position": w.ids["kabid_post"], "year": "2027"},
                        follow_redirects=True)
    assert "Perjanjian Kinerja 2027 untuk jabatan ini sudah ada." in text_of(again)
    assert fresh(select(func.count()).select_from(Agreement).where(Agreement.year == 2027)) == 1
    page = text_of(client.get("/perjanjian/?tahun=2026"))
    assert "Ditandatangani versi 1" in page and "Draf versi 2" in page  # staff4: amended after publishing
    # A 2026 PK made on the page takes its targets from the scorecard.
    db.session.delete(db.session.get(Agreement, w.ids["staff1"]))
    db.session.commit()
    r = client.post("/perjanjian/baru", data={"position": w.org.staff1.position.id, "year": "2026"},
                    follow_redirects=True)
    assert "1 indikator diambil dari kartu kinerja." in text_of(r)
    assert client.get(f"/perjanjian/?opd={w.ids['opd_b']}").status_code == 403


def test_the_governors_office_sees_every_opd_at_a_glance(client, auth, cw):
    log_in(auth, cw, GOVERNOR_OFFICE)
    page = text_of(client.get("/perjanjian/?tahun=2026"))
    assert "Dinas Alfa" in page and "Badan Beta" in page and "Semua OPD (ringkasan)" in page
    assert "✎ Draf 2" in page and "✔ Ditandatangani 1" in page and "→ Diajukan 1" in page


def test_the_kabid_sees_his_own_pk_and_those_of_his_staff(client, auth, cw):
    w = cw
    log_in(auth, w, KABID)
    page = text_of(client.get("/perjanjian/?tahun=2026"))
    assert "Kepala Bidang Satu" in page and "Analis" in page and "Pengadministrasi" in page
    assert "Pranata Komputer" in page and "Arsiparis" in page and "Gubernur – Kepala Perangkat Daerah" not in page
    assert "Buat PK" not in page  # his own and theirs exist in 2026
    assert "Buat PK" in text_of(client.get("/perjanjian/?tahun=2027"))  # his own only, in 2027
    r = client.post("/perjanjian/baru", data={"position": w.org.staff1.position.id, "year": "2027"})
    assert r.status_code == 403
    assert client.get(f"/perjanjian/?opd={w.ids['opd_a']}").status_code == 403


# ------------------------------------------------------------------ the PK's content

def test_programmes_are_added_changed_and_removed_with_clear_refusals(client, auth, cw):
    w = cw
    v = w.ids["head_v"]
    log_in(auth, w, A_HEAD)
    page = text_of(client.get(f"/perjanjian/versi/{v}/program"))
    assert "Jumlah layanan digital" in page and "Program Transformasi Digital 1.250.000.000" in page
    assert "Ambil ulang dari kartu kinerja" in page and "Jumlah anggaran 1.250.000.000" in page
    before = snapshot()
    r = client.post(f"/perjanjian/versi/{v}/program", data={"programme": "Program Kearsipan", "budget": "satu juta",
                                                           "note": "APBD"})
    assert r.status_code == 422 and snapshot() == before
    html = r.get_data(as_text=True)
    assert re.search(r'id="budget-err">Anggaran harus berupa angka rupiah', html)
    assert 'value="Program Kearsipan"' in html and 'value="satu juta"' in html
    r = client.post(f"/perjanjian/versi/{v}/program", data={"programme": "", "budget": "-5", "note": ""})
    assert r.status_code == 422 and "Nama program/kegiatan wajib diisi." in text_of(r)
    assert "Anggaran harus 0 atau lebih." in text_of(r) and snapshot() == before
    r = client.post(f"/perjanjian/versi/{v}/program", data={"programme": "Program Kearsipan", "budget": "Rp 75.000.000",
                                                           "note": ""})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/perjanjian/versi/{v}/program#program")
    assert fresh(select(PkProgramme.budget).where(PkProgramme.programme == "Program Kearsipan")) == D(75000000)
    prog = w.ids["head_prog"]
    form = client.get(f"/perjanjian/versi/{v}/program/{prog}/ubah").get_data(as_text=True)
    assert 'value="1.250.000.000"' in form
    r = client.post(f"/perjanjian/versi/{v}/program/{prog}/ubah", data={"programme": "Program Transformasi Digital",
                                                                      "budget": "1.500.000.000,50", "note": ""})
    assert r.status_code == 302
    assert fresh(select(PkProgramme.budget).where(PkProgramme.id == prog)) == D("1500000000.50")
    page = text_of(client.get(f"/perjanjian/versi/{v}/program"))
    assert "Jumlah anggaran 1.575.000.000,50" in page
    r = client.post(f"/perjanjian/versi/{v}/program/{prog}/hapus")
    assert r.status_code == 302
    assert fresh(select(func.count()).select_from(PkProgramme).where(PkProgramme.id == prog)) == 0
    # Another version's programme is not reached through this one.
    other = db.session.get(AgreementVersion, w.ids["staff2_v"]).pk_programmes[0].id
    assert client.post(f"/perjanjian/versi/{v}/program/{other}/hapus").status_code == 404
    # Targets taken again: the rows are replaced by the scorecard's.
    db.session.get(AgreementVersion, v).pk_targets[0].target = D(1)
    db.session.commit()
    r = client.post(f"/perjanjian/versi/{v}/target")
    assert r.status_code == 302
    assert fresh(select(PkTarget.target).where(PkTarget.version_id == v)) == D(120)


def test_content_of_a_submitted_version_is_not_changed(client, auth, cw):
    w = cw
    v = w.ids["kabid_v"]
    log_in(auth, w, OPERATOR_A)
    r = client.get(f"/perjanjian/versi/{v}/program", follow_redirects=True)
    assert "Versi 1 berstatus Diajukan: isinya tidak dapat diubah." in text_of(r)
    before = snapshot()
    r = client.post(f"/perjanjian/versi/{v}/program", data={"programme": "Program baru", "budget": "10", "note": ""})
    assert r.status_code == 422 and snapshot() == before
    html = r.get_data(as_text=True)
    assert "Versi berstatus Diajukan tidak dapat diubah; hanya draf atau versi yang dikembalikan." in text_of(r)
    assert 'value="Program baru"' in html
    r = client.post(f"/perjanjian/versi/{v}/target")
    assert r.status_code == 422 and snapshot() == before


def test_an_a3_agreement_is_shown_by_its_sections(client, auth, cw):
    w = cw
    agreement = cs.create(None, DocumentKind.A3, 2026, w.org.a_head.position)
    a3_content.prefill(agreement.latest)
    db.session.commit()
    log_in(auth, w, OPERATOR_A)
    r = client.get(f"/perjanjian/{agreement.id}")
    page = text_of(r)
    assert "Perjanjian A3 2026: Kepala Dinas Alfa" in page
    for section in ("Attitude — komitmen sikap", "Attention — program prioritas", "Action — indikator"):
        assert section in page
    assert "IKU-01 Jumlah layanan digital" in page and "Desember" in page
    assert f'href="/a3/versi/{agreement.latest.id}"' in r.get_data(as_text=True)
    # The PK content pages are not for an A3.
    assert client.get(f"/perjanjian/versi/{agreement.latest.id}/program").status_code == 404


def test_an_a3_agreement_is_printed_on_the_paper_chosen(client, auth, cw):
    w = cw
    agreement = cs.create(None, DocumentKind.A3, 2026, w.org.a_head.position)
    version = agreement.latest
    a3_content.prefill(version)
    cs.submit(None, version)
    cs.agree(None, version)
    db.session.commit()
    log_in(auth, w, GOVERNOR_OFFICE)
    html = client.get(f"/perjanjian/{agreement.id}").get_data(as_text=True)
    assert '<option selected value="A3">A3 (lanskap)</option>' in html and 'value="A4">A4 (lanskap)' in html
    before = snapshot()
    r = client.post(f"/perjanjian/versi/{version.id}/cetak", data={**PRINT_FORM, "paper": "A5"})
    assert r.status_code == 422 and "Ukuran kertas harus A3 atau A4." in text_of(r) and snapshot() == before
    r = client.post(f"/perjanjian/versi/{version.id}/cetak", data={**PRINT_FORM, "paper": "A4"})
    assert r.status_code == 302
    assert fresh(select(AgreementVersion.printed_paper).where(AgreementVersion.id == version.id)) == "A4"
    assert "(kertas A4)" in text_of(client.get(r.headers["Location"]))


# ------------------------------------------------------------------ comparing and the files

def test_two_versions_side_by_side(client, auth, cw):
    w = cw
    log_in(auth, w, KABID)
    r = client.get(f"/perjanjian/{w.ids['staff4']}/bandingkan")  # defaults: the latest against the one before
    assert r.status_code == 200
    page = text_of(r)
    assert "Bandingkan versi 1 dan 2" in page
    assert "± 1 diubah + 1 ditambah − 0 dihapus = 1 sama" in page
    assert "Indikator kinerja — tidak ada perubahan" in page
    assert "± Diubah" in page and "+ Ditambah" in page and "Belum ada di versi ini" in page
    assert "1.250.000.000 (diganti)" in page and "1.400.000.000 (baru)" in page
    one = text_of(client.get(f"/perjanjian/{w.ids['staff1']}/bandingkan"))
    assert "baru memiliki satu versi" in one
    reverse = text_of(client.get(f"/perjanjian/{w.ids['staff4']}/bandingkan?dari=2&ke=1"))
    assert "− Dihapus" in reverse and "Tidak ada lagi di versi ini" in reverse


def test_files_that_are_not_there_are_404(client, auth, cw):
    w = cw
    log_in(auth, w, GOVERNOR_OFFICE)
    assert client.get(f"/perjanjian/versi/{w.ids['head_v']}/pdf").status_code == 404
    assert client.get(f"/perjanjian/versi/{w.ids['staff1_v']}/pindaian").status_code == 404
    key = db.session.get(AgreementVersion, w.ids["staff1_v"]).printed_key
    os.remove(storage.path_of(key))
    r = client.get(f"/perjanjian/versi/{w.ids['staff1_v']}/pdf")
    assert r.status_code == 404 and "tidak ditemukan di penyimpanan" in r.get_data(as_text=True)
    assert client.get("/perjanjian/999999").status_code == 404


def test_a_jpeg_scan_is_sent_as_a_jpeg(client, auth, cw):
    w = cw
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 64
    log_in(auth, w, OPERATOR_A)
    r = client.post(f"/perjanjian/versi/{w.ids['staff1_v']}/tandatangani", content_type="multipart/form-data",
                    data={"scan": (io.BytesIO(jpeg), "foto.JPG"), "signed_date": SIGNING.isoformat()})
    assert r.status_code == 302
    got = client.get(f"/perjanjian/versi/{w.ids['staff1_v']}/pindaian")
    assert got.data == jpeg and got.mimetype == "image/jpeg"
    assert got.headers["Content-Disposition"].endswith("-Analis-v1-pindaian-ttd.jpg")


def test_pages_are_in_indonesian_and_fit_a_phone(client, auth, cw):
    """Tables become cards on phones: every cell of every table carries its label."""
    w = cw
    log_in(auth, w, GOVERNOR_OFFICE)
    for url in (f"/perjanjian/{w.ids['staff4']}", f"/perjanjian/{w.ids['staff4']}/bandingkan",
                "/perjanjian/?opd={opd_a}".format(**w.ids), f"/perjanjian/versi/{w.ids['head_v']}/program"):
        html = client.get(url).get_data(as_text=True)
        assert 'class="stack' in html, url
        for cell in re.findall(r"<td(?![^>]*data-label)[^>]*>", html):
            assert "colspan" in cell or "total-" in cell, (url, cell)
