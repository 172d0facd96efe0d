"""The realisation endpoints of /api/v1 (api.md "Realisations"): the whole workflow through the
API, every refusal with its status code, and that a refused call changes nothing (read again from
the database on a connection of its own). Every answer is checked against the OpenAPI document.

The `iku` cascade (tests/bsc/conftest.py): staff1 and staff2 each carry an indicator (max, sum,
60 a year) under their bidang's; the kabid approves theirs. "Today" is 2026-05-04 (the `today`
fixture): April is open until 10 May, March closed on 10 April. Staff1 entering 22.5 in April
against the year-to-date target 60·4/12 = 20 is green; 1 is red.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from ekinerja.audit.models import AuditEntry
from ekinerja.auth.permissions import can_scorecard
from ekinerja.bsc import services as bsc
from ekinerja.bsc.models import OwnerKind, Realisation, RealisationStatus
from ekinerja.extensions import db
from ekinerja.realisations import periods
from tests.realisations.conftest import people, today  # noqa: F401  (the workflow's fixtures)
from tests.kit import snapshot

ENTRY = "/indicators/{indicator_id}/realisations/{year}/{month}"
LIST, MINE = "/realisations", "/me/indicators"
SUBMIT, APPROVE, RETURN = ("/realisations/{realisation_id}/submit", "/realisations/{realisation_id}/approve",
                           "/realisations/{realisation_id}/return")
EVIDENCE, DOWNLOAD = "/realisations/{realisation_id}/evidence", "/evidence/{evidence_id}"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SUBMITTED, APPROVED = RealisationStatus.SUBMITTED, RealisationStatus.APPROVED

RULE = "/api/v1/indicators/<int:indicator_id>/realisations/<int:year>/<int:month>"
API_ACCESS_TESTS = {
    ("GET", "/api/v1/me/indicators"): "tests/api/test_realisations.py::test_my_indicators_*, test_no_token_is_401",
    ("GET", "/api/v1/realisations"): "tests/api/test_realisations.py::test_each_caller_sees_what_bsc_view_allows",
    ("PUT", RULE): "tests/api/test_realisations.py::test_wrong_person_or_other_opd_cannot_enter",
    ("POST", "/api/v1/realisations/<int:realisation_id>/submit"):
        "tests/api/test_realisations.py::test_wrong_person_or_other_opd_cannot_enter",
    ("POST", "/api/v1/realisations/<int:realisation_id>/approve"):
        "tests/api/test_realisations.py::test_only_the_superior_decides",
    ("POST", "/api/v1/realisations/<int:realisation_id>/return"):
        "tests/api/test_realisations.py::test_only_the_superior_decides",
    ("POST", "/api/v1/realisations/<int:realisation_id>/evidence"):
        "tests/api/test_realisations.py::test_wrong_person_or_other_opd_cannot_enter",
    ("GET", "/api/v1/evidence/<int:evidence_id>"): "tests/api/test_realisations.py::test_evidence_download_access",
}


class Caller:
    """Any method on a path of the OpenAPI document, its {placeholders} filled from `path`;
    the answer is checked against the document (tests/api/conftest.Api)."""

    def __init__(self, api):
        self.api = api

    def __call__(self, method: str, template: str, headers=None, path=None, **kwargs):
        url = "/api/v1" + template.format(**(path or {}))
        response = self.api.client.open(url, method=method, headers=headers or {}, **kwargs)
        return self.api._checked(response, template, method.lower())

    def put(self, indicator, month, headers, body, year=2026, **kwargs):
        return self("PUT", ENTRY, headers, {"indicator_id": indicator.id, "year": year, "month": month},
                    json=body, **kwargs)

    def step(self, template, realisation_id, headers, body=None, **kwargs):
        return self("POST", template, headers, {"realisation_id": realisation_id}, json=body, **kwargs)

    def upload(self, realisation_id, headers, data=PDF, name="bukti.pdf", version=None):
        form = {"file": (io.BytesIO(data), name)}
        if version is not None:
            form["version"] = str(version)
        return self("POST", EVIDENCE, headers, {"realisation_id": realisation_id}, data=form,
                    content_type="multipart/form-data")


@pytest.fixture
def call(api):
    return Caller(api)


@pytest.fixture
def tokens(people, token_of):
    """Authorization headers of everyone in `people`, made before any snapshot is taken."""
    out = {name: token_of(user) for name, user in vars(people).items()}
    db.session.commit()
    return out


def en(headers: dict) -> dict:
    return {**headers, "Accept-Language": "en"}


def stored(realisation_id: int) -> tuple | None:
    """(value, status, version, reason) as committed."""
    with db.engine.connect() as conn:
        row = conn.execute(select(Realisation.value, Realisation.status, Realisation.version, Realisation.reason)
                           .where(Realisation.id == realisation_id)).first()
    return None if row is None else (None if row[0] is None else format(row[0].normalize(), "f"),
                                     RealisationStatus(row[1]), row[2], row[3])


def files_in_storage(app) -> list[Path]:
    root = Path(app.config["STORAGE_PATH"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def error(r) -> dict:
    return r.get_json()["error"]


# ---------------------------------------------------------------- the whole workflow

def test_the_whole_workflow_through_the_api(app, call, iku, people, tokens, org):
    staff, kabid = tokens["staff1"], tokens["kabid"]
    r = call.put(iku.s1, 4, staff, {"value": "22,5", "note": "Layanan baru"})
    assert r.status_code == 201, r.get_json()
    data = r.get_json()["data"]
    rid = data["id"]
    assert (data["status"], data["version"], data["value"], data["note"]) == ("draft", 1, "22.5", "Layanan baru")
    assert (data["year"], data["month"], data["indicator"]["id"]) == (2026, 4, iku.s1.id)
    assert data["owner"] == {"kind": "employee", "nip": org.staff1.nip, "name": "Staf Satu", "opd": org.a.code,
                             "position": "Analis"}
    assert data["computed"] == {"month": 4, "target": "20", "target_high": None, "realisation": "22.5",
                                "achievement": "112.50", "score": "112.50", "colour": "green",
                                "missing_months": [1, 2, 3], "coverage": "100.00"}

    # a change keeps what is not sent (the note), and raises the version
    r = call.put(iku.s1, 4, staff, {"value": "23", "version": 1})
    assert r.status_code == 200
    assert (r.get_json()["data"]["value"], r.get_json()["data"]["note"], r.get_json()["data"]["version"]) == \
        ("23", "Layanan baru", 2)

    r = call.upload(rid, staff, version=2)
    assert r.status_code == 201, r.get_json()
    added = r.get_json()["data"]
    assert added["realisation"]["version"] == 3
    assert added["evidence"]["name"] == "bukti.pdf" and added["evidence"]["content_type"] == "application/pdf"
    assert added["evidence"]["size"] == len(PDF)
    assert added["evidence"]["url"] == f"/api/v1/evidence/{added['evidence']['id']}"
    assert added["realisation"]["evidence"] == [added["evidence"]]

    r = call.step(SUBMIT, rid, staff, {"version": 3})
    assert r.status_code == 200 and r.get_json()["data"]["status"] == "submitted"
    assert r.get_json()["data"]["version"] == 4 and r.get_json()["data"]["submitted_at"]

    # the superior finds it among what waits, and returns it with a comment
    r = call("GET", LIST, kabid, query_string={"year": 2026, "month": 4, "status": "submitted"})
    assert [i["id"] for i in r.get_json()["data"]] == [rid]
    r = call.step(RETURN, rid, kabid, {"version": 4, "comment": "Lampirkan daftar layanannya"})
    assert r.status_code == 200
    assert (r.get_json()["data"]["status"], r.get_json()["data"]["version"]) == ("returned", 5)

    # the owner sees the comment and corrects: a draft again
    [mine] = call("GET", LIST, staff, query_string={"year": 2026, "month": 4}).get_json()["data"]
    assert mine["return_comment"] == "Lampirkan daftar layanannya" and mine["status"] == "returned"
    r = call.put(iku.s1, 4, staff, {"value": "24", "version": 5})
    assert (r.get_json()["data"]["status"], r.get_json()["data"]["version"]) == ("draft", 6)
    assert call.step(SUBMIT, rid, staff, {"version": 6}).status_code == 200
    r = call.step(APPROVE, rid, kabid, {"version": 7})
    assert r.status_code == 200
    approved = r.get_json()["data"]
    assert (approved["status"], approved["version"], approved["decided_at"] is not None) == ("approved", 8, True)
    assert stored(rid) == ("24", APPROVED, 8, None)

    # the scorecard's official figure is the approved value, as the realisation's `computed` says
    card = call("GET", "/scorecards/{scorecard_id}", kabid, {"scorecard_id": iku.s1.scorecard_id},
                query_string={"month": 4}).get_json()["data"]
    indicator = card["perspectives"][0]["objectives"][0]["indicators"][0]
    assert indicator["computed"] == approved["computed"]
    assert indicator["computed"]["realisation"] == "24" and indicator["computed"]["colour"] == "green"

    # every change is in the audit trail, by the user of the token
    with db.engine.connect() as conn:
        changes = conn.execute(select(AuditEntry.field, AuditEntry.new_value, AuditEntry.actor_label)
                               .where(AuditEntry.entity == "realisation", AuditEntry.entity_id == str(rid),
                                      AuditEntry.field == "status")).all()
    assert [(c.new_value, c.actor_label) for c in changes] == [
        ("draft", org.staff1.nip), ("submitted", org.staff1.nip), ("returned", org.kabid.nip),
        ("draft", org.staff1.nip), ("submitted", org.staff1.nip), ("approved", org.kabid.nip)]


def test_an_operator_enters_on_behalf_and_evidence_makes_a_returned_value_a_draft(call, iku, tokens):
    r = call.put(iku.s2, 4, tokens["op_a"], {"value": "30"})
    assert r.status_code == 201
    rid = r.get_json()["data"]["id"]
    assert call.step(SUBMIT, rid, tokens["op_a"], {"version": 1}).status_code == 200
    assert call.step(RETURN, rid, tokens["kabid"], {"version": 2, "comment": "Bukti belum ada"}).status_code == 200
    r = call.upload(rid, tokens["staff2"], version=3)
    assert r.status_code == 201
    assert (r.get_json()["data"]["realisation"]["status"], r.get_json()["data"]["realisation"]["version"]) == \
        ("draft", 4)


def test_computed_matches_between_list_and_entry(call, iku, tokens, realise):
    """The list computes `computed` for many realisations at once, the entry for one: the same."""
    realise(iku.s1, 1, 5)
    realise(iku.s1, 2, 6, SUBMITTED)
    realise(iku.s1, 3, 7, RealisationStatus.DRAFT)  # a draft of an earlier month does not count
    db.session.commit()
    put = call.put(iku.s1, 4, tokens["staff1"], {"value": "4"}).get_json()["data"]
    assert put["computed"]["realisation"] == "15" and put["computed"]["missing_months"] == [3]
    answer = call("GET", LIST, tokens["staff1"], query_string={"year": 2026}).get_json()["data"]
    listed = {i["month"]: i for i in answer}
    assert listed[4]["computed"] == put["computed"]
    assert listed[2]["computed"]["realisation"] == "11" and listed[3]["computed"]["realisation"] == "18"


# ---------------------------------------------------------------- refusals, and nothing changes

def test_wrong_person_or_other_opd_cannot_enter(app, call, iku, tokens):
    r = call.put(iku.s1, 4, tokens["staff1"], {"value": "22"})
    rid = r.get_json()["data"]["id"]
    before, files = snapshot(), files_in_storage(app)
    for who in ("staff2", "b_staff", "op_b", "b_head", "auditor", "admin", "gov"):
        headers = tokens[who]
        r = call.put(iku.s1, 4, headers, {"value": "99", "version": 1})
        assert r.status_code == 403 and error(r)["code"] == "forbidden", who
        assert call.put(iku.s1, 5, headers, {"value": "99"}).status_code == 403, who
        assert call.step(SUBMIT, rid, headers, {"version": 1}).status_code == 403, who
        assert call.upload(rid, headers, version=1).status_code == 403, who
    assert snapshot() == before and files_in_storage(app) == files
    assert stored(rid) == ("22", RealisationStatus.DRAFT, 1, None)


def test_only_the_superior_decides(call, iku, tokens):
    rid = call.put(iku.s1, 4, tokens["staff1"], {"value": "22"}).get_json()["data"]["id"]
    assert call.step(SUBMIT, rid, tokens["staff1"], {"version": 1}).status_code == 200
    before = snapshot()
    # the owner, the OPD head above the kabid, the operator, another OPD's head, the auditor
    for who in ("staff1", "staff2", "a_head", "op_a", "b_head", "op_b", "auditor"):
        for template, body in ((APPROVE, {"version": 2}), (RETURN, {"version": 2, "comment": "Tidak"})):
            r = call.step(template, rid, tokens[who], body)
            assert r.status_code == 403 and error(r)["code"] == "forbidden", (who, template)
    assert snapshot() == before
    assert stored(rid) == ("22", SUBMITTED, 2, None)


def test_a_stale_version_is_409_and_the_stored_value_stays(call, iku, tokens):
    staff = tokens["staff1"]
    rid = call.put(iku.s1, 4, staff, {"value": "22"}).get_json()["data"]["id"]
    assert call.put(iku.s1, 4, staff, {"value": "23", "version": 1}).status_code == 200
    before = snapshot()
    r = call.put(iku.s1, 4, staff, {"value": "99", "version": 1})  # the other tab saw version 1
    assert r.status_code == 409 and error(r)["code"] == "conflict"
    assert "versi 2" in error(r)["message"] and "versi 1" in error(r)["message"]
    # creating what exists already (no version), and each workflow step with a stale version
    assert call.put(iku.s1, 4, staff, {"value": "99"}).status_code == 409
    assert call.step(SUBMIT, rid, staff, {"version": 1}).status_code == 409
    assert call.upload(rid, staff, version=1).status_code == 409
    assert snapshot() == before
    assert stored(rid) == ("23", RealisationStatus.DRAFT, 2, None)
    assert call.step(SUBMIT, rid, staff, {"version": 2}).status_code == 200
    before = snapshot()
    assert call.step(APPROVE, rid, tokens["kabid"], {"version": 2}).status_code == 409
    assert call.step(RETURN, rid, tokens["kabid"], {"version": 1, "comment": "x"}).status_code == 409
    assert snapshot() == before


def test_a_workflow_step_without_a_version_is_409(call, iku, tokens):
    """The version is required: without it the client cannot have seen the current state."""
    rid = call.put(iku.s1, 4, tokens["staff1"], {"value": "22"}).get_json()["data"]["id"]
    before = snapshot()
    for body in ({}, {"version": None}):
        r = call.step(SUBMIT, rid, tokens["staff1"], body)
        assert r.status_code == 409 and "Versi data tidak disertakan" in error(r)["message"]
    assert call.upload(rid, tokens["staff1"]).status_code == 409
    r = call.put(iku.s1, 4, tokens["staff1"], {"value": "23"})
    assert r.status_code == 409 and "sudah diisi (versi 1)" in error(r)["message"]
    assert snapshot() == before


def test_a_closed_month_is_423(call, iku, tokens, realise):
    march = realise(iku.s1, 3, 5, RealisationStatus.DRAFT)
    db.session.commit()
    before = snapshot()
    r = call.put(iku.s1, 3, tokens["staff1"], {"value": "22", "version": 1})
    assert r.status_code == 423 and error(r)["code"] == "locked"
    assert "Maret 2026 telah ditutup pada 10 April 2026" in error(r)["message"]
    assert call.step(SUBMIT, march.id, tokens["staff1"], {"version": 1}).status_code == 423
    assert call.upload(march.id, tokens["staff1"], version=1).status_code == 423
    assert call.put(iku.s1, 6, tokens["staff1"], {"value": "1"}).status_code == 423  # June has not begun
    assert snapshot() == before


def test_a_locked_month_is_423_until_reopened_for_the_opd(call, iku, tokens, org):
    staff, kabid = tokens["staff1"], tokens["kabid"]
    rid = call.put(iku.s1, 4, staff, {"value": "22"}).get_json()["data"]["id"]
    assert call.step(SUBMIT, rid, staff, {"version": 1}).status_code == 200
    periods.lock(None, 2026, 4)
    db.session.commit()
    before = snapshot()
    r = call.put(iku.s2, 4, tokens["staff2"], {"value": "1"})
    assert r.status_code == 423 and "April 2026 telah dikunci oleh administrator" in error(r)["message"]
    assert call.step(APPROVE, rid, kabid, {"version": 2}).status_code == 423
    assert call.step(RETURN, rid, kabid, {"version": 2, "comment": "Perbaiki"}).status_code == 423
    assert snapshot() == before
    periods.reopen(None, 2026, 4, [org.a], "Perbaikan data setelah audit", periods.today())
    db.session.commit()
    assert call.step(APPROVE, rid, kabid, {"version": 2}).status_code == 200


def test_red_without_reason_and_follow_up_is_422(call, iku, tokens):
    staff = tokens["staff1"]
    rid = call.put(iku.s1, 4, staff, {"value": "1"}).get_json()["data"]["id"]
    before = snapshot()
    r = call.step(SUBMIT, rid, staff, {"version": 1})
    assert r.status_code == 422 and error(r)["code"] == "invalid"
    assert [d["field"] for d in error(r)["details"]] == ["reason", "follow_up"]
    assert snapshot() == before
    r = call.put(iku.s1, 4, staff, {"reason": "Server layanan rusak", "version": 1})
    assert r.status_code == 200 and r.get_json()["data"]["computed"]["colour"] == "red"
    r = call.step(SUBMIT, rid, staff, {"version": 2})
    assert [d["field"] for d in error(r)["details"]] == ["follow_up"]
    call.put(iku.s1, 4, staff, {"follow_up": "Pengadaan server baru", "version": 2})
    assert call.step(SUBMIT, rid, staff, {"version": 3}).status_code == 200


@pytest.mark.parametrize("name, data, message", [
    ("bukti.pdf", b"bukan pdf, hanya teks", "isi berkas bukan PDF, JPG, PNG, XLSX atau DOCX"),
    ("bukti.exe", b"MZ\x90\x00\x03", "isi berkas bukan PDF"),
    ("kosong.pdf", b"", "berkas kosong"),
    ("besar.pdf", PDF + b"0" * 2048, "ukuran melebihi"),
])
def test_a_bad_file_is_422_and_nothing_is_stored(app, call, iku, tokens, name, data, message):
    rid = call.put(iku.s1, 4, tokens["staff1"], {"value": "22"}).get_json()["data"]["id"]
    before, files = snapshot(), files_in_storage(app)
    limit = app.config["EVIDENCE_MAX_BYTES"]
    app.config["EVIDENCE_MAX_BYTES"] = 1024 if name == "besar.pdf" else limit
    try:
        r = call.upload(rid, tokens["staff1"], data=data, name=name, version=1)
    finally:
        app.config["EVIDENCE_MAX_BYTES"] = limit
    assert r.status_code == 422 and error(r)["code"] == "invalid"
    assert error(r)["details"][0]["field"] == "file" and message in error(r)["details"][0]["message"]
    assert snapshot() == before and files_in_storage(app) == files


def test_invalid_values_are_422_with_details_per_field(call, iku, tokens):
    before = snapshot()
    r = call.put(iku.s1, 4, tokens["staff1"], {"value": "dua puluh", "note": "x" * 4001})
    assert r.status_code == 422 and error(r)["code"] == "invalid"
    assert {d["field"] for d in error(r)["details"]} == {"value", "note"}
    r = call.put(iku.s1, 4, tokens["staff1"], {"value": "1.23456"})
    assert r.status_code == 422 and error(r)["details"][0]["field"] == "value"
    r = call.put(iku.s1, 13, tokens["staff1"], {"value": "1"})
    assert r.status_code == 422 and error(r)["details"][0]["field"] == "month"
    # a computed indicator (the province's, rolled up from the OPDs) is not entered
    r = call.put(iku.top, 4, tokens["gov"], {"value": "1"})
    assert r.status_code == 422 and error(r)["details"][0]["field"] == "value"
    assert snapshot() == before


def test_workflow_steps_out_of_order_are_422(call, iku, tokens):
    staff, kabid = tokens["staff1"], tokens["kabid"]
    rid = call.put(iku.s1, 4, staff, {"value": "22"}).get_json()["data"]["id"]
    before = snapshot()
    r = call.step(APPROVE, rid, kabid, {"version": 1})
    assert r.status_code == 422 and error(r)["code"] == "invalid_transition"
    assert snapshot() == before
    call.step(SUBMIT, rid, staff, {"version": 1})
    before = snapshot()
    assert error(call.put(iku.s1, 4, staff, {"value": "1", "version": 2}))["code"] == "invalid_transition"
    assert call.step(SUBMIT, rid, staff, {"version": 2}).status_code == 422
    assert call.upload(rid, staff, version=2).status_code == 422
    r = call.step(RETURN, rid, kabid, {"version": 2, "comment": "   "})
    assert r.status_code == 422 and error(r)["details"][0]["field"] == "comment"
    assert call.step(RETURN, rid, kabid, {"version": 2}).status_code == 422
    assert snapshot() == before


@pytest.mark.parametrize("kwargs, field", [
    ({"data": "{\"value\": \"1\"", "content_type": "application/json"}, None),   # broken JSON
    ({"data": "[1, 2]", "content_type": "application/json"}, None),               # not an object
    ({"json": {"value": 22.5}}, "value"),                                          # decimals travel as strings
    ({"json": {"value": "22", "version": "1"}}, "version"),
    ({"json": {"value": "22", "version": True}}, "version"),
    ({"json": {"value": "22", "note": ["a"]}}, "note"),
    ({"json": {"value": "22", "followup": "typo"}}, "followup"),
])
def test_malformed_bodies_are_400(call, iku, tokens, kwargs, field):
    before = snapshot()
    r = call("PUT", ENTRY, tokens["staff1"], {"indicator_id": iku.s1.id, "year": 2026, "month": 4}, **kwargs)
    assert r.status_code == 400 and error(r)["code"] == "bad_request"
    if field:
        assert [d["field"] for d in error(r)["details"]] == [field]
    assert snapshot() == before


def test_malformed_workflow_and_upload_requests_are_400(call, iku, tokens):
    staff = tokens["staff1"]
    rid = call.put(iku.s1, 4, staff, {"value": "22"}).get_json()["data"]["id"]
    before = snapshot()
    assert call.step(SUBMIT, rid, staff, {"version": "1"}).status_code == 400
    assert call.step(RETURN, rid, tokens["kabid"], {"version": 1, "comment": 5}).status_code == 400
    assert call("POST", SUBMIT, staff, {"realisation_id": rid}, data="versi satu").status_code == 400
    r = call("POST", EVIDENCE, staff, {"realisation_id": rid}, data={"version": "1"},
             content_type="multipart/form-data")
    assert r.status_code == 400 and error(r)["details"][0]["field"] == "file"
    r = call("POST", EVIDENCE, staff, {"realisation_id": rid}, json={"version": 1})
    assert r.status_code == 400
    r = call.upload(rid, staff, version="satu")
    assert r.status_code == 400 and error(r)["details"][0]["field"] == "version"
    assert snapshot() == before


def test_unknown_ids_and_other_years_are_404(call, iku, tokens):
    staff = tokens["staff1"]
    r = call.put(iku.s1, 4, staff, {"value": "1"}, year=2025)
    assert r.status_code == 404 and error(r)["message"] == f"Indikator {iku.s1.id} tidak ditemukan pada tahun 2025."
    r = call("PUT", ENTRY, staff, {"indicator_id": 987654, "year": 2026, "month": 4}, json={"value": "1"})
    assert r.status_code == 404
    for template in (SUBMIT, APPROVE, RETURN):
        assert call.step(template, 987654, staff, {"version": 1, **({"comment": "x"} if template == RETURN else {})}) \
            .status_code == 404
    assert call.upload(987654, staff, version=1).status_code == 404
    assert call("GET", DOWNLOAD, staff, {"evidence_id": 987654}).status_code == 404
    assert stored_count() == 0


def stored_count() -> int:
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Realisation)).scalar()


def test_no_token_is_401(call, iku, tokens):
    rid = call.put(iku.s1, 4, tokens["staff1"], {"value": "22"}).get_json()["data"]["id"]
    ev = call.upload(rid, tokens["staff1"], version=1).get_json()["data"]["evidence"]["id"]
    before = snapshot()
    for headers in ({}, {"Authorization": "Bearer ekj_salah"}):
        answers = [call("GET", MINE, headers), call("GET", LIST, headers),
                   call.put(iku.s1, 4, headers, {"value": "1", "version": 2}),
                   call.step(SUBMIT, rid, headers, {"version": 2}), call.step(APPROVE, rid, headers, {"version": 2}),
                   call.step(RETURN, rid, headers, {"version": 2, "comment": "x"}),
                   call.upload(rid, headers, version=2), call("GET", DOWNLOAD, headers, {"evidence_id": ev})]
        assert [a.status_code for a in answers] == [401] * 8
        assert {error(a)["code"] for a in answers} == {"unauthorized"}
    assert snapshot() == before


# ---------------------------------------------------------------- English

def test_messages_in_english_on_request(call, iku, tokens, realise):
    staff = en(tokens["staff1"])
    rid = call.put(iku.s1, 4, staff, {"value": "1"}).get_json()["data"]["id"]
    r = call.step(SUBMIT, rid, staff, {"version": 1})
    assert error(r)["message"] == "The realisation cannot be submitted yet."
    assert [d["message"] for d in error(r)["details"]] == [
        "Red achievement (below 80%): the reason (inhibiting factor) is required.",
        "Red achievement (below 80%): the follow-up is required."]
    call.put(iku.s1, 4, staff, {"value": "2", "version": 1})
    r = call.put(iku.s1, 4, staff, {"value": "3", "version": 1})
    assert error(r)["message"] == ("This realisation has been changed (version 2; you saw version 1). "
                                   "Reload to see the latest change, then try again.")
    r = call.put(iku.s1, 3, staff, {"value": "3"})
    assert error(r)["message"] == ("The period March 2026 closed on 10 April 2026; its data cannot change. "
                                   "Ask an administrator to reopen it if needed.")
    r = call.put(iku.s1, 4, en(tokens["staff2"]), {"value": "3", "version": 2})
    assert error(r)["message"] == "You may not enter values of this indicator."
    r = call.put(iku.s1, 4, staff, {"value": "tiga", "version": 2})
    assert error(r)["message"] == "Check the realisation's fields."
    assert error(r)["details"] == [{"field": "value", "message": "The value must be a number, e.g. 12.5."}]
    r = call.put(iku.s1, 4, staff, {"value": 3, "version": 2})
    assert error(r)["details"][0]["message"] == 'value must be a string (decimals travel as strings, e.g. "12.5").'
    r = call.upload(rid, staff, data=b"teks", name="a.pdf", version=2)
    assert error(r)["details"][0]["message"] == "a.pdf: the content is not a PDF, JPG, PNG, XLSX or DOCX file."
    r = call.put(iku.s1, 4, staff, {"value": "3"}, year=2025)
    assert error(r)["message"] == f"Indicator {iku.s1.id} not found in 2025."
    periods.lock(None, 2026, 4)
    db.session.commit()
    r = call.put(iku.s1, 4, staff, {"value": "3", "version": 2})
    assert error(r)["message"] == ("The period April 2026 has been locked by an administrator; its data cannot "
                                   "change. Ask an administrator to reopen it if needed.")
    r = call("GET", LIST, {"Accept-Language": "en"})
    assert error(r)["message"] == "The bearer token is missing or invalid."
    # Indonesian otherwise
    r = call.put(iku.s1, 4, tokens["staff1"], {"value": "3", "version": 2})
    assert error(r)["message"].startswith("Periode April 2026 telah dikunci oleh administrator")


def test_every_service_message_has_its_english():
    """The English table covers the messages the services raise to an API client."""
    from ekinerja.api.realisations import english_text

    for message in ("Realisasi bulan ini baru saja dibuat oleh pengguna lain. Muat ulang lalu coba lagi.",
                    "Hanya realisasi yang sedang diajukan yang dapat disetujui atau dikembalikan.",
                    "Bulan Juni 2026 belum dimulai; realisasinya belum dapat diisi.",
                    "Tindak lanjut paling panjang 4000 karakter.", "Paling banyak 10 berkas bukti per realisasi.",
                    "laporan.pdf: ukuran melebihi 10 MB.", "Anda tidak berhak melihat bukti ini."):
        text = english_text(message)
        assert text and text != message, message
    assert english_text("Bulan Juni 2026 belum dimulai; realisasinya belum dapat diisi.") == \
        "June 2026 has not begun; its values cannot be entered yet."


# ---------------------------------------------------------------- evidence

def test_evidence_download_access(app, call, iku, tokens):
    rid = call.put(iku.s1, 4, tokens["staff1"], {"value": "22"}).get_json()["data"]["id"]
    ev = call.upload(rid, tokens["staff1"], version=1).get_json()["data"]["evidence"]
    for who in ("staff1", "kabid", "a_head", "op_a", "gov", "admin", "auditor"):
        r = call("GET", DOWNLOAD, tokens[who], {"evidence_id": ev["id"]})
        assert r.status_code == 200, who
        assert r.data == PDF and r.mimetype == "application/pdf"
        assert "attachment" in r.headers["Content-Disposition"] and "bukti.pdf" in r.headers["Content-Disposition"]
        assert "no-store" in r.headers["Cache-Control"]
    for who in ("staff2", "b_staff", "b_head", "op_b"):
        r = call("GET", DOWNLOAD, tokens[who], {"evidence_id": ev["id"]})
        assert r.status_code == 403 and error(r)["code"] == "forbidden", who
    r = call("GET", DOWNLOAD, en(tokens["op_b"]), {"evidence_id": ev["id"]})
    assert error(r)["message"] == "You may not see this evidence."


def test_a_file_missing_from_storage_is_404(app, call, iku, tokens):
    rid = call.put(iku.s1, 4, tokens["staff1"], {"value": "22"}).get_json()["data"]["id"]
    ev = call.upload(rid, tokens["staff1"], version=1).get_json()["data"]["evidence"]
    for path in files_in_storage(app):
        path.unlink()
    r = call("GET", DOWNLOAD, tokens["staff1"], {"evidence_id": ev["id"]})
    assert r.status_code == 404 and error(r)["code"] == "not_found"


# ---------------------------------------------------------------- what each caller sees

@pytest.fixture
def everywhere(iku, realise, org):
    """A realisation in April on every scorecard: the province, OPD A, its bidang, both staff, and
    an OPD B branch down to B's staff member."""
    [b_opd] = bsc.cascade(None, iku.top, [bsc.CascadeTarget(OwnerKind.OPD, org.b.id, 50)])
    [b_staff] = bsc.cascade(None, b_opd, [bsc.CascadeTarget(OwnerKind.EMPLOYEE, org.b_staff.id, 50)])
    rows = {name: realise(ind, 4, n + 1, SUBMITTED).id
            for n, (name, ind) in enumerate([("prov", iku.top), ("opd", iku.opd), ("unit", iku.unit), ("s1", iku.s1),
                                             ("s2", iku.s2), ("b_opd", b_opd), ("b_staff", b_staff)])}
    db.session.commit()
    return rows


