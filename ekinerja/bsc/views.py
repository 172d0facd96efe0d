"""Scorecard pages (domain.md §3): the list, one scorecard with its figures, building and editing it,
the cascade screen, the strategy map, an indicator's cascade tree and the cascade gaps."""
from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass, field
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from ekinerja.auth.permissions import Scope, access, can, can_scorecard, headed_unit_id, require, subtree_unit_ids
from ekinerja.bsc import services
from ekinerja.bsc.cascade import Node, _chunks, figures_of, gaps, scorecard_figures, scorecards_nko
from ekinerja.bsc.forms import (AGGREGATION_LABELS, CASCADE_KIND_LABELS, COLOUR_LABELS, COLOUR_SYMBOLS, MONTHS,
                                OWNER_KIND_LABELS, POLARITY_LABELS, ROLLUP_LABELS, DeleteForm, IndicatorForm,
                                ObjectiveForm, ScorecardForm, WeightsForm, cascade_form, months_text)
from ekinerja.bsc.models import Indicator, Objective, OwnerKind, Perspective, Scorecard
from ekinerja.bsc.rollups import data_version
from ekinerja.bsc.scoring import Colour
from ekinerja.errors import NotFound, ValidationFailed
from ekinerja.extensions import db
from ekinerja.forms_util import apply_errors, saving
from ekinerja.memo import remembered
from ekinerja.org.models import Employee, Opd, Position, Unit
from ekinerja.org.services import unit_tree
from ekinerja.web import WITA

bp = Blueprint("bsc", __name__)
PER_PAGE = 50


@bp.before_request
@login_required
def _login():
    return None


@bp.context_processor
def _labels():
    return {"POLARITY_LABELS": POLARITY_LABELS, "AGGREGATION_LABELS": AGGREGATION_LABELS,
            "CASCADE_KIND_LABELS": CASCADE_KIND_LABELS, "ROLLUP_LABELS": ROLLUP_LABELS,
            "OWNER_KIND_LABELS": OWNER_KIND_LABELS, "COLOUR_LABELS": COLOUR_LABELS,
            "COLOUR_SYMBOLS": COLOUR_SYMBOLS, "MONTHS": MONTHS, "months_text": months_text}


# ---------------------------------------------------------------- request arguments

def _today():
    return datetime.now(WITA).date()


def _year_arg() -> int:
    year = request.args.get("tahun", type=int)
    return year if year and 2000 <= year <= 2100 else _today().year


def _month_arg(year: int) -> int:
    """?bulan=M, else the current month of the current year (December of a past year)."""
    month = request.args.get("bulan", type=int)
    if month and 1 <= month <= 12:
        return month
    today = _today()
    return 12 if year < today.year else 1 if year > today.year else today.month


def _provisional() -> bool:
    return request.args.get("sementara") == "1"


# ---------------------------------------------------------------- the list

KIND_ORDER = case((Scorecard.owner_kind == OwnerKind.PROVINCE, 0), (Scorecard.owner_kind == OwnerKind.OPD, 1),
                  (Scorecard.owner_kind == OwnerKind.UNIT, 2), else_=3)


def _visible(user):
    """The scorecards the user may see (can_scorecard "bsc.view") as a WHERE clause; None: all."""
    a = access(user, "bsc.view")
    if a.scope == Scope.ALL:
        return None
    conds = [Scorecard.owner_kind == OwnerKind.PROVINCE]
    if a.opd_ids:
        conds.append(Scorecard.opd_id.in_(a.opd_ids))
    for unit_id in a.head_unit_ids:
        unit = db.session.get(Unit, unit_id)
        units = subtree_unit_ids(unit)
        conds.append(Scorecard.unit_id.in_(units))
        conds.append(Scorecard.employee_id.in_(
            select(Employee.id).join(Position, Employee.position_id == Position.id).where(Position.unit_id.in_(units))))
        if unit.parent_id is None:  # the OPD head: the OPD's own scorecard too
            conds.append((Scorecard.owner_kind == OwnerKind.OPD) & (Scorecard.opd_id == unit.opd_id))
    if a.employee_id is not None:
        conds.append(Scorecard.employee_id == a.employee_id)
    return or_(*conds)


