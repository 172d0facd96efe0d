"""Fixtures: one app and schema per run (built by the migrations), a clean database per test.

SQLite by default; MariaDB when EKINERJA_TEST_DATABASE_URL is set (the database is created if
missing and emptied at the start).
"""
from __future__ import annotations

import os
from datetime import date
from itertools import count

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ekinerja import create_app
from ekinerja.extensions import db

TEST_HASH = "pbkdf2:sha256:1000"  # fast in tests; production uses scrypt
PASSWORD = "rahasia-123"


def _prepare_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "mysql":
        return
    server = sa.create_engine(sa.URL.create(parsed.drivername, parsed.username, parsed.password,
                                            parsed.host, parsed.port, query=parsed.query))
    with server.begin() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{parsed.database}`"))
        conn.execute(sa.text(f"CREATE DATABASE `{parsed.database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    server.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("EKINERJA_TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    _prepare_database(url)
    return url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from flask_migrate import upgrade

    instance = tmp_path_factory.mktemp("instance")
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": TEST_HASH,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(instance),
        "STORAGE_PATH": str(instance / "storage"),
    })
    with app.app_context():
        upgrade()  # the schema comes from the migrations, as in production
    return app


def empty_database(app) -> None:
    """Delete every row of every table (the schema stays)."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            mysql = conn.dialect.name == "mysql"
            if mysql:  # InnoDB checks row by row: a unit deleted before its sub-units would fail
                conn.execute(sa.text("SET FOREIGN_KEY_CHECKS = 0"))
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
            if mysql:
                conn.execute(sa.text("SET FOREIGN_KEY_CHECKS = 1"))


@pytest.fixture(autouse=True)
def _clean_db(request):
    yield
    if "app" in request.fixturenames:
        from ekinerja import memo

        empty_database(request.getfixturevalue("app"))
        memo.forget()  # pages remembered per data version: the next test's data starts again


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# ------------------------------------------------------------------ factories

_seq = count(1)


def valid_nip(i: int | None = None, female: bool = False, birth=(1985, 3, 14)) -> str:
    i = next(_seq) if i is None else i
    y, m, d = birth
    return f"{y:04d}{m:02d}{d:02d}{y + 25:04d}{1 + i % 12:02d}{2 if female else 1}{1 + i % 999:03d}"


@pytest.fixture
def make_opd(ctx):
    from ekinerja.org.models import Opd, Unit, UnitKind
    from ekinerja.org.services import get_province

    def make(code: str | None = None, name: str | None = None):
        n = next(_seq)
        code = code or f"9.{n:02d}.0.00.0.00.01.0000"
        opd = Opd(code=code, name=name or f"Dinas Uji {n}", province=get_province())
        db.session.add(opd)
        db.session.flush()
        db.session.add(Unit(code=code, name=opd.name, kind=UnitKind.OPD, opd=opd))
        db.session.flush()
        return opd
    return make


@pytest.fixture
def make_unit(ctx):
    from ekinerja.org.models import Unit, UnitKind

    def make(parent, name: str | None = None, kind=UnitKind.BIDANG, code: str | None = None):
        n = next(_seq)
        unit = Unit(code=code or f"{parent.code[:20]}.U{n}", name=name or f"Bidang {n}", kind=kind,
                    opd_id=parent.opd_id, parent=parent)
        db.session.add(unit)
        db.session.flush()
        return unit
    return make


@pytest.fixture
def make_position(ctx):
    from ekinerja.org.models import Position, PositionKind

    def make(unit, name: str | None = None, kind=PositionKind.PELAKSANA, head: bool = False):
        p = Position(unit=unit, name=name or f"Jabatan {next(_seq)}", kind=kind,
                     head_of_unit_id=unit.id if head else None)
        db.session.add(p)
        db.session.flush()
        return p
    return make


@pytest.fixture
def make_employee(ctx):
    """An employee in a post, with a login (password PASSWORD)."""
    from ekinerja.auth.services import find_user, hash_password
    from ekinerja.org.services import create_employee

    def make(position, name: str | None = None, nip: str | None = None, start=date(2025, 1, 2)):
        employee = create_employee(None, nip or valid_nip(), name or f"Pegawai {next(_seq)}", None,
                                   position, start)
        find_user(employee.nip).password_hash = hash_password(PASSWORD, TEST_HASH)
        db.session.flush()
        return employee
    return make


@pytest.fixture
def make_user(ctx):
    """A non-employee user with roles: make_user("admin") or make_user(("opd_operator", opd))."""
    from ekinerja.auth.models import Role
    from ekinerja.auth.services import create_user

    def make(*roles, username: str | None = None):
        pairs = []
        for r in roles:
            if isinstance(r, tuple):
                pairs.append((Role(r[0]), r[1].id))
            else:
                pairs.append((Role(r), None))
        return create_user(None, username or f"user{next(_seq)}", "Pengguna Uji", PASSWORD, pairs, TEST_HASH)
    return make


@pytest.fixture
def org(ctx, make_opd, make_unit, make_position, make_employee):
    """Two small OPDs: A (head, a bidang with its head and two staff) and B (head and one staff)."""
    from types import SimpleNamespace

    from ekinerja.org.models import PositionKind

    a = make_opd(name="Dinas Alfa")
    a_root = a.units[0]
    a_head = make_employee(make_position(a_root, "Kepala Dinas Alfa", PositionKind.JPT, head=True), "Kepala Alfa")
    bidang = make_unit(a_root, "Bidang Satu")
    kabid = make_employee(make_position(bidang, "Kepala Bidang Satu", PositionKind.ADMINISTRATOR, head=True), "Kabid Satu")
    staff1 = make_employee(make_position(bidang, "Analis", PositionKind.FUNGSIONAL), "Staf Satu")
    staff2 = make_employee(make_position(bidang, "Pengadministrasi", PositionKind.PELAKSANA), "Staf Dua")
    b = make_opd(name="Badan Beta")
    b_root = b.units[0]
    b_head = make_employee(make_position(b_root, "Kepala Badan Beta", PositionKind.JPT, head=True), "Kepala Beta")
    b_staff = make_employee(make_position(b_root, "Pengelola", PositionKind.PELAKSANA), "Staf Beta")
    db.session.commit()
    return SimpleNamespace(a=a, a_root=a_root, a_head=a_head, bidang=bidang, kabid=kabid, staff1=staff1,
                           staff2=staff2, b=b, b_root=b_root, b_head=b_head, b_staff=b_staff)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, login: str, password: str = PASSWORD):
        return self.client.post("/masuk", data={"login": login, "password": password})

    def logout(self):
        return self.client.post("/keluar")


@pytest.fixture
def auth(client):
    return Auth(client)
