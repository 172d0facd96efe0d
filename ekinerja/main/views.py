from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from ekinerja.auth.permissions import headed_unit_id
from ekinerja.extensions import db
from ekinerja.org.services import superior_position

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    employee = current_user.employee
    position = employee.position if employee else None
    superior = superior_position(position) if position else None
    return render_template("main/home.html", employee=employee, position=position, superior=superior,
                           head_unit_id=headed_unit_id(current_user))


@bp.route("/healthz")
def healthz():
    """For the load balancer: this worker answers and reaches the database."""
    db.session.execute(text("SELECT 1"))
    return jsonify({"status": "ok"})