@bp.get("/")
def index():
    require(can(current_user, "bsc.view"))
    year = _year_arg()
    month = _month_arg(year)
    all_scope = access(current_user, "bsc.view").scope == Scope.ALL
    opd = db.session.get(Opd, request.args.get("opd", type=int) or 0)
    stmt = (select(Scorecard).outerjoin(Opd, Scorecard.opd_id == Opd.id).outerjoin(Unit, Scorecard.unit_id == Unit.id)
            .outerjoin(Employee, Scorecard.employee_id == Employee.id).where(Scorecard.year == year)
            .options(selectinload(Scorecard.opd), selectinload(Scorecard.unit),
                     selectinload(Scorecard.employee).selectinload(Employee.position)))
    visible = _visible(current_user)
    if visible is not None:
        stmt = stmt.where(visible)
    if opd is not None:
        stmt = stmt.where(Scorecard.opd_id == opd.id)
    elif all_scope:  # province-wide readers: the province and the OPDs; the rest per OPD
        stmt = stmt.where(Scorecard.owner_kind.in_([OwnerKind.PROVINCE, OwnerKind.OPD]))
    page = max(1, request.args.get("page", 1, type=int))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    cards = db.session.scalars(stmt.order_by(KIND_ORDER, Opd.code, Unit.code, Employee.name, Scorecard.id)
                               .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    below = {}
    if all_scope and opd is None:
        below = dict(db.session.execute(
            select(Scorecard.opd_id, func.count()).where(
                Scorecard.year == year, Scorecard.owner_kind.in_([OwnerKind.UNIT, OwnerKind.EMPLOYEE]))
            .group_by(Scorecard.opd_id)).all())
    opds = db.session.scalars(select(Opd).order_by(Opd.code)).all() if all_scope else []
    return render_template(
        "bsc/index.html", year=year, month=month, cards=cards, nko=scorecards_nko(cards, month),
        page=page, pages=max(1, math.ceil(total / PER_PAGE)), total=total, opd=opd, opds=opds, below=below,
        can_create=can(current_user, "bsc.manage"), can_gaps=_gap_opds(current_user) != set())


# ---------------------------------------------------------------- one scorecard

def _levels_below(cards) -> set[int]:
    """Ids of the scorecards that have a level below them to cascade to (domain.md §3.4): every
    OPD under the province; sub-units or staff under an OPD's office or a unit."""
    cards = list({sc.id: sc for sc in cards}.values())
    out = {sc.id for sc in cards if sc.owner_kind == OwnerKind.PROVINCE}
    unit_of = {sc.id: sc.unit_id for sc in cards if sc.owner_kind == OwnerKind.UNIT}
    opd_cards = {sc.id: sc.opd_id for sc in cards if sc.owner_kind == OwnerKind.OPD}
    if opd_cards:
        roots = dict(db.session.execute(select(Unit.opd_id, Unit.id).where(
            Unit.opd_id.in_(set(opd_cards.values())), Unit.parent_id.is_(None))).all())
        unit_of.update({sc_id: roots.get(opd_id) for sc_id, opd_id in opd_cards.items()})
    unit_ids = {u for u in unit_of.values() if u is not None}
    if unit_ids:
        with_children = set(db.session.scalars(select(Unit.parent_id).where(Unit.parent_id.in_(unit_ids))))
        staffed = set(db.session.scalars(
            select(Position.unit_id).join(Employee, Employee.position_id == Position.id)
            .where(Position.unit_id.in_(unit_ids), Position.head_of_unit_id.is_(None))))
        out |= {sc_id for sc_id, u in unit_of.items() if u in with_children | staffed}
    return out


def _uncascaded(sc: Scorecard, nodes: dict[int, Node]) -> set[int]:
    if sc.id not in _levels_below([sc]):
        return set()
    return {i for i, n in nodes.items() if not n.children}


@bp.get("/kartu/<int:scorecard_id>")
def scorecard(scorecard_id: int):
    sc = services.get_scorecard(scorecard_id)
    require(can_scorecard(current_user, "bsc.view", sc))
    month, provisional = _month_arg(sc.year), _provisional()
    can_manage = can_scorecard(current_user, "bsc.manage", sc)

    def body() -> Markup:
        figures = scorecard_figures(sc, month, provisional)
        total_weight = sum((n.indicator.weight for n in figures.nodes.values()), 0)
        return Markup(render_template("bsc/_scorecard.html", sc=sc, f=figures, month=month,
                                      provisional=provisional, total_weight=total_weight,
                                      uncascaded=_uncascaded(sc, figures.nodes),
                                      warnings=services.scorecard_warnings(sc), can_manage=can_manage))
    # The same for everyone who may see it (and for everyone who may manage it): built once per
    # worker and data version (ekinerja.memo).
    version, _ = data_version()
    content = remembered(("scorecard", sc.id, month, provisional, can_manage, version, _today()), body)
    return render_template("bsc/scorecard.html", sc=sc, content=content)


# ---------------------------------------------------------------- building a scorecard

def _owner_groups(opd: Opd, units: set[int] | None = None, skip_employee: int | None = None) -> dict:
    groups: dict[str, list] = {}
    if units is None:
        groups["Perangkat Daerah"] = [(f"opd:{opd.id}", opd.name)]
    tree = [(u, d) for u, d in unit_tree(opd) if units is None or u.id in units]
    if tree:
        groups[f"Unit kerja — {opd.short_name or opd.name}"] = [
            (f"unit:{u.id}", ("— " * d) + u.name) for u, d in tree if u.parent_id is not None or units is not None]
    rows = db.session.execute(
        select(Employee, Position).join(Position, Employee.position_id == Position.id)
        .join(Unit, Position.unit_id == Unit.id).where(Unit.opd_id == opd.id)
        .order_by(Unit.code, Position.head_of_unit_id.is_(None), Employee.name)).all()
    people = [(f"employee:{e.id}", f"{e.name} — {p.name}") for e, p in rows
              if (units is None or p.unit_id in units) and e.id != skip_employee]
    if people:
        groups[f"Pegawai — {opd.short_name or opd.name}"] = people
    return {k: v for k, v in groups.items() if v}


def _owner_choices(user, opd: Opd | None) -> dict:
    """Whose scorecard the user may create: the province and the OPDs (then, per chosen OPD, its
    units and staff) for province-wide keepers; the operator's OPD; the units and staff below a head."""
    a = access(user, "bsc.manage")
    if a.scope == Scope.ALL:
        if opd is not None:
            return _owner_groups(opd)
        return {"Provinsi": [("province", "Pemerintah Provinsi Nusa Tenggara Barat")],
                "Perangkat Daerah": [(f"opd:{o.id}", o.name) for o in
                                     db.session.scalars(select(Opd).order_by(Opd.code))]}
    groups: dict = {}
    for opd_id in sorted(a.opd_ids):
        groups.update(_owner_groups(db.session.get(Opd, opd_id)))
    for unit_id in a.head_unit_ids:
        unit = db.session.get(Unit, unit_id)
        if unit.opd_id not in a.opd_ids:  # the OPD head keeps the OPD's card too; nobody keeps his own
            units = None if unit.parent_id is None else subtree_unit_ids(unit)
            groups.update(_owner_groups(unit.opd, units, skip_employee=user.employee_id))
    return groups


def _parse_owner(value: str):
    kind, _, owner_id = (value or "").partition(":")
    try:
        kind = OwnerKind(kind)
        if kind == OwnerKind.PROVINCE:
            return kind, None
        model = {OwnerKind.OPD: Opd, OwnerKind.UNIT: Unit, OwnerKind.EMPLOYEE: Employee}[kind]
        owner = db.session.get(model, int(owner_id))
    except (ValueError, KeyError):
        owner = None
    if owner is None:
        raise ValidationFailed("Pemilik kartu tidak dikenal.", [{"field": "owner", "message": "Pilih pemilik kartu dari daftar."}])
    return kind, owner


@bp.route("/kartu/baru", methods=["GET", "POST"])
def scorecard_new():
    require(can(current_user, "bsc.manage"))
    all_scope = access(current_user, "bsc.manage").scope == Scope.ALL
    opd = db.session.get(Opd, request.args.get("opd", type=int) or 0) if all_scope else None
    form = ScorecardForm()
    form.owner.choices = _owner_choices(current_user, opd)
    if request.method == "GET":
        form.year.data = _year_arg()
    if form.validate_on_submit():
        with saving(form) as saved:
            kind, owner = _parse_owner(form.owner.data)
            existing = services.find_scorecard(form.year.data, kind, owner)
            sc = existing or services.ensure_scorecard(current_user, form.year.data, kind, owner)
            require(can_scorecard(current_user, "bsc.manage", sc))
        if saved:
            flash("Kartu kinerja ini sudah ada." if existing else f"Kartu kinerja {sc.owner_name} {sc.year} dibuat.",
                  "info" if existing else "success")
            return redirect(url_for("bsc.scorecard", scorecard_id=sc.id))
    opds = db.session.scalars(select(Opd).order_by(Opd.code)).all() if all_scope else []
    return render_template("bsc/scorecard_new.html", form=form, opd=opd, opds=opds), 422 if form.errors else 200


def _managed_scorecard(scorecard_id: int) -> Scorecard:
    sc = services.get_scorecard(scorecard_id)
    require(can_scorecard(current_user, "bsc.manage", sc))
    return sc


@bp.route("/kartu/<int:scorecard_id>/bobot", methods=["GET", "POST"])
def weights(scorecard_id: int):
    sc = _managed_scorecard(scorecard_id)
    form = WeightsForm()
    if request.method == "GET":
        form.fill(sc)
    if form.validate_on_submit():
        with saving(form) as saved:
            services.set_weights(current_user, sc, form.weights())
        if saved:
            flash("Bobot perspektif disimpan.", "success")
            return redirect(url_for("bsc.scorecard", scorecard_id=sc.id))
    return render_template("bsc/weights.html", form=form, sc=sc), 422 if form.errors else 200


@bp.route("/kartu/<int:scorecard_id>/sasaran/baru", methods=["GET", "POST"])
def objective_new(scorecard_id: int):
    sc = _managed_scorecard(scorecard_id)
    form = ObjectiveForm()
    if request.method == "GET" and request.args.get("perspektif") in {p.value for p in Perspective}:
        form.perspective.data = request.args["perspektif"]
    return _objective_form(sc, form, None)


@bp.route("/sasaran/<int:objective_id>/ubah", methods=["GET", "POST"])
def objective_edit(objective_id: int):
    objective = db.session.get(Objective, objective_id)
    if objective is None:
        raise NotFound("Sasaran strategis tidak ditemukan.")
    sc = _managed_scorecard(objective.scorecard_id)
    form = ObjectiveForm(obj=None if request.method == "POST" else objective)
    if request.method == "GET":
        form.perspective.data = objective.perspective.value
    return _objective_form(sc, form, objective)


def _objective_form(sc: Scorecard, form: ObjectiveForm, objective: Objective | None):
    if form.validate_on_submit():
        with saving(form) as saved:
            objective = services.save_objective(current_user, sc, form.code.data, form.perspective.data,
                                                form.name.data, objective)
        if saved:
            flash(f"Sasaran {objective.code} disimpan.", "success")
            return redirect(url_for("bsc.scorecard", scorecard_id=sc.id) + f"#ss-{objective.id}")
    return render_template("bsc/objective_form.html", form=form, sc=sc, objective=objective), \
        422 if form.errors else 200


# ---------------------------------------------------------------- indicators

def _parent_groups(sc: Scorecard, keep: int | None = None) -> list[tuple[str, list[tuple[int, str]]]]:
    """Indicators that may be this scorecard's parents: those of the scorecards above it in the
    same year (services.is_above), grouped by scorecard."""
    conds = []
    if sc.owner_kind == OwnerKind.OPD:
        conds.append(Scorecard.owner_kind == OwnerKind.PROVINCE)
    elif sc.owner_kind in (OwnerKind.UNIT, OwnerKind.EMPLOYEE):
        conds.append((Scorecard.owner_kind == OwnerKind.OPD) & (Scorecard.opd_id == sc.opd_id))
        start = sc.unit.parent if sc.owner_kind == OwnerKind.UNIT else (
            sc.employee.position.unit if sc.employee.position else None)
        ancestors = []
        while start is not None:
            ancestors.append(start.id)
            start = start.parent
        if ancestors:
            conds.append((Scorecard.owner_kind == OwnerKind.UNIT) & Scorecard.unit_id.in_(ancestors))
    uppers = db.session.scalars(select(Scorecard).where(Scorecard.year == sc.year, or_(*conds))
                                .order_by(KIND_ORDER)).all() if conds else []
    uppers = [u for u in uppers if services.is_above(u, sc)]
    by_card: dict[int, list[Indicator]] = {u.id: [] for u in uppers}
    if uppers:
        for ind in db.session.scalars(select(Indicator).where(Indicator.scorecard_id.in_(list(by_card)))
                                      .order_by(Indicator.code)):
            by_card[ind.scorecard_id].append(ind)
    groups = [(f"{u.owner_name} ({OWNER_KIND_LABELS[u.owner_kind]})", [(i.id, f"{i.code} — {i.name}") for i in by_card[u.id]])
              for u in uppers if by_card[u.id]]
    if keep and not any(keep == i for _, opts in groups for i, _ in opts):
        current = db.session.get(Indicator, keep)
        if current is not None:
            groups.append(("Induk saat ini", [(current.id, f"{current.code} — {current.name}")]))
    return groups


def _indicator_form(sc: Scorecard, objective: Objective, indicator: Indicator | None):
    form = IndicatorForm()
    objectives = sc.objectives
    form.objective_id.choices = [(o.id, f"{o.code} — {o.name}") for o in objectives]
    if request.method == "GET":
        form.objective_id.data = objective.id
        if indicator is not None:
            form.fill(indicator)
    groups = _parent_groups(sc, indicator.parent_id if indicator else None)
    form.parent_id.choices = [("", "— tanpa induk —")] + [opt for _, opts in groups for opt in opts]
    months_error = None
    if form.validate_on_submit():
        target_objective = next(o for o in objectives if o.id == form.objective_id.data)
        try:
            indicator = services.save_indicator(current_user, target_objective, form.input(), indicator)
        except ValidationFailed as exc:
            db.session.rollback()
            for d in exc.details:
                d["field"] = IndicatorForm.field_of(d.get("field") or "")
            apply_errors(form, exc)
            months_error = form.tidy_month_errors()
        else:
            db.session.commit()
            flash(f"Indikator {indicator.code} disimpan.", "success")
            return redirect(url_for("bsc.scorecard", scorecard_id=sc.id) + f"#ind-{indicator.id}")
    return render_template("bsc/indicator_form.html", form=form, sc=sc, objective=objective, indicator=indicator,
                           parent_groups=groups, months_error=months_error), 422 if form.errors else 200


@bp.route("/sasaran/<int:objective_id>/indikator/baru", methods=["GET", "POST"])
def indicator_new(objective_id: int):
    objective = db.session.get(Objective, objective_id)
    if objective is None:
        raise NotFound("Sasaran strategis tidak ditemukan.")
    sc = _managed_scorecard(objective.scorecard_id)
    return _indicator_form(sc, objective, None)


@bp.route("/indikator/<int:indicator_id>/ubah", methods=["GET", "POST"])
def indicator_edit(indicator_id: int):
    indicator = services.get_indicator(indicator_id)
    sc = _managed_scorecard(indicator.scorecard_id)
    return _indicator_form(sc, indicator.objective, indicator)


@bp.route("/indikator/<int:indicator_id>/hapus", methods=["GET", "POST"])
def indicator_delete(indicator_id: int):
    indicator = services.get_indicator(indicator_id)
    sc = _managed_scorecard(indicator.scorecard_id)
    form = DeleteForm()
    if form.validate_on_submit():
        code = indicator.code
        with saving(form) as saved:
            services.delete_indicator(current_user, indicator)
        if saved:
            flash(f"Indikator {code} dihapus.", "success")
            return redirect(url_for("bsc.scorecard", scorecard_id=sc.id))
    return render_template("bsc/indicator_delete.html", form=form, sc=sc, indicator=indicator), \
        422 if form.form_errors else 200


# ---------------------------------------------------------------- the cascade screen

@dataclass
class Recipient:
    key: str                     # the owner key of its scorecard: "unit:40", "employee:7"
    kind: OwnerKind
    owner_id: int
    name: str
    detail: str
    existing: Indicator | None = None


def _recipients(parent: Indicator) -> list[Recipient]:
    """Who the indicator can be handed down to: the OPDs under the province; the units of an OPD
    (and the staff of its office); the sub-units and the staff of a unit."""
    sc = parent.scorecard
    out: list[Recipient] = []
    if sc.owner_kind == OwnerKind.PROVINCE:
        for o in db.session.scalars(select(Opd).order_by(Opd.code)):
            out.append(Recipient(f"opd:{o.id}", OwnerKind.OPD, o.id, o.name, o.code))
        unit = None
    elif sc.owner_kind == OwnerKind.OPD:
        unit = sc.opd.root_unit
    elif sc.owner_kind == OwnerKind.UNIT:
        unit = sc.unit
    else:
        unit = None
    if unit is not None:
        for u in unit.children:
            out.append(Recipient(f"unit:{u.id}", OwnerKind.UNIT, u.id, u.name, u.kind.label))
        rows = db.session.execute(
            select(Employee, Position).join(Position, Employee.position_id == Position.id)
            .where(Position.unit_id == unit.id, Position.head_of_unit_id.is_(None))
            .order_by(Position.name, Employee.name)).all()
        for e, p in rows:
            out.append(Recipient(f"employee:{e.id}", OwnerKind.EMPLOYEE, e.id, e.name, p.name))
    existing = {key: ind for ind, key in db.session.execute(
        select(Indicator, Scorecard.owner_key).join(Scorecard, Indicator.scorecard_id == Scorecard.id)
        .where(Indicator.parent_id == parent.id))}
    for r in out:
        r.existing = existing.get(r.key)
    return out


TARGET_FIELD = re.compile(r"^targets\[(\d+)\](?:\.(.+))?$")


@bp.route("/indikator/<int:indicator_id>/kaskade", methods=["GET", "POST"])
def cascade(indicator_id: int):
    parent = services.get_indicator(indicator_id)
    sc = parent.scorecard
    require(can_scorecard(current_user, "bsc.manage", sc))
    recipients = _recipients(parent)
    form = cascade_form(recipients, with_range=parent.target_high is not None)
    summary: list[tuple[str, str]] = []  # (message, id of the field it belongs to)
    if form.validate_on_submit():
        chosen = [row for row in form.rows if row.selected.data]
        targets = [services.CascadeTarget(
            row.recipient.kind, row.recipient.owner_id, row.target.data, row.weight.data,
            row.target_high.data if form.with_range else None, row.kind.data) for row in chosen]
        try:
            created = services.cascade(current_user, parent, targets)
        except ValidationFailed as exc:
            db.session.rollback()
            summary = _cascade_errors(form, chosen, exc)
        else:
            db.session.commit()
            flash(f"Indikator {parent.code} dikaskadekan ke {len(created)} penerima.", "success")
            return redirect(url_for("bsc.tree", indicator_id=parent.id))
    others = [i for i in sc.indicators if i.id != parent.id]
    return render_template("bsc/cascade.html", form=form, parent=parent, sc=sc, summary=summary, others=others), \
        422 if summary or form.errors else 200


def _cascade_errors(form, chosen, exc: ValidationFailed) -> list[tuple[str, str]]:
    """Every error of the service next to its field, and all of them in a summary on top."""
    summary = []
    for d in exc.details or []:
        m = TARGET_FIELD.match(d.get("field") or "")
        row = chosen[int(m[1])] if m and int(m[1]) < len(chosen) else None
        if row is None:
            summary.append((d["message"], ""))
            continue
        target = row.fields.get(m[2] or "")
        if target is not None:
            target.errors = list(target.errors) + [d["message"]]
            summary.append((d["message"], target.id))
        else:
            row.errors.append(d["message"])
            summary.append((d["message"], row.selected.id))
    if not exc.details:
        summary.append((exc.message, ""))
    form.form_errors = [exc.message]
    # In the order of the page: recipient by recipient, field by field.
    order = {f.id: (n, k) for n, row in enumerate(form.rows)
             for k, f in enumerate([row.selected, row.target, row.target_high, row.weight, row.kind])}
    return sorted(summary, key=lambda item: order.get(item[1], (-1, 0)))


# ---------------------------------------------------------------- the strategy map

@dataclass
class MapBox:
    x: float
    y: float
    w: float
    h: float
    code: str
    name: str
    lines: list[str]
    value: object
    colour: Colour


@dataclass
class MapBand:
    y: float
    h: float
    perspective: Perspective
    label_lines: list[str]
    weight: object
    nkp: object
    boxes: list[MapBox] = field(default_factory=list)


@dataclass
class MapLayout:
    width: int
    height: float
    narrow: bool
    bands: list[MapBand]

    @property
    def count(self) -> int:
        return sum(len(b.boxes) for b in self.bands)


def _wrap(text: str, width: int, lines: int) -> list[str]:
    out = textwrap.wrap(text, width, break_long_words=True) or [""]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][:width - 1].rstrip() + "…"
    return out


