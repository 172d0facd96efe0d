"""/api/public/v1: open data, no login (api.md "Public")."""
from flask import Blueprint

bp = Blueprint("public_api", __name__)