@pytest.mark.parametrize("who, expected", [
    ("admin", {"prov", "opd", "unit", "s1", "s2", "b_opd", "b_staff"}),
    ("gov", {"prov", "opd", "unit", "s1", "s2", "b_opd", "b_staff"}),
    ("auditor", {"prov", "opd", "unit", "s1", "s2", "b_opd", "b_staff"}),
    ("op_a", {"prov", "opd", "unit", "s1", "s2"}),
    ("op_b", {"prov", "b_opd", "b_staff"}),
    ("a_head", {"prov", "opd", "unit", "s1", "s2"}),
    ("b_head", {"prov", "b_opd", "b_staff"}),
    ("kabid", {"prov", "unit", "s1", "s2"}),
    ("staff1", {"prov", "s1"}),
    ("b_staff", {"prov", "b_staff"}),
])
def test_each_caller_sees_what_bsc_view_allows(call, everywhere, people, tokens, who, expected):
    r = call("GET", LIST, tokens[who], query_string={"year": 2026, "month": 4})
    assert r.status_code == 200
    got = {i["id"] for i in r.get_json()["data"]}
    assert got == {everywhere[name] for name in expected}
    assert r.get_json()["meta"] == {"page": 1, "per_page": 100, "total": len(expected)}
    # the query's scope is can_scorecard's: the same answer for every realisation
    user = getattr(people, who)
    for realisation in db.session.scalars(select(Realisation)):
        assert (realisation.id in got) == can_scorecard(user, "bsc.view", realisation.indicator.scorecard)


