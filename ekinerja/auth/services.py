"""Logging in, passwords, roles and API tokens."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from ekinerja.auth.models import ApiToken, LoginAttempt, Role, User, UserRole
from ekinerja.auth.permissions import can, require
from ekinerja.db import utcnow
from ekinerja.errors import NotFound, Throttled, ValidationFailed
from ekinerja.extensions import db
from ekinerja.org.models import Employee

MIN_PASSWORD_LENGTH = 10
# Checked against when the login is unknown, so that the answer takes as long either way.
_DUMMY_HASH = "scrypt:32768:8:1$abcdefghijklmnop$" + "0" * 128


def hash_password(password: str, method: str = "scrypt") -> str:
    return generate_password_hash(password, method=method)


def find_user(login: str) -> User | None:
    login = (login or "").strip().replace(" ", "")
    if not login:
        return None
    return db.session.scalar(
        select(User).outerjoin(Employee, User.employee_id == Employee.id)
        .where(or_(User.username == login, Employee.nip == login)))


def lock_until(identifier: str, now: datetime, max_failures: int, window: timedelta,
               lock: timedelta) -> datetime | None:
    """When the identifier may try again, if max_failures failures fell within `window` and the
    latest is less than `lock` ago (and no success came after them)."""
    recent = db.session.execute(
        select(LoginAttempt.created_at, LoginAttempt.succeeded)
        .where(LoginAttempt.identifier == identifier, LoginAttempt.created_at >= now - window - lock)
        .order_by(LoginAttempt.created_at.desc(), LoginAttempt.id.desc()).limit(max_failures)).all()
    failures = []
    for created_at, succeeded in recent:
        if succeeded:
            break
        failures.append(created_at)
    if len(failures) < max_failures:
        return None
    latest, oldest = failures[0], failures[-1]
    if latest - oldest <= window and now < latest + lock:
        return latest + lock
    return None


def authenticate(login: str, password: str, ip: str | None, *, max_failures: int = 5,
                 window_minutes: int = 15, lock_minutes: int = 15) -> User | None:
    """The user whose login and password match, or None. Raises Throttled while locked."""
    identifier = (login or "").strip().replace(" ", "")[:64]
    now = utcnow()
    until = lock_until(identifier, now, max_failures, timedelta(minutes=window_minutes),
                       timedelta(minutes=lock_minutes))
    if until is not None:
        minutes = max(1, int((until - now).total_seconds() + 59) // 60)
        raise Throttled(f"Terlalu banyak percobaan masuk yang gagal untuk {identifier}. "
                        f"Coba lagi dalam {minutes} menit.")
    user = find_user(identifier)
    ok = False
    if user is not None and user.password_hash:
        ok = check_password_hash(user.password_hash, password or "") and user.active
    else:
        check_password_hash(_DUMMY_HASH, password or "")
    db.session.add(LoginAttempt(identifier=identifier, ip=ip, succeeded=ok, created_at=now))
    if ok:
        user.last_login_at = now
    db.session.flush()
    return user if ok else None


def validate_new_password(password: str, user: User | None = None) -> list[dict]:
    errors = []
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors.append({"field": "new_password",
                       "message": f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter."})
    elif user is not None and password in {user.username, getattr(user.employee, "nip", None)}:
        errors.append({"field": "new_password", "message": "Kata sandi tidak boleh sama dengan NIP atau nama pengguna."})
    return errors


def change_password(user: User, current: str, new: str, method: str = "scrypt") -> None:
    if not user.password_hash or not check_password_hash(user.password_hash, current or ""):
        raise ValidationFailed("Kata sandi lama salah.", [{"field": "current_password", "message": "Kata sandi lama salah."}])
    errors = validate_new_password(new, user)
    if errors:
        raise ValidationFailed("Kata sandi baru belum memenuhi syarat.", errors)
    user.password_hash = hash_password(new, method)
    db.session.flush()


def reset_password(actor, user: User, method: str = "scrypt") -> str:
    """An administrator issues a new random password; returned once to be handed over."""
    require(can(actor, "users.manage"))
    password = secrets.token_urlsafe(9)
    user.password_hash = hash_password(password, method)
    db.session.flush()
    return password


def create_user(actor, username: str, display_name: str, password: str, roles: list[tuple[Role, int | None]],
                method: str = "scrypt") -> User:
    require(can(actor, "users.manage"))
    errors = []
    if not (username or "").strip():
        errors.append({"field": "username", "message": "Nama pengguna wajib diisi."})
    elif find_user(username) is not None:
        errors.append({"field": "username", "message": f"Nama pengguna {username} sudah dipakai."})
    errors += validate_new_password(password)
    if errors:
        raise ValidationFailed("Pengguna belum dapat dibuat.", errors)
    user = User(username=username.strip(), display_name=display_name.strip() or username.strip(),
                password_hash=hash_password(password, method))
    db.session.add(user)
    db.session.flush()
    for role, opd_id in roles:
        grant_role(actor, user, role, opd_id)
    return user


def grant_role(actor, user: User, role: Role, opd_id: int | None = None) -> None:
    require(can(actor, "users.manage"))
    role = Role(role)
    if (role == Role.OPD_OPERATOR) != (opd_id is not None):
        raise ValidationFailed("Operator OPD harus dikaitkan dengan satu perangkat daerah; peran lain tidak.",
                               [{"field": "opd", "message": "Pilih perangkat daerah hanya untuk peran Operator OPD."}])
    if any(r.role == role and r.opd_id == opd_id for r in user.roles):
        return
    user.roles.append(UserRole(role=role, opd_id=opd_id))
    db.session.flush()


def revoke_role(actor, user: User, role_id: int) -> None:
    require(can(actor, "users.manage"))
    role = next((r for r in user.roles if r.id == role_id), None)
    if role is None:
        raise NotFound("Peran tidak ditemukan.")
    if actor is not None and user.id == actor.id and role.role == Role.ADMIN:
        raise ValidationFailed("Administrator tidak dapat mencabut peran administratornya sendiri.")
    user.roles.remove(role)
    db.session.delete(role)
    db.session.flush()


EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


def clean_email(value: str | None, field: str = "email") -> str | None:
    """An e-mail address as typed, trimmed; empty means none. Raises ValidationFailed when it is no
    address (a mail header must never receive a line break or a second address)."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > 254 or not EMAIL_PATTERN.fullmatch(value) or any(c in value for c in ',;<>"()[]'):
        raise ValidationFailed("Alamat surel tidak valid.",
                               [{"field": field, "message": "Alamat surel tidak valid, contoh: nama@ntbprov.go.id."}])
    return value


def set_email(actor, user: User, email: str | None) -> None:
    """Set (or clear) the address notifications are e-mailed to: an administrator for anyone,
    a user for himself."""
    if actor is None or actor.id != user.id:
        require(can(actor, "users.manage"))
    value = clean_email(email)
    if user.email != value:
        user.email = value
        db.session.flush()


def set_active(actor, user: User, active: bool) -> None:
    require(can(actor, "users.manage"))
    if actor is not None and user.id == actor.id and not active:
        raise ValidationFailed("Anda tidak dapat menonaktifkan akun sendiri.")
    user.active = active
    db.session.flush()


# ---------------------------------------------------------------- API tokens

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    token = "ekj_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=_token_hash(token)))
    db.session.flush()
    return token


def revoke_tokens(user: User) -> int:
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
    for t in tokens:
        t.revoked_at = utcnow()
    db.session.flush()
    return len(tokens)


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token),
                                                   ApiToken.revoked_at.is_(None)))
    if row is None or not row.user.active:
        return None
    return row.user
