"""The audit trail, for the auditor and administrators: read and filter, never change."""
from datetime import datetime, time, timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ekinerja.audit.models import AuditEntry
from ekinerja.auth.permissions import can, require
from ekinerja.extensions import db
from ekinerja.web import WITA

bp = Blueprint("audit", __name__)
PER_PAGE = 50


def _day(value: str | None):
    try:
        return datetime.strptime(value, "%Y-%m-%d").date() if value else None
    except ValueError:
        return None


@bp.get("/")
@login_required
def index():
    require(can(current_user, "audit.view"))
    args = request.args
    filters = {k: (args.get(k) or "").strip() for k in ("entity", "entity_id", "actor", "field", "since", "until")}
    stmt = select(AuditEntry)
    if filters["entity"]:
        stmt = stmt.where(AuditEntry.entity == filters["entity"])
    if filters["entity_id"]:
        stmt = stmt.where(AuditEntry.entity_id == filters["entity_id"])
    if filters["actor"]:
        stmt = stmt.where(AuditEntry.actor_label.like(f"%{filters['actor']}%"))
    if filters["field"]:
        stmt = stmt.where(AuditEntry.field == filters["field"])
    since, until = _day(filters["since"]), _day(filters["until"])
    # Dates are chosen in WITA; the trail is stored in UTC.
    if since:
        stmt = stmt.where(AuditEntry.created_at >= datetime.combine(since, time(), WITA))
    if until:
        stmt = stmt.where(AuditEntry.created_at < datetime.combine(until + timedelta(days=1), time(), WITA))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = max(1, args.get("page", 1, type=int))
    entries = db.session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(PER_PAGE)
                                 .offset((page - 1) * PER_PAGE)).all()
    entities = db.session.scalars(select(AuditEntry.entity).distinct().order_by(AuditEntry.entity)).all()
    return render_template("audit/index.html", entries=entries, filters=filters, entities=entities,
                           total=total, page=page, pages=max(1, (total + PER_PAGE - 1) // PER_PAGE))
