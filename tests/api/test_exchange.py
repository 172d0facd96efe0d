"""GET and POST /api/v1/exchange: the interchange document in and out, JSON or workbook, for the
administrators and the governor's office only; every error at once (422), nothing half-written."""
import io

import pytest
from sqlalchemy import func, select

from ekinerja.audit.models import AuditEntry
from ekinerja.bsc.models import Indicator, Realisation
from ekinerja.extensions import db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def document(org) -> dict:
    indicator = {"code": "IKU-01", "name": "Persentase layanan publik terdigitalisasi", "unit": "%",
                 "polarity": "max", "aggregation": "last", "weight": 10, "target": "80", "target_high": None,
                 "monthly_targets": None, "parent": None, "cascade": None, "rollup": "manual"}
    return {
        "format": "ekinerja/v1",
        "year": 2026,
        "scorecards": [
            {"owner": {"kind": "province"},
             "perspective_weights": {"stakeholder": 25, "customer": 15, "internal_process": 30, "learning_growth": 30},
             "objectives": [{"code": "SS1", "perspective": "stakeholder", "name": "Meningkatnya layanan publik",
                             "indicators": [indicator]}]},
            {"owner": {"kind": "opd", "code": org.a.code},
             "objectives": [{"code": "SS1", "perspective": "stakeholder", "name": "Meningkatnya layanan publik",
                             "indicators": [{**indicator, "parent": {"owner": {"kind": "province"}, "code": "IKU-01"},
                                             "cascade": "direct"}]}]},
        ],
        "realisations": [
            {"owner": {"kind": "opd", "code": org.a.code}, "indicator": "IKU-01", "month": 3, "value": "60",
             "status": "approved", "note": ""},
        ],
    }


@pytest.fixture
def people(org, make_user):
    users = {"admin": make_user("admin"), "office": make_user("governor_office"),
             "auditor": make_user("auditor"), "op_a": make_user(("opd_operator", org.a))}
    db.session.commit()
    return users


def count(model) -> int:
    with db.engine.connect() as conn:  # outside the test's session: what was committed
        return conn.execute(select(func.count()).select_from(model)).scalar()


def test_import_json_then_again_changes_nothing(api, org, people, token_of):
    headers = token_of(people["office"])
    r = api.post("/exchange", headers, json=document(org))
    assert r.status_code == 200, r.get_json()
    first = r.get_json()["data"]
    assert first["created"] >= 5 and first["updated"] == 0
    assert first["counts"]["indicators"]["created"] == 2 and first["counts"]["realisations"]["created"] == 1
    assert count(Indicator) == 2 and count(Realisation) == 1
    audit = count(AuditEntry)
    again = api.post("/exchange", headers, json=document(org)).get_json()["data"]
    assert (again["created"], again["updated"]) == (0, 0) and again["unchanged"] == first["created"]
    assert count(AuditEntry) == audit


def test_an_invalid_document_lists_every_error_and_writes_nothing(api, org, people, token_of):
    doc = document(org)
    doc["scorecards"][0]["objectives"][0]["indicators"][0]["polarity"] = "maximum"
    doc["realisations"][0]["month"] = 13
    r = api.post("/exchange", token_of(people["admin"]), json=doc)
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["code"] == "invalid"
    paths = [d["path"] for d in error["details"]]
    assert "scorecards[0].objectives[0].indicators[0].polarity" in paths
    assert "realisations[0].month" in paths
    assert count(Indicator) == 0 and count(Realisation) == 0


