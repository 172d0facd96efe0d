"""Monthly periods (domain.md §4): month m closes on day 10 of month m+1 (configurable per year);
an administrator may lock a month, and reopen it for named OPDs with a reason until a date.

A month is open for an OPD when it has begun, and either its deadline has not passed and it is not
locked, or a reopening for that OPD runs until today or later. Dates are NTB's (WITA).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from ekinerja.errors import Locked, ValidationFailed
from ekinerja.extensions import db
from ekinerja.realisations.models import PeriodLock, PeriodReopening, PeriodSetting
from ekinerja.web import MONTHS_ID, WITA

DEFAULT_DEADLINE_DAY = 10


def today() -> date:
    """Today in NTB. EKINERJA_TODAY (demo and training servers only) fixes it."""
    fixed = current_app.config.get("TODAY")
    if fixed:
        return fixed if isinstance(fixed, date) else date.fromisoformat(str(fixed))
    return datetime.now(WITA).date()


def month_name(year: int, month: int) -> str:
    return f"{MONTHS_ID[month - 1]} {year}"


def deadline_day(year: int) -> int:
    setting = db.session.get(PeriodSetting, year)
    if setting is not None:
        return setting.deadline_day
    return int(current_app.config.get("REALISATION_DEADLINE_DAY", DEFAULT_DEADLINE_DAY))


def deadline(year: int, month: int, day: int | None = None) -> date:
    """The last day on which month m may change: day d of month m+1."""
    day = deadline_day(year) if day is None else day
    y, m = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(y, m, min(day, calendar.monthrange(y, m)[1]))


@dataclass(frozen=True)
class MonthState:
    year: int
    month: int
    deadline: date
    locked: bool
    reopened_until: date | None  # for the OPD asked about
    started: bool
    open: bool

    @property
    def label(self) -> str:
        if not self.started:
            return "belum dimulai"
        if self.open:
            return f"dibuka kembali s.d. {_d(self.reopened_until)}" if self.reopened_until else "terbuka"
        return "dikunci" if self.locked else "ditutup"

    def message(self) -> str:
        name = month_name(self.year, self.month)
        if not self.started:
            return f"Bulan {name} belum dimulai; realisasinya belum dapat diisi."
        if self.locked:
            return (f"Periode {name} telah dikunci oleh administrator; data tidak dapat diubah. "
                    "Hubungi administrator bila perlu dibuka kembali.")
        return (f"Periode {name} telah ditutup pada {_d(self.deadline)}; data tidak dapat diubah. "
                "Hubungi administrator bila perlu dibuka kembali.")


def _d(day: date | None) -> str:
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}" if day else ""


STATES_KEY = "ekinerja.month_states"  # session.info: the states read in this transaction


def month_state(year: int, month: int, opd_id: int | None, on: date | None = None) -> MonthState:
    on = on or today()
    due = deadline(year, month)
    locked = db.session.scalar(select(PeriodLock.id).where(PeriodLock.year == year, PeriodLock.month == month)) is not None
    until = None
    if opd_id is not None:
        until = db.session.scalar(
            select(PeriodReopening.until).where(PeriodReopening.year == year, PeriodReopening.month == month,
                                                PeriodReopening.opd_id == opd_id, PeriodReopening.until >= on)
            .order_by(PeriodReopening.until.desc()).limit(1))
    started = date(year, month, 1) <= on
    is_open = started and (until is not None or (not locked and on <= due))
    return MonthState(year, month, due, locked, until, started, is_open)


def year_states(year: int, opd_id: int | None, on: date | None = None) -> list[MonthState]:
    """The twelve months of a year in three queries (settings, locks, reopenings), once per
    transaction (see require_open)."""
    on = on or today()
    cache = db.session.info.setdefault(STATES_KEY, {})
    key = ("year", year, opd_id, on)
    if key not in cache:
        cache[key] = _year_states(year, opd_id, on)
    return list(cache[key])


def _year_states(year: int, opd_id: int | None, on: date) -> list[MonthState]:
    day = deadline_day(year)
    locked = set(db.session.scalars(select(PeriodLock.month).where(PeriodLock.year == year)))
    reopened: dict[int, date] = {}
    if opd_id is not None:
        for m, until in db.session.execute(
                select(PeriodReopening.month, PeriodReopening.until).where(
                    PeriodReopening.year == year, PeriodReopening.opd_id == opd_id, PeriodReopening.until >= on)):
            reopened[m] = max(until, reopened.get(m, until))
    out = []
    for m in range(1, 13):
        due = deadline(year, m, day)
        started = date(year, m, 1) <= on
        until = reopened.get(m)
        out.append(MonthState(year, m, due, m in locked, until, started,
                              started and (until is not None or (m not in locked and on <= due))))
    return out


def require_open(year: int, month: int, opd_id: int | None) -> MonthState:
    """The month's state, refused when closed. Read once per transaction for each month and OPD (an
    Excel import checks thousands of rows of the same month); a change of the periods in the
    transaction, its commit or its rollback forgets it."""
    cache = db.session.info.setdefault(STATES_KEY, {})
    key = (year, month, opd_id, today())
    state = cache.get(key)
    if state is None:
        state = cache[key] = month_state(year, month, opd_id)
    if not state.open:
        raise Locked(state.message())
    return state


def default_month(year: int, opd_id: int | None) -> int:
    """The month a user most likely enters now: the earliest open month of the year that has
    begun (an unfinished earlier month first), else the latest month that has begun."""
    states = year_states(year, opd_id)
    open_months = [s.month for s in states if s.open]
    if open_months:
        return open_months[0]
    begun = [s.month for s in states if s.started]
    return begun[-1] if begun else 1


# ------------------------------------------------------------------ administration

def _check_month(year: int, month: int) -> None:
    errors = []
    if not 2000 <= year <= 2100:
        errors.append({"field": "year", "message": "Tahun harus 2000–2100."})
    if not 1 <= month <= 12:
        errors.append({"field": "month", "message": "Bulan harus 1–12."})
    if errors:
        raise ValidationFailed("Periode tidak valid.", errors)


def lock(actor, year: int, month: int) -> PeriodLock:
    """Lock a month (idempotent: locking a locked month changes nothing)."""
    _check_month(year, month)
    existing = db.session.scalar(select(PeriodLock).where(PeriodLock.year == year, PeriodLock.month == month))
    if existing is not None:
        return existing
    row = PeriodLock(year=year, month=month, locked_by_id=getattr(actor, "id", None))
    db.session.add(row)
    db.session.flush()
    return row


def unlock(actor, year: int, month: int) -> bool:
    _check_month(year, month)
    existing = db.session.scalar(select(PeriodLock).where(PeriodLock.year == year, PeriodLock.month == month))
    if existing is None:
        return False
    db.session.delete(existing)
    db.session.flush()
    return True


def reopen(actor, year: int, month: int, opds: list, reason: str, until: date | None) -> list[PeriodReopening]:
    """Open a closed or locked month again for the named OPDs, with a reason, until a date."""
    _check_month(year, month)
    errors = []
    reason = (reason or "").strip()
    if not opds:
        errors.append({"field": "opd", "message": "Pilih sekurang-kurangnya satu OPD."})
    if len(reason) < 10:
        errors.append({"field": "reason", "message": "Alasan wajib diisi (sekurang-kurangnya 10 karakter)."})
    if until is None:
        errors.append({"field": "until", "message": "Tanggal berakhir wajib diisi."})
    elif until < today():
        errors.append({"field": "until", "message": "Tanggal berakhir tidak boleh sebelum hari ini."})
    elif (until - today()).days > 366:
        errors.append({"field": "until", "message": "Pembukaan kembali paling lama satu tahun."})
    if errors:
        raise ValidationFailed("Periode tidak dapat dibuka kembali.", errors)
    rows = []
    for opd in opds:
        row = PeriodReopening(year=year, month=month, opd_id=opd.id, reason=reason, until=until,
                              created_by_id=getattr(actor, "id", None))
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    return rows


def set_deadline_day(actor, year: int, day: int) -> PeriodSetting:
    if not 1 <= int(day) <= 28:
        raise ValidationFailed("Tanggal batas tidak valid.",
                               [{"field": "deadline_day", "message": "Tanggal batas harus 1–28."}])
    setting = db.session.get(PeriodSetting, year)
    if setting is None:
        setting = PeriodSetting(year=year, deadline_day=int(day))
        db.session.add(setting)
    elif setting.deadline_day != int(day):
        setting.deadline_day = int(day)
    db.session.flush()
    return setting


def _forget_states(session, *args) -> None:
    session.info.pop(STATES_KEY, None)


def _forget_states_on_change(session, flush_context) -> None:
    if STATES_KEY in session.info and any(
            isinstance(obj, (PeriodLock, PeriodReopening, PeriodSetting))
            for group in (session.new, session.dirty, session.deleted) for obj in group):
        session.info.pop(STATES_KEY, None)


def init_app(app) -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    for name, fn in (("after_commit", _forget_states), ("after_rollback", _forget_states),
                     ("after_flush", _forget_states_on_change)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
