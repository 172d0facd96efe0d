"""The monthly workflow in the demo (domain.md §4), on top of the scorecards and realisations of
ekinerja.demo.scorecards: what a civil servant, his superior and the administrator find when they
log in on the demo's day (late November 2026, with November open until 10 December):

- January–August locked by the administrator; September reopened for Dinas Kesehatan, with the
  reason, until 15 December 2026;
- November, the open month, under way in Bidang Aplikasi Informatika (Diskominfotik): one value
  returned to the printed staff login with a comment, two submitted and waiting in the head of the
  bidang's inbox, one draft, one not entered yet;
- evidence files (small PDFs, made here with reportlab, kept in the shared storage) on some values;
- notifications for all of that, and an e-mail address on every demo account (never used unless
  SMTP_HOST is set).

Every step is keyed (year and month, OPD, realisation and file name, user and kind), so loading
again adds no row and writes no file.
"""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import select

from ekinerja import storage
from ekinerja.auth.models import User
from ekinerja.bsc.models import Indicator, OwnerKind, Realisation, RealisationStatus, Scorecard
from ekinerja.bsc.cascade import counted_statuses
from ekinerja.demo.loader import DINKES, KOMINFO
from ekinerja.demo.scorecards import DEMO_YEAR, _row, _value
from ekinerja.extensions import db
from ekinerja.org.models import Employee, Opd, Position, Unit
from ekinerja.realisations.models import Evidence, Notification, NotificationKind, PeriodLock, PeriodReopening
from ekinerja.web import MONTHS_ID, format_number_id

WORK_MONTH = 11  # the month open on the demo's day
LOCKED_MONTHS = range(1, 9)
REOPENED_MONTH = 9
REOPEN_UNTIL = date(DEMO_YEAR, 12, 15)
REOPEN_REASON = ("Surat Kepala Dinas Kesehatan nomor 800/1187/Dikes/2026: laporan imunisasi dan gizi bulan "
                 "September dari kabupaten/kota terlambat masuk.")
RETURN_COMMENT = ("Angka November belum sesuai dasbor sistem penghubung layanan; lampirkan tangkapan layar "
                  "dasbor per 25 November lalu ajukan kembali.")
MAIL_DOMAIN = "ntbprov.go.id"

A, S, D, R = (RealisationStatus.APPROVED, RealisationStatus.SUBMITTED, RealisationStatus.DRAFT,
              RealisationStatus.RETURNED)


