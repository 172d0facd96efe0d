"""PPID pages (no login for the public part; the officer's pages need ppid.manage)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ppid", __name__)


# The Daftar Informasi Publik and the OPDs' periodic reports add their routes to this blueprint.
from ekinerja.public import dip_views  # noqa: E402,F401
