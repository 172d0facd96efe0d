"""GET /api/v1/scorecards, /scorecards/{scorecard_id} and /indicators/{indicator_id}/cascade: shapes, figures, access.

The `iku` cascade: a province IKU (max, sum, 120 a year, children_sum) → OPD A (120) → its bidang
(120) → staff1 (60) and staff2 (60). At month 2 the target of the year-to-date sum is 120·2/12 = 20.
"""
import pytest

from ekinerja.bsc.models import RealisationStatus
from ekinerja.extensions import db

SUBMITTED = RealisationStatus.SUBMITTED
SCORECARD, CASCADE = "/scorecards/{scorecard_id}", "/indicators/{indicator_id}/cascade"


@pytest.fixture
def values(iku, realise):
    """OPD A: 8 approved in January, 12 submitted in February; staff1: 10 approved in January."""
    realise(iku.opd, 1, 8)
    realise(iku.opd, 2, 12, SUBMITTED)
    realise(iku.s1, 1, 10)
    db.session.commit()
    return iku


@pytest.fixture
def people(org, make_user):
    users = {"admin": make_user("admin"), "office": make_user("governor_office"),
             "op_a": make_user(("opd_operator", org.a)), "op_b": make_user(("opd_operator", org.b))}
    db.session.commit()
    return users


def owners(answer) -> list[tuple]:
    return [(c["owner"]["kind"], c["owner"].get("code") or c["owner"].get("nip")) for c in answer.get_json()["data"]]


# ---------------------------------------------------------------- the list

def test_list_for_the_governors_office(api, values, org, people, token_of):
    r = api.get("/scorecards", token_of(people["office"]), {"year": 2026})
    assert r.status_code == 200
    got = owners(r)
    assert got[:3] == [("province", None), ("opd", org.a.code), ("unit", org.bidang.code)]
    assert got[3:] == sorted([("employee", org.staff1.nip), ("employee", org.staff2.nip)])  # by NIP
    first = r.get_json()["data"][0]
    assert first == {"id": values.prov.id, "year": 2026, "indicator_count": 1,
                     "owner": {"kind": "province", "name": "Pemerintah Provinsi Nusa Tenggara Barat"}}
    assert api.get("/scorecards", token_of(people["office"]), {"year": 2025}).get_json()["data"] == []


def test_list_filters_by_kind_and_owner(api, values, org, people, token_of):
    headers = token_of(people["admin"])
    r = api.get("/scorecards", headers, {"year": 2026, "owner_kind": "employee"})
    assert {o for _, o in owners(r)} == {org.staff1.nip, org.staff2.nip}
    r = api.get("/scorecards", headers, {"year": 2026, "owner_kind": "employee", "owner": org.staff2.nip})
    [card] = r.get_json()["data"]
    assert card["id"] == values.s2.scorecard_id
    assert card["owner"] == {"kind": "employee", "nip": org.staff2.nip, "name": org.staff2.name,
                             "opd": org.a.code, "position": org.staff2.position.name}
    r = api.get("/scorecards", headers, {"year": 2026, "owner": org.a.code})
    assert owners(r) == [("opd", org.a.code)]  # the root unit shares the code; it has no card
    assert api.get("/scorecards", headers, {"year": 2026, "owner": "9.99.TIDAK.ADA"}).get_json()["data"] == []


def test_staff_see_their_own_and_the_province(api, values, org, token_of):
    r = api.get("/scorecards", token_of(org.staff1), {"year": 2026})
    assert owners(r) == [("province", None), ("employee", org.staff1.nip)]


def test_an_operator_sees_their_opd_only(api, values, org, people, token_of):
    r = api.get("/scorecards", token_of(people["op_a"]), {"year": 2026})
    assert [k for k, _ in owners(r)] == ["province", "opd", "unit", "employee", "employee"]
    r = api.get("/scorecards", token_of(people["op_b"]), {"year": 2026})
    assert owners(r) == [("province", None)]


