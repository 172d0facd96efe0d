"""The migrations build the schema the models describe, on SQLite and MariaDB, and go back down."""
import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy.engine import make_url

from ekinerja import create_app
from ekinerja.extensions import db
from tests.conftest import _prepare_database


@pytest.fixture
def fresh_app(tmp_path):
    """An app on its own empty database, apart from the suite's."""
    base = os.environ.get("EKINERJA_TEST_DATABASE_URL")
    if base:
        url = make_url(base)
        url = url.set(database=f"{url.database}_migrations").render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'migrations.db'}"
    _prepare_database(url)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x",
                      "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def _diff() -> list:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, db.metadata)


def test_upgrade_matches_models_and_round_trips(fresh_app):
    upgrade()
    model_tables = set(db.metadata.tables)
    assert model_tables <= _tables()
    assert _diff() == [], "models and migrations disagree: run flask db migrate"

    downgrade(revision="base")
    assert _tables() <= {"alembic_version"}

    upgrade()
    assert model_tables <= _tables()
    assert _diff() == []
