"""Organisation pages: OPD operators keep their own OPD; the governor's office and admins keep all."""
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from ekinerja.auth.permissions import can_employee, can_opd, can_unit, headed_unit_id, require, visible_opd_ids
from ekinerja.extensions import db
from ekinerja.forms_util import saving
from ekinerja.org import services
from ekinerja.org.forms import AssignForm, EmployeeForm, NewEmployeeForm, PositionForm, ReleaseForm, UnitForm
from ekinerja.org.models import Employee, Opd, Position, Unit, UnitKind

bp = Blueprint("org", __name__)


@bp.before_request
@login_required
def _login():
    return None


def _position_choices(opd: Opd, vacant_only: bool, keep: int | None = None):
    stmt = (select(Position, Unit.name).join(Unit, Position.unit_id == Unit.id)
            .outerjoin(Employee, Employee.position_id == Position.id).where(Unit.opd_id == opd.id)
            .order_by(Unit.code, Position.head_of_unit_id.is_(None), Position.name, Position.id))
    if vacant_only:
        stmt = stmt.where(or_(Employee.id.is_(None), Position.id == (keep or 0)))
    rows = db.session.execute(stmt).all()
    return [(p.id, f"{p.name} — {unit_name}" + (" (kepala)" if p.is_unit_head else "")) for p, unit_name in rows]


@bp.get("/")
def index():
    opd_ids = visible_opd_ids(current_user, "org.view")
    if opd_ids is not None:
        if len(opd_ids) == 1:
            return redirect(url_for("org.opd", opd_id=next(iter(opd_ids))))
        unit_id = headed_unit_id(current_user)
        if not opd_ids and unit_id is not None:
            return redirect(url_for("org.unit", unit_id=unit_id))
        if not opd_ids and current_user.employee_id is not None:
            return redirect(url_for("org.employee", employee_id=current_user.employee_id))
        require(bool(opd_ids))
    q = (request.args.get("q") or "").strip()
    stmt = select(Opd).order_by(Opd.code)
    if opd_ids is not None:
        stmt = stmt.where(Opd.id.in_(opd_ids))
    if q:
        stmt = stmt.where(or_(Opd.name.ilike(f"%{q}%"), Opd.code.like(f"{q}%")))
    opds = db.session.scalars(stmt).all()
    # Counts per OPD in two grouped queries, not one per row.
    unit_counts = dict(db.session.execute(select(Unit.opd_id, func.count()).group_by(Unit.opd_id)).all())
    staff_counts = dict(db.session.execute(
        select(Unit.opd_id, func.count(Employee.id)).join(Position, Position.unit_id == Unit.id)
        .join(Employee, Employee.position_id == Position.id).group_by(Unit.opd_id)).all())
    return render_template("org/index.html", opds=opds, q=q, unit_counts=unit_counts, staff_counts=staff_counts)


@bp.get("/opd/<int:opd_id>")
def opd(opd_id: int):
    opd = services.get_opd(opd_id)
    require(can_opd(current_user, "org.view", opd))
    tree = services.unit_tree(opd)
    positions = db.session.scalars(
        select(Position).join(Unit, Position.unit_id == Unit.id).where(Unit.opd_id == opd.id)).all()
    holders = {e.position_id: e for e in db.session.scalars(
        select(Employee).join(Position, Employee.position_id == Position.id)
        .join(Unit, Position.unit_id == Unit.id).where(Unit.opd_id == opd.id))}
    by_unit: dict[int, list[Position]] = {}
    for p in sorted(positions, key=lambda p: (not p.is_unit_head, p.name, p.id)):
        by_unit.setdefault(p.unit_id, []).append(p)
    return render_template("org/opd.html", opd=opd, tree=tree, by_unit=by_unit, holders=holders,
                           can_manage=can_opd(current_user, "org.manage", opd))


@bp.get("/unit/<int:unit_id>")
def unit(unit_id: int):
    unit = services.get_unit(unit_id)
    require(can_unit(current_user, "org.view", unit))
    head = unit.head_position
    superior = services.superior_position(head) if head else None
    return render_template("org/unit.html", unit=unit, head=head, superior=superior,
                           can_manage=can_opd(current_user, "org.manage", unit.opd))


def _parent_choices(opd: Opd, exclude: set[int] = frozenset()):
    return [(u.id, ("— " * depth) + u.name) for u, depth in services.unit_tree(opd) if u.id not in exclude]


