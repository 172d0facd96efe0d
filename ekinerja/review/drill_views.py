"""The drill-down pages of the review blueprint: a node of the cascade with its children (each
opened in place, its own children fetched as a fragment), and the gaps of the cascade by OPD.
Province-wide readers only: the blueprint's before_request refuses everyone else."""
from __future__ import annotations

from flask import render_template, request

from ekinerja.bsc.forms import CASCADE_KIND_LABELS, OWNER_KIND_LABELS
from ekinerja.realisations import periods
from ekinerja.realisations.forms import STATUS_SYMBOLS
from ekinerja.realisations.services import STATUS_LABELS
from ekinerja.review import drill as rdrill
from ekinerja.review.views import bp

LABELS = {"OWNER_KIND_LABELS": OWNER_KIND_LABELS, "CASCADE_KIND_LABELS": CASCADE_KIND_LABELS,
          "STATUS_LABELS": STATUS_LABELS, "STATUS_SYMBOLS": STATUS_SYMBOLS,
          "THIN_POST_BELOW": rdrill.THIN_POST_BELOW}


@bp.get("/telusur/<int:indicator_id>")
def drill(indicator_id: int):
    d = rdrill.drill(indicator_id, request.args.get("bulan", type=int))
    return render_template("review/drill.html", d=d, node=d.node, year=d.period.year, month=d.period.month,
                           **LABELS)


@bp.get("/telusur/<int:indicator_id>/anak")
def drill_children(indicator_id: int):
    """The children of a node as an HTML fragment (opened in place by static/js/telusur.js)."""
    d = rdrill.drill(indicator_id, request.args.get("bulan", type=int))
    return render_template("review/drill_children.html", d=d, node=d.node, year=d.period.year,
                           month=d.period.month, **LABELS)


@bp.get("/celah")
def gaps():
    year = request.args.get("tahun", type=int)
    year = year if year and 2000 <= year <= 2100 else periods.today().year
    return render_template("review/gaps.html", r=rdrill.gap_report(year), year=year, **LABELS)
