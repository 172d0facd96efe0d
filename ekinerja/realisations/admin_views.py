"""Administration of the monthly periods: deadline day, locks, reopenings for named OPDs."""
from flask import Blueprint

bp = Blueprint("periods", __name__)
