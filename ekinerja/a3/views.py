"""Pages of A3 agreements (domain.md §5): the governor's office overview of every OPD, an OPD's
A3s (the governor's and the cascaded ones) with "Susun A3", the content of a version (Attitude,
Attention, Action: add, change, remove, reorder), and printing every agreed A3 at once for the
signing day with a zip of the printed files.

The document itself (parties, versions, the lifecycle buttons, printing one, signing, publishing)
is the contracts blueprint's page at /perjanjian/<agreement id>; this blueprint links and posts
there by path.
"""
from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ekinerja.a3 import services
from ekinerja.a3.forms import (AttentionForm, ActionForm, AttitudeForm, MoveForm, PlainForm, PrintAllForm,
                               StartForm)
from ekinerja.auth.permissions import Scope, access, require, subtree_unit_ids
from ekinerja.bsc.forms import input_number
from ekinerja.contracts import services as cs
from ekinerja.contracts.models import Agreement, AgreementVersion, DocumentKind, Level, VersionStatus
from ekinerja.errors import ValidationFailed
from ekinerja.extensions import db
from ekinerja.forms_util import saving
from ekinerja.org.models import Employee, Opd, Position, PositionKind, Unit
from ekinerja.org.services import get_opd, get_position, unit_tree
from ekinerja.realisations import periods
from ekinerja.web import MONTHS_ID

bp = Blueprint("a3", __name__)

# Status of the latest version, as the overview counts them; "none": no A3 yet.
NOT_STARTED = "none"
STATUS_ORDER = [NOT_STARTED] + [s.value for s in VersionStatus]
STATUS_TEXT = {NOT_STARTED: "Belum disusun", **{s.value: s.label for s in VersionStatus}}
# Never colour alone: every badge has a word and a symbol.
STATUS_SYMBOL = {NOT_STARTED: "–", "draft": "✎", "submitted": "➜", "returned": "↩", "agreed": "✓",
                 "printed": "▤", "signed": "✍", "published": "★"}
A3_LEVELS = {PositionKind.ADMINISTRATOR, PositionKind.PENGAWAS}


@bp.before_request
@login_required
def _login():
    return None


@bp.context_processor
def _labels():
    return {"STATUS_TEXT": STATUS_TEXT, "STATUS_SYMBOL": STATUS_SYMBOL, "MONTHS": MONTHS_ID,
            "SECTION_LABELS": services.SECTION_LABELS, "contract_path": contract_path}


def contract_path(what: str, ident: int) -> str:
    """Paths of the contracts blueprint's pages (its own routes; linked by path, see issue 5)."""
    return {"agreement": f"/perjanjian/{ident}", "pdf": f"/perjanjian/versi/{ident}/pdf",
            "scan": f"/perjanjian/versi/{ident}/pindaian"}.get(what) or f"/perjanjian/versi/{ident}/{what}"


def sees_a3(user) -> bool:
    """Has the user A3s to see: province-wide readers, OPD operators, heads of units (the menu)."""
    return access(user, "bsc.view").scope >= Scope.UNIT


def _year_arg() -> int:
    year = request.args.get("tahun", type=int)
    return year if year and 2000 <= year <= 2100 else periods.today().year


# ---------------------------------------------------------------- the overview and an OPD's A3s

@dataclass
class OpdRow:
    opd: Opd
    head: Employee | None
    head_post: Position | None
    agreement: Agreement | None

    @property
    def version(self) -> AgreementVersion | None:
        return self.agreement.latest if self.agreement is not None else None

    @property
    def status(self) -> str:
        return self.version.status.value if self.version is not None else NOT_STARTED


