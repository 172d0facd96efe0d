"""The Excel round-trip of a month's realisations for an OPD operator or a unit head."""
from flask import Blueprint

bp = Blueprint("realisations_excel", __name__)
