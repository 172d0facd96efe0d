"""Working days (hari kerja): Monday to Friday, minus the holidays in the Holiday table.

PPID deadlines are counted in working days (10 for an answer, 7 more once, 30 for an objection).
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ekinerja.auth.permissions import can, require
from ekinerja.errors import NotFound, ValidationFailed
from ekinerja.extensions import db
from ekinerja.public.models import Holiday


def _holidays(first: date, last: date) -> set[date]:
    """Holiday dates from first to last inclusive, in one query."""
    return set(db.session.scalars(select(Holiday.date).where(Holiday.date.between(first, last))))


def is_working_day(day: date) -> bool:
    if day.weekday() >= 5:
        return False
    return db.session.scalar(select(Holiday.id).where(Holiday.date == day)) is None


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after start (start itself is not counted, whatever it is).

    The holidays of a generous window are read in one query; a window that runs out (a year with
    an absurd number of holidays) is simply read again further on.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    day, left = start, n
    while left:
        window_end = day + timedelta(days=left * 2 + 30)
        off = _holidays(day + timedelta(days=1), window_end)
        while left and day < window_end:
            day += timedelta(days=1)
            if day.weekday() < 5 and day not in off:
                left -= 1
    return day


# ------------------------------------------------------------------ the list, kept by an administrator

def holidays(year: int) -> list[Holiday]:
    return list(db.session.scalars(select(Holiday).where(
        Holiday.date.between(date(year, 1, 1), date(year, 12, 31))).order_by(Holiday.date)))


def add_holiday(actor, day: date | None, name: str | None) -> Holiday:
    """Add a holiday; the administrator keeps the list (same grant as the period calendar)."""
    require(can(actor, "periods.manage"), "Hanya administrator yang dapat mengubah daftar hari libur.")
    errors = []
    name = (name or "").strip()
    if day is None:
        errors.append({"field": "date", "message": "Tanggal wajib diisi."})
    elif db.session.scalar(select(Holiday.id).where(Holiday.date == day)) is not None:
        errors.append({"field": "date", "message": "Tanggal ini sudah ada dalam daftar hari libur."})
    if not name:
        errors.append({"field": "name", "message": "Nama hari libur wajib diisi."})
    elif len(name) > 120:
        errors.append({"field": "name", "message": "Nama hari libur paling panjang 120 karakter."})
    if errors:
        raise ValidationFailed("Periksa kembali isian hari libur.", errors)
    holiday = Holiday(date=day, name=name)
    db.session.add(holiday)
    db.session.flush()
    return holiday


def remove_holiday(actor, holiday_id: int) -> None:
    require(can(actor, "periods.manage"), "Hanya administrator yang dapat mengubah daftar hari libur.")
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        raise NotFound("Hari libur tidak ditemukan.")
    db.session.delete(holiday)
    db.session.flush()
