"""Pages of A3 agreements: the governor's office overview, drafting the content, printing all."""
from flask import Blueprint

bp = Blueprint("a3", __name__)
