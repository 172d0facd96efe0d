"""What bench/generate.py and bench/run.py share: the scales, where each database lives, the
benchmark's fixed day and password."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"

YEAR = 2026
# The servers' day: December 2026 has begun, November is still open until 10 December (domain.md §4).
TODAY = "2026-12-05"
PASSWORD = "bench-ntb-2026"
# One fast hash for every generated account (they share the password anyway).
HASH_METHOD = "pbkdf2:sha256:1000"
MARIADB_BASE = os.environ.get("BENCH_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306")


@dataclass(frozen=True)
class Scale:
    name: str
    employees: int        # all employees, heads included
    subbagian: int        # subbagian under the sekretariat of every OPD
    bidang: int           # bidang per OPD
    seksi: tuple          # seksi per bidang, taken in turn
    staff_indicators: int  # IKI per employee
    big_opd_share: float  # share of all employees in Dinas Pendidikan dan Kebudayaan (teachers' OPD)
    seconds: float        # run.py: load time per page


SCALES = {
    "small": Scale("small", employees=800, subbagian=0, bidang=2, seksi=(0,), staff_indicators=5,
                   big_opd_share=0.08, seconds=3.0),
    "province": Scale("province", employees=20000, subbagian=3, bidang=5, seksi=(2, 3, 2, 2), staff_indicators=5,
                      big_opd_share=0.065, seconds=20.0),
}


def database_url(db: str, scale: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{OUT / f'ekinerja-{scale}.db'}"
    return f"{MARIADB_BASE}/ekinerja_bench_{scale}?charset=utf8mb4"


def storage_path(db: str, scale: str) -> Path:
    return OUT / f"storage-{db}-{scale}"


def app_config(db: str, scale: str) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": database_url(db, scale), "TODAY": TODAY,
            "STORAGE_PATH": str(storage_path(db, scale)), "PASSWORD_HASH_METHOD": HASH_METHOD}


def server_env(db: str, scale: str) -> dict:
    """The environment of a server (or `flask` command) on the generated database."""
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url(db, scale), "EKINERJA_TODAY": TODAY,
                "EKINERJA_STORAGE_PATH": str(storage_path(db, scale)), "FLASK_APP": "wsgi",
                "LOG_LEVEL": "WARNING", "EKINERJA_PASSWORD_HASH": HASH_METHOD})
    return env
