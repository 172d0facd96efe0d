"""User administration (administrators only)."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from ekinerja.admin.forms import ActionForm, EmailForm, NewUserForm, RoleForm
from ekinerja.auth import services
from ekinerja.auth.models import Role, User
from ekinerja.auth.permissions import can, require
from ekinerja.errors import NotFound, ValidationFailed
from ekinerja.extensions import db
from ekinerja.forms_util import saving
from ekinerja.org.models import Opd

bp = Blueprint("admin", __name__)
PER_PAGE = 50


@bp.before_request
@login_required
def _guard():
    require(can(current_user, "users.manage"))


def _opd_choices():
    return [("", "—")] + [(o.id, o.name) for o in db.session.scalars(select(Opd).order_by(Opd.name))]


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("Pengguna tidak ditemukan.")
    return user


@bp.get("/pengguna")
def users():
    q = (request.args.get("q") or "").strip()
    page = max(1, request.args.get("page", 1, type=int))
    stmt = select(User)
    if q:
        stmt = stmt.where(or_(User.username.like(f"{q}%"), User.display_name.ilike(f"%{q}%")))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(stmt.order_by(User.employee_id.is_not(None), User.username)
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return render_template("admin/users.html", users=rows, q=q, page=page, total=total,
                           pages=max(1, (total + PER_PAGE - 1) // PER_PAGE))


@bp.route("/pengguna/baru", methods=["GET", "POST"])
def user_new():
    form = NewUserForm()
    form.opd.choices = _opd_choices()
    if form.validate_on_submit():
        with saving(form) as saved:
            user = services.create_user(current_user, form.username.data, form.display_name.data,
                                        form.password.data, [(Role(form.role.data), form.opd.data)],
                                        current_app.config["PASSWORD_HASH_METHOD"])
            services.set_email(current_user, user, form.email.data)
        if saved:
            flash(f"Pengguna {user.username} dibuat.", "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/user_new.html", form=form), 422 if form.errors else 200


def _user_page(user: User, form: RoleForm | None = None, email_form: EmailForm | None = None, **extra):
    if form is None:
        form = RoleForm(formdata=None)
    form.opd.choices = _opd_choices()
    return render_template("admin/user.html", user=user, form=form, action=ActionForm(),
                           email_form=email_form or EmailForm(formdata=None, email=user.email), **extra)


@bp.get("/pengguna/<int:user_id>")
def user(user_id: int):
    return _user_page(_user(user_id))


@bp.post("/pengguna/<int:user_id>/surel")
def user_email(user_id: int):
    user = _user(user_id)
    form = EmailForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            services.set_email(current_user, user, form.email.data)
        if saved:
            flash(f"Surel {user.email} disimpan." if user.email else "Surel dihapus.", "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, email_form=form), 422


@bp.post("/pengguna/<int:user_id>/peran")
def role_add(user_id: int):
    user = _user(user_id)
    form = RoleForm()
    form.opd.choices = _opd_choices()
    if form.validate_on_submit():
        with saving(form) as saved:
            services.grant_role(current_user, user, Role(form.role.data), form.opd.data)
        if saved:
            flash("Peran ditambahkan.", "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, form=form), 422


@bp.post("/pengguna/<int:user_id>/peran/<int:role_id>/cabut")
def role_revoke(user_id: int, role_id: int):
    user = _user(user_id)
    if ActionForm().validate_on_submit():
        try:
            services.revoke_role(current_user, user, role_id)
        except ValidationFailed as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash("Peran dicabut.", "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.post("/pengguna/<int:user_id>/kata-sandi")
def password_reset(user_id: int):
    user = _user(user_id)
    if ActionForm().validate_on_submit():
        password = services.reset_password(current_user, user, current_app.config["PASSWORD_HASH_METHOD"])
        db.session.commit()
        # Shown once, on this page only; never stored in plain text.
        return _user_page(user, new_password=password)
    return redirect(url_for("admin.user", user_id=user.id))


@bp.post("/pengguna/<int:user_id>/status")
def toggle_active(user_id: int):
    user = _user(user_id)
    if ActionForm().validate_on_submit():
        try:
            services.set_active(current_user, user, not user.active)
        except ValidationFailed as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash("Akun diaktifkan." if user.active else "Akun dinonaktifkan.", "success")
    return redirect(url_for("admin.user", user_id=user.id))
