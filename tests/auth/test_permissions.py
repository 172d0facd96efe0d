"""Who may see or change what: roles with scopes (all, OPD, unit subtree, own record)."""
from datetime import date

import pytest
from sqlalchemy import select

from ekinerja.auth.models import Role, User, UserRole
from ekinerja.auth.permissions import (POLICY, Scope, access, can, can_employee, can_opd, can_unit,
                                       headed_unit_id, require, visible_opd_ids)
from ekinerja.errors import PermissionDenied
from ekinerja.extensions import db
from ekinerja.org import services
from ekinerja.org.models import PositionKind, UnitKind


def user_of(employee) -> User:
    return db.session.scalar(select(User).where(User.employee_id == employee.id))


@pytest.fixture
def world(org, make_unit, make_position, make_employee):
    """org plus a seksi under the bidang with its own head and staff."""
    org.seksi = make_unit(org.bidang, "Seksi Satu", kind=UnitKind.SEKSI)
    org.kasi = make_employee(make_position(org.seksi, "Kepala Seksi", PositionKind.PENGAWAS, head=True), "Kasi")
    org.seksi_staff = make_employee(make_position(org.seksi, "Staf Seksi"), "Staf Seksi")
    db.session.commit()
    return org


def everything(w):
    units = [w.a_root, w.bidang, w.seksi, w.b_root]
    employees = [w.a_head, w.kabid, w.staff1, w.staff2, w.kasi, w.seksi_staff, w.b_head, w.b_staff]
    return units, employees


@pytest.mark.parametrize("role", ["admin", "governor_office", "governor", "auditor"])
def test_province_wide_roles_see_everything(world, make_user, role):
    user = make_user(role)
    a = access(user, "org.view")
    assert a.scope == Scope.ALL and bool(a)
    units, employees = everything(world)
    assert all(can_unit(user, "org.view", u) for u in units)
    assert all(can_employee(user, "org.view", e) for e in employees)
    assert can_opd(user, "org.view", world.a) and can_opd(user, "org.view", world.b)
    assert visible_opd_ids(user, "org.view") is None


def test_what_each_province_role_may_change(world, make_user):
    expected = {
        "admin": {"org.manage": True, "audit.view": True, "users.manage": True},
        "governor_office": {"org.manage": True, "audit.view": False, "users.manage": False},
        "governor": {"org.manage": False, "audit.view": False, "users.manage": False},
        "auditor": {"org.manage": False, "audit.view": True, "users.manage": False},
    }
    for role, actions in expected.items():
        user = make_user(role)
        for action, allowed in actions.items():
            assert can(user, action) is allowed, (role, action)
            assert can_opd(user, action, world.a) is allowed, (role, action)
            assert can_unit(user, action, world.seksi) is allowed, (role, action)
            assert can_employee(user, action, world.b_staff) is allowed, (role, action)


def test_opd_operator_has_its_own_opd_only(world, make_user):
    op = make_user(("opd_operator", world.a))
    for action in ("org.view", "org.manage"):
        a = access(op, action)
        assert a.scope == Scope.OPD and a.opd_ids == {world.a.id}
        assert can_opd(op, action, world.a) and not can_opd(op, action, world.b)
        assert all(can_unit(op, action, u) for u in (world.a_root, world.bidang, world.seksi))
        assert not can_unit(op, action, world.b_root)
        assert can_employee(op, action, world.seksi_staff) and can_employee(op, action, world.a_head)
        assert not can_employee(op, action, world.b_staff) and not can_employee(op, action, world.b_head)
    assert visible_opd_ids(op, "org.view") == {world.a.id}
    assert not can(op, "audit.view") and not can(op, "users.manage")


def test_operator_keeps_an_employee_who_left_the_post(world, make_user):
    op_a, op_b = make_user(("opd_operator", world.a)), make_user(("opd_operator", world.b))
    services.release_position(None, world.staff1, date(2025, 6, 30))
    db.session.commit()
    assert world.staff1.position is None
    assert can_employee(op_a, "org.manage", world.staff1)
    assert not can_employee(op_b, "org.manage", world.staff1)


def test_operator_of_two_opds(world, make_user):
    op = make_user(("opd_operator", world.a), ("opd_operator", world.b))
    assert access(op, "org.manage").opd_ids == {world.a.id, world.b.id}
    assert can_opd(op, "org.manage", world.b) and can_employee(op, "org.manage", world.b_staff)


def test_unit_head_sees_own_unit_subtree(world):
    kabid = user_of(world.kabid)
    assert headed_unit_id(kabid) == world.bidang.id
    a = access(kabid, "org.view")
    assert a.scope == Scope.UNIT and a.head_unit_ids == {world.bidang.id} and a.employee_id == world.kabid.id
    assert can_unit(kabid, "org.view", world.bidang) and can_unit(kabid, "org.view", world.seksi)
    assert not can_unit(kabid, "org.view", world.a_root) and not can_unit(kabid, "org.view", world.b_root)
    for e in (world.kabid, world.staff1, world.staff2, world.kasi, world.seksi_staff):
        assert can_employee(kabid, "org.view", e)
    for e in (world.a_head, world.b_head, world.b_staff):
        assert not can_employee(kabid, "org.view", e)
    # a unit head sees units, not the whole OPD, and changes nothing
    assert not can_opd(kabid, "org.view", world.a)
    assert visible_opd_ids(kabid, "org.view") == set()
    assert not can(kabid, "org.manage") and not can_unit(kabid, "org.manage", world.seksi)
    assert not can(kabid, "audit.view")


