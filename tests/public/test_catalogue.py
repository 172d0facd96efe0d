"""The open-data catalogue (/api/public/v1/data.json), the sitemap and robots.txt: no login, every
public year listed with its datasets, absolute addresses from BASE_URL (never the Host header),
last-modified moving when a value is approved, and nothing that is not public named anywhere."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from ekinerja.bsc.models import Realisation, RealisationStatus
from ekinerja.extensions import db
from tests.public.test_sakip import agreements, figures  # noqa: F401  (fixtures)
from tests.contracts.conftest import SIGNING, iku, people, realise, scan, today  # noqa: F401
from tests.test_access import PUBLIC_RULES

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_routes_are_public_by_design():
    assert {"/api/public/v1/data.json", "/sitemap.xml", "/robots.txt"} <= PUBLIC_RULES


def test_catalogue_lists_each_public_year(app, client, figures, org):
    r = client.get("/api/public/v1/data.json", headers={"Host": "evil.example"})
    assert r.status_code == 200 and r.cache_control.public and r.headers["ETag"]
    cat = r.get_json()
    assert cat["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    ids = [d["identifier"] for d in cat["dataset"]]
    assert ids == ["ekinerja-ntb-sakip-2026", "ekinerja-ntb-sakip-opd-2026", "ekinerja-ntb-dokumen-2026"]
    base = app.config["BASE_URL"].rstrip("/")
    for d in cat["dataset"]:
        for key in ("title", "description", "publisher", "license", "modified", "accessLevel", "distribution"):
            assert d[key], (d["identifier"], key)
        assert d["publisher"]["name"].startswith("Pemerintah Provinsi Nusa Tenggara Barat")
        assert d["license"] == "https://creativecommons.org/licenses/by/4.0/"
        for dist in d["distribution"]:
            assert dist["downloadURL"].startswith(base + "/api/public/v1/")
            assert "evil.example" not in dist["downloadURL"]
            # every address answers, without login, in the media type it announces
            got = client.get(dist["downloadURL"][len(base):])
            assert got.status_code == 200 and got.mimetype == dist["mediaType"], dist
    [sakip] = [d for d in cat["dataset"] if d["identifier"] == "ekinerja-ntb-sakip-2026"]
    assert {x["mediaType"] for x in sakip["distribution"]} == {"application/json", "text/csv"}


def test_last_modified_moves_when_a_value_is_approved(client, figures):
    def modified():
        cat = client.get("/api/public/v1/data.json").get_json()
        return next(d["modified"] for d in cat["dataset"] if d["identifier"] == "ekinerja-ntb-sakip-2026")

    from datetime import datetime, timezone

    from ekinerja.bsc.models import RollupLock

    # The last change an hour ago (Last-Modified has whole seconds; the test runs within one).
    db.session.execute(db.update(RollupLock).values(changed_at=datetime(2026, 11, 1, 8, tzinfo=timezone.utc)))
    db.session.commit()
    first = client.get("/api/public/v1/data.json")
    before = modified()
    march = db.session.scalar(db.select(Realisation).where(Realisation.indicator_id == figures.opd.id,
                                                           Realisation.month == 3))
    march.status = RealisationStatus.APPROVED
    march.version += 1
    db.session.commit()
    assert modified() > before
    assert client.get("/api/public/v1/data.json", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_not_modified(client, figures):
    first = client.get("/api/public/v1/data.json")
    assert client.get("/api/public/v1/data.json", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_no_year_without_public_data(client, org):
    assert client.get("/api/public/v1/data.json").get_json()["dataset"] == []


def test_sitemap_names_the_public_pages(app, client, figures, org, make_opd):
    make_opd()  # an OPD without a scorecard has no page in the sitemap for the year
    db.session.commit()
    r = client.get("/sitemap.xml", headers={"Host": "evil.example"})
    assert r.status_code == 200 and r.mimetype == "application/xml"
    root = ET.fromstring(r.get_data())
    locs = [u.find(f"{SM}loc").text for u in root.findall(f"{SM}url")]
    base = app.config["BASE_URL"].rstrip("/")
    assert all(loc.startswith(base + "/") for loc in locs)
    paths = [loc[len(base):] for loc in locs]
    assert "/sakip?year=2026" in paths and f"/sakip/opd/{org.a.code}?year=2026" in paths
    assert not any(p.startswith(f"/sakip/opd/{org.b.code}") for p in paths)  # OPD B has no card
    lastmod = [u.find(f"{SM}lastmod") for u in root.findall(f"{SM}url")]
    assert any(x is not None for x in lastmod)
    for path in paths:  # every page named answers without login
        got = client.get(path)
        assert got.status_code == 200, path
        assert urlsplit(path).path in {r.rule for r in app.url_map.iter_rules()} or path.startswith("/sakip/opd/")


def test_robots_points_at_the_sitemap(app, client):
    body = client.get("/robots.txt").get_data(as_text=True)
    assert f"Sitemap: {app.config['BASE_URL'].rstrip('/')}/sitemap.xml" in body
    assert "Disallow: /\n" in body and "Allow: /sakip" in body
