"""The audit trail: every flush of an Audited model writes who changed which field from what to what.

Services do not call anything: the edge (a request, a CLI command) names the actor once with
`set_actor`, and the flush listener records every insert, update and delete of Audited models in
the same transaction, so a rolled-back change leaves no trail and a committed one always has one.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import event, inspect, insert
from sqlalchemy.orm import Session

from ekinerja.db import Audited, utcnow

ACTOR_KEY = "audit_actor"


def set_actor(session, user=None, label: str | None = None, ip: str | None = None) -> None:
    """Name who acts in this session (a user, or a label such as 'cli') and from which address."""
    session.info[ACTOR_KEY] = {
        "id": getattr(user, "id", None),
        "label": label or (f"{user.username}" if user is not None else "sistem"),
        "ip": ip,
    }


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _pk(obj) -> str:
    state = inspect(obj)
    return ",".join(str(v) for v in state.mapper.primary_key_from_instance(obj))


def _rows_for(obj, action: str, base: dict) -> list[dict]:
    state = inspect(obj)
    masked = set(getattr(obj, "__audit_masked__", ()))
    ignored = set(getattr(obj, "__audit_ignored__", ()))
    rows = []
    entity = obj.__tablename__
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in ignored or key == "id":
            continue
        hist = state.attrs[key].history
        if action == "create":
            new = getattr(obj, key)
            if new is None:
                continue
            old = None
        elif action == "delete":
            old, new = getattr(obj, key), None
            if old is None:
                continue
        else:
            if not hist.has_changes():
                continue
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if _text(old) == _text(new):
                continue
        if key in masked:
            old, new = ("***" if old is not None else None), ("***" if new is not None else None)
        rows.append({**base, "action": action, "entity": entity, "entity_id": _pk(obj),
                     "field": key, "old_value": _text(old), "new_value": _text(new)})
    if action in ("create", "delete") and not rows:
        rows.append({**base, "action": action, "entity": entity, "entity_id": _pk(obj),
                     "field": None, "old_value": None, "new_value": None})
    return rows


def _after_flush(session: Session, flush_context) -> None:
    from ekinerja.audit.models import AuditEntry

    actor = session.info.get(ACTOR_KEY) or {"id": None, "label": "sistem", "ip": None}
    base = {"created_at": utcnow(), "actor_id": actor["id"], "actor_label": actor["label"][:128],
            "ip": actor["ip"]}
    rows: list[dict] = []
    for obj in session.new:
        if isinstance(obj, Audited):
            rows += _rows_for(obj, "create", base)
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            rows += _rows_for(obj, "update", base)
    for obj in session.deleted:
        if isinstance(obj, Audited):
            rows += _rows_for(obj, "delete", base)
    if rows:
        # Inside a flush the session cannot take new objects; write through its connection.
        session.connection().execute(insert(AuditEntry.__table__), rows)


def _keep_old_value(target, value, oldvalue, initiator):
    return value


def _track_old_values(model) -> None:
    """Load a column's old value when it is set while expired (after a commit), so that the trail
    says "from what" instead of recording the change as coming from nothing."""
    for attr in inspect(model).column_attrs:
        class_attr = getattr(model, attr.key)
        if not event.contains(class_attr, "set", _keep_old_value):
            event.listen(class_attr, "set", _keep_old_value, active_history=True)


def init_app(app) -> None:
    from ekinerja.extensions import db

    for mapper in db.Model.registry.mappers:
        if issubclass(mapper.class_, Audited):
            _track_old_values(mapper.class_)
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