def test_an_employee_without_a_post_stays_visible_to_their_last_opd(call, everywhere, org, tokens):
    from ekinerja.org.models import Employee

    employee = db.session.get(Employee, org.staff2.id)
    employee.position_id = None
    db.session.commit()
    got = {i["id"] for i in call("GET", LIST, tokens["op_a"], query_string={"year": 2026}).get_json()["data"]}
    assert everywhere["s2"] in got
    got = {i["id"] for i in call("GET", LIST, tokens["kabid"], query_string={"year": 2026}).get_json()["data"]}
    assert everywhere["s2"] not in got


def test_filters_and_pages(call, everywhere, iku, org, tokens, realise):
    realise(iku.s1, 1, 10)
    db.session.commit()
    headers = tokens["admin"]

    def ids(**query):
        return [i["id"] for i in call("GET", LIST, headers, query_string={"year": 2026, **query}).get_json()["data"]]

    assert len(ids()) == 8 and len(ids(month=4)) == 7 and len(ids(month=1)) == 1
    assert len(ids(status="approved")) == 1 and ids(status="draft") == []
    assert set(ids(opd=org.a.code)) == {everywhere[n] for n in ("opd", "unit", "s1", "s2")} | set(ids(month=1))
    assert set(ids(opd=org.b.code)) == {everywhere["b_opd"], everywhere["b_staff"]}
    assert ids(opd="9.99.TIDAK.ADA") == [] and ids(year=2025) == []
    first, second = ids(month=4, per_page=3), ids(month=4, per_page=3, page=2)
    assert len(first) == 3 and len(second) == 3 and not set(first) & set(second)
    assert ids(month=4, per_page=3, page=3) == [ids(month=4)[-1]]
    r = call("GET", LIST, headers, query_string={"year": 2026, "per_page": 2})
    assert r.get_json()["meta"] == {"page": 1, "per_page": 2, "total": 8}


