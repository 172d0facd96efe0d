"""Public verification of printed agreements (no login)."""
from flask import Blueprint

bp = Blueprint("verification", __name__)
