"""The audit trail: every change of an Audited model, by whom, from where, from what to what."""
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from ekinerja.audit.models import AuditEntry
from ekinerja.audit.trail import set_actor
from ekinerja.auth.models import LoginAttempt, User
from ekinerja.auth.services import change_password, create_user, issue_token
from ekinerja.extensions import db
from ekinerja.org import services
from ekinerja.org.models import PositionKind, Unit, UnitKind
from tests.conftest import PASSWORD, TEST_HASH


def trail(entity=None, entity_id=None) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if entity_id is not None:
        stmt = stmt.where(AuditEntry.entity_id == str(entity_id))
    return db.session.scalars(stmt).all()


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def fields(entries) -> dict:
    return {e.field: (e.old_value, e.new_value) for e in entries}


def test_creation_records_each_field_with_the_actor(org):
    set_actor(db.session, label="uji:skrip", ip="10.0.0.7")
    before = count()
    unit = services.create_unit(None, org.bidang, "A.B1.S9", "Seksi Sembilan", UnitKind.SEKSI)
    rows = trail("unit", unit.id)
    assert count() == before + len(rows)
    assert {e.action for e in rows} == {"create"}
    assert fields(rows) == {"code": (None, "A.B1.S9"), "name": (None, "Seksi Sembilan"),
                            "kind": (None, "seksi"), "opd_id": (None, str(org.a.id)),
                            "parent_id": (None, str(org.bidang.id))}
    for e in rows:
        assert (e.actor_label, e.actor_id, e.ip) == ("uji:skrip", None, "10.0.0.7")
        assert e.created_at.tzinfo is not None


def test_update_records_only_changed_fields(org):
    set_actor(db.session, label="uji")
    before = count()
    org.bidang.name = "Bidang Satu"  # the same value: nothing to record
    db.session.flush()
    assert count() == before
    org.bidang.name = "Bidang Utama"
    db.session.flush()
    [entry] = trail("unit", org.bidang.id)[-1:]
    assert count() == before + 1
    assert (entry.action, entry.field, entry.old_value, entry.new_value) == (
        "update", "name", "Bidang Satu", "Bidang Utama")
    assert entry.entity_id == str(org.bidang.id)


def test_a_change_after_a_commit_still_records_the_old_value(org):
    """After a commit every attribute is expired; the trail must still say from what."""
    staff_rows = len(trail("employee", org.staff1.id))
    db.session.commit()
    org.kabid.position.name = "Kepala Bidang Utama"
    org.staff1.name = "Staf Satu"  # unchanged, although expired when set
    db.session.flush()
    rows = trail("position", org.kabid.position.id)
    assert (rows[-1].action, rows[-1].field, rows[-1].old_value, rows[-1].new_value) == (
        "update", "name", "Kepala Bidang Satu", "Kepala Bidang Utama")
    assert len(trail("employee", org.staff1.id)) == staff_rows


def test_set_actor_names_the_user(org, make_user):
    admin = make_user("admin", username="admin.audit")
    set_actor(db.session, user=admin, ip="192.0.2.1")
    services.update_position(admin, org.staff2.position, "Pengadministrasi Umum", PositionKind.PELAKSANA, False)
    [entry] = trail("position", org.staff2.position.id)[-1:]
    assert (entry.actor_id, entry.actor_label, entry.ip) == (admin.id, "admin.audit", "192.0.2.1")
    assert entry.actor == admin
    # a label wins over the username
    set_actor(db.session, user=admin, label="admin lewat CLI")
    org.bidang.name = "Lain"
    db.session.flush()
    assert trail("unit", org.bidang.id)[-1].actor_label == "admin lewat CLI"


def test_without_an_actor_the_system_is_named(ctx, make_opd):
    opd = make_opd(name="Dinas Sistem")
    entry = trail("opd", opd.id)[0]
    assert (entry.actor_label, entry.actor_id, entry.ip) == ("sistem", None, None)


def test_values_are_written_as_text(org):
    holding = org.staff1.holdings[0]
    holding.end_date = date(2025, 12, 31)
    user = db.session.scalar(select(User).where(User.employee_id == org.staff1.id))
    user.active = False
    db.session.flush()
    assert fields(trail("position_holding", holding.id))["end_date"] == (None, "2025-12-31")
    assert fields(trail("user_account", user.id))["active"] == ("1", "0")
    assert fields(trail("position_holding", holding.id))["start_date"] == (None, "2025-01-02")


def test_timestamps_are_not_trail_rows(org):
    org.bidang.name = "Bidang Baru"
    db.session.flush()
    assert not [e for e in trail() if e.field in ("created_at", "updated_at", "id")]


def test_deletion_is_recorded(org, make_position):
    position = make_position(org.bidang, "Sementara")
    position_id = position.id
    db.session.delete(position)
    db.session.flush()
    rows = [e for e in trail("position", position_id) if e.action == "delete"]
    assert fields(rows)["name"] == ("Sementara", None)


def test_a_rolled_back_change_leaves_no_trail(org):
    db.session.commit()
    before = count()
    org.bidang.name = "Tidak Jadi"
    services.create_unit(None, org.bidang, "A.BATAL", "Batal", UnitKind.SEKSI)
    db.session.flush()
    assert count() > before  # written in the transaction...
    db.session.rollback()
    assert count() == before  # ...and gone with it
    assert db.session.scalar(select(Unit).where(Unit.code == "A.BATAL")) is None