def map_layout(figures, narrow: bool) -> MapLayout:
    """The four perspectives as bands from top (Stakeholder) to bottom, objectives as boxes in
    rows; wide: labels on the left and four boxes a row; narrow (phones): labels on top, two a row."""
    by_p = {pf.perspective: pf for pf in figures.perspectives}
    most = max([len(pf.objectives) for pf in figures.perspectives] + [1])
    if narrow:
        width, label_w, label_h, cols, box_h, gap, name_lines = 360, 0, 46, 2, 132, 10, 4
    else:
        width, label_w, label_h, cols, box_h, gap, name_lines = 1100, 210, 0, 4, 118, 14, 3
    cols = min(cols, most)  # fewer objectives: wider boxes, fewer cut names
    area_x, area_w = label_w + gap, width - label_w - gap
    box_w = min((area_w - (cols + 1) * gap) / cols, 300)
    chars = int((box_w - 20) / (6.9 if narrow else 7.4))  # 12/13 px DejaVu Sans
    weights = figures.scorecard.perspective_weights() or {}
    bands, y = [], 0.0
    for p in Perspective:
        pf = by_p.get(p)
        objectives = pf.objectives if pf else []
        rows = max(1, math.ceil(len(objectives) / cols))
        band = MapBand(y, label_h + rows * (box_h + gap) + gap, p,
                       _wrap(p.label, 40 if narrow else 18, 1 if narrow else 2), weights.get(p.value),
                       pf.score if pf else None)
        for i, of in enumerate(objectives):
            r, c = divmod(i, cols)
            in_row = min(cols, len(objectives) - r * cols)
            x0 = area_x + (area_w - in_row * box_w - (in_row - 1) * gap) / 2
            band.boxes.append(MapBox(x0 + c * (box_w + gap), y + label_h + gap + r * (box_h + gap), box_w, box_h,
                                     of.objective.code, of.objective.name,
                                     _wrap(of.objective.name, chars, name_lines), of.score.value, of.score.colour))
        bands.append(band)
        y += band.h
    return MapLayout(width, y, narrow, bands)