def test_head_of_a_lower_unit_does_not_see_upwards(world):
    kasi = user_of(world.kasi)
    assert can_employee(kasi, "org.view", world.seksi_staff)
    assert not can_employee(kasi, "org.view", world.staff1)
    assert not can_employee(kasi, "org.view", world.kabid)
    assert not can_unit(kasi, "org.view", world.bidang)


def test_opd_head_sees_the_whole_opd_tree_but_not_other_opds(world):
    head = user_of(world.a_head)
    units, employees = everything(world)
    assert all(can_unit(head, "org.view", u) for u in units[:3])
    assert not can_unit(head, "org.view", world.b_root)
    assert all(can_employee(head, "org.view", e) for e in employees[:6])
    assert not can_employee(head, "org.view", world.b_staff)


def test_a_former_head_loses_the_unit(world, make_position):
    kabid = user_of(world.kabid)
    services.assign_position(None, world.kabid, make_position(world.b_root, "Analis"), date(2025, 7, 1))
    db.session.commit()
    assert headed_unit_id(kabid) is None
    assert not can_employee(kabid, "org.view", world.staff1)
    assert can_employee(kabid, "org.view", world.kabid)


def test_plain_staff_see_only_their_own_record(world):
    staff = user_of(world.staff1)
    a = access(staff, "org.view")
    assert a.scope == Scope.OWN and a.employee_id == world.staff1.id and not a.head_unit_ids
    assert can_employee(staff, "org.view", world.staff1)
    for e in (world.staff2, world.kabid, world.a_head, world.b_staff):
        assert not can_employee(staff, "org.view", e)
    assert not any(can_unit(staff, "org.view", u) for u in everything(world)[0])
    assert not can_opd(staff, "org.view", world.a)
    for action in ("org.manage", "audit.view", "users.manage"):
        assert not can(staff, action)
        assert not can_employee(staff, action, world.staff1)  # own record, but only to view


def test_a_user_without_role_or_post_may_do_nothing(world, make_user):
    nobody = make_user()
    for action in POLICY:
        assert access(nobody, action).scope == Scope.NONE and not can(nobody, action)
        assert not can_opd(nobody, action, world.a)
        assert not can_unit(nobody, action, world.bidang)
        assert not can_employee(nobody, action, world.staff1)


def test_roles_add_up(world):
    # an auditor who is also staff: everything to read, nothing to change
    staff = user_of(world.staff2)
    staff.roles.append(UserRole(role=Role.AUDITOR))
    db.session.flush()
    assert access(staff, "org.view").scope == Scope.ALL
    assert can_employee(staff, "org.view", world.b_staff)
    assert can(staff, "audit.view") and not can(staff, "org.manage")


def test_none_is_the_system_and_may_do_everything(world):
    for action in POLICY:
        assert access(None, action).scope == Scope.ALL and can(None, action)
        assert can_opd(None, action, world.b) and can_unit(None, action, world.seksi)
        assert can_employee(None, action, world.b_staff)
    assert visible_opd_ids(None, "org.view") is None


def test_require():
    require(True)
    with pytest.raises(PermissionDenied, match="Anda tidak berhak"):
        require(False)
    with pytest.raises(PermissionDenied, match="Khusus admin"):
        require(False, "Khusus admin")


# ------------------------------------------------------------------ the same rules on the pages

def test_pages_follow_the_rules(world, make_user, auth, client):
    op_b = make_user(("opd_operator", world.b), username="op.beta")
    db.session.commit()
    # staff: own profile yes, the unit and a colleague no
    auth.login(world.staff1.nip)
    assert client.get(f"/organisasi/pegawai/{world.staff1.id}").status_code == 200
    assert client.get(f"/organisasi/pegawai/{world.staff2.id}").status_code == 403
    assert client.get(f"/organisasi/unit/{world.bidang.id}").status_code == 403
    auth.logout()
    # the kabid: the bidang and the seksi below it, not the OPD office
    auth.login(world.kabid.nip)
    assert client.get(f"/organisasi/unit/{world.seksi.id}").status_code == 200
    assert client.get(f"/organisasi/pegawai/{world.seksi_staff.id}").status_code == 200
    assert client.get(f"/organisasi/unit/{world.a_root.id}").status_code == 403
    assert client.get(f"/organisasi/unit/{world.bidang.id}/ubah").status_code == 403
    auth.logout()
    # B's operator: B yes, A no
    auth.login("op.beta")
    assert client.get(f"/organisasi/opd/{world.b.id}").status_code == 200
    assert client.get(f"/organisasi/opd/{world.a.id}").status_code == 403
    r = client.post(f"/organisasi/unit/{world.bidang.id}/ubah",
                    data={"code": world.bidang.code, "name": "Dibajak", "kind": "bidang",
                          "parent": world.a_root.id})
    assert r.status_code == 403
    db.session.expire_all()
    assert world.bidang.name == "Bidang Satu"


def test_the_opd_head_sees_his_whole_opd_but_not_another(client, auth, org):
    auth.login(org.a_head.nip)
    assert client.get(f"/organisasi/opd/{org.a.id}").status_code == 200
    assert client.get(f"/organisasi/opd/{org.b.id}").status_code == 403
    assert client.get(f"/organisasi/unit/{org.a_root.id}/ubah").status_code == 403  # sees, does not keep