@bp.get("/")
def index():
    year = _year_arg()
    a = access(current_user, "bsc.view")
    if a.scope == Scope.ALL:
        opd_id = request.args.get("opd", type=int)
        if opd_id:
            return _opd_page(year, get_opd(opd_id), None)
        return _overview(year)
    if a.opd_ids:
        opd_id = request.args.get("opd", type=int)
        opd_id = opd_id if opd_id in a.opd_ids else min(a.opd_ids)
        return _opd_page(year, get_opd(opd_id), None)
    require(bool(a.head_unit_ids), "Halaman perjanjian A3 untuk Biro Organisasi, operator OPD dan pejabat "
                                   "struktural.")
    unit = db.session.get(Unit, next(iter(a.head_unit_ids)))
    return _opd_page(year, unit.opd, None if unit.parent_id is None else subtree_unit_ids(unit))


def _overview(year: int):
    """Every OPD with its governor-level A3 of the year: the latest version's status at a glance."""
    opds = db.session.scalars(select(Opd).order_by(Opd.code)).all()
    heads = {unit.opd_id: (post, holder) for unit, post, holder in db.session.execute(
        select(Unit, Position, Employee).outerjoin(Position, Position.head_of_unit_id == Unit.id)
        .outerjoin(Employee, Employee.position_id == Position.id).where(Unit.parent_id.is_(None))).all()}
    agreements: dict[int, Agreement] = {}
    for agreement in db.session.scalars(
            select(Agreement).where(Agreement.kind == DocumentKind.A3, Agreement.year == year,
                                    Agreement.level == Level.GOVERNOR_OPD)
            .options(selectinload(Agreement.versions)).order_by(Agreement.id)):
        agreements[agreement.opd_id] = agreement  # a newer post's A3 (after a reorganisation) wins
    rows = [OpdRow(o, (heads.get(o.id) or (None, None))[1], (heads.get(o.id) or (None, None))[0],
                   agreements.get(o.id)) for o in opds]
    counts = Counter(r.status for r in rows)
    chosen = request.args.get("status")
    if chosen not in STATUS_TEXT:
        chosen = None
    shown = [r for r in rows if chosen is None or r.status == chosen]
    return render_template("a3/overview.html", year=year, rows=shown, total=len(rows), counts=counts,
                           order=STATUS_ORDER, chosen=chosen, can_print=services.can_print_all(current_user),
                           to_print=counts.get(VersionStatus.AGREED.value, 0))


@dataclass
class PostRow:
    position: Position
    depth: int
    level: Level
    agreement: Agreement | None
    can_start: bool


def _opd_page(year: int, opd: Opd, units: set[int] | None):
    """An OPD's posts that sign an A3 (its head, eselon III and IV) with their A3 of the year; a
    unit head sees his own unit and those below it (units)."""
    order = [(u, d) for u, d in unit_tree(opd) if units is None or u.id in units]
    unit_ids = [u.id for u, _ in order]
    posts = db.session.scalars(
        select(Position).where(Position.unit_id.in_(unit_ids)).options(selectinload(Position.holder))).all() \
        if unit_ids else []
    root = next((u for u, _ in order if u.parent_id is None), None)
    signers = [p for p in posts if p.kind in A3_LEVELS or (root is not None and p.head_of_unit_id == root.id)]
    by_post = {a.first_position_id: a for a in db.session.scalars(
        select(Agreement).where(Agreement.kind == DocumentKind.A3, Agreement.year == year,
                                Agreement.first_position_id.in_([p.id for p in signers]))
        .options(selectinload(Agreement.versions)))} if signers else {}
    depth = {u.id: d for u, d in order}
    rank = {u.id: k for k, (u, _) in enumerate(order)}
    rows = []
    for p in sorted(signers, key=lambda p: (rank[p.unit_id], p.head_of_unit_id is None, p.name)):
        agreement = by_post.get(p.id)
        level = cs.level_for(DocumentKind.A3, p)
        rows.append(PostRow(p, depth[p.unit_id], level, agreement,
                            agreement is None and cs.can_draft(current_user, _stand_in(opd, p, level))))
    # Below the governor's level, the first party sees his own and the heads below see theirs:
    # can_view decides (a kabid does not see his neighbour's A3).
    rows = [r for r in rows if r.agreement is None or cs.can_view(current_user, r.agreement)]
    return render_template("a3/opd.html", year=year, opd=opd, rows=rows, start_form=StartForm(),
                           all_opds=access(current_user, "bsc.view").scope == Scope.ALL)


