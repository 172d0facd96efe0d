"""Organisation services: superiors, holders over time, placements, units, positions, employees."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from ekinerja.audit.models import AuditEntry
from ekinerja.auth.models import User
from ekinerja.errors import NotFound, PermissionDenied, ValidationFailed
from ekinerja.extensions import db
from ekinerja.org import services
from ekinerja.org.models import Employee, Position, PositionHolding, PositionKind, Unit, UnitKind
from tests.conftest import valid_nip


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def field_errors(exc_info) -> dict[str, str]:
    return {d["field"]: d["message"] for d in exc_info.value.details}


# ------------------------------------------------------------------ superiors

def test_superior_is_the_head_of_the_own_unit(org):
    assert services.superior_position(org.staff1.position) == org.kabid.position
    assert services.superior_position(org.staff2.position) == org.kabid.position
    assert services.superior_position(org.b_staff.position) == org.b_head.position


def test_superior_of_a_unit_head_is_the_head_of_the_unit_above(org):
    assert services.superior_position(org.kabid.position) == org.a_head.position


def test_opd_head_has_no_superior_post_the_governor_is(org):
    assert services.superior_position(org.a_head.position) is None
    assert services.superior_position(org.b_head.position) is None


def test_superior_skips_units_without_a_head(org, make_unit, make_position):
    seksi = make_unit(org.bidang, "Seksi Tanpa Kepala", kind=UnitKind.SEKSI)
    staff = make_position(seksi, "Staf Seksi")
    sub = make_unit(seksi, "Sub Seksi", kind=UnitKind.LAINNYA)
    sub_head = make_position(sub, "Kepala Sub", PositionKind.PENGAWAS, head=True)
    # no head in the seksi: the nearest head above is the kabid's
    assert services.superior_position(staff) == org.kabid.position
    assert services.superior_position(sub_head) == org.kabid.position
    # a vacant post still answers: the superior is a post, whoever holds it
    seksi_head = make_position(seksi, "Kepala Seksi", PositionKind.PENGAWAS, head=True)
    db.session.expire(seksi, ["positions"])
    assert services.superior_position(staff) == seksi_head
    assert services.superior_position(sub_head) == seksi_head
    assert services.superior_position(seksi_head) == org.kabid.position


def test_staff_in_the_opd_office_report_to_the_opd_head(org):
    assert org.b_staff.position.unit == org.b_root
    assert services.superior_position(org.b_staff.position) == org.b_head.position


# ------------------------------------------------------------------ placements and history

def test_assign_ends_previous_holder_the_day_before_and_keeps_history(org):
    post = org.staff1.position
    newcomer = org.staff2
    old_post = newcomer.position
    services.assign_position(None, newcomer, post, date(2025, 6, 1))
    db.session.commit()
    assert post.holder == newcomer and org.staff1.position is None and old_post.holder is None
    assert [(h.position_id, h.start_date, h.end_date) for h in org.staff1.holdings] == [
        (post.id, date(2025, 1, 2), date(2025, 5, 31))]
    assert [(h.position_id, h.start_date, h.end_date) for h in newcomer.holdings] == [
        (post.id, date(2025, 6, 1), None), (old_post.id, date(2025, 1, 2), date(2025, 5, 31))]
    # who held the post on a given day
    assert services.holder_on(post, date(2024, 12, 31)) is None
    assert services.holder_on(post, date(2025, 1, 2)) == org.staff1
    assert services.holder_on(post, date(2025, 5, 31)) == org.staff1
    assert services.holder_on(post, date(2025, 6, 1)) == newcomer
    assert services.holder_on(post, date(2030, 1, 1)) == newcomer
    assert services.holder_on(old_post, date(2025, 3, 1)) == newcomer
    assert services.holder_on(old_post, date(2025, 6, 1)) is None


def test_assigning_the_same_post_again_changes_nothing(org):
    holdings = count(PositionHolding)
    services.assign_position(None, org.staff1, org.staff1.position, date(2025, 9, 1))
    db.session.commit()
    assert count(PositionHolding) == holdings
    assert org.staff1.holdings[0].end_date is None


def test_one_holder_per_post_and_one_post_per_employee_in_the_database(org):
    org.staff2.position_id = org.staff1.position_id
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_release_position_ends_the_holding(org):
    post = org.staff1.position
    services.release_position(None, org.staff1, date(2025, 12, 31))
    db.session.commit()
    assert org.staff1.position is None and post.holder is None
    assert org.staff1.holdings[0].end_date == date(2025, 12, 31)
    # an employee without a post still belongs to the OPD of the last one
    assert services.employee_opd(org.staff1) == org.a
    assert services.holder_on(post, date(2026, 1, 1)) is None


def test_operator_places_staff_only_within_own_opd(org, make_user, make_position):
    op_a = make_user(("opd_operator", org.a))
    op_b = make_user(("opd_operator", org.b))
    vacant_a = make_position(org.bidang, "Analis Baru")
    db.session.commit()
    holdings = count(PositionHolding)
    with pytest.raises(PermissionDenied):
        services.assign_position(op_b, org.staff1, vacant_a, date(2025, 6, 1))
    # moving a B employee into an A post is a mutasi between OPDs: not for A's operator either
    with pytest.raises(PermissionDenied, match="Mutasi antar perangkat daerah"):
        services.assign_position(op_a, org.b_staff, vacant_a, date(2025, 6, 1))
    db.session.rollback()
    assert count(PositionHolding) == holdings and vacant_a.holder is None
    services.assign_position(op_a, org.staff1, vacant_a, date(2025, 6, 1))
    assert vacant_a.holder == org.staff1


def test_governor_office_may_move_staff_between_opds(org, make_user):
    biro = make_user("governor_office")
    services.assign_position(biro, org.b_staff, org.staff2.position, date(2025, 6, 1))
    db.session.commit()
    assert org.b_staff.position.unit.opd == org.a
    assert org.staff2.position is None


# ------------------------------------------------------------------ units

def test_create_unit(org, make_user):
    op_a = make_user(("opd_operator", org.a))
    unit = services.create_unit(op_a, org.bidang, " A.B1.S1 ", " Seksi Satu ", UnitKind.SEKSI)
    db.session.commit()
    assert (unit.code, unit.name, unit.kind, unit.parent, unit.opd) == (
        "A.B1.S1", "Seksi Satu", UnitKind.SEKSI, org.bidang, org.a)


def test_create_unit_checks_values(org):
    with pytest.raises(ValidationFailed) as exc:
        services.create_unit(None, org.bidang, "kode salah!", "  ", UnitKind.OPD)
    errors = field_errors(exc)
    assert set(errors) == {"code", "name", "kind"}
    with pytest.raises(ValidationFailed) as exc:
        services.create_unit(None, org.bidang, org.bidang.code, "Kembar", UnitKind.SEKSI)
    assert field_errors(exc) == {"code": f"Kode unit {org.bidang.code} sudah dipakai."}
    with pytest.raises(ValidationFailed):
        services.create_unit(None, org.bidang, "X" * 33, "Terlalu panjang", UnitKind.SEKSI)


def test_update_unit_refuses_cycles(org, make_unit):
    seksi = make_unit(org.bidang, "Seksi", kind=UnitKind.SEKSI)
    sub = make_unit(seksi, "Sub", kind=UnitKind.LAINNYA)
    db.session.commit()
    for parent in (org.bidang, seksi, sub):
        with pytest.raises(ValidationFailed) as exc:
            services.update_unit(None, org.bidang, org.bidang.code, org.bidang.name, UnitKind.BIDANG, parent)
        assert "di bawah dirinya sendiri" in field_errors(exc)["parent"]
    db.session.rollback()
    assert org.bidang.parent == org.a_root
    assert services.permissions_subtree(org.bidang) == {org.bidang.id, seksi.id, sub.id}


def test_update_unit_moves_within_the_opd_only(org, make_unit):
    other = make_unit(org.a_root, "Bidang Dua")
    seksi = make_unit(org.bidang, "Seksi", kind=UnitKind.SEKSI)
    db.session.commit()
    with pytest.raises(ValidationFailed) as exc:
        services.update_unit(None, seksi, seksi.code, seksi.name, UnitKind.SEKSI, org.b_root)
    assert field_errors(exc) == {"parent": "Unit induk harus dari perangkat daerah yang sama."}
    with pytest.raises(ValidationFailed) as exc:
        services.update_unit(None, seksi, seksi.code, seksi.name, UnitKind.SEKSI, None)
    assert "parent" in field_errors(exc)
    db.session.rollback()
    services.update_unit(None, seksi, seksi.code, "Seksi Pindah", UnitKind.SUBBAGIAN, other)
    db.session.commit()
    assert (seksi.parent, seksi.name, seksi.kind) == (other, "Seksi Pindah", UnitKind.SUBBAGIAN)
    tree = [u for u, _ in services.unit_tree(org.a)]
    assert tree[0] == org.a_root and tree.index(other) < tree.index(seksi)  # a parent before its children
    depths = {u.id: d for u, d in services.unit_tree(org.a)}
    assert depths == {org.a_root.id: 0, org.bidang.id: 1, other.id: 1, seksi.id: 2}


def test_opd_office_stays_the_root_with_its_sipd_code(org):
    root = org.a_root
    with pytest.raises(ValidationFailed) as exc:
        services.update_unit(None, root, "LAIN", "Dinas Alfa", UnitKind.BIDANG, org.bidang)
    assert set(field_errors(exc)) == {"code"}
    db.session.rollback()
    services.update_unit(None, root, root.code, "Dinas Alfa Baru", UnitKind.BIDANG, org.bidang)
    db.session.commit()
    assert (root.name, root.kind, root.parent) == ("Dinas Alfa Baru", UnitKind.OPD, None)


# ------------------------------------------------------------------ positions

def test_one_head_per_unit(org):
    with pytest.raises(ValidationFailed) as exc:
        services.create_position(None, org.bidang, "Kepala Kedua", PositionKind.ADMINISTRATOR, True)
    assert "sudah memiliki kepala" in field_errors(exc)["is_unit_head"]
    with pytest.raises(ValidationFailed):
        services.update_position(None, org.staff2.position, "Pengadministrasi", PositionKind.PENGAWAS, True)
    db.session.rollback()
    # the head may stay the head while it is edited
    services.update_position(None, org.kabid.position, "Kabid", PositionKind.ADMINISTRATOR, True)
    assert org.bidang.head_position == org.kabid.position


def test_a_unit_head_in_the_database_is_unique_too(org, make_position):
    with pytest.raises(sa.exc.IntegrityError):
        make_position(org.bidang, "Kepala Gelap", PositionKind.ADMINISTRATOR, head=True)
    db.session.rollback()


@pytest.mark.parametrize("kind", [PositionKind.FUNGSIONAL, PositionKind.PELAKSANA])
def test_head_must_be_a_structural_post(org, make_unit, kind):
    seksi = make_unit(org.bidang, "Seksi", kind=UnitKind.SEKSI)
    with pytest.raises(ValidationFailed) as exc:
        services.create_position(None, seksi, "Kepala", kind, True)
    assert field_errors(exc)["is_unit_head"] == "Kepala unit harus jabatan JPT, administrator atau pengawas."
    with pytest.raises(ValidationFailed):
        services.update_position(None, org.kabid.position, "Kabid", kind, True)


@pytest.mark.parametrize("kind", [PositionKind.JPT, PositionKind.ADMINISTRATOR, PositionKind.PENGAWAS])
def test_structural_posts_may_head(org, make_unit, kind):
    seksi = make_unit(org.bidang, "Seksi", kind=UnitKind.SEKSI)
    position = services.create_position(None, seksi, " Kepala Seksi ", kind, True)
    assert position.name == "Kepala Seksi" and position.head_of_unit_id == seksi.id
    db.session.expire(seksi, ["positions"])
    assert seksi.head_position == position


def test_head_can_be_moved_to_another_post(org, make_position):
    old = org.kabid.position
    services.update_position(None, old, old.name, old.kind, False)
    assert old.head_of_unit_id is None
    new = services.create_position(None, org.bidang, "Kepala Bidang (baru)", PositionKind.ADMINISTRATOR, True)
    db.session.commit()
    db.session.expire(org.bidang, ["positions"])
    assert org.bidang.head_position == new
    assert services.superior_position(old) == new


def test_position_needs_a_name(org):
    with pytest.raises(ValidationFailed) as exc:
        services.create_position(None, org.bidang, "  ", PositionKind.PELAKSANA)
    assert set(field_errors(exc)) == {"name"}


# ------------------------------------------------------------------ employees

def test_create_employee_makes_a_login_without_password(org, make_user):
    op_a = make_user(("opd_operator", org.a))
    post = services.create_position(op_a, org.bidang, "Analis Data", PositionKind.FUNGSIONAL)
    nip = valid_nip(female=True)
    e = services.create_employee(op_a, " " + nip[:8] + " " + nip[8:], " Baiq Nurul ", " Penata (III/c) ", post,
                                 date(2025, 3, 1))
    db.session.commit()
    assert (e.nip, e.name, e.rank, e.sex.value, e.birth_date) == (nip, "Baiq Nurul", "Penata (III/c)", "P",
                                                                  date(1985, 3, 14))
    user = db.session.scalar(select(User).where(User.employee_id == e.id))
    assert user.username == nip and user.display_name == "Baiq Nurul" and user.password_hash is None
    assert user.roles == []
    assert post.holder == e and e.holdings[0].start_date == date(2025, 3, 1)


def test_create_employee_start_defaults_to_today(org, make_position):
    e = services.create_employee(None, valid_nip(), "Baru", None, make_position(org.bidang))
    assert e.holdings[0].start_date == date.today() and e.rank is None


def test_create_employee_checks_nip_and_name(org, make_position):
    post = make_position(org.bidang)
    with pytest.raises(ValidationFailed) as exc:
        services.create_employee(None, "123", "", None, post)
    assert set(field_errors(exc)) == {"nip", "name"}
    assert field_errors(exc)["nip"] == "NIP harus 18 digit angka."
    with pytest.raises(ValidationFailed) as exc:
        services.create_employee(None, org.staff1.nip, "Kembar", None, post)
    assert field_errors(exc) == {"nip": f"NIP {org.staff1.nip} sudah terdaftar."}
    db.session.rollback()
    assert count(Employee) == 6


def test_update_employee_renames_the_login(org, make_user):
    op_a = make_user(("opd_operator", org.a))
    new_nip = valid_nip(female=True)
    services.update_employee(op_a, org.staff1, new_nip, "Staf Satu Baru", "")
    db.session.commit()
    user = db.session.scalar(select(User).where(User.employee_id == org.staff1.id))
    assert (user.username, user.display_name) == (new_nip, "Staf Satu Baru")
    assert org.staff1.sex.value == "P" and org.staff1.rank is None


# ------------------------------------------------------------------ refusals change nothing

def test_operator_of_b_cannot_change_opd_a_and_nothing_changes(org, make_user):
    op_b = make_user(("opd_operator", org.b))
    db.session.commit()
    audit_rows = count(AuditEntry)
    snapshot = (org.bidang.name, org.bidang.code, org.kabid.position.name, org.staff1.name,
                count(Unit), count(Position), count(Employee), count(PositionHolding))
    attempts = [
        lambda: services.create_unit(op_b, org.bidang, "B.X", "Seksi Gelap", UnitKind.SEKSI),
        lambda: services.update_unit(op_b, org.bidang, org.bidang.code, "Dibajak", UnitKind.BIDANG, org.a_root),
        lambda: services.create_position(op_b, org.bidang, "Jabatan Gelap", PositionKind.PELAKSANA),
        lambda: services.update_position(op_b, org.kabid.position, "Dibajak", PositionKind.ADMINISTRATOR, True),
        lambda: services.create_employee(op_b, valid_nip(), "Penyusup", None, org.staff2.position),
        lambda: services.update_employee(op_b, org.staff1, org.staff1.nip, "Dibajak", None),
        lambda: services.assign_position(op_b, org.staff1, org.staff2.position, date(2025, 6, 1)),
        lambda: services.release_position(op_b, org.staff1, date(2025, 6, 1)),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied) as exc:
            attempt()
        assert exc.value.status_code == 403
    db.session.commit()
    db.session.expire_all()
    assert (org.bidang.name, org.bidang.code, org.kabid.position.name, org.staff1.name,
            count(Unit), count(Position), count(Employee), count(PositionHolding)) == snapshot
    assert count(AuditEntry) == audit_rows
    # ...while B's own OPD is B's operator's to change
    services.create_unit(op_b, org.b_root, "B.SEK", "Sekretariat Beta", UnitKind.SEKRETARIAT)


@pytest.mark.parametrize("role", ["auditor", "governor"])
def test_readers_cannot_change_the_organisation(org, make_user, role):
    reader = make_user(role)
    with pytest.raises(PermissionDenied):
        services.create_position(reader, org.bidang, "X", PositionKind.PELAKSANA)


def test_staff_and_unit_heads_cannot_change_the_organisation(org):
    for employee in (org.staff1, org.kabid, org.a_head):
        user = db.session.scalar(select(User).where(User.employee_id == employee.id))
        with pytest.raises(PermissionDenied):
            services.create_position(user, org.bidang, "X", PositionKind.PELAKSANA)


def test_lookups_raise_not_found(ctx):
    for getter in (services.get_opd, services.get_unit, services.get_position, services.get_employee):
        with pytest.raises(NotFound):
            getter(999999)


def test_province_is_created_once(ctx):
    first = services.get_province()
    assert services.get_province() is first
    assert first.code == "52" and "Nusa Tenggara Barat" in first.name


def test_releasing_a_post_keeps_the_history_and_frees_the_post(client, auth, org, make_user):
    from datetime import date

    from ekinerja.org.models import PositionHolding
    from sqlalchemy import select

    operator = make_user(("opd_operator", org.a))
    db.session.commit()
    post_id = org.staff2.position_id
    auth.login(operator.username)
    r = client.post(f"/organisasi/pegawai/{org.staff2.id}/akhiri", data={"end_date": "2020-01-01"})
    assert r.status_code == 422 and "tidak boleh sebelum" in r.get_data(as_text=True)
    db.session.expire_all()
    assert org.staff2.position_id == post_id
    r = client.post(f"/organisasi/pegawai/{org.staff2.id}/akhiri", data={"end_date": "2026-06-30"})
    assert r.status_code == 302
    db.session.expire_all()
    assert org.staff2.position_id is None
    holding = db.session.scalar(select(PositionHolding).where(PositionHolding.employee_id == org.staff2.id))
    assert holding.position_id == post_id and holding.end_date == date(2026, 6, 30)
