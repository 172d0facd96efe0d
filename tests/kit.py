"""What the page and access tests of every package share: the database (and stored files) as they
are now, read outside the test's session; the visible text of a page; the login redirect; and the
check that a blueprint's route table lists every route it has."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import sqlalchemy as sa

from ekinerja import storage
from ekinerja.extensions import db


def snapshot() -> dict[str, list[str]]:
    """Every row of every table, read on a connection of its own (outside the test's session), and
    the files in the storage: a refused action must leave both as they were."""
    with db.engine.connect() as conn:
        rows = {t.name: sorted(map(repr, conn.execute(sa.select(t)).all())) for t in db.metadata.sorted_tables}
    root = storage.root()
    rows["(files)"] = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return rows


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/masuk"


def text_of(response) -> str:
    """The page's visible text in <main>, tags dropped and spaces squeezed (for phrases across lines)."""
    html = response.get_data(as_text=True)
    html = html[html.find("<main"):html.find("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ,", ",").replace(" .", ".")


def assert_routes_listed(app, prefix: str, routes, post_data=None) -> None:
    """Every route of the blueprint (endpoints starting with `prefix`) is in `routes` — rows of
    (endpoint, method, path-with-{ids}, who) — and every POST has its data."""
    adapter = app.url_map.bind("localhost")
    listed = set()
    for endpoint, method, path, *_ in routes:
        rule, _args = adapter.match(path.split("?")[0].format_map({k: 1 for k in re.findall(r"{(\w+)}", path)}),
                                    method=method, return_rule=True)
        assert rule.endpoint == endpoint, (path, rule.endpoint)
        listed.add((method, rule.rule))
    in_app = {(m, rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint.startswith(prefix)
              for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert in_app == listed, sorted(in_app ^ listed)
    if post_data is not None:
        assert all(path in post_data for _, method, path, *_ in routes if method == "POST")
