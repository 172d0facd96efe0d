"""The governor's office review pages."""
from flask import Blueprint

bp = Blueprint("review", __name__)