def test_a_unit_head_sees_the_unit_and_its_staff(api, values, org, token_of):
    r = api.get("/scorecards", token_of(org.kabid), {"year": 2026})
    assert sorted(k for k, _ in owners(r)) == ["employee", "employee", "province", "unit"]


# ---------------------------------------------------------------- one scorecard

def test_scorecard_with_approved_figures(api, values, people, token_of):
    r = api.get(SCORECARD, token_of(people["office"]), {"month": 2}, id=values.prov.id)
    assert r.status_code == 200
    data = r.get_json()["data"]
    assert data["owner"]["kind"] == "province" and data["month"] == 2 and data["provisional"] is False
    assert data["perspective_weights"] == {"stakeholder": "25", "customer": "15", "internal_process": "30",
                                           "learning_growth": "30"}
    # only approved values: January's 8 against a target of 20 → 40%
    assert data["computed"] == {"month": 2, "nko": "40.00", "nko_colour": "red", "coverage": "100.00",
                                "perspectives": {"stakeholder": "40.00", "customer": None,
                                                 "internal_process": None, "learning_growth": None}}
    [perspective] = data["perspectives"]
    assert perspective["perspective"] == "stakeholder" and perspective["weight"] == "25"
    assert perspective["computed"] == {"month": 2, "score": "40.00", "colour": "red", "coverage": "100.00"}
    [objective] = perspective["objectives"]
    assert objective["code"] == "SS1" and objective["computed"]["score"] == "40.00"
    [indicator] = objective["indicators"]
    assert indicator["code"] == "IKU-01" and indicator["rollup"] == "children_sum"
    assert indicator["target"] == "120" and indicator["weight"] == "10" and indicator["weight_share"] == "100.00"
    assert indicator["computed"] == {"month": 2, "target": "20", "target_high": None, "realisation": "8",
                                     "achievement": "40.00", "score": "40.00", "colour": "red",
                                     "missing_months": [2], "coverage": "100.00"}


def test_provisional_counts_submitted_values(api, values, people, token_of):
    r = api.get(SCORECARD, token_of(people["office"]), {"month": 2, "provisional": 1},
                id=values.opd.scorecard_id)
    data = r.get_json()["data"]
    assert data["provisional"] is True
    computed = data["perspectives"][0]["objectives"][0]["indicators"][0]["computed"]
    assert (computed["realisation"], computed["achievement"], computed["colour"], computed["missing_months"]) == \
        ("20", "100.00", "green", [])
    assert data["computed"]["nko"] == "100.00" and data["computed"]["nko_colour"] == "green"


def test_month_defaults_to_the_whole_year(api, values, people, token_of):
    data = api.get(SCORECARD, token_of(people["admin"]), id=values.s1.scorecard_id).get_json()["data"]
    computed = data["perspectives"][0]["objectives"][0]["indicators"][0]["computed"]
    assert data["month"] == 12 and computed["target"] == "60" and computed["realisation"] == "10"
    assert computed["missing_months"] == list(range(2, 13))


def test_a_scorecard_without_data_is_grey(api, iku, people, token_of):
    data = api.get(SCORECARD, token_of(people["admin"]), {"month": 3}, id=iku.s2.scorecard_id).get_json()["data"]
    assert data["computed"]["nko"] is None and data["computed"]["nko_colour"] == "grey"
    assert data["computed"]["coverage"] == "0.00"
    ind = data["perspectives"][0]["objectives"][0]["indicators"][0]
    assert ind["computed"]["colour"] == "grey" and ind["computed"]["missing_months"] == [1, 2, 3]
    assert ind["parent_id"] == iku.unit.id and ind["cascade_kind"] == "direct"