@pytest.mark.parametrize("query, field", [
    ({"year": "2o26"}, "year"), ({"year": "2026", "month": "13"}, "month"),
    ({"year": "2026", "status": "rejected"}, "status"), ({"year": "2026", "per_page": "501"}, "per_page"),
    ({"year": "2026", "page": "0"}, "page"),
])
def test_malformed_list_parameters_are_400(call, tokens, query, field):
    r = call("GET", LIST, tokens["admin"], query_string=query)
    assert r.status_code == 400 and [d["field"] for d in error(r)["details"]] == [field]


def test_the_list_does_not_query_per_row(client, call, everywhere, iku, tokens, realise):
    statements = []

    def listen(*args, **kwargs):
        statements.append(args[2])

    def counted() -> int:
        db.session.remove()
        statements.clear()
        assert client.get("/api/v1/realisations?year=2026", headers=tokens["admin"]).status_code == 200
        return len(statements)

    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        before = counted()
        for month in (1, 2, 3):
            for indicator in (iku.s1, iku.s2, iku.opd):
                realise(db.session.merge(indicator), month, month)
        db.session.commit()
        after = counted()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)
    assert after == before


# ---------------------------------------------------------------- the caller's indicators

def test_my_indicators_for_staff(call, iku, tokens, org):
    rid = call.put(iku.s1, 4, tokens["staff1"], {"value": "22"}).get_json()["data"]["id"]
    data = call("GET", MINE, tokens["staff1"], query_string={"year": 2026}).get_json()["data"]
    assert data["year"] == 2026
    [card] = data["scorecards"]
    assert card["id"] == iku.s1.scorecard_id and card["owner"]["nip"] == org.staff1.nip
    states = {m["month"]: m["state"] for m in card["months"]}
    assert (states[3], states[4], states[5], states[6]) == ("closed", "open", "open", "not_started")
    assert card["months"][3]["deadline"] == "2026-05-10"
    [ind] = card["indicators"]
    assert (ind["id"], ind["entered"], ind["target"], ind["aggregation"], ind["polarity"], ind["unit"]) == \
        (iku.s1.id, True, "60", "sum", "max", "layanan")
    assert ind["realisations"] == [{"id": rid, "month": 4, "value": "22", "status": "draft", "version": 1}]
    assert call("GET", MINE, tokens["staff1"], query_string={"year": 2025}).get_json()["data"]["scorecards"] == []


