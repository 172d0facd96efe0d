"""Pages of the monthly workflow: Kinerja saya, the superior's inbox, evidence, tasks."""
from flask import Blueprint

bp = Blueprint("realisations", __name__)