@bp.route("/unit/<int:unit_id>/sub-unit/baru", methods=["GET", "POST"])
def unit_new(unit_id: int):
    parent = services.get_unit(unit_id)
    require(can_opd(current_user, "org.manage", parent.opd))
    form = UnitForm()
    form.parent.choices = _parent_choices(parent.opd)
    if request.method == "GET":
        form.parent.data = parent.id
    if form.validate_on_submit():
        with saving(form) as saved:
            unit = services.create_unit(current_user, services.get_unit(form.parent.data), form.code.data,
                                        form.name.data, UnitKind(form.kind.data))
        if saved:
            flash(f"Unit {unit.name} ditambahkan.", "success")
            return redirect(url_for("org.opd", opd_id=unit.opd_id) + f"#unit-{unit.id}")
    return render_template("org/unit_form.html", form=form, opd=parent.opd, unit=None), 422 if form.errors else 200


@bp.route("/unit/<int:unit_id>/ubah", methods=["GET", "POST"])
def unit_edit(unit_id: int):
    unit = services.get_unit(unit_id)
    require(can_opd(current_user, "org.manage", unit.opd))
    form = UnitForm(obj=None if request.method == "POST" else unit)
    is_root = unit.kind == UnitKind.OPD
    if is_root:
        form.kind.choices = [(UnitKind.OPD.value, UnitKind.OPD.label)]
        form.parent.choices = [("", "—")]
        form.parent.validate_choice = False
    else:
        form.parent.choices = _parent_choices(unit.opd, services.permissions_subtree(unit))
    if request.method == "GET":
        form.kind.data = unit.kind.value
        form.parent.data = unit.parent_id
    if form.validate_on_submit():
        with saving(form) as saved:
            parent = None if is_root else services.get_unit(form.parent.data)
            services.update_unit(current_user, unit, form.code.data, form.name.data, UnitKind(form.kind.data), parent)
        if saved:
            flash("Unit disimpan.", "success")
            return redirect(url_for("org.unit", unit_id=unit.id))
    return render_template("org/unit_form.html", form=form, opd=unit.opd, unit=unit), 422 if form.errors else 200


@bp.route("/unit/<int:unit_id>/jabatan/baru", methods=["GET", "POST"])
def position_new(unit_id: int):
    unit = services.get_unit(unit_id)
    require(can_opd(current_user, "org.manage", unit.opd))
    form = PositionForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            position = services.create_position(current_user, unit, form.name.data, form.kind.data,
                                                form.is_unit_head.data)
        if saved:
            flash(f"Jabatan {position.name} ditambahkan.", "success")
            return redirect(url_for("org.unit", unit_id=unit.id))
    return render_template("org/position_form.html", form=form, unit=unit, position=None), 422 if form.errors else 200


@bp.route("/jabatan/<int:position_id>/ubah", methods=["GET", "POST"])
def position_edit(position_id: int):
    position = services.get_position(position_id)
    require(can_opd(current_user, "org.manage", position.unit.opd))
    form = PositionForm(obj=None if request.method == "POST" else position)
    if request.method == "GET":
        form.kind.data = position.kind.value
        form.is_unit_head.data = position.is_unit_head
    if form.validate_on_submit():
        with saving(form) as saved:
            services.update_position(current_user, position, form.name.data, form.kind.data, form.is_unit_head.data)
        if saved:
            flash("Jabatan disimpan.", "success")
            return redirect(url_for("org.unit", unit_id=position.unit_id))
    return render_template("org/position_form.html", form=form, unit=position.unit, position=position), 422 if form.errors else 200