@bp.get("/kartu/<int:scorecard_id>/peta")
def strategy_map(scorecard_id: int):
    sc = services.get_scorecard(scorecard_id)
    require(can_scorecard(current_user, "bsc.view", sc))
    month, provisional = _month_arg(sc.year), _provisional()
    figures = scorecard_figures(sc, month, provisional)
    return render_template("bsc/strategy_map.html", sc=sc, f=figures, month=month, provisional=provisional,
                           wide=map_layout(figures, narrow=False), narrow=map_layout(figures, narrow=True))


# ---------------------------------------------------------------- the cascade tree

# The tree page renders the root, its direct children and the children of those that are still the
# province's or an OPD's, never more than TREE_DEPTH levels below the root (a province IKU opens
# to its OPD indicators and shows what each OPD handed down); every other node with children is a
# closed <details> whose children come from tree_children as a fragment (static/js/telusur.js).
# Figures are computed for the rendered indicators only, never for the whole subtree.
TREE_DEPTH = 2
TREE_OPEN_KINDS = (OwnerKind.PROVINCE, OwnerKind.OPD)


@dataclass
class TreeItem:
    node: Node
    count: int                     # direct children in the cascade, seen or not
    children: list["TreeItem"]     # the children the viewer may see, when rendered (loaded)
    hidden: int                    # children the viewer may not see, when rendered
    gap: bool                      # a level below exists but nothing was cascaded to it
    loaded: bool                   # the children were rendered here (else: fetched when opened)


