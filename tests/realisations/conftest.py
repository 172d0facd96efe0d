"""Fixtures of the monthly workflow: a cascade from the province down to two staff of OPD A
(tests/bsc/conftest.iku), "today" fixed inside the year's periods, users for each role."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from ekinerja.auth.services import find_user
from tests.bsc.conftest import iku, realise  # noqa: F401  (the cascade fixture, shared)

TODAY = date(2026, 5, 4)  # April is open until 10 May; March closed on 10 April


@pytest.fixture
def today(app):
    """Fix "today" for the periods (restored after the test)."""
    before = app.config.get("TODAY")
    app.config["TODAY"] = TODAY

    def set_today(day: date):
        app.config["TODAY"] = day
    yield set_today
    app.config["TODAY"] = before


@pytest.fixture
def people(org, make_user, today):
    """Users: the two staff, their kabid, the OPD head, operators of A and B, governor's office,
    admin, auditor, and B's staff."""
    return SimpleNamespace(
        staff1=find_user(org.staff1.nip), staff2=find_user(org.staff2.nip), kabid=find_user(org.kabid.nip),
        a_head=find_user(org.a_head.nip), b_head=find_user(org.b_head.nip), b_staff=find_user(org.b_staff.nip),
        op_a=make_user(("opd_operator", org.a), username="operator.a"),
        op_b=make_user(("opd_operator", org.b), username="operator.b"),
        gov=make_user("governor_office", username="biro"),
        admin=make_user("admin", username="admin"),
        auditor=make_user("auditor", username="auditor"),
    )