def test_password_hashes_are_masked(ctx, app):
    user = create_user(None, "masker", "Masker", PASSWORD, [], TEST_HASH)
    change_password(user, PASSWORD, "kata-sandi-baru-1", TEST_HASH)
    user.password_hash = None
    db.session.flush()
    rows = [e for e in trail("user_account", user.id) if e.field == "password_hash"]
    assert [(e.action, e.old_value, e.new_value) for e in rows] == [
        ("create", None, "***"), ("update", "***", "***"), ("update", "***", None)]
    assert not any(v and "pbkdf2" in v for e in trail() for v in (e.old_value, e.new_value))


def test_models_outside_the_trail_write_nothing(org):
    before = count()
    db.session.add(LoginAttempt(identifier="x", ip=None, succeeded=False))
    issue_token(db.session.scalar(select(User).where(User.employee_id == org.staff1.id)))
    db.session.flush()
    assert count() == before


# ------------------------------------------------------------------ through the pages

def test_an_operator_edit_of_a_unit_is_recorded_with_user_and_ip(org, make_user, auth, client):
    op = make_user(("opd_operator", org.a), username="op.alfa")
    db.session.commit()
    assert auth.login("op.alfa").status_code == 302
    r = client.post(f"/organisasi/unit/{org.bidang.id}/ubah",
                    data={"code": org.bidang.code, "name": "Bidang Satu Baru", "kind": "bidang",
                          "parent": org.a_root.id})
    assert r.status_code == 302
    db.session.expire_all()
    [entry] = trail("unit", org.bidang.id)[-1:]
    assert (entry.action, entry.field, entry.old_value, entry.new_value) == (
        "update", "name", "Bidang Satu", "Bidang Satu Baru")
    assert (entry.actor_id, entry.actor_label, entry.ip) == (op.id, "op.alfa", "127.0.0.1")


def test_a_refused_edit_leaves_no_trail(org, make_user, auth, client):
    make_user(("opd_operator", org.b), username="op.beta")
    db.session.commit()
    before = count()
    auth.login("op.beta")
    r = client.post(f"/organisasi/unit/{org.bidang.id}/ubah",
                    data={"code": org.bidang.code, "name": "Dibajak", "kind": "bidang", "parent": org.a_root.id})
    assert r.status_code == 403
    r = client.post(f"/organisasi/unit/{org.b_root.id}/ubah",  # own OPD, but an invalid value
                    data={"code": "kode lain", "name": "Badan Beta", "kind": "opd", "parent": ""})
    assert r.status_code == 422
    db.session.expire_all()
    assert count() == before + 1  # only the successful login's last_login_at
    assert trail()[-1].field == "last_login_at"


def audit_page_total(text: str) -> int:
    return int(re.search(r"(\d+) catatan", text).group(1))


def test_auditor_reads_and_filters_the_trail(org, make_user, auth, client):
    make_user("auditor", username="inspektur")
    org.bidang.name = "Bidang Diaudit"
    db.session.commit()
    auth.login("inspektur")
    r = client.get("/audit/")
    assert r.status_code == 200
    assert audit_page_total(r.text) == count()
    r = client.get("/audit/", query_string={"entity": "unit", "entity_id": org.bidang.id})
    assert r.status_code == 200
    expected = trail("unit", org.bidang.id)
    assert audit_page_total(r.text) == len(expected) >= 2
    shown = re.findall(r">(\w+) #(\d+)</td>", r.text)
    assert shown and set(shown) == {("unit", str(org.bidang.id))}
    assert "Bidang Diaudit" in r.text
    r = client.get("/audit/", query_string={"entity": "unit", "entity_id": org.bidang.id, "field": "name"})
    assert audit_page_total(r.text) == len([e for e in expected if e.field == "name"])
    r = client.get("/audit/", query_string={"entity": "employee"})
    assert audit_page_total(r.text) == len(trail("employee"))
    assert len({e.entity_id for e in trail("employee")}) == 6
    r = client.get("/audit/", query_string={"since": "2000-01-01", "until": "2000-01-31"})
    assert audit_page_total(r.text) == 0
    # days are chosen in WITA (UTC+8), the trail is stored in UTC
    today = datetime.now(ZoneInfo("Asia/Makassar")).date()
    r = client.get("/audit/", query_string={"since": today.isoformat(), "until": today.isoformat()})
    assert audit_page_total(r.text) == count()
    r = client.get("/audit/", query_string={"until": (today - timedelta(days=1)).isoformat()})
    assert audit_page_total(r.text) == 0
    org.bidang.name = "Bidang Diaudit Lagi"
    set_actor(db.session, label="skrip:uji")
    db.session.commit()
    r = client.get("/audit/", query_string={"actor": "rip:u"})
    assert audit_page_total(r.text) == 1
    # reading the trail changes nothing in it (only the login is recorded)
    assert client.get("/audit/").status_code == 200


def test_admin_reads_the_trail_too(ctx, make_user, auth, client):
    make_user("admin", username="adm")
    db.session.commit()
    auth.login("adm")
    assert client.get("/audit/").status_code == 200


@pytest.mark.parametrize("who", ["staff", "operator", "governor"])
def test_others_may_not_read_the_trail(org, make_user, auth, client, who):
    if who == "staff":
        login = org.staff1.nip
    else:
        login = make_user("governor" if who == "governor" else ("opd_operator", org.a)).username
        db.session.commit()
    auth.login(login)
    r = client.get("/audit/")
    assert r.status_code == 403
    assert "Akses ditolak" in r.text
    assert "Bidang Satu" not in r.text


def test_anonymous_is_sent_to_login(client):
    r = client.get("/audit/")
    assert r.status_code == 302 and r.headers["Location"].startswith("/masuk")