@pytest.mark.parametrize("who, card, status", [
    ("staff1", "s1", 200), ("staff1", "s2", 403), ("staff1", "prov", 200), ("staff1", "opd", 403),
    ("op_b", "opd", 403), ("op_b", "unit", 403), ("op_b", "prov", 200), ("op_a", "s2", 200),
    ("kabid", "s2", 200), ("kabid", "opd", 403),
])
def test_who_may_open_which_scorecard(api, values, org, people, token_of, who, card, status):
    person = people.get(who) or getattr(org, who)
    sc_id = values.prov.id if card == "prov" else getattr(values, card).scorecard_id
    r = api.get(SCORECARD, token_of(person), {"month": 2}, id=sc_id)
    assert r.status_code == status
    if status == 403:
        assert r.get_json()["error"]["code"] == "forbidden"


# ---------------------------------------------------------------- the cascade

def ids(node) -> list[int]:
    return [node["id"]] + [i for c in node["children"] for i in ids(c)]


def test_cascade_tree_with_figures(api, values, org, people, token_of):
    r = api.get(CASCADE, token_of(people["office"]), {"year": 2026, "month": 2},
                id=values.top.id)
    assert r.status_code == 200
    data = r.get_json()["data"]
    assert (data["year"], data["month"], data["provisional"]) == (2026, 2, False)
    root = data["root"]
    assert ids(root) == [values.top.id, values.opd.id, values.unit.id, values.s1.id, values.s2.id]
    assert root["owner"]["kind"] == "province" and root["restricted"] is False
    assert root["computed"]["realisation"] == "8" and root["computed"]["colour"] == "red"
    [opd] = root["children"]
    assert opd["owner"] == {"kind": "opd", "code": org.a.code, "name": org.a.name}
    assert opd["cascade_kind"] == "direct" and opd["computed"]["achievement"] == "40.00"
    [unit] = opd["children"]
    assert unit["owner"] == {"kind": "unit", "code": org.bidang.code, "opd": org.a.code, "name": org.bidang.name}
    s1, s2 = unit["children"]
    assert s1["owner"]["nip"] == org.staff1.nip and s1["computed"]["realisation"] == "10"
    assert s1["computed"]["target"] == "10" and s1["computed"]["colour"] == "green"
    assert s2["computed"]["colour"] == "grey" and s2["children"] == []
    provisional = api.get(CASCADE, token_of(people["office"]),
                          {"year": 2026, "month": 2, "provisional": "1"}, id=values.top.id).get_json()["data"]
    assert provisional["root"]["computed"]["realisation"] == "20"


def test_cascade_seen_by_staff_keeps_only_their_branch(api, values, org, token_of):
    root = api.get(CASCADE, token_of(org.staff1), {"month": 2},
                   id=values.top.id).get_json()["data"]["root"]
    assert ids(root) == [values.top.id, values.opd.id, values.unit.id, values.s1.id]
    opd = root["children"][0]
    assert opd["restricted"] is True and opd["computed"] is None and "target" not in opd
    assert opd["children"][0]["restricted"] is True
    mine = opd["children"][0]["children"][0]
    assert mine["restricted"] is False and mine["computed"]["realisation"] == "10"


def test_cascade_seen_by_another_opd(api, values, people, token_of):
    headers = token_of(people["op_b"])
    root = api.get(CASCADE, headers, {"month": 2}, id=values.top.id).get_json()["data"]["root"]
    assert ids(root) == [values.top.id]
    assert api.get(CASCADE, headers, {"month": 2}, id=values.opd.id).status_code == 403


def test_cascade_of_another_year_is_not_found(api, values, people, token_of):
    r = api.get(CASCADE, token_of(people["admin"]), {"year": 2025}, id=values.top.id)
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize("template, query, field", [
    ("/scorecards", {"year": "2o26"}, "year"),
    ("/scorecards", {"year": "1999"}, "year"),
    ("/scorecards", {"year": "2026", "owner_kind": "bidang"}, "owner_kind"),
    (SCORECARD, {"month": "13"}, "month"),
    (SCORECARD, {"month": "0"}, "month"),
    (SCORECARD, {"month": "-1"}, "month"),
    (SCORECARD, {"month": "6", "provisional": "ya"}, "provisional"),
    (CASCADE, {"year": "20261", "month": "2"}, "year"),
    (CASCADE, {"year": "2026", "month": "Juni"}, "month"),
])
def test_malformed_parameters_are_400(api, values, people, token_of, template, query, field):
    target = values.prov.id if template == SCORECARD else values.top.id
    r = api.get(template, token_of(people["admin"]), query, id=target)
    assert r.status_code == 400
    error = r.get_json()["error"]
    assert error["code"] == "bad_request" and "tidak valid" in error["message"]
    assert [d["field"] for d in error["details"]] == [field]


