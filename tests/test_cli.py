"""flask commands: org import, users create-admin / token, demo load."""
import re

import pytest
from sqlalchemy import func, select

from ekinerja.audit.models import AuditEntry
from ekinerja.auth.models import ApiToken, Role, User
from ekinerja.demo.loader import BAPPEDA, DEMO_PASSWORD, DINKES, KOMINFO
from ekinerja.extensions import db
from ekinerja.org.models import Employee, Opd, Position, Unit, UnitKind
from tests.conftest import valid_nip

OPDS = ("sipd_code,name,parent_sipd_code,level\n"
        "7.01.0.00.0.00.01.0000,Dinas Uji CLI,,opd\n"
        "7.01.0.00.0.00.01.0001,UPT Uji CLI,7.01.0.00.0.00.01.0000,upt\n")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# ------------------------------------------------------------------ org import

def test_org_import_good_file(ctx, runner, tmp_path):
    path = write(tmp_path, "opd.csv", OPDS)
    result = runner.invoke(args=["org", "import", path])
    assert result.exit_code == 0, result.output
    assert "Selesai: 2 baru, 0 diubah, 0 tetap." in result.output
    assert count(Opd) == 1 and count(Unit) == 2
    labels = set(db.session.scalars(select(AuditEntry.actor_label)))
    assert labels == {"cli:org import"}
    again = runner.invoke(args=["org", "import", path])
    assert again.exit_code == 0 and "Selesai: 0 baru, 0 diubah, 2 tetap." in again.output


def test_org_import_bad_file_reports_every_line_and_writes_nothing(ctx, runner, tmp_path):
    path = write(tmp_path, "opd.csv", OPDS + "salah,Dinas Salah,,opd\n"
                 "7.02.0.00.0.00.01.0001,UPT Yatim,9.99.0.00.0.00.01.0000,upt\n"
                 "7.03.0.00.0.00.01.0000,,,opd\n")
    result = runner.invoke(args=["org", "import", path])
    assert result.exit_code != 0
    assert "GAGAL: 3 baris bermasalah; tidak ada data yang disimpan." in result.stderr
    assert "baris 4: Kode SIPD 'salah' tidak valid." in result.stderr
    assert "baris 5: OPD induk 9.99.0.00.0.00.01.0000 tidak dikenal." in result.stderr
    assert "baris 6: Nama wajib diisi." in result.stderr
    assert "baris 2" not in result.stderr and "baris 3" not in result.stderr
    db.session.rollback()
    assert count(Opd) == count(Unit) == count(AuditEntry) == 0


def test_org_import_of_a_missing_file(ctx, runner, tmp_path):
    result = runner.invoke(args=["org", "import", str(tmp_path / "tidak-ada.csv")])
    assert result.exit_code == 2


def test_org_import_employees(ctx, runner, tmp_path):
    assert runner.invoke(args=["org", "import", write(tmp_path, "opd.csv", OPDS)]).exit_code == 0
    head, staff = valid_nip(), valid_nip(female=True)
    staff_file = ("nip,name,position,position_kind,unit_code,is_unit_head\n"
                  f"{head},Kepala Uji,Kepala Dinas Uji CLI,jpt,7.01.0.00.0.00.01.0000,ya\n"
                  f"{staff},Staf Uji,Pengadministrasi,pelaksana,7.01.0.00.0.00.01.0000,tidak\n")
    path = write(tmp_path, "staff.csv", staff_file)
    result = runner.invoke(args=["org", "import", "--employees", path])
    assert result.exit_code == 0, result.output
    assert "Selesai: 2 baru, 0 diubah, 0 tetap." in result.output
    employees = {e.nip: e for e in db.session.scalars(select(Employee))}
    assert set(employees) == {head, staff}
    assert employees[head].position.is_unit_head
    assert db.session.scalar(select(User.username).where(User.employee_id == employees[staff].id)) == staff
    audit_rows = count(AuditEntry)
    again = runner.invoke(args=["org", "import", "--employees", path])
    assert "Selesai: 0 baru, 0 diubah, 2 tetap." in again.output
    assert count(AuditEntry) == audit_rows
    # a staff file given as an OPD file (or the other way round) is refused, not half-read
    wrong = runner.invoke(args=["org", "import", path])
    assert wrong.exit_code != 0 and "baris 1: Kolom wajib tidak ada" in wrong.stderr


