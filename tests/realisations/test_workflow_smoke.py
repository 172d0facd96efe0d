from decimal import Decimal as D

import pytest

from ekinerja.bsc.models import RealisationStatus
from ekinerja.errors import Conflict, Locked, PermissionDenied, ValidationFailed
from ekinerja.extensions import db
from ekinerja.realisations import services as rs


def test_whole_flow(org, iku, people):
    r = rs.save(people.staff1, iku.s1, 4, rs.Entry(value="22,5"))
    assert r.version == 1 and r.status == RealisationStatus.DRAFT and r.value == D("22.5")
    r = rs.submit(people.staff1, r, 1)
    assert r.status == RealisationStatus.SUBMITTED and r.version == 2
    assert [x.id for x in rs.inbox(people.kabid)] == [r.id]
    assert rs.inbox(people.a_head) == []
    with pytest.raises(PermissionDenied):
        rs.approve(people.a_head, r, 2)
    rs.return_(people.kabid, r, 2, "Lampirkan bukti")
    assert r.status == RealisationStatus.RETURNED
    rs.save(people.staff1, iku.s1, 4, rs.Entry(value="23"), version=3)
    assert r.status == RealisationStatus.DRAFT and r.version == 4
    rs.submit(people.staff1, r, 4)
    rs.approve(people.kabid, r, 5)
    db.session.commit()
    assert r.status == RealisationStatus.APPROVED and r.version == 6


def test_stale_and_closed(org, iku, people, today):
    r = rs.save(people.staff1, iku.s1, 4, rs.Entry(value="1"))
    with pytest.raises(Conflict):
        rs.save(people.staff1, iku.s1, 4, rs.Entry(value="2"), version=5)
    with pytest.raises(Locked):
        rs.save(people.staff1, iku.s1, 3, rs.Entry(value="2"))
    with pytest.raises(ValidationFailed) as e:
        rs.submit(people.staff1, r, 1)
    assert {d["field"] for d in e.value.details} == {"reason", "follow_up"}
