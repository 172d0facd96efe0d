"""/api/v1: bearer tokens (api.md), one JSON envelope for every answer.

The blueprint and its authentication live here; the scorecard and exchange endpoints in their own
modules (imported at the bottom so that they register on this blueprint), the OpenAPI document
that describes them all in openapi.py.
"""
from flask import Blueprint, g, jsonify, request, url_for

from ekinerja.api.common import t, translated
from ekinerja.api.openapi import document
from ekinerja.auth.services import user_for_token
from ekinerja.errors import DomainError
from ekinerja.extensions import db
from ekinerja.web import error_response

bp = Blueprint("api", __name__)


@bp.before_request
def _authenticate():
    if request.endpoint == "api.openapi":
        return None
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    user = user_for_token(token) if token else None
    if user is None:
        return error_response(401, t("Token tidak ada atau tidak sah.", "The bearer token is missing or invalid."),
                              "unauthorized")
    g.api_user = user
    from ekinerja.audit.trail import set_actor
    set_actor(db.session, user=user, ip=request.remote_addr)
    return None


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    """As the app's handler, with the message in the client's language."""
    db.session.rollback()
    message, details = translated(exc)
    return error_response(exc.status_code, message, exc.code, details)


@bp.get("/me")
def me():
    user = g.api_user
    employee = user.employee
    position = employee.position if employee else None
    return jsonify({"data": {
        "id": user.id,
        "username": user.username,
        "name": user.display_name,
        "roles": [{"role": r.role.value, "opd": r.opd.code if r.opd else None} for r in user.roles],
        "employee": None if employee is None else {
            "nip": employee.nip,
            "position": None if position is None else {
                "id": position.id, "name": position.name, "kind": position.kind.value,
                "unit": position.unit.code, "opd": position.unit.opd.code,
                "is_unit_head": position.is_unit_head},
        },
    }})


@bp.get("/openapi.json")
def openapi():
    return jsonify(document(server_url=url_for("api.me").rsplit("/me", 1)[0]))


from ekinerja.api import exchange, realisations, scorecards  # noqa: E402,F401  (their routes join this blueprint)
