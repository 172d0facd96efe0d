"""Users, their roles, API tokens and login attempts (kept in the database: any host can check)."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ekinerja.db import Audited, TimestampMixin, enum_column, utcnow
from ekinerja.extensions import db
from ekinerja.org.models import Employee, Opd


class Role(enum.StrEnum):
    ADMIN = "admin"
    GOVERNOR_OFFICE = "governor_office"
    OPD_OPERATOR = "opd_operator"
    AUDITOR = "auditor"
    GOVERNOR = "governor"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.GOVERNOR_OFFICE: "Biro Organisasi / Setda",
    Role.OPD_OPERATOR: "Operator OPD",
    Role.AUDITOR: "Auditor (Inspektorat)",
    Role.GOVERNOR: "Gubernur",
}


class User(UserMixin, TimestampMixin, Audited, db.Model):
    """Anyone who logs in. An employee's user has the NIP as username and acts as staff."""

    __tablename__ = "user_account"
    __audit_masked__ = ("password_hash",)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str]
    email: Mapped[str | None] = mapped_column(String(255))  # notifications, when SMTP is configured
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), unique=True)
    # Empty until a password is issued: the account exists but cannot log in.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None]

    employee: Mapped[Employee | None] = relationship()
    roles: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def role_set(self) -> set[Role]:
        return {r.role for r in self.roles}

    def has_role(self, *roles: Role) -> bool:
        return any(r.role in roles for r in self.roles)

    def operator_opd_ids(self) -> set[int]:
        return {r.opd_id for r in self.roles if r.role == Role.OPD_OPERATOR}

    def __str__(self) -> str:
        return self.display_name


class UserRole(TimestampMixin, Audited, db.Model):
    __tablename__ = "user_role"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "opd_id"),
        # An OPD operator is the operator of exactly one OPD; other roles are province-wide.
        CheckConstraint("(role = 'opd_operator') = (opd_id IS NOT NULL)", name="opd_only_for_operator"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id"))

    user: Mapped[User] = relationship(back_populates="roles")
    opd: Mapped[Opd | None] = relationship(lazy="joined")


class ApiToken(TimestampMixin, db.Model):
    """A bearer token for /api/v1; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_identifier_time", "identifier", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(45))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
