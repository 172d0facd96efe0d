"""Settings from the environment, read when the app is created (never at import)."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    pass


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ya"}


def database_url_engine_options(url: str) -> dict:
    if url.startswith("mysql"):
        # Stateless workers behind a load balancer: drop dead connections, recycle before
        # MariaDB's wait_timeout.
        return {"pool_pre_ping": True, "pool_recycle": 1800}
    return {}


def load_config(overrides: dict | None = None, env: dict | None = None) -> dict:
    env = os.environ if env is None else env
    overrides = overrides or {}
    instance = Path(env.get("EKINERJA_INSTANCE_PATH") or PROJECT_ROOT / "instance")
    production = env.get("EKINERJA_ENV", "development") == "production"

    secret = overrides.get("SECRET_KEY") or env.get("SECRET_KEY")
    if not secret:
        if production:
            raise ConfigError("SECRET_KEY wajib diisi bila EKINERJA_ENV=production.")
        secret = "dev-only-not-secret"

    db_url = overrides.get("SQLALCHEMY_DATABASE_URI") or env.get("DATABASE_URL")
    if not db_url:
        db_url = f"sqlite:///{instance / 'ekinerja.db'}"

    today = env.get("EKINERJA_TODAY") or None
    if today and production:
        raise ConfigError("EKINERJA_TODAY hanya untuk server demo dan pelatihan, bukan produksi.")

    config = {
        "ENV_NAME": "production" if production else env.get("EKINERJA_ENV", "development"),
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SQLALCHEMY_ENGINE_OPTIONS": database_url_engine_options(db_url),
        "INSTANCE_PATH": str(instance),
        # Uploaded files live in storage all hosts share (a mounted volume in production).
        "STORAGE_PATH": env.get("EKINERJA_STORAGE_PATH") or str(instance / "storage"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env.get("EKINERJA_SECURE_COOKIES"), production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(env.get("EKINERJA_SECURE_COOKIES"), production),
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_ENABLED": True,
        "PASSWORD_HASH_METHOD": env.get("EKINERJA_PASSWORD_HASH", "scrypt"),
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_WINDOW_MINUTES": 15,
        "LOGIN_LOCK_MINUTES": 15,
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        "LOG_JSON": _bool(env.get("EKINERJA_LOG_JSON"), production),
        "TRUSTED_PROXIES": int(env.get("EKINERJA_TRUSTED_PROXIES", "0")),
        "PER_PAGE": 50,
        # Monthly realisations (domain.md §4).
        "TODAY": today,  # fixes "today" on demo and training servers; None in production
        "REALISATION_DEADLINE_DAY": int(env.get("EKINERJA_DEADLINE_DAY", "10")),
        "EVIDENCE_MAX_BYTES": 10 * 1024 * 1024,
        "EVIDENCE_MAX_FILES": 10,
        # A form may carry several evidence files; each is checked against EVIDENCE_MAX_BYTES.
        "MAX_CONTENT_LENGTH": 60 * 1024 * 1024,
        # E-mail notifications: only when SMTP_HOST is set.
        "SMTP_HOST": env.get("SMTP_HOST") or None,
        "SMTP_PORT": int(env.get("SMTP_PORT", "25")),
        "SMTP_USER": env.get("SMTP_USER") or None,
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": _bool(env.get("SMTP_STARTTLS")),
        "SMTP_TIMEOUT": 10,
        "MAIL_FROM": env.get("MAIL_FROM", "ekinerja@ntbprov.go.id"),
        "BASE_URL": env.get("EKINERJA_BASE_URL", "http://localhost:5000"),
    }
    config.update(overrides)
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **database_url_engine_options(config["SQLALCHEMY_DATABASE_URI"]),
        **overrides.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }
    return config