@bp.get("/opd/<int:opd_id>/pegawai")
def employees(opd_id: int):
    opd = services.get_opd(opd_id)
    require(can_opd(current_user, "org.view", opd))
    q = (request.args.get("q") or "").strip()
    page = max(1, request.args.get("page", 1, type=int))
    stmt = (select(Employee, Position, Unit).join(Position, Employee.position_id == Position.id)
            .join(Unit, Position.unit_id == Unit.id).where(Unit.opd_id == opd.id))
    if q:
        stmt = stmt.where(or_(Employee.name.ilike(f"%{q}%"), Employee.nip.like(f"{q}%"), Position.name.ilike(f"%{q}%")))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    per_page = 50
    rows = db.session.execute(stmt.order_by(Unit.code, Position.head_of_unit_id.is_(None), Employee.name)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return render_template("org/employees.html", opd=opd, rows=rows, q=q, page=page,
                           pages=max(1, (total + per_page - 1) // per_page), total=total,
                           can_manage=can_opd(current_user, "org.manage", opd))


@bp.route("/opd/<int:opd_id>/pegawai/baru", methods=["GET", "POST"])
def employee_new(opd_id: int):
    opd = services.get_opd(opd_id)
    require(can_opd(current_user, "org.manage", opd))
    form = NewEmployeeForm()
    form.position.choices = _position_choices(opd, vacant_only=True)
    if request.method == "GET":
        form.start_date.data = date.today()
        form.position.data = request.args.get("position", type=int)
    if form.validate_on_submit():
        position = services.get_position(form.position.data)
        require(position.unit.opd_id == opd.id)
        with saving(form) as saved:
            employee = services.create_employee(current_user, form.nip.data, form.name.data, form.rank.data,
                                                position, form.start_date.data)
        if saved:
            flash(f"Pegawai {employee.name} ditambahkan. Akun masuknya menunggu kata sandi dari administrator.", "success")
            return redirect(url_for("org.employee", employee_id=employee.id))
    return render_template("org/employee_form.html", form=form, opd=opd, employee=None), 422 if form.errors else 200


@bp.get("/pegawai/<int:employee_id>")
def employee(employee_id: int):
    employee = services.get_employee(employee_id)
    require(can_employee(current_user, "org.view", employee))
    position = employee.position
    superior = services.superior_position(position) if position else None
    opd = services.employee_opd(employee)
    return render_template("org/employee.html", employee=employee, position=position, superior=superior,
                           opd=opd, can_manage=opd is not None and can_opd(current_user, "org.manage", opd))


@bp.route("/pegawai/<int:employee_id>/ubah", methods=["GET", "POST"])
def employee_edit(employee_id: int):
    employee = services.get_employee(employee_id)
    opd = services.employee_opd(employee)
    require(opd is not None and can_opd(current_user, "org.manage", opd))
    form = EmployeeForm(obj=None if request.method == "POST" else employee)
    if form.validate_on_submit():
        with saving(form) as saved:
            services.update_employee(current_user, employee, form.nip.data, form.name.data, form.rank.data)
        if saved:
            flash("Data pegawai disimpan.", "success")
            return redirect(url_for("org.employee", employee_id=employee.id))
    return render_template("org/employee_form.html", form=form, opd=opd, employee=employee), 422 if form.errors else 200


@bp.route("/pegawai/<int:employee_id>/jabatan", methods=["GET", "POST"])
def employee_assign(employee_id: int):
    employee = services.get_employee(employee_id)
    opd = services.employee_opd(employee)
    require(opd is not None and can_opd(current_user, "org.manage", opd))
    form = AssignForm()
    form.position.choices = _position_choices(opd, vacant_only=True, keep=employee.position_id)
    if request.method == "GET":
        form.start_date.data = date.today()
        form.position.data = employee.position_id
    if form.validate_on_submit():
        position = services.get_position(form.position.data)
        services.assign_position(current_user, employee, position, form.start_date.data)
        db.session.commit()
        flash(f"{employee.name} kini menjabat {position.name}.", "success")
        return redirect(url_for("org.employee", employee_id=employee.id))
    return render_template("org/assign_form.html", form=form, employee=employee, opd=opd), 422 if form.errors else 200


@bp.route("/pegawai/<int:employee_id>/akhiri", methods=["GET", "POST"])
def employee_release(employee_id: int):
    """The employee leaves their post (retirement, transfer out); the history keeps the holding."""
    employee = services.get_employee(employee_id)
    opd = services.employee_opd(employee)
    require(opd is not None and can_opd(current_user, "org.manage", opd))
    form = ReleaseForm()
    if request.method == "GET":
        form.end_date.data = date.today()
    if employee.position is None:
        flash(f"{employee.name} saat ini tidak memegang jabatan.", "info")
        return redirect(url_for("org.employee", employee_id=employee.id))
    if form.validate_on_submit():
        with saving(form) as saved:
            services.release_position(current_user, employee, form.end_date.data)
        if saved:
            flash(f"Jabatan {employee.name} telah diakhiri.", "success")
            return redirect(url_for("org.employee", employee_id=employee.id))
    return render_template("org/release_form.html", form=form, employee=employee, opd=opd), 422 if form.errors else 200
