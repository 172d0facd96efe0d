"""PPID pages of the Daftar Informasi Publik and of the periodic reports (ekinerja/public/dip_views.py).

ROUTES_COVERED lists the staff routes with who may reach them, in the shape of tests/test_access.py:
the OPD's operator and head keep their OPD's reports, the governor's office and the administrator
every OPD's; a unit head below the OPD, staff, the auditor and another OPD are refused. PUBLIC_RULES
are the two pages without login; this module proves they show only what is published, never a
draft, a NIP or an evidence file. "Today" is 4 May 2026 (tests/realisations/conftest.py).
"""
from __future__ import annotations

import io
import re

import pytest

from ekinerja.extensions import db
from ekinerja.public import dip
from ekinerja.public.dip_models import PeriodicReport, ReportStatus
from tests.kit import is_login_redirect, snapshot, text_of
from tests.public.test_dip import agreements, entry, pdf_bytes  # noqa: F401
from tests.contracts.conftest import iku, people, realise, scan, today  # noqa: F401

STAFF1, KABID, A_HEAD, B_HEAD, B_STAFF = "staff1", "kabid", "a_head", "b_head", "b_staff"
OP_A, OP_B, GOV, ADMIN, AUDITOR = "op_a", "op_b", "gov", "admin", "auditor"
IDENTITIES = [STAFF1, KABID, A_HEAD, B_HEAD, B_STAFF, OP_A, OP_B, GOV, ADMIN, AUDITOR]
KEEPERS = frozenset({A_HEAD, B_HEAD, OP_A, OP_B, GOV, ADMIN})      # some OPD's reports
A_KEEPERS = frozenset({A_HEAD, OP_A, GOV, ADMIN})                  # OPD A's reports

ROUTES_COVERED: dict[str, list[tuple[str, str, frozenset[str]]]] = {
    "ppid.reports": [("GET", "/ppid/laporan", KEEPERS), ("GET", "/ppid/laporan?tahun=2026", KEEPERS)],
    "ppid.report_new": [("GET", "/ppid/laporan/baru", KEEPERS), ("POST", "/ppid/laporan/baru", KEEPERS)],
    "ppid.report_edit": [("GET", "/ppid/laporan/{draft}", A_KEEPERS), ("POST", "/ppid/laporan/{draft}", A_KEEPERS)],
    "ppid.report_publish": [("POST", "/ppid/laporan/{draft}/publikasikan", A_KEEPERS)],
    "ppid.report_withdraw": [("POST", "/ppid/laporan/{published}/tarik", A_KEEPERS)],
    "ppid.report_draft_file": [("GET", "/ppid/laporan/{draft}/berkas.pdf", A_KEEPERS)],
}
PUBLIC_RULES = {"/ppid/", "/ppid/berkala/<int:report_id>.pdf"}
ALL_ROUTES = [(endpoint, *route) for endpoint, routes in ROUTES_COVERED.items() for route in routes]
MY_ENDPOINTS = {"ppid.dip_index", "ppid.report_file", *ROUTES_COVERED}


def form_data(w, **kw) -> dict:
    data = {"opd": w["opd_a"], "year": "2026", "quarter": "2", "title": "Laporan Kinerja Triwulan II 2026",
            "summary": "Ringkasan capaian triwulan kedua.", "responsible_name": "Kepala Alfa",
            "responsible_position": "Kepala Dinas Alfa", "made_place": "Mataram", "made_date": "2026-04-20",
            "form_available": "Softcopy (PDF)", "retention": "5 tahun", "number": ""}
    data.update(kw)
    return data


@pytest.fixture
def world(org, people):
    """OPD A: TW I published (with its file), TW III a draft with a file; OPD B: TW I a draft."""
    published = dip.create(people.op_a, org.a, entry(1, title="Laporan Terbit Alfa"))
    dip.attach_file(people.op_a, published, pdf_bytes("terbit"), "terbit.pdf")
    dip.publish(people.op_a, published)
    draft = dip.create(people.op_a, org.a, entry(3, title="Draf Rahasia Alfa"))
    dip.attach_file(people.op_a, draft, pdf_bytes("draf"), "draf.pdf")
    b_draft = dip.create(people.op_b, org.b, entry(1, title="Draf Rahasia Beta"))
    db.session.commit()
    w = {name: getattr(people, name).username for name in IDENTITIES}
    w.update(published=published.id, draft=draft.id, b_draft=b_draft.id, opd_a=org.a.id, opd_b=org.b.id,
             a_code=org.a.code)
    return w


