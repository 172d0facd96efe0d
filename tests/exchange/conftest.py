"""Fixtures and builders for interchange documents (interchange.md)."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from ekinerja.extensions import db
from tests.bsc.conftest import iku, realise  # noqa: F401  (the cascade fixture of the BSC tests)

SAMPLE = Path(__file__).parent / "data" / "sample.json"
DINKES = "1.02.0.00.0.00.01.0000"
PROVINCE = {"kind": "province"}


@pytest.fixture
def sample() -> dict:
    """interchange.md's sample document with the real Dinas Kesehatan (a fresh copy per test)."""
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def row_counts(skip=("audit_entry",)) -> dict[str, int]:
    return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
            for t in db.metadata.sorted_tables if t.name not in skip}


def audit_rows() -> int:
    from ekinerja.audit.models import AuditEntry
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


def wipe() -> None:
    """Empty every table, as a fresh installation (what the autouse clean-up does between tests)."""
    db.session.rollback()
    with db.engine.begin() as conn:
        mysql = conn.dialect.name == "mysql"
        if mysql:
            conn.execute(sa.text("SET FOREIGN_KEY_CHECKS = 0"))
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        if mysql:
            conn.execute(sa.text("SET FOREIGN_KEY_CHECKS = 1"))
    db.session.expire_all()


# ------------------------------------------------------------------ builders

def opd(code: str) -> dict:
    return {"kind": "opd", "code": code}


def unit(code: str) -> dict:
    return {"kind": "unit", "code": code}


def employee(nip: str) -> dict:
    return {"kind": "employee", "nip": nip}


def indicator(code: str, **fields) -> dict:
    out = {"code": code, "name": f"Indikator {code}", "unit": "layanan", "polarity": "max",
           "aggregation": "sum", "weight": 10, "target": "240", "target_high": None, "monthly_targets": None,
           "parent": None, "cascade": None, "rollup": "manual"}
    out.update(fields)
    return out


def parent(owner: dict, code: str) -> dict:
    return {"owner": owner, "code": code}


def objective(code: str, perspective: str, *indicators: dict, name: str | None = None) -> dict:
    return {"code": code, "perspective": perspective, "name": name or f"Sasaran {code}",
            "indicators": list(indicators)}


def card(owner: dict, *objectives: dict, **extra) -> dict:
    return {"owner": owner, **extra, "objectives": list(objectives)}


def realisation(owner: dict, code: str, month: int, value, status: str = "approved", note: str = "") -> dict:
    return {"owner": owner, "indicator": code, "month": month, "value": value, "status": status, "note": note}


def document(year: int, scorecards: list, realisations: list = (), organisation: dict | None = None) -> dict:
    doc = {"format": "ekinerja/v1", "year": year}
    if organisation is not None:
        doc["organisation"] = organisation
    doc["scorecards"] = scorecards
    doc["realisations"] = list(realisations)
    return doc


@pytest.fixture(autouse=True)
def open_months(app):
    """Users' imports obey the monthly periods (domain.md §4): fix "today" on 5 February 2025, when
    January (until 10 February) and February 2025 are open. Tests of closed months move it."""
    before = app.config.get("TODAY")
    app.config["TODAY"] = date(2025, 2, 5)
    yield
    app.config["TODAY"] = before