def _indicators_below(parent_ids: list[int]) -> list[Indicator]:
    """The direct children of these indicators, with their scorecards and whatever owner_name and
    can_scorecard read of them."""
    opd = selectinload(Scorecard.opd)
    if access(current_user, "bsc.view").scope != Scope.ALL:
        opd = opd.selectinload(Opd.units)  # can_scorecard looks for the OPD's office among them
    owners = selectinload(Indicator.scorecard).options(
        opd, selectinload(Scorecard.unit),
        selectinload(Scorecard.employee).selectinload(Employee.position).selectinload(Position.unit))
    out: list[Indicator] = []
    for chunk in _chunks(sorted(parent_ids)):
        out += db.session.scalars(select(Indicator).where(Indicator.parent_id.in_(chunk))
                                  .options(owners).order_by(Indicator.id)).all()
    return out


def _child_counts(ids: list[int]) -> dict[int, int]:
    """How many indicators are cascaded directly below each of these: one grouped query per 900."""
    out: dict[int, int] = {}
    for chunk in _chunks(sorted(ids)):
        out.update(db.session.execute(select(Indicator.parent_id, func.count(Indicator.id))
                                      .where(Indicator.parent_id.in_(chunk)).group_by(Indicator.parent_id)).all())
    return out


def _cascade_tree(root: Indicator, month: int, provisional: bool, depth: int) -> TreeItem:
    """The root with its children and, to `depth` levels below it, the children of every province
    or OPD indicator shown; a handful of queries per level, none per node."""
    seen: dict[int, bool] = {}

    def visible(ind: Indicator) -> bool:
        if ind.scorecard_id not in seen:
            seen[ind.scorecard_id] = can_scorecard(current_user, "bsc.view", ind.scorecard)
        return seen[ind.scorecard_id]

    shown = {root.id: root}
    below: dict[int, list[Indicator]] = {}
    frontier = [root]
    for _ in range(depth):
        parents = [i for i in frontier if i is root or i.scorecard.owner_kind in TREE_OPEN_KINDS]
        if not parents:
            break
        below.update((i.id, []) for i in parents)
        frontier = []
        for ind in _indicators_below([i.id for i in parents]):
            if ind.id in shown:
                continue  # a cycle, which the services refuse
            below[ind.parent_id].append(ind)
            if visible(ind):
                shown[ind.id] = ind
                frontier.append(ind)
    counts = _child_counts(list(shown))
    nodes = figures_of(shown, month, provisional)
    levels = _levels_below([i.scorecard for i in shown.values()])

    def item(ind: Indicator) -> TreeItem:
        count = counts.get(ind.id, 0)
        gap = count == 0 and ind.scorecard_id in levels
        if ind.id not in below or not count:
            return TreeItem(nodes[ind.id], count, [], 0, gap, False)
        kids = [k for k in below[ind.id] if k.id in shown]
        return TreeItem(nodes[ind.id], count, [item(k) for k in kids], len(below[ind.id]) - len(kids), gap, True)

    return item(root)