def _stand_in(opd: Opd, position: Position, level: Level) -> Agreement:
    """An unsaved agreement for asking can_draft before there is one (never added to the session)."""
    return Agreement(kind=DocumentKind.A3, opd_id=opd.id, level=level, first_position=position)


@bp.post("/susun")
def start():
    form = StartForm()
    if not form.validate_on_submit() or not (form.position.data or "").isdigit() \
            or not (form.year.data or "").isdigit():
        flash("Formulir tidak sah. Muat ulang halaman lalu coba lagi.", "error")
        return redirect(url_for("a3.index"))
    position, year = get_position(int(form.position.data)), int(form.year.data)
    try:
        agreement = services.start(current_user, year, position)
    except ValidationFailed as exc:
        db.session.rollback()
        flash(f"Perjanjian A3 belum dapat disusun: {exc.message}", "error")
        return redirect(url_for("a3.index", tahun=year, opd=position.unit.opd_id))
    db.session.commit()
    flash(f"Perjanjian A3 {year} untuk {position.name} disusun; Action diisi dari kartu kinerjanya.", "success")
    return redirect(url_for("a3.version", version_id=agreement.latest.id))


# ---------------------------------------------------------------- the content of a version

@bp.get("/versi/<int:version_id>")
def version(version_id: int):
    v = services.get_a3_version(version_id)
    agreement = v.agreement
    require(cs.can_view(current_user, agreement), "Anda tidak berhak melihat perjanjian A3 ini.")
    may_edit = v.status.editable and cs.can_draft(current_user, agreement)
    return render_template(
        "a3/version.html", v=v, agreement=agreement, may_edit=may_edit,
        may_submit=may_edit, may_review=v.status == VersionStatus.SUBMITTED and cs.can_review(current_user, agreement),
        may_issue=cs.can_issue(current_user, agreement),
        budget=sum((a.budget for a in v.a3_actions if a.budget is not None), start=0))


def _editable(version_id: int) -> AgreementVersion:
    """The version, when the user may change its content now (the services check again)."""
    v = services.get_a3_version(version_id)
    require(cs.can_draft(current_user, v.agreement), "Anda tidak berhak mengubah isi perjanjian A3 ini.")
    cs.require_editable(v)
    return v


def _back(v: AgreementVersion, anchor: str = ""):
    return redirect(url_for("a3.version", version_id=v.id) + (f"#{anchor}" if anchor else ""))


@bp.route("/versi/<int:version_id>/attitude/baru", methods=["GET", "POST"], endpoint="attitude_new")
@bp.route("/versi/<int:version_id>/attitude/<int:item_id>", methods=["GET", "POST"], endpoint="attitude_edit")
def attitude(version_id: int, item_id: int | None = None):
    v = _editable(version_id)
    item = services.get_item(v, "attitude", item_id) if item_id else None
    form = AttitudeForm(obj=item if request.method == "GET" else None)
    if form.validate_on_submit():
        with saving(form) as saved:
            item = services.save_attitude(current_user, v, form.commitment.data, form.indicator.data, item)
        if saved:
            flash(f"Attitude nomor {item.position} disimpan.", "success")
            return _back(v, f"attitude-{item.id}")
    return render_template("a3/attitude_form.html", v=v, form=form, item=item), 422 if form.errors else 200