def test_messages_in_english_on_request(api, values, people, token_of):
    headers = {**token_of(people["admin"]), "Accept-Language": "en-GB,en;q=0.9"}
    r = api.get(SCORECARD, headers, {"month": "13"}, id=values.prov.id)
    assert r.get_json()["error"]["message"] == "Invalid parameter month."
    assert r.get_json()["error"]["details"][0]["message"] == "month must be a month from 1 to 12."
    r = api.get(SCORECARD, headers, id=999999)
    assert r.status_code == 404 and r.get_json()["error"]["message"] == "Scorecard not found."
    r = api.get(SCORECARD, {**token_of(people["op_b"]), "Accept-Language": "en"}, id=values.opd.scorecard_id)
    assert r.status_code == 403 and r.get_json()["error"]["message"] == "You may not see or change this."
    r = api.get("/scorecards", {"Accept-Language": "en"})
    assert r.status_code == 401 and r.get_json()["error"]["message"] == "The bearer token is missing or invalid."
    # Indonesian otherwise
    r = api.get(SCORECARD, {**token_of(people["admin"]), "Accept-Language": "id-ID,id;q=0.9,en;q=0.5"},
                id=999999)
    assert r.get_json()["error"]["message"] == "Kartu kinerja tidak ditemukan."


@pytest.mark.parametrize("template", [SCORECARD, CASCADE])
def test_unknown_ids_are_404(api, values, people, token_of, template):
    r = api.get(template, token_of(people["admin"]), id=987654)
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("template", ["/scorecards", SCORECARD, CASCADE])
def test_no_token_is_401(api, values, template):
    r = api.get(template, id=values.prov.id)
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "unauthorized"


# ---------------------------------------------------------------- queries do not grow with the rows

def test_queries_do_not_grow_with_the_number_of_scorecards(client, values, org, people, token_of,
                                                             make_position, make_employee):
    from sqlalchemy import event

    from ekinerja.bsc import services
    from ekinerja.bsc.models import OwnerKind

    from ekinerja.bsc.models import Indicator
    from ekinerja.org.models import Unit

    org_ids = {"bidang": org.bidang.id, "unit": values.unit.id}
    statements = []

    def counted(url, headers) -> int:
        db.session.remove()  # the request shares the test's app context: nothing loaded beforehand
        statements.clear()
        assert client.get(url, headers=headers).status_code == 200
        return len(statements)

    calls = [("/api/v1/scorecards?year=2026", token_of(people["office"])),
             ("/api/v1/scorecards?year=2026", token_of(people["op_a"])),
             ("/api/v1/scorecards?year=2026", token_of(org.kabid)),
             (f"/api/v1/indicators/{values.top.id}/cascade?month=2", token_of(org.staff1)),
             (f"/api/v1/indicators/{values.top.id}/cascade?month=2", token_of(people["office"])),
             (f"/api/v1/scorecards/{values.unit.scorecard_id}?month=2", token_of(org.kabid))]
    listen = lambda *args, **kwargs: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        before = [counted(url, headers) for url, headers in calls]
        bidang, unit_indicator = db.session.get(Unit, org_ids["bidang"]), db.session.get(Indicator, org_ids["unit"])
        more = [make_employee(make_position(bidang, f"Analis {n}")) for n in range(4)]
        services.cascade(None, unit_indicator, [services.CascadeTarget(OwnerKind.EMPLOYEE, e.id, 10) for e in more])
        db.session.commit()
        after = [counted(url, headers) for url, headers in calls]
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert after == before