def _tree_indicator(indicator_id: int) -> tuple[Indicator, int, bool]:
    indicator = services.get_indicator(indicator_id)
    require(can_scorecard(current_user, "bsc.view", indicator.scorecard))
    return indicator, _month_arg(indicator.year), _provisional()


@bp.get("/indikator/<int:indicator_id>/pohon")
def tree(indicator_id: int):
    indicator, month, provisional = _tree_indicator(indicator_id)
    root = _cascade_tree(indicator, month, provisional, TREE_DEPTH)
    ancestors, up = [], indicator.parent
    while up is not None and len(ancestors) < 10:
        ancestors.insert(0, (up, can_scorecard(current_user, "bsc.view", up.scorecard)))
        up = up.parent
    return render_template("bsc/tree.html", indicator=indicator, root=root, month=month, provisional=provisional,
                           ancestors=ancestors,
                           can_cascade=can_scorecard(current_user, "bsc.manage", indicator.scorecard)
                           and indicator.scorecard.owner_kind != OwnerKind.EMPLOYEE)


@bp.get("/indikator/<int:indicator_id>/pohon/anak")
def tree_children(indicator_id: int):
    """The children of a node of the tree as an HTML fragment (opened in place by static/js/telusur.js)."""
    indicator, month, provisional = _tree_indicator(indicator_id)
    root = _cascade_tree(indicator, month, provisional, 1)
    return render_template("bsc/tree_children.html", indicator=indicator, item=root, month=month,
                           provisional=provisional)


