"""PPID services: information requests (permohonan informasi) and objections (keberatan).

UU 14/2008 and Perki 1/2021 (domain.md §7): a request gets a registration number and an answer
within 10 working days, extendable once by 7 working days with a reason; a refusal states its
reason; an objection is answered within 30 working days. Anyone may file (no login); the PPID
officers (the governor's office and the administrator, "ppid.manage") answer, extend or refuse.
Services flush; the edge commits.
"""
from __future__ import annotations

import re

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from ekinerja.auth.permissions import can, require
from ekinerja.db import get_or_raise, utcnow
from ekinerja.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from ekinerja.extensions import db
from ekinerja.org.models import Opd
from ekinerja.public.models import (Delivery, InfoForm, InformationRequest, Objection, ObjectionStatus,
                                    PpidCounter, RequestStatus)
from ekinerja.public.workdays import add_working_days
from ekinerja.realisations.periods import today

ANSWER_DAYS = 10      # working days to answer a request
EXTENSION_DAYS = 7    # once, with a reason
OBJECTION_DAYS = 30   # working days to answer an objection
TEXT_LIMIT = 4000

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]*$")

DENIED = "Hanya petugas PPID yang dapat menangani permohonan informasi."


def is_email(value: str) -> bool:
    return bool(EMAIL.match(value))


def _is_phone(value: str) -> bool:
    digits = sum(c.isdigit() for c in value)
    return bool(PHONE.match(value)) and 8 <= digits <= 15


def _text(value, field: str, label: str, limit: int, errors: list, required: bool = True) -> str | None:
    value = (value or "").strip() or None
    if value is None:
        if required:
            errors.append({"field": field, "message": f"{label} wajib diisi."})
    elif len(value) > limit:
        errors.append({"field": field, "message": f"{label} paling panjang {limit} karakter."})
    return value


def _choice(cls, value, field: str, message: str, errors: list):
    try:
        return cls(value)
    except ValueError:
        errors.append({"field": field, "message": message})
        return None


# ------------------------------------------------------------------ registration numbers

def _next_number(year: int) -> str:
    """The next PPID/<year>/<nnnn>, without races: the year's counter row is raised with an
    UPDATE first, which locks it (a row lock on MariaDB, the write lock on SQLite) until the
    request commits, so concurrent requests queue here and each reads its own value.

    The first request of a year creates the row. Should two requests create it at the same
    moment, the loser gets Conflict (nothing saved, "send again") rather than a duplicate.
    """
    try:
        exists = db.session.scalar(select(PpidCounter.year).where(PpidCounter.year == year)) is not None
        if exists:
            db.session.execute(update(PpidCounter).where(PpidCounter.year == year)
                               .values(last=PpidCounter.last + 1).execution_options(synchronize_session=False))
            counter = db.session.scalar(select(PpidCounter).where(PpidCounter.year == year).with_for_update()
                                        .execution_options(populate_existing=True))
        else:
            counter = PpidCounter(year=year, last=1)
            db.session.add(counter)
            db.session.flush()
    except (IntegrityError, OperationalError) as exc:  # duplicate first row, deadlock, lock timeout
        raise Conflict("Permohonan lain sedang didaftarkan pada saat yang sama. Kirim ulang permohonan Anda.") from exc
    return f"PPID/{year}/{counter.last:04d}"


# ------------------------------------------------------------------ requests

def submit_request(name=None, address=None, contact=None, information=None, purpose=None,
                   form=None, delivery=None, opd_id=None) -> InformationRequest:
    """File a request (no login needed). Checks every field and names each problem in
    Indonesian; nothing is saved unless all are right."""
    errors: list[dict] = []
    name = _text(name, "name", "Nama", 120, errors)
    address = _text(address, "address", "Alamat", 255, errors)
    contact = _text(contact, "contact", "Nomor telepon atau e-mail", 120, errors)
    information = _text(information, "information", "Rincian informasi yang dibutuhkan", TEXT_LIMIT, errors)
    purpose = _text(purpose, "purpose", "Tujuan penggunaan informasi", TEXT_LIMIT, errors)
    form = _choice(InfoForm, form, "form", "Pilih bentuk informasi: softcopy, hardcopy atau melihat.", errors)
    delivery = _choice(Delivery, delivery, "delivery",
                       "Pilih cara mendapatkan informasi: ambil langsung, pos atau e-mail.", errors)
    if contact is not None and len(contact) <= 120:
        if not (is_email(contact) or _is_phone(contact)):
            errors.append({"field": "contact",
                           "message": "Isi nomor telepon (8–15 angka) atau alamat e-mail yang valid."})
        elif delivery == Delivery.EMAIL and not is_email(contact):
            errors.append({"field": "contact",
                           "message": "Untuk pengiriman lewat e-mail, isi alamat e-mail sebagai kontak."})
    if opd_id not in (None, ""):
        try:
            opd = db.session.get(Opd, int(opd_id))
        except (TypeError, ValueError):
            opd = None
        if opd is None:
            errors.append({"field": "opd_id", "message": "OPD yang dituju tidak ditemukan."})
        opd_id = opd.id if opd is not None else None
    else:
        opd_id = None
    if errors:
        raise ValidationFailed("Periksa kembali isian permohonan informasi.", errors)
    submitted = today()
    request = InformationRequest(
        number=_next_number(submitted.year), name=name, address=address, contact=contact,
        information=information, purpose=purpose, form=form, delivery=delivery, opd_id=opd_id,
        submitted_at=utcnow(), due_date=add_working_days(submitted, ANSWER_DAYS),
        status=RequestStatus.RECEIVED)
    db.session.add(request)
    db.session.flush()
    return request


def get_request(request_id: int) -> InformationRequest:
    return get_or_raise(InformationRequest, request_id, "Permohonan informasi tidak ditemukan.")


