"""Pages of agreements (A3 and PK): the document, its versions and lifecycle, PK content."""
from flask import Blueprint

bp = Blueprint("contracts", __name__)
