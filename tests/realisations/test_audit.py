"""The audit trail of the monthly workflow (issue 4, point 5): every change of a value, a status,
evidence (added, removed), a lock, an unlock, a reopening and a deadline day is recorded with who
made it and from what to what. Nothing calls the trail: Audited models are recorded on flush, with
the actor the edge named (set_actor); a refused change leaves no entry."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ekinerja.audit.models import AuditEntry
from ekinerja.audit.trail import set_actor
from ekinerja.errors import Conflict, Locked
from ekinerja.extensions import db
from ekinerja.realisations import periods
from ekinerja.realisations import services as rs

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
REASON = "Surat permohonan Kepala Dinas nomor 800/45"


def trail(entity: str, entity_id=None, action: str | None = None) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
    if entity_id is not None:
        stmt = stmt.where(AuditEntry.entity_id == str(entity_id))
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    return db.session.scalars(stmt).all()


def changes(entries) -> dict:
    return {e.field: (e.old_value, e.new_value) for e in entries}


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def as_(user) -> None:
    """Name the actor as a request would (ekinerja.web sets it for every request)."""
    set_actor(db.session, user=user, ip="10.20.30.40")


def since(n: int) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id).offset(n)).all()


# ------------------------------------------------------------------ values and statuses

def test_a_new_value_and_its_change_are_recorded_from_what_to_what(org, iku, people):
    as_(people.staff1)
    r = rs.save(people.staff1, iku.s1, 4, rs.Entry(value="20", note="Laporan April"))
    db.session.commit()
    created = trail("realisation", r.id, "create")
    assert changes(created)["value"][0] is None and Decimal(changes(created)["value"][1]) == 20
    assert changes(created)["status"] == (None, "draft")
    assert changes(created)["note"] == (None, "Laporan April")
    assert {(e.actor_id, e.actor_label, e.ip) for e in created} == {(people.staff1.id, people.staff1.username,
                                                                     "10.20.30.40")}
    # after the commit every attribute is expired: the trail still knows the old value
    rs.save(people.staff1, iku.s1, 4, rs.Entry(value="25,5", note="Laporan April"), version=1)
    db.session.commit()
    updated = trail("realisation", r.id, "update")
    old, new = changes(updated)["value"]
    assert (Decimal(old), Decimal(new)) == (Decimal("20"), Decimal("25.5"))
    assert set(changes(updated)) <= {"value", "version"}  # the note did not change
    assert all(e.actor_id == people.staff1.id for e in updated)


def test_every_status_change_is_recorded_with_who(org, iku, people):
    as_(people.staff1)
    r = rs.save(people.staff1, iku.s1, 4, rs.Entry(value="25"))
    db.session.commit()
    n = count()
    rs.submit(people.staff1, r, r.version)
    db.session.commit()
    submitted = since(n)
    assert changes(e for e in submitted if e.entity == "realisation")["status"] == ("draft", "submitted")
    assert {e.actor_id for e in submitted} == {people.staff1.id}

    as_(people.kabid)
    n = count()
    rs.return_(people.kabid, r, r.version, "Lampirkan bukti dukung.")
    db.session.commit()
    returned = changes(e for e in since(n) if e.entity == "realisation")
    assert returned["status"] == ("submitted", "returned")
    assert returned["return_comment"] == (None, "Lampirkan bukti dukung.")
    assert returned["decided_by_id"] == (None, str(people.kabid.id))
    assert {e.actor_id for e in since(n)} == {people.kabid.id}

    as_(people.staff1)
    rs.save(people.staff1, iku.s1, 4, rs.Entry(value="26"), version=r.version)
    db.session.commit()
    assert changes(trail("realisation", r.id, "update")[-3:])["status"] == ("returned", "draft")
    rs.submit(people.staff1, r, r.version)
    db.session.commit()

    as_(people.kabid)
    n = count()
    rs.approve(people.kabid, r, r.version)
    db.session.commit()
    approved = changes(e for e in since(n) if e.entity == "realisation")
    assert approved["status"] == ("submitted", "approved")
    assert approved["return_comment"] == ("Lampirkan bukti dukung.", None)
    statuses = [(e.old_value, e.new_value, e.actor_id) for e in trail("realisation", r.id) if e.field == "status"]
    assert statuses == [(None, "draft", people.staff1.id), ("draft", "submitted", people.staff1.id),
                        ("submitted", "returned", people.kabid.id), ("returned", "draft", people.staff1.id),
                        ("draft", "submitted", people.staff1.id), ("submitted", "approved", people.kabid.id)]


def test_approving_many_records_each(org, iku, people):
    as_(people.staff1)
    one = rs.save_and_submit(people.staff1, iku.s1, 4, rs.Entry(value="25"))
    as_(people.staff2)
    two = rs.save_and_submit(people.staff2, iku.s2, 4, rs.Entry(value="25"))
    db.session.commit()
    as_(people.kabid)
    rs.approve_many(people.kabid, [(one.id, one.version), (two.id, two.version)])
    db.session.commit()
    for r in (one, two):
        status = [e for e in trail("realisation", r.id, "update") if e.field == "status"][-1]
        assert (status.old_value, status.new_value, status.actor_id) == ("submitted", "approved", people.kabid.id)


def test_a_refused_change_leaves_no_entry(org, iku, people, today):
    as_(people.staff1)
    r = rs.save(people.staff1, iku.s1, 4, rs.Entry(value="25"))
    db.session.commit()
    n = count()
    with pytest.raises(Conflict):
        rs.save(people.staff1, iku.s1, 4, rs.Entry(value="30"), version=7)
    db.session.rollback()
    with pytest.raises(Locked):
        rs.save(people.staff1, iku.s1, 3, rs.Entry(value="30"))
    db.session.rollback()
    as_(people.b_head)
    with pytest.raises(Exception):
        rs.approve(people.b_head, r, r.version)
    db.session.rollback()
    assert count() == n


# ------------------------------------------------------------------ evidence

def test_evidence_added_and_removed_is_recorded(org, iku, people):
    as_(people.staff1)
    r = rs.save(people.staff1, iku.s1, 4, rs.Entry(value="25"))
    db.session.commit()
    n = count()
    ev = rs.add_evidence(people.staff1, r, PDF, "Laporan April.pdf", r.version)
    db.session.commit()
    added = changes(trail("evidence", ev.id, "create"))
    assert added["original_name"] == (None, "Laporan April.pdf")
    assert added["content_type"] == (None, "application/pdf")
    assert added["size_bytes"] == (None, str(len(PDF)))
    assert added["realisation_id"] == (None, str(r.id))
    assert added["uploaded_by_id"] == (None, str(people.staff1.id))
    assert len(added["sha256"][1]) == 64
    assert {e.actor_id for e in since(n)} == {people.staff1.id}

    n = count()
    rs.remove_evidence(people.staff1, ev, r.version)
    db.session.commit()
    removed = trail("evidence", ev.id, "delete")
    assert changes(removed)["original_name"] == ("Laporan April.pdf", None)
    assert changes(removed)["storage_key"][0].startswith("evidence/")
    assert {e.actor_id for e in removed} == {people.staff1.id}


def test_evidence_on_a_returned_value_makes_it_a_draft_again_in_the_trail(org, iku, people):
    as_(people.staff1)
    r = rs.save_and_submit(people.staff1, iku.s1, 4, rs.Entry(value="25"))
    as_(people.kabid)
    rs.return_(people.kabid, r, r.version, "Bukti belum ada.")
    db.session.commit()
    as_(people.staff1)
    n = count()
    ev = rs.add_evidence(people.staff1, r, PDF, "bukti.pdf", r.version)
    db.session.commit()
    assert changes(e for e in since(n) if e.entity == "realisation")["status"] == ("returned", "draft")
    assert trail("evidence", ev.id, "create")


# ------------------------------------------------------------------ periods

def test_lock_unlock_reopen_and_deadline_are_recorded(org, people, today):
    as_(people.admin)
    lock = periods.lock(people.admin, 2026, 3)
    db.session.commit()
    locked = trail("period_lock", lock.id, "create")
    assert changes(locked) == {"year": (None, "2026"), "month": (None, "3"),
                               "locked_by_id": (None, str(people.admin.id))}
    assert {e.actor_id for e in locked} == {people.admin.id}

    n = count()
    periods.lock(people.admin, 2026, 3)  # already locked: nothing changes, nothing recorded
    db.session.commit()
    assert count() == n

    lock_id = lock.id
    periods.unlock(people.admin, 2026, 3)
    db.session.commit()
    unlocked = trail("period_lock", lock_id, "delete")
    assert changes(unlocked) == {"year": ("2026", None), "month": ("3", None),
                                 "locked_by_id": (str(people.admin.id), None)}
    assert {e.actor_id for e in unlocked} == {people.admin.id}

    rows = periods.reopen(people.admin, 2026, 3, [org.a, org.b], REASON, date(2026, 5, 31))
    db.session.commit()
    for row, opd in zip(rows, (org.a, org.b)):
        reopened = changes(trail("period_reopening", row.id, "create"))
        assert reopened["opd_id"] == (None, str(opd.id))
        assert reopened["reason"] == (None, REASON)
        assert reopened["until"] == (None, "2026-05-31")
        assert reopened["month"] == (None, "3") and reopened["created_by_id"] == (None, str(people.admin.id))

    periods.set_deadline_day(people.admin, 2026, 12)
    db.session.commit()
    periods.set_deadline_day(people.admin, 2026, 15)
    db.session.commit()
    setting = trail("period_setting", 2026)
    assert [(e.action, e.old_value, e.new_value) for e in setting if e.field == "deadline_day"] == [
        ("create", None, "12"), ("update", "12", "15")]
    assert {e.actor_id for e in setting} == {people.admin.id}


def test_the_command_line_is_named_in_the_trail(runner, org, today):
    result = runner.invoke(args=["periods", "reopen", "--year", "2026", "--month", "2", "--opd", org.a.code,
                                 "--reason", REASON, "--until", "2026-05-20"])
    assert result.exit_code == 0, result.output
    runner.invoke(args=["periods", "lock", "--year", "2026", "--month", "2"])
    runner.invoke(args=["periods", "unlock", "--year", "2026", "--month", "2"])
    runner.invoke(args=["periods", "deadline", "--year", "2026", "--day", "9"])
    db.session.commit()  # end the read: see what the commands committed
    labels = {(e.entity, e.action, e.actor_label, e.actor_id) for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity.like("period%")))}
    assert labels == {("period_reopening", "create", "cli:periods reopen", None),
                      ("period_lock", "create", "cli:periods lock", None),
                      ("period_lock", "delete", "cli:periods unlock", None),
                      ("period_setting", "create", "cli:periods deadline", None)}
