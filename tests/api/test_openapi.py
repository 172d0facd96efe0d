"""/api/v1/openapi.json describes the server as it is: every route is a path and every path a route,
with the same methods; every operation says its answers; the schemas check real answers (the
other tests of tests/api run every answer through them)."""
import re

from tests.api.schema import check


def routes(app) -> set[tuple[str, str]]:
    """(METHOD, path template in OpenAPI form relative to /api/v1) of every route under /api/v1."""
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1"):])
        out |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return out


def documented(document) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, operations in document["paths"].items()
            for method in operations if method in ("get", "post", "put", "patch", "delete")}


def test_every_route_is_documented_and_every_path_is_a_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["servers"] == [{"url": "/api/v1"}]
    in_app, in_doc = routes(app), documented(document)
    assert in_app, "no /api/v1 routes found"
    assert sorted(in_app - in_doc) == [], "routes missing from openapi.json"
    assert sorted(in_doc - in_app) == [], "paths in openapi.json that the server does not have"


def test_the_document_is_well_formed(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.0")
    bearer = document["components"]["securitySchemes"]["bearer"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    assert document["security"] == [{"bearer": []}]
    text = client.get("/api/v1/openapi.json").get_data(as_text=True)
    refs = set(re.findall(r'"\$ref": ?"#/components/(\w+)/(\w+)"', text))
    assert refs
    for section, name in refs:
        assert name in document["components"][section], f"dangling $ref {section}/{name}"
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            assert op["operationId"] and op["summary"] and op["responses"], (method, path)
            template_names = set(re.findall(r"\{(\w+)\}", path))
            declared = {p["name"] for p in op.get("parameters", []) if "in" in p and p["in"] == "path"}
            assert template_names == declared, (method, path)
            if path != "/openapi.json":
                assert "401" in op["responses"], f"{method} {path} lacks its 401"
    assert document["paths"]["/openapi.json"]["get"]["security"] == []


def test_openapi_needs_no_token(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200 and r.mimetype == "application/json"


def test_the_checker_finds_what_is_wrong(client):
    """The schema checker the other tests rely on does catch a wrong answer."""
    document = client.get("/api/v1/openapi.json").get_json()
    schema = {"$ref": "#/components/schemas/IndicatorComputed"}
    good = {"month": 2, "target": "20", "target_high": None, "realisation": "8", "achievement": "40.00",
            "score": "40.00", "colour": "red", "missing_months": [2], "coverage": "100.00"}
    assert check(good, schema, document) == []
    assert check({**good, "colour": "blue"}, schema, document)
    assert check({**good, "achievement": "40"}, schema, document)
    assert check({k: v for k, v in good.items() if k != "score"}, schema, document)
    assert check({**good, "target": None}, schema, document)
    assert check({**good, "month": "2"}, schema, document)