@bp.route("/versi/<int:version_id>/attention/baru", methods=["GET", "POST"], endpoint="attention_new")
@bp.route("/versi/<int:version_id>/attention/<int:item_id>", methods=["GET", "POST"], endpoint="attention_edit")
def attention(version_id: int, item_id: int | None = None):
    v = _editable(version_id)
    item = services.get_item(v, "attention", item_id) if item_id else None
    form = AttentionForm()
    choices = services.attention_choices(v.agreement.year)
    form.serves.choices = {f"{o.code} {o.name}": [(f"ss:{o.id}", f"Sasaran {o.code}: {o.name}")] + [
        (f"iku:{i.id}", f"{i.code}: {i.name}") for i in indicators] for o, indicators in choices}
    if request.method == "GET" and item is not None:
        form.programme.data, form.kind.data = item.programme, item.kind.value
        form.serves.data = f"iku:{item.indicator_id}" if item.indicator_id else f"ss:{item.objective_id}"
    if form.validate_on_submit():
        objective_id, indicator_id = form.serves_ids()
        with saving(form) as saved:
            item = services.save_attention(current_user, v, form.programme.data, form.kind.data, objective_id,
                                           indicator_id, item)
        if saved:
            flash(f"Attention nomor {item.position} disimpan.", "success")
            return _back(v, f"attention-{item.id}")
    return render_template("a3/attention_form.html", v=v, form=form, item=item, has_choices=bool(choices)), \
        422 if form.errors else 200


@bp.route("/versi/<int:version_id>/action/baru", methods=["GET", "POST"], endpoint="action_new")
@bp.route("/versi/<int:version_id>/action/<int:item_id>", methods=["GET", "POST"], endpoint="action_edit")
def action(version_id: int, item_id: int | None = None):
    v = _editable(version_id)
    agreement = v.agreement
    item = services.get_item(v, "action", item_id) if item_id else None
    form = ActionForm()
    if request.method == "GET":
        form.mode.data = "buat" if request.args.get("cara") == "buat" and item is None else "pilih"
        if item is not None:
            form.indicator_id.data, form.due_month.data = item.indicator_id, item.due_month or 12
            form.responsible_unit_id.data = item.responsible_unit_id
            for name in ("target", "q1", "q2", "q3", "q4"):
                getattr(form, name).data = input_number(getattr(item, name))
            form.budget.data = input_number(item.budget)
    creating = form.mode.data == "buat" and item is None
    picks = services.action_choices(agreement)
    parents = services.parent_choices(agreement) if creating else []
    units = services.unit_choices(agreement)
    used = {a.indicator_id: a.position for a in v.a3_actions if a.indicator_id and a is not item}
    form.indicator_id.choices = [("", "— pilih indikator —")] + [
        (i.id, f"{i.code} {i.name} (target {input_number(i.target)} {i.unit_of_measure})"
               + (f" — sudah Action {used[i.id]}" if i.id in used else "")) for i in picks]
    form.parent_id.choices = [("", "— pilih indikator yang didukung —")] + [
        (i.id, f"{i.code} {i.name} (target {input_number(i.target)} {i.unit_of_measure})") for i in parents]
    form.responsible_unit_id.choices = [("", "— pilih unit kerja —")] + [(u.id, u.name) for u in units]
    if form.validate_on_submit():
        data = services.ActionInput(
            indicator_id=None if creating else form.indicator_id.data,
            parent_id=form.parent_id.data if creating else None,
            action=form.action.data if creating else None,
            unit_of_measure=form.unit_of_measure.data if creating else None,
            target=form.target.data, q1=form.q1.data, q2=form.q2.data, q3=form.q3.data, q4=form.q4.data,
            budget=form.budget.data, responsible_unit_id=form.responsible_unit_id.data, due_month=form.due_month.data)
        with saving(form) as saved:
            item = services.save_action(current_user, v, data, item)
        if saved:
            flash(f"Action nomor {item.position} ({item.code}) disimpan.", "success")
            return _back(v, f"action-{item.id}")
    return render_template("a3/action_form.html", v=v, form=form, item=item, creating=creating,
                           card=services.source_scorecard(agreement), above=services.scorecard_above(agreement)
                           if creating else None, picks=picks), 422 if form.errors else 200