def post_data(path: str, w) -> dict:
    if path == "/ppid/laporan/baru":
        return form_data(w)
    if path == "/ppid/laporan/{draft}":
        return form_data(w, quarter="3", title="Diubah oleh yang tidak berhak")
    return {}


# ------------------------------------------------------------------ access

def test_every_route_of_mine_is_listed(app):
    adapter = app.url_map.bind("localhost")
    listed = set()
    for endpoint, method, path, _ in ALL_ROUTES:
        rule, _ = adapter.match(re.sub(r"{\w+}", "1", path.split("?")[0]), method=method, return_rule=True)
        assert rule.endpoint == endpoint
        listed.add((method, rule.rule))
    mine = {(m, rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint in MY_ENDPOINTS
            for m in rule.methods - {"HEAD", "OPTIONS"} if rule.rule not in PUBLIC_RULES}
    assert mine == listed
    public = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint in {"ppid.dip_index", "ppid.report_file"}}
    assert public == PUBLIC_RULES


def test_anonymous_is_sent_to_log_in(client, world):
    before = snapshot()
    for _, method, path, _ in ALL_ROUTES:
        url = path.format(**world)
        r = client.get(url) if method == "GET" else client.post(url, data=post_data(path, world))
        assert is_login_redirect(r), url
    assert snapshot() == before