def test_my_indicators_by_role(call, iku, tokens, org):
    def cards(who):
        return [(c["owner"]["kind"], [(i["code"], i["entered"]) for i in c["indicators"]])
                for c in call("GET", MINE, tokens[who], query_string={"year": 2026}).get_json()["data"]["scorecards"]]

    assert cards("kabid") == [("unit", [("IKU-01", True)])]
    assert cards("op_a") == [("opd", [("IKU-01", True)])]
    assert cards("gov") == [("province", [("IKU-01", False)])]  # rolled up from the OPDs: not entered
    assert cards("admin") == [] and cards("op_b") == []


def test_my_indicators_show_locks_and_reopenings(call, iku, tokens, org):
    periods.lock(None, 2026, 4)
    periods.reopen(None, 2026, 3, [org.a], "Perbaikan data setelah audit", periods.today())
    db.session.commit()
    [card] = call("GET", MINE, tokens["staff1"], query_string={"year": 2026}).get_json()["data"]["scorecards"]
    march, april = card["months"][2], card["months"][3]
    assert (march["state"], march["reopened_until"]) == ("reopened", "2026-05-04")
    assert (april["state"], april["locked"]) == ("locked", True)
    assert call.put(iku.s1, 3, tokens["staff1"], {"value": "5"}).status_code == 201
