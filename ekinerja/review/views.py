"""The governor's office review pages: the province dashboard and the OPD compliance table.
Province-wide readers only (bsc.view with scope ALL: the governor's office, the governor, the
administrator and the auditor)."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup

from ekinerja.auth.permissions import Scope, access
from ekinerja.bsc.forms import COLOUR_LABELS, COLOUR_SYMBOLS, MONTHS
from ekinerja.bsc.scoring import Colour, colour
from ekinerja.charts import draw
from ekinerja.bsc.rollups import data_version
from ekinerja.errors import PermissionDenied
from ekinerja.memo import remembered
from ekinerja.realisations import periods
from ekinerja.review import briefing
from ekinerja.review import dashboard as rd
from ekinerja.web import format_percent_id

bp = Blueprint("review", __name__)
SHORT = [m[:3] for m in MONTHS]


@bp.before_request
@login_required
def _only_province_readers():
    if access(current_user, "bsc.view").scope != Scope.ALL:
        raise PermissionDenied("Halaman ini hanya untuk Biro Organisasi, Gubernur, administrator dan auditor.")
    return None


@bp.context_processor
def _labels():
    return {"COLOUR_LABELS": COLOUR_LABELS, "COLOUR_SYMBOLS": COLOUR_SYMBOLS, "MONTHS": MONTHS,
            "COLOUR_RED": Colour.RED, "COLOUR_GREY": Colour.GREY}


def _period() -> tuple[int, int]:
    """?tahun=&bulan=, else this year to the current month (December of a past year)."""
    today = periods.today()
    year = request.args.get("tahun", type=int)
    year = year if year and 2000 <= year <= 2100 else today.year
    month = request.args.get("bulan", type=int)
    if not (month and 1 <= month <= 12):
        month = 12 if year < today.year else 1 if year > today.year else today.month
    return year, month


def _pct(value) -> str:
    return format_percent_id(value)


def _svg(chart: draw.Chart, key: str) -> Markup:
    """The chart's SVG (built from escaped text only), its ids unique among the page's four charts."""
    return Markup(chart.svg(key))


def _charts(d: rd.Dashboard) -> dict[str, Markup]:
    labels = SHORT[:d.month]
    trend = briefing.trend_chart(d, width=520, height=220)  # the same drawing as in the briefing book
    items = [(r.opd.short_name or r.opd.name,
              None if not r.nko or r.nko.value is None else float(r.nko.value) * 100,
              draw.colour_of((r.nko.colour if r.nko else Colour.GREY).value)) for r in d.opds]
    bars = draw.bars(f"NKO perangkat daerah s.d. {MONTHS[d.month - 1]} {d.year}", items,
                     unit="%", reference=100, number=lambda v: f"{v:.1f}")
    names = [r.opd.short_name or r.opd.name for r in d.opds]
    filled = {}
    achieved = {}
    for i, r in enumerate(d.opds):
        for j in range(d.month):
            share = r.completeness[j]
            c = Colour.GREY if share is None else colour(share)
            filled[(i, j)] = (draw.colour_of(c.value), "tidak ada indikator" if share is None else _pct(share))
            achieved[(i, j)] = (draw.colour_of(r.colours[j].value), COLOUR_LABELS[r.colours[j]])
    return {
        "trend": _svg(trend, "tren"), "bars": _svg(bars, "nko"),
        "filled": _svg(draw.heatmap(f"Kelengkapan pengisian realisasi {d.year}", names, labels, filled), "isi"),
        "achieved": _svg(draw.heatmap(f"Status capaian (NKO) perangkat daerah {d.year}", names, labels, achieved),
                         "capaian"),
    }


@bp.get("/")
def index():
    year, month = _period()

    def body() -> Markup:
        d = rd.dashboard(year, month)
        return Markup(render_template("review/_dashboard.html", d=d, year=year, month=month, charts=_charts(d)))
    # The same for every province-wide reader: built once per worker and data version (ekinerja.memo).
    version, _ = data_version()
    content = remembered(("review", year, month, version, periods.today()), body)
    return render_template("review/index.html", content=content, year=year, month=month)


@bp.get("/kepatuhan")
def compliance():
    year, month = _period()
    rows = rd.compliance(year, month)
    return render_template("review/compliance.html", rows=rows, year=year, month=month,
                           deadline=periods.deadline)


# The drill-down and the exports add their routes to this blueprint.
from ekinerja.review import drill_views, export_views  # noqa: E402,F401
