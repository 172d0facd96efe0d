"""Declarative base, naming convention and shared column helpers."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, Enum, MetaData, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time in UTC (timezone-aware); called per row, never at import."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC in the database (SQLite and MariaDB have no zone) and gives back aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use ekinerja.db.utcnow()")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    registry = registry(metadata=MetaData(naming_convention=NAMING_CONVENTION),
                        type_annotation_map={str: String(255), datetime: UTCDateTime()})


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Audited:
    """Marker: changes to instances of this model are written to the audit trail on flush."""

    # Columns never copied into the trail (their change is noted, the value is masked).
    __audit_masked__: tuple[str, ...] = ()
    # Columns not worth a trail row.
    __audit_ignored__: tuple[str, ...] = ("created_at", "updated_at")


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        # SQLite leaves foreign keys unchecked unless asked, per connection.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def enable_sqlite_foreign_keys() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)


def enum_column(cls, name: str) -> Enum:
    """A workflow or kind enum stored as its value string (portable, readable), checked by a
    named CHECK constraint."""
    return Enum(cls, name=name, native_enum=False, length=20, create_constraint=True,
                values_callable=lambda e: [m.value for m in e], validate_strings=True)


def get_or_raise(model, ident, message: str):
    """The row with that primary key, or ekinerja.errors.NotFound with an Indonesian message."""
    from ekinerja.errors import NotFound
    from ekinerja.extensions import db

    obj = db.session.get(model, ident) if ident is not None else None
    if obj is None:
        raise NotFound(message)
    return obj