def test_export_json_and_computed_figures(api, org, people, token_of):
    headers = token_of(people["admin"])
    assert api.post("/exchange", headers, json=document(org)).status_code == 200
    r = api.get("/exchange", headers, {"year": 2026})
    assert r.status_code == 200
    doc = r.get_json()["data"]
    assert doc["format"] == "ekinerja/v1" and doc["year"] == 2026
    assert [sc["owner"]["kind"] for sc in doc["scorecards"]] == ["province", "opd"]
    assert "computed" not in doc["scorecards"][0]
    doc = api.get("/exchange", headers, {"year": 2026, "month": 3, "computed": 1}).get_json()["data"]
    opd_indicator = doc["scorecards"][1]["objectives"][0]["indicators"][0]
    assert opd_indicator["computed"]["achievement"] == "75.00" and opd_indicator["computed"]["colour"] == "red"
    assert doc["scorecards"][1]["computed"]["nko"] == "75.00"
    # the figures are the scorecard endpoint's
    card = api.get("/scorecards", headers, {"year": 2026, "owner_kind": "opd"}).get_json()["data"][0]
    detail = api.get("/scorecards/{scorecard_id}", headers, {"month": 3}, id=card["id"]).get_json()["data"]
    assert detail["perspectives"][0]["objectives"][0]["indicators"][0]["computed"] == opd_indicator["computed"]
    assert detail["computed"] == doc["scorecards"][1]["computed"]


def test_workbook_round_trip(api, org, people, token_of):
    headers = token_of(people["admin"])
    assert api.post("/exchange", headers, json=document(org)).status_code == 200
    r = api.get("/exchange", headers, {"year": 2026, "format": "xlsx"})
    assert r.status_code == 200 and r.mimetype == XLSX
    assert "ekinerja-2026.xlsx" in r.headers["Content-Disposition"]
    workbook = r.data
    assert workbook[:2] == b"PK"
    r = api.post("/exchange", headers, data={"file": (io.BytesIO(workbook), "ekinerja-2026.xlsx")},
                 content_type="multipart/form-data")
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["data"]["created"], r.get_json()["data"]["updated"]) == (0, 0)


def test_a_workbook_import_creates(api, org, people, token_of):
    from ekinerja.exchange import document_to_workbook

    workbook = document_to_workbook(document(org))
    r = api.post("/exchange", token_of(people["office"]),
                 data={"file": (io.BytesIO(workbook), "rencana.xlsx")}, content_type="multipart/form-data")
    assert r.status_code == 200, r.get_json()
    assert count(Indicator) == 2


@pytest.mark.parametrize("kwargs, status", [
    ({"data": "format=ekinerja/v1", "content_type": "text/plain"}, 400),
    ({"data": "{not json", "content_type": "application/json"}, 400),
    ({"json": ["a list"]}, 400),
    ({"data": {}, "content_type": "multipart/form-data"}, 400),
    ({"data": {"file": (io.BytesIO(b"not a workbook"), "x.xlsx")}, "content_type": "multipart/form-data"}, 422),
])
def test_bodies_that_are_no_document(api, people, token_of, kwargs, status):
    r = api.post("/exchange", token_of(people["admin"]), **kwargs)
    assert r.status_code == status
    assert set(r.get_json()["error"]) == {"code", "message", "details"}


@pytest.mark.parametrize("who", ["auditor", "op_a", "staff1", "kabid"])
def test_only_administrators_and_the_governors_office(api, org, people, token_of, who):
    headers = token_of(people.get(who) or getattr(org, who))
    r = api.post("/exchange", headers, json=document(org))
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    assert count(Indicator) == 0
    assert api.get("/exchange", headers, {"year": 2026}).status_code == 403
    r = api.get("/exchange", {**headers, "Accept-Language": "en"}, {"year": 2026})
    assert r.get_json()["error"]["message"] == \
        "Only administrators and the governor's office may use the data exchange."


def test_exchange_needs_a_token(api, org):
    assert api.get("/exchange", query={"year": 2026}).status_code == 401
    assert api.post("/exchange", json=document(org)).status_code == 401
    assert count(Indicator) == 0


@pytest.mark.parametrize("query", [{"year": "26"}, {"year": "2026", "month": "13"}, {"year": "2026", "format": "csv"},
                                   {"year": "2026", "computed": "ya"}])
def test_export_parameters(api, people, token_of, query):
    r = api.get("/exchange", token_of(people["admin"]), query)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_request"