def _utc(month: int, day: int, hour: int = 2) -> datetime:
    """A moment of the demo year, 10.00 WITA by default."""
    return datetime(DEMO_YEAR, month, day, hour, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Slot:
    """What one staff member of the bidang has for November."""

    status: RealisationStatus | None
    performance: str | None
    day: int  # of November: submitted (and returned two days later)


# The printed staff login first, then the others by NIP.
NOVEMBER = [Slot(R, "0.70", 24), Slot(S, "1.02", 26), Slot(S, "0.95", 27), Slot(D, "0.98", 27), Slot(None, None, 0)]


def load_workflow(workflow_staff_nip: str) -> dict:
    """Create what is missing; return counts of what was created (all zero on a second load)."""
    created = {"locks": 0, "reopenings": 0, "realisations": 0, "evidence": 0, "notifications": 0, "emails": 0}
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    _periods(admin, created)
    users = {u.employee_id: u for u in db.session.scalars(select(User).where(User.employee_id.is_not(None)))}
    events = _november(workflow_staff_nip, users, created)
    events += _september_for_dinkes(users)
    _evidence(events, users, created)
    _notifications(events, users, created)
    _emails(created)
    db.session.flush()
    return created


# ---------------------------------------------------------------- periods

def _periods(admin: User | None, created: dict) -> None:
    locked = set(db.session.scalars(select(PeriodLock.month).where(PeriodLock.year == DEMO_YEAR)))
    for month in LOCKED_MONTHS:
        if month not in locked:
            # locked by the administrator on the day after the deadline
            db.session.add(PeriodLock(year=DEMO_YEAR, month=month, locked_by_id=admin.id if admin else None,
                                      created_at=_utc(month + 1, 11, 1), updated_at=_utc(month + 1, 11, 1)))
            created["locks"] += 1
    dinkes = db.session.scalar(select(Opd).where(Opd.code == DINKES))
    exists = db.session.scalar(select(PeriodReopening.id).where(
        PeriodReopening.year == DEMO_YEAR, PeriodReopening.month == REOPENED_MONTH, PeriodReopening.opd_id == dinkes.id))
    if exists is None:
        db.session.add(PeriodReopening(year=DEMO_YEAR, month=REOPENED_MONTH, opd_id=dinkes.id, reason=REOPEN_REASON,
                                       until=REOPEN_UNTIL, created_by_id=admin.id if admin else None,
                                       created_at=_utc(11, 20), updated_at=_utc(11, 20)))
        created["reopenings"] += 1


# ---------------------------------------------------------------- realisations

@dataclass
class Event:
    """A realisation the demo shows in the workflow, and who is to hear of it."""

    realisation: Realisation
    owner: int | None      # employee id of the one who enters it
    approver: int | None   # employee id of the one who decides it
    evidence: bool = True


def _bidang_staff(unit: Unit) -> list[tuple[Employee, Indicator]]:
    return db.session.execute(
        select(Employee, Indicator).join(Position, Employee.position_id == Position.id)
        .join(Scorecard, (Scorecard.employee_id == Employee.id) & (Scorecard.year == DEMO_YEAR))
        .join(Indicator, Indicator.scorecard_id == Scorecard.id)
        .where(Position.unit_id == unit.id, Position.head_of_unit_id.is_(None))
        .order_by(Employee.nip, Indicator.id)).all()


def _november(staff_nip: str, users: dict, created: dict) -> list[Event]:
    unit = db.session.scalar(select(Unit).where(Unit.code == f"{KOMINFO}.B2"))
    head = unit.head_position.holder if unit.head_position else None
    people = _bidang_staff(unit)
    people.sort(key=lambda pair: (pair[0].nip != staff_nip, pair[0].nip))  # the printed login first
    existing = {r.indicator_id: r for r in db.session.scalars(
        select(Realisation).where(Realisation.month == WORK_MONTH,
                                  Realisation.indicator_id.in_([ind.id for _, ind in people])))}
    events = []
    for n, ((employee, ind), slot) in enumerate(zip(people, NOVEMBER)):
        if slot.status is None:
            continue  # nothing entered yet: open work
        row = existing.get(ind.id)
        if row is None:
            row = _november_row(ind, slot, users.get(head.id if head else None), n)
            db.session.add(row)
            created["realisations"] += 1
        events.append(Event(row, employee.id, head.id if head else None, evidence=slot.status != D))
    db.session.flush()
    # the latest approved values of the others in the bidang carry their evidence too
    approved = db.session.scalars(
        select(Realisation).where(Realisation.indicator_id.in_([ind.id for _, ind in people]),
                                  Realisation.month == 10, Realisation.status == A)).all()
    owners = {ind.id: employee.id for employee, ind in people}
    events += [Event(r, owners[r.indicator_id], head.id if head else None) for r in approved]
    return events


def _november_row(ind: Indicator, slot: Slot, head_user: User | None, n: int) -> Realisation:
    value = _value(ind, Decimal(slot.performance), WORK_MONTH)
    entered = dict(db.session.execute(
        select(Realisation.month, Realisation.value).where(
            Realisation.indicator_id == ind.id, Realisation.month < WORK_MONTH,
            Realisation.status.in_(counted_statuses(True)), Realisation.value.is_not(None))).all())
    entered[WORK_MONTH] = value
    row = _row(ind, WORK_MONTH, value, slot.status, entered, head_user.id if head_user else None, n)
    row.note = f"Realisasi {ind.name.lower()} bulan November."
    row.submitted_at = _utc(WORK_MONTH, slot.day) if slot.status in (S, R) else None
    row.decided_at = _utc(WORK_MONTH, slot.day + 2) if slot.status == R else None
    row.decided_by_id = head_user.id if slot.status == R and head_user else None
    row.return_comment = RETURN_COMMENT if slot.status == R else None
    row.version = {D: 1, S: 2, R: 3}[slot.status]
    return row


def _september_for_dinkes(users: dict) -> list[Event]:
    """September, reopened for Dinas Kesehatan: its bidang's submissions wait for the head of the
    Dinas, who may decide them again until the reopening ends."""
    opd = db.session.scalar(select(Opd).where(Opd.code == DINKES))
    head_post = opd.root_unit.head_position
    head = head_post.holder if head_post else None
    rows = db.session.scalars(
        select(Realisation).join(Indicator, Realisation.indicator_id == Indicator.id)
        .join(Scorecard, Indicator.scorecard_id == Scorecard.id)
        .where(Scorecard.opd_id == opd.id, Scorecard.year == DEMO_YEAR, Scorecard.owner_kind == OwnerKind.UNIT,
               Realisation.month == REOPENED_MONTH, Realisation.status == S)
        .order_by(Realisation.id)).all()
    events = []
    for r in rows:
        owner_post = r.indicator.scorecard.unit.head_position
        events.append(Event(r, owner_post.holder.id if owner_post and owner_post.holder else None,
                            head.id if head else None))
    return events


# ---------------------------------------------------------------- evidence

def _pdf(title: str, lines: list[str]) -> bytes:
    """A one-page report as evidence; `invariant` makes the same text give the same bytes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(title)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(56, 780, "PEMERINTAH PROVINSI NUSA TENGGARA BARAT")
    c.setFont("Helvetica-Bold", 12)
    c.drawString(56, 756, title)
    c.setFont("Helvetica", 10)
    y = 726
    for line in lines:
        c.drawString(56, y, line[:110])
        y -= 16
    c.drawString(56, y - 24, "Dokumen contoh e-Kinerja NTB (data demo).")
    c.showPage()
    c.save()
    return buf.getvalue()


def _evidence(events: list[Event], users: dict, created: dict) -> None:
    wanted = [e for e in events if e.evidence]
    have = {(ev.realisation_id, ev.original_name): ev for ev in db.session.scalars(
        select(Evidence).where(Evidence.realisation_id.in_([e.realisation.id for e in wanted])))} if wanted else {}
    for e in wanted:
        r = e.realisation
        ind = r.indicator
        month = MONTHS_ID[r.month - 1]
        name = f"Laporan {month} {DEMO_YEAR} {ind.code}.pdf"
        found = have.get((r.id, name))
        if found is not None:
            if not storage.path_of(found.storage_key).exists():  # storage emptied since: put the file back
                _write(found.storage_key, _report(ind, r, month))
            continue
        data = _report(ind, r, month)
        key = storage.save(data, "evidence")
        # were the demo's transaction rolled back, the file goes with it (ekinerja.realisations.notify)
        db.session.info.setdefault("stored_files", []).append(key)
        owner = users.get(e.owner)
        db.session.add(Evidence(realisation_id=r.id, original_name=name, storage_key=key,
                                content_type="application/pdf", size_bytes=len(data),
                                sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=owner.id if owner else None,
                                created_at=r.submitted_at or _utc(WORK_MONTH, 20),
                                updated_at=r.submitted_at or _utc(WORK_MONTH, 20)))
        created["evidence"] += 1


def _report(ind: Indicator, r: Realisation, month: str) -> bytes:
    """The report's text depends on stored values only (numbers as the pages write them), so the
    file written again for a lost one is the same file, with the same SHA-256."""
    return _pdf(f"Laporan realisasi bulan {month} {DEMO_YEAR}", [
        f"Indikator: {ind.code} {ind.name}",
        f"Pemilik: {ind.scorecard.owner_name}",
        f"Target tahunan: {format_number_id(ind.target)} {ind.unit_of_measure}",
        f"Realisasi bulan {month}: {format_number_id(r.value)} {ind.unit_of_measure}",
        f"Catatan: {r.note or '-'}",
    ])


def _write(key: str, data: bytes) -> None:
    path = storage.path_of(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# ---------------------------------------------------------------- notifications

def _notifications(events: list[Event], users: dict, created: dict) -> None:
    rids = [e.realisation.id for e in events]
    have = set(db.session.execute(
        select(Notification.user_id, Notification.kind, Notification.realisation_id)
        .where(Notification.realisation_id.in_(rids))).all()) if rids else set()

    def add(employee_id, kind, r, message, at, read):
        user = users.get(employee_id)
        if user is None or (user.id, kind, r.id) in have:
            return
        db.session.add(Notification(user_id=user.id, kind=kind, realisation_id=r.id, message=message,
                                    created_at=at, read_at=at if read else None, emailed=False))
        have.add((user.id, kind, r.id))
        created["notifications"] += 1

    for e in events:
        r = e.realisation
        ind = r.indicator
        what = f"{MONTHS_ID[r.month - 1]} {DEMO_YEAR} untuk {ind.code} {ind.name}"
        owner = users.get(e.owner)
        if r.status in (S, R, A) and r.submitted_at is not None:
            who = owner.display_name if owner else "Pegawai"
            add(e.approver, NotificationKind.SUBMITTED, r, f"{who} mengajukan realisasi {what}.", r.submitted_at,
                read=r.status != S)
        if r.status == R:
            add(e.owner, NotificationKind.RETURNED, r, f"Realisasi {what} dikembalikan: {r.return_comment}",
                r.decided_at, read=False)
        if r.status == A and r.decided_at is not None:
            add(e.owner, NotificationKind.APPROVED, r, f"Realisasi {what} disetujui.", r.decided_at, read=True)


# ---------------------------------------------------------------- e-mail addresses

def _slug(name: str) -> str:
    """'Baiq Nurul Hidayat' -> 'baiq.nurul.hidayat' (titles and punctuation dropped)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.split(r"[^a-z0-9]+", ascii_name) if w and w not in {"dr", "h", "hj", "m", "si", "st", "se"}]
    return ".".join(words) or "pegawai"


def _emails(created: dict) -> None:
    """An address for every demo account that has none (an administrator may change it)."""
    users = db.session.scalars(select(User).order_by(User.username)).all()
    used = {u.email for u in users if u.email}
    for user in users:
        if user.email:
            continue
        local = user.username if user.employee_id is None else _slug(user.display_name)
        address = f"{local}@{MAIL_DOMAIN}"
        if address in used:  # namesakes: the last digits of the NIP tell them apart
            address = f"{local}.{user.username[-4:]}@{MAIL_DOMAIN}"
        user.email = address
        used.add(address)
        created["emails"] += 1