def track(number: str | None) -> InformationRequest:
    """The request with this registration number (the public tracking page; it must show only
    number, dates, status and answer, never the requester's personal data)."""
    number = (number or "").strip().upper()
    request = db.session.scalar(select(InformationRequest).where(InformationRequest.number == number)) \
        if number else None
    if request is None:
        raise NotFound("Nomor registrasi permohonan tidak ditemukan.")
    return request


def open_requests(actor) -> list[InformationRequest]:
    """Requests still waiting for an answer, the nearest deadline first (the officers' inbox)."""
    require(can(actor, "ppid.manage"), DENIED)
    rows = db.session.scalars(select(InformationRequest).where(
        InformationRequest.status.in_((RequestStatus.RECEIVED, RequestStatus.EXTENDED))))
    return sorted(rows, key=lambda r: (r.deadline, r.id))


def _require_open(request: InformationRequest) -> None:
    if not request.is_open:
        raise InvalidTransition(f"Permohonan {request.number} sudah {request.status.label.lower()}; "
                                "tidak dapat diubah lagi.")


def extend(actor, request: InformationRequest, reason: str | None) -> InformationRequest:
    """Extend the deadline by 7 working days, once, with a reason, before the deadline passes."""
    require(can(actor, "ppid.manage"), DENIED)
    if request.status == RequestStatus.EXTENDED:
        raise InvalidTransition("Permohonan ini sudah pernah diperpanjang; perpanjangan hanya sekali.")
    _require_open(request)
    if today() > request.due_date:
        raise InvalidTransition("Batas waktu sudah lewat; perpanjangan harus diberitahukan sebelum batas waktu.")
    errors: list[dict] = []
    reason = _text(reason, "reason", "Alasan perpanjangan", TEXT_LIMIT, errors)
    if errors:
        raise ValidationFailed("Alasan perpanjangan wajib diisi.", errors)
    request.extended_until = add_working_days(request.due_date, EXTENSION_DAYS)
    request.extension_reason = reason
    request.status = RequestStatus.EXTENDED
    db.session.flush()
    return request


def answer(actor, request: InformationRequest, text: str | None) -> InformationRequest:
    """Answer a request (late answers are still recorded; their lateness shows by the dates)."""
    require(can(actor, "ppid.manage"), DENIED)
    _require_open(request)
    errors: list[dict] = []
    text = _text(text, "answer", "Jawaban", TEXT_LIMIT, errors)
    if errors:
        raise ValidationFailed("Jawaban wajib diisi.", errors)
    request.answer = text
    return _close(actor, request, RequestStatus.ANSWERED)


def refuse(actor, request: InformationRequest, reason: str | None) -> InformationRequest:
    """Refuse a request; the reason (e.g. the exemption of UU 14/2008 Pasal 17) is required."""
    require(can(actor, "ppid.manage"), DENIED)
    _require_open(request)
    errors: list[dict] = []
    reason = _text(reason, "reason", "Alasan penolakan", TEXT_LIMIT, errors)
    if errors:
        raise ValidationFailed("Alasan penolakan wajib diisi.", errors)
    request.refusal_reason = reason
    return _close(actor, request, RequestStatus.REFUSED)


def _close(actor, request: InformationRequest, status: RequestStatus) -> InformationRequest:
    """A request answered or refused: when and by whom."""
    request.answered_at = utcnow()
    request.answered_by_id = actor.id if actor is not None else None
    request.status = status
    db.session.flush()
    return request


# ------------------------------------------------------------------ objections

def submit_objection(number: str | None, contact: str | None, reason: str | None) -> Objection:
    """File an objection (no login). The requester proves it is theirs with the contact given in
    the request (numbers are sequential, so the number alone proves nothing). Allowed once, after
    the request was answered or refused, or once its deadline has passed unanswered."""
    request = track(number)
    if (contact or "").strip().lower() != request.contact.strip().lower():
        raise NotFound("Nomor registrasi permohonan tidak ditemukan.")  # the same answer: nothing leaks
    if request.objection is not None:
        raise InvalidTransition("Keberatan atas permohonan ini sudah diajukan.")
    if request.is_open and today() <= request.deadline:
        raise InvalidTransition("Keberatan dapat diajukan setelah permohonan dijawab atau ditolak, "
                                "atau setelah batas waktunya lewat.")
    errors: list[dict] = []
    reason = _text(reason, "reason", "Alasan keberatan", TEXT_LIMIT, errors)
    if errors:
        raise ValidationFailed("Alasan keberatan wajib diisi.", errors)
    objection = Objection(request=request, reason=reason, submitted_at=utcnow(),
                          due_date=add_working_days(today(), OBJECTION_DAYS), status=ObjectionStatus.RECEIVED)
    db.session.add(objection)
    db.session.flush()
    return objection


def get_objection(objection_id: int) -> Objection:
    return get_or_raise(Objection, objection_id, "Keberatan tidak ditemukan.")


def answer_objection(actor, objection: Objection, text: str | None) -> Objection:
    require(can(actor, "ppid.manage"), "Hanya petugas PPID yang dapat menjawab keberatan.")
    if objection.status != ObjectionStatus.RECEIVED:
        raise InvalidTransition("Keberatan ini sudah dijawab.")
    errors: list[dict] = []
    text = _text(text, "answer", "Tanggapan atas keberatan", TEXT_LIMIT, errors)
    if errors:
        raise ValidationFailed("Tanggapan atas keberatan wajib diisi.", errors)
    objection.answer = text
    objection.answered_at = utcnow()
    objection.answered_by_id = actor.id if actor is not None else None
    objection.status = ObjectionStatus.ANSWERED
    db.session.flush()
    return objection