# ---------------------------------------------------------------- gaps

def _gap_opds(user) -> set[int] | None:
    """OPDs whose gaps the user may read: None for every OPD (province-wide readers); the
    operator's OPD; the OPD its head heads."""
    a = access(user, "bsc.view")
    if a.scope == Scope.ALL:
        return None
    ids = set(a.opd_ids)
    unit_id = headed_unit_id(user)
    if unit_id is not None:
        unit = db.session.get(Unit, unit_id)
        if unit.parent_id is None:
            ids.add(unit.opd_id)
    return ids


@bp.get("/celah")
def gaps_page():
    allowed = _gap_opds(current_user)
    require(allowed != set())
    year = _year_arg()
    opd_id = request.args.get("opd", type=int)
    if allowed is not None:
        if opd_id is None and len(allowed) == 1:
            opd_id = next(iter(allowed))
        require(opd_id in allowed)
    opd = db.session.get(Opd, opd_id) if opd_id else None
    if opd_id and opd is None:
        raise NotFound("Perangkat daerah tidak ditemukan.")
    found = gaps(year, opd.id if opd else None)
    # The units of the posts in a query per 900 (position.unit then comes from the identity map).
    unit_ids = sorted({p.unit_id for p, _ in found.positions_without_indicator})
    units: dict[int, Unit] = {}
    for i in range(0, len(unit_ids), 900):
        units.update((u.id, u) for u in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids[i:i + 900]))))
    per_opd: dict[int, int] = {}
    if opd is None:
        for position, _ in found.positions_without_indicator:
            opd_of = units[position.unit_id].opd_id
            per_opd[opd_of] = per_opd.get(opd_of, 0) + 1
    stmt = select(Opd).order_by(Opd.code)
    if allowed is not None:
        stmt = stmt.where(Opd.id.in_(allowed))
    opds = db.session.scalars(stmt).all()
    return render_template("bsc/gaps.html", year=year, opd=opd, opds=opds, g=found, per_opd=per_opd,
                           opd_names={o.id: o.name for o in opds}, all_opds=allowed is None)