SECTION_PATH = "<any(attitude, attention, action):section>"


@bp.post(f"/versi/<int:version_id>/{SECTION_PATH}/<int:item_id>/hapus")
def remove(version_id: int, section: str, item_id: int):
    v = services.get_a3_version(version_id)
    item = services.get_item(v, section, item_id)
    if not PlainForm().validate_on_submit():
        flash("Formulir tidak sah. Muat ulang halaman lalu coba lagi.", "error")
        return _back(v, section)
    position = item.position
    services.remove(current_user, v, section, item)  # refusals: the error page, nothing changed
    db.session.commit()
    flash(f"{services.SECTION_LABELS[section]} nomor {position} dihapus.", "success")
    return _back(v, section)


@bp.post(f"/versi/<int:version_id>/{SECTION_PATH}/<int:item_id>/pindah")
def move(version_id: int, section: str, item_id: int):
    v = services.get_a3_version(version_id)
    item = services.get_item(v, section, item_id)
    form = MoveForm()
    if not form.validate_on_submit():
        flash("Formulir tidak sah. Muat ulang halaman lalu coba lagi.", "error")
        return _back(v, section)
    direction = {"naik": "up", "turun": "down"}.get(form.direction.data, form.direction.data)
    services.move(current_user, v, section, item, direction)
    db.session.commit()
    return _back(v, f"{section}-{item.id}")


@bp.post("/versi/<int:version_id>/isi-otomatis")
def refill(version_id: int):
    v = services.get_a3_version(version_id)
    if not PlainForm().validate_on_submit():
        flash("Formulir tidak sah. Muat ulang halaman lalu coba lagi.", "error")
        return _back(v)
    added = services.refill(current_user, v)
    db.session.commit()
    if any(added.values()):
        flash(f"Diisi dari kartu kinerja: {added['attitudes']} Attitude, {added['attentions']} Attention, "
              f"{added['actions']} Action.", "success")
    else:
        flash("Tidak ada yang ditambahkan: bagian yang sudah berisi tidak diubah, dan kartu kinerja belum memiliki "
              "indikator.", "info")
    return _back(v)


# ---------------------------------------------------------------- printing all for the signing day

@bp.route("/cetak-semua", methods=["GET", "POST"])
def print_all():
    require(services.can_print_all(current_user), "Hanya Biro Organisasi yang mencetak semua perjanjian A3 sekaligus.")
    year = _year_arg()
    form = PrintAllForm()
    if request.method == "GET":
        form.pattern.data = f"800/{{n}}/ORG/{year}"
        form.print_date.data = periods.today()
    level = None if form.level.data == "semua" else Level.GOVERNOR_OPD
    if form.validate_on_submit():
        with saving(form) as saved:
            printed = services.print_all(current_user, year, form.pattern.data, form.first.data or 1,
                                         form.print_date.data, form.signing_date.data, form.place.data,
                                         form.paper.data, level)
        if saved:
            flash(f"{len(printed)} perjanjian A3 {year} dicetak.", "success")
            return redirect(url_for("a3.printed", year=year))
    waiting = services.agreed_versions(year, None)
    return render_template("a3/print_all.html", form=form, year=year, waiting=waiting), 422 if form.errors else 200


def _require_province_reader() -> None:
    require(access(current_user, "bsc.view").scope == Scope.ALL,
            "Daftar cetak seluruh perjanjian A3 hanya untuk pembaca tingkat provinsi.")


@bp.get("/cetak-semua/<int:year>")
def printed(year: int):
    _require_province_reader()
    versions = services.printed_versions(year)
    return render_template("a3/printed.html", year=year, versions=versions,
                           can_print=services.can_print_all(current_user))


@bp.get("/cetak-semua/<int:year>.zip")
def printed_zip(year: int):
    _require_province_reader()
    data = services.zip_printed(year)
    response = send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                         download_name=f"perjanjian-a3-{year}.zip", conditional=False, etag=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response