@pytest.mark.parametrize("endpoint, method, path, allowed", [r for r in ALL_ROUTES if r[1] == "GET"],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_get(client, auth, world, endpoint, method, path, allowed):
    url = path.format(**world)
    for who in IDENTITIES:
        assert auth.login(world[who]).status_code == 302
        r = client.get(url)
        expected = 200 if who in allowed else 403
        assert r.status_code == expected, f"{who} GET {url}: {r.status_code}, expected {expected}"
        auth.logout()


@pytest.mark.parametrize("endpoint, method, path, allowed", [r for r in ALL_ROUTES if r[1] == "POST"],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_refused_posts_change_nothing(client, auth, world, endpoint, method, path, allowed):
    url = path.format(**world)
    for who in IDENTITIES:
        if who in allowed:
            continue
        assert auth.login(world[who]).status_code == 302
        before = snapshot()  # after logging in (which notes the login)
        r = client.post(url, data=post_data(path, world), content_type="multipart/form-data")
        assert r.status_code == 403, f"{who} POST {url}: {r.status_code}"
        assert snapshot() == before, f"{who} POST {url} changed something"
        auth.logout()


def test_another_opds_operator_cannot_create_for_opd_a(client, auth, world):
    auth.login(world[OP_B])
    before = snapshot()
    r = client.post("/ppid/laporan/baru", data=form_data(world))   # OPD A was never offered to him
    assert r.status_code == 403 and snapshot() == before
    assert client.get(f"/ppid/laporan/{world['draft']}").status_code == 403
    assert client.get(f"/ppid/laporan/{world['b_draft']}").status_code == 200


def test_unknown_report_is_404(client, auth, world):
    auth.login(world[GOV])
    assert client.get("/ppid/laporan/999999").status_code == 404
    assert client.get(f"/ppid/laporan/{world['b_draft']}/berkas.pdf").status_code == 404  # no file yet


def test_menu_entry_for_those_who_keep_reports(client, auth, world):
    for who in IDENTITIES:
        auth.login(world[who])
        html = client.get("/").get_data(as_text=True)
        assert ('data-menu="ppid_reports"' in html) == (who in KEEPERS), who
        auth.logout()


# ------------------------------------------------------------------ the staff pages

def test_list_shows_own_opd_only(client, auth, world):
    auth.login(world[OP_A])
    text = text_of(client.get("/ppid/laporan?tahun=2026"))
    assert "Laporan Terbit Alfa" in text and "Draf Rahasia Alfa" in text and "Draf Rahasia Beta" not in text
    assert "Dipublikasikan" in text and "Draf" in text and "Dinas Alfa · TW II 2026" in text  # not yet made
    auth.logout()
    auth.login(world[GOV])
    text = text_of(client.get("/ppid/laporan?tahun=2026"))
    assert "Draf Rahasia Beta" in text and "Draf Rahasia Alfa" in text


def test_create_with_file_then_publish(client, auth, world):
    auth.login(world[A_HEAD])
    page = client.get("/ppid/laporan/baru?tahun=2026&triwulan=2")
    assert page.status_code == 200 and 'value="Kepala Alfa"' in page.get_data(as_text=True)  # the OPD head offered
    data = form_data(world, file=(io.BytesIO(pdf_bytes("tw2")), "Laporan TW2.pdf"))
    r = client.post("/ppid/laporan/baru", data=data, content_type="multipart/form-data")
    assert r.status_code == 302
    report = db.session.query(PeriodicReport).filter_by(opd_id=world["opd_a"], quarter=2).one()
    assert r.headers["Location"].endswith(f"/ppid/laporan/{report.id}")
    assert report.status == ReportStatus.DRAFT and report.file_name == "Laporan TW2.pdf"
    assert client.get(f"/ppid/berkala/{report.id}.pdf").status_code == 404          # a draft: not public
    assert client.get(f"/ppid/laporan/{report.id}/berkas.pdf").status_code == 200    # but its keepers see it
    r = client.post(f"/ppid/laporan/{report.id}/publikasikan", follow_redirects=True)
    assert "dipublikasikan dan masuk Daftar Informasi Publik" in text_of(r)
    db.session.refresh(report)
    assert report.is_published
    pdf = client.get(f"/ppid/berkala/{report.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")


def test_the_governors_office_picks_the_opd(client, auth, world):
    auth.login(world[GOV])
    html = client.get("/ppid/laporan/baru").get_data(as_text=True)
    assert "— pilih perangkat daerah —" in html and "Dinas Alfa" in html and "Badan Beta" in html
    r = client.post("/ppid/laporan/baru", data=form_data(world, opd=""))
    assert r.status_code == 422 and "Pilih perangkat daerah." in text_of(r)
    r = client.post("/ppid/laporan/baru", data=form_data(world, opd=world["opd_b"]))
    assert r.status_code == 302
    assert db.session.query(PeriodicReport).filter_by(opd_id=world["opd_b"], quarter=2).one().title


def test_bad_input_keeps_what_was_typed(client, auth, world):
    auth.login(world[OP_A])
    before = snapshot()
    data = form_data(world, title="", made_date="", summary="Ringkasan yang tidak boleh hilang",
                     file=(io.BytesIO(b"GIF89a bukan pdf"), "laporan.pdf"))
    r = client.post("/ppid/laporan/baru", data=data, content_type="multipart/form-data")
    text = text_of(r)
    assert r.status_code == 422 and snapshot() == before
    assert "Judul wajib diisi." in text and "Tanggal pembuatan wajib diisi." in text
    assert "Ringkasan yang tidak boleh hilang" in r.get_data(as_text=True)
    data = form_data(world, file=(io.BytesIO(b"GIF89a bukan pdf"), "laporan.pdf"))
    r = client.post("/ppid/laporan/baru", data=data, content_type="multipart/form-data")
    assert r.status_code == 422 and "Isi berkas bukan PDF" in text_of(r) and "Pilih kembali berkas PDF" in text_of(r)
    assert snapshot() == before                        # the report was not kept without its file either
    r = client.post("/ppid/laporan/baru", data=form_data(world, quarter="1"))
    assert r.status_code == 422 and "Laporan TW I 2026 Dinas Alfa sudah ada" in text_of(r)


def test_publish_without_file_is_refused_with_a_message(client, auth, world):
    auth.login(world[OP_B])
    r = client.post(f"/ppid/laporan/{world['b_draft']}/publikasikan", follow_redirects=True)
    assert "Unggah berkas PDF laporan sebelum mempublikasikannya." in text_of(r)
    assert db.session.get(PeriodicReport, world["b_draft"]).status == ReportStatus.DRAFT


def test_edit_and_withdraw(client, auth, world):
    auth.login(world[OP_A])
    r = client.post(f"/ppid/laporan/{world['draft']}", data=form_data(world, quarter="3", title="Judul Diperbaiki"))
    assert r.status_code == 302
    assert db.session.get(PeriodicReport, world["draft"]).title == "Judul Diperbaiki"
    page = text_of(client.get(f"/ppid/laporan/{world['published']}"))
    assert "Tarik kembali menjadi draf" in page and "SHA-256" in page
    r = client.post(f"/ppid/laporan/{world['published']}", data=form_data(world, quarter="1", title="Diam-diam"))
    assert r.status_code == 422 and "tarik kembali dulu" in text_of(r)
    r = client.post(f"/ppid/laporan/{world['published']}/tarik", follow_redirects=True)
    assert "tidak lagi tampil di Daftar Informasi Publik" in text_of(r)
    assert client.get(f"/ppid/berkala/{world['published']}.pdf").status_code == 404


# ------------------------------------------------------------------ the public pages

def test_public_dip_shows_published_only(client, world, agreements):  # noqa: F811
    version, hidden = agreements
    r = client.get("/ppid/")
    html, text = r.get_data(as_text=True), text_of(r)
    assert r.status_code == 200 and "Daftar Informasi Publik" in text
    assert "Laporan Terbit Alfa" in text and "Perjanjian Kinerja Tahun 2026" in text
    assert f'href="/ppid/berkala/{world["published"]}.pdf"' in html
    assert f'href="/verifikasi/{version.verification_code}/dokumen.pdf"' in html
    for secret in ("Draf Rahasia", f"/ppid/berkala/{world['draft']}.pdf", hidden.verification_code, "/bukti/"):
        assert secret not in html, secret
    assert not re.search(r"\d{18}", html)             # no NIP at all
    for field in ("Pejabat/unit yang menguasai", "Penanggung jawab", "Waktu dan tempat pembuatan", "Bentuk informasi",
                  "Jangka waktu penyimpanan"):
        assert field in text
    assert client.get(f"/verifikasi/{version.verification_code}/dokumen.pdf").status_code == 200


def test_public_filters_and_search(client, world, agreements):  # noqa: F811
    text = text_of(client.get("/ppid/?kategori=berkala"))
    assert "1 informasi ditemukan" in text and "Laporan Terbit Alfa" in text and "Perjanjian Kinerja Tahun" not in text
    text = text_of(client.get(f"/ppid/?opd={world['a_code']}&tahun=2026&kategori=pk"))
    assert "1 informasi ditemukan" in text and "Perjanjian Kinerja Tahun 2026" in text
    assert "0 informasi ditemukan" in text_of(client.get("/ppid/?tahun=2025"))
    assert "0 informasi ditemukan" in text_of(client.get("/ppid/?q=Rahasia"))
    text = text_of(client.get("/ppid/?q=terbit"))
    assert "1 informasi ditemukan" in text and "Laporan Terbit Alfa" in text
    r = client.get("/ppid/?opd=tidak-ada&tahun=abc&kategori=lain&page=x")    # nonsense: ignored
    assert r.status_code == 200 and "2 informasi ditemukan" in text_of(r)


def test_public_pages_are_cacheable_with_etag(client, world, auth):
    r = client.get("/ppid/")
    assert r.cache_control.public and r.cache_control.max_age == 300 and r.headers.get("ETag")
    again = client.get("/ppid/", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    auth.login(world[GOV])
    mine = client.get("/ppid/")
    assert mine.cache_control.private and not mine.cache_control.public and mine.headers["ETag"] != r.headers["ETag"]


def test_public_file_of_a_draft_or_unknown_is_404(client, world):
    assert client.get(f"/ppid/berkala/{world['draft']}.pdf").status_code == 404
    assert client.get(f"/ppid/berkala/{world['b_draft']}.pdf").status_code == 404
    assert client.get("/ppid/berkala/999999.pdf").status_code == 404
    r = client.get(f"/ppid/berkala/{world['published']}.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF-") and b"draf" not in r.data.lower()


def test_public_pages_need_no_login_and_show_no_menu(client, world):
    for path in ("/ppid/", f"/ppid/berkala/{world['published']}.pdf"):
        assert client.get(path).status_code == 200
    assert "Keluar" not in client.get("/ppid/").get_data(as_text=True)
