"""Public E-SAKIP pages (no login)."""
from flask import Blueprint

bp = Blueprint("public", __name__)
