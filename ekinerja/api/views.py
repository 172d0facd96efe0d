"""/api/v1: bearer tokens (api.md), one JSON envelope for every answer."""
from flask import Blueprint, g, jsonify, request, url_for

from ekinerja.auth.services import user_for_token
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
        return error_response(401, "Token tidak ada atau tidak sah.", "unauthorized")
    g.api_user = user
    from ekinerja.audit.trail import set_actor
    set_actor(db.session, user=user, ip=request.remote_addr)
    return None


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
    return jsonify({
        "openapi": "3.0.3",
        "info": {"title": "ekinerja API", "version": "1"},
        "servers": [{"url": url_for("api.me", _external=False).rsplit("/me", 1)[0]}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": {"type": "object", "required": ["error"], "properties": {"error": {
                "type": "object", "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                               "details": {"type": "array", "items": {"type": "object"}}}}}}},
        },
        "security": [{"bearer": []}],
        "paths": {"/me": {"get": {
            "summary": "Pengguna pemilik token",
            "responses": {"200": {"description": "Pengguna, perannya dan jabatannya",
                                  "content": {"application/json": {"schema": {"type": "object", "required": ["data"]}}}},
                          "401": {"description": "Token tidak ada atau tidak sah",
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}}},
    })
