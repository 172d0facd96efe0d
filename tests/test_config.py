"""Settings come from the environment when the app is created; production insists on a secret."""
import pytest

from ekinerja import create_app
from ekinerja.config import PROJECT_ROOT, ConfigError, database_url_engine_options, load_config


def test_production_requires_a_secret_key():
    with pytest.raises(ConfigError, match="SECRET_KEY wajib diisi bila EKINERJA_ENV=production"):
        load_config({}, env={"EKINERJA_ENV": "production"})
    with pytest.raises(ConfigError):
        load_config({}, env={"EKINERJA_ENV": "production", "SECRET_KEY": ""})


def test_production_with_a_secret():
    config = load_config({}, env={"EKINERJA_ENV": "production", "SECRET_KEY": "s3cr3t"})
    assert config["SECRET_KEY"] == "s3cr3t" and config["ENV_NAME"] == "production"
    assert config["SESSION_COOKIE_SECURE"] is True and config["REMEMBER_COOKIE_SECURE"] is True
    assert config["LOG_JSON"] is True
    # a secret given by the caller counts too
    assert load_config({"SECRET_KEY": "x"}, env={"EKINERJA_ENV": "production"})["SECRET_KEY"] == "x"


def test_create_app_refuses_production_without_secret(monkeypatch):
    monkeypatch.setenv("EKINERJA_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_development_defaults():
    config = load_config({}, env={})
    assert config["ENV_NAME"] == "development"
    assert config["SECRET_KEY"] == "dev-only-not-secret"
    assert config["SESSION_COOKIE_SECURE"] is False and config["LOG_JSON"] is False
    assert config["SESSION_COOKIE_HTTPONLY"] is True and config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_HTTPONLY"] is True and config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert config["WTF_CSRF_ENABLED"] is True
    assert config["PASSWORD_HASH_METHOD"] == "scrypt"
    assert (config["LOGIN_MAX_FAILURES"], config["LOGIN_WINDOW_MINUTES"], config["LOGIN_LOCK_MINUTES"]) == (5, 15, 15)
    assert config["TRUSTED_PROXIES"] == 0


def test_database_url_defaults_to_a_sqlite_file_under_instance():
    config = load_config({}, env={})
    expected = PROJECT_ROOT / "instance" / "ekinerja.db"
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{expected}"
    assert config["INSTANCE_PATH"] == str(PROJECT_ROOT / "instance")
    assert config["STORAGE_PATH"] == str(PROJECT_ROOT / "instance" / "storage")
    assert config["SQLALCHEMY_ENGINE_OPTIONS"] == {}


def test_instance_path_moves_the_default_database(tmp_path):
    config = load_config({}, env={"EKINERJA_INSTANCE_PATH": str(tmp_path)})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'ekinerja.db'}"
    assert config["STORAGE_PATH"] == str(tmp_path / "storage")
    shared = load_config({}, env={"EKINERJA_INSTANCE_PATH": str(tmp_path), "EKINERJA_STORAGE_PATH": "/mnt/berkas"})
    assert shared["STORAGE_PATH"] == "/mnt/berkas"


def test_database_url_from_the_environment_and_overrides():
    url = "mysql+pymysql://ekinerja:x@db.internal/ekinerja?charset=utf8mb4"
    config = load_config({}, env={"DATABASE_URL": url})
    assert config["SQLALCHEMY_DATABASE_URI"] == url
    assert config["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True, "pool_recycle": 1800}
    overridden = load_config({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, env={"DATABASE_URL": url})
    assert overridden["SQLALCHEMY_DATABASE_URI"] == "sqlite://"
    assert overridden["SQLALCHEMY_ENGINE_OPTIONS"] == {}
    extra = load_config({"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 3}}, env={"DATABASE_URL": url})
    assert extra["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True, "pool_recycle": 1800, "pool_size": 3}
    assert database_url_engine_options("sqlite:///x.db") == {}


@pytest.mark.parametrize("value,production,expected", [
    ("0", True, False), ("tidak", True, False), ("1", False, True), ("ya", False, True), ("", True, True),
])
def test_secure_cookies_can_be_set_explicitly(value, production, expected):
    env = {"EKINERJA_SECURE_COOKIES": value, "SECRET_KEY": "x"}
    if production:
        env["EKINERJA_ENV"] = "production"
    config = load_config({}, env=env)
    assert config["SESSION_COOKIE_SECURE"] is expected and config["REMEMBER_COOKIE_SECURE"] is expected


def test_other_settings_from_the_environment():
    config = load_config({}, env={"EKINERJA_PASSWORD_HASH": "pbkdf2:sha256:600000", "LOG_LEVEL": "DEBUG",
                                  "EKINERJA_TRUSTED_PROXIES": "2", "EKINERJA_LOG_JSON": "yes",
                                  "EKINERJA_ENV": "staging"})
    assert config["PASSWORD_HASH_METHOD"] == "pbkdf2:sha256:600000"
    assert config["LOG_LEVEL"] == "DEBUG" and config["LOG_JSON"] is True
    assert config["TRUSTED_PROXIES"] == 2 and config["ENV_NAME"] == "staging"


def test_overrides_win():
    config = load_config({"WTF_CSRF_ENABLED": False, "PER_PAGE": 10, "SECRET_KEY": "k"}, env={"SECRET_KEY": "env"})
    assert config["WTF_CSRF_ENABLED"] is False and config["PER_PAGE"] == 10 and config["SECRET_KEY"] == "k"


def test_the_environment_is_read_when_the_app_is_made(monkeypatch, tmp_path):
    import logging
    log = logging.getLogger("ekinerja")
    monkeypatch.setattr(log, "handlers", log.handlers[:])
    monkeypatch.setenv("EKINERJA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "aus-der-umgebung")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("EKINERJA_ENV", raising=False)
    app = create_app()
    assert app.config["SECRET_KEY"] == "aus-der-umgebung"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'ekinerja.db'}"
    assert app.instance_path == str(tmp_path)
    assert not (tmp_path / "ekinerja.db").exists()  # nothing is created or migrated by create_app