def test_org_import_employees_bad_file(ctx, runner, tmp_path):
    runner.invoke(args=["org", "import", write(tmp_path, "opd.csv", OPDS)])
    path = write(tmp_path, "staff.csv", "nip,name,position,position_kind,unit_code,is_unit_head\n"
                 f"{valid_nip()},Baik,Analis,pelaksana,7.01.0.00.0.00.01.0000,tidak\n"
                 "123,Nip Salah,Analis,pelaksana,7.01.0.00.0.00.01.0000,tidak\n"
                 f"{valid_nip()},Unit Salah,Analis,pelaksana,X.Y,tidak\n")
    result = runner.invoke(args=["org", "import", "--employees", path])
    assert result.exit_code == 1
    assert "baris 3: NIP '123': NIP harus 18 digit angka." in result.stderr
    assert "baris 4: Kode unit 'X.Y' tidak dikenal." in result.stderr
    db.session.rollback()
    assert count(Employee) == count(Position) == 0


# ------------------------------------------------------------------ users

def test_create_admin(ctx, runner, auth, client):
    result = runner.invoke(args=["users", "create-admin", "--username", "admin.cli", "--name", "Admin CLI",
                                 "--password", "kata-sandi-admin"])
    assert result.exit_code == 0, result.output
    assert "Administrator admin.cli dibuat." in result.output
    user = db.session.scalar(select(User).where(User.username == "admin.cli"))
    assert user.display_name == "Admin CLI" and user.role_set() == {Role.ADMIN}
    assert user.password_hash.startswith("pbkdf2:sha256:1000$")
    assert db.session.scalar(select(AuditEntry.actor_label).where(AuditEntry.entity == "user_account")) \
        == "cli:users create-admin"
    assert auth.login("admin.cli", "kata-sandi-admin").status_code == 302
    assert client.get("/admin/pengguna").status_code == 200


