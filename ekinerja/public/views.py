"""Public E-SAKIP pages (no login): the province's NKO and IKU by quarter, every OPD's NKO, one OPD's
indicators and its published A3/PK documents. Approved values only (ekinerja/public/sakip.py).

Pages are cacheable by anyone for a short while (Cache-Control public) and carry an ETag and
Last-Modified from what feeds them, so a reader's browser or a proxy revalidates with a 304. An
anonymous visitor's page is built once per worker and data version (ekinerja.memo).
"""
from __future__ import annotations

import hashlib

from markupsafe import Markup

from flask import Blueprint, Response, abort, make_response, render_template, request, session
from flask_login import current_user

from ekinerja.bsc.forms import COLOUR_LABELS, COLOUR_SYMBOLS
from ekinerja.charts import draw
from ekinerja.memo import remembered
from ekinerja.public import sakip

bp = Blueprint("public", __name__)

MAX_AGE = 300  # seconds: a newly approved value shows within five minutes even through a proxy
MIN_YEAR, MAX_YEAR = 2000, 2100


def requested_year() -> int:
    """?year=Y, by default the current year in NTB; anything else is a 404 (no such page)."""
    raw = request.args.get("year")
    if raw is None or raw == "":
        return sakip.today().year
    if not raw.isdigit() or not MIN_YEAR <= int(raw) <= MAX_YEAR:
        abort(404)
    return int(raw)


def conditional(year: int, build, variant: str = ""):
    """The year's E-SAKIP figures, answered with revalidation (see `revalidated`)."""
    return revalidated(sakip.fingerprint(year), build, variant)


def revalidated(fingerprint: tuple[str, object], build, variant: str = ""):
    """Answer 304 when the client's ETag still matches what feeds the page (`fingerprint` = key and
    newest write time); otherwise build the response, with its ETag and Last-Modified. Cacheable
    by anyone for an anonymous visitor; private for a logged-in user, whose page carries his name
    and menu (a shared cache must never hand those to someone else)."""
    key, modified = fingerprint
    user = current_user.get_id() if current_user.is_authenticated else ""
    etag = hashlib.sha256(f"{variant}|{user}|{request.path}|{request.query_string.decode()}|{key}"
                          .encode()).hexdigest()[:32]
    if request.if_none_match and request.if_none_match.contains(etag):
        response = make_response("", 304)
    elif user or session.get("_flashes"):
        response = make_response(build())
    else:  # the same bytes for every visitor while the data stays: built once per worker
        data, status, headers = remembered(("public", etag), lambda: _frozen(make_response(build())))
        response = Response(data, status, headers)
    response.set_etag(etag)
    if modified is not None:
        response.last_modified = modified
    if user:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.vary.add("Accept")
    response.vary.add("Cookie")
    return response


def _frozen(response) -> tuple[bytes, int, list]:
    return response.get_data(), response.status_code, list(response.headers.items())


def cacheable(response):
    """A response built in full, marked public for MAX_AGE with an ETag of its bytes (304 when the
    client has them)."""
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.add_etag()
    return response.make_conditional(request)


def _svg(chart: draw.Chart, name: str) -> Markup:
    """A chart's SVG with ids unique on the page (each chart names its own title and description)."""
    return Markup(chart.svg(name))  # noqa: S704  (built by draw.py, every text escaped there)


def _pct(value) -> float | None:
    return None if value is None else float(value) * 100


def _charts(card: sakip.CardFigures, quarters: list[sakip.Period], prefix: str) -> dict:
    """The NKO trend over the quarters and the indicators' scores at the latest begun quarter."""
    labels = [q.label for q in quarters]
    nko = [_pct(w.value) if w is not None else None for w in card.nko]
    trend = draw.trend(f"Tren NKO {card.scorecard.year}", labels, [("NKO", nko, draw.ACCENT)], unit="%",
                       reference=100, number=lambda v: f"{v:.1f}".replace(".", ","))
    latest = max((k for k, q in enumerate(quarters) if q.started), default=None)
    out = {"trend": _svg(trend, f"{prefix}-trend"), "latest": latest}
    if latest is not None and card.rows:
        items = [(f"{r.indicator.code} {r.indicator.name}"[:40],
                  _pct(r.quarters[latest].score) if r.quarters[latest] else None,
                  draw.colour_of(sakip.colour_of(r.quarters[latest]).value)) for r in card.rows]
        bars = draw.bars(f"Capaian indikator s.d. {quarters[latest].label}", items, unit="%",
                         number=lambda v: f"{v:.1f}".replace(".", ","), reference=100)
        out["bars"] = _svg(bars, f"{prefix}-bars")
    return out


def _context(**kw) -> dict:
    return {"COLOUR_LABELS": COLOUR_LABELS, "COLOUR_SYMBOLS": COLOUR_SYMBOLS, "colour_of": sakip.colour_of, **kw}


@bp.get("/sakip")
def index():
    year = requested_year()

    def build():
        quarters, card = sakip.province(year)
        return render_template(
            "public/sakip.html", **_context(
                year=year, quarters=quarters, card=card, opds=sakip.opds(year, quarters),
                documents=sakip.documents(year), charts=_charts(card, quarters, "prov") if card else None))
    return conditional(year, build)


@bp.get("/sakip/opd/<code>")
def opd(code: str):
    year = requested_year()
    unit = sakip.opd_by_code(code)
    if unit is None:
        abort(404)

    def build():
        quarters, card = sakip.opd(year, unit)
        return render_template(
            "public/opd.html", **_context(
                year=year, unit=unit, quarters=quarters, card=card, documents=sakip.documents(year, unit.id),
                lkjip=sakip.lkjip(year, unit, card, quarters) if card else None,
                charts=_charts(card, quarters, "opd") if card else None))
    return conditional(year, build)


@bp.get("/sitemap.xml")
def sitemap():
    """The public pages for search engines (sitemaps.org 0.9), absolute addresses from BASE_URL."""
    from ekinerja.public.catalogue import base_url
    from ekinerja.public.catalogue import sitemap as entries

    root = base_url()
    response = make_response(render_template("public/sitemap.xml", root=root, entries=entries()))
    response.mimetype = "application/xml"
    return cacheable(response)


@bp.get("/robots.txt")
def robots():
    """Crawlers may read the public pages, not the office's; the sitemap is named."""
    from ekinerja.public.catalogue import base_url

    lines = ["User-agent: *", "Allow: /sakip", "Allow: /ppid/", "Allow: /verifikasi/", "Allow: /api/public/",
             "Allow: /static/",
             "Disallow: /", f"Sitemap: {base_url()}/sitemap.xml", ""]
    response = make_response("\n".join(lines))
    response.mimetype = "text/plain"
    return cacheable(response)
