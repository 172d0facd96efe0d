from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ekinerja.audit.trail import set_actor
from ekinerja.auth import services
from ekinerja.auth.forms import ChangePasswordForm, LoginForm, OwnEmailForm
from ekinerja.errors import Throttled
from ekinerja.extensions import db
from ekinerja.forms_util import saving
from ekinerja.web import is_safe_next

bp = Blueprint("auth", __name__)


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = None
    status = 200
    if form.validate_on_submit():
        cfg = current_app.config
        try:
            user = services.authenticate(form.login.data, form.password.data, request.remote_addr,
                                         max_failures=cfg["LOGIN_MAX_FAILURES"],
                                         window_minutes=cfg["LOGIN_WINDOW_MINUTES"],
                                         lock_minutes=cfg["LOGIN_LOCK_MINUTES"])
        except Throttled as exc:
            error, status, user = exc.message, 429, None
        else:
            if user is not None:
                set_actor(db.session, user=user, ip=request.remote_addr)
            db.session.commit()  # the attempt is recorded whether it succeeded or not
            if user is None:
                error, status = "NIP/nama pengguna atau kata sandi salah.", 401
        if user is not None:
            login_user(user)
            current_app.logger.info("login user_id=%s", user.id)
            target = form.next.data
            return redirect(target if is_safe_next(target) else url_for("main.home"))
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/keluar", methods=["POST"])
def logout():
    logout_user()
    flash("Anda telah keluar.", "info")
    return redirect(url_for("auth.login"))


def _account_page(form=None, email_form=None, status: int = 200):
    """The account page: the password form and the user's own e-mail address."""
    return render_template("auth/change_password.html", form=form or ChangePasswordForm(formdata=None),
                           email_form=email_form or OwnEmailForm(formdata=None, email=current_user.email)), status


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            services.change_password(current_user, form.current_password.data, form.new_password.data,
                                     current_app.config["PASSWORD_HASH_METHOD"])
        if saved:
            flash("Kata sandi telah diganti.", "success")
            return redirect(url_for("main.home"))
    return _account_page(form=form, status=422 if form.errors else 200)


@bp.post("/akun/surel")
@login_required
def own_email():
    """Anyone sets (or clears) the address his notifications are e-mailed to."""
    form = OwnEmailForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            services.set_email(current_user, current_user, form.email.data)
        if saved:
            flash(f"Surel {current_user.email} disimpan." if current_user.email else "Surel dihapus.", "success")
            return redirect(url_for("auth.change_password"))
    return _account_page(email_form=form, status=422)