def test_create_admin_prompts_when_options_are_missing(ctx, runner):
    result = runner.invoke(args=["users", "create-admin"], input="admin.tanya\nkata-sandi-admin\nkata-sandi-admin\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.username == "admin.tanya")) is not None


@pytest.mark.parametrize("password,message", [("pendek", "Kata sandi minimal 10 karakter.")])
def test_create_admin_refusals(ctx, runner, password, message):
    result = runner.invoke(args=["users", "create-admin", "--username", "admin.x", "--password", password])
    assert result.exit_code == 1
    assert "GAGAL" in result.stderr and message in result.stderr
    db.session.rollback()
    assert count(User) == 0
    assert runner.invoke(args=["users", "create-admin", "--username", "admin.x",
                               "--password", "kata-sandi-admin"]).exit_code == 0
    twice = runner.invoke(args=["users", "create-admin", "--username", "admin.x", "--password", "kata-sandi-admin"])
    assert twice.exit_code == 1 and "sudah dipakai" in twice.stderr
    db.session.rollback()
    assert count(User) == 1


def me(client, token=None, header=None):
    headers = {"Authorization": header or f"Bearer {token}"} if (token or header) else {}
    return client.get("/api/v1/me", headers=headers)


def test_token_for_an_employee_works_on_the_api_until_revoked(org, runner, client):
    result = runner.invoke(args=["users", "token", org.staff1.nip])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert re.fullmatch(r"ekj_[A-Za-z0-9_\-]{40,}", token)
    # only its hash is stored
    assert db.session.scalar(select(ApiToken.token_hash)) != token
    r = me(client, token)
    assert r.status_code == 200 and r.is_json
    data = r.get_json()["data"]
    assert data["username"] == org.staff1.nip and data["name"] == "Staf Satu" and data["roles"] == []
    assert data["employee"]["nip"] == org.staff1.nip
    assert data["employee"]["position"]["name"] == "Analis"
    assert data["employee"]["position"]["opd"] == org.a.code
    assert data["employee"]["position"]["is_unit_head"] is False
    revoked = runner.invoke(args=["users", "token", org.staff1.nip, "--revoke"])
    assert revoked.exit_code == 0 and "1 token dicabut." in revoked.output
    r = me(client, token)
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "unauthorized"


def test_token_by_username(ctx, make_user, runner, client):
    make_user("auditor", username="aud.token")
    db.session.commit()
    token = runner.invoke(args=["users", "token", "aud.token"]).output.strip()
    data = me(client, token).get_json()["data"]
    assert data["username"] == "aud.token" and data["roles"] == [{"role": "auditor", "opd": None}]
    assert data["employee"] is None


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer ekj_palsu", "Basic dXNlcjpwYXNz", "ekj_tanpa_bearer"])
def test_no_or_bad_token_is_401_json(ctx, client, header):
    r = me(client, header=header)
    assert r.status_code == 401 and r.is_json
    error = r.get_json()["error"]
    assert error["code"] == "unauthorized" and error["message"] == "Token tidak ada atau tidak sah."
    assert error["details"] == []


def test_token_of_a_deactivated_user_stops_working(org, runner, client):
    token = runner.invoke(args=["users", "token", org.staff1.nip]).output.strip()
    assert me(client, token).status_code == 200
    db.session.scalar(select(User).where(User.employee_id == org.staff1.id)).active = False
    db.session.commit()
    assert me(client, token).status_code == 401


def test_token_for_an_unknown_login(ctx, runner):
    result = runner.invoke(args=["users", "token", "tidak.ada"])
    assert result.exit_code == 1 and "GAGAL: pengguna tidak.ada tidak ditemukan." in result.stderr
    db.session.rollback()
    assert count(ApiToken) == 0


def test_revoke_leaves_other_users_tokens(org, runner, client):
    mine = runner.invoke(args=["users", "token", org.staff1.nip]).output.strip()
    theirs = runner.invoke(args=["users", "token", org.staff2.nip]).output.strip()
    runner.invoke(args=["users", "token", org.staff1.nip, "--revoke"])
    assert me(client, mine).status_code == 401
    assert me(client, theirs).status_code == 200


# ------------------------------------------------------------------ demo

def table_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_demo_load_twice_changes_nothing(ctx, runner, auth, client):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    counts = table_counts()
    assert counts["audit_entry"] > 0
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert table_counts() == counts
    # the logins are printed both times
    for out in (first.output, second.output):
        assert "Akun demo:" in out
        for login in ("admin", "gubernur", "biro.organisasi", "inspektorat", "operator.kominfo",
                      "operator.dinkes", "operator.bappeda"):
            assert re.search(rf"^\s+{re.escape(login)}\s+{DEMO_PASSWORD}\s", out, re.M), login
    nips = re.findall(rf"^\s+(\d{{18}})\s+{DEMO_PASSWORD}\s", first.output, re.M)
    assert len(nips) == 5

    # the real seed and the three demo OPDs
    assert counts["opd"] == 44
    units = db.session.scalars(select(Unit)).all()
    assert sum(u.kind == UnitKind.UPT for u in units) == 110
    assert sum(u.kind == UnitKind.OPD for u in units) == 44
    for code in (KOMINFO, DINKES, BAPPEDA):
        opd = db.session.scalar(select(Opd).where(Opd.code == code))
        filled = db.session.scalar(select(func.count(Employee.id)).join(Position, Employee.position_id == Position.id)
                                   .join(Unit, Position.unit_id == Unit.id).where(Unit.opd_id == opd.id))
        assert filled >= 30, opd.name
        assert len(opd.units) >= 8
        for unit in opd.units:
            assert unit.head_position is not None, unit.name
            assert unit.head_position.holder is not None, unit.name

    # the printed logins work
    assert auth.login("operator.kominfo", DEMO_PASSWORD).status_code == 302
    auth.logout()
    assert auth.login(nips[0], DEMO_PASSWORD).status_code == 302
