"""Fixtures of the A3 tests: the cascade of tests/bsc (province IKU → OPD A → bidang → staff), the
users of tests/contracts, and `a3_world`: A3s of the year in every state the pages need."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.contracts.conftest import iku, people, realise, scan, today  # noqa: F401

SIGNING = date(2026, 2, 2)
PRINTED = date(2026, 1, 30)

# The identities of tests/test_access.py.
ADMIN, GOVERNOR_OFFICE, GOVERNOR, AUDITOR = "admin", "governor_office", "governor", "auditor"
OPERATOR_A, OPERATOR_B = "operator_a", "operator_b"
KABID, STAFF1, B_STAFF = "kabid", "staff1", "b_staff"
IDENTITIES = [ADMIN, GOVERNOR_OFFICE, GOVERNOR, AUDITOR, OPERATOR_A, OPERATOR_B, KABID, STAFF1, B_STAFF]


@pytest.fixture
def a3_world(org, iku, make_user, make_unit, make_position, make_employee, today, scan):
    """A user per identity, a second province IKU (IKU-02, not yet cascaded) and these A3s of 2026:
    - OPD A's head: a draft, prefilled (4 Attitudes, 1 Attention, 1 Action);
    - the head of a seksi under the bidang (eselon IV, kasi): agreed, waiting to be printed;
    - the head of a second bidang (kabid2): a draft made before its unit had a scorecard, so only
      its Attitudes are filled (its unit's card has an indicator now: "Isi dari kartu kinerja" adds it);
    - OPD B's head: printed;
    - the kabid of the first bidang: none yet ("Susun A3")."""
    from ekinerja.a3 import services as a3
    from ekinerja.auth.models import User
    from ekinerja.bsc import services as bsc
    from ekinerja.bsc.models import OwnerKind
    from ekinerja.contracts import services as cs
    from ekinerja.extensions import db
    from ekinerja.org.models import PositionKind, UnitKind

    users = {
        ADMIN: make_user("admin", username="admin"),
        GOVERNOR_OFFICE: make_user("governor_office", username="biro.organisasi"),
        GOVERNOR: make_user("governor", username="gubernur"),
        AUDITOR: make_user("auditor", username="inspektorat"),
        OPERATOR_A: make_user(("opd_operator", org.a), username="operator.a"),
        OPERATOR_B: make_user(("opd_operator", org.b), username="operator.b"),
    }
    for name, employee in ((KABID, org.kabid), (STAFF1, org.staff1), (B_STAFF, org.b_staff)):
        users[name] = db.session.scalar(select(User).where(User.employee_id == employee.id))
    iku2 = bsc.save_indicator(None, iku.top.objective, bsc.IndicatorInput(
        code="IKU-02", name="Indeks kepuasan masyarakat", unit_of_measure="indeks", polarity="max",
        aggregation="last", weight=5, target=85))

    a_draft = a3.start(None, 2026, org.a_head.position).latest

    seksi = make_unit(org.bidang, "Seksi Layanan Digital", UnitKind.SEKSI)
    kasi = make_employee(make_position(seksi, "Kepala Seksi Layanan Digital", PositionKind.PENGAWAS, head=True),
                         "Kasi Satu")
    bsc.cascade(None, iku.unit, [bsc.CascadeTarget(OwnerKind.UNIT, seksi.id, 60)])
    kasi_a3 = a3.start(None, 2026, kasi.position)   # its Attention: IKU-01, served through the bidang and the OPD
    cs.submit(None, kasi_a3.latest)
    cs.agree(None, kasi_a3.latest)

    bidang2 = make_unit(org.a_root, "Bidang Dua")
    kabid2 = make_employee(make_position(bidang2, "Kepala Bidang Dua", PositionKind.ADMINISTRATOR, head=True),
                           "Kabid Dua")
    kabid2_draft = a3.start(None, 2026, kabid2.position).latest
    bsc.cascade(None, iku.opd, [bsc.CascadeTarget(OwnerKind.UNIT, bidang2.id, 40)])

    [b_ind] = bsc.cascade(None, iku.top, [bsc.CascadeTarget(OwnerKind.OPD, org.b.id, 50)])
    b_a3 = a3.start(None, 2026, org.b_head.position)
    cs.submit(None, b_a3.latest)
    cs.agree(None, b_a3.latest)
    cs.print_(None, b_a3.latest, "800/7/ORG/2026", PRINTED, SIGNING)
    db.session.commit()

    w = SimpleNamespace(
        org=org, iku=iku, iku2=iku2, seksi=seksi, kasi=kasi, bidang2=bidang2, kabid2=kabid2, b_ind=b_ind,
        a_version=a_draft.id, kasi_version=kasi_a3.latest.id, kabid2_version=kabid2_draft.id,
        b_version=b_a3.latest.id,
        ids={"opd_a": org.a.id, "opd_b": org.b.id, "year": 2026, "version": a_draft.id,
             "attitude": a_draft.a3_attitudes[0].id, "attention": a_draft.a3_attentions[0].id,
             "action": a_draft.a3_actions[0].id, "kabid_post": org.kabid.position.id,
             "kabid2_version": kabid2_draft.id, "kasi_version": kasi_a3.latest.id, "b_version": b_a3.latest.id},
        logins={name: u.username for name, u in users.items()},
        user_ids={name: u.id for name, u in users.items()},
    )
    db.session.commit()  # end the read: requests see fresh data (MariaDB's snapshots)
    return w
